"""Django settings for the voice bot builder.

Every variable is read through django-environ and listed in `.env.example`. With nothing set
the product runs on embedded defaults: a SQLite file, the in-memory channel layer and the
offline realtime engine on 127.0.0.1.
"""

import secrets
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")


def _secret_key() -> str:
    """The configured key, else one generated once and kept in var/ (never a fixed default)."""
    configured = env.str("DJANGO_SECRET_KEY", default="")
    if configured:
        return configured
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "botbuilder",
    "realtime",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "botbuilder.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = None
ASGI_APPLICATION = "botbuilder.asgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", 0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # Several threads (daphne's sync workers) write transcript items: wait, do not fail.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20})
# Test runs may name their own test database, so two runs on one server cannot collide.
DATABASE_TEST_NAME = env.str("DATABASE_TEST_NAME", default="")
if DATABASE_TEST_NAME:
    DATABASES["default"]["TEST"] = {"NAME": DATABASE_TEST_NAME}

REDIS_URL = env.str("REDIS_URL", default="")
# Every Redis key of the channel layer starts with this (several installs, one Redis).
CHANNEL_LAYER_PREFIX = env.str("CHANNEL_LAYER_PREFIX", default="asgi")
# channels-redis waits up to 5 s per receive (BZPOPMIN) and redis-py 8 reads with a 5 s
# socket timeout by default: every consumer idle for 5 s died with a TimeoutError. Wait longer.
REDIS_SOCKET_TIMEOUT_S = 15
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {"address": REDIS_URL, "socket_timeout": REDIS_SOCKET_TIMEOUT_S}
                ],
                "prefix": CHANNEL_LAYER_PREFIX,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
# Serve /static/ from the ASGI app itself (a single-box install needs no web server in front).
SERVE_STATIC = env.bool("SERVE_STATIC", default=True)
# The event loop under daphne when served with `python -m botbuilder.serve`: "uvloop" (less
# CPU per relayed audio frame) or "asyncio" (the standard library's).
EVENT_LOOP = env.str("EVENT_LOOP", default="uvloop")

MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "media/"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "admin:login"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# --- Realtime model connections -------------------------------------------------------
# OPENAI_API_KEY set: the default connection is OpenAI; otherwise the offline engine.
OPENAI_API_KEY = env.str("OPENAI_API_KEY", default="")
OPENAI_BASE_URL = env.str("OPENAI_BASE_URL", default="https://api.openai.com/v1")
OFFLINE_ENGINE_HOST = env.str("OFFLINE_ENGINE_HOST", default="127.0.0.1")
OFFLINE_ENGINE_PORT = env.int("OFFLINE_ENGINE_PORT", default=8765)
# Optional: end offline-engine sessions after this many seconds, like OpenAI's 60-minute cap.
OFFLINE_ENGINE_MAX_SESSION_S = env.int("OFFLINE_ENGINE_MAX_SESSION_S", default=3600)
# Prices in USD per 1M tokens, overriding the built-in table per model (JSON).
REALTIME_PRICES = env.json("REALTIME_PRICES", default={})

# --- Tools --------------------------------------------------------------------------------
# Modules whose @tool_handler functions may be chosen as Python handler tools.
TOOL_HANDLER_MODULES = env.list(
    "TOOL_HANDLER_MODULES", default=["botbuilder.demo_handlers"]
)
# Hosts webhooks may reach even though they resolve to private/loopback addresses.
WEBHOOK_ALLOWED_HOSTS = env.list("WEBHOOK_ALLOWED_HOSTS", default=[])

# --- Transcripts ------------------------------------------------------------------------
# purge_sessions keeps sessions whose bot was deleted for this many days.
SESSION_DEFAULT_RETENTION_DAYS = env.int("SESSION_DEFAULT_RETENTION_DAYS", default=90)

# --- Phone calls (Twilio Media Streams, OpenAI SIP) ----------------------------------------
# The https:// address Twilio and OpenAI reach this server at (reverse proxy or tunnel),
# e.g. https://bots.example.com. Signatures cover the URL as the provider called it, so set
# this whenever the server sits behind a proxy. Empty: the request's own host.
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="")
# Twilio's REST API (hang up, transfer); only tests point it elsewhere.
TWILIO_API_BASE_URL = env.str("TWILIO_API_BASE_URL", default="https://api.twilio.com")
