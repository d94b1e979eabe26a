"""The offline realtime engine: a GA-protocol speech server (pocketsphinx + eSpeak NG).

A rehearsal engine, not a language model: see README.md in this package.
"""
