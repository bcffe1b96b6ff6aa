import test from "node:test";
import assert from "node:assert/strict";
import { load } from "./helpers.mjs";

const { statsDelta } = load()._internal;

/** Reference applier written from protocol §7.3 alone (what the server does with a delta). */
function applyDelta(prev, delta, ts) {
  const out = structuredClone(prev);
  for (const [id, d] of Object.entries(delta)) {
    if (d === null) { delete out[id]; continue; }
    if (!out[id]) {
      assert.equal(typeof d.type, "string", `new stat ${id} carries its type`);
      out[id] = { id };
    }
    assert.ok(!("id" in d), "id is never repeated");
    for (const [k, v] of Object.entries(d)) if (v === null) delete out[id][k]; else out[id][k] = v;
  }
  // Every stat gets the message's timestamp unless its delta entry carries its own.
  for (const id in out) if (!(delta[id] && "timestamp" in delta[id])) out[id].timestamp = ts;
  return out;
}

const T = 1732533600000;

test("new stats come whole, without id, and without a timestamp equal to the report's", () => {
  const next = { A: { id: "A", type: "inbound-rtp", timestamp: T, kind: "audio", bytesReceived: 10 } };
  assert.deepEqual(statsDelta({}, next, T), { A: { type: "inbound-rtp", kind: "audio", bytesReceived: 10 } });
});

test("removed stats are null; changed members only; removed members null", () => {
  const prev = {
    A: { id: "A", type: "outbound-rtp", timestamp: T - 1000, bytesSent: 1, kind: "video", qualityLimitationReason: "none" },
    B: { id: "B", type: "candidate-pair", timestamp: T - 1000, state: "succeeded" },
  };
  const next = { A: { id: "A", type: "outbound-rtp", timestamp: T, bytesSent: 2, kind: "video" } };
  assert.deepEqual(statsDelta(prev, next, T), { A: { bytesSent: 2, qualityLimitationReason: null }, B: null });
});

test("nested values compare by content", () => {
  const prev = { A: { id: "A", type: "transport", timestamp: T, arr: [1, 2], obj: { x: 1, y: [3] } } };
  const same = { A: { id: "A", type: "transport", timestamp: T + 1, arr: [1, 2], obj: { x: 1, y: [3] } } };
  assert.deepEqual(statsDelta(prev, same, T + 1), {});
  const changed = { A: { id: "A", type: "transport", timestamp: T + 1, arr: [1, 2, 3], obj: { x: 1, y: [4] } } };
  assert.deepEqual(statsDelta(prev, changed, T + 1), { A: { arr: [1, 2, 3], obj: { x: 1, y: [4] } } });
});

test("a stat's own timestamp is sent whenever it differs from the report's, even if unchanged", () => {
  const prev = {
    R: { id: "R", type: "remote-inbound-rtp", timestamp: T - 200, packetsLost: 2 },
    O: { id: "O", type: "outbound-rtp", timestamp: T - 1000, packetsSent: 5 },
  };
  const next = {
    R: { id: "R", type: "remote-inbound-rtp", timestamp: T - 200, packetsLost: 2 },
    O: { id: "O", type: "outbound-rtp", timestamp: T, packetsSent: 5 },
  };
  // R keeps its old time (the server would otherwise stamp it with T); O needs nothing.
  assert.deepEqual(statsDelta(prev, next, T), { R: { timestamp: T - 200 } });
});

