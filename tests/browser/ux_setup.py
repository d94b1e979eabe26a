"""Data for the session-page, dashboard and preview browser tests.

Run as `python -m tests.browser.ux_setup <command>` in the daphne process's environment
(see `LiveServer.env`); prints JSON. `history`: a recorded session and a week of sessions
(its id and the days they span); `text-bot URL`: a text-only bot whose model is at URL;
`broken-bot`: a bot whose model server does not answer.
"""

import io
import json
import math
import os
import sys
import wave
from datetime import timedelta
from decimal import Decimal

import django

RATE_HZ = 24_000
RECORDING_S = 12


def tone_wav() -> bytes:
    """Stereo PCM16 24 kHz: a quiet 220 Hz tone on the left, 330 Hz on the right."""
    frames = bytearray()
    for n in range(RATE_HZ * RECORDING_S):
        left = int(3000 * math.sin(2 * math.pi * 220 * n / RATE_HZ))
        right = int(3000 * math.sin(2 * math.pi * 330 * n / RATE_HZ))
        frames += left.to_bytes(2, "little", signed=True)
        frames += right.to_bytes(2, "little", signed=True)
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(2)
        wav.setframerate(RATE_HZ)
        wav.writeframes(bytes(frames))
    return out.getvalue()


ITEMS = [
    {"role": "assistant", "text": "Hello, this is Acme Shop. How can I help?",
     "started_ms": 0, "ended_ms": 2500},
    {"role": "user", "text": "Where is my order 4567?", "upstream_item_id": "item_u1",
     "started_ms": 3000, "ended_ms": 5000},
    {"role": "tool", "kind": "function_call", "tool_name": "get_order_status",
     "tool_arguments": {"order_number": "4567"}, "tool_status": "ok",
     "tool_result": "Order 4567 ships tomorrow.", "tool_duration_ms": 140,
     "started_ms": 5200, "ended_ms": 5340},
    {"role": "assistant", "text": "Your order ships tomorrow and should arrive by Friday.",
     "heard_text": "Your order ships tomorrow", "interrupted": True,
     "latency_ms": 640, "started_ms": 6000, "ended_ms": 9000},
    {"role": "user", "text": "Thanks, that is all.", "started_ms": 9500,
     "ended_ms": 9500},
]  # fmt: skip


def history() -> dict:
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from botbuilder.models import Bot, Session, TranscriptItem

    bots = list(Bot.objects.order_by("pk")[:2])
    now = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    recorded = Session.objects.create(
        bot=bots[0], bot_name=bots[0].name, model=bots[0].model,
        connection_kind="offline", engine="offline rehearsal engine",
        status="completed", end_reason="client_ended", ended_at=now + timedelta(seconds=12),
        audio_in_tokens=2_000, audio_out_tokens=4_000, turn_count=2,
        config_snapshot={"session": {"instructions": "Be brief. " * 200}},
    )  # fmt: skip
    recorded.recording.save(f"{recorded.pk.hex}.wav", ContentFile(tone_wav()))
    Session.objects.filter(pk=recorded.pk).update(started_at=now)  # after save()
    for seq, item in enumerate(ITEMS):
        TranscriptItem.objects.create(session=recorded, seq=seq, **item)
    # A week of sessions for the dashboard: both bots, paid and offline, with latencies.
    for days_ago in range(1, 7):
        for index, bot in enumerate(bots):
            for n in range(days_ago % 3 + index + 1):
                started = now - timedelta(days=days_ago, hours=n)
                paid = index == 0
                session = Session.objects.create(
                    bot=bot, bot_name=bot.name, model=bot.model,
                    connection_kind="openai" if paid else "offline",
                    status="completed", ended_at=started + timedelta(minutes=2 + n),
                    cost_usd=Decimal("0.12") * (n + 1) if paid else Decimal(0),
                    audio_in_tokens=6_000, audio_out_tokens=9_000,
                )  # fmt: skip
                Session.objects.filter(pk=session.pk).update(started_at=started)
                for seq in range(4):
                    TranscriptItem.objects.create(
                        session=session, seq=seq, role="assistant", text="ok",
                        latency_ms=500 + 120 * seq + 60 * days_ago + 200 * index,
                    )  # fmt: skip
    return {
        "session_id": str(recorded.pk),
        "bot_ids": [bot.pk for bot in bots],
        "since": (now - timedelta(days=6)).date().isoformat(),
        "until": now.date().isoformat(),
    }


def compatible_bot(slug: str, url: str, **fields) -> dict:
    """A bot that waits for the caller, its model an OpenAI-compatible server at `url`."""
    from botbuilder.models import Bot, Connection

    connection, _ = Connection.objects.update_or_create(
        name=slug, defaults={"kind": "compatible", "base_url": url}
    )
    bot, _ = Bot.objects.update_or_create(
        slug=slug,
        defaults={"name": slug, "instructions": "Echo.", "greeting_mode": "wait",
                  "connection": connection, **fields},
    )  # fmt: skip
    return {"bot_id": bot.pk}


def main(command: str = "history", *args: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "botbuilder.settings")
    django.setup()
    if command == "text-bot":
        result = compatible_bot("text-only-echo", args[0], output_modality="text")
    elif command == "broken-bot":
        # Port 9 (discard) has no listener on the test machine: the connection fails.
        result = compatible_bot(
            "broken-model", "ws://127.0.0.1:9/v1", record_audio=True
        )
    else:
        result = history()
    print(json.dumps(result))


if __name__ == "__main__":
    main(*sys.argv[1:])
