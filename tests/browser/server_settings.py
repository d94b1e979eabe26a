"""Settings of the daphne process the browser tests start (the database comes from env)."""

from botbuilder.settings import *  # noqa: F403

# The preview route mounted even while the Bot admin does not mount it yet.
ROOT_URLCONF = "tests.preview_urls"
