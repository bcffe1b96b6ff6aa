// Joining and leaving the call: the collector, camera and microphone, the switch between the
// form and the call, the end of a call (left, kicked, refused) and the session's links.

import { params, demo, call } from "./state.js";
import { $, setStatus, showBanner, hideBanner, noteError } from "./ui.js";
import { PARTICIPANT_KEY, NAME_KEY, validId, rememberMeeting, updateInvite } from "./form.js";
import { connectSignalling } from "./signalling.js";
import { removePeer } from "./peers.js";
import { updateToolbar } from "./controls.js";
import { addLocalTile } from "./tiles.js";

// The collector is loaded as soon as the page is: should it fail to load, the call still works.
const collectorModule = import("/sdk/callscope.mjs");
collectorModule.catch(() => {});

const VIDEO_CONSTRAINTS = { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 30, max: 30 } };

async function loadCollector(meetingId, participantId, name) {
  try {
    const response = await fetch("/demo/config", { cache: "no-store" });
    if (!response.ok) throw new Error(`/demo/config answered ${response.status}`);
    const config = await response.json();
    const { Callscope } = await collectorModule;
    return Callscope.init({
      server: config.server || location.origin,
      key: config.ingestKey,
      meetingId,
      participantId,
      name: name || participantId,
      sdk: { name: "callscope-demo", version: "1" },
      onKick: (reason) => kicked(reason),
      onSession: (sessionId) => showSession(sessionId),
    });
  } catch (err) {
    showBanner(`The call works, but without analytics: the collector could not start (${err.message}).`, "warning");
    console.error(err);
    return null;
  }
}

export async function join() {
  if (demo.state === "joining" || demo.state === "in-call") return;
  const meetingId = $("meeting").value.trim();
  const participantId = $("participant").value.trim();
  const name = $("name").value.trim();
  if (!validId(meetingId) || !validId(participantId)) {
    setStatus("Meeting ID and participant ID: 1 to 128 characters, no control characters.");
    return;
  }
  hideBanner();
  setState("joining");
  setStatus("Joining…");
  $("join").disabled = true;
  demo.meetingId = meetingId;
  demo.participantId = participantId;
  demo.kicked = null;
  demo.sessionId = null;
  sessionStorage.setItem(NAME_KEY, name);
  if (!params.get("participant")) sessionStorage.setItem(PARTICIPANT_KEY, participantId);
  rememberMeeting(meetingId);
  updateInvite();

  demo.cs = await loadCollector(meetingId, participantId, name);

  const wantVideo = $("use-camera").checked;
  const wantAudio = $("use-mic").checked;
  let mediaError = null;
  call.local = new MediaStream();
  if (wantVideo || wantAudio) {
    try {
      call.local = await navigator.mediaDevices.getUserMedia({
        audio: wantAudio,
        video: wantVideo ? VIDEO_CONSTRAINTS : false,
      });
    } catch (err) {
      mediaError = err;
      showBanner(`No camera/microphone (${err.name}: ${err.message}); you join without sending media.`, "warning");
    }
  }
  if (demo.state !== "joining") { // left meanwhile
    for (const track of call.local.getTracks()) track.stop();
    call.local = null;
    return;
  }

  try { demo.cs?.join(); } catch (err) { console.error(err); }
  if (mediaError) noteError("getUserMedia", `${mediaError.name}: ${mediaError.message}`, { audio: wantAudio, video: wantVideo });

  $("join-form").hidden = true;
  $("call").hidden = false;
  $("meeting-label").textContent = meetingId;
  $("self-label").textContent = name ? `${name} (${participantId})` : participantId;
  addLocalTile();
  updateToolbar();
  connectSignalling();
}

export function setState(state) {
  demo.state = state;
  document.body.dataset.state = state;
}

/** Ends the call locally: tracks, peer connections, signalling. */
export function teardown() {
  clearTimeout(call.reconnectTimer);
  call.reconnectTimer = null;
  call.rejoined = false;
  call.roster.clear();
  if (call.socket) {
    call.socket.onclose = null;
    call.socket.close(1000, "left");
    call.socket = null;
  }
  for (const peerId of [...call.peers.keys()]) removePeer(peerId);
  for (const track of call.local?.getTracks() ?? []) track.stop();
  for (const track of call.screen?.getTracks() ?? []) track.stop();
  call.local = null;
  call.screen = null;
  demo.screenStreamId = null;
  $("tiles").replaceChildren();
  $("peer-status").replaceChildren();
  $("enable-sound").hidden = true;
}

export function backToForm(status) {
  $("call").hidden = true;
  $("join-form").hidden = false;
  $("join").disabled = false;
  $("join").textContent = "Join again";
  setStatus(status);
}

export function leave() {
  if (demo.state !== "in-call" && demo.state !== "joining") return;
  setState("left");
  try { demo.cs?.leave(); } catch (err) { console.error(err); }
  teardown();
  backToForm("You left the meeting.");
}

function kicked(reason) {
  demo.kicked = reason || "kicked";
  setState("kicked");
  teardown();
  showBanner(`You were removed from the meeting (${demo.kicked}).`, "error");
  backToForm("");
}

function showSession(sessionId) {
  if (!sessionId) return;
  demo.sessionId = sessionId;
  const id = encodeURIComponent(sessionId);
  const dashboard = new URL(`/sessions/${id}`, location.origin).href;
  const api = new URL(`/api/v1/sessions/${id}`, location.origin).href;
  $("session-id").textContent = sessionId;
  $("session-dashboard").href = dashboard;
  $("session-api").href = api;
  $("session-api-text").textContent = `/api/v1/sessions/${sessionId}`;
  $("session-curl").textContent = `curl -H 'Authorization: Bearer <api token>' ${api}`;
  $("session-wait").hidden = true;
  $("session-info").hidden = false;
}
