// One preview session: the socket, the audio and the bookkeeping between them.

import { AudioEngine, samplesToMs } from "./audio.js";
import {
  config, cost, instructionsView, latency, log, setLive, setStatus, showMessage, state,
  transcript, ui, variableValues,
} from "./page.js";
import { formatMs, renderInstructions } from "./panels.js";
import { SessionClient, describeClose, websocketUrl } from "./session.js";

const DRAIN_TIMEOUT_MS = 15000; // longest goodbye we wait for before closing the audio
const MIN_PTT_MS = 150; // shorter presses are a slip of the finger: drop their audio
// Firefox keeps an AudioContext "suspended" while no output device can be opened: then no
// worklet runs, so nothing is captured or played, and the page must say so.
const AUDIO_NOT_RUNNING = "The browser's audio has not started (is a sound output device available?). "
  + "Until it does, the bot cannot be heard and the microphone is not captured.";

/** Dispatches server events to `on_<type>` methods (dots become underscores). */
export class PreviewRun {
  constructor(mode) {
    this.mode = mode;
    this.audio = new AudioEngine();
    this.client = new SessionClient(websocketUrl(config.wsPath));
    this.currentItem = null; // assistant item the incoming binary frames belong to
    this.flushed = new Set();
    this.turnStart = null; // {at, typed}: when the caller finished the pending turn
    this.turnStarts = new Map(); // assistant item_id -> {at, typed} of the turn it answers
    this.pttDown = null;
    this.pttFrames = 0;
    this.started = false;
    this.fatal = false; // a fatal server error explains the close that follows
    this.stopping = false;
  }

  async start() {
    setStatus("connecting", "Connecting…");
    this.watchAudioState(await this.audio.openOutput());
    this.audio.addEventListener("started", (e) => this.onPlaybackStarted(e.detail));
    this.audio.addEventListener("level", (e) => {
      const { rms, maxRms, playedSamples, itemId } = e.detail;
      state.outputRms = rms;
      state.maxOutputRms = Math.max(state.maxOutputRms, maxRms);
      state.samplesPlayed = playedSamples;
      if (itemId) state.maxRmsByItem[itemId] = Math.max(state.maxRmsByItem[itemId] || 0, rms);
    });
    this.client.addEventListener("event", (e) => this.onEvent(e.detail));
    this.client.addEventListener("audio", (e) => this.onAudio(e.detail));
    this.client.addEventListener("sent", (e) => log.add("out", e.detail));
    this.client.addEventListener("closed", (e) => this.onClosed(e.detail));
    await this.client.connect({
      type: "session.start", variables: variableValues(),
      push_to_talk: this.mode === "ptt", debug: ui.debug.checked,
    });
  }

  watchAudioState(ctx) {
    state.audioState = ctx.state;
    let warning = ctx.state === "running" ? null : showMessage(AUDIO_NOT_RUNNING, "warning");
    ctx.addEventListener("statechange", () => {
      state.audioState = ctx.state;
      if (ctx.state === "running" && warning) {
        warning.remove();
        warning = null;
      }
    });
  }

  async startMicrophone() {
    try {
      state.micLabel = await this.audio.openMicrophone();
    } catch (err) {
      showMessage(err.message || String(err));
      showMessage("The session goes on: type your messages below.", "warning");
      return;
    }
    this.audio.addEventListener("frame", (e) => this.onFrame(e.detail));
    this.audio.addEventListener("mic-ended", () => showMessage("The microphone was disconnected."));
  }

  onFrame({ pcm, rms }) {
    if (state.status !== "live") return; // a frame still in flight after the end
    ui.micLevel.style.width = `${Math.min(100, Math.round(Math.sqrt(rms) * 250))}%`;
    if (!this.started || (this.mode === "ptt" && this.pttDown === null)) return;
    const bytes = pcm.byteLength;
    if (!this.client.sendAudio(pcm)) return;
    if (this.pttDown !== null) this.pttFrames += 1;
    state.framesSent = this.client.framesSent;
    state.bytesSent = this.client.bytesSent;
    log.addAudio("out", bytes);
  }

