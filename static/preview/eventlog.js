// The event log: every JSON event both ways, audio frames as running counts, a type and
// direction filter, and a Copy button (JSON).

const MAX_ENTRIES = 5000;
const MAX_ROWS = 400; // DOM rows kept; the copy holds every entry
const SAMPLES_PER_S = 24000;

function summary(message) {
  const { type, ...rest } = message;
  const text = JSON.stringify(rest);
  return text.length > 140 ? `${text.slice(0, 140)}…` : text;
}

export class EventLog {
  constructor({ list, filter, direction, copyButton, audioLine }) {
    this.list = list;
    this.filter = filter;
    this.direction = direction;
    this.audioLine = audioLine;
    this.entries = [];
    this.t0 = performance.now();
    this.audio = { in: { frames: 0, bytes: 0 }, out: { frames: 0, bytes: 0 } };
    filter.addEventListener("input", () => this.render());
    direction.addEventListener("change", () => this.render());
    copyButton.addEventListener("click", () => this.copy(copyButton));
  }

  reset() {
    this.entries = [];
    this.t0 = performance.now();
    this.audio = { in: { frames: 0, bytes: 0 }, out: { frames: 0, bytes: 0 } };
    this.list.replaceChildren();
    this.renderAudio();
  }

  /** Log a JSON event; `dir` is "in" (server → page) or "out" (page → server). */
  add(dir, message) {
    let type = message.type || "?";
    // Debug mode: name upstream events by their own type, e.g. "upstream.in.response.done".
    if (type === "upstream.event" && message.event) type = `upstream.${message.direction}.${message.event.type}`;
    const entry = { t_ms: Math.round(performance.now() - this.t0), dir, type, event: message };
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES) this.entries.shift();
    if (this.matches(entry)) {
      this.list.appendChild(this.row(entry));
      while (this.list.childElementCount > MAX_ROWS) this.list.firstElementChild.remove();
      this.list.scrollTop = this.list.scrollHeight;
    }
  }

  /** Count an audio frame instead of listing it. */
  addAudio(dir, bytes) {
    const counter = this.audio[dir];
    counter.frames += 1;
    counter.bytes += bytes;
    if (counter.frames % 10 === 1) this.renderAudio();
  }

  renderAudio() {
    const part = (label, c) => `${label} ${c.frames} frames, ${(c.bytes / 2 / SAMPLES_PER_S).toFixed(1)} s`;
    this.audioLine.textContent = `Audio: ${part("↑ sent", this.audio.out)} · ${part("↓ received", this.audio.in)}`;
  }

  /** Type filter: words separated by spaces or commas; "!word" hides matching types. */
  matches(entry) {
    const dir = this.direction.value;
    if (dir && entry.dir !== dir) return false;
    const type = entry.type.toLowerCase();
    const words = this.filter.value.toLowerCase().split(/[\s,]+/).filter(Boolean);
    const hide = words.filter((w) => w.startsWith("!")).map((w) => w.slice(1)).filter(Boolean);
    const show = words.filter((w) => !w.startsWith("!"));
    if (hide.some((w) => type.includes(w))) return false;
    return show.length === 0 || show.some((w) => type.includes(w));
  }

  row(entry) {
    const li = document.createElement("li");
    li.className = `pv-log-${entry.dir}`;
    const details = document.createElement("details");
    const head = document.createElement("summary");
    const time = document.createElement("span");
    time.className = "pv-log-t";
    time.textContent = `${(entry.t_ms / 1000).toFixed(2)}s`;
    const arrow = document.createElement("span");
    arrow.className = "pv-log-dir";
    arrow.textContent = entry.dir === "in" ? "←" : "→";
    arrow.title = entry.dir === "in" ? "server → page" : "page → server";
    const type = document.createElement("code");
    type.textContent = entry.type;
    const brief = document.createElement("span");
    brief.className = "pv-log-brief";
    brief.textContent = summary(entry.event);
    head.append(time, arrow, type, brief);
    const pre = document.createElement("pre");
    pre.textContent = JSON.stringify(entry.event, null, 2);
    details.append(head, pre);
    li.appendChild(details);
    return li;
  }

  render() {
    const rows = this.entries.filter((e) => this.matches(e)).slice(-MAX_ROWS).map((e) => this.row(e));
    this.list.replaceChildren(...rows);
  }

  /** The filtered entries plus the audio counts, as JSON. */
  toJson() {
    return JSON.stringify({ audio: this.audio, events: this.entries.filter((e) => this.matches(e)) }, null, 2);
  }

  async copy(button) {
    const text = this.toJson();
    let ok = false;
    try {
      await navigator.clipboard.writeText(text);
      ok = true;
    } catch (err) {
      const area = document.createElement("textarea");
      area.value = text;
      document.body.appendChild(area);
      area.select();
      ok = document.execCommand("copy");
      area.remove();
    }
    const label = button.textContent;
    button.textContent = ok ? "Copied" : "Copy failed";
    setTimeout(() => { button.textContent = label; }, 1500);
  }
}
