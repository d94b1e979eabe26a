"""Bot tests: scripted and simulated callers with checks (definitions, runs, results).

Checks, turns and mocks are JSON lists validated in `clean()` (botbuilder/bottests/spec.py
says what each may hold); the admin shows a problem next to its field.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from botbuilder.bottests import spec


class BotTestKind(models.TextChoices):
    REPLY = "reply", "Reply test"
    TOOL = "tool", "Tool test"
    SCENARIO = "scenario", "Scenario (scripted caller)"
    SIMULATION = "simulation", "Simulation (simulated caller)"


class UnmatchedToolCalls(models.TextChoices):
    REAL = "real", "Run the real tool"
    FAIL = "fail", "Fail the test"


class TestOutcome(models.TextChoices):
    PASSED = "passed", "Passed"
    FAILED = "failed", "Failed"
    UNKNOWN = "unknown", "Unknown (nothing could judge)"
    SKIPPED = "skipped", "Skipped"
    ERROR = "error", "Error"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    PASSED = "passed", "Passed"
    FAILED = "failed", "Failed"
    ERROR = "error", "Error"


class RunMode(models.TextChoices):
    TEXT = "text", "Text (typed turns)"
    AUDIO = "audio", "Audio (spoken by the offline voice)"


class BotTest(models.Model):
    bot = models.ForeignKey(
        "botbuilder.Bot",
        on_delete=models.CASCADE,
        related_name="tests",
        verbose_name="bot",
        help_text="The bot this test calls.",
    )
    name = models.CharField(
        "name",
        max_length=200,
        help_text="What the test proves, e.g. 'Refund question gets the refund answer'.",
    )
    kind = models.CharField(
        "kind",
        max_length=12,
        choices=BotTestKind.choices,
        default=BotTestKind.REPLY,
        help_text="Reply and tool tests check one caller turn; a scenario scripts several "
        "turns; a simulation lets a model play the caller (needs a real model: offline, "
        "only scripted tests run).",
    )
    is_enabled = models.BooleanField(
        "enabled", default=True, help_text="Disabled tests are not run."
    )
    history = models.JSONField(
        "conversation so far",
        default=list,
        blank=True,
        help_text="Reply and tool tests: caller lines said first, unchecked, as a JSON list, "
        'e.g. ["Hi", "I bought a kettle"]. The bot answers each for real.',
    )
    caller_turn = models.TextField(
        "caller's turn",
        blank=True,
        help_text="Reply and tool tests: what the caller says; the checks apply to the reply.",
    )
    checks = models.JSONField(
        "checks",
        default=list,
        blank=True,
        help_text='Reply and tool tests: a JSON list, e.g. [{"kind": "contains", "text": '
        '"refund"}, {"kind": "tool_called", "tool": "get_order_status", "arguments": '
        '{"order_number": {"exact": "123"}}}]. Kinds: ' + spec.CHECK_KINDS_HELP,
    )
    turns = models.JSONField(
        "turns",
        default=list,
        blank=True,
        help_text='Scenarios: a JSON list of turns, e.g. [{"say": "what are your opening '
        'hours", "checks": [...], "latency_budget_ms": 3000}, {"say": "thanks", '
        '"barge_in_ms": 800}]. barge_in_ms: speak that long into the bot\'s previous reply '
        "(audio mode); latency_budget_ms: caller stopped → first bot audio.",
    )
    persona = models.TextField(
        "persona",
        blank=True,
        help_text="Simulations: who the caller is, e.g. 'an impatient customer'.",
    )
    goal = models.TextField(
        "goal", blank=True, help_text="Simulations: what the caller wants to achieve."
    )
    max_turns = models.PositiveSmallIntegerField(
        "maximum turns",
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text="Simulations: the most caller turns before the test stops.",
    )
    criteria = models.JSONField(
        "success criteria",
        default=list,
        blank=True,
        help_text='Simulations: judged statements as a JSON list, e.g. ["The caller was '
        'offered a refund"].',
    )
    simulator_connection = models.ForeignKey(
        "botbuilder.Connection",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="testing connection",
        help_text="The model that plays a simulated caller (text only) and judges the "
        "judged checks. Empty: the bot's own connection (on the offline engine judged "
        "checks are unknown and simulations are skipped).",
    )
    mocks = models.JSONField(
        "tool mocks",
        default=list,
        blank=True,
        help_text='A JSON list: [{"tool": "get_order_status", "arguments": {"order_number": '
        '"123"}, "output": {"status": "lost"}}]. arguments is a partial match (leave it '
        "out to match any call); the first match answers.",
    )
    unmatched_tool_calls = models.CharField(
        "unmatched tool calls",
        max_length=4,
        choices=UnmatchedToolCalls.choices,
        default=UnmatchedToolCalls.REAL,
        help_text="What happens to a tool call no mock matches.",
    )
    repeat = models.PositiveSmallIntegerField(
        "repeat",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text="Run the test this many times; the pass rate shows flakiness.",
    )

    class Meta:
        ordering = ["bot", "name"]
        verbose_name = "bot test"
        constraints = [
            models.UniqueConstraint(fields=["bot", "name"], name="bot_test_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = spec.definition_errors(
            kind=self.kind,
            history=self.history,
            caller_turn=self.caller_turn,
            checks=self.checks,
            turns=self.turns,
            goal=self.goal,
            criteria=self.criteria,
            mocks=self.mocks,
        )
        if errors:
            raise ValidationError(errors, code="invalid_test")


class BotTestRun(models.Model):
    bot = models.ForeignKey(
        "botbuilder.Bot",
        on_delete=models.CASCADE,
        related_name="test_runs",
        verbose_name="bot",
        help_text="The bot whose tests ran.",
    )
    status = models.CharField(
        "status",
        max_length=8,
        choices=RunStatus.choices,
        default=RunStatus.QUEUED,
        help_text="Passed when no test failed or errored.",
    )
    mode = models.CharField(
        "mode",
        max_length=5,
        choices=RunMode.choices,
        default=RunMode.TEXT,
        help_text="Typed turns, or turns spoken by the offline voice.",
    )
    repeat = models.PositiveSmallIntegerField(
        "repeat",
        null=True,
        blank=True,
        help_text="Runs of each test; empty: each test's own repeat count.",
    )
    total = models.PositiveIntegerField("tests", default=0, help_text="Tests to run.")
    done = models.PositiveIntegerField("done", default=0, help_text="Tests finished.")
    error = models.TextField("error", blank=True, help_text="Why the run failed.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="requested by",
        help_text="Who started the run (empty: the command line).",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    finished_at = models.DateTimeField("finished", null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        "last heartbeat",
        null=True,
        blank=True,
        help_text="When the process running the tests last said it was alive. A running "
        "run without a heartbeat for BOT_TESTS_LOST_AFTER_S seconds is ended as an error.",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "bot test run"

    def __str__(self) -> str:
        return f"{self.bot} tests #{self.pk} ({self.get_status_display()})"


class BotTestResult(models.Model):
    run = models.ForeignKey(
        BotTestRun,
        on_delete=models.CASCADE,
        related_name="results",
        verbose_name="run",
    )
    test = models.ForeignKey(
        BotTest,
        on_delete=models.SET_NULL,
        null=True,
        related_name="results",
        verbose_name="test",
    )
    test_name = models.CharField("test name", max_length=200)
    outcome = models.CharField("outcome", max_length=8, choices=TestOutcome.choices)
    attempts = models.PositiveSmallIntegerField("attempts", default=0)
    passed_attempts = models.PositiveSmallIntegerField("passed attempts", default=0)
    regression = models.BooleanField(
        "regression",
        default=False,
        help_text="Passed in the previous run of this test, not in this one.",
    )
    previous_outcome = models.CharField(
        "previous outcome", max_length=8, blank=True, choices=TestOutcome.choices
    )
    message = models.TextField("message", blank=True)
    checks = models.JSONField(
        "checks", default=list, help_text="Per attempt: each check's result."
    )
    transcript = models.JSONField(
        "transcript", default=list, help_text="The last attempt's conversation."
    )
    latency_ms = models.JSONField(
        "latency (ms)", default=list, help_text="Per turn of the last attempt."
    )
    duration_ms = models.PositiveIntegerField("duration (ms)", default=0)

    class Meta:
        ordering = ["run", "test_name"]
        verbose_name = "bot test result"

    def __str__(self) -> str:
        return f"{self.test_name}: {self.outcome}"

    @property
    def pass_rate(self) -> float:
        return self.passed_attempts / self.attempts if self.attempts else 0.0
