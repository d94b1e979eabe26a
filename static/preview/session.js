// Websocket client for one preview session (realtime/browser_protocol.md).
// Emits "event" (a JSON message from the server), "audio" (an ArrayBuffer of PCM16 24 kHz),
// "sent" (a JSON message we sent) and "closed" ({code, reason, ended}).

const END_TIMEOUT_MS = 5000;

const CLOSE_REASONS = {
  1006: "The connection to the server was lost.",
  1011: "The server hit an internal error and closed the session.",
  4401: "You are not logged in (any more). Log in to the admin again and reload this page.",
  4403: "The server refused the session: you need the \"view bot\" permission, and the page must be opened from this server's own address.",
  4404: "This bot does not exist (any more).",
};

/** The websocket URL for `path` on this page's host. */
export function websocketUrl(path) {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${window.location.host}${path}`;
}

/** A readable message for an unexpected close. */
export function describeClose(code, reason) {
  const base = CLOSE_REASONS[code] || `The connection closed unexpectedly (code ${code}).`;
  return reason ? `${base} ${reason}` : base;
}

export class SessionClient extends EventTarget {
  constructor(url) {
    super();
    this.url = url;
    this.ws = null;
    this.opened = false;
    this.ended = false; // session.ended received: a close after it is expected
    this.framesSent = 0;
    this.bytesSent = 0;
  }

  /** Open the socket and send `session.start`; resolves once the socket is open. */
  connect(startMessage) {
    return new Promise((resolve, reject) => {
      let opened = false;
      const ws = new WebSocket(this.url);
      ws.binaryType = "arraybuffer";
      this.ws = ws;
      ws.onopen = () => {
        opened = true;
        this.opened = true;
        this.sendJson(startMessage);
        resolve();
      };
      ws.onmessage = (event) => this.onMessage(event.data);
      ws.onclose = (event) => {
        if (!opened) {
          // A refused handshake looks like a lost connection (1006) to the page.
          reject(new Error(event.code === 1006
            ? "The server refused or could not open the session. Check that you are still logged in and allowed to view this bot, then reload the page."
            : describeClose(event.code, event.reason)));
          return;
        }
        this.dispatchEvent(new CustomEvent("closed", {
          detail: { code: event.code, reason: event.reason, ended: this.ended },
        }));
      };
    });
  }

  get isOpen() {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  onMessage(data) {
    if (typeof data !== "string") {
      this.dispatchEvent(new CustomEvent("audio", { detail: data }));
      return;
    }
    let message;
    try {
      message = JSON.parse(data);
    } catch (err) {
      message = { type: "error", reason: `Unreadable message from the server: ${data.slice(0, 200)}`, code: "bad_json", fatal: false };
    }
    if (message.type === "session.ended") this.ended = true;
    this.dispatchEvent(new CustomEvent("event", { detail: message }));
  }

  /** Send a JSON message (returns false when the socket is not open). */
  sendJson(message) {
    if (!this.isOpen) return false;
    this.ws.send(JSON.stringify(message));
    this.dispatchEvent(new CustomEvent("sent", { detail: message }));
    return true;
  }

  /** Send one binary frame of caller audio (PCM16 mono 24 kHz). */
  sendAudio(buffer) {
    if (!this.isOpen) return false;
    this.ws.send(buffer);
    this.framesSent += 1;
    this.bytesSent += buffer.byteLength;
    return true;
  }

  /** Ask the server to end the session; closes the socket after session.ended or a timeout. */
  end() {
    if (!this.isOpen) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.removeEventListener("closed", finish);
        resolve();
      };
      const timer = setTimeout(() => {
        this.close();
        finish();
      }, END_TIMEOUT_MS);
      this.addEventListener("closed", finish);
      this.addEventListener("event", (event) => {
        if (event.detail.type === "session.ended") setTimeout(() => this.close(), 0);
      });
      this.sendJson({ type: "session.end" });
    });
  }

  close() {
    if (this.ws && this.ws.readyState <= WebSocket.OPEN) this.ws.close(1000, "page closed the session");
  }
}
