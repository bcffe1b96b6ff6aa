// Video tiles (ours, our screen share, each peer's camera and screen share) and the peer status
// list under the toolbar.

import { demo, call } from "./state.js";
import { $, el } from "./ui.js";

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

export function addLocalTile() {
  const name = $("name").value.trim();
  const tile = makeTile(name ? `${name} (you)` : "You", { id: "local-tile", className: "local" });
  tile.video.srcObject = call.local;
  if (!call.local?.getVideoTracks().length) tile.classList.add("no-video");
  $("tiles").prepend(tile);
}

export function addLocalScreenTile() {
  const tile = makeTile("Your screen (shared)", { id: "local-screen", className: "screen" });
  tile.video.srcObject = call.screen;
  $("local-tile")?.after(tile);
}

export function addPeerTile(peer) {
  peer.tile = makeTile(peer.id, { className: "remote no-video" });
  peer.tile.dataset.peer = peer.id;
  $("tiles").append(peer.tile);
}

function displayName(peer) {
  return peer.name ? `${peer.name} (${peer.id})` : peer.id;
}

export function renderPeerName(peer) {
  if (peer.tile) peer.tile.caption.textContent = displayName(peer);
  if (peer.screenTile) peer.screenTile.caption.textContent = `${displayName(peer)} — screen`;
}

export function screenTileOf(peer) {
  if (!peer.screenTile) {
    peer.screenTile = makeTile(`${displayName(peer)} — screen`, { className: "screen" });
    peer.screenTile.dataset.peer = peer.id;
    peer.tile.after(peer.screenTile);
  }
  return peer.screenTile;
}

export function removeScreenTile(peer) {
  peer.screenTile?.remove();
  peer.screenTile = null;
}

let statusNote = "";
export function setPeerStatusNote(text) {
  statusNote = text;
  renderPeerStatus();
}

export function renderPeerStatus() {
  const items = [];
  const note = statusNote || (call.peers.size === 0 && demo.state === "in-call"
    ? "Nobody else is here yet — open the invite link in another tab." : "");
  if (note) items.push(el("li", { className: "note", text: note }));
  for (const peer of call.peers.values()) {
    const state = peer.pc.connectionState;
    items.push(el("li", { className: `state-${state}` }, [
      el("span", { className: "dot", attrs: { "aria-hidden": "true" } }),
      el("span", { text: `${displayName(peer)}: ${state}` }),
    ]));
  }
  $("peer-status").replaceChildren(...items);
}
