"""Regenerate the engine's background language data from pocketsphinx's bundled English LM.

- common_words.txt: the WORD_COUNT most probable words (in CMUdict), one per line with
  their log10 unigram probability renormalised over that vocabulary;
- common_bigrams.txt: for the CONTEXT_COUNT most common words (and <s>), the
  SUCCESSORS_PER_CONTEXT likeliest next words, as "context word log10(P(word|context))",
  renormalised over the vocabulary.

The engine's per-session language model backs off to these, so a caller is understood
beyond the bot's own texts. Run: python realtime/engine/data/build_common_words.py
"""

import math
import re
from pathlib import Path

from pocketsphinx import NGramModel, get_model_path

WORD_COUNT = 10_000
CONTEXT_COUNT = 2_000
SUCCESSORS_PER_CONTEXT = 25
LOGMATH_BASE = 1.0001  # pocketsphinx's default log base for model scores
WORD_RE = re.compile(r"^[a-z][a-z']*$")


def main() -> None:
    model_dir = Path(get_model_path()) / "en-us"
    lm = NGramModel.readfile(str(model_dir / "en-us.lm.bin"))
    to_log10 = math.log10(LOGMATH_BASE)
    words = set()
    with open(model_dir / "cmudict-en-us.dict", encoding="utf-8") as f:
        for line in f:
            head = line.split(" ", 1)[0].split("(")[0]
            if WORD_RE.match(head):
                words.add(head)
    ranked = sorted(words, key=lambda w: (-lm.prob([w]), w))[:WORD_COUNT]
    unigram = [lm.prob([w]) * to_log10 for w in ranked]
    norm = math.log10(sum(10**p for p in unigram))
    out = Path(__file__).parent
    (out / "common_words.txt").write_text(
        "".join(f"{w} {p - norm:.4f}\n" for w, p in zip(ranked, unigram, strict=True)),
        encoding="utf-8",
    )
    successors = ranked + ["</s>"]
    lines = []
    for context in ["<s>"] + ranked[:CONTEXT_COUNT]:
        scores = [lm.prob([w, context]) * to_log10 for w in successors]
        total = math.log10(sum(10**s for s in scores))
        best = sorted(zip(scores, successors, strict=True), reverse=True)
        lines += [
            f"{context} {w} {s - total:.4f}\n" for s, w in best[:SUCCESSORS_PER_CONTEXT]
        ]
    (out / "common_bigrams.txt").write_text("".join(lines), encoding="utf-8")
    print(f"wrote {len(ranked)} words and {len(lines)} bigrams to {out}")


if __name__ == "__main__":
    main()
