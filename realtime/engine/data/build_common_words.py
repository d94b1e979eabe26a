"""Regenerate common_words.txt: the most probable words of pocketsphinx's bundled English LM.

The engine's per-session language model backs off to these words so a caller can be
understood outside the bot's own texts. Run: python realtime/engine/data/build_common_words.py
"""

import re
from pathlib import Path

from pocketsphinx import NGramModel, get_model_path

WORD_COUNT = 10_000
WORD_RE = re.compile(r"^[a-z][a-z']*$")


def main() -> None:
    model_dir = Path(get_model_path()) / "en-us"
    lm = NGramModel.readfile(str(model_dir / "en-us.lm.bin"))
    words = set()
    with open(model_dir / "cmudict-en-us.dict", encoding="utf-8") as f:
        for line in f:
            head = line.split(" ", 1)[0].split("(")[0]
            if WORD_RE.match(head):
                words.add(head)
    ranked = sorted(words, key=lambda w: (-lm.prob([w]), w))[:WORD_COUNT]
    out = Path(__file__).with_name("common_words.txt")
    out.write_text("\n".join(ranked) + "\n", encoding="utf-8")
    print(f"wrote {len(ranked)} words to {out}")


if __name__ == "__main__":
    main()
