"""Word forms callers use for the words bots write: a crude stemmer and everyday synonyms.

Shared by intent matching (`matching.py`) and the session language model (`lm.py`), so the
words the matcher understands are words the recogniser expects.
"""

# Everyday equivalents callers use for words bots write (generic, not bot-specific).
SYNONYMS = {
    "refund": "return",
    "money": "refund",
    "back": "return",
    "broken": "damaged",
    "damage": "damaged",
    "cracked": "damaged",
    "person": "human",
    "someone": "human",
    "agent": "human",
    "operator": "human",
    "representative": "human",
    "colleague": "human",
    "bye": "goodbye",
    "goodbye": "end",
    "parcel": "package",
    "package": "order",
    "cost": "price",
    "costs": "price",
    "fee": "price",
    "pay": "payment",
    "paying": "payment",
    "open": "opening",
    "close": "closed",
    "hours": "opening",
    "deliver": "delivery",
    "shipping": "delivery",
    "arrive": "delivery",
    "track": "status",
    "where": "status",
    "cancel": "cancelling",
    "talk": "speak",
    "speak": "human",
    "thank": "goodbye",
    "thanks": "goodbye",
}
SUFFIXES = ("ings", "ing", "ies", "ied", "ed", "es", "s", "ly")


def stem(word: str) -> str:
    """A crude English stem: enough to meet 'returns'/'returned'/'returning'."""
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word.rstrip("e") if len(word) > 3 else word
