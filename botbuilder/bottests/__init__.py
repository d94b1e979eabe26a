"""Bot tests: scripted callers with checks, run through the real session core."""
