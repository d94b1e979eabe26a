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
