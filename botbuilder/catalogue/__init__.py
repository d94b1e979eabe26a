"""The model catalogue as data: realtime and transcription models, capabilities, prices.

Pure code (no Django): forms, assembly, pricing, checks and the offline engine read it.
"""

from botbuilder.catalogue.lookup import (
    DEFAULT_REASONING_EFFORT,
    REASONING_EFFORTS,
    base_name,
    in_reasoning_family,
    is_reasoning_model,
    model_start_refusal,
    realtime_model,
    realtime_model_choices,
    realtime_model_or_default,
    successor_of,
    transcription_model,
    transcription_model_choices,
)
from botbuilder.catalogue.realtime import DEFAULT_MODEL, REALTIME_MODELS
from botbuilder.catalogue.records import (
    RealtimeModelRecord,
    Status,
    TokenPrices,
    TranscriptionModelRecord,
)
from botbuilder.catalogue.transcription import (
    DEFAULT_TRANSCRIPTION_MODEL,
    TRANSCRIPTION_MODELS,
)

__all__ = [
    "DEFAULT_MODEL",
    "DEFAULT_REASONING_EFFORT",
    "DEFAULT_TRANSCRIPTION_MODEL",
    "REALTIME_MODELS",
    "REASONING_EFFORTS",
    "TRANSCRIPTION_MODELS",
    "RealtimeModelRecord",
    "Status",
    "TokenPrices",
    "TranscriptionModelRecord",
    "base_name",
    "in_reasoning_family",
    "is_reasoning_model",
    "model_start_refusal",
    "realtime_model",
    "realtime_model_choices",
    "realtime_model_or_default",
    "successor_of",
    "transcription_model",
    "transcription_model_choices",
]
