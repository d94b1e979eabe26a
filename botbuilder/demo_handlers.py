"""Example Python handlers for tools: a template for your own, not a real integration.

They fake their lookups deterministically so demos and tests get the same answer every
time. Register your own handlers the same way in a module of yours and add that module to
the TOOL_HANDLER_MODULES setting.
"""

import asyncio
import zlib
from datetime import date, timedelta
from typing import Any

from botbuilder.tools.base import ToolContext
from botbuilder.tools.handlers import ToolError, tool_handler

ORDER_STATUSES = ("processing", "shipped", "out for delivery", "delivered")


@tool_handler("botbuilder.demo_handlers.order_status")
def order_status(arguments: dict[str, Any], context: ToolContext) -> dict[str, Any]:
    """Example: a made-up delivery status for an order number (same number, same answer)."""
    number = str(arguments.get("order_number", "")).strip()
    digits = "".join(c for c in number if c.isdigit())
    if not digits:
        raise ToolError(
            "An order number has digits, e.g. 4567. Ask the caller for it again."
        )
    seed = zlib.crc32(digits.encode())
    status = ORDER_STATUSES[seed % len(ORDER_STATUSES)]
    result: dict[str, Any] = {"order_number": digits, "status": status}
    if status != "delivered":
        result["expected_delivery"] = (
            date(2026, 1, 1) + timedelta(days=seed % 7)
        ).strftime("%A")
    return result


@tool_handler("botbuilder.demo_handlers.delivery_slots")
async def delivery_slots(
    arguments: dict[str, Any], context: ToolContext
) -> dict[str, Any]:
    """Example (async): made-up delivery slots for a postcode."""
    await asyncio.sleep(0)  # a real handler would await an API client here
    postcode = str(arguments.get("postcode", "")).strip().upper()
    if not postcode:
        raise ToolError("Ask the caller for their postcode.")
    seed = zlib.crc32(postcode.encode())
    slots = ["8-12", "12-16", "16-20"]
    return {"postcode": postcode, "slots": slots[seed % 2 :]}
