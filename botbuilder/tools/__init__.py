"""Tools the model may call, run on the server: `run_tool` is the one entry point."""

from botbuilder.tools.base import ToolContext, ToolOutcome
from botbuilder.tools.run import run_tool

__all__ = ["ToolContext", "ToolOutcome", "run_tool"]
