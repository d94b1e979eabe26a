"""Extra bot pages: the assembled instructions (read-only) and the import form."""

import json

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from botbuilder.assembly import UnknownVariableError, assemble
from botbuilder.assembly.assemble import AUDIO_FORMATS
from botbuilder.assembly.knowledge import snippet_block
from botbuilder.assembly.tokens import estimate_tokens
from botbuilder.assembly.variables import placeholders
from botbuilder.selectors import bot_snapshot
from botbuilder.services.bot_transfer import BotImportError, bots_import

MAX_IMPORT_BYTES = 5 * 1024 * 1024  # an export of a large bot is well under 1 MB
VARIABLE_PARAM_PREFIX = "var_"


def _page_context(model_admin, request, **extra) -> dict:
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "has_view_permission": model_admin.has_view_permission(request),
        **extra,
    }


def assembled_view(model_admin, request, object_id):
    """What the model would receive for this bot: sections, budget, tools, the exact JSON."""
    # Permission first: without it, a bot that exists and one that does not look the same.
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    bot = model_admin.get_object(request, unquote(object_id))
    if bot is None:
        raise Http404("No bot with that id.")
    if not model_admin.has_view_permission(request, bot):
        raise PermissionDenied
    audio_format = request.GET.get("audio_format", "pcm16")
    if audio_format not in AUDIO_FORMATS:
        audio_format = "pcm16"
    names = (
        list(bot.variable_defaults or {})
        if isinstance(bot.variable_defaults, dict)
        else []
    )
    names += [
        n for n in placeholders(f"{bot.instructions}\n{bot.greeting}") if n not in names
    ]
    overrides = {
        n: request.GET[VARIABLE_PARAM_PREFIX + n]
        for n in names
        if request.GET.get(VARIABLE_PARAM_PREFIX + n)
    }
    snapshot = bot_snapshot(bot=bot, variables=overrides, audio_format=audio_format)
    context = _page_context(
        model_admin,
        request,
        title=f"Assembled instructions: {bot}",
        subtitle=None,
        original=bot,
        audio_formats=list(AUDIO_FORMATS),
        audio_format=audio_format,
        variable_inputs=[
            (VARIABLE_PARAM_PREFIX + n, n, overrides.get(n, "")) for n in names
        ],
    )
    try:
        assembly = assemble(snapshot)
    except UnknownVariableError as exc:
        context["error"] = (
            "The instructions or greeting use variables with no value: "
            + ", ".join(f"{{{{{n}}}}}" for n in exc.names)
            + ". Add them to 'Default values for variables' on the bot, or fill them in above."
        )
        return TemplateResponse(request, "admin/botbuilder/bot/assembled.html", context)

    report = assembly.report
    by_id = {s.id: s for s in snapshot.snippets}

    def rows(ids: list[int]) -> list[dict]:
        return [
            {"snippet": by_id[i], "tokens": estimate_tokens(snippet_block(by_id[i]))}
            for i in ids
        ]

    context.update(
        report=report,
        context_share_pct=round(100 * report.total_tokens / report.context_tokens),
        inline_snippets=rows(report.inline_snippet_ids),
        retrievable_snippets=rows(report.retrievable_snippet_ids),
        tools=assembly.tools,
        greeting=assembly.greeting,
        variables=sorted(assembly.variables.items()),
        session_json=json.dumps(
            assembly.session_update(), indent=2, ensure_ascii=False
        ),
    )
    return TemplateResponse(request, "admin/botbuilder/bot/assembled.html", context)


class BotImportForm(forms.Form):
    file = forms.FileField(
        label="Export file",
        help_text="A .json file made with the 'Export selected bots as JSON' action.",
    )

    def clean_file(self):
        """The parsed JSON document of the upload."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(
                "The file is larger than %(mb)d MB; that is not a bot export.",
                code="too_large",
                params={"mb": MAX_IMPORT_BYTES // (1024 * 1024)},
            )
        try:
            return json.loads(
                upload.read().decode("utf-8"), parse_constant=_refuse_constant
            )
        except (UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError is one
            raise ValidationError(
                "The file is not valid JSON (%(error)s).",
                code="invalid_json",
                params={"error": exc},
            ) from exc
        except RecursionError:
            raise ValidationError(
                "The file is nested too deeply; that is not a bot export.",
                code="too_deep",
            ) from None


def _refuse_constant(name: str):
    """NaN, Infinity and -Infinity are not JSON (Python's parser accepts them)."""
    raise ValueError(f"{name} is not a number JSON allows")


def import_view(model_admin, request):
    """Recreate bots with their snippets, tools and voice from an export file."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    form = BotImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = bots_import(data=form.cleaned_data["file"], user=request.user)
        except BotImportError as exc:
            form.add_error("file", f"Nothing was imported. {exc}")
        else:
            for bot in result.bots:
                model_admin.log_addition(request, bot, "Imported from a file.")
            model_admin.message_user(request, result.summary(), messages.SUCCESS)
            for warning in result.warnings:
                model_admin.message_user(request, warning, messages.WARNING)
            prefix = f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}"
            if len(result.bots) == 1:
                return redirect(reverse(f"{prefix}_change", args=[result.bots[0].pk]))
            return redirect(reverse(f"{prefix}_changelist"))
    context = _page_context(
        model_admin, request, title="Import bots", subtitle=None, form=form
    )
    return TemplateResponse(request, "admin/botbuilder/bot/import.html", context)
