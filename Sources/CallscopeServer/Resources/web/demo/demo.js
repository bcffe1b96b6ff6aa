// Callscope demo call: a mesh WebRTC call between tabs, signalled through the server's
// `/demo/signal` WebSocket relay, measured by the Callscope collector.
//
// URL parameters: meeting, name, participant (overrides the ID kept in sessionStorage),
// autojoin=1 (join without a click), screen=1 (share the screen once joined), stun=stun:host:port.
//
// Signalling (JSON frames through the relay, which adds "from"):
//   server → {type:"peers", peers:[ids], token} | {type:"joined", from} | {type:"left", from}
//   peer ↔ {to, type:"hello", name} | {to, type:"streams", screen: streamId|null}
//        | {to, type:"description", description} | {to, type:"candidate", candidate}
//
// Negotiation: one RTCPeerConnection per remote participant, "perfect negotiation" (polite = own
// id < peer id). The newcomer offers; the others answer and put their camera and microphone on
// the offered transceivers. A screen share is always a separate transceiver, announced first with
// a "streams" message so that the receiver can label it.

// The collector is loaded as soon as the page is: should it fail to load, the call still works.
const collectorModule = import("/sdk/callscope.mjs");
collectorModule.catch(() => {});

const params = new URLSearchParams(location.search);
const $ = (id) => document.getElementById(id);
const PARTICIPANT_KEY = "callscope-demo-participant";
const NAME_KEY = "callscope-demo-name";
const VIDEO_CONSTRAINTS = { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 30, max: 30 } };
const ANSWERER_WAIT_MS = 3000;

/** State the tests read. */
const demo = {
  cs: null,
  pcs: new Map(),          // peerId → RTCPeerConnection
  state: "idle",           // "idle" | "joining" | "in-call" | "left" | "kicked"
  kicked: null,
  sessionId: null,
  meetingId: null,
  participantId: null,
  screenStreamId: null,
  errors: [],
};
window.demo = demo;

let local = null;          // camera + microphone MediaStream (may have no tracks)
let screen = null;         // screen-share MediaStream while sharing
let socket = null;
let reconnectTimer = null;
let reconnectDelayMs = 1000;
let rejoined = false;      // signalling was up before in this call: a reconnect resumes it
const roster = new Set();  // who the relay says is in the meeting
const peers = new Map();   // peerId → Peer
const loadedAt = Date.now() + Math.random();

// ---------------------------------------------------------------- small helpers

/** An element with text content and attributes; never parses markup. */
function el(tag, { className, text, attrs } = {}, children = []) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  for (const [k, v] of Object.entries(attrs ?? {})) node.setAttribute(k, v);
  for (const child of children) node.append(child);
  return node;
}

function randomLetters(n) {
  const bytes = crypto.getRandomValues(new Uint32Array(n));
  return Array.from(bytes, (b) => String.fromCharCode(97 + (b % 26))).join("");
}

