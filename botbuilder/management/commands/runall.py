"""`manage.py runall`: the web server and the offline engine (and any other process of the
product) as one command, stopped together with Ctrl-C; `make run` calls it."""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from botbuilder.launcher import Proc, launch
from realtime.management.recogniser import configured_recogniser


def product_processes(*, host: str, port: int, engine_port: int) -> list[Proc]:
    """Every process `make run` starts; a new background process is one more line."""
    python = sys.executable
    manage = str(settings.BASE_DIR / "manage.py")
    # The web server's settings must point at the engine port the engine really uses.
    env = {"OFFLINE_ENGINE_PORT": str(engine_port)}
    return [
        Proc(
            "web server",
            [python, "-m", "botbuilder.serve", "-b", host, "-p", str(port)]
            + ["botbuilder.asgi:application"],
            host=host,
            port=port,
            env=env,
        ),
        Proc(
            "offline engine",
            [python, manage, "realtime_engine", "--port", str(engine_port)],
            host=settings.OFFLINE_ENGINE_HOST,
            port=engine_port,
            env=env,
        ),
        # Post-call analysis and end-of-call webhooks (the durable job queue).
        Proc("job worker", [python, manage, "analysis_worker"], env=env),
    ]


class Command(BaseCommand):
    help = (
        "Serve the product: daphne, the offline engine and the job worker, stopped "
        "together."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--engine-port",
            type=int,
            default=None,
            help="Default: OFFLINE_ENGINE_PORT.",
        )

    def handle(self, *args, **options):
        host, port = options["host"], options["port"]
        engine_port = options["engine_port"] or settings.OFFLINE_ENGINE_PORT
        configured_recogniser()  # checked first: the engine would stop at once without it
        procs = product_processes(host=host, port=port, engine_port=engine_port)
        ready = (
            f"Serving on http://{host}:{port}/admin/ (offline engine on "
            f"ws://{settings.OFFLINE_ENGINE_HOST}:{engine_port}; Ctrl-C stops everything)"
        )
        status = launch(procs, ready_message=ready)
        if status:
            sys.exit(status)
