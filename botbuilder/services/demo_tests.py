"""Load the demo bots' test suites (`seed_demo`): tests missing by name are created."""

from collections.abc import Callable

from django.db import transaction

from botbuilder.demo_tests import SUITES
from botbuilder.models import Bot, BotTest


@transaction.atomic
def demo_tests_seed(*, say: Callable[[str], None] = lambda line: None) -> int:
    """Create the demo tests that are missing; returns how many were created."""
    created = 0
    for slug, tests in SUITES.items():
        bot = Bot.objects.filter(slug=slug).first()
        if bot is None:
            continue
        for values in tests:
            if bot.tests.filter(name=values["name"]).exists():
                continue
            test = BotTest(bot=bot, **values)
            test.full_clean()
            test.save()
            created += 1
        if created:
            say(f"Created {created} bot test(s) of {bot.name}.")
    return created
