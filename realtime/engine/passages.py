"""Answerable passages in free-form instructions: knowledge written outside any snippet.

A bot author may paste an FAQ or a list of facts into the instructions, and a client of
the engine may send no fenced knowledge at all. Outside the `<knowledge>` block, every
line, bullet or sentence that states a fact becomes a passage, titled by its heading or
its "Label:" prefix; a "Q: ... A: ..." pair becomes one passage. Lines addressed to the
model ("You are ...", "Keep answers short", anything about "the caller") are directions,
not knowledge, and are left out, as are the sections the relay's assembly writes itself.
"""

import re

from botbuilder.assembly.knowledge import KNOWLEDGE_PREAMBLE, SEARCH_HINT

KNOWLEDGE_BLOCK_RE = re.compile(r"<knowledge>.*?</knowledge>", re.DOTALL)
HEADING_RE = re.compile(r"^\s*#{1,6}\s+(.+?)\s*#*\s*$")
BULLET_RE = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
LABEL_RE = re.compile(r"^([A-Z][\w '&/-]{1,40}):\s+(\S.*)$")
QUESTION_RE = re.compile(r"^(?:Q|Question)\s*[:.]\s*(.+)$", re.IGNORECASE)
ANSWER_RE = re.compile(r"^(?:A|Answer)\s*[:.]\s*(.+)$", re.IGNORECASE)
SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")
# Sections the relay's instruction assembly writes: directions, not the bot's knowledge.
ASSEMBLED_SECTIONS = frozenset({"language", "greeting", "tool guidance", "tools"})
ASSEMBLED_LINES = (KNOWLEDGE_PREAMBLE, SEARCH_HINT)
# A sentence that starts with one of these words is a direction to the model.
DIRECTION_STARTS = frozenset(
    "you your always never do don't dont keep use be answer call ask offer say speak "
    "help if when greet reply respond avoid remember make try introduce stay".split()
)
DIRECTION_WORDS = ("the caller", "callers", "the user", "the assistant", "tool")
MIN_PASSAGE_WORDS = 3
LINE_MAX_SENTENCES = 2  # a longer line is answered one sentence at a time


def _is_direction(sentence: str) -> bool:
    lowered = sentence.lower()
    first = re.findall(r"[a-z']+", lowered)[:1]
    return bool(first and first[0] in DIRECTION_STARTS) or any(
        w in lowered for w in DIRECTION_WORDS
    )


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END_RE.split(text) if s.strip()]


def _spoken(sentence: str) -> str:
    sentence = sentence[0].upper() + sentence[1:]
    return sentence if sentence[-1] in ".!?" else sentence + "."


def _line_passages(heading: str, line: str) -> list[tuple[str, str]]:
    """Facts of one line: a "Label: text" sentence is titled by its label."""
    facts: list[tuple[str, str]] = []
    for sentence in _sentences(line):
        labelled = LABEL_RE.match(sentence)
        title, text = (
            (labelled.group(1), labelled.group(2)) if labelled else (heading, sentence)
        )
        if len(text.split()) >= MIN_PASSAGE_WORDS and not _is_direction(text):
            facts.append((title, _spoken(text)))
    if len(facts) <= LINE_MAX_SENTENCES and len({t for t, _ in facts}) == 1:
        return [(facts[0][0], " ".join(text for _, text in facts))]
    return facts


def parse_passages(instructions: str) -> list[tuple[str, str]]:
    """(title, text) of every fact stated outside the knowledge block, in order."""
    text = KNOWLEDGE_BLOCK_RE.sub("\n", instructions or "")
    passages: list[tuple[str, str]] = []
    heading, question = "", ""
    for raw in text.splitlines():
        line = BULLET_RE.sub("", raw).strip()
        if not line or line in ASSEMBLED_LINES:
            continue
        found = HEADING_RE.match(raw)
        if found:
            heading, question = found.group(1).strip(), ""
            continue
        if heading.lower() in ASSEMBLED_SECTIONS:
            continue
        asked, answered = QUESTION_RE.match(line), ANSWER_RE.match(line)
        if asked:
            question = asked.group(1).strip()
            continue
        if answered and question:
            passages.append((question, _spoken(answered.group(1).strip())))
            question = ""
            continue
        passages += _line_passages(heading, line)
    return passages
