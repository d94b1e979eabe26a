// Side panels: the cost meter, per-turn latency and the assembled instructions.

function cell(tag, text, className) {
  const node = document.createElement(tag);
  node.textContent = text;
  if (className) node.className = className;
  return node;
}

export function formatUsd(value, digits = 4) {
  const n = Number(value);
  return Number.isFinite(n) ? `$${n.toFixed(digits)}` : "—";
}

export function formatMs(ms) {
  return Number.isFinite(ms) ? `${Math.round(ms)} ms` : "—";
}

/** Tokens by kind and dollars for the bot's model, from `usage` events (running totals).
 * With `usage.lines` (one per billed kind, realtime/browser_protocol.md) the rows are the
 * server's lines, caller transcription included; without them, tokens × page prices. */
export class CostMeter {
  constructor({ rows, total, prices }) {
    this.rows = rows;
    this.total = total;
    this.prices = prices || {};
    this.template = Array.from(rows.children, (row) => row.cloneNode(true));
  }

  reset() {
    this.rows.replaceChildren(...this.template.map((row) => row.cloneNode(true)));
    this.update({ tokens: {}, cost_usd: "0" });
  }

  showLines(lines) {
    const rows = lines.map((line) => {
      const row = document.createElement("tr");
      row.dataset.line = line.key;
      const head = cell("th", line.label);
      head.scope = "row";
      head.title = line.usd_per_minute !== undefined
        ? `USD ${line.usd_per_minute} per minute`
        : `USD ${line.usd_per_mtok} per 1M tokens`;
      const amount = line.seconds !== undefined
        ? `${Number(line.seconds).toFixed(1)} s`
        : Number(line.tokens || 0).toLocaleString();
      row.append(head, cell("td", amount, "pv-num"),
        cell("td", Number(line.cost_usd).toFixed(4), "pv-num"));
      return row;
    });
    this.rows.replaceChildren(...rows);
  }

  update(usage) {
    if (Array.isArray(usage.lines)) {
      this.showLines(usage.lines);
      this.total.textContent = formatUsd(usage.cost_usd);
      return;
    }
    const tokens = usage.tokens || {};
    for (const row of this.rows.querySelectorAll("tr[data-kind]")) {
      const kind = row.dataset.kind;
      const count = Number(tokens[kind] || 0);
      const usd = (count * Number(this.prices[kind] || 0)) / 1e6;
      row.children[1].textContent = count.toLocaleString();
      row.children[2].textContent = usd.toFixed(4);
    }
    this.total.textContent = formatUsd(usage.cost_usd);
  }
}

/** One row per turn: endpointing, first model audio (server), first audio played (browser). */
export class LatencyTable {
  constructor(body) {
    this.body = body;
    this.turns = new Map(); // item_id -> {row, endpointing, response, played}
  }

  reset() {
    this.turns.clear();
    this.body.replaceChildren();
    const row = document.createElement("tr");
    row.className = "pv-none";
    const td = cell("td", "No turns yet.");
    td.colSpan = 4;
    row.appendChild(td);
    this.body.appendChild(row);
  }

  turn(itemId) {
    let turn = this.turns.get(itemId);
    if (!turn) {
      const none = this.body.querySelector(".pv-none");
      if (none) none.remove();
      const row = document.createElement("tr");
      row.append(cell("th", String(this.turns.size + 1)), cell("td", "—", "pv-num"),
        cell("td", "—", "pv-num"), cell("td", "—", "pv-num"));
      row.firstChild.scope = "row";
      this.body.appendChild(row);
      turn = { row, endpointing: null, response: null, played: null };
      this.turns.set(itemId, turn);
    }
    return turn;
  }

  /** Merge measurements for a reply; returns the turn's figures. */
  set(itemId, figures) {
    const turn = this.turn(itemId);
    Object.assign(turn, Object.fromEntries(Object.entries(figures).filter(([, v]) => Number.isFinite(v))));
    turn.row.children[1].textContent = formatMs(turn.endpointing);
    turn.row.children[2].textContent = formatMs(turn.response);
    turn.row.children[3].textContent = formatMs(turn.played);
    return turn;
  }
}

/** The assembled instructions: sections with token estimates, warnings, totals. */
export function renderInstructions({ sections, totalEl, warningsEl, sourceEl }, instructions, source) {
  sections.replaceChildren(...(instructions.sections || []).map((s) => {
    const details = document.createElement("details");
    details.className = "pv-section";
    const summary = document.createElement("summary");
    summary.append(cell("span", s.title), cell("span", `${s.tokens} tokens`, "pv-tokens"));
    details.append(summary, cell("pre", s.text));
    return details;
  }));
  totalEl.textContent = String(instructions.total_tokens ?? "—");
  warningsEl.replaceChildren(...(instructions.warnings || []).map((w) => cell("li", w)));
  if (sourceEl) sourceEl.textContent = source;
}