  onAudio(buffer) {
    state.audioFramesReceived += 1;
    state.audioBytesReceived += buffer.byteLength;
    log.addAudio("in", buffer.byteLength);
    if (this.currentItem === null || this.flushed.has(this.currentItem)) return;
    if (config.outputModality === "text") return; // a text-only bot is read, not heard
    this.audio.enqueue(this.currentItem, buffer);
  }

  onPlaybackStarted({ itemId, at }) {
    state.playedItems.push(itemId);
    const start = this.turnStarts.get(itemId);
    if (start === undefined) return;
    const played = at - start.at;
    const turn = latency.set(itemId, { played });
    state.latencies.push({ itemId, played_ms: Math.round(played) });
    this.showTurnLatency(itemId, turn);
  }

  showTurnLatency(itemId, turn) {
    transcript.latency(itemId, [
      Number.isFinite(turn.endpointing) && `endpointing ${formatMs(turn.endpointing)}`,
      Number.isFinite(turn.response) && `first audio ${formatMs(turn.response)} (server)`,
      Number.isFinite(turn.played) && `played ${formatMs(turn.played)} (browser)`,
    ]);
  }

  /** Stop the bot's audio now and tell the server how much of `itemId` was heard. */
  async flushPlayback(itemId, { onlyIfPlaying = false } = {}) {
    this.flushed.add(itemId);
    const { played, dropped } = await this.audio.flush();
    if (onlyIfPlaying && dropped === 0) return; // it had finished: nothing was cut
    const playedMs = samplesToMs(played[itemId] || 0);
    state.flushes += 1;
    state.playbackReports.push({ item_id: itemId, played_ms: playedMs });
    // onlyIfPlaying marks a cut made here (push-to-talk), not one the server asked for.
    this.client.sendJson({
      type: "playback", item_id: itemId, played_ms: playedMs, interrupted: onlyIfPlaying,
    });
  }

  onEvent(msg) {
    log.add("in", msg);
    const handler = this[`on_${msg.type.replace(/\./g, "_")}`];
    if (handler) handler.call(this, msg);
  }

  on_session_started(msg) {
    this.started = true;
    state.sessionId = msg.session_id;
    if (msg.engine) {
      ui.engine.textContent = msg.engine;
      ui.engine.dataset.source = "session";
    }
    setStatus("live", this.mode === "ptt" ? "Live: hold to talk" : this.mode === "text" ? "Live: type below" : "Live: listening");
    setLive(true, this.mode);
    if (msg.instructions) renderInstructions(instructionsView, msg.instructions, "live, as sent to the model");
    if (this.mode !== "text") this.startMicrophone();
    (this.mode === "ptt" ? ui.ptt : ui.text).focus();
  }

  on_speech_started(msg) {
    transcript.speechStarted(msg.item_id);
  }

  on_speech_stopped(msg) {
    transcript.speechStopped(msg.item_id);
    // Same reference as the server's response_ms: the moment the turn was detected
    // (the endpointing delay before it is shown apart).
    this.turnStart = { at: performance.now(), typed: false };
  }

  on_playback_flush(msg) {
    this.flushPlayback(msg.item_id);
  }

  on_response_audio_started(msg) {
    this.currentItem = msg.item_id;
    transcript.message("assistant", msg.item_id);
    if (this.turnStart !== null) {
      this.turnStarts.set(msg.item_id, this.turnStart);
      this.turnStart = null;
    }
  }

  on_transcript_delta(msg) {
    transcript.delta(msg.role, msg.item_id, msg.delta || "");
  }

  on_transcript_done(msg) {
    transcript.done(msg.role, msg.item_id, msg.text || "", msg.seq);
    state.transcriptItems = transcript.doneCount;
    state.userTexts = transcript.texts("user");
    state.assistantTexts = transcript.texts("assistant");
    if (msg.role === "assistant") state.assistantItems[msg.item_id] = msg.text || "";
  }

  on_item_truncated(msg) {
    transcript.truncated(msg.item_id, msg.heard_text, msg.text);
  }

  on_tool_call(msg) {
    transcript.toolCall(msg.call_id, msg.name, msg.arguments);
  }

  on_tool_result(msg) {
    transcript.toolResult(msg.call_id, msg.name, msg.status, msg.output, msg.duration_ms);
  }

