"""`check --deploy` with the production values .env.example documents: no security warning."""

import os
import re
import secrets
import subprocess
import sys

from django.conf import settings

SECTION_RE = re.compile(r"^# --- Production.*?$(.*?)^# --- ", re.M | re.S)
ASSIGNMENT_RE = re.compile(r"^# ([A-Z][A-Z0-9_]*)=(.*)$", re.M)


def documented_production_values() -> dict[str, str]:
    text = (settings.BASE_DIR / ".env.example").read_text()
    section = SECTION_RE.search(text)
    assert section, ".env.example has no Production section"
    values = dict(ASSIGNMENT_RE.findall(section.group(1)))
    if values.get("DJANGO_SECRET_KEY", "").startswith("<"):  # a placeholder to fill in
        values["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    return values


def deploy_check(values: dict[str, str]) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(values, DJANGO_SETTINGS_MODULE="botbuilder.settings")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.stdout + result.stderr


def test_documented_production_values_pass_the_deploy_check():
    values = documented_production_values()
    assert values["DJANGO_SECURE_SSL_REDIRECT"] == "true"
    output = deploy_check(values)
    assert "security.W" not in output, output
    assert "System check identified" in output or "no issues" in output, output


def test_without_them_the_deploy_check_warns():
    output = deploy_check({"DJANGO_SECRET_KEY": secrets.token_urlsafe(50)})
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in output
