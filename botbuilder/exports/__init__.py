"""Transcript exports: plain data, one renderer per format, PII redaction, zips, recordings."""
