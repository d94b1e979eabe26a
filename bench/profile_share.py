"""Share of a py-spy profile's samples per library: who owns the relay's per-frame cost.

Reads `py-spy record --format raw` output (one line per distinct stack: frames separated
by ";", leaf last, then the sample count) and attributes each sample to the library of its
leaf frame (self time: C code counts for the Python frame that called it), with three
refinements: Django code called by Channels' session middleware counts as the
middleware's (it reads the lazy session on every message sent); helpers no listed library
owns (click, which autobahn calls to colour debug lines, contextlib) count for their
nearest listed caller; and samples whose leaf is the reactor's run loop are the event
loop's own C code (uvloop: epoll, callbacks).

Record, then read (from the project root):

    py-spy record -p <worker pid> -d 10 -r 250 --threads --format raw -o relay.raw
    python -m bench.profile_share relay.raw --thread MainThread

(The relay runs on the worker's main thread; thread-pool workers waiting for work are not
always seen as idle by py-spy, hence `--thread`.)
"""

import argparse
import json
import re
from collections import Counter
from collections.abc import Iterable

# (path prefix inside site-packages or the project, label); the first match wins.
LIBRARIES = (
    ("realtime/consumers/dispatch.py", "our dispatch (realtime/consumers/dispatch.py)"),
    ("realtime/consumers/", "our consumer (realtime/consumers/)"),
    ("realtime/", "our session core and upstream client (realtime/)"),
    ("botbuilder/", "our code (botbuilder/)"),
    ("channels/sessions.py", "Channels session middleware"),
    ("channels/", "Channels"),
    ("daphne/", "daphne"),
    ("autobahn/", "autobahn"),
    ("txaio/", "autobahn (txaio)"),
    ("twisted/", "Twisted"),
    ("websockets/", "websockets (the upstream client)"),
    ("json/", "JSON (stdlib)"),
    ("base64.py", "base64 (stdlib)"),
    ("asyncio/", "asyncio (stdlib)"),
    ("asgiref/", "asgiref"),
    ("django/", "Django"),
)
EVENT_LOOP = "event loop in C (uvloop: epoll, callbacks)"
LOOP_FRAMES = ("AsyncioSelectorReactor.run", "run_forever", "run_until_complete")
FRAME_RE = re.compile(r"^(?P<function>.*) \((?P<path>[^()]*?)(?::\d+)?\)$")


def library_of(path: str) -> str:
    """The label of the library a source path (as py-spy prints it) belongs to."""
    for prefix, label in LIBRARIES:
        if path.startswith(prefix):
            return label
    return f"other ({path.split('/', 1)[0]})"


def attribute(frames: list[str]) -> str:
    """The label one sample's stack (outermost first, leaf last) is charged to."""
    parsed = [m.groupdict() for f in frames if (m := FRAME_RE.match(f))]
    if not parsed:
        return "other"
    leaf = parsed[-1]
    if leaf["function"] in LOOP_FRAMES:
        return EVENT_LOOP
    label = library_of(leaf["path"])
    if label == "Django":
        for frame in reversed(parsed):  # the nearest caller outside Django decides
            if not frame["path"].startswith("django/"):
                if frame["path"].startswith("channels/sessions.py"):
                    return "Channels session middleware"
                break
    elif label.startswith("other"):
        # A helper no library here owns (click, contextlib): its nearest known caller's.
        for frame in reversed(parsed):
            known = library_of(frame["path"])
            if not known.startswith("other"):
                return known
    return label


def shares(lines: Iterable[str], thread: str = "") -> dict[str, float]:
    """Percent of samples per label, largest first; only `thread`'s if given."""
    counts: Counter[str] = Counter()
    for line in lines:
        stack, _, count = line.rstrip().rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")
        if frames[0].startswith("thread ("):
            if thread and thread not in frames[0]:
                continue
            frames = frames[1:]
        counts[attribute(frames)] += int(count)
    total = sum(counts.values()) or 1
    return {k: round(v * 100 / total, 1) for k, v in counts.most_common()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw", help="py-spy record --format raw output")
    parser.add_argument(
        "--thread", default="", help="only this thread (e.g. MainThread)"
    )
    args = parser.parse_args()
    with open(args.raw) as f:
        print(json.dumps(shares(f, args.thread), indent=1))


if __name__ == "__main__":
    main()
