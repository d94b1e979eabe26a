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
# Pages that may open the session/monitor websockets ("https://bots.example.com"): scheme,
# host and port compared. Empty: ALLOWED_HOSTS on the served scheme and port, plus
# CSRF_TRUSTED_ORIGINS (realtime/origins.py). Behind a proxy, set it or CSRF_TRUSTED_ORIGINS.
WEBSOCKET_ALLOWED_ORIGINS = env.list("WEBSOCKET_ALLOWED_ORIGINS", default=[])

# --- HTTPS and cookies (deployment; see README "Production") -------------------------------
# Behind a TLS reverse proxy set these (check --deploy then reports no security warning).
# The proxy's header telling Django the request came over HTTPS, e.g.
# "HTTP_X_FORWARDED_PROTO,https"; only set it when the proxy always sets or strips it.
_proxy_ssl_header = env.tuple("DJANGO_SECURE_PROXY_SSL_HEADER", default=())
SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header) if _proxy_ssl_header else None
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False
)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=False)

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "django_tasks",
    "django_tasks_db",
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
# The caller's audio goes upstream in `input_audio_buffer.append` events of this many ms
# (20 ms frames coalesced; 20 = one append per frame). Fewer, larger events cost less CPU
# per ms of audio; the model hears the audio up to RELAY_APPEND_MS - 20 ms later
# (bench/README.md, relay benchmark). Push-to-talk commits and clears send what is pending.
RELAY_APPEND_MS = env.int("RELAY_APPEND_MS", default=40)

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
# The offline engine's speech recogniser: pocketsphinx (default) or whisper (Whisper
# tiny.en, opt-in: `make install-whisper`; more accurate, about 0.4 s of CPU per turn).
OFFLINE_ENGINE_RECOGNISER = env.str("OFFLINE_ENGINE_RECOGNISER", default="pocketsphinx")
# Prices in USD per 1M tokens, overriding the built-in table per model (JSON).
REALTIME_PRICES = env.json("REALTIME_PRICES", default={})

# --- Tools --------------------------------------------------------------------------------
# Modules whose @tool_handler functions may be chosen as Python handler tools.
TOOL_HANDLER_MODULES = env.list(
    "TOOL_HANDLER_MODULES", default=["botbuilder.demo_handlers"]
)
# Hosts webhooks may reach even though they resolve to private/loopback addresses.
WEBHOOK_ALLOWED_HOSTS = env.list("WEBHOOK_ALLOWED_HOSTS", default=[])

# --- Secrets and outbound connections (security) ------------------------------------------
# Environment variables a bot's configuration may use as secrets (connection API keys,
# webhook `${NAME}` headers): names with this prefix plus the named extras. Django's own
# variables (DJANGO_SECRET_KEY, DATABASE_URL, REDIS_URL...) are never usable.
SECRET_ENV_PREFIX = env.str("SECRET_ENV_PREFIX", default="BOT_SECRET_")
SECRET_ENV_ALLOWED = env.list(
    "SECRET_ENV_ALLOWED", default=["OPENAI_API_KEY", "AZURE_OPENAI_API_KEY"]
)
# Hosts ("host" or "host:port") connection base URLs may reach although they are private or
# loopback; the offline engine's own address is always allowed.
CONNECTION_ALLOWED_HOSTS = env.list("CONNECTION_ALLOWED_HOSTS", default=[])

# --- Session liveness (heartbeats) ---------------------------------------------------------
# Each worker beats for its live sessions every SESSION_HEARTBEAT_INTERVAL_S; a session with
# no beat for SESSION_LOST_AFTER_S (its worker was killed) is ended as failed, "worker lost".
SESSION_HEARTBEAT_INTERVAL_S = env.float("SESSION_HEARTBEAT_INTERVAL_S", default=10.0)
SESSION_LOST_AFTER_S = env.float("SESSION_LOST_AFTER_S", default=60.0)
SESSION_SWEEP_INTERVAL_S = env.float("SESSION_SWEEP_INTERVAL_S", default=30.0)

# --- Transcripts ------------------------------------------------------------------------
# purge_sessions keeps sessions whose bot was deleted for this many days.
SESSION_DEFAULT_RETENTION_DAYS = env.int("SESSION_DEFAULT_RETENTION_DAYS", default=90)

# --- Post-call analysis and the end-of-call webhook ----------------------------------
# Background jobs live in the database (django-tasks with django-tasks-db); `manage.py
# analysis_worker` runs them (make run starts it).
TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
}
# Environment variables an end-of-call webhook may take its signing secret from.
ANALYSIS_WEBHOOK_SECRET_ENVS = env.list("ANALYSIS_WEBHOOK_SECRET_ENVS", default=[])
# Seconds the analysis may take (one Realtime text session) before it counts as failed.
ANALYSIS_TIMEOUT_S = env.int("ANALYSIS_TIMEOUT_S", default=60)
# Webhook attempts: timeout each, how many at most, first retry delay (doubling after).
WEBHOOK_TIMEOUT_S = env.float("WEBHOOK_TIMEOUT_S", default=10.0)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
WEBHOOK_RETRY_BASE_S = env.float("WEBHOOK_RETRY_BASE_S", default=5.0)
# --- Phone calls (Twilio Media Streams, OpenAI SIP) ----------------------------------------
# The https:// address Twilio and OpenAI reach this server at (reverse proxy or tunnel),
# e.g. https://bots.example.com. Signatures cover the URL as the provider called it, so set
# this whenever the server sits behind a proxy. Empty: the request's own host (and, for the
# links in end-of-call webhook bodies, http://127.0.0.1:8000).
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="")
# Twilio's REST API (hang up, transfer); only tests point it elsewhere.
TWILIO_API_BASE_URL = env.str("TWILIO_API_BASE_URL", default="https://api.twilio.com")

# --- Bot tests (botbuilder/bottests) -----------------------------------------------------
# Test calls of one bot at the same time (admin runs and `manage.py test_bots`).
BOT_TESTS_PARALLEL = env.int("BOT_TESTS_PARALLEL", default=4)
# A running test run beats every BOT_TESTS_HEARTBEAT_S; one without a beat for
# BOT_TESTS_LOST_AFTER_S (its worker was killed) is ended as an error when runs are listed.
BOT_TESTS_HEARTBEAT_S = env.float("BOT_TESTS_HEARTBEAT_S", default=10.0)
BOT_TESTS_LOST_AFTER_S = env.float("BOT_TESTS_LOST_AFTER_S", default=60.0)
