// The live sessions list: re-read the page every few seconds and swap in its rows.
const table = document.getElementById("live-sessions");

async function refresh() {
  try {
    const response = await fetch(location.href, { credentials: "same-origin" });
    if (response.ok) {
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const rows = page.querySelector("#live-sessions tbody");
      if (rows) table.tBodies[0].replaceWith(rows);
    }
  } finally {
    setTimeout(refresh, Number(table.dataset.refreshMs));
  }
}

if (table) setTimeout(refresh, Number(table.dataset.refreshMs));
