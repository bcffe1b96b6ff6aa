import test, { after } from "node:test";
import assert from "node:assert/strict";
import { load, FakePC, joinedCollector, haltAll } from "./helpers.mjs";

const Callscope = load();
const { mergeLabels, labelsFor } = Callscope._internal;
after(haltAll);

const track = kind => ({ kind, addEventListener() {} });
const transceiver = (mid, t) => ({ mid, sender: { track: t } });

test("mergeLabels: sections and keys are merged, the app's members win", () => {
  const app = { mid: { 1: { remoteParticipantId: "p-bob", kind: "video" }, 2: { remoteParticipantId: "p-bob" } }, ssrc: { 5678: { remoteParticipantId: "p-carol" } } };
  const auto = { mid: { 2: { kind: "screen-video" }, 3: { kind: "screen-audio" } } };
  assert.deepEqual(mergeLabels(app, auto), {
    mid: { 1: { remoteParticipantId: "p-bob", kind: "video" }, 2: { kind: "screen-video", remoteParticipantId: "p-bob" }, 3: { kind: "screen-audio" } },
    ssrc: { 5678: { remoteParticipantId: "p-carol" } },
  });
  assert.deepEqual(mergeLabels({ mid: { 2: { kind: "video" } } }, auto).mid[2], { kind: "video" }, "the app overrides our kind");
  assert.deepEqual(mergeLabels(undefined, undefined), {});
});

test("labelsFor: outbound transceivers sending a getDisplayMedia track are screen shares", () => {
  const screenV = track("video"), screenA = track("audio"), cam = track("video");
  const pc = { getTransceivers: () => [transceiver("0", cam), transceiver("1", screenV), transceiver("2", screenA), transceiver(null, screenV), transceiver("4", null)] };
  const screens = new Set([screenV, screenA]);
  assert.deepEqual(labelsFor(pc, undefined, screens), { mid: { 1: { kind: "screen-video" }, 2: { kind: "screen-audio" } } });
  assert.deepEqual(labelsFor(pc, { trackIdentifier: { t1: { remoteParticipantId: "p-2" } } }, screens), {
    mid: { 1: { kind: "screen-video" }, 2: { kind: "screen-audio" } },
    trackIdentifier: { t1: { remoteParticipantId: "p-2" } },
  });
  let n = 0;
  assert.deepEqual(labelsFor(pc, () => ({ mid: { 0: { kind: "video", remoteParticipantId: "p" + ++n } } }), screens).mid[0], { kind: "video", remoteParticipantId: "p1" });
  assert.deepEqual(labelsFor({ getTransceivers: () => [] }, undefined, screens), {});
});

test("labels go on a stats message when they change (function labels), not when they stay the same", async () => {
  const { cs, ws } = await joinedCollector(Callscope);
  const pc = new FakePC();
  let who = "p-bob";
  cs.monitor(pc, { labels: () => ({ mid: { 0: { remoteParticipantId: who } } }) });
  for (let i = 0; i < 6; i++) pc.reports.push({ X: { id: "X", type: "transport", timestamp: i, bytesSent: i } });
  await cs.tick();
  await cs.tick();
  who = "p-carol";
  await cs.tick();
  await cs.tick();
  const labels = ws.frames.flat().filter(m => m.type == "stats").map(m => m.labels);
  assert.deepEqual(labels, [{ mid: { 0: { remoteParticipantId: "p-bob" } } }, undefined, { mid: { 0: { remoteParticipantId: "p-carol" } } }, undefined]);
});
