// What the collector records without app code: wrap(), closing, ICE restarts, getUserMedia and
// getDisplayMedia failures, offer/answer failures, TURN errors, screen shares, track and transport
// states, devices, network, heartbeat.
import test, { after } from "node:test";
import assert from "node:assert/strict";
import { load, tick, FakePC, fakeTrack, joinedCollector, haltAll } from "./helpers.mjs";

const on = {};
const screenTrack = fakeTrack("video");
const stream = tracks => ({ getTracks: () => tracks });
globalThis.navigator = {
  mediaDevices: {
    async getUserMedia(c) {
      if (c.fail) throw Object.assign(new Error("it failed"), { name: c.fail, constraint: c.constraint });
      return stream([fakeTrack("audio")]);
    },
    async getDisplayMedia() { return stream([screenTrack]); },
    addEventListener: (t, f) => (on[t] = f),
    async enumerateDevices() { return [{ kind: "audioinput" }, { kind: "audioinput" }, { kind: "videoinput" }, { kind: "audiooutput" }]; },
  },
  connection: { type: "wifi", effectiveType: "4g", downlink: 10, rtt: 50, addEventListener: (t, f) => (on["net-" + t] = f) },
};
class NativePC extends FakePC {
  static generateCertificate(x) { return "cert:" + x; }
  close() { this.signalingState = "closed"; this.closedNatively = true; }
  restartIce() { this.restarted = true; }
  async createOffer() { return { type: "offer" }; }
  async setRemoteDescription(description) {
    if (description.bad) throw Object.assign(new Error("Failed to set remote answer sdp: no codecs in common"), { name: "OperationError" });
  }
  async addIceCandidate() { throw Object.assign(new Error("Unknown ufrag"), { name: "OperationError" }); }
}
globalThis.RTCPeerConnection = NativePC;

const Callscope = load();
after(haltAll);
Callscope.wrap();
const early = new RTCPeerConnection(); // before init: queued until then
const { cs, ws } = await joinedCollector(Callscope);
const sent = () => ws.frames.flat();
const last = () => sent().at(-1);

test("wrap(): instanceof, prototype and statics keep working; pcs from before init are monitored", async () => {
  const W = globalThis.RTCPeerConnection;
  assert.notEqual(W, NativePC);
  assert.equal(W.name, "RTCPeerConnection");
  assert.equal(W.generateCertificate("x"), "cert:x");
  const pc = new W({ iceServers: [] });
  assert.ok(pc instanceof W && pc instanceof NativePC);
  assert.equal(Object.getPrototypeOf(pc), NativePC.prototype);
  assert.ok(cs.peerConnections.has(early), "queued before init");
  assert.ok(cs.peerConnections.has(pc));
  class Mine extends W {}
  const mine = new Mine();
  assert.ok(mine instanceof Mine && cs.peerConnections.has(mine), "subclasses too");
  Callscope.wrap();
  assert.equal(globalThis.RTCPeerConnection, W, "wrapping twice changes nothing");
  // monitor() on a wrapped pc only updates its options.
  const id = cs.peerConnections.get(pc).id;
  cs.monitor(pc, { remoteParticipantId: "p-9" });
  assert.equal(cs.peerConnections.get(pc).id, id);
  assert.equal(cs.peerConnections.get(pc).monitorOptions.remoteParticipantId, "p-9");
});

test("pc IDs are unique and not reused (time-based prefix, counter)", () => {
  const ids = [...cs.peerConnections.values()].map(m => m.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, /^pc-[0-9a-z]{8,}-\d+$/);
});

test("close(): a last stats report and connection-state closed, then the pc is no longer monitored", async () => {
  const pc = new RTCPeerConnection();
  pc.reports.push({ X: { id: "X", type: "outbound-rtp", timestamp: 5, bytesSent: 1 } });
  const id = cs.peerConnections.get(pc).id;
  pc.close();
  assert.ok(pc.closedNatively);
  assert.ok(!cs.peerConnections.has(pc));
  await tick();
  await cs.tick();
  const mine = sent().filter(m => m.pc == id || m.data?.pc == id);
  assert.deepEqual(mine.map(m => m.type + ":" + (m.name || "")), ["event:connection-state", "stats:"]);
  assert.deepEqual(mine[0].data, { pc: id, state: "closed" });
  assert.deepEqual(mine[1].report, { X: { id: "X", type: "outbound-rtp", timestamp: 5, bytesSent: 1 } });
});

test("ICE restarts: restartIce() and createOffer({iceRestart: true})", async () => {
  const pc = new RTCPeerConnection();
  const id = cs.peerConnections.get(pc).id;
  const n = sent().length;
  pc.restartIce();
  assert.ok(pc.restarted, "the original still runs");
  assert.deepEqual(await pc.createOffer(), { type: "offer" });
  await pc.createOffer({ iceRestart: true });
  await tick();
  assert.deepEqual(sent().slice(n).map(m => [m.name, m.data]), [["ice-restart", { pc: id }], ["ice-restart", { pc: id }]]);
});

test("offer/answer failures are errors; the app still gets the browser's own rejection", async () => {
  const pc = new RTCPeerConnection();
  const id = cs.peerConnections.get(pc).id;
  await pc.setRemoteDescription({ type: "answer" });
  await tick();
  const n = sent().length;
  await assert.rejects(pc.setRemoteDescription({ type: "answer", bad: true }), { name: "OperationError" });
  await assert.rejects(pc.addIceCandidate({ candidate: "x" }), { message: "Unknown ufrag" });
  await tick();
  assert.deepEqual(sent().slice(n).map(m => [m.type, m.code, m.severity, m.message, m.data]), [
    ["error", "set-remote-description-failed", "error", "OperationError: Failed to set remote answer sdp: no codecs in common",
      { pc: id, name: "OperationError" }],
    ["error", "add-ice-candidate-failed", "warning", "OperationError: Unknown ufrag", { pc: id, name: "OperationError" }],
  ]);
});

