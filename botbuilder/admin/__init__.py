"""Django admin for the voice bot builder: one module per area."""

from botbuilder.admin import (
    analysis,
    bot_tests,
    bots,
    connections,
    knowledge,
    sessions,
    tools,
    voices,
)

__all__ = [
    "analysis",
    "bot_tests",
    "bots",
    "connections",
    "knowledge",
    "sessions",
    "tools",
    "voices",
]
