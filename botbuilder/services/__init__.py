"""Writes: every change to bots and their records goes through these services."""
