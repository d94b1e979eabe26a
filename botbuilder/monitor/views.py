"""Live monitor pages in the admin: active sessions, one session's live transcript, End."""

import logging

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.views import View

from botbuilder.analysis.payload import analysis_dict, session_analysis
from botbuilder.models import Session
from botbuilder.models.choices import SessionStatus
from botbuilder.monitor import selectors, services
from botbuilder.services.heartbeats import lost_after_s, sessions_sweep_lost
from realtime.layer_guard import is_layer_error

logger = logging.getLogger(__name__)

VIEW_PERMISSION = "botbuilder.view_session"
END_PERMISSION = "botbuilder.change_session"
# The live list refreshes itself this often (the rows come from the shared database).
LIST_REFRESH_MS = 5000


class MonitorView(View):
    """Base: an admin page that needs the "view session" permission."""

    admin_site: admin.AdminSite = admin.site
    permission = VIEW_PERMISSION

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def context(self, request, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "can_end": request.user.has_perm(END_PERMISSION),
            **extra,
        }


class LiveSessionsView(MonitorView):
    """Every active session, whichever worker runs it."""

    http_method_names = ["get"]

    def get(self, request):
        # Sessions of killed workers leave the list here even if no worker is sweeping.
        sessions_sweep_lost(stale_after_s=lost_after_s())
        sessions = [
            {"session": s, "who": selectors.session_caller_label(s)}
            for s in selectors.sessions_active()
        ]
        context = self.context(
            request,
            title="Live sessions",
            rows=sessions,
            refresh_ms=LIST_REFRESH_MS,
        )
        return TemplateResponse(request, "monitor/sessions.html", context)


class SessionWatchView(MonitorView):
    """One session: stored transcript, then live events through the channel layer."""

    http_method_names = ["get"]

    def get(self, request, session_id):
        session = get_object_or_404(
            Session.objects.select_related("bot", "started_by"), pk=session_id
        )
        context = self.context(
            request,
            title=f"Live session: {session.bot_name}",
            session=session,
            summary=selectors.session_summary(session=session),
            items=selectors.session_transcript_events(session=session),
            is_active=session.status == SessionStatus.ACTIVE,
            analysis=session_analysis(session),
        )
        return TemplateResponse(request, "monitor/session.html", context)


class SessionAnalysisView(MonitorView):
    """GET: the session's post-call analysis as JSON (the watch page polls it after the end)."""

    http_method_names = ["get"]

    def get(self, request, session_id):
        session = get_object_or_404(Session, pk=session_id)
        return JsonResponse(
            {"analysis": analysis_dict(session_analysis(session))},
            json_dumps_params={"ensure_ascii": False},
        )


class SessionEndView(MonitorView):
    """POST: end the session on the worker that runs it (or mark a stale row ended)."""

    http_method_names = ["post"]
    permission = END_PERMISSION

    def post(self, request, session_id):
        session = get_object_or_404(Session, pk=session_id)
        if session.status != SessionStatus.ACTIVE:
            messages.info(request, f"The session {session} had already ended.")
            return redirect("monitor:sessions")
        try:
            ended_live = services.session_end_by_admin(session=session)
        except Exception as exc:
            if not is_layer_error(exc):
                raise
            logger.error("End session %s: channel layer unreachable: %r", session, exc)
            messages.error(
                request,
                f"The session {session} could not be ended: the channel layer (Redis) "
                "that reaches the workers is unreachable. Check REDIS_URL and try again.",
            )
            return redirect("monitor:sessions")
        if ended_live:
            messages.success(request, f"The session {session} was ended.")
        else:
            messages.warning(
                request,
                f"No worker was running the session {session} any more "
                "(it had stopped without ending it); it is now marked as ended.",
            )
        return redirect("monitor:sessions")


def monitor_urls(admin_site: admin.AdminSite) -> tuple[list[URLPattern], str]:
    """URL patterns of the monitor (namespace "monitor"), behind `admin_site`'s login."""

    def admin_view(view_class: type[MonitorView]):
        return admin_site.admin_view(view_class.as_view(admin_site=admin_site))

    patterns = [
        path("", admin_view(LiveSessionsView), name="sessions"),
        path("<uuid:session_id>/", admin_view(SessionWatchView), name="session"),
        path("<uuid:session_id>/end/", admin_view(SessionEndView), name="session_end"),
        path(
            "<uuid:session_id>/analysis/",
            admin_view(SessionAnalysisView),
            name="session_analysis",
        ),
    ]
    return patterns, "monitor"
