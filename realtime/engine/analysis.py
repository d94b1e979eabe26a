"""Forced function calls over a whole conversation (post-call analysis, bot-test judging).

Rehearsal quality, rule-based, no model: when `response.create` forces one function tool,
the arguments are filled from the conversation by the parameters schema:

- enum: the choice whose cues occur most (the choice's own words, plus the words listed
  after it in the description: "urgent: chest pain, trouble breathing; routine: ...");
- array of enum: every choice whose cues occur; array of strings: the examples that occur;
- boolean: true when a cue occurs, not negated (quoted phrases of the description, the
  examples, else the property's name words);
- number/integer: the first number the caller says; strings: e-mail, date or digits when
  the name asks for one, else the caller's sentence that best matches the description;
- `summary`: the caller's request and the outcome (the bot's last words);
- `rationale`/`reason`: the sentence the sibling values were found in.
Nullable values stay null when nothing is found. Pure functions on dicts.
"""

import re
from typing import Any

from realtime.engine.answer import Plan
from realtime.engine.arguments import date_in, digits_in, email_in
from realtime.engine.matching import STOPWORDS
from realtime.engine.wordforms import stem

NEGATIONS = frozenset(
    "no not never without don't dont isn't haven't hasn't didn't".split()
)
NEGATION_WINDOW_WORDS = 3  # "no chest pain", "I don't have any chest pain"
QUOTED_RE = re.compile(r"[\"“']([^\"”']{2,})[\"”']")
NUMBER_RE = re.compile(r"-?\d+(?:\.\d+)?")
SENTENCE_RE = re.compile(r"[^.!?]+[.!?]?")
EVIDENCE_NAMES = ("rationale", "reason", "explanation", "evidence")
SUMMARY_MAX_CHARS = 240
# Keys of a {value, rationale} wrapper that stand for the wrapper itself.
WRAPPED_NAMES = ("value", "passed", "score", "applies")


def forced_tool(
    params: dict[str, Any], config: dict[str, Any]
) -> dict[str, Any] | None:
    """The function tool `response.create` forces (`tool_choice` names it), or None."""
    choice = params.get("tool_choice") or config.get("tool_choice")
    if not isinstance(choice, dict) or choice.get("type") != "function":
        return None
    tools = params.get("tools") or config.get("tools") or []
    return next((t for t in tools if t.get("name") == choice.get("name")), None)


def forced_plan(tool: dict[str, Any], items: list[dict[str, Any]]) -> Plan:
    """One call of `tool` with arguments read from the conversation `items`."""
    conversation = _Conversation(items)
    schema = tool.get("parameters") or {"type": "object", "properties": {}}
    value, _ = _fill(schema, tool.get("name", ""), "", conversation)
    return Plan(calls=[(tool["name"], value if isinstance(value, dict) else {})],
                matched=tool["name"])  # fmt: skip


class _Conversation:
    """The messages as (role, sentence) pairs, with their stems for phrase search."""

    def __init__(self, items: list[dict[str, Any]]):
        self.turns: list[tuple[str, str]] = []
        for item in items:
            if item.get("type") != "message" or item.get("role") == "system":
                continue
            text = " ".join(
                p.get("text") or p.get("transcript") or ""
                for p in item.get("content") or []
            ).strip()
            if text:
                self.turns.append((item["role"], text))
        self.sentences = [
            (role, s.strip())
            for role, text in self.turns
            for s in SENTENCE_RE.findall(text)
            if s.strip()
        ]

    def caller_text(self) -> str:
        return " ".join(t for r, t in self.turns if r == "user")

    def find(self, phrase: str) -> str | None:
        """The first sentence holding `phrase` (by stems), not negated; else None."""
        needle = _stems(phrase)
        if not needle:
            return None
        for _, sentence in self.sentences:
            words = _words(sentence)
            stems = [stem(w) for w in words]
            for i in range(len(stems) - len(needle) + 1):
                if stems[i : i + len(needle)] == needle and not (
                    NEGATIONS & set(words[max(0, i - NEGATION_WINDOW_WORDS) : i])
                ):
                    return sentence
        return None


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def _stems(text: str) -> list[str]:
    return [stem(w) for w in _words(text)]


