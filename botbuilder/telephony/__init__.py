"""Phone calls: Twilio Media Streams and OpenAI SIP (webhooks, signatures, call control)."""
