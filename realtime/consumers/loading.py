"""Database work of the browser session consumer: small sync functions, called through
`database_sync_to_async`, never inside `async def`."""

import dataclasses
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse

from botbuilder import selectors
from botbuilder.assembly import Assembly, Snapshot
from botbuilder.catalogue import model_start_refusal
from botbuilder.connection_guard import connection_url_check
from botbuilder.engines import engine_label
from botbuilder.exports.formats import TEXT_FORMATS, WAV_FORMAT
from botbuilder.models import Bot
from botbuilder.services.sessions import session_start
from realtime.providers import ConnectionSpec

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_INACTIVE = 4409
CLOSE_PROVIDER_CONFIG = 1011  # the bot's connection cannot be used (e.g. a blocked URL)


@dataclass
class Refusal:
    close_code: int
    code: str
    reason: str


@dataclass
class BotContext:
    """What a session of this bot needs, read once at connect."""

    bot: Bot
    snapshot: Snapshot
    connection: ConnectionSpec
    record_audio: bool


def load_bot_context(*, bot_id: int, user: Any) -> BotContext | Refusal:
    """The bot's snapshot and connection, or why this user may not open a session."""
    if user is None or not user.is_authenticated:
        return Refusal(
            CLOSE_UNAUTHENTICATED,
            "unauthenticated",
            "Log in to the admin to start a session.",
        )
    if not (user.is_active and user.is_staff and user.has_perm("botbuilder.view_bot")):
        return Refusal(
            CLOSE_FORBIDDEN,
            "forbidden",
            "You do not have permission to talk to this bot.",
        )
    bot = selectors.bot_for_session(bot_id=bot_id)
    if bot is None:
        return Refusal(
            CLOSE_NOT_FOUND, "bot_not_found", f"There is no bot with id {bot_id}."
        )
    return bot_context(bot=bot)


def bot_context(*, bot: Bot, audio_format: str = "pcm16") -> BotContext | Refusal:
    """What a session of `bot` needs, with audio in `audio_format` ("pcm16", or "pcmu"
    for phone calls: G.711 μ-law 8 kHz both ways); a Refusal when none can start. No
    user check: also used by phone calls and bot tests."""
    if not bot.is_active:
        return Refusal(
            CLOSE_INACTIVE,
            "bot_inactive",
            "This bot is inactive; activate it to start sessions.",
        )
    retired = model_start_refusal(bot.speech_model())
    if retired:
        return Refusal(CLOSE_INACTIVE, "model_retired", retired)
    snapshot = selectors.bot_snapshot(bot=bot, audio_format=audio_format)
    connection = selectors.connection_for_bot(bot=bot)
    voice = snapshot.voice
    spec = ConnectionSpec(
        kind=connection.kind,
        model=snapshot.bot.model,
        base_url=connection.base_url,
        azure_deployment=connection.azure_deployment,
        api_key_env=connection.api_key_env,
        **(
            {}
            if voice is None
            else {
                "offline_voice": voice.offline_voice,
                "offline_rate_wpm": voice.offline_rate_wpm,
                "offline_pitch": voice.offline_pitch,
            }
        ),
    )
    # Checked again here (not only in the form): DNS answers change, rows predate the rule.
    if spec.kind != "offline" and spec.base_url:
        problem, address = connection_url_check(spec.base_url)
        if problem:
            return Refusal(CLOSE_PROVIDER_CONFIG, "provider_config", problem)
        spec = dataclasses.replace(spec, connect_address=address)
    return BotContext(
        bot=bot, snapshot=snapshot, connection=spec, record_audio=bot.record_audio
    )


@dataclass
class StartedRow:
    session_id: str
    group_name: str
    admin_url: str
    exports: dict[str, str]  # export format -> admin download URL
    engine: str = ""  # which engine answers, in words (botbuilder.engines.engine_label)


def start_session_row(
    *,
    ctx: BotContext,
    user: Any,
    snapshot: Snapshot,
    assembly: Assembly,
    session_config: dict[str, Any],
    channel: str = "preview",
    caller: str = "",
    provider_call_id: str = "",
) -> StartedRow:
    """Create the Session row (status active): a browser preview session by default."""
    engine = engine_label(ctx.connection, ctx.connection.model)
    row = session_start(
        bot=ctx.bot,
        channel=channel,
        caller=caller,
        provider_call_id=provider_call_id,
        user=user,
        variables=dict(snapshot.variables),
        snapshot=snapshot,
        assembly=assembly,
        connection_kind=ctx.connection.kind,
        engine=engine,
        session_config=session_config,
    )
    try:
        admin_url = row.get_absolute_url()
        formats = [*TEXT_FORMATS, *([WAV_FORMAT] if ctx.record_audio else [])]
        exports = {
            fmt: reverse("admin:botbuilder_session_export", args=[row.pk, fmt])
            for fmt in formats
        }
    except NoReverseMatch:  # the admin does not register sessions
        admin_url, exports = "", {}
    return StartedRow(
        str(row.pk),
        row.group_name,
        admin_url,
        exports,
        engine,
    )