def _types(schema: dict[str, Any]) -> tuple[str, bool]:
    """(the non-null type, whether null is allowed)."""
    kind = schema.get("type", "string")
    if isinstance(kind, list):
        others = [k for k in kind if k != "null"]
        return (others[0] if others else "null"), "null" in kind
    return kind, False


def _choice_cues(choice: str, description: str) -> list[str]:
    """The choice's own words and the cue words listed after it in the description."""
    cues = [str(choice).replace("_", " ")]
    pattern = rf"\b{re.escape(cues[0])}\b\s*(?::|\(|-|–)\s*([^;.)]*)"
    for found in re.finditer(pattern, description, re.IGNORECASE):
        cues += [c.strip() for c in re.split(r",|\bor\b", found.group(1)) if c.strip()]
    return cues


def _fill(
    schema: dict[str, Any], name: str, context: str, conv: _Conversation
) -> tuple[Any, str]:
    """(a value for `schema`, the sentence it came from or "")."""
    branches = schema.get("anyOf") or schema.get("oneOf")
    if branches:  # e.g. a nullable JSON Schema value: anyOf [schema, {"type": "null"}]
        real = [b for b in branches if b.get("type") != "null"]
        if real:
            merged = {**real[0], "description": schema.get("description", "")}
            merged["description"] += " " + real[0].get("description", "")
            if len(real) < len(branches) and isinstance(merged.get("type"), str):
                merged["type"] = [merged["type"], "null"]
            return _fill(merged, name, context, conv)
    kind, nullable = _types(schema)
    description = f"{context} {schema.get('description', '')}".strip()
    if "enum" in schema:
        return _enum(schema["enum"], description, conv, nullable)
    if kind == "object":
        return _object(schema, name, description, conv)
    if kind == "array":
        return _array(schema.get("items") or {}, description, conv)
    if name in EVIDENCE_NAMES:
        return "", ""  # filled by the object from its siblings' evidence
    if kind == "boolean":
        return _boolean(schema, name, description, conv)
    if kind in ("number", "integer"):
        return _number(kind, conv, nullable)
    if kind == "string":
        if name == "summary":
            return _summary(conv), ""
        return _string(schema, name, description, conv, nullable)
    return None, ""


def _object(
    schema: dict[str, Any], name: str, description: str, conv: _Conversation
) -> tuple[dict[str, Any], str]:
    out: dict[str, Any] = {}
    evidence: list[str] = []
    properties = schema.get("properties") or {}
    for key, prop in properties.items():
        # A {value, rationale} wrapper reads its parent's description and name.
        inherited = description if key in WRAPPED_NAMES else ""
        if key == "applies":
            # "Applies when": its quoted phrases decide; without any, it applies.
            cues = QUOTED_RE.findall(description)
            found = next((s for c in cues if (s := conv.find(c))), "")
            value = bool(found) or not cues
        elif key == "score":
            # A 0-N criterion: the top of the scale when its cues occur, else the bottom.
            passed, found = _boolean(prop, name, description, conv)
            value = prop.get("maximum", 1) if passed else prop.get("minimum", 0)
        else:
            value, found = _fill(prop, name if inherited else key, inherited, conv)
        out[key] = value
        if found and found not in evidence:
            evidence.append(found)
    for key in properties:
        if key in EVIDENCE_NAMES:
            out[key] = (
                "Said in the call: " + " / ".join(f"“{e}”" for e in evidence)
                if evidence
                else "Nothing in the call says so."
            )
    return out, " ".join(evidence)


