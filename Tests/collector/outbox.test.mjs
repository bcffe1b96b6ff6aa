import test from "node:test";
import assert from "node:assert/strict";
import { load } from "./helpers.mjs";

const { Outbox } = load()._internal;

const ev = name => ({ type: "event", meetingId: "m", participantId: "p", ts: 1, name });
const seqs = ob => ob.entries.map(e => e.seq);
const ack = (seq, sessionId = "s1", extra = {}) => ({ acks: [{ meetingId: "m", participantId: "p", seq, sessionId }], stored: 1, duplicates: 0, ...extra });

function filled(n, start = 0) {
  const ob = new Outbox({ seq: start });
  for (let i = 0; i < n; i++) ob.add(ev("e" + i));
  return ob;
}

test("seq continues from the state; without one it starts at the current time", () => {
  assert.deepEqual(seqs(filled(3, 7)), [7, 8, 9]);
  const before = Date.now(), ob = new Outbox();
  assert.ok(ob.nextSeq >= before && ob.nextSeq <= Date.now());
});

test("a 200 answer forgets the whole batch", () => {
  const ob = filled(5);
  const b = ob.take();
  assert.deepEqual(b.map(e => e.seq), [0, 1, 2, 3, 4]);
  assert.equal(ob.answer(b, { acks: [], stored: 5, duplicates: 0 }, true), "");
  assert.deepEqual(seqs(ob), []);
  assert.equal(ob.acked, 5);
});

test("a refusal at error.index i: before i forgotten, i dropped, the rest resent", () => {
  const ob = filled(5);
  const b = ob.take();
  const r = ob.answer(b, { ...ack(1), error: { code: "invalid_field", field: "[2].name", index: 2, message: "x" } }, false);
  assert.equal(r, "");
  assert.deepEqual(seqs(ob), [3, 4]);
  assert.equal(ob.rejected, 1);
  assert.equal(ob.acked, 2);
  assert.deepEqual(ob.take().map(e => e.seq), [3, 4], "no longer in flight");
  assert.equal(ob.resent, 2);
});

test("full_report_required: the delta becomes its full report with the same seq, then it and the rest are resent", () => {
  const ob = new Outbox({ seq: 40 });
  ob.add(ev("a"));
  const full = { A: { id: "A", type: "inbound-rtp", timestamp: 5, bytesReceived: 9 } };
  ob.add({ type: "stats", pc: "pc1", timestamp: 5, delta: { A: { bytesReceived: 9 } } }, full, 100);
  ob.add({ type: "stats", pc: "pc1", timestamp: 6, delta: { A: { bytesReceived: 10 } } }, { A: {} }, 100);
  const b = ob.take();
  ob.answer(b, { ...ack(40), error: { code: "full_report_required", field: "[1].delta", index: 1, message: "x" } }, false);
  assert.deepEqual(seqs(ob), [41, 42]);
  const m = JSON.parse(ob.entries[0].json);
  assert.equal(m.seq, 41);
  assert.deepEqual(m.report, full);
  assert.equal(m.delta, undefined);
  assert.equal(m.timestamp, 5);
  assert.deepEqual(JSON.parse(ob.entries[1].json).delta, { A: { bytesReceived: 10 } }, "later deltas stay deltas");
  assert.deepEqual(ob.take().map(e => e.seq), [41, 42]);
});

