"""Which server environment variables a bot's configuration may use as secrets.

Connections name the variable holding their API key and webhook headers reference
`${NAME}`; either way the value leaves the server. Only variables on an explicit allow-list
may be used: names starting with ``SECRET_ENV_PREFIX`` (default ``BOT_SECRET_``) and the
names in ``SECRET_ENV_ALLOWED`` (default OPENAI_API_KEY, AZURE_OPENAI_API_KEY). The
variables of Django's own settings (DJANGO_SECRET_KEY, DATABASE_URL, REDIS_URL...) never,
whatever the settings say. Checked in every form, in the import and again at call time.

The API (used by connections, webhook tools and phone credentials):
``check_secret_env_name(name)`` raises ValidationError; ``read_secret_env(name)`` returns the
value ("" when unset) or raises ValidationError for a name that is not allowed.
"""

import os
import re

from django.conf import settings
from django.core.exceptions import ValidationError

DEFAULT_SECRET_ENV_PREFIX = "BOT_SECRET_"
DEFAULT_SECRET_ENV_ALLOWED = ("OPENAI_API_KEY", "AZURE_OPENAI_API_KEY")
ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Variables the server's own settings read: never a bot's secret, even if allow-listed.
SERVER_ENV_NAMES = frozenset(
    {
        "DJANGO_SECRET_KEY",
        "DJANGO_DEBUG",
        "DJANGO_ALLOWED_HOSTS",
        "DJANGO_CSRF_TRUSTED_ORIGINS",
        "DJANGO_SETTINGS_MODULE",
        "DATABASE_URL",
        "DATABASE_TEST_NAME",
        "REDIS_URL",
        "TEST_REDIS_URL",
        "CHANNEL_LAYER_PREFIX",
        "SECRET_ENV_PREFIX",
        "SECRET_ENV_ALLOWED",
    }
)
# Prefixes of server variables (DJANGO_*, every database or cache setting).
SERVER_ENV_PREFIXES = ("DJANGO_", "DATABASE_", "POSTGRES", "PG", "REDIS_")


def allowed_prefix() -> str:
    """The prefix of usable variable names (read at call time)."""
    return getattr(settings, "SECRET_ENV_PREFIX", DEFAULT_SECRET_ENV_PREFIX)


def allowed_names() -> frozenset[str]:
    """Variables usable besides the prefixed ones (read at call time)."""
    return frozenset(
        getattr(settings, "SECRET_ENV_ALLOWED", DEFAULT_SECRET_ENV_ALLOWED)
    )


def is_secret_env_allowed(name: str) -> bool:
    """Whether environment variable `name` may be used as a bot's secret."""
    if not name or not ENV_NAME_RE.match(name):
        return False
    upper = name.upper()
    if upper in SERVER_ENV_NAMES or upper.startswith(SERVER_ENV_PREFIXES):
        return False
    prefix = allowed_prefix()
    return name in allowed_names() or bool(prefix and name.startswith(prefix))


def check_secret_env_name(name: str) -> None:
    """Raise ValidationError (code "secret_env_not_allowed") unless `name` is allowed."""
    if is_secret_env_allowed(name):
        return
    prefix = allowed_prefix()
    extras = ", ".join(sorted(allowed_names())) or "none"
    raise ValidationError(
        "The environment variable %(name)s may not be used as a secret. Use a variable "
        "whose name starts with %(prefix)s, or one of: %(extras)s (settings "
        "SECRET_ENV_PREFIX and SECRET_ENV_ALLOWED). Server settings such as "
        "DJANGO_SECRET_KEY or DATABASE_URL are never usable.",
        code="secret_env_not_allowed",
        params={"name": name, "prefix": prefix or "(no prefix)", "extras": extras},
    )


def read_secret_env(name: str) -> str:
    """The value of allowed variable `name`, stripped ("" when unset); checks the name."""
    check_secret_env_name(name)
    value = os.environ.get(name, "")
    if not value and name == "OPENAI_API_KEY":
        value = getattr(settings, "OPENAI_API_KEY", "")  # may come from a .env file
    return value.strip()