test("TURN servers' candidate errors are errors, once per server and code; STUN servers' are not", async () => {
  const pc = new RTCPeerConnection();
  const id = cs.peerConnections.get(pc).id;
  const n = sent().length;
  const turn = { url: "turn:turn.example.com:3478?transport=udp", errorCode: 701, errorText: "TURN host lookup received error." };
  pc.fire("icecandidateerror", turn);
  pc.fire("icecandidateerror", turn);
  pc.fire("icecandidateerror", { url: "stun:stun.example.com:19302", errorCode: 701, errorText: "STUN timeout" });
  pc.fire("icecandidateerror", { ...turn, errorCode: 401, errorText: "Unauthorized" });
  await tick();
  assert.deepEqual(sent().slice(n).map(m => [m.code, m.message, m.data]), [
    ["turn-error", "701 TURN host lookup received error.", { pc: id, url: turn.url, errorCode: 701 }],
    ["turn-error", "401 Unauthorized", { pc: id, url: turn.url, errorCode: 401 }],
  ]);
});

test("getUserMedia failures become errors with short codes; the app still gets the exception", async () => {
  const cases = [
    ["NotAllowedError", "getusermedia-denied"], ["NotFoundError", "getusermedia-no-device"], ["NotReadableError", "getusermedia-in-use"],
    ["OverconstrainedError", "getusermedia-overconstrained"], ["AbortError", "getusermedia-aborted"], ["SecurityError", "getusermedia-blocked"],
    ["TypeError", "getusermedia-invalid-constraints"], ["WeirdError", "getusermedia-failed"],
  ];
  for (const [name, code] of cases) {
    const c = { fail: name, video: { width: 9999 }, constraint: name == "OverconstrainedError" ? "width" : undefined };
    await assert.rejects(navigator.mediaDevices.getUserMedia(c), { name });
    await tick();
    const e = last();
    assert.equal(e.type, "error");
    assert.equal(e.code, code);
    assert.equal(e.message, name + ": it failed");
    assert.equal(e.source, "sdk");
    assert.deepEqual(e.data.constraints.video, { width: 9999 });
    assert.equal(e.data.constraint, c.constraint);
  }
  const s = await navigator.mediaDevices.getUserMedia({ audio: true });
  assert.equal(s.getTracks()[0].kind, "audio");
  s.getTracks()[0].fire("mute"); // local tracks are watched from getUserMedia on, before any pc
  await tick();
  assert.deepEqual([last().name, last().data], ["mute", { kind: "audio", direction: "local" }]);
});

test("getDisplayMedia tracks label their transceiver as a screen share; track events carry kind and direction", async () => {
  const s = await navigator.mediaDevices.getDisplayMedia({ video: true });
  const pc = new RTCPeerConnection();
  const id = cs.peerConnections.get(pc).id;
  const remote = fakeTrack("audio");
  pc.transceivers.push({ mid: "0", sender: { track: fakeTrack("audio") } }, { mid: "1", sender: { track: s.getTracks()[0] } });
  pc.receivers.push({ track: remote });
  pc.reports.push({}, {}, {});
  await cs.tick();
  const stats = () => sent().filter(m => m.pc == id);
  assert.deepEqual(stats()[0].labels, { mid: { 1: { kind: "screen-video" } } });
  screenTrack.fire("ended");
  remote.fire("mute");
  remote.fire("unmute");
  await tick();
  assert.deepEqual(sent().slice(-3).map(m => [m.name, m.data]), [
    ["track-ended", { kind: "screen-video", direction: "local" }],
    ["mute", { kind: "audio", direction: "remote" }],
    ["unmute", { kind: "audio", direction: "remote" }],
  ]);
  pc.transceivers.pop(); // the share stopped: its label goes away, and empty labels are sent once
  await cs.tick();
  await cs.tick();
  assert.deepEqual(stats().map(m => m.labels), [{ mid: { 1: { kind: "screen-video" } } }, {}, undefined]);
});

test("a failed DTLS transport is an error", async () => {
  const pc = new RTCPeerConnection();
  const id = cs.peerConnections.get(pc).id;
  let fire;
  const transport = { state: "connected", addEventListener: (t, f) => (fire = f) };
  pc.transceivers.push({ mid: "0", sender: { track: null, transport } });
  pc.fire("connectionstatechange");
  transport.state = "failed";
  fire();
  await tick();
  const e = last();
  assert.deepEqual([e.type, e.code, e.data], ["error", "dtls-failed", { pc: id }]);
});

test("device changes are counted per kind; network changes carry the connection's properties", async () => {
  await on.devicechange();
  await tick();
  assert.deepEqual([last().name, last().data], ["device-change", { audioinput: 2, videoinput: 1, audiooutput: 1 }]);
  on["net-change"]();
  await tick();
  assert.deepEqual([last().name, last().data], ["network-change", { type: "wifi", effectiveType: "4g", downlink: 10, rtt: 50 }]);
});

test("a heartbeat only after 10 s without any message", async () => {
  for (const pc of [...cs.peerConnections.keys()]) pc.close(); // no stats: the heartbeat is all there is
  cs.join();
  await tick();
  const n = sent().length;
  await cs.tick();
  assert.equal(sent().length, n);
  cs.lastMessageAt = Date.now() - 10001;
  await cs.tick();
  assert.equal(sent().length, n + 1);
  assert.equal(last().name, "heartbeat");
  await cs.tick();
  assert.equal(sent().length, n + 1);
});
