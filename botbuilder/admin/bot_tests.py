"""Bot tests in the admin: tests per bot, runs with progress, results with regressions,
and the actions "Run tests" (bots) and "Create a test from this session" (sessions)."""

from django.contrib import admin, messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html

from botbuilder.admin.widgets import PRETTY_JSON_OVERRIDES
from botbuilder.bottests.from_session import SessionNotUsable, test_from_session
from botbuilder.bottests.services import runs_sweep_lost
from botbuilder.bottests.tasks import run_enqueue
from botbuilder.models import Bot, BotTest, BotTestResult, BotTestRun
from botbuilder.models.bot_tests import RunStatus
from botbuilder.selectors import connection_for_bot

OFFLINE_NOTE = (
    "The offline engine cannot play an open-ended persona: on a bot that uses it, only "
    "scripted tests (reply, tool, scenario) run and simulations are skipped."
)
OUTCOME_COLOURS = {"passed": "#2e7d32", "failed": "#c62828", "error": "#c62828",
                   "unknown": "#8d6e00", "skipped": "#666"}  # fmt: skip


def _outcome_badge(outcome: str) -> str:
    return format_html(
        '<strong style="color:{}">{}</strong>',
        OUTCOME_COLOURS.get(outcome, "#000"),
        outcome,
    )


def enqueue_runs(request, bots) -> None:
    """Queue one run per bot and say where to watch it."""
    if not request.user.has_perm("botbuilder.add_bottestrun"):
        messages.error(request, "You do not have permission to run bot tests.")
        return
    for bot in bots:
        if not bot.tests.filter(is_enabled=True).exists():
            messages.warning(request, f"{bot.name} has no enabled tests.")
            continue
        run = run_enqueue(bot=bot, requested_by=request.user)
        url = reverse("admin:botbuilder_bottestrun_change", args=[run.pk])
        messages.success(
            request,
            format_html(
                'Queued {} tests of {}: <a href="{}">follow the run</a> (the background '
                "worker, manage.py analysis_worker, runs it).",
                run.total,
                bot.name,
                url,
            ),  # fmt: skip
        )


@admin.action(description="Run tests of the selected bots", permissions=["view"])
def run_tests_action(modeladmin, request, queryset) -> None:
    enqueue_runs(request, queryset)


@admin.action(description="Create a test from this session", permissions=["view"])
def test_from_session_action(modeladmin, request, queryset):
    if not request.user.has_perm("botbuilder.add_bottest"):
        messages.error(request, "You do not have permission to add bot tests.")
        return None
    created = []
    for session in queryset:
        try:
            created.append(test_from_session(session=session))
        except SessionNotUsable as exc:
            messages.error(request, f"Session {str(session.pk)[:8]}: {exc}")
    if len(created) == 1:
        messages.success(request, "Test created: review its suggested checks and save.")
        return redirect("admin:botbuilder_bottest_change", created[0].pk)
    for test in created:
        messages.success(request, f"Created the test {test.name} of {test.bot.name}.")
    return None


@admin.register(BotTest)
class BotTestAdmin(admin.ModelAdmin):
    list_display = ("name", "bot", "kind", "is_enabled", "repeat", "last_result")
    list_filter = ("bot", "kind", "is_enabled")
    search_fields = ("name", "caller_turn")
    autocomplete_fields = ("bot",)
    formfield_overrides = PRETTY_JSON_OVERRIDES
    actions = ("run_bots_tests",)
    fieldsets = (
        (None, {"fields": ("bot", "name", "kind", "is_enabled", "repeat")}),
        ("Reply and tool tests", {"fields": ("history", "caller_turn", "checks")}),
        ("Scenario", {"fields": ("turns",)}),
        (
            "Simulation",
            {
                "description": OFFLINE_NOTE,
                "fields": (
                    "persona",
                    "goal",
                    "max_turns",
                    "criteria",
                    "simulator_connection",
                ),
            },
        ),  # fmt: skip
        ("Tool mocks", {"fields": ("mocks", "unmatched_tool_calls")}),
    )

    @admin.display(description="last result")
    def last_result(self, obj: BotTest) -> str:
        result = obj.results.order_by("-run__created_at", "-run_id").first()
        if result is None:
            return "—"
        flag = " ⚠ regression" if result.regression else ""
        return format_html("{} ({}/{}){}", _outcome_badge(result.outcome),
                           result.passed_attempts, result.attempts, flag)  # fmt: skip

    def save_model(self, request, obj: BotTest, form, change) -> None:
        super().save_model(request, obj, form, change)
        offline = connection_for_bot(bot=obj.bot).kind == "offline"
        if obj.kind == "simulation" and offline:
            messages.warning(request, OFFLINE_NOTE)

    @admin.action(description="Run tests of these tests' bots", permissions=["view"])
    def run_bots_tests(self, request, queryset) -> None:
        bots = {test.bot_id: test.bot for test in queryset.select_related("bot")}
        enqueue_runs(request, bots.values())


