// e2e/collector_wire.js, the wire-size comparison the browser test injects, run on fake pcs.
import test from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import vm from "node:vm";
import { load } from "./helpers.mjs";

globalThis.window = globalThis;
load();
vm.runInThisContext(fs.readFileSync(new URL("../../e2e/collector_wire.js", import.meta.url), "utf8"));
const measure = globalThis.callscopeWireMeasure;

test("rtcstats' deltaCompression as rtcstats does it", () => {
  const old = { A: { id: "A", type: "inbound-rtp", timestamp: 1, bytes: 5, kind: "audio", arr: [1] }, B: { id: "B", type: "transport", timestamp: 1 } };
  const now = { A: { id: "A", type: "inbound-rtp", timestamp: 2, bytes: 6, kind: "audio", arr: [1] }, C: { id: "C", type: "codec", timestamp: 1, mimeType: "x" } };
  assert.deepEqual(measure.rtcstatsDelta(old, now), {
    A: { timestamp: 0, bytes: 6, arr: [1] }, // arrays never compare equal; the newest timestamp becomes 0
    C: { type: "codec", timestamp: 1, mimeType: "x" }, // B's removal is not encoded
    timestamp: 2,
  });
});

test("measures the same reports four ways", async () => {
  let n = 0;
  const reportAt = n => {
    const ts = 1732533600000 + n * 1000;
    return {
      OT1: { id: "OT1", type: "outbound-rtp", timestamp: ts, kind: "video", bytesSent: n * 1000, frameWidth: 640, qualityLimitationDurations: { none: 1, cpu: 0 } },
      CP1: { id: "CP1", type: "candidate-pair", timestamp: ts, state: "succeeded", bytesSent: 5 },
      CO1: { id: "CO1", type: "codec", timestamp: ts, mimeType: "video/VP8", clockRate: 90000 },
      CE1: { id: "CE1", type: "certificate", timestamp: ts, fingerprint: "AB:".repeat(32), base64Certificate: "x".repeat(600) },
    };
  };
  const pc = { getStats: async () => new Map(Object.entries(reportAt(++n))) };
  const r = await measure(new Map([["p-bob", pc]]), 3, 0, { meetingId: "m", participantId: "p" });
  assert.equal(r.ticks, 3);
  assert.equal(r.pcs, 1);
  assert.equal(r.rtpStreamsPerPc, 1);
  const s = r.series;
  // The first message is a full report, without the per-tick noise the collector leaves out.
  const noise = ',"qualityLimitationDurations":{"none":1,"cpu":0}'.length + ',"bytesSent":5'.length;
  assert.equal(s.ours[0][0], s.full[0][0] - noise, "the first message is the slimmed full report");
  // Tick 2: only bytesSent of OT1 changed (CP1 is unchanged but for its timestamp, which equals the report's).
  const { OT1, CP1 } = reportAt(2);
  const report = JSON.stringify({ OT1, CP1 }), delta = JSON.stringify({ OT1: { bytesSent: 2000 } });
  assert.equal(s.ours[0][1], s.full[0][1] - '"report":'.length - report.length + '"delta":'.length + delta.length, "ours = the envelope with the delta");
  // rtcstats: the nested object is always resent; unchanged members otherwise dropped; timestamps 0.
  const rtc = JSON.stringify(["getstats", "PC_0", { OT1: { timestamp: 0, bytesSent: 2000, qualityLimitationDurations: { none: 1, cpu: 0 } }, CP1: { timestamp: 0 }, timestamp: 1732533602000 }, 1732533600000]);
  assert.equal(s.rtcstats[0][1], rtc.length);
  assert.ok(s.rtcstatsAllTypes[0][0] > s.rtcstats[0][0] + 600, "certificates and codecs only in the unfiltered numbers");
  assert.ok(s.fullAllTypes[0][0] > s.full[0][0] + 600);
  assert.equal(r.ours, Math.round((s.ours[0][0] + s.ours[0][1] + s.ours[0][2]) / 3));
  assert.equal(r.steady.ours, Math.round((s.ours[0][1] + s.ours[0][2]) / 2));
  assert.ok(r.steady.ours < r.steady.full && r.steady.rtcstats < r.steady.rtcstatsAllTypes);
  assert.equal(r.perStream.ours, r.steady.ours, "one rtp stream per pc here");
});
