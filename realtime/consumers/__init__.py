"""Channels consumers: where the browser, the ORM (through services) and the upstream meet."""
