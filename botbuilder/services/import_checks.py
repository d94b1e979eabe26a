"""Checks of a bot import beyond each model's full_clean(): plain JSON, permissions."""

import math
from typing import Any

from django.db import models

# An export nests five levels deep plus a tool's parameters schema; far below this.
MAX_IMPORT_DEPTH = 40


class BotImportError(ValueError):
    """The file cannot be imported; the message says where and why."""


class BotImportPermissionError(BotImportError):
    """The user may not create or reuse some kind of record the file needs."""


def check_plain_json(data: Any) -> None:
    """Raise BotImportError for nesting deeper than MAX_IMPORT_DEPTH or NaN/Infinity."""
    stack = [(data, 1, "file")]
    while stack:
        value, depth, where = stack.pop()
        if depth > MAX_IMPORT_DEPTH:
            raise BotImportError(
                f"{where} is nested more than {MAX_IMPORT_DEPTH} levels deep; "
                "that is not a bot export."
            )
        if isinstance(value, float) and not math.isfinite(value):
            raise BotImportError(f"{where} is {value}, which is not a number.")
        if isinstance(value, dict):
            stack.extend((v, depth + 1, f"{where}.{k}") for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, depth + 1, f"{where}[{i}]") for i, v in enumerate(value))


class ImportPermissions:
    """The add/change permissions an import needs, one per kind of record and action."""

    def __init__(self) -> None:
        self.needed: dict[str, type[models.Model]] = {}  # codename -> model

    def need(self, action: str, model: type[models.Model]) -> None:
        """Record that the import does `action` ("add" or "change") on `model` records."""
        self.needed[f"{action}_{model._meta.model_name}"] = model

    def check(self, user: Any) -> None:
        """Raise BotImportPermissionError naming what `user` lacks (None: trusted)."""
        if user is None:
            return
        missing = [
            f"{codename.split('_', 1)[0]} {model._meta.verbose_name_plural}"
            for codename, model in sorted(self.needed.items())
            if not user.has_perm(f"{model._meta.app_label}.{codename}")
        ]
        if missing:
            raise BotImportPermissionError(
                "You do not have permission to import this file: it needs the "
                f"permission to {', '.join(missing)}."
            )
