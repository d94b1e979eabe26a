"""Instruction assembly: pure functions from a bot snapshot to the Realtime session config."""

from botbuilder.assembly.assemble import Assembly, Report, Section, assemble
from botbuilder.assembly.snapshot import (
    BotSpec,
    Snapshot,
    SnippetSpec,
    ToolSpec,
    VoiceSpec,
)
from botbuilder.assembly.variables import UnknownVariableError

__all__ = [
    "Assembly",
    "BotSpec",
    "Report",
    "Section",
    "Snapshot",
    "SnippetSpec",
    "ToolSpec",
    "UnknownVariableError",
    "VoiceSpec",
    "assemble",
]
