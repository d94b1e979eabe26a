"""Token usage and cost, summed over the session's responses, stored and shown as they grow."""

from decimal import Decimal
from typing import Any

from botbuilder.pricing import Usage, cost_lines, cost_usd, transcription_usage
from realtime.session.outbox import CallerOutbox
from realtime.session.transcript import Store


class UsageMeter:
    def __init__(
        self,
        model: str,
        session: dict[str, Any],
        prices: dict[str, dict[str, float]],
        store: Store,
        outbox: CallerOutbox,
    ) -> None:
        self._model, self._session, self._prices = model, session, prices
        self._store, self._outbox = store, outbox
        self.usage = Usage()
        self.cost_usd = Decimal(0)
        self.turn_count = 0

    async def add_response(self, response: dict[str, Any]) -> None:
        """Count a finished response and its `usage`; store the totals and tell the caller."""
        self.turn_count += 1
        usage = response.get("usage")
        if usage:
            self.usage = self.usage + Usage.from_response_usage(usage)
        await self._report()

    async def add_transcription(self, event: dict[str, Any]) -> None:
        """Input transcription usage (`...input_audio_transcription.completed`), billed at
        the transcription model's own price; reported with the next response's usage."""
        if event.get("usage"):
            self.usage = self.usage + transcription_usage(self._session, event)

    async def _report(self) -> None:
        self.cost_usd = cost_usd(self._model, self.usage, self._prices)
        lines = cost_lines(self._model, self.usage, self._prices)
        self._store.set_usage(self.usage, self.cost_usd, self.turn_count, lines)
        await self._outbox.event(
            {
                "type": "usage",
                "model": self._model,
                "tokens": self.usage.as_dict(),
                "cost_usd": str(self.cost_usd),
                "lines": lines,
            }
        )
