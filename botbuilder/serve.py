"""Serve the project with daphne, tuned for the audio relay (see botbuilder/serving.py).

`python -m botbuilder.serve [daphne's arguments]`, e.g.
`python -m botbuilder.serve -b 127.0.0.1 -p 8000 botbuilder.asgi:application`.
The event loop is uvloop unless `EVENT_LOOP=asyncio` (settings.EVENT_LOOP).
"""

import os

from botbuilder.serving import (
    install_eager_writes,
    install_lean_autobahn,
    install_reactor,
)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "botbuilder.settings")
    from django.conf import settings

    install_reactor(settings.EVENT_LOOP)
    install_eager_writes()
    install_lean_autobahn()
    from daphne.cli import CommandLineInterface

    CommandLineInterface.entrypoint()


if __name__ == "__main__":
    main()