def _enum(
    choices: list[Any], description: str, conv: _Conversation, nullable: bool
) -> tuple[Any, str]:
    best, best_hits, best_evidence = None, 0, ""
    for choice in choices:
        if choice is None:
            continue
        found = [s for c in _choice_cues(choice, description) if (s := conv.find(c))]
        if len(found) > best_hits:
            best, best_hits, best_evidence = choice, len(found), found[0]
    if best is None and not nullable:
        best = next((c for c in choices if c is not None), None)
    return best, best_evidence


def _array(
    items: dict[str, Any], description: str, conv: _Conversation
) -> tuple[list[Any], str]:
    if "enum" in items:
        description = f"{description} {items.get('description', '')}"
        chosen, evidence = [], []
        for choice in items["enum"]:
            hits = [s for c in _choice_cues(choice, description) if (s := conv.find(c))]
            if hits:
                chosen.append(choice)
                evidence.append(hits[0])
        return chosen, " ".join(dict.fromkeys(evidence))
    phrases = [e for e in items.get("examples") or [] if isinstance(e, str)]
    found = [(p, s) for p in phrases if (s := conv.find(p))]
    return [p for p, _ in found], " ".join(dict.fromkeys(s for _, s in found))


def _boolean(
    schema: dict[str, Any], name: str, description: str, conv: _Conversation
) -> tuple[bool, str]:
    cues = QUOTED_RE.findall(description) + [
        e for e in schema.get("examples") or [] if isinstance(e, str)
    ]
    if not cues:
        cues = [" ".join(w for w in name.split("_") if w not in STOPWORDS)]
    for cue in cues:
        found = conv.find(cue)
        if found:
            return True, found
    return False, ""


def _number(kind: str, conv: _Conversation, nullable: bool) -> tuple[Any, str]:
    for role, sentence in conv.sentences:
        if role != "user":
            continue
        found = NUMBER_RE.search(sentence)
        raw = found.group(0) if found else digits_in(sentence)
        if raw:
            return (int(float(raw)) if kind == "integer" else float(raw)), sentence
    return (None if nullable else 0), ""


def _string(
    schema: dict[str, Any],
    name: str,
    description: str,
    conv: _Conversation,
    nullable: bool,
) -> tuple[Any, str]:
    caller = conv.caller_text()
    label = f"{name} {description}".lower()
    if schema.get("format") == "email" or "email" in label:
        value = email_in(caller)
    elif schema.get("format") == "date" or "date" in name:
        value = date_in(caller)
    elif any(w in name for w in ("number", "phone", "code", "_id")):
        value = digits_in(caller)
    else:
        value = _best_sentence(f"{name.replace('_', ' ')} {description}", conv)
    if value:
        return value, value if value in caller else ""
    return (None if nullable else ""), ""


def _best_sentence(label: str, conv: _Conversation) -> str:
    """The caller's sentence sharing most stems with `label` (the first long one if none)."""
    wanted = {s for s in _stems(label) if s not in STOPWORDS}
    caller = [s for r, s in conv.sentences if r == "user"]
    scored = [(len(wanted & set(_stems(s))), -i, s) for i, s in enumerate(caller)]
    best = max(scored, default=(0, 0, ""))
    if best[0]:
        return best[2]
    return next((s for s in caller if len(_words(s)) > 3), caller[0] if caller else "")


def _summary(conv: _Conversation) -> str:
    request = next(
        (t for r, t in conv.turns if r == "user" and len(_words(t)) > 3),
        next((t for r, t in conv.turns if r == "user"), ""),
    )
    outcome = next((t for r, t in reversed(conv.turns) if r == "assistant"), "")
    parts = []
    if request:
        parts.append(f"The caller said: “{_clip(request)}”")
    if outcome:
        parts.append(f"The bot ended with: “{_clip(outcome)}”")
    return " ".join(parts) or "The call had no conversation."


def _clip(text: str) -> str:
    return (
        text if len(text) <= SUMMARY_MAX_CHARS else text[: SUMMARY_MAX_CHARS - 1] + "…"
    )
