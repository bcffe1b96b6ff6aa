// The signalling WebSocket to the server's `/demo/signal` relay: connecting and reconnecting,
// sending, and dispatching what arrives to the peer connections.
//
// Signalling (JSON frames through the relay, which adds "from"):
//   server → {type:"peers", peers:[ids], token} | {type:"joined", from} | {type:"left", from}
//   peer ↔ {to, type:"hello", name} | {to, type:"streams", screen: streamId|null}
//        | {to, type:"description", description} | {to, type:"candidate", candidate}

import { params, demo, call } from "./state.js";
import { showBanner, noteError } from "./ui.js";
import { setState, teardown, backToForm } from "./call.js";
import { createPeer, greet, isConnected, removePeer, onPeerMessage } from "./peers.js";
import { startShare } from "./controls.js";
import { setPeerStatusNote, renderPeerStatus } from "./tiles.js";

let reconnectDelayMs = 1000;

export function connectSignalling() {
  const url = new URL("/demo/signal", location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  url.searchParams.set("meetingId", demo.meetingId);
  url.searchParams.set("participantId", demo.participantId);
  // Media flows peer to peer: a lost relay (a server restart) must not cut the call. Resuming,
  // live peer connections are kept on both sides; only what failed is built again.
  if (call.rejoined) url.searchParams.set("resume", "1");
  // The relay's token for this participant: a reload of this tab may take its place, another
  // tab or anybody else with the same ID may not.
  const token = sessionStorage.getItem(tokenKey());
  if (token) url.searchParams.set("token", token);
  const ws = new WebSocket(url);
  call.socket = ws;
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
    if (call.socket !== ws) return;
    call.socket = null;
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
      call.reconnectTimer = setTimeout(connectSignalling, reconnectDelayMs);
      reconnectDelayMs = Math.min(reconnectDelayMs * 2, 10000);
    }
  };
}

function tokenKey() {
  return `callscope-demo-token:${demo.meetingId}:${demo.participantId}`;
}

export function signal(message) {
  if (call.socket?.readyState === WebSocket.OPEN) call.socket.send(JSON.stringify(message));
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
      const resuming = call.rejoined;
      call.rejoined = true;
      call.roster.clear();
      list.forEach((p) => call.roster.add(p));
      for (const peerId of [...call.peers.keys()]) if (!(resuming && isConnected(call.peers.get(peerId)))) removePeer(peerId);
      for (const peerId of list) {
        if (call.peers.has(peerId)) greet(call.peers.get(peerId));
        else createPeer(peerId, { initiator: true });
      }
      if (demo.state === "joining") {
        setState("in-call");
        if (params.get("screen") === "1" && !call.screen) startShare();
      }
      setPeerStatusNote("");
      return;
    }
    case "joined":
      if (!from) return;
      call.roster.add(from);
      if (message.resumed === true && isConnected(call.peers.get(from))) {
        greet(call.peers.get(from));
      } else {
        removePeer(from);
        createPeer(from, { initiator: false });
      }
      renderPeerStatus();
      return;
    case "left":
      if (!from) return;
      call.roster.delete(from);
      removePeer(from);
      renderPeerStatus();
      return;
    default: {
      if (!from) return;
      let peer = call.peers.get(from);
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
