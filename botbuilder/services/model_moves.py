"""Moving bots off legacy and retired models to the catalogue's successor."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from botbuilder.catalogue import Status, realtime_model, successor_of
from botbuilder.models import Bot


@dataclass(frozen=True)
class Move:
    bot: Bot
    old: str
    new: str = ""  # empty: not moved
    problem: str = ""  # why not


def bot_move_to_successor(*, bot: Bot) -> Move:
    """Put `bot` on its model's successor; the bot must still validate there."""
    old = bot.model
    if bot.connection_id and bot.connection.azure_model:
        return Move(
            bot,
            old,
            problem="its Azure connection decides the model; change the connection's "
            "deployment model instead",
        )
    successor = successor_of(old)
    if successor is None:
        return Move(bot, old, problem=f"{old} is current; nothing to move")
    bot.model = successor.name
    try:
        bot.full_clean()
    except ValidationError as exc:
        bot.model = old
        problems = "; ".join(m for ms in exc.message_dict.values() for m in ms)
        return Move(bot, old, problem=problems)
    with transaction.atomic():
        bot.save(update_fields=["model", "updated_at"])
    return Move(bot, old, new=successor.name)


def bots_on_old_models() -> list[tuple[Bot, str]]:
    """Bots whose own model is legacy or retired, with that model's status."""
    found = []
    for bot in Bot.objects.only("pk", "name", "model").order_by("name"):
        record = realtime_model(bot.model)
        if record is not None and record.status != Status.CURRENT:
            found.append((bot, record.status))
    return found
