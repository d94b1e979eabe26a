"""Attributing py-spy samples to libraries (bench/profile_share.py)."""

from bench.profile_share import EVENT_LOOP, attribute, shares

LOOP = "AsyncioSelectorReactor.run (twisted/internet/asyncioreactor.py:257)"
READ = "Connection.doRead (twisted/internet/tcp.py:285)"
AUTOBAHN = "hlval (autobahn/util.py:1007)"
CLICK = "style (click/termui.py:738)"
MIDDLEWARE = "InstanceSessionWrapper.send (channels/sessions.py:175)"
LAZY = "LazyObject.__getattribute__ (django/utils/functional.py:253)"
ORM = "QuerySet.__iter__ (django/db/models/query.py:386)"
SELECTOR = "bot_snapshot (botbuilder/selectors.py:58)"


def test_a_sample_counts_for_its_leaf_frames_library():
    assert attribute([LOOP, READ]) == "Twisted"
    assert attribute([LOOP, READ, "dumps (json/__init__.py:231)"]) == "JSON (stdlib)"


def test_the_reactor_loop_as_leaf_is_the_event_loops_c_code():
    assert attribute(["<module> (botbuilder/serve.py:25)", LOOP]) == EVENT_LOOP


def test_django_under_the_session_middleware_is_the_middlewares():
    assert attribute([LOOP, MIDDLEWARE, LAZY]) == "Channels session middleware"
    assert attribute([LOOP, SELECTOR, ORM]) == "Django"


def test_an_unlisted_helper_counts_for_its_nearest_listed_caller():
    assert attribute([LOOP, READ, AUTOBAHN, CLICK]) == "autobahn"


def test_shares_are_percent_of_samples_and_can_keep_one_thread():
    lines = [
        f"thread (1): MainThread;{LOOP};{READ} 3\n",
        f"thread (1): MainThread;{LOOP};{AUTOBAHN} 1\n",
        f"thread (2): worker;{SELECTOR};{ORM} 4\n",
    ]
    assert shares(lines) == {"Twisted": 37.5, "Django": 50.0, "autobahn": 12.5}
    assert shares(lines, thread="MainThread") == {"Twisted": 75.0, "autobahn": 25.0}
