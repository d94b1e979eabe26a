"""`manage.py seed_demo`: load the demo bot (creates only what is missing)."""

from django.core.management.base import BaseCommand

from botbuilder.services.demo import demo_clinic_seed, demo_seed
from botbuilder.services.demo_tests import demo_tests_seed


class Command(BaseCommand):
    requires_system_checks = []  # a set-up step; `check` and `migrate` report warnings
    help = (
        "Load the demo bot, its voices, snippets and tools; existing records are kept."
    )

    def handle(self, *args, **options) -> None:
        lines: list[str] = []
        bot = demo_seed(say=lines.append)
        clinic = demo_clinic_seed(say=lines.append)
        demo_tests_seed(say=lines.append)  # bot tests
        for line in lines:
            self.stdout.write(line)
        if not any(line.startswith("Created") for line in lines):
            self.stdout.write("Nothing to create: the demo data is already there.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo bot ready: {bot.name} (/admin/botbuilder/bot/{bot.pk}/change/)"
            )
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo bot ready: {clinic.name} (/admin/botbuilder/bot/{clinic.pk}/change/)"
            )
        )
