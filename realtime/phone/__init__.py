"""Phone calls on the session core: Twilio Media Streams and OpenAI SIP sidebands."""
