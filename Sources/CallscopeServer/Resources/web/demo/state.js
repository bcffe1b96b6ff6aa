// The demo call's shared state: the page's URL parameters, the `demo` object the tests read
// (window.demo), and the call's mutable state in one object, since a module cannot reassign
// another module's bindings.

export const params = new URLSearchParams(location.search);

/** State the tests read. */
export const demo = {
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

/** The call's mutable state, shared by the modules. */
export const call = {
  local: null,          // camera + microphone MediaStream (may have no tracks)
  screen: null,         // screen-share MediaStream while sharing
  socket: null,
  reconnectTimer: null,
  rejoined: false,      // signalling was up before in this call: a reconnect resumes it
  roster: new Set(),    // who the relay says is in the meeting
  peers: new Map(),     // peerId → Peer
};
