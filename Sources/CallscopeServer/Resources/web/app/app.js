// Callscope dashboard: small progressive enhancements; every page works without it.

// Times are rendered in UTC by the server; the viewer's local time goes in the tooltip.
function localTimes(root = document) {
  for (const el of root.querySelectorAll("time[data-ms]")) {
    const d = new Date(Number(el.dataset.ms));
    if (!Number.isNaN(d.getTime())) el.title = d.toLocaleString();
  }
}

// Live pages: the server sends `change` events (server-sent events) when what a page shows has
// changed; the page then fetches its live parts again, rendered and escaped by the server as
// always, and swaps them in. Without EventSource, it asks every 3 s instead.
function onChanges(url, refresh) {
  if (!window.EventSource) return void setInterval(refresh, 3000);
  const events = new EventSource(url, { withCredentials: true });
  events.addEventListener("change", () => { if (!document.hidden) refresh(events); });
  document.addEventListener("visibilitychange", () => { if (!document.hidden) refresh(events); });
}

async function fetchDocument(url, wrap = (t) => t) {
  const r = await fetch(url, { credentials: "same-origin", headers: { accept: "text/html" } });
  if (!r.ok) throw new Error(String(r.status));
  return new DOMParser().parseFromString(wrap(await r.text()), "text/html");
}

// The sessions list: new sessions, statuses, durations and errors without a reload.
function liveTable(table) {
  onChanges(table.dataset.liveEvents, async () => {
    try {
      const body = (await fetchDocument(table.dataset.liveUrl, (t) => `<table>${t}</table>`)).querySelector("tbody");
      if (!body) return;
      table.tBodies[0].replaceWith(document.importNode(body, true));
      localTimes(table);
    } catch { /* the next change tries again */ }
  });
}

// A session's pages: every [data-live-region] is replaced by its new version; once the new page
// says the session ended (no marker), the stream is closed.
function livePage(marker) {
  onChanges(marker.dataset.liveEvents, async (events) => {
    try {
      const doc = await fetchDocument(marker.dataset.livePage + location.search);
      for (const region of document.querySelectorAll("[data-live-region][id]")) {
        const next = doc.getElementById(region.id);
        if (next) region.replaceWith(document.importNode(next, true));
      }
      wireForms();
      localTimes();
      for (const svg of document.querySelectorAll("svg.cs-chart")) zoomable(svg);
      if (!doc.querySelector("[data-live-page]")) events?.close();
    } catch { /* the next change tries again */ }
  });
}

// Pickers (stats, timeline) reload as soon as a choice changes; delegated, so that pickers in
// regions a live update replaced keep working.
document.addEventListener("change", (evt) => {
  if (evt.target.matches?.("select[data-autosubmit]")) evt.target.form?.requestSubmit();
});

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
  hoverable(svg, plot, toTime);
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

// Hover: the values of each side at the pointer's time, from the chart's data-points
// ("t,v;t,v…", an empty v is a gap), in a small tooltip.
function hoverable(svg, plot, toTime) {
  const series = [...svg.querySelectorAll("g.cs-series[data-points]")].map((g) => ({
    label: g.dataset.label || g.dataset.series,
    points: g.dataset.points.split(";").filter(Boolean).map((p) => p.split(",")).map(([t, v]) => [Number(t), v === "" ? null : Number(v)]),
  }));
  if (!series.some((s) => s.points.length)) return;
  const unit = svg.dataset.unit || "";
  const tip = Object.assign(document.createElement("div"), { className: "chart-tip" });
  tip.setAttribute("role", "status");
  const nearest = (points, t) => {
    let best = null;
    for (const p of points) if (!best || Math.abs(p[0] - t) < Math.abs(best[0] - t)) best = p;
    return best;
  };
  plot.addEventListener("pointermove", (e) => {
    const t = toTime(e);
    const lines = series.map((s) => {
      const p = nearest(s.points, t);
      return p ? `${s.label}: ${p[1] == null ? "no data" : `${Math.round(p[1] * 10) / 10} ${unit}`}` : null;
    }).filter(Boolean);
    const time = new Date(t).toISOString().slice(11, 19) + " UTC";
    tip.textContent = [time, ...lines].join("\n");
    document.body.append(tip);
    tip.style.left = `${Math.min(e.pageX + 12, window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 4)}px`;
    tip.style.top = `${e.pageY + 12}px`;
  });
  plot.addEventListener("pointerleave", () => tip.remove());
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
if (document.querySelector("[data-diagnosis-pending]")) awaitDiagnosis();

// A long call's diagnosis is computed after the page was served: fetch the page again every
// 2 s and swap the diagnosis in once it is there (at most for two minutes).
async function awaitDiagnosis(tries = 60) {
  await new Promise((done) => setTimeout(done, 2000));
  try {
    const doc = await fetchDocument(location.href);
    const next = doc.getElementById("diagnosis"), current = document.getElementById("diagnosis");
    if (next && current && !next.hasAttribute("data-diagnosis-pending")) {
      for (const region of document.querySelectorAll("[data-live-region][id]")) {
        const fresh = doc.getElementById(region.id);
        if (fresh) region.replaceWith(document.importNode(fresh, true));
      }
      wireForms();
      localTimes();
      return;
    }
  } catch { /* tried again below */ }
  if (tries > 1) awaitDiagnosis(tries - 1);
}

// Kick out asks first (the form works without script, the script adds the confirmation).
function wireForms() {
  for (const form of document.querySelectorAll("form[data-confirm]:not([data-wired])")) {
    form.dataset.wired = "1";
    form.addEventListener("submit", (e) => { if (!confirm(form.dataset.confirm)) e.preventDefault(); });
  }
}
wireForms();
