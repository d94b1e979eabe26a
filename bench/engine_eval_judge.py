"""Judging one conversation of bench/engine_eval.py: right, wrong, or an honest fallback.

A wrong answer (another snippet, another tool, another order number) is worse than a
fallback ("I don't have information on that", a question back): the report counts them
apart.
"""

import re

import numpy as np

SEARCH_TOOL = "search_knowledge"
DIGITS_RE = re.compile(r"\d+")
NOT_WORD_RE = re.compile(r"[^a-z']+")
DIGIT_WORDS = "zero one two three four five six seven eight nine".split()


def _sentences(text: str) -> list[str]:
    return [
        " ".join(s.lower().split())
        for s in re.split(r"(?<=[.!?])\s+", text.strip())
        if s.strip()
    ]


def snippet_spoken(answers: list[str], snippets: dict[str, str]) -> str | None:
    """Title of the snippet an answer quotes (its first sentence is one of the snippet's)."""
    bodies = {title: _sentences(body) for title, body in snippets.items()}
    for answer in answers:
        spoken = _sentences(answer)
        for title, sentences in bodies.items():
            if spoken and any(s in sentences for s in spoken):
                return title
    return None


def judge(expected: str, result: dict, snippets: dict[str, str]) -> str:
    """'right', 'wrong' or 'fallback' for one conversation."""
    calls = [(name, args) for name, args in result["calls"] if name != SEARCH_TOOL]
    spoken = snippet_spoken(result["answers"], snippets)
    kind, _, value = expected.partition(":")
    if expected in snippets:
        if spoken == expected:
            return "right"
        return "wrong" if spoken or calls else "fallback"
    if kind == "none":
        return "wrong" if spoken or calls else "right"
    if kind == "ask":
        if spoken or calls:
            return "wrong"
        last = result["answers"][-1] if result["answers"] else ""
        return "right" if last.rstrip().endswith("?") else "fallback"
    if spoken:
        return "wrong"
    if not calls:
        return "fallback"
    name, args = calls[0]
    if name != kind:
        return "wrong"
    if value and str(args.get("order_number", "")) != value:
        return "wrong" if args.get("order_number") else "fallback"
    return "right"


def spoken_words(text: str) -> list[str]:
    """Words as a recogniser could write them: lower case, no punctuation, each digit a
    word ("Order 5512?" -> order five five one two), so Whisper's written style and
    pocketsphinx's words compare alike."""
    text = DIGITS_RE.sub(
        lambda m: " " + " ".join(DIGIT_WORDS[int(d)] for d in m.group()) + " ",
        text.lower(),
    )
    return NOT_WORD_RE.sub(" ", text).split()


def word_errors(ref: str, hyp: str) -> int:
    """Word-level edit distance."""
    r, h = spoken_words(ref), spoken_words(hyp)
    d = list(range(len(h) + 1))
    for i in range(1, len(r) + 1):
        prev, d[0] = d[0], i
        for j in range(1, len(h) + 1):
            cur = min(d[j] + 1, d[j - 1] + 1, prev + (r[i - 1] != h[j - 1]))
            prev, d[j] = d[j], cur
    return d[len(h)]


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def summary(results: list[dict]) -> dict:
    """Figures of one set in one mode."""
    verdicts = [r["verdict"] for r in results]
    spoken = [r for r in results if r["mode"] == "spoken"]
    errors = sum(word_errors(r["question"], r["transcript"]) for r in spoken)
    ref_words = sum(len(r["question"].split()) for r in spoken)
    latency = [r["latency_ms"] for r in results if "latency_ms" in r]
    caller = [r["caller_latency_ms"] for r in results if "caller_latency_ms" in r]
    return {
        "n": len(results),
        "answer_accuracy": verdicts.count("right") / len(verdicts),
        "wrong_answer_rate": verdicts.count("wrong") / len(verdicts),
        "word_accuracy": 1 - errors / ref_words if ref_words else None,
        "latency_p50_ms": pct(latency, 50),
        "latency_p95_ms": pct(latency, 95),
        "caller_latency_p95_ms": pct(caller, 95) if caller else None,
    }
