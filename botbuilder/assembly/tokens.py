"""Token estimates (pure code): about four characters per token for English text."""

import json
import math
from typing import Any

CHARS_PER_TOKEN = 4


def estimate_tokens(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN) if text else 0


def estimate_json_tokens(value: Any) -> int:
    return estimate_tokens(json.dumps(value, separators=(",", ":"), ensure_ascii=False))
