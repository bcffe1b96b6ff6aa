// Local controls: mute, camera on and off, screen share, and the toolbar that shows them.

import { demo, call } from "./state.js";
import { $, noteError, collectorEvent } from "./ui.js";
import { signal } from "./signalling.js";
import { addScreen, isLive } from "./peers.js";
import { addLocalScreenTile, setPeerStatusNote } from "./tiles.js";

export function toggleTrack(kind) {
  const track = call.local?.getTracks().find((t) => t.kind === kind);
  if (!track) return;
  track.enabled = !track.enabled;
  // The collector notices real track mutes itself; a user's click only disables the track.
  collectorEvent(track.enabled ? "unmute" : "mute", { kind, by: "user" });
  updateToolbar();
}

export async function startShare() {
  if (call.screen || demo.state !== "in-call") return;
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
  call.screen = stream;
  demo.screenStreamId = stream.id;
  stream.getVideoTracks()[0]?.addEventListener("ended", stopShare);
  addLocalScreenTile();
  for (const peer of call.peers.values()) {
    // Announce the stream id before the renegotiation that carries it.
    signal({ to: peer.id, type: "streams", screen: stream.id });
    if (peer.mediaAttached) addScreen(peer); // otherwise attachMedia adds it
  }
  collectorEvent("screen_share", { action: "started" });
  updateToolbar();
}

export function stopShare() {
  if (!call.screen) return;
  const stream = call.screen;
  call.screen = null;
  demo.screenStreamId = null;
  for (const track of stream.getTracks()) track.stop();
  for (const peer of call.peers.values()) {
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

export function updateToolbar() {
  const audio = call.local?.getAudioTracks()[0];
  const video = call.local?.getVideoTracks()[0];
  const mic = $("toggle-mic");
  mic.disabled = !audio;
  mic.textContent = audio && !audio.enabled ? "Unmute" : "Mute mic";
  mic.setAttribute("aria-pressed", String(Boolean(audio && !audio.enabled)));
  const cam = $("toggle-camera");
  cam.disabled = !video;
  cam.textContent = video && !video.enabled ? "Camera on" : "Camera off";
  cam.setAttribute("aria-pressed", String(Boolean(video && !video.enabled)));
  $("toggle-screen").textContent = call.screen ? "Stop sharing" : "Share screen";
  $("toggle-screen").setAttribute("aria-pressed", String(Boolean(call.screen)));
  $("local-tile")?.classList.toggle("no-video", !video || !video.enabled);
}
