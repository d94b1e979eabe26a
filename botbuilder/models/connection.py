"""Where realtime sessions go: OpenAI, Azure OpenAI, a compatible URL or the offline engine."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.html import escape

from botbuilder.catalogue import realtime_model_choices
from botbuilder.connection_guard import connection_url_problem
from botbuilder.models.choices import ConnectionKind
from botbuilder.secrets import check_secret_env_name

env_var_name_validator = RegexValidator(
    r"^[A-Z_][A-Z0-9_]*$",
    "Use the variable's name in capitals, e.g. OPENAI_API_KEY (letters, digits, _).",
    code="invalid_env_var_name",
)


class Connection(models.Model):
    name = models.CharField(
        "name",
        max_length=100,
        unique=True,
        help_text="A name you will recognise in the bot form, e.g. 'OpenAI production'.",
    )
    kind = models.CharField(
        "provider",
        max_length=20,
        choices=ConnectionKind.choices,
        default=ConnectionKind.OPENAI,
        help_text="Who runs the speech model. The offline engine runs on this server, "
        "needs no key and is meant for rehearsing flows.",
    )
    base_url = models.CharField(
        "base URL",
        max_length=300,
        blank=True,
        # Escaped: the admin shows help texts as HTML, which would swallow <resource>.
        help_text=escape(
            "Leave empty for OpenAI (https://api.openai.com/v1) and the offline engine. "
            "Azure: https://<resource>.openai.azure.com/openai/v1. "
            "Compatible servers: their /v1 URL."
        ),
    )
    azure_deployment = models.CharField(
        "Azure deployment",
        max_length=100,
        blank=True,
        help_text="Azure only: the deployment name of the realtime model (used as ?model=).",
    )
    azure_model = models.CharField(
        "Azure deployment's model",
        max_length=50,
        blank=True,
        choices=realtime_model_choices,
        help_text="Azure only: the model the deployment runs, so that capabilities, limits "
        "and prices are right for bots on this connection. Empty: each bot's own model.",
    )
    api_key_env = models.CharField(
        "API key environment variable",
        max_length=100,
        blank=True,
        validators=[env_var_name_validator],
        help_text="The NAME of the server environment variable holding the key, e.g. "
        "OPENAI_API_KEY or BOT_SECRET_AZURE_KEY (only allowed names: BOT_SECRET_... and "
        "those in SECRET_ENV_ALLOWED). The key itself is never stored in the database.",
    )
    notes = models.TextField(
        "notes",
        blank=True,
        help_text="Anything your team should know about this connection.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "connection"

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        if self.base_url and not self.base_url.startswith(
            ("https://", "http://", "wss://", "ws://")
        ):
            errors["base_url"] = ValidationError(
                "The URL must start with https://, http://, wss:// or ws://.",
                code="invalid_scheme",
            )
        if self.kind == ConnectionKind.AZURE:
            if not self.base_url:
                errors["base_url"] = ValidationError(
                    "Azure needs the resource URL, e.g. https://myres.openai.azure.com/openai/v1.",
                    code="required_for_azure",
                )
            if not self.azure_deployment:
                errors["azure_deployment"] = ValidationError(
                    "Azure needs the name of the realtime deployment.",
                    code="required_for_azure",
                )
        if self.azure_model and self.kind != ConnectionKind.AZURE:
            errors["azure_model"] = ValidationError(
                "Only Azure connections name their deployment's model; clear this field.",
                code="azure_only",
            )
        if self.kind == ConnectionKind.COMPATIBLE and not self.base_url:
            errors["base_url"] = ValidationError(
                "An OpenAI-compatible connection needs the server's base URL.",
                code="required_for_compatible",
            )
        if (
            self.kind in (ConnectionKind.OPENAI, ConnectionKind.AZURE)
            and not self.api_key_env
        ):
            errors["api_key_env"] = ValidationError(
                "Name the environment variable that holds the key, e.g. OPENAI_API_KEY.",
                code="required",
            )
        if self.api_key_env and env_var_name_validator.regex.match(self.api_key_env):
            try:
                check_secret_env_name(self.api_key_env)
            except ValidationError as exc:
                errors["api_key_env"] = exc
        if self.base_url and "base_url" not in errors:
            problem = connection_url_problem(self.base_url)
            if problem:
                errors["base_url"] = ValidationError(problem, code="blocked_url")
        if errors:
            raise ValidationError(errors)
