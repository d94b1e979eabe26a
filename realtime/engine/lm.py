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
CALLER_FRAMES_PATH = Path(__file__).with_name("data") / "caller_frames.txt"
# Shares of the probability: the session's own texts, the generic caller frames; the rest
# is common English.
SESSION_WEIGHT = 0.65
FRAMES_WEIGHT = 0.2
COMMON_WORD_COUNT = 10_000  # words of data/common_words.txt used (all of them)
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
    lines = COMMON_WORDS_PATH.read_text(encoding="utf-8").splitlines()
    unigrams = {}
    for line in lines[:COMMON_WORD_COUNT]:  # most probable first
        word, log10p = line.split()
        unigrams[word] = 10 ** float(log10p)
    if len(lines) > COMMON_WORD_COUNT:  # renormalised over the words kept
        total = sum(unigrams.values())
        unigrams = {w: p / total for w, p in unigrams.items()}
    bigrams: dict[str, dict[str, float]] = defaultdict(dict)
    for line in COMMON_BIGRAMS_PATH.read_text(encoding="utf-8").splitlines():
        context, word, log10p = line.split()
        if word in unigrams or word == "</s>":
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


def read_frames(path: Path = CALLER_FRAMES_PATH) -> list[str]:
    """The generic caller frames of data/ (one utterance a line, "#" comments)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def _corpus(texts: list[str], known: dict[str, list[str]]) -> list[list[str]]:
    """Sentences of `texts` as <s> word ... </s>, words with no pronunciation dropped."""
    corpus = [
        ["<s>"] + [w for w in s if w in known] + ["</s>"] for s in sentences(texts)
    ]
    return [s for s in corpus if len(s) > 2]


@dataclass
class _Component:
    """Counts of one corpus of the mixture and its share of the probability."""

    weight: float
    unigrams: Counter
    followers: dict[str, Counter]

    @classmethod
    def of(cls, weight: float, corpus: list[list[str]]) -> "_Component":
        followers: dict[str, Counter] = defaultdict(Counter)
        for s in corpus:
            for a, b in zip(s, s[1:], strict=False):
                followers[a][b] += 1
        return cls(weight, Counter(w for s in corpus for w in s[1:]), followers)

    def unigrams_p(self) -> dict[str, float]:
        total = sum(self.unigrams.values())
        return {w: c / total for w, c in self.unigrams.items()}

    def bigrams(self, history: str, words_: set[str], p_uni: dict[str, float]) -> dict:
        """P(word | history) for `words_`: absolute discounting, backed off to the
        mixture's unigrams."""
        following = self.followers[history]
        total = sum(following.values())
        beta = ABSOLUTE_DISCOUNT * len(following) / total
        return {
            w: max(following.get(w, 0) - ABSOLUTE_DISCOUNT, 0) / total + beta * p_uni[w]
            for w in words_
        }


def build_language_model(texts: list[str]) -> LanguageModel:
    """Bigram ARPA: the session texts + caller phrases, interpolated with generic caller
    frames (data/caller_frames.txt) and common English."""
    known = pronunciations()
    session = _Component.of(
        SESSION_WEIGHT,
        _corpus(list(texts) + list(CALLER_PHRASES) + [DIGIT_CHAIN], known),
    )
    frames = _Component.of(FRAMES_WEIGHT, _corpus(read_frames(), known))
    components = [c for c in (session, frames) if c.weight > 0]
    bg_uni, bg_bi = background()
    bg_uni = {w: p for w, p in bg_uni.items() if w in known}
    session.unigrams.update(
        related_counts(session.unigrams, set(bg_uni) | (set(SYNONYMS) & set(known)))
    )
    bg_weight = 1 - sum(c.weight for c in components)
    vocab = sorted(
        set().union(*(c.unigrams for c in components)) | set(bg_uni) | {"</s>"}
    )
    shares = [(c.weight, c.unigrams_p()) for c in components]
    p_uni = {
        w: sum(weight * p.get(w, 0) for weight, p in shares)
        + bg_weight * bg_uni.get(w, 0)
        for w in vocab
    }
    p_uni["</s>"] = max(p_uni["</s>"], 1e-4)

    unigram_lines = []
    bigram_lines = []
    for h in ["<s>"] + vocab:
        active = [c for c in components if c.followers.get(h)]
        bg_next = {w: p for w, p in bg_bi.get(h, {}).items() if w in p_uni}
        listed = set(bg_next).union(*(c.followers[h] for c in active))
        probs = {}
        if listed:
            bg_rest = 1 - sum(bg_next.values())
            bg_alpha = bg_rest / max(1e-9, 1 - sum(bg_uni.get(w, 0) for w in bg_next))
            # Components with no counts after `h` give their share to the others.
            norm = bg_weight + sum(c.weight for c in active)
            parts = [(c.weight, c.bigrams(h, listed, p_uni)) for c in active]
            for w in listed:
                p_b = bg_next.get(w, bg_alpha * bg_uni.get(w, p_uni[w]))
                mixed = sum(weight * p[w] for weight, p in parts)
                probs[w] = (mixed + bg_weight * p_b) / norm
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
