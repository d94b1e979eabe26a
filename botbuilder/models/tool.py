"""Tools (functions) a bot may call: webhooks, Python handlers, static responses, built-ins."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from botbuilder.models.choices import BuiltinTool, HttpMethod, ToolKind

function_name_validator = RegexValidator(
    r"^[a-zA-Z0-9_-]{1,64}$",
    "Use 1 to 64 letters, digits, _ or -, e.g. get_order_status.",
    code="invalid_function_name",
)

WEBHOOK_MAX_TIMEOUT_S = 60


def empty_parameters_schema() -> dict:
    return {"type": "object", "properties": {}, "required": []}


class Tool(models.Model):
    name = models.CharField(
        "function name",
        max_length=64,
        unique=True,
        validators=[function_name_validator],
        help_text="The name the model calls, e.g. get_order_status (letters, digits, _ or -).",
    )
    description = models.TextField(
        "description",
        help_text="When and why the model should call this tool. The model reads this to decide.",
    )
    parameters = models.JSONField(
        "parameters (JSON Schema)",
        default=empty_parameters_schema,
        blank=True,
        help_text='JSON Schema of the arguments, e.g. {"type": "object", "properties": '
        '{"order_number": {"type": "string"}}, "required": ["order_number"]}.',
    )
    kind = models.CharField(
        "kind",
        max_length=20,
        choices=ToolKind.choices,
        default=ToolKind.STATIC,
        help_text="What runs when the model calls the tool.",
    )
    is_enabled = models.BooleanField(
        "enabled", default=True, help_text="Disabled tools are not offered to any bot."
    )
    say_while_working = models.CharField(
        "say while working",
        max_length=200,
        blank=True,
        help_text="Optional line spoken while a slow tool runs, e.g. 'One moment, let me check.'",
    )
    # Webhook
    webhook_method = models.CharField(
        "method",
        max_length=10,
        choices=HttpMethod.choices,
        default=HttpMethod.POST,
        blank=True,
        help_text="Webhook: HTTP method.",
    )
    webhook_url = models.CharField(
        "URL",
        max_length=500,
        blank=True,
        help_text="Webhook: http(s) URL. May contain {{variables}} and {argument} placeholders, "
        "e.g. https://shop.example/api/orders/{order_number}.",
    )
    webhook_headers = models.JSONField(
        "headers",
        default=dict,
        blank=True,
        help_text="Webhook: extra headers as JSON. Write secrets as ${ENV_VAR} references, e.g. "
        '{"Authorization": "Bearer ${BOT_SECRET_SHOP_TOKEN}"}; they are read from the server '
        "environment at call time.",
    )
    webhook_body_template = models.JSONField(
        "body template",
        null=True,
        blank=True,
        help_text="Webhook: JSON body with {argument} placeholders. Empty: the arguments "
        "themselves are sent as the JSON body (not for GET).",
    )
    webhook_timeout_s = models.FloatField(
        "timeout (s)",
        default=10,
        validators=[MinValueValidator(0.5), MaxValueValidator(WEBHOOK_MAX_TIMEOUT_S)],
        help_text="Webhook: give up after this many seconds (at most 60).",
    )
    webhook_response_path = models.CharField(
        "response path",
        max_length=200,
        blank=True,
        help_text="Webhook: dotted path of the part of the JSON response to hand the model, "
        "e.g. data.order. Empty: the whole response.",
    )
    webhook_max_response_bytes = models.PositiveIntegerField(
        "max response size (bytes)",
        default=65536,
        validators=[MinValueValidator(256), MaxValueValidator(1_048_576)],
        help_text="Webhook: larger responses are refused.",
    )
    # Python handler
    python_handler = models.CharField(
        "Python handler",
        max_length=200,
        blank=True,
        help_text="Python handler: dotted path of a registered handler, e.g. "
        "botbuilder.demo_handlers.order_status.",
    )
    # Static response
    static_response = models.TextField(
        "static response",
        blank=True,
        help_text="Static response: the answer handed to the model. May use {argument} and "
        "{{variable}} placeholders.",
    )
    # Built-in
    builtin = models.CharField(
        "built-in",
        max_length=30,
        choices=BuiltinTool.choices,
        blank=True,
        help_text="Built-in: which built-in behaviour this tool runs.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from botbuilder.toolspec import schema_errors

        errors: dict[str, ValidationError] = {}
        problems = schema_errors(self.parameters)
        if problems:
            errors["parameters"] = ValidationError(
                [
                    ValidationError(
                        "Not a valid parameters schema: %(problem)s",
                        code="invalid_schema",
                        params={"problem": problem},
                    )
                    for problem in problems
                ]
            )
        required = {
            ToolKind.WEBHOOK: ("webhook_url", "Enter the URL the webhook calls."),
            ToolKind.PYTHON: (
                "python_handler",
                "Choose the registered Python handler.",
            ),
            ToolKind.STATIC: (
                "static_response",
                "Enter the response handed to the model.",
            ),
            ToolKind.BUILTIN: ("builtin", "Choose the built-in behaviour."),
        }
        # An unknown kind is reported by the field's choices check; do not crash here.
        field, message = required.get(self.kind, (None, ""))
        if field and not getattr(self, field):
            errors[field] = ValidationError(message, code="required")
        if self.kind == ToolKind.WEBHOOK and self.webhook_url:
            if not self.webhook_url.startswith(("http://", "https://")):
                errors["webhook_url"] = ValidationError(
                    "Webhooks use http:// or https:// URLs.", code="invalid_scheme"
                )
        if not isinstance(self.webhook_headers, dict):
            errors["webhook_headers"] = ValidationError(
                'Write headers as a JSON object, e.g. {"X-Api-Key": "${BOT_SECRET_SHOP_KEY}"}.',
                code="not_an_object",
            )
        for field_name, problems in self._config_problems().items():
            if field_name not in errors:
                errors[field_name] = ValidationError(
                    [
                        ValidationError("%(p)s", code="invalid_config", params={"p": p})
                        for p in problems
                    ]
                )
        if errors:
            raise ValidationError(errors)

    def _config_problems(self) -> dict[str, list[str]]:
        """Secrets as ${ENV_VAR} references, declared placeholders, a registered handler."""
        from botbuilder.tools.config_checks import tool_config_errors
        from botbuilder.tools.handlers import available_handlers

        known_variables = None
        if self.pk:
            # {{variables}} must be declared by every bot that uses this tool.
            declared = [
                set(b.variable_defaults)
                if isinstance(b.variable_defaults, dict)
                else set()
                for b in self.bots.all()
            ]
            if declared:
                known_variables = set.intersection(*declared)
        return tool_config_errors(
            kind=self.kind,
            parameters=self.parameters,
            webhook_url=self.webhook_url,
            webhook_headers=self.webhook_headers,
            webhook_body_template=self.webhook_body_template,
            python_handler=self.python_handler,
            static_response=self.static_response,
            known_variables=known_variables,
            registered_handlers=available_handlers()
            if self.kind == ToolKind.PYTHON
            else (),
        )