/** A meeting ID of the `abcd-efgh-ijkl` form. */
function newMeetingId() {
  const s = randomLetters(12);
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8)}`;
}

function newParticipantId() {
  return `p-${randomLetters(8)}`;
}

function validId(id) {
  // 1–128 characters, no control characters: what the server accepts.
  return id.length >= 1 && [...id].length <= 128 && !/[\u0000-\u001f\u007f-\u009f]/.test(id);
}

function setStatus(text) {
  $("join-status").textContent = text;
}

function showBanner(text, kind = "error") {
  const banner = $("banner");
  banner.textContent = text;
  banner.className = `banner ${kind}`;
  banner.hidden = false;
}

function hideBanner() {
  $("banner").hidden = true;
}

function noteError(code, message, data) {
  demo.errors.push({ code, message });
  console.warn(`[demo] ${code}: ${message}`);
  try { demo.cs?.error(code, message, data); } catch { /* the collector is optional */ }
}

function collectorEvent(name, data) {
  try { demo.cs?.event(name, data); } catch { /* the collector is optional */ }
}

// ---------------------------------------------------------------- the form

function initForm() {
  const storedId = sessionStorage.getItem(PARTICIPANT_KEY);
  const participant = params.get("participant") || storedId || newParticipantId();
  $("meeting").value = params.get("meeting") || newMeetingId();
  $("name").value = params.get("name") || sessionStorage.getItem(NAME_KEY) || "";
  $("participant").value = participant;
  if (!params.get("participant")) sessionStorage.setItem(PARTICIPANT_KEY, participant);
  rememberMeeting($("meeting").value);
  updateInvite();
  $("meeting").addEventListener("input", updateInvite);
  $("join-form").addEventListener("submit", (e) => {
    e.preventDefault();
    join();
  });
  $("toggle-mic").addEventListener("click", () => toggleTrack("audio"));
  $("toggle-camera").addEventListener("click", () => toggleTrack("video"));
  $("toggle-screen").addEventListener("click", () => (screen ? stopShare() : startShare()));
  $("leave").addEventListener("click", () => leave());
  $("enable-sound").addEventListener("click", enableSound);
  if (!navigator.mediaDevices?.getDisplayMedia) {
    $("toggle-screen").disabled = true;
    $("toggle-screen").title = "Screen sharing is not available in this browser";
  }
}

/** A duplicated tab inherits this tab's sessionStorage, hence its participant ID: the older tab
 *  answers a claim for its ID, and the newer one picks another. */
function guardDuplicateTab() {
  if (!("BroadcastChannel" in window)) return Promise.resolve();
  const channel = new BroadcastChannel("callscope-demo");
  channel.onmessage = (e) => {
    const m = e.data ?? {};
    const mine = $("participant").value;
    if (m.type === "claim" && m.id === mine && m.loadedAt > loadedAt) {
      channel.postMessage({ type: "taken", id: mine });
    } else if (m.type === "taken" && m.id === mine && !params.get("participant") && demo.state === "idle") {
      const fresh = newParticipantId();
      $("participant").value = fresh;
      sessionStorage.setItem(PARTICIPANT_KEY, fresh);
    }
  };
  channel.postMessage({ type: "claim", id: $("participant").value, loadedAt });
  return new Promise((resolve) => setTimeout(resolve, 150));
}

/** Puts the meeting ID in this tab's URL, so that a reload comes back to the same meeting. */
function rememberMeeting(meetingId) {
  const url = new URL(location.href);
  url.searchParams.set("meeting", meetingId);
  history.replaceState(null, "", url);
}

function updateInvite() {
  const url = new URL("/demo", location.origin);
  const meeting = $("meeting").value.trim();
  if (meeting) url.searchParams.set("meeting", meeting);
  const stun = params.get("stun");
  if (stun) url.searchParams.set("stun", stun);
  $("invite").href = url.href;
  $("invite").textContent = url.href;
}

function iceServers() {
  const stun = params.get("stun");
  return stun && /^stuns?:/.test(stun) ? [{ urls: stun }] : [];
}

// ---------------------------------------------------------------- joining and leaving

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

async function join() {
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
  local = new MediaStream();
  if (wantVideo || wantAudio) {
    try {
      local = await navigator.mediaDevices.getUserMedia({
        audio: wantAudio,
        video: wantVideo ? VIDEO_CONSTRAINTS : false,
      });
    } catch (err) {
      mediaError = err;
      showBanner(`No camera/microphone (${err.name}: ${err.message}); you join without sending media.`, "warning");
    }
  }
  if (demo.state !== "joining") { // left meanwhile
    for (const track of local.getTracks()) track.stop();
    local = null;
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

function setState(state) {
  demo.state = state;
  document.body.dataset.state = state;
}

/** Ends the call locally: tracks, peer connections, signalling. */
function teardown() {
  clearTimeout(reconnectTimer);
  reconnectTimer = null;
  rejoined = false;
  roster.clear();
  if (socket) {
    socket.onclose = null;
    socket.close(1000, "left");
    socket = null;
  }
  for (const peerId of [...peers.keys()]) removePeer(peerId);
  for (const track of local?.getTracks() ?? []) track.stop();
  for (const track of screen?.getTracks() ?? []) track.stop();
  local = null;
  screen = null;
  demo.screenStreamId = null;
  $("tiles").replaceChildren();
  $("peer-status").replaceChildren();
  $("enable-sound").hidden = true;
}

function backToForm(status) {
  $("call").hidden = true;
  $("join-form").hidden = false;
  $("join").disabled = false;
  $("join").textContent = "Join again";
  setStatus(status);
}

function leave() {
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

// ---------------------------------------------------------------- signalling

function connectSignalling() {
  const url = new URL("/demo/signal", location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  url.searchParams.set("meetingId", demo.meetingId);
  url.searchParams.set("participantId", demo.participantId);
  // Media flows peer to peer: a lost relay (a server restart) must not cut the call. Resuming,
  // live peer connections are kept on both sides; only what failed is built again.
  if (rejoined) url.searchParams.set("resume", "1");
  // The relay's token for this participant: a reload of this tab may take its place, another
  // tab or anybody else with the same ID may not.
  const token = sessionStorage.getItem(tokenKey());
  if (token) url.searchParams.set("token", token);
  const ws = new WebSocket(url);
  socket = ws;
  let opened = false;
  ws.onopen = () => {
    opened = true;
    reconnectDelayMs = 1000;
  };
  ws.onmessage = (e) => {
    let message;
    try { message = JSON.parse(e.data); } catch { return; }
    onSignal(message);
  };
  ws.onclose = (e) => {
    if (socket !== ws) return;
    socket = null;
    if (e.code === 1008) {
      // The relay closed us: the same participant joined from another tab or window.
      setState("left");
      teardown();
      showBanner("This participant joined the meeting from another tab or window; this tab left the call.", "warning");
      backToForm("");
      return;
    }
    if (e.code === 4409 || e.code === 4403 || e.code === 4503 || (!opened && demo.state === "joining")) {
      // 4409: the meeting has 16 participants already; 4403: this participant ID is in the call
      // in another tab or browser; 4503: the relay is busy; otherwise the relay refused the IDs.
      setState("idle");
      teardown();
      try { demo.cs?.leave("signalling_failed"); } catch { /* optional */ }
      showBanner(e.code === 4409 || e.code === 4403 || e.code === 4503
        ? `Could not join: ${e.reason || "the relay refused the connection"}.`
        : "Could not join: the signalling relay refused the connection.", "error");
      backToForm("");
      return;
    }
    if (demo.state === "in-call" || demo.state === "joining") {
      setPeerStatusNote(`Signalling connection lost; reconnecting in ${Math.round(reconnectDelayMs / 1000)} s…`);
      reconnectTimer = setTimeout(connectSignalling, reconnectDelayMs);
      reconnectDelayMs = Math.min(reconnectDelayMs * 2, 10000);
    }
  };
}

function tokenKey() {
  return `callscope-demo-token:${demo.meetingId}:${demo.participantId}`;
}

function signal(message) {
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

function onSignal(message) {
  const from = typeof message.from === "string" ? message.from : null;
  switch (message.type) {
    case "peers": {
      if (typeof message.token === "string") sessionStorage.setItem(tokenKey(), message.token);
      // Connected: offer to everyone. Reconnected (resume): keep every peer connection that is
      // still up (a peer that has not reconnected yet will say "joined" with resumed), rebuild
      // the rest; the others do the same on our resumed "joined".
      const list = Array.isArray(message.peers) ? message.peers.filter((p) => typeof p === "string") : [];
      const resuming = rejoined;
      rejoined = true;
      roster.clear();
      list.forEach((p) => roster.add(p));
      for (const peerId of [...peers.keys()]) if (!(resuming && isConnected(peers.get(peerId)))) removePeer(peerId);
      for (const peerId of list) {
        if (peers.has(peerId)) greet(peers.get(peerId));
        else createPeer(peerId, { initiator: true });
      }
      if (demo.state === "joining") {
        setState("in-call");
        if (params.get("screen") === "1" && !screen) startShare();
      }
      setPeerStatusNote("");
      return;
    }
    case "joined":
      if (!from) return;
      roster.add(from);
      if (message.resumed === true && isConnected(peers.get(from))) {
        greet(peers.get(from));
      } else {
        removePeer(from);
        createPeer(from, { initiator: false });
      }
      renderPeerStatus();
      return;
    case "left":
      if (!from) return;
      roster.delete(from);
      removePeer(from);
      renderPeerStatus();
      return;
    default: {
      if (!from) return;
      let peer = peers.get(from);
      if (!peer) {
        if (message.type !== "description" && message.type !== "hello" && message.type !== "streams") return;
        peer = createPeer(from, { initiator: false });
      }
      // One message at a time per peer: descriptions and candidates must apply in order.
      peer.chain = peer.chain.then(() => onPeerMessage(peer, message)).catch((err) => {
        noteError("signalling", `${message.type} from peer: ${err.message}`, { peer: peer.id });
      });
    }
  }
}

// ---------------------------------------------------------------- peer connections

class Peer {
  constructor(id) {
    this.id = id;
    this.name = "";
    this.polite = demo.participantId < id;
    this.pc = null;
    this.chain = Promise.resolve();
    this.makingOffer = false;
    this.ignoreOffer = false;
    this.mediaAttached = false;
    this.attachTimer = null;
    this.remoteScreen = null;             // the peer's screen-share stream id
    this.recvKinds = new WeakMap();       // transceiver → kind of the track it receives
    this.screenTransceivers = new Map();  // our screen-share transceiver → "screen-video" | "screen-audio"
    this.tile = null;
    this.screenTile = null;
    this.audio = [];
  }
}

function createPeer(peerId, { initiator }) {
  const peer = new Peer(peerId);
  const pc = new RTCPeerConnection({ iceServers: iceServers() });
  peer.pc = pc;
  peers.set(peerId, peer);
  demo.pcs.set(peerId, pc);
  try {
    demo.cs?.monitor(pc, { remoteParticipantId: peerId, labels: () => labelsOf(peer) });
  } catch (err) {
    console.error(err);
  }

  pc.onicecandidate = ({ candidate }) => {
    if (candidate) signal({ to: peerId, type: "candidate", candidate: candidate.toJSON() });
  };
  pc.onnegotiationneeded = async () => {
    try {
      peer.makingOffer = true;
      await pc.setLocalDescription();
      signal({ to: peerId, type: "description", description: pc.localDescription });
    } catch (err) {
      noteError("negotiation", err.message, { peer: peerId });
    } finally {
      peer.makingOffer = false;
    }
  };
  pc.ontrack = (e) => onTrack(peer, e);
  pc.onconnectionstatechange = () => {
    renderPeerStatus();
    if (pc.connectionState !== "failed") return;
    // Gone while the relay was down (no "left" reached us): drop it; else try an ICE restart.
    if (socket?.readyState === WebSocket.OPEN && !roster.has(peerId)) removePeer(peerId);
    else pc.restartIce();
  };
  pc.oniceconnectionstatechange = renderPeerStatus;

  addPeerTile(peer);
  greet(peer);
  if (initiator) {
    attachMedia(peer, { offering: true });
  } else {
    // The newcomer offers; answer with our media on its transceivers. Should no offer come,
    // offer ourselves.
    peer.attachTimer = setTimeout(() => {
      if (!peer.mediaAttached && peers.get(peerId) === peer) attachMedia(peer, { offering: true });
    }, ANSWERER_WAIT_MS);
  }
  renderPeerStatus();
  return peer;
}

/** Our name and screen-share stream id, sent on every (re)connection of the signalling. */
function greet(peer) {
  signal({ to: peer.id, type: "hello", name: $("name").value.trim() });
  signal({ to: peer.id, type: "streams", screen: screen ? screen.id : null });
}

/** A peer connection still carrying (or about to carry) media. */
function isConnected(peer) {
  return !!peer && (peer.pc.connectionState === "connected" || peer.pc.connectionState === "connecting");
}

function removePeer(peerId) {
  const peer = peers.get(peerId);
  if (!peer) return;
  clearTimeout(peer.attachTimer);
  peers.delete(peerId);
  demo.pcs.delete(peerId);
  peer.pc.onnegotiationneeded = null;
  peer.pc.onicecandidate = null;
  peer.pc.onconnectionstatechange = null;
  peer.pc.oniceconnectionstatechange = null;
  peer.pc.ontrack = null;
  peer.pc.close();
  peer.tile?.remove();
  peer.screenTile?.remove();
  for (const audio of peer.audio) {
    audio.srcObject = null;
    audio.remove();
  }
}

async function onPeerMessage(peer, message) {
  const pc = peer.pc;
  if (peers.get(peer.id) !== peer) return; // reset meanwhile
  switch (message.type) {
    case "hello":
      peer.name = typeof message.name === "string" ? message.name.slice(0, 100) : "";
      renderPeerName(peer);
      renderPeerStatus();
      return;
    case "streams":
      peer.remoteScreen = typeof message.screen === "string" ? message.screen : null;
      if (!peer.remoteScreen) removeScreenTile(peer);
      return;
    case "description": {
      const description = message.description;
      if (!description || (description.type !== "offer" && description.type !== "answer")) return;
      const offerCollision = description.type === "offer" && (peer.makingOffer || pc.signalingState !== "stable");
      peer.ignoreOffer = !peer.polite && offerCollision;
      if (peer.ignoreOffer) return;
      await pc.setRemoteDescription(description); // rolls back our own offer on a collision
      if (description.type === "offer") {
        if (!peer.mediaAttached) attachMedia(peer, { offering: false });
        await pc.setLocalDescription();
        signal({ to: peer.id, type: "description", description: pc.localDescription });
      }
      return;
    }
    case "candidate":
      try {
        await pc.addIceCandidate(message.candidate);
      } catch (err) {
        if (!peer.ignoreOffer) throw err;
      }
      return;
    default:
      return;
  }
}

function isLive(transceiver) {
  return !transceiver.stopped && transceiver.currentDirection !== "stopped" && transceiver.direction !== "stopped";
}

/** An offered transceiver of `kind` we can send our camera/microphone on: not yet sending, not
 *  a screen share of either side. */
function reusableTransceiver(peer, kind) {
  return peer.pc.getTransceivers().find((t) =>
    isLive(t) && !t.sender.track && t.receiver.track.kind === kind &&
    !peer.screenTransceivers.has(t) && !String(peer.recvKinds.get(t) ?? "").startsWith("screen-") &&
    (t.direction === "recvonly" || t.direction === "inactive"));
}

/** Puts our camera, microphone and screen share on the peer's connection. When offering, asks
 *  to receive the kinds we do not send, so the peer can answer with them. */
function attachMedia(peer, { offering }) {
  if (peer.mediaAttached) return;
  peer.mediaAttached = true;
  clearTimeout(peer.attachTimer);
  const pc = peer.pc;
  for (const kind of ["audio", "video"]) {
    const track = local?.getTracks().find((t) => t.kind === kind);
    const reusable = reusableTransceiver(peer, kind);
    if (track && reusable) {
      reusable.sender.replaceTrack(track).catch((err) => noteError("replaceTrack", err.message, { peer: peer.id }));
      reusable.sender.setStreams?.(local);
      reusable.direction = "sendrecv";
    } else if (track) {
      pc.addTransceiver(track, { direction: "sendrecv", streams: [local] });
    } else if (offering && !reusable) {
      pc.addTransceiver(kind, { direction: "recvonly" });
    }
  }
  if (screen) addScreen(peer);
}

function addScreen(peer) {
  for (const track of screen.getTracks()) {
    const t = peer.pc.addTransceiver(track, { direction: "sendonly", streams: [screen] });
    peer.screenTransceivers.set(t, `screen-${track.kind}`);
  }
}

/** Labels for the collector (ingest protocol §7.5), by mid, computed when stats are taken:
 *  mids are only known after negotiation. */
function labelsOf(peer) {
  const mid = {};
  for (const t of peer.pc.getTransceivers()) {
    if (!t.mid || !isLive(t)) continue;
    const received = peer.recvKinds.get(t);
    const sentScreen = peer.screenTransceivers.get(t);
    if (received) mid[t.mid] = { remoteParticipantId: peer.id, kind: received };
    else if (sentScreen) mid[t.mid] = { kind: sentScreen };
    else if (t.sender.track) mid[t.mid] = { kind: t.sender.track.kind };
  }
  return { mid };
}

function onTrack(peer, e) {
  const track = e.track;
  const stream = e.streams[0];
  const isScreen = Boolean(stream && peer.remoteScreen && stream.id === peer.remoteScreen);
  const kind = isScreen ? `screen-${track.kind}` : track.kind;
  peer.recvKinds.set(e.transceiver, kind);
  if (track.kind === "audio") {
    const audio = el("audio", { attrs: { autoplay: "" } });
    audio.srcObject = new MediaStream([track]);
    audio.hidden = true;
    document.body.append(audio);
    peer.audio.push(audio);
    audio.play().catch(() => { $("enable-sound").hidden = false; });
    track.addEventListener("ended", () => audio.remove());
    return;
  }
  if (isScreen) {
    const tile = screenTileOf(peer);
    tile.video.srcObject = new MediaStream([track]);
    const remove = () => { if (tile.video.srcObject?.getTracks()[0] === track) removeScreenTile(peer); };
    track.addEventListener("ended", remove);
    stream.addEventListener("removetrack", remove);
  } else {
    peer.tile.video.srcObject = new MediaStream([track]);
    peer.tile.classList.remove("no-video");
    track.addEventListener("mute", () => peer.tile?.classList.add("no-video"));
    track.addEventListener("unmute", () => peer.tile?.classList.remove("no-video"));
  }
}

function enableSound() {
  for (const peer of peers.values()) for (const audio of peer.audio) audio.play().catch(() => {});
  $("enable-sound").hidden = true;
}

// ---------------------------------------------------------------- local controls

function toggleTrack(kind) {
  const track = local?.getTracks().find((t) => t.kind === kind);
  if (!track) return;
  track.enabled = !track.enabled;
  // The collector notices real track mutes itself; a user's click only disables the track.
  collectorEvent(track.enabled ? "unmute" : "mute", { kind, by: "user" });
  updateToolbar();
}

async function startShare() {
  if (screen || demo.state !== "in-call") return;
  let stream;
  try {
    stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15, max: 30 } }, audio: true });
  } catch (err) {
    noteError("getDisplayMedia", `${err.name}: ${err.message}`);
    setPeerStatusNote(`Screen share failed: ${err.message}`);
    return;
  }
  if (demo.state !== "in-call") {
    for (const track of stream.getTracks()) track.stop();
    return;
  }
  screen = stream;
  demo.screenStreamId = stream.id;
  stream.getVideoTracks()[0]?.addEventListener("ended", stopShare);
  addLocalScreenTile();
  for (const peer of peers.values()) {
    // Announce the stream id before the renegotiation that carries it.
    signal({ to: peer.id, type: "streams", screen: stream.id });
    if (peer.mediaAttached) addScreen(peer); // otherwise attachMedia adds it
  }
  collectorEvent("screen_share", { action: "started" });
  updateToolbar();
}

function stopShare() {
  if (!screen) return;
  const stream = screen;
  screen = null;
  demo.screenStreamId = null;
  for (const track of stream.getTracks()) track.stop();
  for (const peer of peers.values()) {
    for (const t of peer.screenTransceivers.keys()) {
      if (isLive(t)) t.stop(); // renegotiates
    }
    peer.screenTransceivers.clear();
    signal({ to: peer.id, type: "streams", screen: null });
  }
  $("local-screen")?.remove();
  collectorEvent("screen_share", { action: "stopped" });
  updateToolbar();
}

function updateToolbar() {
  const audio = local?.getAudioTracks()[0];
  const video = local?.getVideoTracks()[0];
  const mic = $("toggle-mic");
  mic.disabled = !audio;
  mic.textContent = audio && !audio.enabled ? "Unmute" : "Mute mic";
  mic.setAttribute("aria-pressed", String(Boolean(audio && !audio.enabled)));
  const cam = $("toggle-camera");
  cam.disabled = !video;
  cam.textContent = video && !video.enabled ? "Camera on" : "Camera off";
  cam.setAttribute("aria-pressed", String(Boolean(video && !video.enabled)));
  $("toggle-screen").textContent = screen ? "Stop sharing" : "Share screen";
  $("toggle-screen").setAttribute("aria-pressed", String(Boolean(screen)));
  $("local-tile")?.classList.toggle("no-video", !video || !video.enabled);
}

// ---------------------------------------------------------------- tiles and status

function makeTile(label, { id, className = "" } = {}) {
  const video = el("video", { attrs: { autoplay: "", playsinline: "" } });
  video.muted = true; // sound plays through separate <audio> elements
  const caption = el("div", { className: "caption", text: label });
  const tile = el("figure", { className: `tile ${className}`.trim() }, [video, caption]);
  if (id) tile.id = id;
  tile.video = video;
  tile.caption = caption;
  return tile;
}

function addLocalTile() {
  const name = $("name").value.trim();
  const tile = makeTile(name ? `${name} (you)` : "You", { id: "local-tile", className: "local" });
  tile.video.srcObject = local;
  if (!local?.getVideoTracks().length) tile.classList.add("no-video");
  $("tiles").prepend(tile);
}

function addLocalScreenTile() {
  const tile = makeTile("Your screen (shared)", { id: "local-screen", className: "screen" });
  tile.video.srcObject = screen;
  $("local-tile")?.after(tile);
}

function addPeerTile(peer) {
  peer.tile = makeTile(peer.id, { className: "remote no-video" });
  peer.tile.dataset.peer = peer.id;
  $("tiles").append(peer.tile);
}

function displayName(peer) {
  return peer.name ? `${peer.name} (${peer.id})` : peer.id;
}

function renderPeerName(peer) {
  if (peer.tile) peer.tile.caption.textContent = displayName(peer);
  if (peer.screenTile) peer.screenTile.caption.textContent = `${displayName(peer)} — screen`;
}

function screenTileOf(peer) {
  if (!peer.screenTile) {
    peer.screenTile = makeTile(`${displayName(peer)} — screen`, { className: "screen" });
    peer.screenTile.dataset.peer = peer.id;
    peer.tile.after(peer.screenTile);
  }
  return peer.screenTile;
}

function removeScreenTile(peer) {
  peer.screenTile?.remove();
  peer.screenTile = null;
}

let statusNote = "";
function setPeerStatusNote(text) {
  statusNote = text;
  renderPeerStatus();
}

function renderPeerStatus() {
  const items = [];
  const note = statusNote || (peers.size === 0 && demo.state === "in-call"
    ? "Nobody else is here yet — open the invite link in another tab." : "");
  if (note) items.push(el("li", { className: "note", text: note }));
  for (const peer of peers.values()) {
    const state = peer.pc.connectionState;
    items.push(el("li", { className: `state-${state}` }, [
      el("span", { className: "dot", attrs: { "aria-hidden": "true" } }),
      el("span", { text: `${displayName(peer)}: ${state}` }),
    ]));
  }
  $("peer-status").replaceChildren(...items);
}

// ---------------------------------------------------------------- start

initForm();
window.demo.actions = { join, leave, startShare, stopShare, toggleMic: () => toggleTrack("audio"), toggleCamera: () => toggleTrack("video") };
window.demo.labels = (peerId) => (peers.get(peerId) ? labelsOf(peers.get(peerId)) : null);
await guardDuplicateTab();
if (params.get("autojoin") === "1") join();
