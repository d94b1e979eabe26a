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

from realtime.engine.wordforms import SYNONYMS, stem

COMMON_WORDS_PATH = Path(__file__).with_name("data") / "common_words.txt"
COMMON_BIGRAMS_PATH = Path(__file__).with_name("data") / "common_bigrams.txt"
SESSION_WEIGHT = (
    0.8  # share of probability on the session's own texts vs common English
)
ABSOLUTE_DISCOUNT = 0.5
# Callers say "pay" where the bot writes "payment", "returned" for "returns", "broken" for
# "damaged": such forms of a session word get this share of its count in the session's
# unigrams (the bot's own sentences hold only its forms).
RELATED_SHARE = 0.5
RELATED_MIN_LETTERS = 4
# Generic ways callers open and close a request (not specific to any bot).
CALLER_PHRASES = (
    "hello",
    "hi",
    "yes",
    "no",
    "yes please",
    "no thank you",
    "thank you",
    "thanks",
    "goodbye",
    "bye",
    "thank you bye",
    "thanks bye",
    "that is all",
    "okay",
    "sorry",
    "i have a question",
    "i want to",
    "i would like to",
    "i need to",
    "can i",
    "can you",
    "could you tell me",
    "do you",
    "do you have",
    "how do i",
    "how much is",
    "how long does it take",
    "what is",
    "what are your",
    "when do you",
    "where is my",
    "which",
    "is it possible to",
    "my number is",
    "zero one two three four five six seven eight nine ten",
    # Numbers and identifiers read out, and the answers to "Did you say ...?"
    "my order number is",
    "the number is",
    "it is number",
    "yes that is right",
    "yes that is correct",
    "no that is wrong",
    "no it is",
    "double",
    "triple",
    "oh",
    "eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen",
    "twenty thirty forty fifty sixty seventy eighty ninety hundred thousand",
)
DIGIT_NAMES = "zero one two three four five six seven eight nine".split()


def _digit_chain() -> str:
    """Every digit followed by every digit once (a de Bruijn sequence): any order number
    is as expected as any other, where the phrase above only favours counting up."""
    sequence, visited, node = [0], set(), 0
    while len(visited) < 100:
        for following in range(9, -1, -1):
            if (node, following) not in visited:
                visited.add((node, following))
                sequence.append(following)
                node = following
                break
        else:
            break
    return " ".join(DIGIT_NAMES[d] for d in sequence)


DIGIT_CHAIN = _digit_chain()
WORD_RE = re.compile(r"[a-z][a-z']*|\d+")
SENTENCE_SPLIT_RE = re.compile(r"[.!?;:\n]+|<[^>]*>")
DIGIT_WORDS = "zero one two three four five six seven eight nine".split()
TEENS = (
    "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen"
).split()
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
def background() -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """(unigram probs, bigram probs by context) of common English, from data/ (see there)."""
    unigrams = {}
    for line in COMMON_WORDS_PATH.read_text(encoding="utf-8").splitlines():
        word, log10p = line.split()
        unigrams[word] = 10 ** float(log10p)
    bigrams: dict[str, dict[str, float]] = defaultdict(dict)
    for line in COMMON_BIGRAMS_PATH.read_text(encoding="utf-8").splitlines():
        context, word, log10p = line.split()
        bigrams[context][word] = 10 ** float(log10p)
    return unigrams, dict(bigrams)


@dataclass(frozen=True)
class LanguageModel:
    arpa: str
    dictionary: str
    vocabulary: frozenset[str]


def _log10(p: float) -> float:
    return math.log10(p) if p > 0 else -99.0


