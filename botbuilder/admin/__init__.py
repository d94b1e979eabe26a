"""Django admin for the voice bot builder: one module per area."""

from botbuilder.admin import (
    bots,
    connections,
    knowledge,
    phone,
    sessions,
    tools,
    voices,
)

__all__ = ["bots", "connections", "knowledge", "phone", "sessions", "tools", "voices"]
