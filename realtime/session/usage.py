"""Token usage and cost, summed over the session's responses, stored and shown as they grow."""

from decimal import Decimal
from typing import Any

from botbuilder.pricing import Usage, cost_usd
from realtime.session.outbox import CallerOutbox
from realtime.session.transcript import Store


class UsageMeter:
    def __init__(
        self,
        model: str,
        prices: dict[str, dict[str, float]],
        store: Store,
        outbox: CallerOutbox,
    ) -> None:
        self._model, self._prices = model, prices
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
            self.cost_usd = cost_usd(self._model, self.usage, self._prices)
        self._store.set_usage(
            Usage(**self.usage.as_dict()), self.cost_usd, self.turn_count
        )
        await self._outbox.event(
            {
                "type": "usage",
                "model": self._model,
                "tokens": self.usage.as_dict(),
                "cost_usd": str(self.cost_usd),
            }
        )
