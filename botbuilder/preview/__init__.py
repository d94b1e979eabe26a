"""The bot preview page: talk to a bot from its admin page (browser audio, live transcript)."""
