// Wire-size comparison for the Callscope collector, injected into a page where the collector runs
// (e.g. selenium execute_script / execute_async_script on the demo call).
//
//   window.callscopeWireMeasure(pcs, ticks, intervalMs)
//     → Promise<{ticks, streams, ours, full, rtcstats, rtcstatsAllTypes, fullAllTypes, steady, series}>
//
// `pcs`: live RTCPeerConnections, as an array or as a Map remoteParticipantId → pc (the demo's
// `window.demo.pcs`). Every `intervalMs` it calls getStats() once per pc and encodes that SAME
// report four ways, counting UTF-8 bytes of the JSON that would go on the wire:
//
//   ours              the collector's stats message: a full report first (and every 60 s), then
//                     deltas (Callscope._internal.slim and statsDelta, the collector's own code:
//                     kept stat types, per-tick noise members dropped, fractions to 1e-6), with the
//                     collector's message envelope (type, meetingId,
//                     participantId, seq, ts, pc, remoteParticipantId, timestamp). Labels are left
//                     out (they are sent only when they change).
//   full              the same envelope with the whole report of the kept stat types, every time.
//   rtcstats          rtcstats' wire record ["getstats", pcId, delta, timestamp] with its
//                     deltaCompression (reimplemented below from github.com/fippo/rtcstats), fed
//                     the same filtered report, so the comparison is fair.
//   rtcstatsAllTypes  the same, unfiltered: what rtcstats sends by default (codecs, certificates…).
//   fullAllTypes      our message with the unfiltered report: what the filter alone saves.
//
// `ours`, `full`, `rtcstats`, `rtcstatsAllTypes`, `fullAllTypes`: mean bytes per stream (pc) per
// tick over all ticks, the first (a full report in every scheme) included. `steady`: the same
// means without the first tick. `perStream`: steady bytes per rtp stream (inbound-rtp or
// outbound-rtp stat) per tick. `series[scheme][pc][tick]`: every value.
(() => {
  "use strict";
  const enc = new TextEncoder();
  const bytes = v => enc.encode(JSON.stringify(v)).length;
  const copy = v => JSON.parse(JSON.stringify(v));

  // rtcstats' deltaCompression(oldStats, newStats): members strictly equal (===) to the previous
  // report's are left out (so objects and arrays are always sent), `id` is dropped, removed stats
  // are simply absent; the newest stat timestamp goes to the top level and stats carrying exactly
  // that timestamp get 0.
  function rtcstatsDelta(oldStats, newStats) {
    const delta = copy(newStats);
    for (const id of Object.keys(delta)) {
      const stat = delta[id];
      delete stat.id;
      if (!oldStats[id]) continue;
      for (const name of Object.keys(stat)) if (stat[name] === oldStats[id][name]) delete stat[name];
    }
    let timestamp = -Infinity;
    for (const id of Object.keys(delta)) if (delta[id].timestamp > timestamp) timestamp = delta[id].timestamp;
    for (const id of Object.keys(delta)) if (delta[id].timestamp === timestamp) delta[id].timestamp = 0;
    delta.timestamp = timestamp;
    return delta;
  }

  async function callscopeWireMeasure(pcs, ticks = 10, intervalMs = 2000, opts = {}) {
    const cs = window.Callscope?._internal;
    if (!cs) throw new Error("callscopeWireMeasure: the Callscope collector is not loaded on this page");
    const remote = pcs instanceof Map ? [...pcs.keys()] : [];
    const list = pcs instanceof Map ? [...pcs.values()] : [...pcs];
    const meetingId = opts.meetingId ?? window.demo?.meetingId ?? "meeting-0001";
    const participantId = opts.participantId ?? window.demo?.participantId ?? "participant-0001";
    const schemes = ["ours", "full", "rtcstats", "rtcstatsAllTypes", "fullAllTypes"];
    const series = Object.fromEntries(schemes.map(k => [k, list.map(() => [])]));
    const state = list.map((pc, i) => ({ id: `pc-${Date.now().toString(36)}-${i + 1}`, prev: null, at: 0, rtc: {}, rtcAll: {} }));
    let seq = Date.now();
    const rtpStreams = list.map(() => 0);

    for (let t = 0; t < ticks; t++) {
      if (t) await new Promise(r => setTimeout(r, intervalMs));
      const reports = await Promise.all(list.map(pc => pc.getStats()));
      reports.forEach((report, i) => {
        const s = state[i], all = {}, now = Date.now();
        report.forEach(stat => (all[stat.id] = stat));
        // Exactly what the collector sends: its own filter (kept types, no per-tick noise, rounding).
        const [rep, ts] = cs.slim(report);
        // What rtcstats would be fed with the same type filter, every member kept.
        const typed = Object.fromEntries(Object.entries(all).filter(([, st]) => cs.TYPES.has(st.type)));
        rtpStreams[i] = Object.values(all).filter(st => st.type == "inbound-rtp" || st.type == "outbound-rtp").length;
        // The envelope as the collector builds it (key order included).
        const base = { type: "stats", meetingId, participantId, ts: now, pc: s.id, remoteParticipantId: remote[i], timestamp: ts || now };
        const isFull = !s.prev || now - s.at >= 60000;
        const ours = isFull ? { ...base, report: rep, seq } : { ...base, delta: cs.statsDelta(s.prev, rep, base.timestamp), seq };
        if (isFull) s.at = now;
        s.prev = rep;
        series.ours[i].push(bytes(ours));
        series.full[i].push(bytes({ ...base, report: typed, seq }));
        series.fullAllTypes[i].push(bytes({ ...base, report: all, seq }));
        series.rtcstats[i].push(bytes(["getstats", "PC_" + i, rtcstatsDelta(s.rtc, typed), now]));
        series.rtcstatsAllTypes[i].push(bytes(["getstats", "PC_" + i, rtcstatsDelta(s.rtcAll, all), now]));
        s.rtc = copy(typed);
        s.rtcAll = copy(all);
        seq++;
      });
    }

    const mean = (k, from = 0) => {
      const v = series[k].flatMap(a => a.slice(from));
      return v.length ? Math.round(v.reduce((x, y) => x + y, 0) / v.length) : 0;
    };
    const result = { ticks, pcs: list.length, series, steady: {}, perStream: {} };
    for (const k of schemes) (result[k] = mean(k)), (result.steady[k] = mean(k, 1));
    // Per stream: a pc's bytes over its rtp streams (each inbound-rtp / outbound-rtp one stream side).
    const streams = rtpStreams.reduce((a, b) => a + b, 0) / Math.max(1, list.length);
    result.rtpStreamsPerPc = streams;
    for (const k of schemes) result.perStream[k] = Math.round(result.steady[k] / Math.max(1, streams));
    return result;
  }

  callscopeWireMeasure.rtcstatsDelta = rtcstatsDelta; // for tests
  window.callscopeWireMeasure = callscopeWireMeasure;
})();