  on_turn_latency(msg) {
    const start = this.turnStarts.get(msg.item_id);
    // A typed message has no endpointing: the server waits for no silence.
    const endpointing = start && start.typed ? null : msg.endpointing_ms;
    const turn = latency.set(msg.item_id, { response: msg.response_ms, endpointing });
    this.showTurnLatency(msg.item_id, turn);
  }

  on_usage(msg) {
    cost.update(msg);
  }

  /** The model's rate limits (`rate_limits.updated`): what is left of each, as it reports. */
  on_rate_limits(msg) {
    const limits = msg.rate_limits || [];
    if (!limits.length) return;
    ui.rateLimits.textContent = "Rate limits: " + limits
      .map((l) => `${l.name} ${l.remaining ?? "?"} of ${l.limit ?? "?"} left`)
      .join(" · ");
    ui.rateLimits.hidden = false;
  }

  on_error(msg) {
    if (msg.fatal) this.fatal = true;
    showMessage(`${msg.reason || "Server error"}${msg.code ? ` (${msg.code})` : ""}`, msg.fatal ? "error" : "warning");
  }

  on_session_ended(msg) {
    state.ended = msg;
    const labels = config.labels || {};
    const status = (labels.status || {})[msg.status] || msg.status;
    const reason = (labels.reason || {})[msg.reason] || msg.reason;
    ui.endedReason.textContent = [status, reason].filter(Boolean).join(" · ");
    ui.ended.dataset.status = msg.status || "";
    const link = (label, href) => {
      const a = document.createElement("a");
      a.href = href;
      a.textContent = label;
      return a;
    };
    const parts = [];
    if (msg.admin_url) parts.push(link("Open the stored session", msg.admin_url));
    // Nothing went either way: the recording would be an empty file, so it is not offered.
    const silent = state.audioFramesReceived === 0 && state.framesSent === 0;
    const exports = Object.entries(msg.exports || {}).filter(([format]) => !(format === "wav" && silent));
    if (exports.length) {
      const span = document.createElement("span");
      span.className = "pv-exports";
      span.append("Export:", ...exports.map(([format, url]) => link(format.toUpperCase(), url)));
      parts.push(span);
    }
    ui.endedLinks.replaceChildren(...parts);
    ui.ended.hidden = false;
    // The bot's last words (a goodbye, the wrap-up message) still play out.
    this.finish("ended", "Ended", { drain: !this.stopping });
  }

  onClosed({ code, reason, ended }) {
    if (!ended && state.status !== "ended") {
      if (!this.fatal) showMessage(describeClose(code, reason));
      this.finish("failed", "Connection closed");
    }
  }

  sendText(text) {
    if (!this.client.sendJson({ type: "text", text })) return;
    transcript.typed(text);
    this.turnStart = { at: performance.now(), typed: true };
  }

  async pttPress() {
    if (this.pttDown !== null || !this.started) return;
    this.pttDown = performance.now();
    this.pttFrames = 0;
    ui.ptt.classList.add("pv-held");
    // Talking over the bot stops it at once (the server does no turn detection here).
    if (this.currentItem !== null && !this.flushed.has(this.currentItem)) {
      await this.flushPlayback(this.currentItem, { onlyIfPlaying: true });
    }
  }

  pttRelease() {
    if (this.pttDown === null) return;
    const held = performance.now() - this.pttDown;
    this.pttDown = null;
    ui.ptt.classList.remove("pv-held");
    if (held < MIN_PTT_MS || this.pttFrames === 0) {
      this.client.sendJson({ type: "audio.clear" });
      return;
    }
    this.client.sendJson({ type: "audio.commit" });
    this.turnStart = { at: performance.now(), typed: false };
  }

  async end() {
    this.stopping = true; // the caller pressed Stop: silence at once
    setStatus("ending", "Ending…");
    ui.stop.disabled = true;
    await this.client.end();
    if (state.status === "ending") this.finish("ended", "Ended");
  }

  async finish(status, label, { drain = false } = {}) {
    setStatus(status, label);
    setLive(false, this.mode);
    ui.micLevel.style.width = "0%";
    this.audio.closeMicrophone();
    if (drain) await this.audio.drained(DRAIN_TIMEOUT_MS);
    await this.audio.close();
  }
}

