"""How much text a bot's instructions, greeting and knowledge snippets may hold.

Capped by the model's context window: text the model cannot take in only makes huge
preview pages and session messages (4 MB of instructions once broke `session.started`).
"""

from django.core.exceptions import ValidationError

from botbuilder.assembly.tokens import CHARS_PER_TOKEN, estimate_tokens
from botbuilder.catalogue.lookup import realtime_model
from botbuilder.catalogue.realtime import REALTIME_MODELS

# A snippet may serve bots of any model: the largest context is its limit.
LARGEST_CONTEXT_TOKENS = max(m.context_tokens for m in REALTIME_MODELS)


def context_size_error(
    text: str, *, model: str | None = None
) -> ValidationError | None:
    """A ValidationError when `text` alone is more than `model`'s context, else None."""
    record = realtime_model(model) if model else None
    context = record.context_tokens if record else LARGEST_CONTEXT_TOKENS
    tokens = estimate_tokens(text or "")
    if tokens <= context:
        return None
    return ValidationError(
        "This is about %(tokens)d tokens; %(model)s has a %(context)d-token context in "
        "all. Shorten it to at most about %(chars)d characters, or split facts into "
        "retrievable knowledge snippets.",
        code="too_long_for_context",
        params={
            "tokens": tokens,
            "model": model or "the largest model",
            "context": context,
            "chars": context * CHARS_PER_TOKEN,
        },
    )
