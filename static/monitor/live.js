// Live transcript of one session. The monitor websocket sends the stored items first
// (`monitor.history`), then the relay's live events for this session, from any worker.
const RECONNECT_DELAY_MS = 3000;
// After the end, ask for the post-call analysis this often, this many times at most.
const ANALYSIS_POLL_MS = 2000;
const ANALYSIS_POLL_MAX = 90;
const ANALYSIS_FINAL = new Set(["done", "failed", "skipped"]);

const root = document.getElementById("monitor-session");
const list = document.getElementById("monitor-transcript");
const partial = document.getElementById("monitor-partial");
const connection = document.getElementById("monitor-connection");
const statusCell = document.getElementById("monitor-status");
const costCell = document.getElementById("monitor-cost");
const turnsCell = document.getElementById("monitor-turns");

const seen = new Set(); // "seq:<n>" or "call:<id>" of items already listed
const partials = new Map(); // item_id -> {role, text} of a transcript still arriving
let ended = false;

function itemKey(event) {
  if (Number.isInteger(event.seq)) return `seq:${event.seq}`;
  if (event.call_id) return `call:${event.call_id}`;
  return null;
}

function appendItem(event) {
  const key = itemKey(event);
  if (key !== null && seen.has(key)) return false;
  if (key !== null) seen.add(key);
  const li = document.createElement("li");
  const who = document.createElement("b");
  if (event.type === "tool.result") {
    li.className = "monitor-item monitor-tool";
    who.textContent = `tool ${event.name}`;
    li.append(who, ` (${event.status}): ${event.output ?? ""}`);
  } else {
    li.className = `monitor-item monitor-${event.role}`;
    who.textContent = event.role;
    li.append(who, `: ${event.text ?? ""}`);
  }
  if (Number.isInteger(event.seq)) li.dataset.seq = String(event.seq);
  list.append(li);
  return true;
}

function showPartials() {
  partial.textContent = [...partials.values()].map((p) => `${p.role}: ${p.text}`).join("  ·  ");
}

function showAnalysis(analysis) {
  const section = document.getElementById("monitor-analysis");
  section.hidden = false;
  document.getElementById("monitor-analysis-status").textContent = analysis.status;
  const verdict = analysis.status === "done"
    ? `${analysis.successful ? "Successful" : "Unsuccessful"}${analysis.flagged ? " · Flagged for review" : ""}`
    : analysis.error;
  document.getElementById("monitor-analysis-verdict").textContent = verdict ?? "";
  document.getElementById("monitor-analysis-summary").textContent = analysis.summary ?? "";
  const data = document.getElementById("monitor-analysis-data");
  data.replaceChildren();
  for (const [name, value] of Object.entries(analysis.data ?? {})) {
    const dt = document.createElement("dt");
    const dd = document.createElement("dd");
    dt.textContent = name;
    dd.textContent = value === null ? "—" : Array.isArray(value) ? value.join(", ") : String(value);
    data.append(dt, dd);
  }
}

async function pollAnalysis(round = 0) {
  if (round >= ANALYSIS_POLL_MAX) return;
  try {
    const response = await fetch(root.dataset.analysisUrl, { credentials: "same-origin" });
    const { analysis } = await response.json();
    if (analysis) showAnalysis(analysis);
    const noPlan = analysis === null && round >= 3; // queued at the end, or never
    if (!noPlan && (analysis === null || !ANALYSIS_FINAL.has(analysis.status))) {
      setTimeout(() => pollAnalysis(round + 1), ANALYSIS_POLL_MS);
    }
  } catch {
    setTimeout(() => pollAnalysis(round + 1), ANALYSIS_POLL_MS);
  }
}

function showEnded(event) {
  if (!ended) pollAnalysis();
  ended = true;
  statusCell.textContent = `${event.status ?? "ended"} (${event.reason ?? "unknown"})`;
  connection.textContent = "This session has ended.";
  for (const form of root.querySelectorAll("form")) form.remove();
}

const handlers = {
  "monitor.history"(event) {
    list.replaceChildren();
    seen.clear();
    for (const item of event.items) appendItem(item);
    turnsCell.textContent = event.session.turns;
    costCell.textContent = event.session.cost_usd;
    if (event.session.status !== "active") showEnded({ status: event.session.status, reason: event.session.end_reason });
  },
  "transcript.delta"(event) {
    const soFar = partials.get(event.item_id)?.text ?? "";
    partials.set(event.item_id, { role: event.role, text: soFar + event.delta });
    showPartials();
  },
  "transcript.done"(event) {
    partials.delete(event.item_id);
    showPartials();
    if (appendItem(event) && event.role === "assistant") {
      turnsCell.textContent = Number(turnsCell.textContent) + 1;
    }
  },
  "tool.result"(event) {
    appendItem(event);
  },
  usage(event) {
    costCell.textContent = event.cost_usd;
  },
  "session.ended"(event) {
    showEnded(event);
  },
};

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}${root.dataset.wsPath}`);
  socket.addEventListener("open", () => {
    connection.textContent = "Live.";
  });
  socket.addEventListener("message", (message) => {
    const event = JSON.parse(message.data);
    const handler = handlers[event.type];
    if (handler) handler(event);
  });
  socket.addEventListener("close", (close) => {
    if (ended) return;
    if (close.code === 4401 || close.code === 4403 || close.code === 4404) {
      connection.textContent = `The live feed refused this page (code ${close.code}).`;
      return;
    }
    connection.textContent = "Live feed lost; reconnecting…";
    setTimeout(connect, RECONNECT_DELAY_MS);
  });
}

if (root && root.dataset.active === "true") connect();
