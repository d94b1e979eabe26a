"""Knowledge snippets: facts a bot may use, inline in its instructions or retrieved on demand."""

from django.core.exceptions import ValidationError
from django.db import models

from botbuilder.models.choices import SnippetMode
from botbuilder.models.size_limits import context_size_error


class KnowledgeSnippet(models.Model):
    title = models.CharField(
        "title",
        max_length=200,
        help_text="A short title, e.g. 'Return policy'. The model sees it.",
    )
    content = models.TextField(
        "content",
        help_text="The facts, written plainly. The model treats this as information, never as "
        "instructions.",
    )
    mode = models.CharField(
        "mode",
        max_length=20,
        choices=SnippetMode.choices,
        default=SnippetMode.INLINE,
        help_text="'Always in the instructions' costs tokens on every reply but is always known; "
        "'Retrieved on demand' is looked up with search_knowledge when needed.",
    )
    priority = models.IntegerField(
        "priority",
        default=0,
        help_text="Higher goes into the instructions first when the knowledge budget is tight.",
    )
    is_enabled = models.BooleanField(
        "enabled", default=True, help_text="Disabled snippets are ignored by every bot."
    )
    tags = models.CharField(
        "tags",
        max_length=300,
        blank=True,
        help_text="Comma-separated labels for finding snippets in the admin, e.g. returns, faq.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)

    class Meta:
        ordering = ["-priority", "title"]
        verbose_name = "knowledge snippet"

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        too_long = context_size_error(self.content)
        if too_long:
            raise ValidationError({"content": too_long})

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]
