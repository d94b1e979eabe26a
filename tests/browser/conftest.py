"""Browser tests: the real ASGI app in daphne, the offline engine, headless Debian chromium.

daphne runs as a subprocess on a file SQLite database (migrated once per run), so the rows
it writes are read back with `server_setup dump` in the same environment. The offline engine
fixture (tests/fixtures/engine.py) runs in this process on a free 127.0.0.1 port.
"""

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.firefox import FIREFOX_PATH, running_firefox
from tests.browser.harness import (
    CHROMIUM_ARGS,
    CHROMIUM_PATH,
    SCREENSHOT_DIR,
    LiveServer,
    migrate,
    running_server,
)
from tests.browser.speech import SpeechWav

SAVED_SCREENSHOTS: list[Path] = []  # listed at the end of the run


@pytest.fixture(scope="session")
def migrated_db(tmp_path_factory) -> Path:
    """A migrated SQLite file, copied by every server the tests start."""
    path = tmp_path_factory.mktemp("browser-db") / "template.sqlite3"
    migrate(path)
    return path


@pytest.fixture(scope="session")
def preview_server(
    migrated_db, offline_engine, tmp_path_factory
) -> Iterator[LiveServer]:
    """daphne serving the project (HTTP + websockets) for the whole run, demo bots seeded."""
    workdir = tmp_path_factory.mktemp("preview-server")
    with running_server(
        migrated_db, workdir, offline_engine.host, offline_engine.port
    ) as server:
        yield server


@pytest.fixture
def disposable_server(migrated_db, offline_engine, tmp_path) -> Iterator[LiveServer]:
    """A server of its own, for a test that stops it."""
    with running_server(
        migrated_db, tmp_path, offline_engine.host, offline_engine.port
    ) as server:
        yield server


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call_failed = report.failed
    return report


@pytest.fixture(scope="session")
def speech(tmp_path_factory) -> SpeechWav:
    """Builds fake-microphone WAV files from synthesised speech."""
    return SpeechWav(tmp_path_factory.mktemp("speech"))


@pytest.fixture
def launch_browser(request):
    """Start headless chromium with `wav` as the microphone; returns (context, page)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM_PATH).exists():
        pytest.fail(
            f"{CHROMIUM_PATH} is missing: run `bash scripts/install-browsers.sh` (make test does)."
        )
    manager = sync_playwright()
    playwright = manager.start()
    contexts = []
    servers: list[LiveServer] = []
    console: list[str] = []

    def launch(wav: Path, server: LiveServer, *, allow_microphone: bool = True):
        args = [*CHROMIUM_ARGS, f"--use-file-for-fake-audio-capture={wav}%noloop"]
        if allow_microphone:
            args.append(
                "--use-fake-ui-for-media-stream"
            )  # accept the permission prompt
        context = playwright.chromium.launch_persistent_context(
            tempfile.mkdtemp(prefix="chromium-profile-"),
            executable_path=CHROMIUM_PATH,
            headless=True,
            args=args,
            viewport={"width": 1440, "height": 1000},
        )
        contexts.append(context)
        servers.append(server)
        context.add_cookies(
            [{"name": "sessionid", "value": server.cookie, "url": server.url}]
        )
        page = context.pages[0] if context.pages else context.new_page()
        page.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}"))
        page.on("pageerror", lambda err: console.append(f"pageerror: {err}"))
        return context, page

    yield launch
    for context in contexts:
        context.close()
    manager.__exit__(None, None, None)
    if getattr(request.node, "rep_call_failed", False):
        print("---- browser console ----\n" + "\n".join(console[-80:]))
        for server in servers:
            print("---- daphne log ----\n" + server.log_tail())


@pytest.fixture
def firefox(request, tmp_path):
    """Headless Debian firefox-esr (fake microphone: a tone) as a BiDi client."""
    if not Path(FIREFOX_PATH).exists():
        pytest.fail(
            f"{FIREFOX_PATH} is missing: run `bash scripts/install-browsers.sh` (make test does)."
        )
    with running_firefox(tmp_path / "firefox") as browser:
        yield browser
        if getattr(request.node, "rep_call_failed", False):
            print("---- firefox console ----\n" + "\n".join(browser.console[-80:]))


@pytest.fixture
def screenshot(request):
    """Save a full-page screenshot under artifacts/screenshots/ and print its path."""

    def take(page, label: str) -> Path:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        name = request.node.name.replace("[", "-").replace("]", "")
        path = SCREENSHOT_DIR / f"{name}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        SAVED_SCREENSHOTS.append(path)
        print(f"screenshot: {path}")
        return path

    return take


def pytest_terminal_summary(terminalreporter):
    """List the screenshots this run saved (artifacts for a reviewer, not committed)."""
    if SAVED_SCREENSHOTS:
        terminalreporter.section("preview page screenshots")
        for path in SAVED_SCREENSHOTS:
            terminalreporter.write_line(str(path))
