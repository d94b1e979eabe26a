"""Data set-up and read-back for the daphne process of the browser tests.

Run as `python -m tests.browser.server_setup <command>` (`seed`, `echo-bot URL`, `dump ID`)
with the same environment as that process (DATABASE_URL of a file database), so both see
the same rows; prints JSON.
"""

import argparse
import json
import os
import sys

import django

QUIET_BOT_SLUG = "acme-support-quiet"
ECHO_BOT_SLUG = "echo-bot"


def seed() -> dict:
    """The demo bot, a copy that waits for the caller, and a logged-in staff user."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from botbuilder import demo
    from botbuilder.models import Bot, KnowledgeSnippet, Tool, Voice

    voices = {
        v["name"]: Voice.objects.update_or_create(name=v["name"], defaults=v)[0]
        for v in demo.VOICES
    }
    snippets = [
        KnowledgeSnippet.objects.update_or_create(title=s["title"], defaults=s)[0]
        for s in demo.SNIPPETS
    ]
    tools = [
        Tool.objects.update_or_create(name=t["name"], defaults=t)[0] for t in demo.TOOLS
    ]
    bots = {}
    for slug, changes in (
        (demo.DEMO_BOT_SLUG, {}),
        (
            QUIET_BOT_SLUG,
            {"name": demo.BOT["name"] + " (no greeting)", "greeting_mode": "wait"},
        ),
    ):
        fields = {**demo.BOT, "voice": voices[demo.BOT_VOICE], **changes, "slug": slug}
        bot, _ = Bot.objects.update_or_create(slug=slug, defaults=fields)
        bot.knowledge.set(snippets)
        bot.tools.set(tools)
        bots[slug] = bot.pk
    user_model = get_user_model()
    user = user_model.objects.filter(username="preview-staff").first()
    if user is None:
        user = user_model.objects.create_superuser(
            "preview-staff", "staff@example.com", "pw-staff-123"
        )
    client = Client()
    client.force_login(user)
    return {
        "bot_id": bots[demo.DEMO_BOT_SLUG],
        "quiet_bot_id": bots[QUIET_BOT_SLUG],
        "cookie": client.cookies["sessionid"].value,
    }


def echo_bot(url: str) -> dict:
    """A bot that waits for the caller, its model an OpenAI-compatible peer at `url`."""
    from botbuilder.models import Bot, Connection

    connection, _ = Connection.objects.update_or_create(
        name="Echo", defaults={"kind": "compatible", "base_url": url}
    )
    bot, _ = Bot.objects.update_or_create(
        slug=ECHO_BOT_SLUG,
        defaults={
            "name": "Echo bot",
            "instructions": "Echo.",
            "greeting_mode": "wait",
            "connection": connection,
        },
    )
    return {"bot_id": bot.pk}


def dump(session_id: str) -> dict:
    """The stored session and its transcript items."""
    from botbuilder.models import Session

    session = Session.objects.filter(pk=session_id).first()
    if session is None:
        return {"session": None, "items": []}
    items = [
        {
            "seq": i.seq,
            "role": i.role,
            "kind": i.kind,
            "text": i.text,
            "heard_text": i.heard_text,
            "interrupted": i.interrupted,
            "tool_name": i.tool_name,
        }
        for i in session.items.order_by("seq")
    ]
    return {
        "session": {
            "id": str(session.pk),
            "status": session.status,
            "end_reason": session.end_reason,
            "channel": session.channel,
            "bot_id": session.bot_id,
        },
        "items": items,
    }


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "botbuilder.settings")
    django.setup()
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("seed")
    dump_cmd = sub.add_parser("dump")
    dump_cmd.add_argument("session_id")
    echo_cmd = sub.add_parser("echo-bot")
    echo_cmd.add_argument("url")
    args = parser.parse_args(argv)
    if args.command == "seed":
        result = seed()
    elif args.command == "echo-bot":
        result = echo_bot(args.url)
    else:
        result = dump(args.session_id)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