test("acks[].seq forgets messages only from a seq known to be stored (§10.2)", () => {
  const ob = filled(15); // seqs 0..14
  const a = ob.take().splice(0); // 0..14 all in one batch; split by hand below
  ob.release(a);
  ob.maxBatchBytes = 60; // small batches: one message each, so we control what goes where
  const b0 = ob.take(), b1 = ob.take();
  assert.deepEqual([b0[0].seq, b1[0].seq], [0, 1]);
  // b0's answer is lost (connection drop); b1 is answered with h = 1 by a server that has 1 only.
  ob.release(b0);
  ob.answer(b1, ack(1), true);
  assert.deepEqual(seqs(ob).slice(0, 3), [0, 2, 3], "0 kept: h=1 counts from 1, not from 0");
  // Messages 2..9 went out over a path whose answer was lost, but the server stored them.
  ob.maxBatchBytes = 1e6;
  const lost = ob.take();
  ob.release(lost);
  // A later answer (session unchanged) says h = 9: everything from 1 (known stored) to 9 is stored.
  ob.add(ev("late"));
  const b2 = ob.entries.filter(e => e.seq == 15);
  b2.forEach(e => (e.inFlight = 1));
  ob.answer(b2, ack(9), true);
  assert.deepEqual(seqs(ob), [0, 10, 11, 12, 13, 14]);
});

test("in a new session h counts only from this answer's messages", () => {
  const ob = filled(6);
  ob.maxBatchBytes = 60;
  const b0 = ob.take();
  ob.release(b0); // seq 0: no answer
  ob.maxBatchBytes = 1e6;
  const rest = ob.take(); // 0..5 again
  ob.release(rest);
  const b5 = [ob.entries.at(-1)];
  b5[0].inFlight = 1;
  ob.answer(b5, ack(5, "s2"), true);
  assert.equal(ob.sessionId, "s2");
  assert.deepEqual(seqs(ob), [0, 1, 2, 3, 4], "h=5 in a new session says nothing about 0..4");
});

test("ignored messages are forgotten but do not count as stored for h", () => {
  const ob = filled(7, 3); // 3..9
  ob.maxBatchBytes = 60;
  const b3 = ob.take(); // [3]
  ob.maxBatchBytes = 1e6;
  const b4 = ob.take(); // [4..9]
  ob.release(b4); // lost: the server may have stored 5..9 but not 4
  ob.answer(b3, ack(9, "s1", { ignored: [{ index: 0, reason: "leave for a meeting with no ongoing session" }] }), true);
  assert.deepEqual(seqs(ob), [4, 5, 6, 7, 8, 9]);
  assert.equal(ob.acked, 1);
});

test("h below a known seq forgets nothing more; a later higher h does", () => {
  const ob = filled(4);
  const b = ob.take();
  ob.answer(b, ack(3), true);
  ob.add(ev("x")); ob.add(ev("y")); // 4, 5
  const [e4] = ob.take().slice(0, 1);
  ob.release(ob.entries.map(e => e));
  e4.inFlight = 1;
  ob.answer([e4], ack(2), true); // h went down (late lower seq): not a loss, nothing else removed
  assert.deepEqual(seqs(ob), [5]);
});

test("storage_unavailable and unanswered errors keep everything for a retry", () => {
  const ob = filled(3);
  const b = ob.take();
  assert.equal(ob.answer(b, { error: { code: "storage_unavailable", field: null, message: "x" } }, false), "retry");
  assert.deepEqual(seqs(ob), [0, 1, 2]);
  assert.equal(ob.take().length, 3);
});

test("401/403 stop; 413 halves the batch size and drops a message too big on its own", () => {
  const ob = filled(3);
  assert.equal(ob.answer(ob.take(), { error: { code: "unauthorized", field: null, message: "x" } }, false), "stop");
  assert.equal(ob.answer(ob.take(), { error: { code: "forbidden", field: null, message: "x" } }, false), "stop");
  assert.deepEqual(seqs(ob), [0, 1, 2]);
  const cap = ob.maxBatchBytes;
  assert.equal(ob.answer(ob.take(), { error: { code: "body_too_large", field: null, message: "x" } }, false), "");
  assert.equal(ob.maxBatchBytes, cap / 2);
  assert.deepEqual(seqs(ob), [0, 1, 2]);
  ob.maxBatchBytes = 10;
  const one = ob.take();
  assert.equal(one.length, 1, "a batch holds one message at least");
  ob.answer(one, { acks: [], duplicates: 0, stored: 0, error: { code: "too_many_messages", field: null, index: 0, message: "x" } }, false);
  assert.deepEqual(seqs(ob), [1, 2]);
  assert.equal(ob.dropped, 1);
});

