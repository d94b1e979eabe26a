"""Setup for bench/engine_eval.py: the demo session, caller audio, the simulated relay.

Four question sets, each asked typed and spoken:
  - "tune": botbuilder/demo.py EVAL_QUESTIONS in CALLER_VOICES (the engine was tuned on it);
  - "dev": other wordings in other voices (tune on it too);
  - "dev2": callers' own words in voices of its own (engine_dev2.py): tune on it too;
  - "heldout": callers' own words in voices of its own (engine_heldout.py): never tune on
    it, report it.
"""

import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.engine_dev2 import (  # noqa: E402
    DEV2_QUESTIONS,
    DEV2_SNR_DB,
    DEV2_VOICES,
    DEV2_VOICES_PER_QUESTION,
)
from bench.engine_heldout import (  # noqa: E402
    HELDOUT_QUESTIONS,
    HELDOUT_SNR_DB,
    HELDOUT_VOICES,
    HELDOUT_VOICES_PER_QUESTION,
)
from botbuilder import demo  # noqa: E402
from botbuilder.assembly import (  # noqa: E402
    BotSpec,
    Snapshot,
    SnippetSpec,
    ToolSpec,
    VoiceSpec,
    assemble,
)
from realtime.engine.tts import synthesize  # noqa: E402

# Caller voices (eSpeak variant, words per minute, pitch): deliberately not only the
# engine's own default voice.
CALLER_VOICES = [
    ("en-us+klatt3", 165, 50),
    ("en-us+klatt5", 145, 40),
    ("en-us+f2", 180, 60),
    ("en-us+klatt", 155, 45),
    ("en-us+klatt4", 175, 55),
]
CHUNK_MS = 20
SAMPLE_RATE_HZ = 24000
LEAD_SILENCE_S = 0.4
TAIL_SILENCE_S = 1.2
SEED = 20261121


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def demo_assembly():
    """The demo bot's session, assembled from botbuilder/demo.py without a database."""
    bot_fields = {
        k: v for k, v in demo.BOT.items() if k in BotSpec.__dataclass_fields__
    }
    voice_data = next(v for v in demo.VOICES if v["name"] == demo.BOT_VOICE)
    voice = VoiceSpec(
        **{k: v for k, v in voice_data.items() if k in VoiceSpec.__dataclass_fields__}
    )
    snippets = tuple(
        SnippetSpec(
            id=i + 1,
            **{k: v for k, v in s.items() if k in SnippetSpec.__dataclass_fields__},
        )
        for i, s in enumerate(demo.SNIPPETS)
    )
    tool_keys = (
        "name",
        "description",
        "parameters",
        "kind",
        "builtin",
        "say_while_working",
    )
    tools = tuple(
        ToolSpec(**{k: v for k, v in t.items() if k in tool_keys}) for t in demo.TOOLS
    )
    snapshot = Snapshot(
        bot=BotSpec(**bot_fields), voice=voice, snippets=snippets, tools=tools
    )
    return assemble(snapshot), snapshot


class Search:
    """The relay's side of search_knowledge, simulated with BM25 over retrieved snippets."""

    def __init__(self, snapshot: Snapshot, retrievable_ids: list[int]):
        import bm25s

        self.docs = [s for s in snapshot.snippets if s.id in retrievable_ids]
        corpus = [f"{s.title}. {s.title}. {s.content}" for s in self.docs]
        self.index = bm25s.BM25()
        self.index.index([self.tokens(text) for text in corpus], show_progress=False)

    @staticmethod
    def tokens(text: str) -> list[str]:
        """Lower-case words without stopwords, light suffix stemming (like the relay's)."""
        stop = set(
            "a an and are as at be by can could do does for from have how i in is it "
            "me my of on or our please the to was we what when where which who why "
            "will with would you your".split()
        )
        out = []
        for word in re.findall(r"[a-z0-9]+", text.lower()):
            if word in stop:
                continue
            for suffix in ("ings", "ing", "ies", "ied", "es", "ed", "s"):
                if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                    word = word[: -len(suffix)]
                    break
            out.append(word.rstrip("e") if len(word) > 3 else word)
        return out

    def __call__(self, query: str) -> dict:
        tokens = [t for t in self.tokens(query) if t in self.index.vocab_dict]
        if not tokens:
            return {"results": []}
        tokens = [tokens]
        ids, scores = self.index.retrieve(
            tokens, k=min(3, len(self.docs)), show_progress=False
        )
        return {
            "results": [
                {"title": self.docs[i].title, "content": self.docs[i].content}
                for i, score in zip(ids[0], scores[0], strict=True)
                if score > 0
            ]
        }


