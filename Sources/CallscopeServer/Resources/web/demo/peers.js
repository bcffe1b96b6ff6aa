// Peer connections, one per remote participant: negotiation, our media on them, received
// tracks, and the labels the collector reads.
//
// Negotiation: one RTCPeerConnection per remote participant, "perfect negotiation" (polite = own
// id < peer id). The newcomer offers; the others answer and put their camera and microphone on
// the offered transceivers. A screen share is always a separate transceiver, announced first with
// a "streams" message so that the receiver can label it.

import { demo, call } from "./state.js";
import { $, el, noteError } from "./ui.js";
import { rtcConfiguration } from "./form.js";
import { signal } from "./signalling.js";
import { addPeerTile, renderPeerName, screenTileOf, removeScreenTile, renderPeerStatus } from "./tiles.js";

const ANSWERER_WAIT_MS = 3000;

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

export function createPeer(peerId, { initiator }) {
  const peer = new Peer(peerId);
  const pc = new RTCPeerConnection(rtcConfiguration());
  peer.pc = pc;
  call.peers.set(peerId, peer);
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
    if (call.socket?.readyState === WebSocket.OPEN && !call.roster.has(peerId)) removePeer(peerId);
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
      if (!peer.mediaAttached && call.peers.get(peerId) === peer) attachMedia(peer, { offering: true });
    }, ANSWERER_WAIT_MS);
  }
  renderPeerStatus();
  return peer;
}

/** Our name and screen-share stream id, sent on every (re)connection of the signalling. */
export function greet(peer) {
  signal({ to: peer.id, type: "hello", name: $("name").value.trim() });
  signal({ to: peer.id, type: "streams", screen: call.screen ? call.screen.id : null });
}

/** A peer connection still carrying (or about to carry) media. */
export function isConnected(peer) {
  return !!peer && (peer.pc.connectionState === "connected" || peer.pc.connectionState === "connecting");
}

export function removePeer(peerId) {
  const peer = call.peers.get(peerId);
  if (!peer) return;
  clearTimeout(peer.attachTimer);
  call.peers.delete(peerId);
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

export async function onPeerMessage(peer, message) {
  const pc = peer.pc;
  if (call.peers.get(peer.id) !== peer) return; // reset meanwhile
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

export function isLive(transceiver) {
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
    const track = call.local?.getTracks().find((t) => t.kind === kind);
    const reusable = reusableTransceiver(peer, kind);
    if (track && reusable) {
      reusable.sender.replaceTrack(track).catch((err) => noteError("replaceTrack", err.message, { peer: peer.id }));
      reusable.sender.setStreams?.(call.local);
      reusable.direction = "sendrecv";
    } else if (track) {
      pc.addTransceiver(track, { direction: "sendrecv", streams: [call.local] });
    } else if (offering && !reusable) {
      pc.addTransceiver(kind, { direction: "recvonly" });
    }
  }
  if (call.screen) addScreen(peer);
}

export function addScreen(peer) {
  for (const track of call.screen.getTracks()) {
    const t = peer.pc.addTransceiver(track, { direction: "sendonly", streams: [call.screen] });
    peer.screenTransceivers.set(t, `screen-${track.kind}`);
  }
}

/** Labels for the collector (ingest protocol §7.5), by mid, computed when stats are taken:
 *  mids are only known after negotiation. */
export function labelsOf(peer) {
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

export function enableSound() {
  for (const peer of call.peers.values()) for (const audio of peer.audio) audio.play().catch(() => {});
  $("enable-sound").hidden = true;
}
