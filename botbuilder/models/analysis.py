"""Post-call analysis configuration: a plan per bot, data fields and success criteria
that several bots may share (like knowledge snippets)."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from jsonschema import Draft202012Validator, SchemaError

from botbuilder.analysis.secret import webhook_secret_allowed
from botbuilder.models.choices import EndReason

FIELD_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_name_validator = RegexValidator(
    FIELD_NAME_RE,
    "Use lower-case letters, digits and _, starting with a letter (e.g. chief_complaint).",
    code="invalid_name",
)


class DataFieldType(models.TextChoices):
    STRING = "string", "Text"
    ENUM = "enum", "One of several choices"
    BOOLEAN = "boolean", "Yes / no"
    NUMBER = "number", "Number"
    INTEGER = "integer", "Whole number"
    JSON = "json", "JSON Schema (nested data)"


class CriterionScoring(models.TextChoices):
    BINARY = "binary", "Pass / fail"
    SCORE = "score", "Score from 0 to N"


class AnalysisDataField(models.Model):
    name = models.SlugField(
        "name",
        max_length=64,
        unique=True,
        validators=[_name_validator],
        help_text="Key in the results, exports and webhook, e.g. chief_complaint.",
    )
    field_type = models.CharField(
        "type",
        max_length=10,
        choices=DataFieldType.choices,
        default=DataFieldType.STRING,
        help_text="What kind of value to extract from the call.",
    )
    choices = models.JSONField(
        "choices",
        default=list,
        blank=True,
        help_text='For "one of several choices": the allowed values as a JSON list, '
        'e.g. ["urgent", "routine", "administrative"].',
    )
    json_schema = models.JSONField(
        "JSON Schema",
        default=dict,
        blank=True,
        help_text='For "JSON Schema": the schema of the value, e.g. '
        '{"type": "array", "items": {"type": "string"}}.',
    )
    description = models.TextField(
        "description",
        help_text="What the value means and how to decide it; the analysing model reads this.",
    )
    examples = models.JSONField(
        "examples",
        default=list,
        blank=True,
        help_text='Example values or phrases as a JSON list, e.g. ["chest pain"].',
    )
    required = models.BooleanField(
        "required",
        default=False,
        help_text="If this value cannot be filled, the call is marked unsuccessful.",
    )
    applies_when = models.CharField(
        "applies when",
        max_length=300,
        blank=True,
        help_text="Only extract this value when this is true, e.g. 'the caller wants an "
        "appointment'. Empty: always.",
    )
    flags_review = models.BooleanField(
        "flag for review",
        default=False,
        help_text="Flag the session for review when this value is yes or not empty.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "analysis data field"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.name in models.JSONField.get_lookups():
            raise ValidationError(
                {
                    "name": f"{self.name!r} is reserved for database lookups; add a word."
                },
                code="reserved_name",
            )
        if self.field_type == DataFieldType.ENUM:
            if (
                not isinstance(self.choices, list)
                or not self.choices
                or not all(isinstance(c, str) and c.strip() for c in self.choices)
            ):
                raise ValidationError(
                    {"choices": 'List the choices as text, e.g. ["yes", "no"].'},
                    code="invalid_choices",
                )
        if self.field_type == DataFieldType.JSON:
            try:
                if not isinstance(self.json_schema, dict) or not self.json_schema:
                    raise SchemaError("the schema must be a JSON object")
                Draft202012Validator.check_schema(self.json_schema)
            except SchemaError as exc:
                raise ValidationError(
                    {"json_schema": f"Not a valid JSON Schema: {exc.message}"},
                    code="invalid_schema",
                ) from None
        if not isinstance(self.examples, list):
            raise ValidationError(
                {"examples": "Write the examples as a JSON list."},
                code="invalid_examples",
            )


class AnalysisCriterion(models.Model):
    name = models.SlugField(
        "name",
        max_length=64,
        unique=True,
        validators=[_name_validator],
        help_text="Key in the results, e.g. safety_advice_given.",
    )
    instructions = models.TextField(
        "instructions",
        help_text="How to judge the call, e.g. 'Pass when a caller with a red-flag symptom "
        'was told to call "911"\'. Phrases in quotes help the offline engine.',
    )
    scoring = models.CharField(
        "scoring",
        max_length=10,
        choices=CriterionScoring.choices,
        default=CriterionScoring.BINARY,
    )
    max_score = models.PositiveSmallIntegerField(
        "maximum score",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Scores: the top of the 0–N scale.",
    )
    pass_score = models.PositiveSmallIntegerField(
        "passing score",
        default=3,
        validators=[MaxValueValidator(100)],
        help_text="Scores: the call counts as successful from this score up.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "success criterion"
        verbose_name_plural = "success criteria"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.scoring == CriterionScoring.SCORE and self.pass_score > self.max_score:
            raise ValidationError(
                {"pass_score": "The passing score cannot exceed the maximum score."},
                code="pass_above_max",
            )


class AnalysisPlan(models.Model):
    bot = models.OneToOneField(
        "botbuilder.Bot",
        verbose_name="bot",
        on_delete=models.CASCADE,
        related_name="analysis_plan",
    )
    is_enabled = models.BooleanField(
        "analyse calls", default=True, help_text="Run the analysis after every call."
    )
    summary_enabled = models.BooleanField("write a summary", default=True)
    summary_prompt = models.TextField(
        "summary prompt",
        blank=True,
        default="Summarise the call in two or three sentences: what the caller wanted "
        "and how it ended.",
        help_text="How to write the summary.",
    )
    summary_language = models.CharField(
        "summary language",
        max_length=35,
        default="en",
        blank=True,
        help_text="Language code to write the summary in, e.g. en, de. Empty: the call's.",
    )
    data_fields = models.ManyToManyField(
        AnalysisDataField,
        verbose_name="data fields",
        blank=True,
        related_name="plans",
        help_text="Values to extract from every call.",
    )
    criteria = models.ManyToManyField(
        AnalysisCriterion,
        verbose_name="success criteria",
        blank=True,
        related_name="plans",
    )
    min_turns = models.PositiveIntegerField(
        "at least turns",
        default=1,
        help_text="Analyse only calls with at least this many caller turns.",
    )
    min_duration_s = models.PositiveIntegerField(
        "at least seconds",
        default=0,
        help_text="Analyse only calls this long or longer.",
    )
    end_reasons = models.JSONField(
        "only for end reasons",
        default=list,
        blank=True,
        help_text='Analyse only calls that ended this way, e.g. ["client_closed", '
        '"end_session_tool"]. Empty: any end.',
    )
    webhook_url = models.URLField(
        "end-of-call webhook",
        blank=True,
        help_text="POST the session, its analysis, cost and duration here after every "
        "call (signed with Standard Webhooks).",
    )
    webhook_secret_env = models.CharField(
        "webhook secret variable",
        max_length=100,
        blank=True,
        help_text="Environment variable holding the signing secret (whsec_... or any "
        "text), e.g. TRIAGE_WEBHOOK_SECRET.",
    )

    class Meta:
        verbose_name = "analysis plan"

    def __str__(self) -> str:
        return f"Analysis plan of {self.bot}"

    def clean(self) -> None:
        if not isinstance(self.end_reasons, list) or not set(self.end_reasons) <= set(
            EndReason.values
        ):
            raise ValidationError(
                {
                    "end_reasons": "Write the end reasons as a JSON list of: "
                    + ", ".join(EndReason.values)
                },
                code="invalid_end_reasons",
            )
        if self.webhook_url and not webhook_secret_allowed(self.webhook_secret_env):
            raise ValidationError(
                {
                    "webhook_secret_env": "Name an environment variable listed in "
                    "ANALYSIS_WEBHOOK_SECRET_ENVS on the server; it holds the signing "
                    "secret."
                },
                code="secret_not_allowed",
            )