def tool_output(name: str, arguments: dict, search: Search) -> dict:
    if name == "search_knowledge":
        return search(str(arguments.get("query", "")))
    if name == "get_order_status":
        number = arguments.get("order_number", "")
        return {
            "order_number": number,
            "status": "shipped",
            "expected_delivery": "in two working days",
        }
    if name == "transfer_to_human":
        return {"status": "transferred"}
    return {"status": "ended"}


def caller_audio(
    text: str, voice: tuple[str, int, int], snr_db: float, rng: np.random.Generator
) -> tuple[np.ndarray, int]:
    """(int16 24 kHz audio with noise, index where the speech ends)."""
    name, rate, pitch = voice
    speech = synthesize(text, voice=name, rate_wpm=rate, pitch=pitch).astype(np.float32)
    voiced = np.nonzero(np.abs(speech) > 300)[0]
    end = int(voiced[-1]) + 1 if voiced.size else speech.size
    lead = int(LEAD_SILENCE_S * SAMPLE_RATE_HZ)
    pcm = np.concatenate(
        [np.zeros(lead), speech[:end], np.zeros(int(TAIL_SILENCE_S * SAMPLE_RATE_HZ))]
    )
    speech_rms = float(np.sqrt(np.mean(speech[:end] ** 2)))
    noise = rng.normal(0, speech_rms / 10 ** (snr_db / 20), pcm.size)
    hum = (
        0.3
        * noise.std()
        * np.sin(2 * np.pi * 50 * np.arange(pcm.size) / SAMPLE_RATE_HZ)
    )
    mixed = np.clip(pcm + noise + hum, -32768, 32767).astype(np.int16)
    return mixed, lead + end


def start_engine(port: int) -> subprocess.Popen:
    """`manage.py realtime_engine` on `port`, once it accepts connections."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "botbuilder.settings",
        "LOG_LEVEL": "WARNING",
    }
    command = [
        sys.executable,
        "manage.py",
        "realtime_engine",
        "--port",
        str(port),
        "--max-session-s",
        "0",
    ]
    engine = subprocess.Popen(command, cwd=ROOT, env=env)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), 0.1).close()
            break
        except OSError:
            time.sleep(0.1)
    return engine


# Tuning set: the demo's topics asked in other words, in voices the eval does not use.
DEV_QUESTIONS = [
    ("what time do you open", "Opening hours"),
    ("is the shop open on saturday", "Opening hours"),
    ("can i send something back", "Return policy"),
    ("how do i get my money back", "Return policy"),
    ("what does shipping cost", "Shipping costs and times"),
    ("how fast is express shipping", "Shipping costs and times"),
    ("can you deliver on saturday", "Weekend delivery"),
    ("my order arrived damaged", "Damaged items"),
    ("the box was broken when it came", "Damaged items"),
    ("do you take credit cards", "Payment methods"),
    ("can i pay by debit card", "Payment methods"),
    ("how do i change my address", "Changing a delivery address"),
    ("please cancel my acme plus subscription", "Cancelling a subscription"),
    ("what is the status of my order seven eight nine", "get_order_status"),
    ("when will my package arrive", "ask:get_order_status"),
    ("i want to speak to an agent", "transfer_to_human"),
    ("let me talk to someone", "transfer_to_human"),
    ("okay thanks bye", "end_call"),
]
DEV_VOICES = [
    ("en-us+m3", 160, 45),
    ("en-us+klatt2", 150, 50),
    ("en-us+f3", 170, 65),
    ("en-us+m7", 175, 40),
]


@dataclass(frozen=True)
class Case:
    """One question: typed and spoken wordings, the expected answer, the caller voices."""

    typed: str
    spoken: str
    expected: str
    voices: tuple[tuple[str, int, int], ...]


def _every_voice(questions, voices) -> list[Case]:
    return [Case(q, q, expected, tuple(voices)) for q, expected in questions]


def _rotating_voices(questions, voices, per) -> list[Case]:
    """Each question in `per` of `voices`, in turn."""
    n = len(voices)
    return [
        Case(typed, spoken, expected, tuple(voices[(i + k) % n] for k in range(per)))
        for i, (typed, spoken, expected) in enumerate(questions)
    ]


# name: (cases, seed of the noise, SNR in dB)
QUESTION_SETS = {
    "tune": (_every_voice(demo.EVAL_QUESTIONS, CALLER_VOICES), SEED, 20.0),
    "dev": (_every_voice(DEV_QUESTIONS, DEV_VOICES), SEED + 1, 20.0),
    "dev2": (
        _rotating_voices(DEV2_QUESTIONS, DEV2_VOICES, DEV2_VOICES_PER_QUESTION),
        SEED + 3,
        DEV2_SNR_DB,
    ),
    "heldout": (
        _rotating_voices(
            HELDOUT_QUESTIONS, HELDOUT_VOICES, HELDOUT_VOICES_PER_QUESTION
        ),
        SEED + 2,
        HELDOUT_SNR_DB,
    ),
}
