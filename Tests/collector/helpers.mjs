// Shared by the collector tests: loads the classic script into this process and provides fakes
// for what a browser gives it (WebSocket, sessionStorage, RTCPeerConnection).
import fs from "node:fs";
import vm from "node:vm";

/** The collector files the tests can load: the readable source, and the shipped file built from it. */
export const COLLECTORS = {
  src: new URL("../../collector/src/callscope.js", import.meta.url),
  dist: new URL("../../Sources/CallscopeServer/Resources/web/sdk/callscope.js", import.meta.url),
};

/** Which one this process tests: CALLSCOPE_COLLECTOR=src (the default) or dist. `node --test
 *  Tests/collector/` runs every file on src, and shipped.test.mjs runs them all again on dist. */
export const VARIANT = process.env.CALLSCOPE_COLLECTOR || "src";
if (!COLLECTORS[VARIANT]) throw new Error(`CALLSCOPE_COLLECTOR=${VARIANT}: expected one of ${Object.keys(COLLECTORS).join(", ")}`);

/** Evaluates the collector as a browser would (a classic script) and returns globalThis.Callscope. */
export function load() {
  const file = COLLECTORS[VARIANT];
  vm.runInThisContext(fs.readFileSync(file, "utf8"), { filename: file.pathname });
  return globalThis.Callscope;
}

export const tick = (ms = 0) => new Promise(r => setTimeout(r, ms));

/** A WebSocket the test opens, answers and drops by hand. Frames are recorded parsed. */
export class FakeWS {
  static all = [];
  static get last() { return FakeWS.all.at(-1); }
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.frames = [];
    FakeWS.all.push(this);
  }
  send(s) {
    this.frames.push(JSON.parse(s));
    if (this.auto) queueMicrotask(() => this.ack()); // a server that acknowledges everything
  }
  close(code = 1000) {
    if (this.readyState === 3) return;
    this.readyState = 3;
    queueMicrotask(() => this.onclose?.({ code }));
  }
  open() { this.readyState = 1; this.onopen?.(); }
  push(obj) { this.onmessage?.({ data: JSON.stringify(obj) }); }
  drop(code = 1006) { this.readyState = 3; this.onclose?.({ code }); }
  /** Answers the oldest unanswered frame with a plain ack of everything in it. */
  ack(sessionId = "s1") {
    const f = this.frames[this.answered = (this.answered ?? 0)];
    this.answered++;
    const top = Math.max(...f.map(m => m.seq));
    this.push({ type: "ack", acks: [{ meetingId: f[0].meetingId, participantId: f[0].participantId, seq: top, sessionId }], stored: f.length, duplicates: 0 });
  }
}

export class FakeStorage {
  constructor() { this.map = new Map(); }
  getItem(k) { return this.map.has(k) ? this.map.get(k) : null; }
  setItem(k, v) { this.map.set(k, String(v)); }
}

/** A peer connection whose getStats() returns the reports the test queues. */
export class FakePC {
  constructor() {
    this.listeners = {};
    this.reports = [];
    this.transceivers = [];
    this.receivers = [];
    this.connectionState = "new";
    this.iceConnectionState = "new";
    this.signalingState = "stable";
  }
  addEventListener(t, f) { (this.listeners[t] ||= []).push(f); }
  fire(t, event = {}) { (this.listeners[t] || []).forEach(f => f(event)); }
  async getStats() { return new Map(Object.entries(this.reports.shift() || {})); }
  getTransceivers() { return this.transceivers; }
  getSenders() { return this.transceivers.map(t => t.sender); }
  getReceivers() { return this.receivers; }
}

/** A MediaStreamTrack: the test fires its events with fire(). */
export function fakeTrack(kind) {
  const on = {};
  return { kind, addEventListener: (t, f) => (on[t] ||= []).push(f), fire: t => (on[t] || []).forEach(f => f({})) };
}

export const MEETING = "m-1", PARTICIPANT = "p-1";

/** Every collector made by collector(); halt them all when a file is done (a failed test would
 * otherwise leave its stats interval keeping node alive). */
export const made = [];
export const haltAll = () => made.splice(0).forEach(c => c.halt());

/** A collector on fakes; stats ticks are driven by the test (cs.tick()). */
export function collector(Callscope, extra = {}) {
  return made[made.length] = Callscope.init({
    server: "https://calls.example",
    key: "k1",
    meetingId: MEETING,
    participantId: PARTICIPANT,
    statsIntervalMs: 1e6,
    ...extra,
    _deps: { WebSocket: FakeWS, storage: new FakeStorage(), navigator: {}, ...extra._deps },
  });
}

/** A joined collector whose fake server acknowledges every frame at once. */
export async function joinedCollector(Callscope, extra = {}) {
  const cs = collector(Callscope, extra);
  cs.join();
  const ws = FakeWS.last;
  ws.auto = true;
  await tick();
  ws.open();
  return { cs, ws };
}
