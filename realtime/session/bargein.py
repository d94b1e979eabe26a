"""Barge-in arithmetic (pure): how much assistant audio was heard, and what text that was."""

# PCM16 mono 24 kHz is 48 bytes per millisecond; G.711 (μ-law/A-law) 8 kHz is 8.
BYTES_PER_MS = {"pcm16": 48, "pcmu": 8, "pcma": 8}
# Audio counts as "still playing" this long after its estimated end (network, jitter buffers).
PLAYBACK_MARGIN_MS = 1500


# Speech runs at about 15 characters a second (~170 words a minute): the length of a reply's
# audio while it is still being generated and its transcript has run ahead of the audio.
SPEECH_CHARS_PER_S = 15


def speech_ms_estimate(text: str) -> int:
    """How long speaking `text` takes, roughly."""
    return len(text.strip()) * 1000 // SPEECH_CHARS_PER_S


def audio_ms(n_bytes: int, bytes_per_ms: int = 48) -> int:
    """Duration in ms of `n_bytes` of audio (PCM16 24 kHz by default)."""
    return n_bytes // bytes_per_ms


def truncate_ms(played_ms: int | None, sent_ms: int) -> int:
    """`audio_end_ms` for a truncate: what was played, never more than what was sent."""
    if played_ms is None:
        return sent_ms
    return max(0, min(int(played_ms), sent_ms))


def estimated_played_ms(
    now_s: float, first_audio_at_s: float | None, sent_ms: int
) -> int:
    """Server-side guess of the played audio: time since the first byte went out, capped."""
    if first_audio_at_s is None:
        return 0
    return truncate_ms(int((now_s - first_audio_at_s) * 1000), sent_ms)


def playback_remaining_s(
    now_s: float, first_audio_at_s: float | None, sent_ms: int
) -> float:
    """Seconds until audio sent so far has finished playing (0 when it has)."""
    if first_audio_at_s is None:
        return 0.0
    return max(0.0, first_audio_at_s + sent_ms / 1000 - now_s)


def is_probably_playing(
    now_s: float, first_audio_at_s: float | None, sent_ms: int
) -> bool:
    """True while the caller may still be hearing this audio."""
    if first_audio_at_s is None or sent_ms <= 0:
        return False
    return now_s < first_audio_at_s + (sent_ms + PLAYBACK_MARGIN_MS) / 1000


def heard_prefix(text: str, played_ms: int, total_ms: int) -> str:
    """The words of `text` in proportion to the share of the audio that was played."""
    words = text.split()
    if not words or total_ms <= 0 or played_ms <= 0:
        return ""
    if played_ms >= total_ms:
        return " ".join(words)
    return " ".join(words[: round(len(words) * played_ms / total_ms)])
