"""`manage.py ensure_admin`: make sure someone can log in to the admin (random password)."""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

PASSWORD_BYTES = 12  # token_urlsafe(12): 16 characters, 96 bits


class Command(BaseCommand):
    requires_system_checks = []  # a set-up step; `check` and `migrate` report warnings
    help = (
        "Create a superuser with a random password (printed once) unless one exists. "
        "There is never a fixed default password."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--username", default="admin", help="Login name (default: admin)."
        )
        parser.add_argument("--email", default="", help="E-mail address (optional).")

    def handle(self, *args, **options) -> None:
        User = get_user_model()
        existing = list(
            User.objects.filter(is_superuser=True).values_list(
                User.USERNAME_FIELD, flat=True
            )
        )
        if existing:
            names = ", ".join(existing)
            self.stdout.write(
                f"A superuser already exists ({names}). To reset a password run "
                f"`python manage.py changepassword {existing[0]}`."
            )
            return
        username = options["username"]
        if User.objects.filter(**{User.USERNAME_FIELD: username}).exists():
            raise CommandError(
                f"A user named {username} exists but is not a superuser. Choose another "
                "name with --username, or grant the rights in the admin or with "
                "`python manage.py createsuperuser`."
            )
        password = secrets.token_urlsafe(PASSWORD_BYTES)
        User.objects.create_superuser(username, options["email"], password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Admin login: {username} / {password} — shown once; change it with "
                f"`python manage.py changepassword {username}`"
            )
        )
