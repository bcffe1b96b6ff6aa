import test, { after } from "node:test";
import assert from "node:assert/strict";
import { load, tick, FakeWS, FakeStorage, FakePC, collector, haltAll, MEETING, PARTICIPANT } from "./helpers.mjs";

const Callscope = load();
after(haltAll);
const flat = ws => ws.frames.flat();
const T = 1732533600000;
const report = (n, ts = T + n * 1000) => ({
  OT1: { id: "OT1", type: "outbound-rtp", timestamp: ts, kind: "video", mid: "0", bytesSent: 1000 * n },
  C1: { id: "C1", type: "codec", timestamp: ts, mimeType: "video/VP8" }, // filtered out
});

test("connects to the WebSocket with key, meeting and participant; messages carry seq, ts and IDs", async () => {
  const cs = collector(Callscope, { name: "Alice", location: "Berlin, DE", sdk: { name: "app", version: "2" } });
  const ws = FakeWS.last;
  assert.equal(ws.url, `wss://calls.example/ingest/v1/ws?key=k1&meetingId=${MEETING}&participantId=${PARTICIPANT}`);
  cs.join();
  cs.event("hello", { a: 1 });
  cs.error("my-code", "boom", { b: 2 });
  await tick();
  assert.equal(ws.frames.length, 0, "nothing before the socket opens");
  ws.open();
  assert.equal(ws.frames.length, 1);
  const [join, ev, err] = ws.frames[0];
  // No user agent in this fake navigator: no client information (the server derives it from the UA).
  assert.deepEqual(Object.keys(join).sort(), ["location", "meetingId", "name", "participantId", "sdk", "seq", "ts", "type"]);
  assert.equal(join.type, "join");
  assert.equal(join.name, "Alice");
  assert.equal(join.location, "Berlin, DE");
  assert.deepEqual(join.sdk, { name: "app", version: "2" });
  assert.deepEqual(ev, { type: "event", meetingId: MEETING, participantId: PARTICIPANT, ts: ev.ts, name: "hello", data: { a: 1 }, seq: join.seq + 1 });
  assert.deepEqual(err, { type: "error", meetingId: MEETING, participantId: PARTICIPANT, ts: err.ts, code: "my-code", message: "boom", data: { b: 2 }, source: "app", seq: join.seq + 2 });
  assert.ok(Math.abs(ev.ts - Date.now()) < 1000);
  ws.ack();
  assert.equal(cs.metrics().acked, 3);
  assert.equal(cs.metrics().messagesSent, 3);
  assert.equal(cs.sessionId, "s1");
  cs.halt();
});

test("what happens before the first join() waits for it, and the join goes first", async () => {
  const cs = collector(Callscope);
  const ws = FakeWS.last;
  ws.open();
  cs.error("getusermedia-denied", "NotAllowedError: Permission denied");
  await tick();
  assert.equal(ws.frames.length, 0, "held for the join");
  cs.join();
  await tick();
  const [join, err] = flat(ws);
  assert.deepEqual([join.type, err.type], ["join", "error"]);
  assert.equal(err.seq, join.seq + 1);
});

test("without a join() for 15 s, messages go anyway", async () => {
  const cs = collector(Callscope);
  const ws = FakeWS.last;
  ws.open();
  cs.event("no-join");
  await tick();
  assert.equal(ws.frames.length, 0);
  cs.createdAt -= 15001;
  cs.flush();
  assert.deepEqual(flat(ws).map(m => m.name), ["no-join"]);
  cs.join(); // a later join takes a new seq
  await tick();
  assert.ok(flat(ws)[1].seq > flat(ws)[0].seq);
});

test("onSession is called when the session named by the acks changes", async () => {
  const calls = [];
  const cs = collector(Callscope, { onSession: (s, m) => calls.push([s, m]) });
  const ws = FakeWS.last;
  ws.open();
  cs.join();
  await tick();
  ws.ack("s1");
  cs.event("x");
  await tick();
  ws.ack("s1");
  cs.event("y");
  await tick();
  ws.ack("s2");
  assert.deepEqual(calls, [["s1", MEETING], ["s2", MEETING]]);
  cs.halt();
});

