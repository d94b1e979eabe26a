"""The admin's "Test tool" page: run one tool with typed-in arguments and see what happens.

Mounted by the Tool ModelAdmin through ``tool_admin_urls(self.admin_site)`` in ``get_urls``.
Webhooks run for real, through the same SSRF guard as in a live session; secrets are shown
only as ••••.
"""

import json
from typing import Any

from asgiref.sync import async_to_sync
from django import forms
from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path

from botbuilder.assembly.assemble import resolve_variables
from botbuilder.assembly.snapshot import SnippetSpec
from botbuilder.knowledge.search import index_for
from botbuilder.models import Bot, KnowledgeSnippet, Tool
from botbuilder.selectors import bot_snapshot, tool_spec
from botbuilder.tools.base import ToolContext, ToolOutcome
from botbuilder.tools.run import run_tool

TEST_SESSION_ID = "admin-tool-test"
TEMPLATE = "admin/botbuilder/tool/test_tool.html"
EXAMPLE_BY_TYPE = {
    "string": "",
    "integer": 0,
    "number": 0,
    "boolean": False,
    "array": [],
}


class ToolTestForm(forms.Form):
    arguments = forms.CharField(
        label="Arguments (JSON)",
        widget=forms.Textarea(
            attrs={"rows": 8, "cols": 80, "class": "vLargeTextField"}
        ),
        required=False,
        help_text="Exactly what the model would send. Invalid JSON is passed on as-is, so you "
        "can see the error the model would get.",
    )
    variables = forms.CharField(
        label="Session variables (JSON)",
        widget=forms.Textarea(
            attrs={"rows": 4, "cols": 80, "class": "vLargeTextField"}
        ),
        required=False,
        help_text='Values for {{variables}}, e.g. {"customer_name": "Ada"}. They override '
        "the chosen bot's defaults.",
    )
    bot = forms.ModelChoiceField(
        queryset=Bot.objects.order_by("name"),
        required=False,
        help_text="Optional: use this bot's variable defaults and knowledge snippets.",
    )

    def clean_variables(self) -> dict[str, str]:
        text = self.cleaned_data["variables"].strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise forms.ValidationError(
                f"Not valid JSON: {exc}", code="invalid_json"
            ) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(
                'Write the variables as a JSON object, e.g. {"customer_name": "Ada"}.',
                code="not_an_object",
            )
        return {str(k): "" if v is None else str(v) for k, v in value.items()}


def tool_admin_urls(admin_site: AdminSite) -> list[URLPattern]:
    """URL patterns to put before the Tool ModelAdmin's own ones (in its get_urls)."""

    def view(request: HttpRequest, tool_id: int) -> HttpResponse:
        return tool_test_view(request, tool_id, admin_site)

    return [
        path(
            "<int:tool_id>/test/",
            admin_site.admin_view(view),
            name="botbuilder_tool_test",
        )
    ]


def tool_test_view(
    request: HttpRequest, tool_id: int, admin_site: AdminSite
) -> HttpResponse:
    """Show the form; on POST run the tool once and show request, response and model output."""
    if not request.user.has_perm("botbuilder.change_tool"):
        raise PermissionDenied("Running a tool needs the permission to change tools.")
    tool = get_object_or_404(Tool, pk=tool_id)
    outcome: ToolOutcome | None = None
    if request.method == "POST":
        form = ToolTestForm(request.POST)
        if form.is_valid():
            outcome = _run(tool, form.cleaned_data)
    else:
        form = ToolTestForm(
            initial={
                "arguments": json.dumps(arguments_skeleton(tool.parameters), indent=2)
            }
        )
    context = {
        **admin_site.each_context(request),
        "title": f"Test tool: {tool.name}",
        "opts": Tool._meta,
        "original": tool,
        "form": form,
        "outcome": outcome,
        "result": _result_view(outcome) if outcome else None,
    }
    return TemplateResponse(request, TEMPLATE, context)


def arguments_skeleton(schema: Any) -> dict[str, Any]:
    """Example arguments from a parameters schema: examples, defaults or empty values."""
    properties = schema.get("properties", {}) if isinstance(schema, dict) else {}
    return {
        name: _example(prop)
        for name, prop in properties.items()
        if isinstance(prop, dict)
    }


def _example(prop: dict[str, Any]) -> Any:
    if "default" in prop:
        return prop["default"]
    if prop.get("examples"):
        return prop["examples"][0]
    if prop.get("enum"):
        return prop["enum"][0]
    kind = prop.get("type")
    kind = kind[0] if isinstance(kind, list) and kind else kind
    if kind == "object":
        return arguments_skeleton(prop)
    return EXAMPLE_BY_TYPE.get(kind, None)


def _run(tool: Tool, data: dict[str, Any]) -> ToolOutcome:
    """Run the saved tool once, as a live session would."""
    bot: Bot | None = data.get("bot")
    variables: dict[str, str] = {}
    if bot is not None:
        snapshot = bot_snapshot(bot=bot)
        variables = resolve_variables(snapshot)
        snippets = snapshot.snippets
    else:
        snippets = tuple(
            SnippetSpec(
                id=s.pk,
                title=s.title,
                content=s.content,
                mode=s.mode,
                priority=s.priority,
            )
            for s in KnowledgeSnippet.objects.filter(is_enabled=True).order_by("pk")
        )
    variables.update(data["variables"])
    context = ToolContext(
        session_id=TEST_SESSION_ID,
        bot_id=bot.pk if bot else None,
        variables=variables,
        knowledge=index_for(snippets) if snippets else None,
    )
    return async_to_sync(run_tool)(
        spec=tool_spec(tool), arguments=data["arguments"], context=context
    )


def _result_view(outcome: ToolOutcome) -> dict[str, Any]:
    """The outcome laid out for the template (JSON pretty-printed where it is JSON)."""
    detail = outcome.detail or {}
    request = detail.get("request")
    return {
        "model_output": _pretty(outcome.output),
        "request_body": _pretty(request.get("body"))
        if request and request.get("body")
        else "",
        "response_body": _pretty(
            (detail.get("response") or {}).get("body_excerpt") or ""
        ),
        "problems": detail.get("argument_problems") or [],
        "other_detail": {
            k: v
            for k, v in detail.items()
            if k
            not in (
                "request",
                "response",
                "redirects",
                "argument_problems",
                "timing_ms",
            )
        },
    }


def _pretty(text: str | None) -> str:
    if not text:
        return ""
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return text