test("the protocol's worked example (§7.4)", () => {
  const prev = {
    OT01V1234: { id: "OT01V1234", type: "outbound-rtp", timestamp: 1732533600000, kind: "video", ssrc: 1234, mid: "1", bytesSent: 1250000, packetsSent: 1400, framesEncoded: 300, framesPerSecond: 30, frameWidth: 1280, frameHeight: 720, qualityLimitationReason: "none" },
    RIV1234: { id: "RIV1234", type: "remote-inbound-rtp", timestamp: 1732533599800, kind: "video", ssrc: 1234, localId: "OT01V1234", packetsLost: 2, fractionLost: 0, jitter: 0.004, roundTripTime: 0.045, totalRoundTripTime: 1.35, roundTripTimeMeasurements: 30 },
    IT01A5678: { id: "IT01A5678", type: "inbound-rtp", timestamp: 1732533600000, kind: "audio", ssrc: 5678, mid: "2", trackIdentifier: "a1b2c3", bytesReceived: 480000, packetsReceived: 3000, packetsLost: 3, jitter: 0.012, audioLevel: 0.03, concealedSamples: 960, totalSamplesReceived: 2880000 },
    CPxyz: { id: "CPxyz", type: "candidate-pair", timestamp: 1732533600000, state: "succeeded", nominated: true, currentRoundTripTime: 0.044, bytesSent: 1300000, bytesReceived: 500000 },
  };
  const next = {
    OT01V1234: { ...prev.OT01V1234, timestamp: 1732533601000, bytesSent: 1375000, packetsSent: 1540, framesEncoded: 330, qualityLimitationReason: "bandwidth" },
    RIV1234: { ...prev.RIV1234, timestamp: 1732533600800, packetsLost: 3, roundTripTime: 0.052, totalRoundTripTime: 1.402, roundTripTimeMeasurements: 31 },
    IT01A5678: { ...prev.IT01A5678, timestamp: 1732533601000, bytesReceived: 496000, packetsReceived: 3050, jitter: 0.014, totalSamplesReceived: 2928000 },
    CPabc: { id: "CPabc", type: "candidate-pair", timestamp: 1732533601000, state: "succeeded", nominated: true, currentRoundTripTime: 0.051, bytesSent: 1800, bytesReceived: 900 },
  };
  delete next.IT01A5678.audioLevel;
  const d = statsDelta(prev, next, 1732533601000);
  assert.deepEqual(d, {
    OT01V1234: { bytesSent: 1375000, packetsSent: 1540, framesEncoded: 330, qualityLimitationReason: "bandwidth" },
    RIV1234: { timestamp: 1732533600800, packetsLost: 3, roundTripTime: 0.052, totalRoundTripTime: 1.402, roundTripTimeMeasurements: 31 },
    IT01A5678: { bytesReceived: 496000, packetsReceived: 3050, jitter: 0.014, audioLevel: null, totalSamplesReceived: 2928000 },
    CPxyz: null,
    CPabc: { type: "candidate-pair", state: "succeeded", nominated: true, currentRoundTripTime: 0.051, bytesSent: 1800, bytesReceived: 900 },
  });
  assert.deepEqual(applyDelta(prev, d, 1732533601000), next);
});

// ---- randomized round trip: apply(prev, delta(prev, next)) == next

function rng(seed) {
  return () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
}

function randomReport(r, ts) {
  const rep = {};
  const pick = a => a[Math.floor(r() * a.length)];
  for (let i = 0; i < 8; i++) {
    if (r() < 0.3) continue;
    const id = "S" + i;
    const s = { id, type: pick(["inbound-rtp", "outbound-rtp", "candidate-pair", "remote-inbound-rtp"]), timestamp: r() < 0.7 ? ts : ts - Math.floor(r() * 900) };
    for (const k of ["a", "b", "c", "d", "e"]) {
      if (r() < 0.3) continue;
      s[k] = pick([
        Math.floor(r() * 3), r() < 0.5, pick(["x", "y"]), 0.5,
        [Math.floor(r() * 2), 1], { n: Math.floor(r() * 2), m: [pick(["p", "q"])] },
      ]);
    }
    rep[id] = s;
  }
  return rep;
}

test("randomized round trip over 2000 report pairs", () => {
  const r = rng(42);
  let prev = randomReport(r, T), nonEmpty = 0;
  for (let i = 1; i <= 2000; i++) {
    const ts = T + i * 1000;
    const next = r() < 0.2 ? structuredClone(prev) : randomReport(r, ts);
    const d = statsDelta(prev, next, ts);
    if (Object.keys(d).length) nonEmpty++;
    assert.deepEqual(applyDelta(prev, d, ts), next, `pair ${i}: ${JSON.stringify({ prev, next, d })}`);
    prev = next;
  }
  assert.ok(nonEmpty > 1500);
});
