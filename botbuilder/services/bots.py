"""Bot writes that are not plain form saves: duplicating, unique names and slugs."""

from django.db import transaction
from django.utils.text import slugify

from botbuilder.models import Bot

SLUG_MAX_LENGTH = Bot._meta.get_field("slug").max_length
NAME_MAX_LENGTH = Bot._meta.get_field("name").max_length


def bot_unique_slug(*, base: str) -> str:
    """`base` if no bot uses it, else `base-2`, `base-3`, ... (cut to the field's length)."""
    base = slugify(base)[:SLUG_MAX_LENGTH] or "bot"
    candidate, n = base, 1
    while Bot.objects.filter(slug=candidate).exists():
        n += 1
        suffix = f"-{n}"
        candidate = base[: SLUG_MAX_LENGTH - len(suffix)] + suffix
    return candidate


def bot_copy_name(*, name: str) -> str:
    """'Name (copy)', else 'Name (copy 2)', ... : a name no bot has yet."""
    n = 1
    while True:
        suffix = " (copy)" if n == 1 else f" (copy {n})"
        candidate = name[: NAME_MAX_LENGTH - len(suffix)] + suffix
        if not Bot.objects.filter(name=candidate).exists():
            return candidate
        n += 1


@transaction.atomic
def bot_duplicate(*, bot: Bot) -> Bot:
    """A copy of `bot` under a new name and slug, with the same snippets, tools, voice."""
    knowledge = list(bot.knowledge.all())
    tools = list(bot.tools.all())
    copy = Bot.objects.get(pk=bot.pk)
    copy.pk = None
    copy._state.adding = True
    copy.name = bot_copy_name(name=bot.name)
    copy.slug = bot_unique_slug(base=copy.name)
    copy.full_clean()
    copy.save()
    copy.knowledge.set(knowledge)
    copy.tools.set(tools)
    return copy
