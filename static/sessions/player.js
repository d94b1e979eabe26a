// The stored session page: clicking a conversation line plays the recording from there,
// and the line being played is highlighted.
const audio = document.getElementById("ss-audio");
const lines = [...document.querySelectorAll(".ss-line[data-start]")].map((el) => ({
  el,
  start: Number(el.dataset.start),
  end: el.dataset.end ? Number(el.dataset.end) : null,
}));

function lineAt(t) {
  // The last line started by `t` that has not ended (lines may overlap).
  let found = null;
  for (const line of lines) {
    if (line.start > t) break;
    if (line.end === null || t < line.end) found = line;
  }
  return found;
}

let playing = null;
function highlight() {
  const line = lineAt(audio.currentTime);
  if (line === playing) return;
  playing?.el.classList.remove("ss-playing");
  line?.el.classList.add("ss-playing");
  playing = line;
}

if (audio) {
  lines.sort((a, b) => a.start - b.start);
  const playFrom = (line) => {
    audio.currentTime = line.start;
    audio.play().catch(() => {}); // autoplay refused: the position is still set
    highlight();
  };
  for (const line of lines) {
    line.el.title = "Play from here";
    line.el.tabIndex = 0; // reachable from the keyboard: Enter or Space plays
    line.el.addEventListener("click", (event) => {
      if (event.target.closest("pre, a")) return; // let people select tool JSON
      playFrom(line);
    });
    line.el.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" && event.key !== " ") return;
      event.preventDefault();
      playFrom(line);
    });
  }
  for (const name of ["timeupdate", "seeked", "play"]) audio.addEventListener(name, highlight);
}
