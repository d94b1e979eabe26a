"""Keep files in step with rows: a deleted session takes its recording with it."""

import logging

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from botbuilder.models import Session

logger = logging.getLogger(__name__)


@receiver(post_delete, sender=Session, dispatch_uid="session_recording_delete")
def session_recording_delete(sender, instance: Session, **kwargs) -> None:
    """Remove a deleted session's recording once the deletion has committed."""
    if not instance.recording:
        return
    storage, name = instance.recording.storage, instance.recording.name

    def delete_file() -> None:
        try:
            storage.delete(name)
        except OSError:
            logger.exception("Could not delete recording %s", name)

    transaction.on_commit(delete_file)
