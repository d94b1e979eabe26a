"""Admin pieces for exports: the bulk zip action, per-session downloads and their URLs.

The Session ModelAdmin wires them with `actions = [export_sessions_action]`,
`get_urls()` returning `session_export_urls(self.admin_site) + super().get_urls()`, and
the change page including `admin/botbuilder/session/export_buttons.html`.
"""

import logging

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.sites import AdminSite
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, register_converter
from django.utils import timezone

from botbuilder.exports.formats import (
    SESSION_FORMATS,
    TEXT_FORMATS,
    WAV_CONTENT_TYPE,
    WAV_FORMAT,
)
from botbuilder.exports.recordings import WAV_HEADER_BYTES
from botbuilder.exports.responses import streaming_download
from botbuilder.exports.services import (
    session_export,
    session_export_filename,
    sessions_export_zip,
)
from botbuilder.models import Session

logger = logging.getLogger(__name__)

# Sessions named one by one on the confirmation page; more are only counted.
CONFIRM_LIST_LIMIT = 20
NO_RECORDING_MESSAGE = (
    "This session has no recording: its bot did not record audio (Bot → Limits & privacy → "
    "record audio), or the recording was already deleted."
)
EMPTY_RECORDING_MESSAGE = "This session's recording holds no audio."
MISSING_FILE_MESSAGE = (
    "The recording of this session is missing from the media storage."
)


class ExportFormatConverter:
    """URL segment matching one of the session download formats."""

    regex = "|".join(SESSION_FORMATS)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ExportFormatConverter, "exportfmt")


class ExportForm(forms.Form):
    export_format = forms.ChoiceField(
        label="Format",
        choices=[(f.name, f.label) for f in TEXT_FORMATS.values()]
        + [(WAV_FORMAT, "WAV recordings (sessions of bots that record)")],
        initial="json",
        widget=forms.RadioSelect,
    )
    redact = forms.BooleanField(
        label="Redact personal data (e-mail addresses, phone numbers, card numbers, IBANs)",
        required=False,
        help_text="The stored transcripts stay as they are; only the files are redacted.",
    )


@admin.action(description="Export selected sessions", permissions=["view"])
def export_sessions_action(modeladmin, request: HttpRequest, queryset):
    """Ask for the format and redaction, then stream a zip with one file per session."""
    form = ExportForm(request.POST if "export_confirm" in request.POST else None)
    if form.is_valid():
        fmt = form.cleaned_data["export_format"]
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        chunks = sessions_export_zip(
            sessions=queryset.order_by("started_at", "pk"),
            fmt=fmt,
            redact=form.cleaned_data["redact"],
        )
        return streaming_download(
            request,
            chunks,
            content_type="application/zip",
            filename=f"sessions-{fmt}-{stamp}"
            + ("-redacted" if form.cleaned_data["redact"] and fmt != WAV_FORMAT else "")
            + ".zip",
        )
    opts = modeladmin.model._meta
    count = queryset.count()
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Export sessions",
        "opts": opts,
        "form": form,
        "count": count,
        "sessions": queryset[:CONFIRM_LIST_LIMIT],
        "more": max(0, count - CONFIRM_LIST_LIMIT),
        "action": request.POST.get("action", "export_sessions_action"),
        "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "select_across": request.POST.get("select_across", "0"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(
        request, "admin/botbuilder/session/export_sessions.html", context
    )


def session_export_view(request: HttpRequest, session_id, fmt: str) -> HttpResponse:
    """Download one session in `fmt` (`?redact=1` for a redacted copy); `wav` serves the
    recording."""
    if not request.user.has_perm("botbuilder.view_session"):
        raise PermissionDenied
    session = get_object_or_404(Session.objects.select_related("bot"), pk=session_id)
    if fmt == "wav":
        return _recording_response(session)
    if fmt not in TEXT_FORMATS:
        return HttpResponseNotFound(
            f"Unknown export format {fmt!r}.", content_type="text/plain"
        )
    redact = request.GET.get("redact") in ("1", "true", "yes", "on")
    return streaming_download(
        request,
        session_export(session=session, fmt=fmt, redact=redact),
        content_type=TEXT_FORMATS[fmt].content_type,
        filename=session_export_filename(session=session, fmt=fmt, redact=redact),
    )


def _recording_response(session: Session) -> HttpResponse:
    if not session.recording:
        return HttpResponseNotFound(NO_RECORDING_MESSAGE, content_type="text/plain")
    try:
        if session.recording.size <= WAV_HEADER_BYTES:
            return HttpResponseNotFound(
                EMPTY_RECORDING_MESSAGE, content_type="text/plain"
            )
    except OSError:
        pass  # missing: said below
    try:
        handle = session.recording.open("rb")
    except FileNotFoundError:
        logger.warning(
            "Recording %s of session %s is missing", session.recording.name, session.pk
        )
        return HttpResponseNotFound(MISSING_FILE_MESSAGE, content_type="text/plain")
    return FileResponse(
        handle,
        as_attachment=True,
        filename=session_export_filename(session=session, fmt="wav"),
        content_type=WAV_CONTENT_TYPE,
    )


def session_export_urls(admin_site: AdminSite) -> list[URLPattern]:
    """URL patterns for per-session downloads, for the Session ModelAdmin's get_urls()."""
    return [
        path(
            "<uuid:session_id>/export/<exportfmt:fmt>/",
            admin_site.admin_view(session_export_view),
            name="botbuilder_session_export",
        )
    ]
