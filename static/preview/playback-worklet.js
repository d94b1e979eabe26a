// Assistant audio: PCM16 mono 24 kHz chunks -> the context rate, behind a small jitter buffer.
// Messages in:  {type: "chunk", itemId, pcm: ArrayBuffer}, {type: "flush", requestId},
//               {type: "drain", requestId}  answer once everything queued has been played
// Messages out: {type: "started", itemId}            first sample of an item reached the output
//               {type: "flushed", requestId, played, dropped}  played = {itemId: samples at
//               24 kHz}, dropped = queued samples thrown away
//               {type: "drained", requestId}
//               {type: "level", rms, maxRms, playedSamples, itemId}  every LEVEL_EVERY_S while
//               playing; itemId is the item heard last in that window
// Self-contained (no imports) so it loads in every browser's worklet scope.

const SOURCE_RATE_HZ = 24000;
const JITTER_MS = 80; // start (and restart after an underrun) once this much audio is queued
const JITTER_SAMPLES = (SOURCE_RATE_HZ * JITTER_MS) / 1000;
const INITIAL_CAPACITY = SOURCE_RATE_HZ * 20; // grows when the server sends faster than real time
const LEVEL_EVERY_S = 0.1;

class Pcm16PlaybackProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.ring = new Float32Array(INITIAL_CAPACITY);
    this.written = 0; // absolute count of samples queued (24 kHz)
    this.read = 0; // absolute fractional read position (24 kHz)
    this.segments = []; // [{itemId, start, end}] queued audio per item, oldest first
    this.played = {}; // itemId -> samples played (24 kHz)
    this.playing = false;
    this.waited = 0; // output frames waited with audio queued but below the jitter target
    this.step = SOURCE_RATE_HZ / sampleRate;
    this.levelSumSq = 0;
    this.levelCount = 0;
    this.maxRms = 0;
    this.playedSamples = 0;
    this.drainRequests = [];
    this.port.onmessage = (event) => this.onMessage(event.data);
  }

  onMessage(msg) {
    if (msg.type === "chunk") this.append(msg.itemId, new Int16Array(msg.pcm));
    else if (msg.type === "flush") this.flush(msg.requestId);
    else if (msg.type === "drain") {
      this.drainRequests.push(msg.requestId);
      this.answerDrains();
    }
  }

  answerDrains() {
    if (this.written - this.read > 0) return;
    for (const requestId of this.drainRequests) this.port.postMessage({ type: "drained", requestId });
    this.drainRequests = [];
  }

  append(itemId, pcm) {
    const live = this.written - Math.floor(this.read);
    if (live + pcm.length + 2 > this.ring.length) this.grow(live + pcm.length + 2);
    const cap = this.ring.length;
    for (let i = 0; i < pcm.length; i++) this.ring[(this.written + i) % cap] = pcm[i] / 32768;
    const last = this.segments[this.segments.length - 1];
    if (last && last.itemId === itemId && last.end === this.written) last.end += pcm.length;
    else this.segments.push({ itemId, start: this.written, end: this.written + pcm.length });
    if (!(itemId in this.played)) this.played[itemId] = 0;
    this.written += pcm.length;
  }

  grow(needed) {
    let cap = this.ring.length * 2;
    while (cap < needed) cap *= 2;
    const ring = new Float32Array(cap);
    const old = this.ring;
    for (let i = Math.floor(this.read); i < this.written; i++) ring[i % cap] = old[i % old.length];
    this.ring = ring;
  }

  flush(requestId) {
    const dropped = Math.max(0, this.written - Math.floor(this.read));
    this.read = this.written;
    this.segments = [];
    this.playing = false;
    this.waited = 0;
    this.port.postMessage({ type: "flushed", requestId, played: { ...this.played }, dropped });
    this.answerDrains();
  }

  credit(from, to) {
    // Attribute the input samples [from, to) to their items.
    while (from < to && this.segments.length) {
      const seg = this.segments[0];
      const take = Math.min(to, seg.end) - Math.max(from, seg.start);
      if (take > 0) {
        if (this.played[seg.itemId] === 0) this.port.postMessage({ type: "started", itemId: seg.itemId });
        this.played[seg.itemId] += take;
        this.playedSamples += take;
      }
      from = Math.max(from, Math.min(to, seg.end));
      if (from >= seg.end) this.segments.shift();
      else break;
    }
  }

  process(inputs, outputs) {
    const out = outputs[0];
    const ch0 = out[0];
    const n = ch0.length;
    const available = this.written - this.read;
    if (!this.playing) {
      if (available >= JITTER_SAMPLES || (available > 0 && this.waited * this.step >= JITTER_SAMPLES)) {
        this.playing = true;
        this.waited = 0;
      } else {
        if (available > 0) this.waited += n;
        ch0.fill(0);
        for (let c = 1; c < out.length; c++) out[c].fill(0);
        return true;
      }
    }
    const ring = this.ring;
    const cap = ring.length;
    const start = Math.floor(this.read);
    let j = 0;
    for (; j < n; j++) {
      const i = Math.floor(this.read);
      if (i >= this.written) break;
      const frac = this.read - i;
      const a = ring[i % cap];
      const b = i + 1 < this.written ? ring[(i + 1) % cap] : a;
      const y = a + (b - a) * frac;
      ch0[j] = y;
      this.levelSumSq += y * y;
      this.read += this.step;
    }
    if (j < n) {
      // Underrun: silence for the rest, and wait for the jitter target again.
      ch0.fill(0, j);
      this.read = Math.min(this.read, this.written);
      this.playing = false;
      this.waited = 0;
      if (this.drainRequests.length) this.answerDrains();
    }
    this.levelCount += j;
    if (this.segments.length) this.levelItem = this.segments[0].itemId;
    this.credit(start, Math.min(Math.floor(this.read), this.written));
    for (let c = 1; c < out.length; c++) out[c].set(ch0);
    if (this.levelCount >= LEVEL_EVERY_S * sampleRate) {
      const rms = Math.sqrt(this.levelSumSq / this.levelCount);
      if (rms > this.maxRms) this.maxRms = rms;
      this.port.postMessage({
        type: "level", rms, maxRms: this.maxRms, playedSamples: this.playedSamples, itemId: this.levelItem,
      });
      this.levelSumSq = 0;
      this.levelCount = 0;
    }
    return true;
  }
}

registerProcessor("pcm16-playback", Pcm16PlaybackProcessor);
