"""Debian's stock firefox-esr, headless, driven over its native WebDriver BiDi socket.

No geckodriver and no downloaded browser build: `firefox-esr --remote-debugging-port 0`
prints the socket it listens on, and `tests/browser/bidi.py` talks to it.

Firefox runs Web Audio only on a real output stream: without a sound server its
AudioContext stays "suspended" (no worklet runs, nothing is captured or played), so each
browser gets a private PulseAudio with a null sink (Debian's pulseaudio, unix socket only).
"""

import json
import os
import re
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from websockets.sync.client import connect

from tests.browser.bidi import BidiClient

FIREFOX_PATH = "/usr/bin/firefox-esr"
PULSEAUDIO_PATH = "/usr/bin/pulseaudio"
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0
LISTENING_RE = re.compile(r"WebDriver BiDi listening on (ws://127\.0\.0\.1:\d+)")
DEAD_PORT_URL = (
    "http://127.0.0.1:9"  # the discard port: nothing listens, requests fail fast
)

PREFS: dict[str, object] = {
    # What the preview page needs: a fake microphone (a tone), no prompt, audio may play.
    "media.navigator.streams.fake": True,
    "media.navigator.permission.disabled": True,
    "media.autoplay.default": 0,
    "media.autoplay.blocking_policy": 0,
    "media.cubeb.backend": "pulse-rust",  # the private sound server only, never ALSA
    # WebDriver BiDi only (no CDP).
    "remote.active-protocols": 1,
    # No first-run pages, default-browser check, updates, telemetry, studies.
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.page": 0,
    "browser.startup.homepage_override.mstone": "ignore",
    "startup.homepage_welcome_url": "about:blank",
    "browser.aboutwelcome.enabled": False,
    "app.update.enabled": False,
    "app.update.auto": False,
    "app.normandy.enabled": False,
    "app.shield.optoutstudies.enabled": False,
    "messaging-system.rsexperimentloader.enabled": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "datareporting.healthreport.uploadEnabled": False,
    "toolkit.telemetry.enabled": False,
    "toolkit.telemetry.server": DEAD_PORT_URL,
    "browser.ping-centre.telemetry": False,
    "browser.newtabpage.enabled": False,
    "browser.backup.enabled": False,
    "extensions.update.enabled": False,
    "extensions.getAddons.cache.enabled": False,
    "extensions.blocklist.enabled": False,
    "browser.search.update": False,
    # No background network traffic at all.
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "network.dns.disablePrefetch": True,
    "network.prefetch-next": False,
    "network.http.speculative-parallel-limit": 0,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "browser.safebrowsing.downloads.enabled": False,
    "browser.safebrowsing.blockedURIs.enabled": False,
    "browser.safebrowsing.provider.google4.updateURL": "",
    "browser.safebrowsing.provider.mozilla.updateURL": "",
    "services.settings.server": DEAD_PORT_URL,
    "browser.region.network.url": "",
    "geo.provider.network.url": "",
    # Loopback only: any other address goes through a proxy on a dead loopback port.
    # 127.0.0.1 and localhost bypass proxies (network.proxy.allow_hijacking_localhost).
    "network.proxy.type": 1,
    "network.proxy.share_proxy_settings": True,
    "network.proxy.http": "127.0.0.1",
    "network.proxy.http_port": 9,
    "network.proxy.ssl": "127.0.0.1",
    "network.proxy.ssl_port": 9,
    "network.proxy.socks_remote_dns": True,
    "network.proxy.no_proxies_on": "",
    "network.proxy.allow_hijacking_localhost": False,
}


def write_profile(profile_dir: Path) -> None:
    """A fresh profile whose user.js holds PREFS."""
    profile_dir.mkdir(parents=True, exist_ok=True)
    lines = [f"user_pref({json.dumps(k)}, {json.dumps(v)});" for k, v in PREFS.items()]
    (profile_dir / "user.js").write_text("\n".join(lines) + "\n")


def wait_for_socket_url(process: subprocess.Popen, log_path: Path) -> str:
    """The ws:// address Firefox prints once BiDi listens."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        found = LISTENING_RE.search(log_path.read_text(errors="replace"))
        if found:
            return found.group(1) + "/session"
        if process.poll() is not None:
            break
        time.sleep(0.05)
    raise RuntimeError(
        f"firefox-esr did not open its BiDi socket in {START_TIMEOUT_S} s:\n"
        + log_path.read_text(errors="replace")[-3000:]
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def running_sound_server(workdir: Path) -> Iterator[str]:
    """A private PulseAudio whose only output is a null sink; yields its PULSE_SERVER."""
    workdir.mkdir(parents=True, exist_ok=True)
    socket_path = workdir / "pulse-native"
    log_path = workdir / "pulseaudio.log"
    env = {**os.environ, "HOME": str(workdir), "XDG_RUNTIME_DIR": str(workdir)}
    env["PULSE_RUNTIME_PATH"] = str(workdir)
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                PULSEAUDIO_PATH,
                "-n",  # no default.pa: only the two modules below
                "--daemonize=no",
                "--exit-idle-time=-1",
                "--use-pid-file=no",
                "--system=false",
                "-L",
                "module-null-sink sink_name=silence",
                "-L",
                f"module-native-protocol-unix socket={socket_path} auth-anonymous=1",
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not socket_path.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    "pulseaudio did not start:\n" + log_path.read_text(errors="replace")
                )
            time.sleep(0.05)
        yield f"unix:{socket_path}"
    finally:
        stop(process)


@contextmanager
def running_firefox(
    workdir: Path, *, sound_output: bool = True
) -> Iterator[BidiClient]:
    """Start headless firefox-esr with a fresh profile; yields a started BiDi session.

    Without `sound_output` Firefox gets no sound server, as on a machine with no output
    device."""
    if not sound_output:
        with _running_firefox(workdir, f"unix:{workdir / 'no-sound-server'}") as client:
            yield client
        return
    with running_sound_server(workdir / "pulse") as pulse_server:
        with _running_firefox(workdir, pulse_server) as client:
            yield client


@contextmanager
def _running_firefox(workdir: Path, pulse_server: str) -> Iterator[BidiClient]:
    profile = workdir / "profile"
    write_profile(profile)
    log_path = workdir / "firefox.log"
    env = {
        **os.environ,
        "HOME": str(workdir),  # nothing lands in the real home directory
        "MOZ_CRASHREPORTER_DISABLE": "1",
        "PULSE_SERVER": pulse_server,
    }
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                FIREFOX_PATH,
                "--headless",
                "--no-remote",
                "--remote-debugging-port",
                "0",  # Firefox picks a free port and prints it
                "--profile",
                str(profile),
                "about:blank",
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        url = wait_for_socket_url(process, log_path)
        with connect(url, max_size=None, open_timeout=START_TIMEOUT_S) as ws:
            client = BidiClient(ws)
            client.start()
            try:
                yield client
            finally:
                client.end()
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=STOP_TIMEOUT_S)  # browser.close lets it exit cleanly
    finally:
        stop(process)
