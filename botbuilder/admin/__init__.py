"""Django admin for the voice bot builder: one module per area."""

from botbuilder.admin import (
    analysis,
    bots,
    connections,
    knowledge,
    sessions,
    tools,
    voices,
)

__all__ = [
    "analysis",
    "bots",
    "connections",
    "knowledge",
    "sessions",
    "tools",
    "voices",
]