test("stats: a full report first (filtered types), then deltas with timestamp; a new socket means a full report and labels again", async () => {
  const cs = collector(Callscope);
  const ws = FakeWS.last;
  cs.join();
  await tick();
  ws.open();
  ws.ack(); // the join
  const pc = new FakePC();
  pc.reports.push(report(1), report(2), report(3), report(4));
  cs.monitor(pc, { remoteParticipantId: "p-2", labels: { mid: { 0: { kind: "video" } } } });
  await cs.tick();
  await cs.tick();
  const [s1, s2] = flat(ws).filter(m => m.type == "stats");
  assert.match(s1.pc, /^pc-[0-9a-z]+-\d+$/);
  assert.deepEqual(s1.report, { OT1: report(1).OT1 });
  assert.equal(s1.timestamp, T + 1000);
  assert.equal(s1.remoteParticipantId, "p-2");
  assert.deepEqual(s1.labels, { mid: { 0: { kind: "video" } } });
  assert.deepEqual(s2.delta, { OT1: { bytesSent: 2000 } });
  assert.equal(s2.timestamp, T + 2000);
  assert.equal(s2.remoteParticipantId, "p-2", "in a mesh on every stats message");
  assert.equal(s2.labels, undefined, "unchanged labels are not repeated");
  assert.equal(s2.seq, s1.seq + 1);
  ws.drop();
  cs.connect();
  const ws2 = FakeWS.last;
  ws2.open();
  await cs.tick();
  const sent = flat(ws2);
  assert.deepEqual(sent.map(m => m.seq), [s1.seq, s2.seq, s2.seq + 1], "unanswered ones resent first, in order");
  assert.deepEqual(sent[2].report, { OT1: report(3).OT1 });
  assert.deepEqual(sent[2].labels, { mid: { 0: { kind: "video" } } });
  const m = cs.metrics();
  assert.equal(m.ticks, 3);
  assert.equal(m.resent, 2);
  assert.ok(m.statsBytes > 0 && m.bytesSent > m.statsBytes && m.processMsTotal > 0 && m.tickMsMax >= 0);
  cs.halt();
});

test("full_report_required over the socket: each refused delta is resent as its full report with the same seq", async () => {
  const cs = collector(Callscope);
  const ws = FakeWS.last;
  const pc = new FakePC();
  pc.reports.push(report(1), report(2), report(3));
  cs.monitor(pc);
  cs.join();
  await tick();
  ws.open();
  await cs.tick();
  await cs.tick();
  await cs.tick(); // four frames in flight: join, full, delta, delta
  const [[join], [full], [d2], [d3]] = ws.frames;
  assert.ok(join.type == "join" && full.report && d2.delta && d3.delta);
  ws.ack();
  ws.ack();
  // The server lost the pc (say it restarted): both deltas are refused.
  const refuse = () => ws.push({ type: "error", acks: [], stored: 0, duplicates: 0, error: { code: "full_report_required", field: "[0].delta", index: 0, message: "x" } });
  refuse();
  assert.equal(ws.frames.length, 5);
  const [r2] = ws.frames[4];
  assert.deepEqual([r2.seq, r2.delta, r2.timestamp], [d2.seq, undefined, d2.timestamp]);
  assert.deepEqual(r2.report, { OT1: report(2).OT1 });
  refuse();
  const [r3] = ws.frames[5];
  assert.equal(r3.seq, d3.seq);
  assert.deepEqual(r3.report, { OT1: report(3).OT1 });
  ws.ack();
  ws.ack();
  assert.equal(cs.outbox.entries.length, 0);
});

