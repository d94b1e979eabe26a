"""Which engine answered a session, in words, and what the session cost (or would have)."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol
from urllib.parse import urlsplit

from django.conf import settings

from botbuilder.models.choices import ConnectionKind
from botbuilder.pricing import Usage, cost_usd

OFFLINE_ENGINE_LABEL = "offline rehearsal engine"


class ConnectionLike(Protocol):
    kind: str
    base_url: str
    azure_deployment: str


def engine_label(connection: ConnectionLike, model: str) -> str:
    """'offline rehearsal engine', 'OpenAI model gpt-realtime', 'Azure deployment x', ..."""
    kind = connection.kind
    if kind == ConnectionKind.OFFLINE:
        return OFFLINE_ENGINE_LABEL
    if kind == ConnectionKind.AZURE:
        return f"Azure deployment {connection.azure_deployment or model}"
    if kind == ConnectionKind.COMPATIBLE:
        host = urlsplit(connection.base_url or "").netloc or "a compatible server"
        return f"model {model} on {host} (OpenAI-compatible)"
    return f"OpenAI model {model}"


@dataclass(frozen=True)
class _KindOnly:
    kind: str
    base_url: str = ""
    azure_deployment: str = ""


def session_engine_label(session: Any) -> str:
    """The label stored when the session started, else one rebuilt from its provider."""
    if getattr(session, "engine", ""):
        return session.engine
    if not session.connection_kind:
        return f"model {session.model}" if session.model else "unknown engine"
    return engine_label(_KindOnly(session.connection_kind), session.model)


def session_usage(session: Any) -> Usage:
    """The session's stored token totals."""
    return Usage(
        text_in=session.text_in_tokens,
        text_cached=session.text_cached_tokens,
        audio_in=session.audio_in_tokens,
        audio_cached=session.audio_cached_tokens,
        text_out=session.text_out_tokens,
        audio_out=session.audio_out_tokens,
    )


@dataclass(frozen=True)
class SessionCost:
    """What was paid, and for sessions nobody paid for, what the bot's model would cost."""

    actual_usd: Decimal
    estimate_usd: Decimal | None = None
    estimate_model: str = ""


def is_free_engine(connection_kind: str) -> bool:
    """True for engines that cost nothing per token (the offline engine)."""
    return connection_kind == ConnectionKind.OFFLINE


def session_cost(session: Any) -> SessionCost:
    """Actual cost; on the offline engine $0 plus an estimate on the session's model."""
    if not is_free_engine(session.connection_kind):
        return SessionCost(actual_usd=Decimal(session.cost_usd))
    estimate = cost_usd(session.model, session_usage(session), settings.REALTIME_PRICES)
    return SessionCost(
        actual_usd=Decimal("0"), estimate_usd=estimate, estimate_model=session.model
    )


def format_usd(amount: Decimal) -> str:
    """$0.00 for nothing, cents for most sessions, four places below a cent."""
    if amount == 0:
        return "$0.00"
    if abs(amount) < Decimal("0.01"):
        return f"${amount:.4f}"
    return f"${amount:.2f}"


def cost_summary(cost: SessionCost) -> str:
    """'$0.12', or '$0.00 (estimate on gpt-realtime-mini: $0.11)' for the offline engine."""
    text = format_usd(cost.actual_usd)
    if cost.estimate_usd is not None:
        text += (
            f" (estimate on {cost.estimate_model or 'its model'}: "
            f"{format_usd(cost.estimate_usd)})"
        )
    return text
