"""Phone numbers that reach a bot, and the telephony accounts whose credentials they use."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from botbuilder.assembly.variables import VARIABLE_NAME_RE
from botbuilder.models.connection import env_var_name_validator
from botbuilder.secrets import check_secret_env_name

SIP_DECLINE = 603  # SIP "Decline": OpenAI's default reject code


class PhoneProvider(models.TextChoices):
    TWILIO = "twilio", "Twilio Media Streams (audio through this server)"
    OPENAI_SIP = "openai_sip", "OpenAI SIP (audio straight to OpenAI)"


def validate_e164(value: str) -> None:
    """Raise ValidationError unless `value` is a valid number written in E.164 (+15551234567)."""
    try:
        parsed = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        parsed = None
    if (
        parsed is None
        or not phonenumbers.is_valid_number(parsed)
        or phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        != value
    ):
        raise ValidationError(
            "Write the number in E.164 form: + then country code and number, no spaces, "
            "e.g. +14155550123.",
            code="invalid_e164",
        )


def normalize_e164(value: str) -> str:
    """`value` (a tel:/sip: URI user part or a formatted number) in E.164, or "" if none."""
    try:
        parsed = phonenumbers.parse(value.strip(), None)
    except phonenumbers.NumberParseException:
        return ""
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


class PhoneAccount(models.Model):
    """A Twilio account or an OpenAI project; secrets are named, never stored."""

    name = models.CharField(
        "name",
        max_length=100,
        unique=True,
        help_text="A name you will recognise, e.g. 'Twilio production'.",
    )
    provider = models.CharField(
        "provider",
        max_length=20,
        choices=PhoneProvider.choices,
        default=PhoneProvider.TWILIO,
        help_text="Twilio streams the call's audio through this server; OpenAI SIP "
        "sends it straight to OpenAI and this server runs the tools.",
    )
    account_sid_env = models.CharField(
        "account SID variable",
        max_length=100,
        blank=True,
        validators=[env_var_name_validator],
        help_text="Twilio: the NAME of the environment variable holding the account SID "
        "(AC...), e.g. BOT_SECRET_TWILIO_ACCOUNT_SID.",
    )
    auth_token_env = models.CharField(
        "auth token variable",
        max_length=100,
        blank=True,
        validators=[env_var_name_validator],
        help_text="Twilio: the NAME of the variable holding the auth token, which signs "
        "Twilio's requests and authenticates hang-up and transfer, e.g. BOT_SECRET_TWILIO_AUTH_TOKEN.",
    )
    shared_key_env = models.CharField(
        "shared key variable",
        max_length=100,
        blank=True,
        validators=[env_var_name_validator],
        help_text="Twilio, optional: the NAME of the variable holding a webhook SharedKey "
        "secret, if a Webhooks Rule signs with HMAC-SHA256 instead of the auth token.",
    )
    webhook_secret_env = models.CharField(
        "webhook secret variable",
        max_length=100,
        blank=True,
        validators=[env_var_name_validator],
        help_text="OpenAI SIP: the NAME of the variable holding the project webhook's "
        "signing secret (whsec_...), e.g. BOT_SECRET_OPENAI_WEBHOOK_SECRET.",
    )
    api_key_env = models.CharField(
        "API key variable",
        max_length=100,
        blank=True,
        default="OPENAI_API_KEY",
        validators=[env_var_name_validator],
        help_text="OpenAI SIP: the NAME of the variable holding a standard API key of the "
        "project, used to accept, transfer and hang up calls and for the call's sideband.",
    )
    reject_status_code = models.PositiveIntegerField(
        "reject with SIP code",
        default=SIP_DECLINE,
        validators=[MinValueValidator(400), MaxValueValidator(699)],
        help_text="OpenAI SIP: the SIP status for calls no active bot answers "
        "(603 Decline, 486 Busy Here, 404 Not Found...).",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "phone account"

    def __str__(self) -> str:
        return f"{self.name} ({self.get_provider_display()})"

    def clean(self) -> None:
        if self.provider == PhoneProvider.TWILIO:
            required = {
                "account_sid_env": "account SID",
                "auth_token_env": "auth token",
            }
        else:
            required = {
                "webhook_secret_env": "webhook secret",
                "api_key_env": "API key",
            }
        errors = {
            field: ValidationError(
                "Name the variable holding the %(what)s.",
                code="required",
                params={"what": what},
            )
            for field, what in required.items()
            if not getattr(self, field)
        }
        for field in SECRET_ENV_FIELDS:  # the shared allow-list (botbuilder/secrets.py)
            name = getattr(self, field)
            if name and field not in errors:
                try:
                    check_secret_env_name(name)
                except ValidationError as exc:
                    errors[field] = exc
        if errors:
            raise ValidationError(errors)


SECRET_ENV_FIELDS = (
    "account_sid_env",
    "auth_token_env",
    "shared_key_env",
    "webhook_secret_env",
    "api_key_env",
)


class PhoneNumber(models.Model):
    """A number callers dial; calls to it are answered by its bot."""

    number = models.CharField(
        "number",
        max_length=20,
        unique=True,
        validators=[validate_e164],
        help_text="The number callers dial, in E.164 form, e.g. +14155550123.",
    )
    label = models.CharField(
        "label",
        max_length=100,
        blank=True,
        help_text="What the line is for, e.g. 'Clinic triage line'.",
    )
    account = models.ForeignKey(
        PhoneAccount,
        verbose_name="account",
        on_delete=models.PROTECT,
        related_name="numbers",
        help_text="The Twilio account or OpenAI project the number belongs to.",
    )
    bot = models.ForeignKey(
        "botbuilder.Bot",
        verbose_name="bot",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="phone_numbers",
        help_text="The bot that answers. Empty: callers hear that the number is not in "
        "service.",
    )
    is_active = models.BooleanField(
        "active",
        default=True,
        help_text="Inactive numbers tell callers they are not in service and hang up.",
    )
    variables = models.JSONField(
        "variables",
        default=dict,
        blank=True,
        help_text="Values for the bot's {{variables}} on calls to this number, e.g. "
        '{"branch": "Springfield"}. {{caller_number}} is filled in from the call.',
    )

    class Meta:
        ordering = ["number"]
        verbose_name = "phone number"

    def __str__(self) -> str:
        return f"{self.number} {self.label}".strip()

    def clean(self) -> None:
        if not isinstance(self.variables, dict):
            raise ValidationError(
                {
                    "variables": ValidationError(
                        'Write the variables as a JSON object, e.g. {"branch": "Main"}.',
                        code="not_an_object",
                    )
                }
            )
        bad = [
            k
            for k, v in self.variables.items()
            if not VARIABLE_NAME_RE.match(k) or isinstance(v, (dict, list))
        ]
        if bad:
            raise ValidationError(
                {
                    "variables": ValidationError(
                        "Use letter/digit/_ names with text or number values: %(names)s",
                        code="invalid_variable",
                        params={"names": ", ".join(bad)},
                    )
                }
            )
