"""Input transcription models and their prices (platforms reference §1.1–1.3)."""

from datetime import date

from botbuilder.catalogue.records import Status, TranscriptionModelRecord

# whisper-1 and the gpt-4o transcribe models shut down on this day (reported, §1.1).
TRANSCRIBE_SHUTDOWN = date(2027, 2, 26)
DEFAULT_TRANSCRIPTION_MODEL = "gpt-live-transcribe"

TRANSCRIPTION_MODELS: tuple[TranscriptionModelRecord, ...] = (
    TranscriptionModelRecord(
        name="gpt-live-transcribe",
        label="gpt-live-transcribe (live audio, languages and keywords)",
        usd_per_minute=0.017,
        languages_and_keywords=True,
        source="developers.openai.com/api/docs/models/gpt-live-transcribe.md",
    ),
    TranscriptionModelRecord(
        name="gpt-transcribe",
        label="gpt-transcribe (high accuracy per turn, languages and keywords)",
        usd_per_minute=0.0045,
        languages_and_keywords=True,
        source="developers.openai.com/api/docs/models/gpt-transcribe",
    ),
    TranscriptionModelRecord(
        name="gpt-realtime-whisper",
        label="gpt-realtime-whisper (streaming, lowest latency)",
        usd_per_minute=0.017,
        takes_prompt=False,
        source="developers.openai.com/api/docs/models/gpt-realtime-whisper.md",
    ),
    # Token-billed models: USD per 1M tokens (OpenAI pricing page; not in the reference).
    TranscriptionModelRecord(
        name="gpt-4o-mini-transcribe",
        label="gpt-4o-mini-transcribe (retiring 2027-02-26)",
        token_prices={"audio_in": 3.00, "text_in": 1.25, "text_out": 5.00},
        status=Status.LEGACY,
        shutdown=TRANSCRIBE_SHUTDOWN,
        successor="gpt-live-transcribe",
    ),
    TranscriptionModelRecord(
        name="gpt-4o-transcribe",
        label="gpt-4o-transcribe (retiring 2027-02-26)",
        token_prices={"audio_in": 6.00, "text_in": 2.50, "text_out": 10.00},
        status=Status.LEGACY,
        shutdown=TRANSCRIBE_SHUTDOWN,
        successor="gpt-live-transcribe",
    ),
    TranscriptionModelRecord(
        name="whisper-1",
        label="whisper-1 (retiring 2027-02-26)",
        usd_per_minute=0.006,
        status=Status.LEGACY,
        shutdown=TRANSCRIBE_SHUTDOWN,
        successor="gpt-live-transcribe",
    ),
)