test("batches stay under the cap, in seq order, and skip what is in flight", () => {
  const ob = filled(10);
  const one = JSON.stringify(ob.entries[0].message).length;
  ob.maxBatchBytes = one * 3 + 10;
  assert.deepEqual(ob.take().map(e => e.seq), [0, 1, 2]);
  assert.deepEqual(ob.take().map(e => e.seq), [3, 4, 5]);
  assert.deepEqual(ob.take().map(e => e.seq), [6, 7, 8]);
  assert.deepEqual(ob.take().map(e => e.seq), [9]);
  assert.deepEqual(ob.take(), []);
});

test("bounded: the oldest stats go first, then events; joins, leaves and errors stay", () => {
  const ob = new Outbox({ seq: 0 });
  ob.add({ type: "join", participantId: "p" });
  ob.add({ type: "event", name: "e" });
  ob.add({ type: "error", code: "c" });
  const rep = i => ({ X: { id: "X", type: "transport", timestamp: i, bytesSent: i } });
  ob.add({ type: "stats", pc: "pc1", timestamp: 0, report: rep(0) });
  for (let i = 1; i < 997; i++) ob.add({ type: "stats", pc: "pc1", timestamp: i, delta: { X: { bytesSent: i } } }, rep(i), 10);
  assert.equal(ob.entries.length, 1000);
  assert.equal(ob.dropped, 0);
  ob.add({ type: "leave", reason: "left" }); // 1001 messages: the oldest stats (the full report, seq 3) goes
  assert.equal(ob.entries.length, 1000);
  assert.equal(ob.dropped, 1);
  assert.equal(ob.droppedUnreported, 1);
  assert.deepEqual(seqs(ob).slice(0, 4), [0, 1, 2, 4]);
  // Its successor was a delta against the dropped report: now it is that full report, same seq.
  const m4 = JSON.parse(ob.entries[3].json);
  assert.deepEqual(m4.report, rep(1));
  assert.equal(m4.delta, undefined);
  assert.equal(ob.entries.at(-1).message.type, "leave");
  // Only joins, leaves and errors left after many more: no more stats or events to drop.
  const small = new Outbox({ seq: 0 });
  for (let i = 0; i < 1005; i++) small.add({ type: i % 2 ? "error" : "event", code: "c" });
  assert.equal(small.entries.filter(e => e.message.type == "error").length, 502);
  assert.equal(small.entries.length, 1000);
  for (let i = 0; i < 10; i++) small.add({ type: "error", code: "c" });
  assert.equal(small.entries.filter(e => e.message.type == "error").length, 512, "events went instead");
  const errors = new Outbox({ seq: 0 });
  for (let i = 0; i < 1010; i++) errors.add({ type: i ? "error" : "join", code: "c" });
  assert.equal(errors.entries.length, 1010, "joins and errors are never dropped");
});

test("bounded by bytes too", () => {
  const ob = new Outbox({ seq: 0 });
  const big = "x".repeat(100000);
  for (let i = 0; i < 25; i++) ob.add({ type: "stats", pc: "pc" + i, timestamp: i, report: { a: { id: "a", type: "transport", big } } });
  assert.ok(ob.totalBytes <= 2e6);
  assert.equal(ob.entries.length, 19);
  assert.equal(ob.dropped, 6);
});

test("dump() restores into an equal outbox", () => {
  const ob = new Outbox({ seq: 5 });
  ob.add(ev("a"));
  ob.add({ type: "stats", pc: "pc1", timestamp: 1, delta: {} }, { X: { id: "X", type: "transport" } }, 50);
  const copy = new Outbox(JSON.parse(JSON.stringify(ob.dump())));
  assert.equal(copy.nextSeq, 7);
  const row = e => [e.seq, e.message, e.json, e.fullReport ?? null, e.size];
  assert.deepEqual(copy.entries.map(row), ob.entries.map(row));
  assert.equal(copy.totalBytes, ob.totalBytes);
});
