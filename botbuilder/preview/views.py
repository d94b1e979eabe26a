"""The preview page of a bot, mounted in the admin by the Bot ModelAdmin's `get_urls()`."""

import logging
from typing import Any

from django.conf import settings
from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path

from botbuilder.assembly import UnknownVariableError, assemble
from botbuilder.catalogue import realtime_model
from botbuilder.engines import engine_label, is_free_engine
from botbuilder.models import Bot
from botbuilder.models.choices import EndReason, SessionStatus
from botbuilder.pricing import TOKEN_KINDS, price_table
from botbuilder.selectors import bot_snapshot, connection_for_bot

logger = logging.getLogger(__name__)

PREVIEW_URL_NAME = "botbuilder_bot_preview"
PREVIEW_TEMPLATE = "admin/botbuilder/bot/preview.html"


def session_ws_path(bot_id: int) -> str:
    """The websocket path of a live session with bot `bot_id` (realtime/browser_protocol.md)."""
    return f"/ws/bots/{bot_id}/session/"


def instructions_report(bot: Bot) -> dict[str, Any]:
    """Sections, token estimates and warnings of the bot's instructions with default variables."""
    try:
        assembly = assemble(bot_snapshot(bot=bot))
    except UnknownVariableError as exc:
        return {
            "sections": [],
            "total_tokens": 0,
            "context_tokens": 0,
            "warnings": [str(exc)],
        }
    report = assembly.report
    return {
        "sections": [
            {"key": s.key, "title": s.title, "tokens": s.tokens, "text": s.text}
            for s in report.sections
        ],
        "tool_tokens": report.tool_tokens,
        "total_tokens": report.total_tokens,
        "context_tokens": report.context_tokens,
        "warnings": list(report.warnings),
        "tools": [t.name for t in assembly.tools],
    }


def offline_language_note(language: str, connection_kind: str) -> str:
    """What a bot in another language gets from the offline engine ("" when nothing)."""
    code = (language or "en").strip().lower()
    if not is_free_engine(connection_kind) or code.startswith("en"):
        return ""
    return (
        f"This bot speaks {code}: the offline rehearsal engine answers in that "
        "language's eSpeak voice, but hears English only."
    )


def model_capabilities(bot: Bot) -> dict[str, Any]:
    """What the bot's model can do, from the catalogue (None where it is not listed)."""
    model = bot.speech_model()
    record = realtime_model(model)
    if record is None:
        return {"name": model, "known": False}
    return {
        "name": model,
        "known": True,
        "family": record.family,
        "context_tokens": record.context_tokens,
        "max_output_tokens": record.max_output_tokens,
        "reasoning": record.reasoning,
        "reasoning_effort": bot.reasoning_effort if record.reasoning else None,
        "image_input": record.image_input,
        "status": str(record.status),
        "shutdown": record.shutdown.isoformat() if record.shutdown else None,
        "successor": record.successor or None,
    }


def preview_config(bot: Bot) -> dict[str, Any]:
    """Everything the page's scripts need, passed to them as JSON (`json_script`)."""
    model = bot.speech_model()
    prices = price_table(model, settings.REALTIME_PRICES)
    connection = connection_for_bot(bot=bot)
    return {
        "bot": {"id": bot.pk, "name": bot.name, "model": model},
        "model": model_capabilities(bot),
        "wsPath": session_ws_path(bot.pk),
        "variables": {k: str(v) for k, v in (bot.variable_defaults or {}).items()},
        "pricesPerMtok": prices,
        "tokenKinds": [
            {"key": k, "label": label} for k, label in TOKEN_KINDS if k in prices
        ],
        "instructions": instructions_report(bot),
        "turnDetection": bot.turn_detection,
        # Until session.started says which engine answers, the one the settings point at.
        "engine": engine_label(connection, bot.model),
        "freeEngine": is_free_engine(connection.kind),
        "languageNote": offline_language_note(bot.language, connection.kind),
        "outputModality": bot.output_modality,
        "labels": {
            "status": dict(SessionStatus.choices),
            "reason": dict(EndReason.choices),
        },
    }


def preview_view(
    request: HttpRequest, bot_id: int, *, admin_site: AdminSite
) -> HttpResponse:
    """Staff with the "view bot" permission talk to the bot; unknown bots are a 404."""
    if not request.user.has_perm("botbuilder.view_bot"):
        raise PermissionDenied
    bot = get_object_or_404(
        Bot.objects.select_related("voice", "connection"), pk=bot_id
    )
    config = preview_config(bot)
    context = {
        **admin_site.each_context(request),
        "title": f"Preview: {bot.name}",
        "subtitle": None,
        "opts": Bot._meta,
        "is_nav_sidebar_enabled": False,  # the console needs the width
        "original": bot,
        "bot": bot,
        "config": config,
        "instructions": config["instructions"],
        "capabilities": config["model"],
        "variables": list(config["variables"].items()),
        "prices": [
            {
                "key": key,
                "label": label,
                "usd_per_mtok": config["pricesPerMtok"].get(key, 0),
            }
            for key, label in TOKEN_KINDS
            if key in config["pricesPerMtok"]
        ],
    }
    request.current_app = admin_site.name
    return TemplateResponse(request, PREVIEW_TEMPLATE, context)


def preview_urls(admin_site: AdminSite) -> list[URLPattern]:
    """The preview route, for `BotAdmin.get_urls()` (put it before the default URLs)."""

    def view(request: HttpRequest, bot_id: int) -> HttpResponse:
        return preview_view(request, bot_id, admin_site=admin_site)

    return [
        path(
            "<int:bot_id>/preview/", admin_site.admin_view(view), name=PREVIEW_URL_NAME
        ),
    ]