def related_counts(counts: Counter, vocabulary: set[str]) -> Counter:
    """Counts for words of `vocabulary` the session does not use but callers would for its
    words: other inflections (same stem) and everyday synonyms (`wordforms.SYNONYMS`)."""
    by_stem: Counter = Counter()
    # Short words ("the", "our") are no topic: their forms are not boosted.
    for word, count in counts.items():
        if len(word) >= RELATED_MIN_LETTERS:
            by_stem[stem(word)] += count
    related: Counter = Counter()
    for word in vocabulary - set(counts):
        count = by_stem.get(stem(word), 0)
        if word in SYNONYMS:
            count += by_stem.get(stem(SYNONYMS[word]), 0)
        if count:
            related[word] = RELATED_SHARE * count
    return related


def build_language_model(texts: list[str]) -> LanguageModel:
    """Bigram ARPA: the session texts + caller phrases, interpolated with common English."""
    known = pronunciations()
    corpus = [
        ["<s>"] + [w for w in s if w in known] + ["</s>"]
        for s in sentences(list(texts) + list(CALLER_PHRASES) + [DIGIT_CHAIN])
    ]
    corpus = [s for s in corpus if len(s) > 2]
    unigram_counts = Counter(w for s in corpus for w in s[1:])
    bigram_counts = Counter(
        (a, b) for s in corpus for a, b in zip(s, s[1:], strict=False)
    )
    bg_uni, bg_bi = background()
    bg_uni = {w: p for w, p in bg_uni.items() if w in known}
    unigram_counts.update(
        related_counts(unigram_counts, set(bg_uni) | (set(SYNONYMS) & set(known)))
    )
    lam = SESSION_WEIGHT
    session_total = sum(unigram_counts.values())
    vocab = sorted(set(unigram_counts) | set(bg_uni) | {"</s>"})
    p_uni = {
        w: lam * unigram_counts.get(w, 0) / session_total + (1 - lam) * bg_uni.get(w, 0)
        for w in vocab
    }
    p_uni["</s>"] = max(p_uni["</s>"], 1e-4)

    followers: dict[str, Counter] = defaultdict(Counter)
    for (a, b), c in bigram_counts.items():
        followers[a][b] = c
    unigram_lines = []
    bigram_lines = []
    for h in ["<s>"] + vocab:
        session_next = followers.get(h, Counter())
        bg_next = {w: p for w, p in bg_bi.get(h, {}).items() if w in p_uni}
        listed = set(session_next) | set(bg_next)
        probs = {}
        if listed:
            total = sum(session_next.values())
            beta = ABSOLUTE_DISCOUNT * len(session_next) / total if total else 1.0
            bg_rest = 1 - sum(bg_next.values())
            bg_alpha = bg_rest / max(1e-9, 1 - sum(bg_uni.get(w, 0) for w in bg_next))
            for w in listed:
                p_s = (
                    max(session_next[w] - ABSOLUTE_DISCOUNT, 0) / total if total else 0
                ) + (beta * p_uni[w])
                p_b = bg_next.get(w, bg_alpha * bg_uni.get(w, p_uni[w]))
                probs[w] = lam * p_s + (1 - lam) * p_b if total else p_b
        listed_mass = sum(probs.values())
        alpha = (1 - listed_mass) / max(1e-9, 1 - sum(p_uni[w] for w in probs))
        bigram_lines += [f"{_log10(p):.4f} {h} {w}" for w, p in sorted(probs.items())]
        p_h = -99.0 if h == "<s>" else _log10(p_uni[h])
        backoff = f"{_log10(alpha):.4f}" if probs else "0.0000"
        unigram_lines.append(f"{p_h:.4f} {h} {backoff}")
    arpa = "\n".join(
        [
            "\\data\\",
            f"ngram 1={len(unigram_lines)}",
            f"ngram 2={len(bigram_lines)}",
            "",
            "\\1-grams:",
            *unigram_lines,
            "",
            "\\2-grams:",
            *bigram_lines,
            "",
            "\\end\\",
            "",
        ]
    )
    vocabulary = frozenset(w for w in vocab if w not in ("<s>", "</s>"))
    dictionary = "\n".join(line for w in sorted(vocabulary) for line in known[w]) + "\n"
    return LanguageModel(arpa=arpa, dictionary=dictionary, vocabulary=vocabulary)
