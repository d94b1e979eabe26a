"""A per-session bigram language model (ARPA) and vocabulary-only dictionary.

Built from the session's own texts (instructions, knowledge, tool descriptions), backed off
to the most common English words so callers are understood beyond the bot's wording.
"""

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pocketsphinx import get_model_path

COMMON_WORDS_PATH = Path(__file__).with_name("data") / "common_words.txt"
SESSION_UNIGRAM_WEIGHT = 0.9  # share of unigram mass on the session's own words
ABSOLUTE_DISCOUNT = 0.5
BACKGROUND_WORDS = 5000  # common words a caller may use beyond the session texts
# Generic ways callers open and close a request (not specific to any bot).
CALLER_PHRASES = (
    "hello", "hi", "yes", "no", "yes please", "no thank you", "thank you", "thanks",
    "goodbye", "bye", "thank you bye", "thanks bye", "that is all", "okay", "sorry", "i have a question", "i want to", "i would like to",
    "i need to", "can i", "can you", "could you tell me", "do you", "do you have",
    "how do i", "how much is", "how long does it take", "what is", "what are your",
    "when do you", "where is my", "which", "is it possible to", "my number is",
    "zero one two three four five six seven eight nine ten",
)
WORD_RE = re.compile(r"[a-z][a-z']*|\d+")
SENTENCE_SPLIT_RE = re.compile(r"[.!?;:\n]+|<[^>]*>")
DIGIT_WORDS = "zero one two three four five six seven eight nine".split()
TEENS = ("ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen "
         "nineteen").split()
TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_words(n: int) -> list[str]:
    """Spoken English words for 0 <= n < 10000; longer numbers digit by digit."""
    if n < 10:
        return [DIGIT_WORDS[n]]
    if n < 20:
        return [TEENS[n - 10]]
    if n < 100:
        return [TENS[n // 10 - 2]] + (number_words(n % 10) if n % 10 else [])
    if n < 1000:
        rest = number_words(n % 100) if n % 100 else []
        return [DIGIT_WORDS[n // 100], "hundred"] + rest
    if n < 10000:
        rest = number_words(n % 1000) if n % 1000 else []
        return number_words(n // 1000) + ["thousand"] + rest
    return [DIGIT_WORDS[int(d)] for d in str(n)]


def words(text: str) -> list[str]:
    """Lower-case spoken words of `text`, numbers spelled out."""
    out: list[str] = []
    for token in WORD_RE.findall(text.lower().replace("’", "'")):
        out.extend(number_words(int(token)) if token.isdigit() else [token.strip("'")])
    return [w for w in out if w]


def sentences(texts: list[str]) -> list[list[str]]:
    """Word lists of every sentence-like piece in `texts`."""
    pieces = [p for text in texts for p in SENTENCE_SPLIT_RE.split(text or "")]
    return [w for w in (words(p) for p in pieces) if w]


@lru_cache(maxsize=1)
def pronunciations() -> dict[str, list[str]]:
    """CMUdict lines by headword (variants included), loaded once."""
    table: dict[str, list[str]] = defaultdict(list)
    path = Path(get_model_path()) / "en-us" / "cmudict-en-us.dict"
    with open(path, encoding="utf-8") as f:
        for line in f:
            head = line.split(" ", 1)[0].split("(")[0]
            table[head].append(line.rstrip("\n"))
    return dict(table)


@lru_cache(maxsize=1)
def common_words() -> tuple[str, ...]:
    return tuple(COMMON_WORDS_PATH.read_text(encoding="utf-8").split())


@dataclass(frozen=True)
class LanguageModel:
    arpa: str
    dictionary: str
    vocabulary: frozenset[str]


def build_language_model(texts: list[str]) -> LanguageModel:
    """Bigram ARPA over the session texts + caller phrases, backing off to common words."""
    known = pronunciations()
    corpus = [
        ["<s>"] + [w for w in s if w in known] + ["</s>"]
        for s in sentences(list(texts) + list(CALLER_PHRASES))
    ]
    corpus = [s for s in corpus if len(s) > 2]
    unigram_counts = Counter(w for s in corpus for w in s[1:])
    bigram_counts = Counter((a, b) for s in corpus for a, b in zip(s, s[1:], strict=False))
    background = [w for w in common_words()[:BACKGROUND_WORDS] if w in known]
    zipf_total = sum(1.0 / (rank + 1) for rank in range(len(background)))
    session_total = sum(unigram_counts.values())

    vocab = sorted(set(unigram_counts) | set(background) | {"<s>"})
    p_uni: dict[str, float] = {}
    bg_rank = {w: r for r, w in enumerate(background)}
    for w in vocab:
        p = SESSION_UNIGRAM_WEIGHT * unigram_counts.get(w, 0) / session_total
        if w in bg_rank:
            p += (1 - SESSION_UNIGRAM_WEIGHT) / (bg_rank[w] + 1) / zipf_total
        p_uni[w] = p
    p_uni["<s>"] = 0.0

    followers: dict[str, list[str]] = defaultdict(list)
    context_counts: Counter = Counter()
    for (a, b), c in bigram_counts.items():
        followers[a].append(b)
        context_counts[a] += c
    backoff: dict[str, float] = {}
    bigram_lines: list[str] = []
    for a, nexts in sorted(followers.items()):
        total = context_counts[a]
        beta = ABSOLUTE_DISCOUNT * len(nexts) / total
        backoff[a] = beta
        for b in sorted(nexts):
            p = (bigram_counts[(a, b)] - ABSOLUTE_DISCOUNT) / total + beta * p_uni[b]
            bigram_lines.append(f"{math.log10(p):.4f} {a} {b}")

    def log10(p: float) -> float:
        return math.log10(p) if p > 0 else -99.0

    unigram_lines = [
        f"{log10(p_uni[w]):.4f} {w} {math.log10(backoff[w]) if w in backoff else 0.0:.4f}"
        for w in vocab
    ]
    arpa = "\n".join(
        ["\\data\\", f"ngram 1={len(unigram_lines)}", f"ngram 2={len(bigram_lines)}", "",
         "\\1-grams:", *unigram_lines, "", "\\2-grams:", *bigram_lines, "", "\\end\\", ""]
    )
    vocabulary = frozenset(w for w in vocab if w not in ("<s>", "</s>"))
    dictionary = "\n".join(line for w in sorted(vocabulary) for line in known[w]) + "\n"
    return LanguageModel(arpa=arpa, dictionary=dictionary, vocabulary=vocabulary)
