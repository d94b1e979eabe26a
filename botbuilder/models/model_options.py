"""A bot's options that depend on its speech model: reasoning, parallel tool calls, the
service's idle timeout, context truncation and caller transcription hints.

An abstract base of Bot, so that the bot module stays readable; `model_option_errors()`
checks each option against the catalogue record of the bot's model.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from botbuilder.assembly.options import split_list
from botbuilder.catalogue import (
    DEFAULT_REASONING_EFFORT,
    realtime_model,
    successor_of,
    transcription_model,
)
from botbuilder.models.choices import (
    REALTIME_FAMILY_ONLY_VOICES,
    ReasoningEffort,
    Truncation,
)

Errors = dict[str, list[ValidationError]]
# The largest max_output_tokens any catalogue model takes (each model's own cap is checked).
MAX_OUTPUT_TOKENS_CAP = 32_000


class ModelOptions(models.Model):
    reasoning_effort = models.CharField(
        "reasoning effort",
        max_length=10,
        choices=ReasoningEffort.choices,
        default=DEFAULT_REASONING_EFFORT,
        help_text="Reasoning models only (gpt-realtime-2, 2.1, 2.1-mini): how long the model "
        "thinks before it answers. Higher is more careful but slower to reply and bills more "
        "text output tokens (reasoning counts as text output).",
    )
    parallel_tool_calls = models.BooleanField(
        "parallel tool calls",
        null=True,
        blank=True,
        default=None,
        help_text="Reasoning models only: may the model call several tools at once? "
        "Unknown: the model's default.",
    )
    idle_timeout_ms = models.PositiveIntegerField(
        "model idle timeout (ms)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1000), MaxValueValidator(600_000)],
        help_text="Server VAD only: after this much silence following the bot's reply the "
        "model itself asks whether the caller is still there. Empty: off. The idle reminder "
        "below works with every turn detection.",
    )
    truncation = models.CharField(
        "context truncation",
        max_length=20,
        choices=Truncation.choices,
        default=Truncation.AUTO,
        help_text="What happens when a long call fills the model's context. Every reply "
        "re-bills the whole conversation as input, so a lower limit below saves money on "
        "long calls; dropping a block of old turns at once (retention ratio) keeps the "
        "rest cached longer, and cached input costs about a tenth.",
    )
    truncation_retention_ratio = models.FloatField(
        "retention ratio",
        null=True,
        blank=True,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="Retention ratio only: share of the conversation kept when it is "
        "truncated, 0 to 1 (0.8 keeps 80%).",
    )
    truncation_post_instructions_tokens = models.PositiveIntegerField(
        "conversation token limit",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Retention ratio only: truncate when the conversation after the "
        "instructions passes this many tokens (at most the context window minus the "
        "maximum output). Lower is cheaper; the bot forgets older turns sooner. Empty: "
        "the model's own limit.",
    )
    transcription_languages = models.CharField(
        "caller languages",
        max_length=200,
        blank=True,
        help_text="gpt-live-transcribe and gpt-transcribe: languages callers may speak, as "
        "codes separated by commas, e.g. en, de.",
    )
    transcription_keywords = models.TextField(
        "transcription keywords",
        blank=True,
        help_text="gpt-live-transcribe and gpt-transcribe: names and terms the caller "
        "transcript should get right (product names, places), one per line or separated "
        "by commas.",
    )

    class Meta:
        abstract = True

    def model_option_errors(self, model: str) -> Errors:
        """Options the catalogue record of `model` does not take, by field."""
        errors: Errors = {}

        def add(field: str, message: str, code: str, **params) -> None:
            errors.setdefault(field, []).append(
                ValidationError(message, code=code, params=params or None)
            )

        record = realtime_model(model)
        if record is not None and not record.reasoning:
            if self.reasoning_effort != DEFAULT_REASONING_EFFORT:
                add(
                    "reasoning_effort",
                    "%(model)s does not reason; choose a gpt-realtime-2 model (e.g. "
                    "gpt-realtime-2.1-mini) or leave the effort at low.",
                    "model_lacks_reasoning",
                    model=record.name,
                )
            if self.parallel_tool_calls is not None:
                add(
                    "parallel_tool_calls",
                    "%(model)s cannot call tools in parallel; choose a reasoning model or "
                    "leave this unknown.",
                    "model_lacks_parallel_tools",
                    model=record.name,
                )
        if self.idle_timeout_ms and self.turn_detection != "server_vad":
            add(
                "idle_timeout_ms",
                "The model's idle timeout needs server VAD turn detection; use the idle "
                "reminder with other turn detection.",
                "idle_timeout_needs_server_vad",
            )
        self._truncation_errors(record, add)
        self._transcription_errors(add)
        for field, found in self._model_errors(model).items():
            errors.setdefault(field, []).extend(found)
        return errors

    def _model_errors(self, model: str) -> dict[str, list[ValidationError]]:
        """The model itself (retired?) and what it must support: voice, reply length."""
        errors: dict[str, list[ValidationError]] = {}
        record = realtime_model(model)
        if record is None:
            return errors
        if record.is_retired:
            successor = successor_of(model)
            errors.setdefault("model", []).append(
                ValidationError(
                    "%(model)s was shut down on %(date)s; choose %(successor)s.",
                    code="model_retired",
                    params={
                        "model": record.name,
                        "date": record.shutdown,
                        "successor": successor.name if successor else "a current model",
                    },
                )
            )
        voice = self.voice if self.voice_id else None
        if (
            voice is not None
            and voice.provider_voice in REALTIME_FAMILY_ONLY_VOICES
            and not record.marin_cedar
        ):
            errors.setdefault("voice", []).append(
                ValidationError(
                    "The voice %(voice)s needs a gpt-realtime model; choose "
                    "gpt-realtime-2.1-mini or another gpt-realtime model, or another voice.",
                    code="voice_model_mismatch",
                    params={"voice": voice.provider_voice},
                )
            )
        if voice is not None and voice.custom_voice_id and not record.custom_voices:
            errors.setdefault("voice", []).append(
                ValidationError(
                    "%(model)s cannot speak custom voices; choose a current model or a "
                    "voice without a custom voice id.",
                    code="model_lacks_custom_voices",
                    params={"model": record.name},
                )
            )
        if self.max_output_tokens and self.max_output_tokens > record.max_output_tokens:
            errors.setdefault("max_output_tokens", []).append(
                ValidationError(
                    "%(model)s writes at most %(most)s tokens per reply.",
                    code="above_model_maximum",
                    params={"model": record.name, "most": record.max_output_tokens},
                )
            )
        return errors

    def _truncation_errors(self, record, add) -> None:
        ratio_fields = (
            self.truncation_retention_ratio,
            self.truncation_post_instructions_tokens,
        )
        if self.truncation != Truncation.RETENTION_RATIO:
            if any(v is not None for v in ratio_fields):
                add(
                    "truncation",
                    "The retention ratio and token limit apply only to 'Retention ratio' "
                    "truncation; choose it or clear them.",
                    "truncation_fields_unused",
                )
            return
        if self.truncation_retention_ratio is None:
            add(
                "truncation_retention_ratio",
                "Give the share of the conversation to keep, e.g. 0.8.",
                "required",
            )
        limit = self.truncation_post_instructions_tokens
        if record is not None and limit:
            most = record.context_tokens - record.max_output_tokens
            if limit > most:
                add(
                    "truncation_post_instructions_tokens",
                    "%(model)s allows at most %(most)s tokens after the instructions "
                    "(context %(context)s minus %(out)s for the reply).",
                    "limit_above_context",
                    model=record.name,
                    most=most,
                    context=record.context_tokens,
                    out=record.max_output_tokens,
                )

    def _transcription_errors(self, add) -> None:
        name = self.input_transcription_model
        record = transcription_model(name) if name else None
        takes_hints = record is not None and record.languages_and_keywords
        for field, label in (
            ("transcription_languages", "Caller languages"),
            ("transcription_keywords", "Transcription keywords"),
        ):
            if getattr(self, field).strip() and not takes_hints:
                add(
                    field,
                    "%(label)s work with gpt-live-transcribe and gpt-transcribe only; "
                    "choose one of them for the caller transcription or clear this.",
                    "transcription_model_lacks_hints",
                    label=label,
                )
        bad = [c for c in split_list(self.transcription_languages) if not _is_code(c)]
        if bad:
            add(
                "transcription_languages",
                "Use two-letter language codes (ISO-639-1) such as en, de: %(codes)s",
                "invalid_language_code",
                codes=", ".join(bad),
            )


def _is_code(code: str) -> bool:
    return len(code) == 2 and code.isascii() and code.isalpha()
