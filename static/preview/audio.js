// Audio in and out of the preview page: one AudioContext at the device rate, two worklets.
// Caller audio leaves as PCM16 mono 24 kHz frames; assistant audio arrives the same way.

export const MODEL_SAMPLE_RATE_HZ = 24000;
const SAMPLES_PER_MS = MODEL_SAMPLE_RATE_HZ / 1000;
const FLUSH_TIMEOUT_MS = 500;

/** An error with a message written for the person using the page. */
export class PreviewError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/** PCM16 sample count (24 kHz) -> whole milliseconds. */
export function samplesToMs(samples) {
  return Math.round(samples / SAMPLES_PER_MS);
}

/** A readable message for a getUserMedia failure. */
export function describeMicrophoneError(err) {
  const name = err && err.name;
  if (name === "NotAllowedError" || name === "SecurityError" || name === "PermissionDeniedError") {
    return new PreviewError("mic-permission",
      "Microphone permission denied. Allow the microphone for this site (the icon in the address bar) and start again, or choose \"Text only\".");
  }
  if (name === "NotFoundError" || name === "OverconstrainedError" || name === "DevicesNotFoundError") {
    return new PreviewError("no-microphone",
      "No microphone found. Connect one and start again, or choose \"Text only\".");
  }
  if (name === "NotReadableError" || name === "AbortError") {
    return new PreviewError("mic-busy",
      "The microphone could not be opened; another application may be using it.");
  }
  return new PreviewError("mic-failed", `The microphone could not be opened (${name || err}).`);
}

/** Audio graph of one preview session. Emits "frame", "level", "mic-level", "started". */
export class AudioEngine extends EventTarget {
  constructor() {
    super();
    this.context = null;
    this.stream = null;
    this.captureNode = null;
    this.playbackNode = null;
    this.requests = new Map(); // requestId -> callback of a flush or drain
    this.nextRequestId = 1;
  }

  /** Create the context (call from a click: autoplay rules) and the playback worklet. */
  async openOutput() {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx || !("audioWorklet" in Ctx.prototype)) {
      throw new PreviewError("no-worklet", "This browser cannot run the preview (no AudioWorklet). Use a current Chromium or Firefox.");
    }
    try {
      // The device's own rate: the worklets resample, some browsers refuse a forced 24 kHz.
      this.context = new Ctx({ latencyHint: "interactive" });
    } catch (err) {
      throw new PreviewError("no-audio-device", `No audio output device is available (${err.message || err}).`);
    }
    const ctx = this.context;
    await ctx.audioWorklet.addModule(new URL("./playback-worklet.js", import.meta.url));
    await ctx.audioWorklet.addModule(new URL("./capture-worklet.js", import.meta.url));
    if (ctx.state !== "running") {
      try {
        await Promise.race([ctx.resume(), new Promise((r) => setTimeout(r, 1000))]);
      } catch (err) {
        throw new PreviewError("no-audio-device", `Audio output could not start (${err.message || err}).`);
      }
    }
    this.playbackNode = new AudioWorkletNode(ctx, "pcm16-playback", {
      numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [1],
    });
    this.playbackNode.port.onmessage = (event) => this.onPlaybackMessage(event.data);
    this.playbackNode.connect(ctx.destination);
    return ctx;
  }

  /** Open the microphone and start posting "frame" events (PCM16 24 kHz ArrayBuffers). */
  async openMicrophone() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      throw new PreviewError("no-media-devices",
        "The microphone is only available on a secure page (HTTPS or localhost).");
    }
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({
        audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
      });
    } catch (err) {
      throw describeMicrophoneError(err);
    }
    const ctx = this.context;
    const source = ctx.createMediaStreamSource(this.stream);
    this.captureNode = new AudioWorkletNode(ctx, "pcm16-capture", {
      numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1],
    });
    this.captureNode.port.onmessage = (event) => {
      const msg = event.data;
      if (msg.type === "frame") {
        this.dispatchEvent(new CustomEvent("frame", { detail: msg }));
      }
    };
    // A silent path to the destination keeps the worklet pulled in every browser.
    const mute = ctx.createGain();
    mute.gain.value = 0;
    source.connect(this.captureNode).connect(mute).connect(ctx.destination);
    const track = this.stream.getAudioTracks()[0];
    if (track) {
      track.addEventListener("ended", () => this.dispatchEvent(new CustomEvent("mic-ended")));
    }
    return track ? track.label : "";
  }

  /** Queue assistant audio (PCM16 24 kHz) of `itemId` for playback. */
  enqueue(itemId, buffer) {
    if (!this.playbackNode) return;
    this.playbackNode.port.postMessage({ type: "chunk", itemId, pcm: buffer }, [buffer]);
  }

  /** Ask the playback worklet; resolves to its answer, or `fallback` after `timeoutMs`. */
  request(type, timeoutMs, fallback) {
    if (!this.playbackNode) return Promise.resolve(fallback);
    const requestId = this.nextRequestId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.requests.delete(requestId);
        resolve(fallback);
      }, timeoutMs);
      this.requests.set(requestId, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      this.playbackNode.port.postMessage({ type, requestId });
    });
  }

  /** Drop all queued audio now; resolves to {played: {itemId: samples at 24 kHz}, dropped}. */
  flush() {
    return this.request("flush", FLUSH_TIMEOUT_MS, { played: {}, dropped: 0 });
  }

  /** Resolves once everything queued has been played (or after `timeoutMs`). */
  drained(timeoutMs) {
    return this.request("drain", timeoutMs, null);
  }

  onPlaybackMessage(msg) {
    if (msg.type === "flushed" || msg.type === "drained") {
      const done = this.requests.get(msg.requestId);
      this.requests.delete(msg.requestId);
      if (done) done(msg);
    } else if (msg.type === "started") {
      this.dispatchEvent(new CustomEvent("started", { detail: { itemId: msg.itemId, at: performance.now() } }));
    } else if (msg.type === "level") {
      this.dispatchEvent(new CustomEvent("level", { detail: msg }));
    }
  }

  /** Stop the microphone (the bot's audio may still play). */
  closeMicrophone() {
    if (this.captureNode) this.captureNode.port.postMessage({ type: "stop" });
    if (this.stream) this.stream.getTracks().forEach((t) => t.stop());
    this.stream = null;
  }

  /** Stop the microphone and the audio graph. */
  async close() {
    this.closeMicrophone();
    if (this.context && this.context.state !== "closed") {
      try {
        await this.context.close();
      } catch (err) {
        // Already closing: nothing to release.
      }
    }
  }
}
