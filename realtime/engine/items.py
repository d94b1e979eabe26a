"""Conversation items: create, delete, retrieve, truncate (mixed into Session)."""

from typing import Any

from realtime.engine.events import AUDIO_OUT_MS_PER_TOKEN, event, new_id
from realtime.engine.validation import SessionError

ITEM_TYPES = ("message", "function_call", "function_call_output")


class ItemsMixin:
    """The conversation's item list and the client events that edit it."""

    def previous_id(self, item: dict[str, Any]) -> str | None:
        ids = [i["id"] for i in self.items]
        if item.get("id") in ids:
            index = ids.index(item["id"])
            return ids[index - 1] if index else None
        return ids[-1] if ids else None

    async def add_item(
        self,
        item: dict[str, Any],
        *,
        announce_done: bool = True,
        previous_item_id: str | None = None,
    ) -> None:
        if previous_item_id == "root":
            self.items.insert(0, item)
        elif previous_item_id:
            ids = [i["id"] for i in self.items]
            self.items.insert(ids.index(previous_item_id) + 1, item)
        else:
            self.items.append(item)
        await self.send(
            event(
                "conversation.item.added",
                item=item,
                previous_item_id=self.previous_id(item),
            )
        )
        if announce_done:
            await self.send(
                event(
                    "conversation.item.done",
                    item=item,
                    previous_item_id=self.previous_id(item),
                )
            )

    def find_item(self, item_id: Any) -> dict[str, Any] | None:
        return next((i for i in self.items if i["id"] == item_id), None)

    def existing_item(self, item_id: Any, param: str) -> dict[str, Any]:
        """The item with `item_id`, or the `item_not_found` error naming `param`."""
        item = self.find_item(item_id)
        if item is None:
            raise SessionError(
                f"Item with id '{item_id}' not found.", "item_not_found", param
            )
        return item

    async def _handle_conversation_item_create(self, message: dict[str, Any]) -> None:
        item = message.get("item")
        if not isinstance(item, dict) or item.get("type") not in ITEM_TYPES:
            raise SessionError(
                "Invalid 'item.type': expected one of "
                + ", ".join(f"'{t}'" for t in ITEM_TYPES)
                + ".",
                "invalid_value",
                "item.type",
            )
        previous = message.get("previous_item_id")
        if previous not in (None, "root"):
            self.existing_item(previous, "previous_item_id")
        if item["type"] == "function_call_output":
            if not isinstance(item.get("call_id"), str) or not isinstance(
                item.get("output"), str
            ):
                raise SessionError(
                    "A function_call_output needs 'call_id' and a string 'output'.",
                    "missing_required_parameter",
                    "item.output",
                )
        if item["type"] == "message":
            if item.get("role") not in (
                "user",
                "assistant",
                "system",
            ) or not isinstance(item.get("content"), list):
                raise SessionError(
                    "A message needs a role and a 'content' array.",
                    "invalid_value",
                    "item.content",
                )
        item = {
            **item,
            "id": item.get("id") or new_id("item"),
            "object": "realtime.item",
            "status": "completed",
        }
        if self.find_item(item["id"]) is not None:
            raise SessionError(
                f"Item with id '{item['id']}' already exists.",
                "item_already_exists",
                "item.id",
            )
        await self.add_item(item, previous_item_id=previous)

    async def _handle_conversation_item_delete(self, message: dict[str, Any]) -> None:
        item = self.existing_item(message.get("item_id"), "item_id")
        self.items.remove(item)
        await self.send(event("conversation.item.deleted", item_id=item["id"]))

    async def _handle_conversation_item_retrieve(self, message: dict[str, Any]) -> None:
        item = self.existing_item(message.get("item_id"), "item_id")
        await self.send(event("conversation.item.retrieved", item=item))

    async def _handle_conversation_item_truncate(self, message: dict[str, Any]) -> None:
        item = self.find_item(message.get("item_id"))
        if (
            item is None
            or item.get("role") != "assistant"
            or item["id"] not in (self.audio_ms_by_item)
        ):
            raise SessionError(
                "Only model output audio messages can be truncated.",
                "invalid_value",
                "item_id",
            )
        end_ms = message.get("audio_end_ms")
        if not isinstance(end_ms, int) or end_ms < 0:
            raise SessionError(
                "Invalid 'audio_end_ms': expected a non-negative integer.",
                "invalid_value",
                "audio_end_ms",
            )
        total_ms = self.audio_ms_by_item[item["id"]]
        if end_ms > total_ms:
            raise SessionError(
                f"Audio content of {total_ms}ms is already shorter than {end_ms}ms.",
                "invalid_value",
                "audio_end_ms",
            )
        part = item["content"][0] if item.get("content") else {}
        words = (part.get("transcript") or "").split(" ")
        part["transcript"] = " ".join(
            words[: round(len(words) * end_ms / max(1, total_ms))]
        )
        self.audio_ms_by_item[item["id"]] = end_ms
        self.audio_tokens[item["id"]] = end_ms // AUDIO_OUT_MS_PER_TOKEN
        await self.send(
            event(
                "conversation.item.truncated",
                item_id=item["id"],
                content_index=message.get("content_index", 0),
                audio_end_ms=end_ms,
            )
        )
