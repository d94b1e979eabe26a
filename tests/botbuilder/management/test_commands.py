"""seed_demo and ensure_admin, as `make run` calls them."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from botbuilder.models import Bot, KnowledgeSnippet, Tool, Voice


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_demo_twice_gives_the_same_counts():
    first = run("seed_demo")
    counts = [m.objects.count() for m in (Bot, KnowledgeSnippet, Tool, Voice)]
    second = run("seed_demo")

    assert "Created bot Acme Shop support line." in first
    assert "Created bot Riverside Clinic triage line." in first  # the triage demo
    assert counts[0] == 2 and all(counts)
    assert [m.objects.count() for m in (Bot, KnowledgeSnippet, Tool, Voice)] == counts
    assert "Nothing to create" in second


@pytest.mark.django_db
def test_ensure_admin_creates_one_superuser_and_prints_the_password_once():
    User = get_user_model()
    out = run("ensure_admin")

    match = re.search(r"Admin login: admin / (\S+) — shown once", out)
    assert match, out
    password = match.group(1)
    user = User.objects.get()
    assert user.is_superuser and user.is_staff
    assert user.check_password(password)
    assert len(password) >= 16

    again = run("ensure_admin")
    assert User.objects.count() == 1
    assert password not in again
    assert "already exists" in again and "changepassword admin" in again


@pytest.mark.django_db
def test_ensure_admin_passwords_are_random():
    User = get_user_model()
    passwords = []
    for _ in range(2):
        out = run("ensure_admin", "--username", "boss", "--email", "b@example.com")
        passwords.append(re.search(r"boss / (\S+)", out).group(1))
        assert User.objects.get().email == "b@example.com"
        User.objects.all().delete()
    assert passwords[0] != passwords[1]


@pytest.mark.django_db
def test_ensure_admin_refuses_to_reuse_a_non_superuser_name(django_user_model):
    django_user_model.objects.create_user("admin", password="x-pw-123")
    with pytest.raises(CommandError, match="not a superuser"):
        run("ensure_admin")
    assert not django_user_model.objects.filter(is_superuser=True).exists()
