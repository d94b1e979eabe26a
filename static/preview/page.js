// The page itself: its elements, the panels, the test hook and small view helpers.

import { EventLog } from "./eventlog.js";
import { CostMeter, LatencyTable } from "./panels.js";
import { Transcript } from "./transcript.js";

export const config = JSON.parse(document.getElementById("preview-config").textContent);
export const $ = (id) => document.getElementById(id);
export const ui = {
  root: $("content-main"), start: $("pv-start"), stop: $("pv-stop"), mode: $("pv-mode"),
  status: $("pv-status"), micLevel: $("pv-mic-level"), messages: $("pv-messages"),
  composer: $("pv-composer"), text: $("pv-text"), send: $("pv-send"), ptt: $("pv-ptt"),
  ended: $("pv-ended"), endedReason: $("pv-ended-reason"), endedLinks: $("pv-ended-links"),
  variables: $("pv-variables"), debug: $("pv-debug"), engine: $("pv-engine"),
  rateLimits: $("pv-rate-limits"),
};
const FRESH_STATE = {
  sessionId: null, framesSent: 0, bytesSent: 0, audioFramesReceived: 0, audioBytesReceived: 0,
  samplesPlayed: 0, outputRms: 0, maxOutputRms: 0, maxRmsByItem: {}, transcriptItems: 0, userTexts: [],
  assistantTexts: [], assistantItems: {}, playedItems: [], flushes: 0, playbackReports: [],
  latencies: [], errors: [], warnings: [], ended: null, audioState: "",
};

/** Counters the end-to-end tests read (and a handy console view). */
export const state = { status: "idle", micLabel: "", ...structuredClone(FRESH_STATE) };
window.previewState = state;

export const transcript = new Transcript($("pv-transcript"), $("pv-empty"));
export const log = new EventLog({
  list: $("pv-log-list"), filter: $("pv-log-filter"), direction: $("pv-log-dir"),
  copyButton: $("pv-log-copy"), audioLine: $("pv-log-audio"),
});
export const cost = new CostMeter({ rows: $("pv-cost-rows"), total: $("pv-cost-total"), prices: config.pricesPerMtok });
export const latency = new LatencyTable($("pv-latency-rows"));
export const instructionsView = {
  sections: $("pv-instr-sections"), totalEl: $("pv-instr-total"),
  warningsEl: $("pv-instr-warnings"), sourceEl: $("pv-instr-source"),
};

export function setStatus(status, label) {
  state.status = status;
  ui.status.dataset.status = status;
  ui.status.textContent = label;
  ui.root.dataset.state = status;
}

/** Show `text` above the transcript; returns its element (remove it to take it back). */
export function showMessage(text, level = "error") {
  const li = document.createElement("li");
  li.className = level;
  li.textContent = text;
  ui.messages.appendChild(li);
  if (level === "error") state.errors.push(text);
  if (level === "warning") state.warnings.push(text);
  return li;
}

export function variableValues() {
  const values = {};
  for (const input of ui.variables.querySelectorAll("input[type=text]")) values[input.name] = input.value;
  return values;
}

export function setLive(live, mode) {
  ui.start.disabled = live;
  ui.mode.disabled = live;
  ui.stop.disabled = !live;
  ui.text.disabled = !live;
  ui.send.disabled = !live;
  ui.ptt.hidden = mode !== "ptt";
  ui.micLevel.parentElement.hidden = mode === "text";
  ui.ptt.disabled = !live || mode !== "ptt";
  for (const input of ui.variables.querySelectorAll("input")) input.disabled = live;
}

/** Empty every panel and counter for a new session. */
export function resetPage() {
  ui.messages.replaceChildren();
  ui.ended.hidden = true;
  log.reset();
  latency.reset();
  transcript.reset();
  cost.reset();
  Object.assign(state, structuredClone(FRESH_STATE));
}
