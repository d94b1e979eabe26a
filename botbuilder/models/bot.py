"""A voice bot: persona, voice and speech, turn-taking, knowledge, tools, limits and privacy."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from botbuilder.assembly.variables import VARIABLE_NAME_RE, unknown_placeholders
from botbuilder.catalogue import (
    DEFAULT_MODEL,
    DEFAULT_TRANSCRIPTION_MODEL,
    realtime_model_choices,
    transcription_model_choices,
)
from botbuilder.models.choices import (
    Eagerness,
    GreetingMode,
    NoiseReduction,
    OutputModality,
    ToolChoice,
    TurnDetection,
)
from botbuilder.models.model_options import MAX_OUTPUT_TOKENS_CAP, ModelOptions
from botbuilder.models.phone import validate_e164
from botbuilder.models.size_limits import context_size_error


class Bot(ModelOptions):
    # Persona
    name = models.CharField(
        "name", max_length=100, help_text="Shown to your team, e.g. 'Returns desk'."
    )
    slug = models.SlugField(
        "slug",
        max_length=100,
        unique=True,
        help_text="Short id used in URLs, exports and phone routing, e.g. returns-desk.",
    )
    is_active = models.BooleanField(
        "active", default=True, help_text="Inactive bots cannot take new sessions."
    )
    instructions = models.TextField(
        "instructions",
        help_text="Who the bot is and how it behaves. You may use {{variables}} such as "
        "{{customer_name}}; declare them under 'Default values for variables'.",
    )
    greeting = models.TextField(
        "greeting",
        blank=True,
        help_text="What the bot says first when the greeting mode is 'Bot speaks the greeting "
        "first'. {{variables}} allowed.",
    )
    greeting_mode = models.CharField(
        "greeting mode",
        max_length=20,
        choices=GreetingMode.choices,
        default=GreetingMode.BOT_GREETING,
        help_text="Who opens the conversation.",
    )
    language = models.CharField(
        "language",
        max_length=35,
        default="en",
        blank=True,
        help_text="Language the bot speaks and expects, as a code such as en, de, fr-CA. "
        "Empty: follow the caller.",
    )
    # Voice & speech
    connection = models.ForeignKey(
        "botbuilder.Connection",
        verbose_name="connection",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bots",
        help_text="Where sessions go. Empty: the server default (OpenAI when OPENAI_API_KEY is "
        "set, otherwise the offline engine).",
    )
    model = models.CharField(
        "model",
        max_length=50,
        choices=realtime_model_choices,
        default=DEFAULT_MODEL,
        help_text="The realtime speech model. gpt-realtime-2.1-mini is fast, cheap and "
        "reasons; gpt-realtime-2.1 sounds and reasons best. On an Azure connection the "
        "connection's model counts.",
    )
    voice = models.ForeignKey(
        "botbuilder.Voice",
        verbose_name="voice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bots",
        help_text="The voice the bot speaks with. Empty: the model's default voice.",
    )
    output_modality = models.CharField(
        "output",
        max_length=10,
        choices=OutputModality.choices,
        default=OutputModality.AUDIO,
        help_text="Audio replies (with a transcript) or text-only replies.",
    )
    max_output_tokens = models.PositiveIntegerField(
        "max output tokens",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_OUTPUT_TOKENS_CAP)],
        help_text="Cap on one reply's length in tokens, up to the model's maximum (4,096; "
        "32,000 for the gpt-realtime-2 family); 1 s of speech ≈ 20 tokens. Empty: no cap.",
    )
    noise_reduction = models.CharField(
        "noise reduction",
        max_length=20,
        choices=NoiseReduction.choices,
        default=NoiseReduction.NEAR_FIELD,
        help_text="Filter applied to the caller's audio before turn detection and the model.",
    )
    input_transcription_model = models.CharField(
        "caller transcription",
        max_length=50,
        choices=transcription_model_choices,
        default=DEFAULT_TRANSCRIPTION_MODEL,
        blank=True,
        help_text="Model that writes down what the caller said (billed separately). "
        "Off: the transcript shows only the bot's side.",
    )
    # Turn-taking
    turn_detection = models.CharField(
        "turn detection",
        max_length=20,
        choices=TurnDetection.choices,
        default=TurnDetection.SERVER_VAD,
        help_text="How the bot knows the caller has finished speaking.",
    )
    vad_threshold = models.FloatField(
        "VAD threshold",
        default=0.5,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="Server VAD: 0 to 1. Raise it in noisy places so noise is not taken for speech.",
    )
    vad_prefix_padding_ms = models.PositiveIntegerField(
        "VAD prefix padding (ms)",
        default=300,
        validators=[MaxValueValidator(5000)],
        help_text="Server VAD: audio kept from before speech was detected, in milliseconds.",
    )
    vad_silence_ms = models.PositiveIntegerField(
        "VAD silence (ms)",
        default=500,
        validators=[MinValueValidator(100), MaxValueValidator(10000)],
        help_text="Server VAD: silence that ends the caller's turn. Shorter answers faster but "
        "may cut callers off.",
    )
    semantic_eagerness = models.CharField(
        "semantic VAD eagerness",
        max_length=10,
        choices=Eagerness.choices,
        default=Eagerness.AUTO,
        help_text="Semantic VAD: how quickly the bot takes its turn.",
    )
    interrupt_on_speech = models.BooleanField(
        "caller can interrupt",
        default=True,
        help_text="Stop the bot's reply as soon as the caller starts speaking (barge-in).",
    )
    idle_reminder_after_s = models.PositiveIntegerField(
        "idle reminder after (s)",
        null=True,
        blank=True,
        validators=[MinValueValidator(3), MaxValueValidator(600)],
        help_text="Say the reminder after this many seconds of silence. Empty: never remind.",
    )
    idle_reminder_max = models.PositiveSmallIntegerField(
        "idle reminders at most",
        default=2,
        validators=[MaxValueValidator(10)],
        help_text="How many reminders in a row before the session ends for silence.",
    )
    idle_reminder_text = models.CharField(
        "idle reminder",
        max_length=300,
        blank=True,
        default="Are you still there?",
        help_text="What the bot says when the caller stays silent.",
    )
    # Knowledge & tools
    knowledge = models.ManyToManyField(
        "botbuilder.KnowledgeSnippet",
        verbose_name="knowledge",
        related_name="bots",
        blank=True,
        help_text="Snippets this bot knows. One snippet can serve several bots.",
    )
    knowledge_token_budget = models.PositiveIntegerField(
        "knowledge token budget",
        default=2000,
        validators=[MaxValueValidator(30000)],
        help_text="How many tokens of 'always in the instructions' snippets go into the "
        "instructions (≈ 4 characters per token); the rest is found through search_knowledge.",
    )
    tools = models.ManyToManyField(
        "botbuilder.Tool",
        verbose_name="tools",
        related_name="bots",
        blank=True,
        help_text="Functions the bot may call during a conversation.",
    )
    tool_choice = models.CharField(
        "tool choice",
        max_length=10,
        choices=ToolChoice.choices,
        default=ToolChoice.AUTO,
        help_text="Whether the model may, must or must not call tools.",
    )
    variable_defaults = models.JSONField(
        "default values for variables",
        default=dict,
        blank=True,
        help_text="Variables used as {{name}} in instructions and greeting, with default values, "
        'e.g. {"customer_name": "there", "shop_name": "Acme"}. A session may override them.',
    )
    # Limits & privacy
    max_session_s = models.PositiveIntegerField(
        "max session duration (s)",
        default=1800,
        validators=[MinValueValidator(30), MaxValueValidator(4 * 3600)],
        help_text="After this many seconds the bot says the wrap-up message and ends the session.",
    )
    wrap_up_message = models.CharField(
        "wrap-up message",
        max_length=300,
        blank=True,
        default="We have reached the time limit for this call. Thank you for calling, goodbye.",
        help_text="Said when the maximum duration is reached.",
    )
    record_audio = models.BooleanField(
        "record audio",
        default=False,
        help_text="Keep a stereo recording (caller left, bot right) of every session. "
        "Tell callers if you do.",
    )
    retention_days = models.PositiveIntegerField(
        "keep transcripts for (days)",
        default=90,
        validators=[MinValueValidator(1)],
        help_text="Sessions, transcripts and recordings older than this are deleted by "
        "purge_sessions.",
    )
    # Phone calls (issue 14)
    transfer_number = models.CharField(
        "transfer number",
        max_length=20,
        blank=True,
        validators=[validate_e164],
        help_text="Phone calls: where transfer_call sends the caller, in E.164 form, e.g. "
        "+14155550123. Empty: transfer_call only ends the call.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("admin:botbuilder_bot_change", args=[self.pk])

    def speech_model(self) -> str:
        """The model sessions run on: an Azure connection's model, else the bot's."""
        if self.connection_id and self.connection.azure_model:
            return self.connection.azure_model
        return self.model

    def clean(self) -> None:
        model = self.speech_model()
        errors = self.model_option_errors(model)
        self._clean_variables(errors)
        if errors:
            raise ValidationError(errors)

    def _clean_variables(self, errors: dict[str, list[ValidationError]]) -> None:
        defaults = self.variable_defaults
        if not isinstance(defaults, dict):
            errors.setdefault("variable_defaults", []).append(
                ValidationError(
                    'Write the variables as a JSON object, e.g. {"customer_name": "there"}.',
                    code="not_an_object",
                )
            )
            defaults = {}
        else:
            bad = [k for k in defaults if not VARIABLE_NAME_RE.match(k)]
            if bad:
                errors.setdefault("variable_defaults", []).append(
                    ValidationError(
                        "Variable names use letters, digits and _: %(names)s",
                        code="invalid_variable_name",
                        params={"names": ", ".join(bad)},
                    )
                )
            nested = [k for k, v in defaults.items() if isinstance(v, (dict, list))]
            if nested:
                errors.setdefault("variable_defaults", []).append(
                    ValidationError(
                        "Variable values must be text or numbers: %(names)s",
                        code="invalid_variable_value",
                        params={"names": ", ".join(nested)},
                    )
                )
        for field in ("instructions", "greeting"):
            too_long = context_size_error(getattr(self, field), model=self.model)
            if too_long:
                errors.setdefault(field, []).append(too_long)
        for field in ("instructions", "greeting"):
            unknown = unknown_placeholders([getattr(self, field)], set(defaults))
            if unknown:
                errors.setdefault(field, []).append(
                    ValidationError(
                        "Unknown variable(s) %(names)s: add them to 'Default values for "
                        "variables' or remove the placeholder.",
                        code="unknown_variable",
                        params={"names": ", ".join(f"{{{{{n}}}}}" for n in unknown)},
                    )
                )
        if (
            self.greeting_mode == GreetingMode.BOT_GREETING
            and not self.greeting.strip()
        ):
            errors.setdefault("greeting", []).append(
                ValidationError(
                    "Write the greeting the bot speaks first, or choose another greeting "
                    "mode.",
                    code="greeting_required",
                )
            )
