"""Word forms callers use for the words bots write: a crude stemmer and everyday synonyms.

Shared by intent matching (`matching.py`) and the session language model (`lm.py`), so the
words the matcher understands are words the recogniser expects.
"""

import re

# Everyday equivalents callers use for words bots write (generic, not bot-specific).
SYNONYMS = {
    "refund": "return",
    "money": "refund",
    "back": "return",
    "broken": "damaged",
    "damage": "damaged",
    "cracked": "damaged",
    "crack": "damaged",
    "crushed": "damaged",
    "shattered": "damaged",
    "smashed": "damaged",
    "dented": "damaged",
    "scratched": "damaged",
    "faulty": "damaged",
    "defective": "damaged",
    "torn": "damaged",
    "leaking": "damaged",
    "visa": "card",
    "mastercard": "card",
    "amex": "card",
    "cash": "payment",
    "cheque": "payment",
    "moved": "address",
    "street": "address",
    "postcode": "address",
    "exchange": "return",
    "swap": "return",
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
    "postage": "shipping",
    "basket": "order",
    "cart": "order",
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
# Everyday phrases whose words alone mislead ("pay" in "pay for postage" asks a price, not
# a payment method): read as the one word they mean, before matching.
PHRASES = (
    (re.compile(r"\bpay(?:ing)? (?:anything |extra |more |much )?for\b"), "cost for"),
    (re.compile(r"\b(?:send|bring|take|give) (?:\w+ )?back\b"), "return"),
    (re.compile(r"\bmoney back\b"), "refund"),
    (re.compile(r"\b(?:talk|chat)(?:ing)? (?=to\b|with\b)"), "speak "),
)
SUFFIXES = ("ings", "ing", "ies", "ied", "ed", "es", "s", "ly")


def rephrase(text: str) -> str:
    """`text` with everyday phrases replaced by the word they mean (lower case)."""
    lowered = text.lower()
    for pattern, meaning in PHRASES:
        lowered = pattern.sub(meaning, lowered)
    return lowered


def stem(word: str) -> str:
    """A crude English stem: enough to meet 'returns'/'returned'/'returning'."""
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word.rstrip("e") if len(word) > 3 else word
