// The preview's cost meter (static/preview/panels.js) on a minimal DOM: rows from
// `usage.lines` when the server sends them, tokens × page prices otherwise.
import assert from "node:assert/strict";
import { test } from "node:test";

class Node {
  constructor(tag) {
    this.tagName = tag.toUpperCase();
    this.children = [];
    this.dataset = {};
    this.textContent = "";
    this.className = "";
  }
  append(...nodes) { this.children.push(...nodes); }
  appendChild(node) { this.children.push(node); return node; }
  replaceChildren(...nodes) { this.children = [...nodes]; }
  cloneNode() {
    const copy = new Node(this.tagName);
    Object.assign(copy, { dataset: { ...this.dataset }, textContent: this.textContent });
    copy.children = this.children.map((c) => c.cloneNode());
    return copy;
  }
  querySelectorAll(selector) {
    assert.equal(selector, "tr[data-kind]");
    return this.children.filter((c) => c.tagName === "TR" && c.dataset.kind);
  }
}
globalThis.document = { createElement: (tag) => new Node(tag) };

const { CostMeter } = await import("../../../../static/preview/panels.js");

function priceRow(kind) {
  const row = new Node("tr");
  row.dataset.kind = kind;
  row.append(new Node("th"), new Node("td"), new Node("td"));
  return row;
}

function meter() {
  const rows = new Node("tbody");
  rows.append(priceRow("audio_out"), priceRow("text_in"));
  const total = new Node("td");
  return { m: new CostMeter({ rows, total, prices: { audio_out: 20, text_in: 0.6 } }), rows, total };
}

test("usage lines from the server become the meter's rows", () => {
  const { m, rows, total } = meter();
  m.update({
    tokens: {},
    cost_usd: "0.026300",
    lines: [
      { key: "audio_out", label: "Audio out", tokens: 1000, usd_per_mtok: 20, cost_usd: "0.020000" },
      { key: "transcription_seconds", label: "Caller transcription (gpt-live-transcribe), seconds",
        seconds: 22.2, usd_per_minute: 0.017, cost_usd: "0.006300" },
    ],
  });
  const shown = rows.children.map((r) => r.children.map((c) => c.textContent));
  assert.deepEqual(shown, [
    ["Audio out", (1000).toLocaleString(), "0.0200"],
    ["Caller transcription (gpt-live-transcribe), seconds", "22.2 s", "0.0063"],
  ]);
  assert.equal(rows.children[1].children[0].title, "USD 0.017 per minute");
  assert.equal(total.textContent, "$0.0263");
});

test("without lines the page's prices are used, and reset brings the rows back", () => {
  const { m, rows } = meter();
  m.update({ tokens: {}, cost_usd: "0", lines: [] });
  assert.equal(rows.children.length, 0);
  m.reset();
  m.update({ tokens: { audio_out: 500000 }, cost_usd: "10" });
  assert.deepEqual(rows.children.map((r) => r.dataset.kind), ["audio_out", "text_in"]);
  assert.equal(rows.children[0].children[2].textContent, "10.0000");
});
