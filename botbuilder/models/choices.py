"""Choice lists shared by the models, the assembly code and the admin."""

from django.db import models


class ReasoningEffort(models.TextChoices):
    MINIMAL = "minimal", "Minimal (fastest)"
    LOW = "low", "Low (default)"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    XHIGH = "xhigh", "Extra high (slowest, most careful)"


class Truncation(models.TextChoices):
    AUTO = "auto", "Automatic (drop the oldest turns when the context is full)"
    RETENTION_RATIO = (
        "retention_ratio",
        "Retention ratio (drop a block of old turns at once)",
    )
    DISABLED = "disabled", "Disabled (the session fails when the context is full)"


class ProviderVoice(models.TextChoices):
    ALLOY = "alloy", "Alloy"
    ASH = "ash", "Ash"
    BALLAD = "ballad", "Ballad"
    CORAL = "coral", "Coral"
    ECHO = "echo", "Echo"
    SAGE = "sage", "Sage"
    SHIMMER = "shimmer", "Shimmer"
    VERSE = "verse", "Verse"
    MARIN = "marin", "Marin (gpt-realtime models only)"
    CEDAR = "cedar", "Cedar (gpt-realtime models only)"


# Voices only the gpt-realtime models speak (protocol reference §2.4); the catalogue's
# `marin_cedar` says which models those are.
REALTIME_FAMILY_ONLY_VOICES = {ProviderVoice.MARIN, ProviderVoice.CEDAR}


class ConnectionKind(models.TextChoices):
    OPENAI = "openai", "OpenAI"
    AZURE = "azure", "Azure OpenAI"
    COMPATIBLE = "compatible", "OpenAI-compatible URL"
    OFFLINE = "offline", "Offline engine (this server, no key)"


class GreetingMode(models.TextChoices):
    BOT_GREETING = "bot_greeting", "Bot speaks the greeting first"
    MODEL_FIRST = "model_first", "Model opens the conversation in its own words"
    WAIT = "wait", "Wait for the caller to speak first"


class OutputModality(models.TextChoices):
    AUDIO = "audio", "Audio (with transcript)"
    TEXT = "text", "Text only"


class TurnDetection(models.TextChoices):
    SERVER_VAD = "server_vad", "Server VAD (silence based)"
    SEMANTIC_VAD = "semantic_vad", "Semantic VAD (meaning based)"
    OFF = "off", "Off (push-to-talk / manual)"


class Eagerness(models.TextChoices):
    AUTO = "auto", "Auto"
    LOW = "low", "Low (lets the caller finish)"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High (answers quickly)"


class NoiseReduction(models.TextChoices):
    NEAR_FIELD = "near_field", "Near field (headset, phone held to the ear)"
    FAR_FIELD = "far_field", "Far field (laptop, speakerphone)"
    OFF = "off", "Off"


class ToolChoice(models.TextChoices):
    AUTO = "auto", "Auto (the model decides)"
    NONE = "none", "None (never call tools)"
    REQUIRED = "required", "Required (always call a tool)"


class SnippetMode(models.TextChoices):
    INLINE = "inline", "Always in the instructions"
    RETRIEVED = "retrieved", "Retrieved on demand (search_knowledge)"


class ToolKind(models.TextChoices):
    WEBHOOK = "webhook", "Webhook (HTTP request)"
    PYTHON = "python", "Python handler"
    STATIC = "static", "Static response"
    BUILTIN = "builtin", "Built-in"


class BuiltinTool(models.TextChoices):
    SEARCH_KNOWLEDGE = (
        "search_knowledge",
        "search_knowledge: look up retrieved snippets",
    )
    END_SESSION = "end_session", "end_session: say a closing line and hang up"
    TRANSFER_CALL = "transfer_call", "transfer_call: hand the caller to a human"


class HttpMethod(models.TextChoices):
    GET = "GET", "GET"
    POST = "POST", "POST"
    PUT = "PUT", "PUT"
    PATCH = "PATCH", "PATCH"
    DELETE = "DELETE", "DELETE"


class SessionChannel(models.TextChoices):
    PREVIEW = "preview", "Preview (browser)"
    PHONE = "phone", "Phone"
    API = "api", "API"


class SessionStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"


class EndReason(models.TextChoices):
    CLIENT_CLOSED = "client_closed", "Caller hung up / closed the page"
    CLIENT_ENDED = "client_ended", "Caller ended the session"
    END_SESSION_TOOL = "end_session_tool", "Bot ended the session (end_session)"
    MAX_DURATION = "max_duration", "Maximum session duration reached"
    IDLE = "idle", "Caller stayed silent"
    UPSTREAM_ERROR = "upstream_error", "Model connection failed"
    ADMIN = "admin", "Ended by staff"
    TRANSFERRED = "transferred", "Transferred to a human"
    SERVER_SHUTDOWN = "server_shutdown", "Server shut down"
    UPSTREAM_TIMEOUT = "upstream_timeout", "Model stopped answering"
    WORKER_LOST = "worker_lost", "Worker lost (its process stopped)"
    SERVER_ERROR = "server_error", "Failed on the server"


class CutReason(models.TextChoices):
    BARGE_IN = "barge_in", "Caller spoke over it"
    DISCONNECT = "disconnect", "Call ended while it played"
    RECONNECT = "reconnect", "Model connection was renewed mid-reply"


class ItemRole(models.TextChoices):
    USER = "user", "Caller"
    ASSISTANT = "assistant", "Bot"
    SYSTEM = "system", "System"
    TOOL = "tool", "Tool"


class ItemKind(models.TextChoices):
    MESSAGE = "message", "Message"
    FUNCTION_CALL = "function_call", "Tool call"
    EVENT = "event", "Event"


class ToolCallStatus(models.TextChoices):
    OK = "ok", "Succeeded"
    ERROR = "error", "Failed"
    INVALID_ARGUMENTS = "invalid_arguments", "Invalid arguments"
    TIMEOUT = "timeout", "Timed out"
