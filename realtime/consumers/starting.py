"""Starting a session from a loaded bot: the steps every transport shares.

Used by the browser consumer and the phone transports. `prepare_session` and `setup_for`
take CPU time that grows with the bot (assembly; the knowledge index): call them in a
thread (`asyncio.to_thread`), never on the event loop every live call shares.
"""

import asyncio
import dataclasses
from dataclasses import dataclass
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings

from botbuilder.assembly import Assembly, Snapshot, assemble
from botbuilder.models.choices import SessionChannel
from realtime.consumers.loading import BotContext, StartedRow, start_session_row
from realtime.providers import UpstreamTarget, adapt_session, upstream_target
from realtime.session.config import SessionSetup, build_setup, session_config


@dataclass
class PreparedSession:
    snapshot: Snapshot
    assembly: Assembly
    config: dict[str, Any]  # the `session` of session.update


def prepare_session(
    ctx: BotContext, variables: dict[str, Any], *, push_to_talk: bool = False
) -> PreparedSession:
    """Assemble the bot with `variables`; raises UnknownVariableError when a placeholder
    has no value."""
    snapshot = dataclasses.replace(ctx.snapshot, variables=dict(variables))
    assembly = assemble(snapshot)
    config = adapt_session(
        ctx.connection, session_config(assembly, push_to_talk=push_to_talk)
    )
    return PreparedSession(snapshot, assembly, config)


def session_target(ctx: BotContext) -> UpstreamTarget:
    """The bot's upstream; raises ProviderConfigError when its connection is unusable
    (e.g. the key is not set)."""
    return upstream_target(
        ctx.connection,
        offline_host=settings.OFFLINE_ENGINE_HOST,
        offline_port=settings.OFFLINE_ENGINE_PORT,
        openai_key_fallback=settings.OPENAI_API_KEY,
    )


def setup_for(
    prepared: PreparedSession,
    session_id: str,
    target: UpstreamTarget,
    *,
    debug: bool = False,
) -> SessionSetup:
    """The runner's setup for a prepared session talking to `target`."""
    return build_setup(
        session_id=session_id,
        snapshot=prepared.snapshot,
        assembly=prepared.assembly,
        session=prepared.config,
        target=target,
        prices=settings.REALTIME_PRICES,
        debug=debug,
    )


async def start_phone_session(
    ctx: BotContext,
    prepared: PreparedSession,
    target: UpstreamTarget,
    *,
    caller: str,
    provider_call_id: str,
) -> tuple[StartedRow, SessionSetup]:
    """The Session row and the runner's setup of a phone call (Twilio or SIP), with the
    keypad variables tools may use; the CPU work runs in a thread."""
    row = await database_sync_to_async(start_session_row)(
        ctx=ctx,
        user=None,
        snapshot=prepared.snapshot,
        assembly=prepared.assembly,
        session_config=prepared.config,
        channel=SessionChannel.PHONE,
        caller=caller,
        provider_call_id=provider_call_id,
    )
    setup = await asyncio.to_thread(setup_for, prepared, row.session_id, target)
    setup.variables.update(dtmf_last="", dtmf_digits="")
    return row, setup
