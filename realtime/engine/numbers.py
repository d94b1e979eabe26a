"""Numbers and identifiers in a caller's words, typed or spoken.

"eight two nine one", "8 2 9 1", "8-2-9-1" and "8291" all give "8291"; "forty-seven"
gives "47", "double five" "55", "twelve ninety" "1290" (read in pairs, as people say
years and codes), "three hundred and five" "305", and spelled letters join the digits of
an identifier ("A B one two" gives "AB12") where the argument takes letters.
"""

import re

DIGIT_WORDS = "zero one two three four five six seven eight nine".split()
DIGITS = {w: str(i) for i, w in enumerate(DIGIT_WORDS)} | {"oh": "0", "o": "0"}
TEENS = {
    w: 10 + i
    for i, w in enumerate(
        "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen "
        "nineteen".split()
    )
}
TENS = {
    w: 20 + 10 * i
    for i, w in enumerate(
        "twenty thirty forty fifty sixty seventy eighty ninety".split()
    )
}
REPEATS = {"double": 2, "triple": 3}
SCALES = {"hundred": 100, "thousand": 1000}
TOKEN_RE = re.compile(r"[a-z]+|\d+")
# What may sit between the digits of one number: spaces, hyphens, dots, slashes.
JOINER_RE = re.compile(r"^[\s\-./]*$")


def _tokens(text: str) -> list[tuple[str, str]]:
    """(token, the text between it and the previous token)."""
    out, last = [], 0
    lowered = text.lower()
    for found in TOKEN_RE.finditer(lowered):
        out.append((found.group(0), lowered[last : found.start()]))
        last = found.end()
    return out


def is_number_word(token: str) -> bool:
    return (
        token in DIGITS
        or token in TEENS
        or token in TENS
        or token in REPEATS
        or token in SCALES
        or token.isdigit()
    )


class _Run:
    """Digits of one number being read, group by group."""

    def __init__(self) -> None:
        self.text = ""
        self.pending_tens: int | None = None  # "forty" waiting for "two"
        self.scaled: int | None = None  # "three hundred" waiting for the rest
        self.repeat = 1

    def _flush_tens(self) -> None:
        if self.pending_tens is not None:
            self._put(str(self.pending_tens))
            self.pending_tens = None

    def _put(self, digits: str) -> None:
        if self.scaled is not None:
            self.scaled += int(digits)
            return
        self.text += digits

    def add(self, token: str) -> None:
        if token in REPEATS:
            self._flush_tens()
            self.repeat = REPEATS[token]
        elif token in SCALES:
            self._flush_tens()
            head = self.text[-2:].lstrip("0") or "1"
            self.text = (
                self.text[: -len(head)] if self.text.endswith(head) else self.text
            )
            self.scaled = int(head) * SCALES[token]
        elif token in TENS:
            self._flush_tens()
            self.pending_tens = TENS[token]
        elif token in DIGITS and self.pending_tens is not None and token not in "oh o":
            self._put(str(self.pending_tens + int(DIGITS[token])))
            self.pending_tens = None
        else:
            self._flush_tens()
            digits = DIGITS.get(token) or str(TEENS.get(token, token))
            self._put(digits * self.repeat)
            self.repeat = 1

    def close(self) -> str:
        self._flush_tens()
        if self.scaled is not None:
            self.text += str(self.scaled)
            self.scaled = None
        return self.text


def number_runs(text: str, *, letters: bool = False) -> list[str]:
    """Every number (or identifier, with `letters`) in `text`, as digits, in order."""
    runs: list[str] = []
    run, prefix = _Run(), ""
    tokens = _tokens(text)
    for i, (token, gap) in enumerate(tokens):
        next_token = tokens[i + 1][0] if i + 1 < len(tokens) else ""
        started = bool(run.text or run.pending_tens or run.scaled)
        if started and not JOINER_RE.match(gap) and gap.strip(" ,"):
            runs.append(prefix + run.close())
            run, prefix = _Run(), ""
            started = False
        if token in ("oh", "o") and not (started or is_number_word(next_token)):
            token = ""  # "oh, I see": not a zero
        if token == "and" and run.scaled is not None:
            continue
        if token and is_number_word(token):
            run.add(token)
        elif letters and len(token) == 1 and (started or len(next_token) == 1):
            run.text, prefix = run.close() + token.upper(), ""
        else:
            if started:
                runs.append(prefix + run.close())
            run, prefix = _Run(), ""
    if run.text or run.pending_tens or run.scaled:
        runs.append(prefix + run.close())
    return [r for r in runs if r]


def longest_number(text: str, *, letters: bool = False) -> str:
    """The longest number in `text` (the last one of that length), or ""."""
    runs = number_runs(text, letters=letters)
    if not runs:
        return ""
    longest = max(len(r) for r in runs)
    return [r for r in runs if len(r) == longest][-1]


def spoken_digits(value: str) -> str:
    """'8291' -> 'eight two nine one' (how the engine reads an identifier back)."""
    return " ".join(
        DIGIT_WORDS[int(c)] if c.isdigit() else c.upper() for c in value if c.isalnum()
    )
