// The live transcript: partial text while each side speaks, final text in conversation order
// (`seq`), interrupted replies visibly cut, tool calls inline.

const ROLE_LABELS = { user: "Caller", assistant: "Bot" };
const OPEN_RESULT_MAX_CHARS = 400; // longer tool results start folded

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function pretty(value) {
  if (typeof value === "string") {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch (err) {
      return value;
    }
  }
  return JSON.stringify(value, null, 2);
}

export class Transcript {
  constructor(container, emptyNote) {
    this.container = container;
    this.emptyNote = emptyNote;
    this.entries = new Map(); // item_id or call_id -> {node, order, role, ...}
    this.maxSeq = 0;
    this.arrivals = 0;
    this.doneCount = 0;
    this.typedCount = 0;
    this.pendingTyped = []; // local ids of typed messages the server has not confirmed yet
  }

  /** Remove every entry (a new session starts). */
  reset() {
    for (const entry of this.entries.values()) entry.node.remove();
    this.container.querySelectorAll(":scope > .pv-entry").forEach((node) => node.remove());
    this.entries.clear();
    this.pendingTyped = [];
    this.maxSeq = 0;
    this.doneCount = 0;
    if (this.emptyNote) this.emptyNote.hidden = false;
  }

  /** Provisional order for an entry without `seq`: after everything known so far. */
  provisionalOrder() {
    this.arrivals += 1;
    return this.maxSeq + 0.5 + this.arrivals * 1e-6;
  }

  place(entry) {
    const siblings = [...this.container.querySelectorAll(":scope > .pv-entry")];
    const next = siblings.find((node) => node !== entry.node && Number(node.dataset.order) > entry.order);
    entry.node.dataset.order = String(entry.order);
    if (next) this.container.insertBefore(entry.node, next);
    else this.container.appendChild(entry.node);
    if (this.emptyNote) this.emptyNote.hidden = true;
    this.scroll();
  }

  scroll() {
    this.container.scrollTop = this.container.scrollHeight;
  }

  message(role, itemId) {
    let entry = this.entries.get(itemId);
    if (entry) return entry;
    const node = el("div", `pv-entry pv-${role} pv-partial`);
    node.dataset.itemId = itemId;
    const head = el("div", "pv-entry-head");
    head.append(el("span", "pv-role", ROLE_LABELS[role] || role), el("span", "pv-meta"));
    const text = el("div", "pv-text");
    node.append(head, text);
    entry = { node, text, meta: head.lastChild, role, order: this.provisionalOrder(), partial: "", final: null };
    this.entries.set(itemId, entry);
    this.place(entry);
    return entry;
  }

  speechStarted(itemId) {
    const entry = this.message("user", itemId);
    entry.node.classList.add("pv-speaking");
  }

  speechStopped(itemId) {
    const entry = this.message("user", itemId);
    entry.node.classList.remove("pv-speaking");
  }

  /** A typed message: shown at once, re-keyed when the server confirms it with an item id. */
  typed(text) {
    this.typedCount += 1;
    const localId = `local:${this.typedCount}`;
    const entry = this.message("user", localId);
    entry.final = text;
    entry.text.textContent = text;
    entry.node.classList.remove("pv-partial");
    entry.node.classList.add("pv-typed");
    this.pendingTyped.push(localId);
  }

  adoptTyped(itemId, text) {
    const index = this.pendingTyped.findIndex((id) => this.entries.get(id).final.trim() === (text || "").trim());
    if (index < 0) return;
    const [localId] = this.pendingTyped.splice(index, 1);
    const entry = this.entries.get(localId);
    this.entries.delete(localId);
    this.entries.set(itemId, entry);
    entry.node.dataset.itemId = itemId;
    entry.final = null;
  }

  delta(role, itemId, delta) {
    const entry = this.message(role, itemId);
    if (entry.final !== null) return;
    entry.partial += delta;
    entry.text.textContent = entry.partial;
    this.scroll();
  }

  done(role, itemId, text, seq) {
    // Typed messages come back without an item id: key them by their place in the conversation.
    if (!itemId) itemId = `seq:${seq}`;
    if (role === "user" && !this.entries.has(itemId)) this.adoptTyped(itemId, text);
    const entry = this.message(role, itemId);
    if (entry.final === null) this.doneCount += 1;
    entry.final = text;
    entry.node.classList.remove("pv-partial", "pv-speaking");
    if (!entry.truncated) entry.text.textContent = text || "(nothing understood)";
    if (!text) entry.node.classList.add("pv-blank");
    if (Number.isFinite(seq)) {
      entry.order = seq;
      this.maxSeq = Math.max(this.maxSeq, seq);
      this.place(entry);
    }
  }

  truncated(itemId, heardText, text) {
    const entry = this.message("assistant", itemId);
    entry.truncated = true;
    entry.node.classList.remove("pv-partial");
    entry.node.classList.add("pv-interrupted");
    const full = text || entry.final || entry.partial || "";
    const heard = heardText || "";
    const unheard = full.startsWith(heard) ? full.slice(heard.length) : full;
    entry.text.replaceChildren(el("span", "pv-heard", heard), el("del", "pv-unheard", unheard));
    entry.meta.textContent = "interrupted";
    entry.meta.title = "The caller heard only the first part; the struck-through rest was generated but not played.";
  }

  latency(itemId, parts) {
    const entry = this.entries.get(itemId);
    if (!entry) return;
    let box = entry.node.querySelector(".pv-entry-latency");
    if (!box) {
      box = el("div", "pv-entry-latency");
      entry.node.appendChild(box);
    }
    box.textContent = parts.filter(Boolean).join(" · ");
  }

  toolCall(callId, name, args) {
    const node = el("div", "pv-entry pv-tool pv-running");
    const head = el("div", "pv-entry-head");
    const status = el("span", "pv-tool-status", "running…");
    head.append(el("span", "pv-role", "Tool"), el("code", "pv-tool-name", name), status, el("span", "pv-meta"));
    const argsBox = el("details", "pv-tool-args");
    argsBox.append(el("summary", "", "Arguments"), el("pre", "", pretty(args)));
    argsBox.open = true;
    node.append(head, argsBox);
    const entry = { node, status, meta: head.lastChild, order: this.provisionalOrder() };
    this.entries.set(`call:${callId}`, entry);
    this.place(entry);
  }

  toolResult(callId, name, status, output, durationMs) {
    let entry = this.entries.get(`call:${callId}`);
    if (!entry) {
      this.toolCall(callId, name, "");
      entry = this.entries.get(`call:${callId}`);
    }
    entry.node.classList.remove("pv-running");
    entry.node.classList.add(`pv-tool-${status === "ok" ? "ok" : "failed"}`);
    entry.status.textContent = status;
    entry.meta.textContent = Number.isFinite(durationMs) ? `${durationMs} ms` : "";
    const result = el("details", "pv-tool-result");
    const shown = pretty(output);
    result.append(el("summary", "", "Result"), el("pre", "", shown));
    result.open = shown.length <= OPEN_RESULT_MAX_CHARS;
    entry.node.appendChild(result);
    this.scroll();
  }

  note(text, kind = "info") {
    const node = el("div", `pv-entry pv-note pv-note-${kind}`, text);
    this.place({ node, order: this.provisionalOrder() });
  }

  /** Final texts by role, in display order (for the test hook). */
  texts(role) {
    return [...this.entries.values()]
      .filter((e) => e.role === role && e.final !== null)
      .sort((a, b) => a.order - b.order)
      .map((e) => e.final);
  }
}
