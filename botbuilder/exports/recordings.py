"""Writes: attach a finished recording to its session."""

from pathlib import Path

from django.core.files import File

from botbuilder.models import Session


def session_recording_save(*, session: Session, path: str | Path) -> str:
    """Store the WAV at `path` as the session's recording; returns the storage name."""
    with open(path, "rb") as fh:
        session.recording.save(f"{session.pk.hex}.wav", File(fh), save=False)
    Session.objects.filter(pk=session.pk).update(recording=session.recording.name)
    return session.recording.name


# A WAV file of this size or less holds a header and no audio.
WAV_HEADER_BYTES = 44


def recording_playable(session: Session) -> bool:
    """True when the session has a stored recording with audio in it."""
    if not session.recording:
        return False
    try:
        return session.recording.size > WAV_HEADER_BYTES
    except OSError:  # missing from the storage
        return False
