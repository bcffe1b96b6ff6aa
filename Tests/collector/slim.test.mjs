import test from "node:test";
import assert from "node:assert/strict";
import { load } from "./helpers.mjs";

const { slim } = load()._internal;
const T = 1732533600000.123;
const report = stats => new Map(stats.map(s => [s.id, s]));

test("keeps the stat types the server reads, drops certificates, codecs and playout", () => {
  const [rep, ts] = slim(report([
    { id: "IT1", type: "inbound-rtp", timestamp: T, kind: "video", bytesReceived: 10 },
    { id: "C1", type: "codec", timestamp: T, mimeType: "video/VP8" },
    { id: "CF", type: "certificate", timestamp: T, base64Certificate: "MII…" },
    { id: "P1", type: "media-playout", timestamp: T, totalSamplesCount: 480 },
    { id: "CP", type: "candidate-pair", timestamp: T - 5, state: "succeeded", currentRoundTripTime: 0.021 },
  ]));
  assert.deepEqual(Object.keys(rep), ["IT1", "CP"]);
  assert.equal(ts, T);
});

test("drops members that change every tick and feed nothing; keeps every member a metric needs", () => {
  const [rep] = slim(report([{
    id: "IT1", type: "inbound-rtp", timestamp: T, kind: "audio", ssrc: 5678, mid: "2", trackIdentifier: "a1",
    bytesReceived: 480000, packetsReceived: 3000, packetsLost: 3, jitter: 0.012, concealedSamples: 960,
    totalSamplesReceived: 2880000, jitterBufferDelay: 123.456, jitterBufferEmittedCount: 2880000,
    audioLevel: 0.03, totalAudioEnergy: 0.0012, totalSamplesDuration: 60.02, headerBytesReceived: 36000,
    lastPacketReceivedTimestamp: T, estimatedPlayoutTimestamp: 3.9e12, totalProcessingDelay: 1.2,
    googTimingFrameInfo: "4039972324,11586293,11586294,0,1",
  }, {
    id: "T1", type: "transport", timestamp: T, selectedCandidatePairId: "CP", dtlsState: "connected",
    bytesSent: 1, bytesReceived: 2, packetsSent: 3, packetsReceived: 4,
  }]));
  assert.deepEqual(rep.IT1, {
    id: "IT1", type: "inbound-rtp", timestamp: 1732533600000.123, kind: "audio", ssrc: 5678, mid: "2", trackIdentifier: "a1",
    bytesReceived: 480000, packetsReceived: 3000, packetsLost: 3, jitter: 0.012, concealedSamples: 960,
    totalSamplesReceived: 2880000, jitterBufferDelay: 123.456, jitterBufferEmittedCount: 2880000,
  });
  assert.deepEqual(rep.T1, { id: "T1", type: "transport", timestamp: 1732533600000.123, selectedCandidatePairId: "CP", dtlsState: "connected" });
});

test("fractions are rounded to 1e-6 (what Chrome's cumulative seconds need), integers untouched", () => {
  const [rep] = slim(report([{ id: "OT", type: "outbound-rtp", timestamp: 5, bytesSent: 2 ** 40 + 1,
    totalRoundTripTime: 1.4020000000000001, jitter: 0.036000000000000004, retransmittedBytesSent: 0 }]));
  assert.equal(rep.OT.bytesSent, 2 ** 40 + 1);
  assert.equal(rep.OT.totalRoundTripTime, 1.402);
  assert.equal(JSON.stringify(rep.OT.jitter), "0.036");
  assert.equal(rep.OT.retransmittedBytesSent, 0);
});

test("allMembers keeps everything of the kept types", () => {
  const [rep] = slim(report([{ id: "MS", type: "media-source", timestamp: 5, kind: "audio", audioLevel: 0.25 }]), true);
  assert.equal(rep.MS.audioLevel, 0.25);
});