class BotTestResultInline(admin.TabularInline):
    model = BotTestResult
    fields = ("result_link", "outcome_badge", "pass_rate_display", "regression_flag",
              "message", "latency_ms", "duration_ms")  # fmt: skip
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="test")
    def result_link(self, obj: BotTestResult) -> str:
        url = reverse("admin:botbuilder_bottestresult_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.test_name)

    @admin.display(description="outcome")
    def outcome_badge(self, obj: BotTestResult) -> str:
        return _outcome_badge(obj.outcome)

    @admin.display(description="pass rate")
    def pass_rate_display(self, obj: BotTestResult) -> str:
        return f"{obj.passed_attempts}/{obj.attempts} ({obj.pass_rate:.0%})"

    @admin.display(description="compared with the previous run")
    def regression_flag(self, obj: BotTestResult) -> str:
        if obj.regression:
            return format_html(
                '<strong style="color:#c62828">REGRESSION (was {})</strong>',
                obj.previous_outcome,
            )
        return obj.previous_outcome and f"was {obj.previous_outcome}" or "first run"


@admin.register(BotTestRun)
class BotTestRunAdmin(admin.ModelAdmin):
    list_display = ("__str__", "bot", "status", "progress", "mode", "regressions",
                    "created_at", "finished_at")  # fmt: skip
    list_filter = ("status", "bot", "mode")
    fields = ("bot", "status", "progress", "mode", "repeat", "error", "requested_by",
              "created_at", "finished_at", "heartbeat_at")  # fmt: skip
    readonly_fields = fields
    inlines = (BotTestResultInline,)
    REFRESH_S = 3  # the run page reloads itself while the run is queued or running

    def get_urls(self):
        start = path(
            "start/<int:bot_id>/",
            self.admin_site.admin_view(self.start_view),
            name="botbuilder_bottestrun_start",
        )
        return [start, *super().get_urls()]

    def start_view(self, request, bot_id: int):
        """POST from the bot page's "Run tests" button: queue a run of that bot."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        bot = get_object_or_404(Bot, pk=bot_id)
        enqueue_runs(request, [bot])
        return redirect("admin:botbuilder_bot_change", bot.pk)

    def changelist_view(self, request, extra_context=None):
        runs_sweep_lost()  # runs of killed workers stop saying "running"
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        runs_sweep_lost()
        run = self.get_object(request, object_id)
        busy = run is not None and run.status in (RunStatus.QUEUED, RunStatus.RUNNING)
        extra = {"refresh_s": self.REFRESH_S if busy else None, **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="progress")
    def progress(self, obj: BotTestRun) -> str:
        if obj.status in (RunStatus.QUEUED, RunStatus.RUNNING):
            return f"{obj.done}/{obj.total} tests ({obj.get_status_display().lower()})"
        return f"{obj.done}/{obj.total} tests"

    @admin.display(description="regressions")
    def regressions(self, obj: BotTestRun) -> str:
        count = obj.results.filter(regression=True).count()
        if not count:
            return "—"
        return format_html('<strong style="color:#c62828">{}</strong>', count)


@admin.register(BotTestResult)
class BotTestResultAdmin(admin.ModelAdmin):
    list_display = ("test_name", "run", "outcome", "regression", "attempts")
    list_filter = ("outcome", "regression")
    fields = ("run", "test", "test_name", "outcome", "attempts", "passed_attempts",
              "regression", "previous_outcome", "message", "checks", "transcript",
              "latency_ms", "duration_ms")  # fmt: skip
    readonly_fields = fields

    def has_module_permission(self, request) -> bool:
        return False  # reached from a run

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
