"""Static-response tools: a templated answer, for demos and rehearsing a flow."""

from typing import Any

from botbuilder.tools.base import (
    ToolContext,
    ToolOutcome,
    error_outcome,
    truncate_for_model,
)
from botbuilder.tools.templating import TemplateError, fill_text


def static_response(
    spec: Any, arguments: dict[str, Any], context: ToolContext
) -> ToolOutcome:
    """The configured answer with `{argument}` and `{{variable}}` filled in."""
    template = spec.config.get("static_response", "")
    try:
        text = fill_text(template, arguments, context.variables)
    except TemplateError as exc:
        return error_outcome("error", str(exc))
    return ToolOutcome(output=truncate_for_model(text))
