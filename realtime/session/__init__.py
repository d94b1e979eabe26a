"""Transport-independent live session machinery (browser today, phone calls later)."""
