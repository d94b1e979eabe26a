"""Speech recognition state: every turn is decoded on its own, model files appear whole."""

import threading

import numpy as np

from realtime.engine import asr
from realtime.engine.tts import synthesize

TEXTS = ["Our opening hours are Monday to Friday from nine to six. We ship parcels."]


def noisy(text: str, seed: int) -> np.ndarray:
    speech = synthesize(text, voice="en-us+klatt3").astype(np.float64)
    noise = np.random.default_rng(seed).normal(0, 300, speech.size)
    return np.clip(speech + noise, -32768, 32767).astype(np.int16)


def test_a_turn_is_heard_the_same_whatever_the_decoder_heard_before():
    """Decoders are shared by sessions on a worker thread: one caller's audio (level,
    channel) must not change how the next caller's words are recognised."""
    key = asr.prepare_model(TEXTS)
    turn = noisy("what are your opening hours", seed=1)
    loud_other = (noisy("do you ship parcels on friday", seed=2) * 0.1).astype(np.int16)
    first = asr.transcribe(turn, 24000, key)
    for _ in range(3):
        asr.transcribe(loud_other, 24000, key)
    assert first
    assert asr.transcribe(turn, 24000, key) == first


def test_model_files_are_never_read_half_written(tmp_path):
    """Sessions with the same texts may build the same model at once: a reader sees the
    old file or the new one, never a truncated one."""
    path = tmp_path / "model.arpa"
    versions = ["a" * 2_000_000, "b" * 3_000_000]
    asr._write_atomically(path, versions[0])
    seen: set[int] = set()
    done = threading.Event()

    def write():
        for i in range(30):
            asr._write_atomically(path, versions[i % 2])
        done.set()

    writer = threading.Thread(target=write)
    writer.start()
    while not done.is_set():
        seen.add(len(path.read_text(encoding="utf-8")))
    writer.join()
    assert seen <= {len(v) for v in versions}
    # and no partial files are left behind
    assert [p.name for p in tmp_path.iterdir()] == ["model.arpa"]


def test_decoders_score_sounds_with_the_tuned_acoustic_settings():
    """More Gaussians per codebook and no flat second pass (bench/README.md, offline
    engine): the settings must reach every decoder the engine builds."""
    key = asr.prepare_model(TEXTS)
    asr.transcribe(noisy("we ship parcels", seed=3), 24000, key)
    config = asr._decoder(key).config
    assert config["topn"] == asr.GAUSSIANS_PER_CODEBOOK == 12
    assert config["fwdflat"] is asr.FLAT_SECOND_PASS is False
    assert config["silprob"] == asr.SILENCE_PROB
