"""Reading a webhook response: what the model receives, and what the test page shows.

Rules for a 2xx answer: JSON is handed over whole, or the part at the response path;
plain text (a non-JSON content type) is handed over as text when no path is set; a body
that claims to be JSON but does not parse is an error, as is a missing path. Everything
the model receives is cut to MODEL_OUTPUT_MAX_CHARS with a marker.
"""

import json
from typing import Any

from botbuilder.tools.base import ToolOutcome, error_outcome, truncate_for_model
from botbuilder.tools.http_client import RawResponse

RESPONSE_EXCERPT_CHARS = 2000  # response body shown on the admin test page
ERROR_EXCERPT_CHARS = 200  # body excerpt handed to the model with an HTTP error
HIDDEN_RESPONSE_HEADERS = ("set-cookie", "authorization")


class ResponseProblem(ValueError):
    """The response arrived but cannot be handed to the model (bad JSON, missing path)."""


def interpret(raw: RawResponse, path: str, detail: dict[str, Any]) -> ToolOutcome:
    """What the model receives for a response that arrived."""
    text = decode(raw)
    if not 200 <= raw.status < 300:
        message = f"the endpoint answered HTTP {raw.status} {raw.reason}".rstrip()
        return error_outcome(
            "error",
            message,
            detail=detail,
            http_status=raw.status,
            body_excerpt=text[:ERROR_EXCERPT_CHARS],
        )
    try:
        output = model_text(text, raw.header("Content-Type"), path, raw.status)
    except ResponseProblem as exc:
        return error_outcome("error", str(exc), detail=detail, http_status=raw.status)
    return ToolOutcome(output=truncate_for_model(output), detail=detail)


def model_text(text: str, content_type: str, path: str, status: int) -> str:
    """The part of a 2xx response handed to the model (see the module docstring)."""
    if not text.strip():
        if path:
            raise ResponseProblem(f"the response is empty, so it has no {path!r}")
        return json.dumps({"ok": True, "http_status": status})
    try:
        data = json.loads(text)
    except ValueError:
        if path or "json" in content_type.lower():
            raise ResponseProblem("the endpoint's response is not valid JSON") from None
        return text
    if path:
        data = pick(data, path)
    return data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)


def pick(data: Any, path: str) -> Any:
    """The value at dotted `path` (list indexes as numbers: items.0.name)."""
    current = data
    walked: list[str] = []
    for part in path.strip(".").split("."):
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            where = ".".join(walked) or "the top level"
            raise ResponseProblem(
                f"the response has no {path!r}: nothing called {part!r} at {where}"
            )
        walked.append(part)
    return current


def decode(raw: RawResponse) -> str:
    """The body as text, in the charset the response declares (UTF-8 otherwise)."""
    charset = "utf-8"
    for param in raw.header("Content-Type").split(";")[1:]:
        key, _, value = param.strip().partition("=")
        if key.lower() == "charset" and value:
            charset = value.strip('"')
    try:
        return raw.body.decode(charset, "replace")
    except LookupError:
        return raw.body.decode("utf-8", "replace")


def response_detail(raw: RawResponse) -> dict[str, Any]:
    """The response as the test page shows it."""
    headers = [
        [k, "••••" if k.lower() in HIDDEN_RESPONSE_HEADERS else v]
        for k, v in raw.headers
    ]
    return {
        "status": raw.status,
        "reason": raw.reason,
        "headers": headers,
        "body_excerpt": decode(raw)[:RESPONSE_EXCERPT_CHARS],
        "size_bytes": len(raw.body),
        "address": raw.address,
        "elapsed_ms": raw.elapsed_ms,
    }
