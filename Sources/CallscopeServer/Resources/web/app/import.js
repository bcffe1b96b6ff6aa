// The Import page: each chosen file goes to POST /api/v1/imports as its own request (the file
// itself as the body), one after the other, with a progress bar for its upload and then for the
// server's work; the answer becomes a link to the session or the reason it was refused.

const form = document.querySelector("form[data-import]");
const results = document.querySelector("[data-import-results]");

function row(file) {
  const li = document.createElement("li");
  const name = document.createElement("span");
  name.className = "mono";
  name.textContent = file.name;
  const bar = document.createElement("progress");
  bar.max = file.size || 1;
  bar.value = 0;
  bar.setAttribute("aria-label", `Uploading ${file.name}`);
  const status = document.createElement("span");
  status.className = "muted";
  status.textContent = " waiting";
  li.append(name, " ", bar, status);
  return { li, bar, status };
}

function upload(file, query, shown) {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `${form.action}?${query}`);
    xhr.setRequestHeader("content-type", "application/octet-stream");
    xhr.responseType = "json";
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) shown.bar.value = e.loaded;
      shown.status.textContent = ` uploading ${Math.round((100 * e.loaded) / (e.total || 1))} %`;
    };
    xhr.upload.onload = () => {
      shown.bar.removeAttribute("value"); // indeterminate while the server imports
      shown.status.textContent = " importing…";
    };
    xhr.onload = () => resolve({ status: xhr.status, body: xhr.response });
    xhr.onerror = () => resolve({ status: 0, body: null });
    xhr.send(file);
  });
}

function show(shown, file, { status, body }) {
  shown.bar.remove();
  if ((status === 200 || status === 201) && body?.sessionUrl) {
    const link = document.createElement("a");
    link.href = body.sessionUrl;
    link.textContent = body.duplicate ? "imported before: open its session" : `session of meeting ${body.meetingId}`;
    const what = body.duplicate ? "" : ` (${body.format}, as ${body.participantId}${body.joinedExistingSession ? ", joined the meeting's session" : ""}: ${body.samples} samples, ${body.events} events, ${body.errors} errors)`;
    shown.status.textContent = " → ";
    shown.status.className = "";
    shown.status.append(link, what);
  } else {
    shown.status.className = "import-refused";
    const why = body?.error?.message || (status === 0 ? "the server could not be reached" : `HTTP ${status}`);
    shown.status.textContent = ` not imported: ${why}`;
  }
}

form?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const files = [...form.elements.files.files];
  if (!files.length) return;
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  if (results.querySelector("li.muted")) results.replaceChildren();
  const shown = files.map((file) => {
    const r = row(file);
    results.append(r.li);
    return r;
  });
  for (const [i, file] of files.entries()) {
    const query = new URLSearchParams({ fileName: file.name });
    for (const key of ["projectId", "meetingId", "name"].concat(files.length === 1 ? ["participantId"] : [])) {
      const value = form.elements[key]?.value?.trim();
      if (value) query.set(key, value);
    }
    show(shown[i], file, await upload(file, query, shown[i]));
  }
  button.disabled = false;
  form.elements.files.value = "";
});
