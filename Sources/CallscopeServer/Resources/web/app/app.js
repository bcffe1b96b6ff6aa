// Callscope dashboard: small progressive enhancements; every page works without it.

// Times are rendered in UTC by the server; the viewer's local time goes in the tooltip.
function localTimes(root = document) {
  for (const el of root.querySelectorAll("time[data-ms]")) {
    const d = new Date(Number(el.dataset.ms));
    if (!Number.isNaN(d.getTime())) el.title = d.toLocaleString();
  }
}

// Lists refresh themselves every 3 s while the tab is visible: the server renders the fragment
// again (escaped as always) and it replaces the old one, so new sessions, statuses and durations
// appear without a reload.
function liveTable(table) {
  const refresh = async () => {
    if (document.hidden) return;
    try {
      const r = await fetch(table.dataset.liveUrl, { headers: { accept: "text/html" }, credentials: "same-origin" });
      if (!r.ok) return;
      const doc = new DOMParser().parseFromString(`<table>${await r.text()}</table>`, "text/html");
      const body = doc.querySelector("tbody");
      if (!body) return;
      table.tBodies[0].replaceWith(document.importNode(body, true));
      localTimes(table);
    } catch { /* offline: try again on the next tick */ }
  };
  setInterval(refresh, 3000);
}

// Pages of an ongoing session: every 3 s the page is fetched again and each [data-live-region]
// replaced by its new version; when the new page says the session ended, the last swap is kept
// and polling stops.
function livePage(marker) {
  const timer = setInterval(async () => {
    if (document.hidden) return;
    try {
      const r = await fetch(marker.dataset.livePage + location.search, { credentials: "same-origin" });
      if (!r.ok) return;
      const doc = new DOMParser().parseFromString(await r.text(), "text/html");
      for (const region of document.querySelectorAll("[data-live-region][id]")) {
        const next = doc.getElementById(region.id);
        if (next) region.replaceWith(document.importNode(next, true));
      }
      wireForms();
      localTimes();
      for (const svg of document.querySelectorAll("svg.cs-chart")) zoomable(svg);
      if (!doc.querySelector("[data-live-page]")) clearInterval(timer);
    } catch { /* try again */ }
  }, 3000);
}

// The stats picker reloads as soon as a choice changes.
for (const select of document.querySelectorAll("select[data-autosubmit]")) {
  select.addEventListener("change", () => select.form.requestSubmit());
}

// Charts: drag across the plot to pick a range → the same page with ?from=&to= (ms). The data
// attributes are MetricChart's (data-from, data-to on the svg; the plot rect in viewBox units).
function zoomable(svg) {
  const plot = svg.querySelector(".cs-plot-area");
  if (!plot || svg.dataset.wired) return;
  svg.dataset.wired = "1";
  const from = Number(svg.dataset.from), to = Number(svg.dataset.to);
  const x0 = Number(plot.getAttribute("x")), w = Number(plot.getAttribute("width"));
  const toTime = (evt) => {
    const p = new DOMPoint(evt.clientX, evt.clientY).matrixTransform(svg.getScreenCTM().inverse());
    return from + (Math.min(Math.max(p.x, x0), x0 + w) - x0) / w * (to - from);
  };
  let start = null, band = null;
  plot.addEventListener("pointerdown", (e) => {
    start = toTime(e);
    band = document.createElementNS("http://www.w3.org/2000/svg", "rect");
    band.setAttribute("class", "zoom-band");
    band.setAttribute("y", plot.getAttribute("y"));
    band.setAttribute("height", plot.getAttribute("height"));
    svg.appendChild(band);
    plot.setPointerCapture(e.pointerId);
  });
  plot.addEventListener("pointermove", (e) => {
    if (start == null) return;
    const a = Math.min(start, toTime(e)), b = Math.max(start, toTime(e));
    band.setAttribute("x", x0 + (a - from) / (to - from) * w);
    band.setAttribute("width", (b - a) / (to - from) * w);
  });
  plot.addEventListener("pointerup", (e) => {
    const a = Math.round(Math.min(start, toTime(e))), b = Math.round(Math.max(start, toTime(e)));
    start = null;
    band?.remove();
    if (b - a < 2000) return; // a click, not a range
    const url = new URL(location.href);
    url.searchParams.set("from", a);
    url.searchParams.set("to", b);
    url.searchParams.delete("window");
    location.assign(url);
  });
}

// "View Analytics" on a participant opens the sidebar as a drawer over the session page; the
// link still works as a page of its own (new tab, no script).
function openDrawer(url) {
  fetch(url, { credentials: "same-origin" }).then((r) => r.ok ? r.text() : Promise.reject(r.status)).then((html) => {
    const aside = new DOMParser().parseFromString(html, "text/html").querySelector("aside.sidebar");
    if (!aside) return void location.assign(url);
    const backdrop = Object.assign(document.createElement("div"), { className: "drawer-backdrop" });
    const drawer = Object.assign(document.createElement("div"), { className: "drawer" });
    drawer.setAttribute("role", "dialog");
    drawer.setAttribute("aria-modal", "true");
    drawer.setAttribute("aria-label", "Participant");
    const close = Object.assign(document.createElement("button"), { className: "close secondary", textContent: "Close" });
    const opener = document.activeElement;
    const done = () => { backdrop.remove(); drawer.remove(); document.removeEventListener("keydown", onKey); opener?.focus(); };
    const onKey = (e) => { if (e.key === "Escape") done(); };
    close.addEventListener("click", done);
    backdrop.addEventListener("click", done);
    document.addEventListener("keydown", onKey);
    drawer.append(close, document.importNode(aside, true));
    document.body.append(backdrop, drawer);
    localTimes(drawer);
    close.focus();
  }).catch(() => location.assign(url));
}
document.addEventListener("click", (e) => {
  const a = e.target.closest?.("a[data-drawer]");
  if (!a || e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
  e.preventDefault();
  openDrawer(a.href);
});

localTimes();
for (const svg of document.querySelectorAll("svg.cs-chart")) zoomable(svg);
for (const t of document.querySelectorAll("table[data-live='1']")) liveTable(t);
const livePageMarker = document.querySelector("[data-live-page]");
if (livePageMarker) livePage(livePageMarker);

// Kick out asks first (the form works without script, the script adds the confirmation).
function wireForms() {
  for (const form of document.querySelectorAll("form[data-confirm]:not([data-wired])")) {
    form.dataset.wired = "1";
    form.addEventListener("submit", (e) => { if (!confirm(form.dataset.confirm)) e.preventDefault(); });
  }
}
wireForms();
