"""Move every bot on a legacy or retired model to the catalogue's successor model."""

from django.core.management.base import BaseCommand, CommandParser

from botbuilder.services.model_moves import bot_move_to_successor, bots_on_old_models


class Command(BaseCommand):
    help = (
        "Move bots on legacy or retired realtime models (gpt-realtime, gpt-realtime-mini, "
        "gpt-4o-mini-realtime-preview) to their successor (gpt-realtime-2.1, "
        "gpt-realtime-2.1-mini). Runs even while the system checks report those bots."
    )
    requires_system_checks = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--retired-only",
            action="store_true",
            help="Move only bots on retired models; leave legacy ones.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List the bots; change nothing."
        )

    def handle(self, *args, retired_only: bool, dry_run: bool, **options) -> None:
        found = [
            bot
            for bot, status in bots_on_old_models()
            if status == "retired" or not retired_only
        ]
        if not found:
            self.stdout.write("No bot is on a legacy or retired model.")
        for bot in found:
            if dry_run:
                self.stdout.write(f"{bot.name}: {bot.model} would move.")
                continue
            move = bot_move_to_successor(bot=bot)
            if move.new:
                self.stdout.write(f"{bot.name}: {move.old} → {move.new}.")
            else:
                self.stderr.write(f"{bot.name}: not moved: {move.problem}.")
