"""The ASGI entry point keeps the loaded code out of the garbage collector's full scans."""

import gc


def test_loading_the_asgi_application_freezes_what_it_loaded():
    import botbuilder.asgi  # noqa: F401

    assert gc.get_freeze_count() > 10_000
