// Microphone capture: float32 at the context rate -> PCM16 mono little-endian at 24 kHz.
// Posts {type: "frame", pcm: ArrayBuffer, rms} every FRAME_MS and {type: "level", rms} for
// the meter. Self-contained (no imports) so it loads in every browser's worklet scope.

const TARGET_RATE_HZ = 24000;
const FRAME_MS = 40; // 25 frames/s: small enough for quick turn detection, few messages
const FRAME_SAMPLES = (TARGET_RATE_HZ * FRAME_MS) / 1000;
const LOWPASS_HZ = 0.45 * TARGET_RATE_HZ; // anti-aliasing below the new Nyquist (12 kHz)

class Biquad {
  // RBJ cookbook low-pass, Q = 1/sqrt(2).
  constructor(cutoffHz, rateHz) {
    const w0 = (2 * Math.PI * cutoffHz) / rateHz;
    const alpha = Math.sin(w0) / (2 * Math.SQRT1_2);
    const cos = Math.cos(w0);
    const a0 = 1 + alpha;
    this.b0 = (1 - cos) / 2 / a0;
    this.b1 = (1 - cos) / a0;
    this.b2 = this.b0;
    this.a1 = (-2 * cos) / a0;
    this.a2 = (1 - alpha) / a0;
    this.x1 = this.x2 = this.y1 = this.y2 = 0;
  }

  run(buf) {
    for (let i = 0; i < buf.length; i++) {
      const x = buf[i];
      const y = this.b0 * x + this.b1 * this.x1 + this.b2 * this.x2 - this.a1 * this.y1 - this.a2 * this.y2;
      this.x2 = this.x1; this.x1 = x;
      this.y2 = this.y1; this.y1 = y;
      buf[i] = y;
    }
  }
}

class Pcm16CaptureProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.step = sampleRate / TARGET_RATE_HZ; // input samples per output sample
    this.t = 0; // position of the next output sample; -1 is the previous block's last sample
    this.prev = 0;
    this.filters = sampleRate > TARGET_RATE_HZ
      ? [new Biquad(LOWPASS_HZ, sampleRate), new Biquad(LOWPASS_HZ, sampleRate)]
      : [];
    this.scratch = new Float32Array(128);
    this.newFrame();
    this.running = true;
    this.port.onmessage = (event) => {
      if (event.data && event.data.type === "stop") this.running = false;
    };
  }

  newFrame() {
    this.frame = new Int16Array(FRAME_SAMPLES);
    this.fill = 0;
    this.sumSq = 0;
  }

  push(sample) {
    const s = sample < -1 ? -1 : sample > 1 ? 1 : sample;
    this.frame[this.fill++] = s < 0 ? s * 0x8000 : s * 0x7fff;
    this.sumSq += s * s;
    if (this.fill === FRAME_SAMPLES) {
      const rms = Math.sqrt(this.sumSq / FRAME_SAMPLES);
      const pcm = this.frame.buffer;
      this.port.postMessage({ type: "frame", pcm, rms }, [pcm]);
      this.newFrame();
    }
  }

  process(inputs) {
    if (!this.running) return false;
    const input = inputs[0];
    if (!input || input.length === 0 || input[0].length === 0) return true;
    const n = input[0].length;
    if (this.scratch.length !== n) this.scratch = new Float32Array(n);
    const x = this.scratch;
    // Down-mix to mono.
    x.set(input[0]);
    for (let c = 1; c < input.length; c++) {
      const ch = input[c];
      for (let i = 0; i < n; i++) x[i] += ch[i];
    }
    if (input.length > 1) for (let i = 0; i < n; i++) x[i] /= input.length;
    for (const f of this.filters) f.run(x);
    // Linear interpolation at fractional positions `t` (streaming across blocks).
    let t = this.t;
    while (t <= n - 1) {
      const i = Math.floor(t);
      const frac = t - i;
      const a = i < 0 ? this.prev : x[i];
      const b = i + 1 < n ? x[i + 1] : a;
      this.push(a + (b - a) * frac);
      t += this.step;
    }
    this.t = t - n;
    this.prev = x[n - 1];
    return true;
  }
}

registerProcessor("pcm16-capture", Pcm16CaptureProcessor);
