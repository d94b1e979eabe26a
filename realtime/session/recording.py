"""Hook for the optional two-sided recording (bot.record_audio).

The runner feeds a recorder caller audio (`add_caller`) and bot audio (`add_bot`) with their
position on the session clock, and calls `finish(path)` in a thread when the session ends;
the file is then linked to `Session.recording`. The WAV writer itself lives in
`botbuilder.exports.wav` (StereoRecorder); `make_recorder` is where it is plugged in.
"""

from pathlib import Path

from realtime.session.transport import Recorder

RECORDINGS_DIR = "recordings"


def recording_target(
    media_root: Path, session_id: str, year: int, month: int
) -> tuple[str, str]:
    """(absolute path, name relative to MEDIA_ROOT) of a session's recording."""
    name = f"{RECORDINGS_DIR}/{year:04d}/{month:02d}/{session_id}.wav"
    return str(Path(media_root) / name), name


def make_recorder(*, record_audio: bool, audio_format: str) -> Recorder | None:
    """A recorder for a session of a bot with record_audio, else None.

    Not plugged in yet: returns None until botbuilder.exports.wav.StereoRecorder is wired here
    (caller left, bot right; PCM16 24 kHz for the browser, μ-law 8 kHz for phone calls).
    """
    return None
