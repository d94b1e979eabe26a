"""A small WebDriver BiDi client (https://w3c.github.io/webdriver-bidi/) over a sync websocket.

Enough to drive one tab of a browser that speaks BiDi natively (Firefox): open a session,
navigate, evaluate scripts, set cookies, take screenshots, collect console messages.
"""

import base64
import itertools
import json
import time
from contextlib import suppress
from pathlib import Path
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection

COMMAND_TIMEOUT_S = 30.0
POLL_INTERVAL_S = 0.1
BROWSER_CLOSE_TIMEOUT_S = 5.0
ENTER_KEY = "\ue007"  # WebDriver's code point for the Enter key


class BidiError(RuntimeError):
    """A command answered with an error, or a script threw."""


class BidiClient:
    """One BiDi session on an open websocket; commands block until their answer arrives."""

    def __init__(self, ws: ClientConnection):
        self.ws = ws
        self.ids = itertools.count(1)
        self.context = ""  # the top-level browsing context (tab) commands go to
        self.console: list[str] = []  # "level: text" of log.entryAdded events

    def command(
        self, method: str, params: dict, timeout_s: float = COMMAND_TIMEOUT_S
    ) -> dict:
        """Send a command; returns its `result`, keeping the events that arrive meanwhile."""
        command_id = next(self.ids)
        self.ws.send(json.dumps({"id": command_id, "method": method, "params": params}))
        deadline = time.monotonic() + timeout_s
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise BidiError(f"{method}: no answer in {timeout_s} s")
            try:
                message = json.loads(self.ws.recv(timeout=remaining))
            except TimeoutError:
                raise BidiError(f"{method}: no answer in {timeout_s} s") from None
            if message.get("id") == command_id:
                if message.get("type") == "error":
                    raise BidiError(
                        f"{method}: {message.get('error')}: {message.get('message')}"
                    )
                return message["result"]
            self.on_event(message)

    def on_event(self, message: dict) -> None:
        if message.get("method") == "log.entryAdded":
            entry = message["params"]
            self.console.append(f"{entry.get('level')}: {entry.get('text')}")

    def start(self) -> dict:
        """session.new, console subscription, and the first tab as the target context."""
        capabilities = self.command("session.new", {"capabilities": {}})["capabilities"]
        self.command("session.subscribe", {"events": ["log.entryAdded"]})
        tree = self.command("browsingContext.getTree", {"maxDepth": 0})
        self.context = tree["contexts"][0]["context"]
        return capabilities

    def end(self) -> None:
        """Close the browser (the answer may not arrive before the socket closes)."""
        with suppress(BidiError, ConnectionClosed):
            self.command("browser.close", {}, timeout_s=BROWSER_CLOSE_TIMEOUT_S)

    def set_viewport(self, width: int, height: int) -> None:
        self.command(
            "browsingContext.setViewport",
            {"context": self.context, "viewport": {"width": width, "height": height}},
        )

    def navigate(self, url: str) -> None:
        """Load `url` in the tab and wait for its load event."""
        self.command(
            "browsingContext.navigate",
            {"context": self.context, "url": url, "wait": "complete"},
        )

    def set_cookie(
        self, *, name: str, value: str, domain: str, path: str = "/"
    ) -> None:
        """Set an HttpOnly cookie (document.cookie could not) in the default partition."""
        self.command(
            "storage.setCookie",
            {
                "cookie": {
                    "name": name,
                    "value": {"type": "string", "value": value},
                    "domain": domain,
                    "path": path,
                    "httpOnly": True,
                    "secure": False,
                    "sameSite": "lax",
                }
            },
        )

    def _evaluate(self, expression: str, timeout_s: float) -> dict:
        """The remote value of `expression` (a promise is awaited) in the tab."""
        result = self.command(
            "script.evaluate",
            {
                "expression": expression,
                "target": {"context": self.context},
                "awaitPromise": True,
            },
            timeout_s=timeout_s,
        )
        if result["type"] == "exception":
            details = result["exceptionDetails"]
            raise BidiError(f"script threw: {details.get('text')}")
        return result["result"]

    def evaluate(self, expression: str, timeout_s: float = COMMAND_TIMEOUT_S) -> Any:
        """The value of `expression` in the tab, passed through JSON (promises awaited)."""
        value = self._evaluate(
            f"(async () => JSON.stringify(await ({expression})))()", timeout_s
        )
        return json.loads(value["value"]) if value.get("type") == "string" else None

    def click(self, selector: str) -> None:
        """A real mouse click (trusted events, user activation) in the element's centre."""
        node = self._evaluate(f"document.querySelector({json.dumps(selector)})", 10.0)
        if node.get("type") != "node":
            raise BidiError(f"no element matches {selector!r}")
        element = {"type": "element", "element": {"sharedId": node["sharedId"]}}
        self.perform(
            {
                "type": "pointer",
                "id": "mouse",
                "parameters": {"pointerType": "mouse"},
                "actions": [
                    {"type": "pointerMove", "x": 0, "y": 0, "origin": element},
                    {"type": "pointerDown", "button": 0},
                    {"type": "pointerUp", "button": 0},
                ],
            }
        )

    def type_text(self, text: str) -> None:
        """Type `text` with real key events into the focused element."""
        actions = []
        for char in text:
            actions += [
                {"type": "keyDown", "value": char},
                {"type": "keyUp", "value": char},
            ]
        self.perform({"type": "key", "id": "keyboard", "actions": actions})

    def press_enter(self) -> None:
        self.perform(
            {
                "type": "key",
                "id": "keyboard",
                "actions": [
                    {"type": "keyDown", "value": ENTER_KEY},
                    {"type": "keyUp", "value": ENTER_KEY},
                ],
            }
        )

    def perform(self, source: dict) -> None:
        """input.performActions with one input source."""
        self.command(
            "input.performActions", {"context": self.context, "actions": [source]}
        )

    def wait_until(self, condition: str, timeout_s: float) -> bool:
        """Poll the JS `condition` until it is truthy; False when `timeout_s` ran out."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.evaluate(f"Boolean({condition})"):
                return True
            time.sleep(POLL_INTERVAL_S)
        return False

    def screenshot(self, *, path: str, full_page: bool = True) -> None:
        """Save a PNG of the whole document (or the viewport); Playwright's signature."""
        result = self.command(
            "browsingContext.captureScreenshot",
            {
                "context": self.context,
                "origin": "document" if full_page else "viewport",
            },
        )
        Path(path).write_bytes(base64.b64decode(result["data"]))
