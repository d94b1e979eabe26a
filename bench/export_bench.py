"""Export benchmark: one 10,000-item session, from the database, in every format.

Run: `.venv/bin/python bench/export_bench.py [--items N]`. Builds a throwaway SQLite
database in a temp directory (migrated, never the project's own), stores a session with
N items (caller and bot turns, tool calls every tenth item, interruptions, non-ASCII text),
then exports it through the real path (selector → renderer → UTF-8 chunks) per format.
Prints one JSON line per format: wall time (without tracing), peak traced memory (a second
run under tracemalloc), output size, and the target (≤ 1 s).
"""

import argparse
import json
import os
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path

TARGET_S = 1.0
ROOT = Path(__file__).resolve().parent.parent


def setup_django(tmp: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(tmp / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "botbuilder.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_session(items: int):
    from botbuilder.models import Session, TranscriptItem

    session = Session.objects.create(
        id=uuid.uuid4(),
        bot_name="Bench bot",
        status="completed",
        config_snapshot={"session": {"instructions": "You are a benchmark. " * 50}},
    )
    rows = []
    for seq in range(items):
        start = seq * 2500
        fields = {"started_ms": start, "ended_ms": start + 2000}
        if seq % 10 == 9:
            fields.update(
                role="tool",
                kind="function_call",
                tool_name="get_order_status",
                tool_call_id=f"call_{seq}",
                tool_arguments={"order_number": str(1000 + seq)},
                tool_result=f"Order {1000 + seq} ships tomorrow to 東京.",
                tool_status="ok",
                tool_duration_ms=120,
            )
        elif seq % 2:
            fields.update(
                role="user",
                text=f"Turn {seq}: Grüße, I'd like to ask about order {1000 + seq}, "
                "and my e-mail is jane.doe@example.com.",
            )
        else:
            text = f"Turn {seq}: thank you, the café order is on its way and should arrive soon."
            interrupted = seq % 14 == 0
            fields.update(
                role="assistant",
                text=text,
                interrupted=interrupted,
                heard_text=text[:30] if interrupted else "",
                latency_ms=600 + seq % 300,
            )
        rows.append(TranscriptItem(session=session, seq=seq, **fields))
    TranscriptItem.objects.bulk_create(rows, batch_size=2000)
    return session


def consume(chunks) -> int:
    return sum(len(chunk) for chunk in chunks)


def measure(session, fmt: str, redact: bool) -> dict:
    from botbuilder.exports.services import session_export

    started = time.perf_counter()
    size = consume(session_export(session=session, fmt=fmt, redact=redact))
    seconds = time.perf_counter() - started
    tracemalloc.start()
    consume(session_export(session=session, fmt=fmt, redact=redact))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "format": fmt + (" (redacted)" if redact else ""),
        "seconds": round(seconds, 3),
        "peak_mib": round(peak / 2**20, 2),
        "output_mib": round(size / 2**20, 2),
        "target_s": TARGET_S,
        "within_target": seconds <= TARGET_S,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="export-bench-") as tmp:
        setup_django(Path(tmp))
        from botbuilder.exports.formats import TEXT_FORMATS

        session = build_session(args.items)
        for fmt in TEXT_FORMATS:
            print(
                json.dumps({"items": args.items, **measure(session, fmt, False)}),
                flush=True,
            )
        for fmt in ("json", "txt"):
            print(
                json.dumps({"items": args.items, **measure(session, fmt, True)}),
                flush=True,
            )


if __name__ == "__main__":
    main()
