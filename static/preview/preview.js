// The preview page's entry point: buttons, the text box, push-to-talk keys.

import { PreviewError } from "./audio.js";
import { config, resetPage, showMessage, ui } from "./page.js";
import { PreviewRun } from "./run.js";

let run = null;

async function start() {
  resetPage();
  run = new PreviewRun(ui.mode.value);
  ui.start.disabled = true;
  try {
    await run.start();
  } catch (err) {
    showMessage(err instanceof PreviewError ? err.message : `Could not start the session: ${err.message || err}`);
    run.finish("failed", "Not started");
  }
}

// A bot without turn detection only answers when told the caller has finished.
if (config.turnDetection === "off") {
  const open = ui.mode.querySelector('option[value="open"]');
  open.disabled = true;
  open.textContent += " (turn detection is off for this bot)";
  ui.mode.value = "ptt";
  ui.ptt.hidden = false;
}

ui.start.addEventListener("click", start);
ui.stop.addEventListener("click", () => run && run.end());
ui.mode.addEventListener("change", () => {
  ui.ptt.hidden = ui.mode.value !== "ptt";
  ui.micLevel.parentElement.hidden = ui.mode.value === "text";
});
ui.composer.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = ui.text.value.trim();
  if (!text || !run) return;
  run.sendText(text);
  ui.text.value = "";
});
ui.ptt.addEventListener("pointerdown", (e) => { e.preventDefault(); run && run.pttPress(); });
for (const type of ["pointerup", "pointercancel", "pointerleave"]) {
  ui.ptt.addEventListener(type, () => run && run.pttRelease());
}

function typingTarget(target) {
  return target && target !== ui.ptt && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT", "BUTTON"].includes(target.tagName));
}
document.addEventListener("keydown", (e) => {
  if (e.code !== "Space" || e.repeat || typingTarget(e.target) || !run || run.mode !== "ptt") return;
  e.preventDefault();
  run.pttPress();
});
document.addEventListener("keyup", (e) => {
  if (e.code !== "Space" || !run || run.mode !== "ptt" || typingTarget(e.target)) return;
  e.preventDefault();
  run.pttRelease();
});
window.addEventListener("pagehide", () => run && run.client.close());
