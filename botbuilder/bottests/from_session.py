"""A scenario from a stored session: its caller turns become the script, the bot's replies
and tool calls suggested checks (to review in the admin)."""

import re

from django.db import transaction

from botbuilder.models import BotTest, Session
from botbuilder.models.bot_tests import BotTestKind
from botbuilder.models.choices import ItemKind, ItemRole

SUGGESTED_PHRASE_MAX_CHARS = 60  # a "contains" check quotes the reply's opening words


class SessionNotUsable(ValueError):
    """The session has no bot or no caller turn to script."""


def suggested_phrase(reply: str) -> str:
    """The reply's first sentence, cut at a word: distinctive, short enough to survive edits."""
    clause = re.split(r"[.!?]", reply.strip(), maxsplit=1)[0].strip()
    if len(clause) <= SUGGESTED_PHRASE_MAX_CHARS:
        return clause
    return clause[:SUGGESTED_PHRASE_MAX_CHARS].rsplit(" ", 1)[0]


def session_turns(session: Session) -> list[dict]:
    """Scenario turns: each caller message, with checks from what followed it."""
    turns: list[dict] = []
    for item in session.items.order_by("seq"):
        if item.role == ItemRole.USER and item.kind == ItemKind.MESSAGE:
            said = (item.text or "").strip()
            if said:
                turns.append({"say": said, "checks": []})
        elif not turns:
            continue  # the greeting: nothing to check it against
        elif item.kind == ItemKind.FUNCTION_CALL and item.tool_name:
            check = {"kind": "tool_called", "tool": item.tool_name}
            if check not in turns[-1]["checks"]:
                turns[-1]["checks"].append(check)
        elif item.role == ItemRole.ASSISTANT and item.kind == ItemKind.MESSAGE:
            phrase = suggested_phrase(item.heard_text or item.text or "")
            if phrase:
                turns[-1]["checks"].append({"kind": "contains", "text": phrase})
    return turns


@transaction.atomic
def test_from_session(*, session: Session) -> BotTest:
    """A new scenario test of the session's bot (named after the session)."""
    if session.bot_id is None:
        raise SessionNotUsable("The session's bot was deleted.")
    turns = session_turns(session)
    if not turns:
        raise SessionNotUsable("The session has no caller turn to script.")
    base = f"From session {session.started_at:%Y-%m-%d %H:%M} ({str(session.pk)[:8]})"
    name, n = base, 1
    while BotTest.objects.filter(bot_id=session.bot_id, name=name).exists():
        n += 1
        name = f"{base} #{n}"
    test = BotTest(
        bot_id=session.bot_id, name=name, kind=BotTestKind.SCENARIO, turns=turns
    )
    test.full_clean()
    test.save()
    return test


test_from_session.__test__ = False  # not a pytest test
