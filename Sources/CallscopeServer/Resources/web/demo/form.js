// The join form's values: meeting and participant IDs, the invite link, the meeting kept in the
// URL, the guard against a duplicated tab's participant ID, and the ICE servers (STUN, TURN) from the URL.

import { params, demo } from "./state.js";
import { $ } from "./ui.js";

export const PARTICIPANT_KEY = "callscope-demo-participant";
export const NAME_KEY = "callscope-demo-name";
const loadedAt = Date.now() + Math.random();

function randomLetters(n) {
  const bytes = crypto.getRandomValues(new Uint32Array(n));
  return Array.from(bytes, (b) => String.fromCharCode(97 + (b % 26))).join("");
}

/** A meeting ID of the `abcd-efgh-ijkl` form. */
export function newMeetingId() {
  const s = randomLetters(12);
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8)}`;
}

export function newParticipantId() {
  return `p-${randomLetters(8)}`;
}

export function validId(id) {
  // 1–128 characters, no control characters: what the server accepts.
  return id.length >= 1 && [...id].length <= 128 && !/[\u0000-\u001f\u007f-\u009f]/.test(id);
}

/** A duplicated tab inherits this tab's sessionStorage, hence its participant ID: the older tab
 *  answers a claim for its ID, and the newer one picks another. */
export function guardDuplicateTab() {
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
export function rememberMeeting(meetingId) {
  const url = new URL(location.href);
  url.searchParams.set("meeting", meetingId);
  history.replaceState(null, "", url);
}

export function updateInvite() {
  const url = new URL("/demo", location.origin);
  const meeting = $("meeting").value.trim();
  if (meeting) url.searchParams.set("meeting", meeting);
  for (const name of ["stun", "turn", "turnUser", "turnCredential"]) {
    const value = params.get(name);
    if (value) url.searchParams.set(name, value);
  }
  $("invite").href = url.href;
  $("invite").textContent = url.href;
}

export function iceServers() {
  const stun = params.get("stun");
  const servers = stun && /^stuns?:/.test(stun) ? [{ urls: stun }] : [];
  // ?turn=turn:host:3478&turnUser=…&turnCredential=…: a TURN server to relay through.
  const turn = params.get("turn");
  if (turn && /^turns?:/.test(turn)) {
    servers.push({ urls: turn, username: params.get("turnUser") ?? "", credential: params.get("turnCredential") ?? "" });
  }
  return servers;
}

/** The peer connections' configuration: the ICE servers, and `?relay=1` to send only through
 *  the TURN server (`iceTransportPolicy: "relay"`), as a participant behind a strict firewall does. */
export function rtcConfiguration() {
  const config = { iceServers: iceServers() };
  if (params.get("relay") === "1") config.iceTransportPolicy = "relay";
  return config;
}