test("a dropped socket loses nothing: unanswered frames are resent in seq order before new messages", async () => {
  const cs = collector(Callscope);
  let ws = FakeWS.last;
  ws.open();
  cs.join();
  await tick();
  cs.event("a");
  await tick();
  cs.event("b");
  await tick();
  assert.equal(ws.frames.length, 3, "pipelined");
  ws.ack(); // the join
  const expect = ws.frames.slice(1).flat().map(m => m.seq);
  ws.drop();
  cs.event("c"); // while disconnected
  await tick();
  await tick(1300); // reconnect after 1 s ± 20 %
  ws = FakeWS.last;
  assert.notEqual(ws, FakeWS.all.at(-4));
  ws.open();
  const sent = flat(ws);
  assert.deepEqual(sent.map(m => m.name), ["a", "b", "c"]);
  assert.deepEqual(sent.map(m => m.seq), [...expect, expect.at(-1) + 1]);
  ws.ack();
  assert.equal(cs.outbox.entries.length, 0);
  cs.halt();
});

test("a reload continues seq and resends the outbox from sessionStorage", async () => {
  const storage = new FakeStorage();
  const cs1 = collector(Callscope, { _deps: { storage } });
  const ws1 = FakeWS.last;
  ws1.open();
  cs1.join();
  await tick();
  cs1.event("before-reload");
  await tick();
  ws1.ack(); // the join is acknowledged, the event is not
  const pending = ws1.frames[1][0];
  cs1.halt();
  const saved = JSON.parse(storage.getItem(`callscope:${MEETING}:${PARTICIPANT}`));
  assert.equal(saved.seq, pending.seq + 1);
  assert.equal(saved.out.length, 1);

  const cs2 = collector(Callscope, { _deps: { storage } });
  const ws2 = FakeWS.last;
  cs2.join();
  await tick();
  ws2.open();
  const sent = flat(ws2);
  assert.deepEqual(sent[0], pending, "resent exactly");
  assert.equal(sent[1].type, "join");
  assert.equal(sent[1].seq, pending.seq + 1);
  cs2.halt();
});

test("the page going away sends leave(closed) with the outbox in a beacon", async () => {
  const beacons = [];
  const cs = collector(Callscope, { _deps: { navigator: { sendBeacon: (url, body) => beacons.push([url, JSON.parse(body)]) } } });
  cs.join();
  cs.event("x");
  cs.bye();
  assert.equal(beacons.length, 1);
  const [url, body] = beacons[0];
  assert.equal(url, "https://calls.example/ingest/v1?key=k1");
  assert.deepEqual(body.map(m => m.type), ["join", "event", "leave"]);
  assert.equal(body[2].reason, "closed");
  cs.event("after");
  assert.equal(cs.outbox.entries.length, 3, "nothing after leaving");
  cs.halt();
});

test("a kick frame: onKick(reason), then leave(kicked); kicks for others are ignored", async () => {
  const kicks = [];
  const cs = collector(Callscope, { onKick: r => kicks.push(r) });
  const ws = FakeWS.last;
  ws.open();
  cs.join();
  await tick();
  ws.push({ type: "kick", meetingId: MEETING, participantId: "someone-else", reason: "no" });
  ws.push({ type: "something-new" });
  assert.deepEqual(kicks, []);
  ws.push({ type: "kick", meetingId: MEETING, participantId: PARTICIPANT, reason: "removed by host" });
  assert.deepEqual(kicks, ["removed by host"]);
  ws.ack(); // the join's answer still matches the join's frame
  assert.equal(cs.metrics().acked, 1);
  await tick();
  const leave = ws.frames.at(-1)[0];
  assert.equal(leave.type, "leave");
  assert.equal(leave.reason, "kicked");
  ws.ack();
  assert.equal(ws.readyState, 3, "closed once everything is delivered");
  cs.halt();
});

