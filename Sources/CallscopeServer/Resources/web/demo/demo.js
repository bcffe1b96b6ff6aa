// Callscope demo call: a mesh WebRTC call between tabs, signalled through the server's
// `/demo/signal` WebSocket relay, measured by the Callscope collector.
//
// URL parameters: meeting, name, participant (overrides the ID kept in sessionStorage),
// autojoin=1 (join without a click), screen=1 (share the screen once joined), stun=stun:host:port.
//
// The entry module: it fills the form, wires the buttons and starts. The rest, by concern:
//   state.js       the page's parameters, window.demo (what the tests read), the call's state
//   ui.js          small DOM helpers, status line, banner, errors and events for the collector
//   form.js        meeting and participant IDs, invite link, duplicate-tab guard, ICE servers
//   call.js        joining and leaving, loading the collector
//   signalling.js  the signalling WebSocket and its messages
//   peers.js       peer connections, negotiation, media, labels
//   controls.js    mute, camera, screen share, toolbar
//   tiles.js       video tiles and the peer status list

import { params, call } from "./state.js";
import { $ } from "./ui.js";
import { PARTICIPANT_KEY, NAME_KEY, newMeetingId, newParticipantId, guardDuplicateTab, rememberMeeting, updateInvite } from "./form.js";
import { join, leave } from "./call.js";
import { toggleTrack, startShare, stopShare } from "./controls.js";
import { enableSound, labelsOf } from "./peers.js";

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
  $("toggle-screen").addEventListener("click", () => (call.screen ? stopShare() : startShare()));
  $("leave").addEventListener("click", () => leave());
  $("enable-sound").addEventListener("click", enableSound);
  if (!navigator.mediaDevices?.getDisplayMedia) {
    $("toggle-screen").disabled = true;
    $("toggle-screen").title = "Screen sharing is not available in this browser";
  }
}

// ---------------------------------------------------------------- start

initForm();
window.demo.actions = { join, leave, startShare, stopShare, toggleMic: () => toggleTrack("audio"), toggleCamera: () => toggleTrack("video") };
window.demo.labels = (peerId) => (call.peers.get(peerId) ? labelsOf(call.peers.get(peerId)) : null);
await guardDuplicateTab();
if (params.get("autojoin") === "1") join();
