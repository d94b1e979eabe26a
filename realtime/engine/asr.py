"""Speech recognition with pocketsphinx, tuned per session (blocking: call from a worker thread).

Each session's texts give a restricted language model (see `lm.py`), built once per distinct
text set and cached on disk by hash. Decoders are not thread-safe: every worker thread keeps
its own, per model.
"""

import hashlib
import logging
import os
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np
from pocketsphinx import Decoder

from realtime.audio import resample
from realtime.engine.lm import build_language_model

logger = logging.getLogger(__name__)

ASR_SAMPLE_RATE_HZ = 16000  # the bundled acoustic model's rate
NBEST = 8  # alternatives handed to intent matching (cheap: read off the lattice)
PADDING_S = 0.05  # a little silence around a turn helps find word boundaries
DECODERS_PER_THREAD = 4
MAX_CACHED_MODELS = 64  # models kept on disk (~1 MB each); the oldest are deleted
# Silence-word probability (pocketsphinx default 0.005). Higher lets line noise before and
# between words decode as silence instead of short inserted words ("if", "full").
SILENCE_PROB = 0.3
# Gaussians scored per codebook (pocketsphinx default 4, a speed setting). 12 scores sounds
# more faithfully; with the flat second pass off (below) a turn decodes in about the same
# time as the defaults did. Measured on the dev and eval sets of bench/engine_eval.py, two
# noise draws each: answer accuracy +5 to +8 per set, word accuracy +0.02 to +0.05.
GAUSSIANS_PER_CODEBOOK = 12
# pocketsphinx's flat-lexicon second pass ("fwdflat") costs ~30 % of the decode and was no
# better on either set once more Gaussians are scored.
FLAT_SECOND_PASS = False
DECODER_OPTIONS: dict[str, object] = {}  # extra pocketsphinx options (tuning)
GENERAL_MODEL = ""  # model key of pocketsphinx's bundled general English LM

_model_dir = Path(tempfile.mkdtemp(prefix="offline-engine-lm-"))
_model_lock = threading.Lock()
_vocabularies: OrderedDict[str, frozenset[str]] = OrderedDict()  # key -> words, LRU
_local = threading.local()


def model_key(texts: list[str]) -> str:
    """Hash of a session's texts: the cache key of its language model."""
    digest = hashlib.sha256("\x1e".join(texts).encode("utf-8"))
    return digest.hexdigest()[:16]


def _write_atomically(path: Path, text: str) -> None:
    """Write `path` so that a decoder being built never reads it half-written (sessions
    with the same texts may build the same model at once, in threads or processes)."""
    partial = path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}.part")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


def prepare_model(texts: list[str]) -> str:
    """Build (or reuse) the language model for `texts`; returns its key. Blocking."""
    if not any(t.strip() for t in texts):
        return GENERAL_MODEL
    key = model_key(texts)
    with _model_lock:
        if key in _vocabularies:
            _vocabularies.move_to_end(key)
            return key
    lm = build_language_model(texts)
    _write_atomically(_model_dir / f"{key}.arpa", lm.arpa)
    _write_atomically(_model_dir / f"{key}.dict", lm.dictionary)
    with _model_lock:
        _vocabularies[key] = lm.vocabulary
        while len(_vocabularies) > MAX_CACHED_MODELS:
            old, _ = _vocabularies.popitem(last=False)
            # Decoders already built from these files keep working; new ones rebuild.
            for suffix in (".arpa", ".dict"):
                (_model_dir / f"{old}{suffix}").unlink(missing_ok=True)
    logger.debug("language model %s: %d words", key, len(lm.vocabulary))
    return key


def _decoder(key: str) -> Decoder:
    """This thread's decoder for model `key` (built on first use)."""
    cache: OrderedDict[str, Decoder] | None = getattr(_local, "decoders", None)
    if cache is None:
        cache = _local.decoders = OrderedDict()
    if key in cache:
        cache.move_to_end(key)
        return cache[key]
    options = {
        "samprate": ASR_SAMPLE_RATE_HZ,
        "loglevel": "FATAL",
        "dither": True,
        "seed": 1,
        "silprob": SILENCE_PROB,
        "topn": GAUSSIANS_PER_CODEBOOK,
        "fwdflat": FLAT_SECOND_PASS,
        **DECODER_OPTIONS,
    }
    if key != GENERAL_MODEL:
        options["lm"] = str(_model_dir / f"{key}.arpa")
        options["dict"] = str(_model_dir / f"{key}.dict")
    decoder = Decoder(**options)
    cache[key] = decoder
    if len(cache) > DECODERS_PER_THREAD:
        cache.popitem(last=False)
    return decoder


def _clean(text: str) -> str:
    return " ".join(w for w in text.split() if not w.startswith(("<", "[", "++")))


def transcribe(
    samples: np.ndarray, rate_hz: int, key: str = GENERAL_MODEL
) -> list[str]:
    """Hypotheses for int16 mono audio at `rate_hz`, best first ([] for none). Blocking."""
    pcm = resample(samples, rate_hz, ASR_SAMPLE_RATE_HZ)
    pad = np.zeros(int(PADDING_S * ASR_SAMPLE_RATE_HZ), np.int16)
    pcm = np.concatenate([pad, pcm, pad])
    decoder = _decoder(key)
    decoder.reinit_feat()  # dither noise restarts from its seed: the same audio, the same words
    decoder.start_utt()
    decoder.process_raw(pcm.tobytes(), full_utt=True)
    decoder.end_utt()
    hyp = decoder.hyp()
    best = _clean(hyp.hypstr) if hyp else ""
    if not best:
        return []
    hypotheses = [best]
    try:
        for i, alternative in enumerate(decoder.nbest()):
            if i >= NBEST:
                break
            text = _clean(alternative.hypstr)
            if text and text not in hypotheses:
                hypotheses.append(text)
    except RuntimeError:  # no lattice for this utterance: the best path is all there is
        pass
    return hypotheses