test("after two failed connects: HTTP POST with the key; kicks in the answer", async () => {
  const posts = [], kicks = [];
  const fetch = async (url, init) => {
    const body = JSON.parse(init.body);
    posts.push({ url, init, body });
    const top = Math.max(...body.map(m => m.seq));
    return {
      status: 200,
      json: async () => ({ acks: [{ meetingId: MEETING, participantId: PARTICIPANT, seq: top, sessionId: "s9" }], stored: body.length, duplicates: 0,
        kicks: posts.length == 1 ? [{ meetingId: MEETING, participantId: PARTICIPANT, reason: "bye" }] : [] }),
    };
  };
  const cs = collector(Callscope, { onKick: r => kicks.push(r), _deps: { fetch } });
  cs.join();
  await tick();
  FakeWS.last.drop();
  assert.equal(posts.length, 0, "one failure is not enough");
  cs.connect();
  FakeWS.last.drop();
  await tick();
  assert.equal(posts[0].url, "https://calls.example/ingest/v1");
  assert.equal(posts[0].init.method, "POST");
  assert.equal(posts[0].init.headers.authorization, "Bearer k1");
  assert.deepEqual(posts[0].body.map(m => m.type), ["join"]);
  assert.deepEqual(kicks, ["bye"]);
  await tick();
  assert.deepEqual(posts[1].body.map(m => [m.type, m.reason]), [["leave", "kicked"]]);
  assert.equal(posts.length, 2);
  assert.equal(cs.sessionId, "s9");
  assert.equal(cs.outbox.entries.length, 0);
});

test("messages dropped while offline are reported once the connection is back", async () => {
  const cs = collector(Callscope);
  cs.join();
  for (let i = 0; i < 1002; i++) cs.event("e" + i);
  assert.equal(cs.metrics().dropped, 3);
  const ws = FakeWS.last;
  await tick();
  ws.open();
  ws.ack();
  await tick();
  const [report] = ws.frames.at(-1);
  assert.deepEqual([report.name, report.data], ["collector-dropped", { count: 3 }]);
});

test("a refused key stops sending and warns", async () => {
  const warn = console.warn, warnings = [];
  console.warn = (...a) => warnings.push(a.join(" "));
  let posts = 0;
  const fetch = async () => (posts++, { status: 401, json: async () => ({ error: { code: "unauthorized", field: null, message: "unknown ingest key" } }) });
  const cs = collector(Callscope, { _deps: { fetch } });
  cs.join();
  await tick();
  FakeWS.last.drop();
  cs.connect();
  FakeWS.last.drop();
  await tick();
  console.warn = warn;
  assert.equal(posts, 1);
  assert.match(warnings[0], /refused \(unauthorized\)/);
  cs.event("more");
  await tick();
  assert.equal(posts, 1);
});

test("join → first connected of a monitored pc: a connected event with setupMs; state events", async () => {
  const cs = collector(Callscope);
  const ws = FakeWS.last;
  ws.open();
  const pc = new FakePC();
  cs.monitor(pc);
  cs.join();
  await tick(30);
  pc.connectionState = "connected";
  pc.fire("connectionstatechange");
  pc.iceConnectionState = "failed";
  pc.fire("iceconnectionstatechange");
  pc.fire("connectionstatechange"); // a second "connected" in the same attempt: no second event
  await tick();
  const msgs = flat(ws);
  const id = msgs.find(m => m.name == "connection-state").data.pc;
  assert.deepEqual(msgs.map(m => m.name || m.code || m.type), ["join", "connection-state", "connected", "ice-state", "ice-failed", "connection-state"]);
  const setup = msgs.find(m => m.name == "connected").data.setupMs;
  assert.ok(Number.isInteger(setup) && setup >= 25 && setup < 1000, String(setup));
  assert.deepEqual(msgs.find(m => m.name == "ice-state").data, { pc: id, state: "failed" });
  assert.equal(msgs.find(m => m.code == "ice-failed").source, "sdk");
  cs.halt();
});

test("a 1009 close halves the frame size", async () => {
  const cs = collector(Callscope);
  FakeWS.last.open();
  const cap = cs.outbox.maxBatchBytes;
  FakeWS.last.drop(1009);
  assert.equal(cs.outbox.maxBatchBytes, cap / 2);
  cs.halt();
});
