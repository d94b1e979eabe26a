"""Two-sided recording of a session (bot.record_audio), behind the runner's Recorder hook.

The runner hands the recorder caller audio (`add_caller`) and bot audio (`add_bot`) at their
place on the session clock, cuts bot audio a barge-in flushed (`cut_bot`), and at the end
calls `finish(path)` in a thread; the WAV is then stored with the session
(`botbuilder.services.sessions.session_recording_store`). The WAV writing itself is
`botbuilder.exports.wav.StereoRecorder`: caller left, bot right, PCM16 24 kHz.
"""

import asyncio
import logging
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from botbuilder.exports.wav import BOT, StereoRecorder
from realtime.session.transport import Recorder

logger = logging.getLogger(__name__)


class SessionRecorder:
    """`StereoRecorder` as the runner's Recorder (PCM16 mono 24 kHz on both sides).

    The recorder spools to files; those writes run on one thread of its own, in the order
    they were made, so a frame's call on the event loop only queues the work.
    """

    def __init__(self) -> None:
        self._wav = StereoRecorder()
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="recorder")

    def add_caller(self, audio: bytes, at_ms: int) -> None:
        self._submit(self._wav.add_caller, audio, at_ms)

    def add_bot(self, audio: bytes, at_ms: int) -> None:
        self._submit(self._wav.add_bot, audio, at_ms)

    def cut_bot(self, at_ms: int) -> None:
        self._submit(self._wav.truncate, BOT, at_ms)

    def _submit(self, write, *args) -> None:
        self._writer.submit(write, *args).add_done_callback(_log_failure)

    def finish(self, path: str) -> None:
        self._writer.shutdown(wait=True)  # every queued write is on the spool
        try:
            self._wav.write(path)
        finally:
            self._wav.close()


async def finish_recording(recorder: Recorder, store: Any) -> None:
    """Write the recording to a temporary WAV (in a thread) and have it stored."""
    try:
        path = await asyncio.to_thread(_temporary_wav_path)
        await asyncio.to_thread(recorder.finish, path)
    except Exception:
        logger.exception("Writing the recording failed")
        return
    store.save_recording(path)


def _temporary_wav_path() -> str:
    fd, path = tempfile.mkstemp(prefix="session-", suffix=".wav")
    os.close(fd)
    return path


def _log_failure(future) -> None:
    if future.exception() is not None:
        logger.error("Recording a chunk failed", exc_info=future.exception())


def make_recorder(*, record_audio: bool, audio_format: str) -> Recorder | None:
    """A recorder for a session of a bot with record_audio on, else None."""
    if not record_audio:
        return None
    if audio_format != "pcm16":  # phone calls (μ-law) need decoding first: phone issue
        logger.warning("Recording %s sessions is not supported yet", audio_format)
        return None
    return SessionRecorder()
