"""Starting a session from a loaded bot: the steps every transport shares.

The browser consumer does the same inline today (realtime/consumers/session.py `_start`);
phone transports use these functions so the steps exist once for them.
"""

import dataclasses
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from botbuilder.assembly import Assembly, Snapshot, assemble
from realtime.consumers.loading import BotContext
from realtime.providers import UpstreamTarget, adapt_session, upstream_target
from realtime.session.config import SessionSetup, build_setup, session_config


@dataclass
class PreparedSession:
    snapshot: Snapshot
    assembly: Assembly
    config: dict[str, Any]  # the `session` of session.update
    target: UpstreamTarget


def prepare_session(
    ctx: BotContext, variables: dict[str, Any], *, push_to_talk: bool = False
) -> PreparedSession:
    """Assemble the bot with `variables` and find its upstream.

    Raises UnknownVariableError (a placeholder has no value) or ProviderConfigError (the
    connection cannot be used, e.g. its key is not set).
    """
    snapshot = dataclasses.replace(ctx.snapshot, variables=dict(variables))
    assembly = assemble(snapshot)
    config = adapt_session(
        ctx.connection, session_config(assembly, push_to_talk=push_to_talk)
    )
    target = upstream_target(
        ctx.connection,
        offline_host=settings.OFFLINE_ENGINE_HOST,
        offline_port=settings.OFFLINE_ENGINE_PORT,
        openai_key_fallback=settings.OPENAI_API_KEY,
    )
    return PreparedSession(snapshot, assembly, config, target)


def setup_for(
    prepared: PreparedSession,
    session_id: str,
    *,
    target: UpstreamTarget | None = None,
    debug: bool = False,
) -> SessionSetup:
    """The runner's setup for a prepared session (optionally on another upstream)."""
    return build_setup(
        session_id=session_id,
        snapshot=prepared.snapshot,
        assembly=prepared.assembly,
        session=prepared.config,
        target=target or prepared.target,
        prices=settings.REALTIME_PRICES,
        debug=debug,
    )
