"""A bot made ready for test calls, exactly as the browser session builds one
(realtime/consumers/loading.py, realtime/session/config.py): sync, ORM allowed."""

import dataclasses
import uuid
from dataclasses import dataclass

from django.conf import settings

from botbuilder.assembly import Assembly, Snapshot, UnknownVariableError, assemble
from botbuilder.connection_guard import connection_url_check
from botbuilder.models import Bot, Connection
from realtime.consumers.loading import Refusal, bot_context
from realtime.providers import (
    ConnectionSpec,
    ProviderConfigError,
    UpstreamTarget,
    adapt_session,
    upstream_target,
)
from realtime.session.config import SessionSetup, build_setup, session_config


class BotNotTestable(Exception):
    """The bot cannot take a call (inactive, retired model, unusable connection)."""


@dataclass
class PreparedBot:
    snapshot: Snapshot
    assembly: Assembly
    connection: ConnectionSpec
    session: dict
    target: UpstreamTarget

    @property
    def offline(self) -> bool:
        return self.connection.kind == "offline"

    def setup(self, **fields) -> SessionSetup:
        """A fresh session setup for one test call (its own id; nothing stored)."""
        setup = build_setup(
            session_id=f"test-{uuid.uuid4()}",
            snapshot=self.snapshot,
            assembly=self.assembly,
            session=self.session,
            target=self.target,
            prices=settings.REALTIME_PRICES,
        )
        for name, value in fields.items():
            setattr(setup, name, value)
        return setup


def prepare_bot(bot: Bot, *, offline_port: int | None = None) -> PreparedBot:
    """The bot's snapshot, assembled session and upstream target; BotNotTestable if none.

    `offline_port`: an offline engine started for this run (`test_bots`) instead of the
    configured one."""
    ctx = bot_context(bot=bot)
    if isinstance(ctx, Refusal):
        raise BotNotTestable(ctx.reason)
    try:
        assembly = assemble(ctx.snapshot)
    except UnknownVariableError as exc:
        raise BotNotTestable(str(exc)) from None
    try:
        target = upstream_target(
            ctx.connection,
            offline_host=settings.OFFLINE_ENGINE_HOST,
            offline_port=offline_port or settings.OFFLINE_ENGINE_PORT,
            openai_key_fallback=settings.OPENAI_API_KEY,
        )
    except ProviderConfigError as exc:
        raise BotNotTestable(str(exc)) from None
    return PreparedBot(
        snapshot=ctx.snapshot,
        assembly=assembly,
        connection=ctx.connection,
        session=adapt_session(ctx.connection, session_config(assembly)),
        target=target,
    )


@dataclass
class TestingModel:
    """The model that plays a simulated caller and judges: its kind and where it is."""

    kind: str
    target: UpstreamTarget

    __test__ = False


def testing_model(
    connection: Connection | None,
    *,
    prepared: PreparedBot,
    offline_port: int | None = None,
) -> TestingModel:
    """A test's own testing connection (guarded like a bot's), else the bot's connection."""
    if connection is None:
        return TestingModel(prepared.connection.kind, prepared.target)
    spec = ConnectionSpec(
        kind=connection.kind,
        model=connection.azure_deployment or prepared.connection.model,
        base_url=connection.base_url,
        azure_deployment=connection.azure_deployment,
        api_key_env=connection.api_key_env,
    )
    if spec.kind != "offline" and spec.base_url:
        problem, address = connection_url_check(spec.base_url)
        if problem:
            raise BotNotTestable(f"The testing connection {connection}: {problem}")
        spec = dataclasses.replace(spec, connect_address=address)
    try:
        target = upstream_target(
            spec,
            offline_host=settings.OFFLINE_ENGINE_HOST,
            offline_port=offline_port or settings.OFFLINE_ENGINE_PORT,
            openai_key_fallback=settings.OPENAI_API_KEY,
        )
    except ProviderConfigError as exc:
        raise BotNotTestable(f"The testing connection {connection}: {exc}") from None
    return TestingModel(spec.kind, target)
