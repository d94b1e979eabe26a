"""Sentence similarity from WordLlama, a small embedding model whose weights ship in its
wheel (MIT, 16 MB): nothing is downloaded, ever.

The wheel keeps its tokenizer under `wordllama/tokenizers/` while `WordLlama.load()` looks
for it in `wordllama/tokenizer/` first and then in `<cache_dir>/tokenizers/`; the package
directory itself is laid out as that cache expects, so it is passed as `cache_dir`, with
`disable_download=True` so a missing file is an error instead of a request to Hugging Face.

Loading takes about a second and is done once per process, in a worker thread. Vectors of
a session's knowledge are computed once per text set (`Vectors`), a caller's words once
per turn (well under a millisecond).
"""

import logging
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

WORDLLAMA_CONFIG = "l2_supercat"  # the model whose weights the wheel carries
WORDLLAMA_DIM = 256

_lock = threading.Lock()
_model = None


def _load():
    import wordllama
    from wordllama import WordLlama

    return WordLlama.load(
        config=WORDLLAMA_CONFIG,
        dim=WORDLLAMA_DIM,
        cache_dir=Path(wordllama.__file__).parent,
        disable_download=True,
    )


def model():
    """The process's WordLlama model, loaded on first use (blocking: call it in a thread)."""
    global _model
    with _lock:
        if _model is None:
            _model = _load()
            logger.info(
                "semantic model loaded (%s, %d dims)", WORDLLAMA_CONFIG, WORDLLAMA_DIM
            )
        return _model


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit-length float32 vectors, one row per text (zeros for empty text)."""
    if not texts:
        return np.zeros((0, WORDLLAMA_DIM), np.float32)
    vectors = np.asarray(model().embed(list(texts)), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)


class Vectors:
    """The embedded texts of a session's knowledge; `similarity` compares a query."""

    def __init__(self, texts: Sequence[str]):
        self.matrix = embed(texts)

    def similarity(self, query: str) -> np.ndarray:
        """Cosine similarity of `query` to every text, in order."""
        if not self.matrix.size or not query.strip():
            return np.zeros(len(self.matrix), np.float32)
        return self.matrix @ embed([query])[0]
