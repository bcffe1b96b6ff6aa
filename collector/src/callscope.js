/*
 * Callscope collector: WebRTC stats, events and errors for a Callscope server, in ingest
 * protocol v1. How to use it and what it does: docs/collector.md. The protocol it speaks:
 * docs/ingest-protocol.md ("§" numbers below are that document's sections).
 *
 * This is the readable source. The file the server ships (Sources/CallscopeServer/Resources/web/
 * sdk/callscope.js) is generated from it by `node collector/build.mjs`, which removes comments
 * and whitespace and shortens the names listed in its PRIVATE_NAMES; every other name ships as
 * written here. So: never list a name that goes on the wire, that the browser defines, or that
 * belongs to the public API (the build refuses the ones it knows of); and when you add a private
 * name worth shortening, add it there.
 *
 * A classic script with no dependencies: it must run as `<script src>` in any page, and as the
 * ES module callscope.mjs through a wrapper that imports it.
 */
(() => {
"use strict";

const globalScope = globalThis;
const VERSION = "1.0.0";

// The stat types the server reads (§7.2); the others would only cost bytes.
const KEPT_STAT_TYPES = new Set(["outbound-rtp", "inbound-rtp", "remote-inbound-rtp", "remote-outbound-rtp", "media-source",
  "candidate-pair", "local-candidate", "remote-candidate", "transport"]);

// Members that change on every tick but feed no metric: left in, they would be most of a delta's
// bytes (goog*: Chrome's non-standard ones). docs/collector.md, "What is captured without app
// code", lists them in words.
const NOISY_MEMBER = /^(goog|header|last|estimated|consent|requests|responsesSent|inserted|removed|corruption|qpSum|audioLevel|frames(Received|Sent|Rendered|Assembled.*)?$|jitterBuffer[TM]|qualityLimitationDurations|total(Decode|Encode|InterFrame|Squared|Processing|Assembly|PacketSend|Corruption|AudioEnergy|SamplesDuration))/;

// The byte and packet counts of transports and candidate pairs repeat the rtp streams' counts.
const PAIR_COUNTER = /^(bytes|packets)(Sent|Received)$/;

/**
 * A getStats() result as the server needs it: the kept stat types, by stat id, without the noisy
 * members (unless keepAllMembers), fractions rounded to 1 µs (Chrome prints 17 digits, and no
 * metric resolves less than a microsecond). Returns [the report, its newest stat timestamp or 0].
 */
function slim(statsReport, keepAllMembers) {
  const slimReport = {};
  let newestTimestamp = 0;
  statsReport.forEach(stat => {
    if (!KEPT_STAT_TYPES.has(stat.type)) return;
    const kept = (slimReport[stat.id] = {});
    const repeatsRtpCounts = stat.type == "transport" || stat.type == "candidate-pair";
    for (const member in stat) {
      const value = stat[member];
      if (keepAllMembers || !(NOISY_MEMBER.test(member) || (repeatsRtpCounts && PAIR_COUNTER.test(member)))) {
        kept[member] = typeof value == "number" && value % 1 ? Math.round(value * 1e6) / 1e6 : value;
      }
    }
    newestTimestamp = Math.max(newestTimestamp, stat.timestamp || 0);
  });
  return [slimReport, newestTimestamp];
}

const scriptUrl = globalScope.document?.currentScript?.src;
const utf8 = new TextEncoder();
// Tracks that came from getDisplayMedia: screen shares, for their labels and track events.
const screenTracks = new WeakSet();
// Tracks and DTLS transports that already have our listeners.
const watchedObjects = new WeakSet();
// The instance init() made last: wrap() and the automatic captures report to it.
let currentCollector;
// Peer connections wrap() saw before init(): monitored once it runs.
let earlyPeerConnections = [];
let browserPatched;
let peerConnectionCount = 0;

// 1 s doubling to 30 s, ±20 %: clients that lost the server together do not come back in step
// (§12, "Back-off").
const backoffMs = retryNumber => Math.min(3e4, 1e3 * 2 ** retryNumber) * (0.8 + Math.random() * 0.4);

/**
 * The delta from one slimmed report to the next (§7.3): removed stats as null, new stats whole,
 * changed members only (nested values compared by content), removed members as null, never the
 * id, and no per-stat timestamp where it equals the message's (`messageTimestamp`).
 */
function statsDelta(previousReport, nextReport, messageTimestamp) {
  const changesById = {};
  const sameValue = (a, b) => a === b || (typeof a == "object" && JSON.stringify(a) == JSON.stringify(b));
  for (const id in previousReport) if (!(id in nextReport)) changesById[id] = null;
  for (const id in nextReport) {
    const nextStat = nextReport[id], previousStat = previousReport[id], changes = {};
    for (const member in nextStat) {
      const differs = member == "timestamp"
        ? nextStat[member] !== messageTimestamp
        : member != "id" && !(previousStat && sameValue(nextStat[member], previousStat[member]));
      if (differs) changes[member] = nextStat[member];
    }
    if (previousStat) for (const member in previousStat) if (!(member in nextStat)) changes[member] = null;
    if (!previousStat || Object.keys(changes).length) changesById[id] = changes;
  }
  return changesById;
}

/** The app's labels merged over ours, section by section and member by member: the app wins. */
function mergeLabels(appLabels, autoLabels) {
  const merged = {};
  for (const section of ["mid", "trackIdentifier", "ssrc"]) {
    const autoSection = autoLabels?.[section], appSection = appLabels?.[section];
    if (autoSection || appSection) {
      merged[section] = { ...appSection };
      for (const labelKey in autoSection) merged[section][labelKey] = { ...autoSection[labelKey], ...appSection?.[labelKey] };
    }
  }
  return merged;
}

/**
 * The labels of a pc (§7.5): ours (transceivers sending a track from getDisplayMedia are screen
 * shares) with the app's (an object, or a function returning one) merged over them.
 */
function labelsFor(pc, appLabels, screenTrackSet = screenTracks) {
  let autoLabels;
  for (const transceiver of pc.getTransceivers?.() || []) {
    const sentTrack = transceiver.sender?.track;
    if (transceiver.mid != null && sentTrack && screenTrackSet.has(sentTrack)) {
      (autoLabels ||= { mid: {} }).mid[transceiver.mid] = { kind: "screen-" + sentTrack.kind };
    }
  }
  return mergeLabels(typeof appLabels == "function" ? appLabels() : appLabels, autoLabels);
}

/**
 * The messages not yet acknowledged, in seq order (§10, §12 "Outbox"). Each is an entry:
 *   message      the message object
 *   seq          its seq
 *   json         its JSON (a join's is made late, with the client information: see serialized())
 *   fullReport   for a delta: the full report it describes, sent instead on full_report_required
 *   size         the bytes it counts for the memory bound
 *   inFlight     sent, answer pending
 *   sentBefore   sent at least once (a next send is a resend)
 *   removed      forgotten; compact() takes it out of `entries`
 */
class Outbox {
  constructor(saved) {
    // Above any seq this participant used before, even without saved state (§5.1).
    this.nextSeq = saved?.seq ?? Date.now();
    this.entries = (saved?.out || []).map(([json, fullReport, size]) => ({ message: JSON.parse(json), json, fullReport, size }));
    this.entries.forEach(entry => (entry.seq = entry.message.seq));
    this.totalBytes = this.entries.reduce((sum, entry) => sum + entry.size, 0);
    this.maxBatchBytes = 262144;
    // The lowest seq known to be stored in session `sessionId` (§10.2).
    this.lowestStoredSeq = Infinity;
    this.acked = this.dropped = this.resent = this.rejected = this.droppedUnreported = 0;
  }

  /** Queues a message with the next seq (or `seq`, the one kept for the first join); returns its entry. */
  add(message, fullReport, fullReportSize = 0, seq) {
    const entry = {
      message,
      fullReport,
      seq: (message.seq = seq ?? this.nextSeq++),
      json: message.type == "join" ? null : JSON.stringify(message),
    };
    const insertAt = this.entries.findIndex(queued => queued.seq > entry.seq);
    this.entries.splice(insertAt < 0 ? 1e9 : insertAt, 0, entry);
    this.totalBytes += entry.size = (entry.json?.length || 500) + (fullReport ? fullReportSize : 0);
    this.unsaved = 1;
    // Bounded (docs/collector.md, "Delivery"): the oldest stats go first, then the oldest events;
    // never joins, leaves or errors.
    while (this.entries.length > 1e3 || this.totalBytes > 2e6) {
      const victim = this.entries.find(queued => queued.message.type == "stats") || this.entries.find(queued => queued.message.type == "event");
      if (!victim) break;
      this.remove(victim);
      this.dropped++;
      this.droppedUnreported++;
      // The pc's next message is a delta against the dropped report: it becomes that report.
      const successor = victim.message.pc && this.entries.find(queued => queued.message.pc == victim.message.pc && !queued.forgotten);
      if (successor?.fullReport) this.replaceWithFullReport(successor);
      this.compact();
    }
    return entry;
  }

  /** A delta becomes the full report it described, with the same seq (§12, "full_report_required"). */
  replaceWithFullReport(entry) {
    entry.message.report = entry.fullReport;
    delete entry.message.delta;
    entry.fullReport = null;
    entry.json = JSON.stringify(entry.message);
  }

  /** Forgets an entry (compact() takes it out); 0 when it was forgotten already, else 1. */
  remove(entry) {
    if (entry.forgotten) return 0;
    this.totalBytes -= entry.size;
    return (this.unsaved = entry.forgotten = 1);
  }

  compact() {
    this.entries = this.entries.filter(entry => !entry.forgotten);
  }

  /** The entry's JSON. A join's is made when first needed, with the client information (§6.1). */
  serialized(entry) {
    return (entry.json ??= JSON.stringify({ ...this.clientInfo, ...entry.message }));
  }

  /** The next batch: entries not in flight, in seq order, at most maxBatchBytes (one entry at least). */
  take() {
    const batchEntries = [];
    let batchBytes = 2; // the brackets
    for (const entry of this.entries) {
      if (entry.inFlight) continue;
      if ((batchBytes += this.serialized(entry).length + 1) > this.maxBatchBytes && batchEntries[0]) break;
      batchEntries.push(entry);
      this.resent += entry.sentBefore || 0;
      entry.inFlight = entry.sentBefore = 1;
    }
    return batchEntries;
  }

  release(batchEntries) {
    batchEntries.forEach(entry => (entry.inFlight = 0));
  }

  /**
   * Applies the server's answer to a batch (§10, §11): forgets what it stored, rewrites or drops
   * what it refused, halves the batches when they were too big. Returns "stop" (the configuration
   * was refused: key, project or origin), "retry" or "".
   */
  answer(batchEntries, reply, ok) {
    const refusal = reply.error || {}, refusalCode = refusal.code, refusedAt = refusal.index;
    const ignoredAt = new Set((reply.ignored || []).map(item => item.index));
    let storedCount = ok ? batchEntries.length : 0, result = "", lowestSeq = Infinity, highestSeq = -1;
    if (ok) {
      // all stored
    } else if (/^(unauthorized|forbidden|origin_not_allowed)$/.test(refusalCode)) {
      result = "stop";
    } else if (/^(body_too_large|too_many_messages)$/.test(refusalCode)) {
      this.maxBatchBytes = Math.max(1024, this.maxBatchBytes >> 1);
      if (!batchEntries[1] && this.remove(batchEntries[0])) this.dropped++; // too big on its own
    } else if (batchEntries[refusedAt]) {
      storedCount = refusedAt; // the messages before the refused one are stored (§11.1)
      if (refusalCode == "full_report_required" && batchEntries[refusedAt].fullReport) {
        this.replaceWithFullReport(batchEntries[refusedAt]);
      } else if (this.remove(batchEntries[refusedAt])) {
        this.rejected++;
        console.warn("Callscope: message refused", refusal);
      }
    } else {
      result = "retry";
    }
    for (let i = 0; i < storedCount; i++) {
      if (!ignoredAt.has(i)) {
        lowestSeq = Math.min(lowestSeq, batchEntries[i].seq);
        highestSeq = Math.max(highestSeq, batchEntries[i].seq);
      }
      if (this.remove(batchEntries[i])) this.acked++;
    }
    for (const sessionAck of reply.acks || []) {
      // acks[].seq counts from the session's first stored seq, which may lie above a message
      // still unanswered: it covers only the seqs from one known to be stored on (§10.2).
      if (sessionAck.sessionId != this.sessionId) {
        this.sessionId = sessionAck.sessionId;
        this.lowestStoredSeq = highestSeq < 0 ? Infinity : highestSeq;
      } else {
        this.lowestStoredSeq = Math.min(this.lowestStoredSeq, lowestSeq);
      }
      for (const entry of this.entries) {
        if (entry.seq >= this.lowestStoredSeq && entry.seq <= sessionAck.seq && this.remove(entry)) this.acked++;
      }
    }
    this.release(batchEntries);
    this.compact();
    return result;
  }

  /** What sessionStorage keeps for a reload (§5.1): the next seq and the pending messages. */
  dump() {
    return { seq: this.nextSeq, out: this.entries.map(entry => [this.serialized(entry), entry.fullReport, entry.size]) };
  }
}

/**
 * What Callscope.init() returns. Each monitored pc has a record in `peerConnections`:
 *   { pc, monitorOptions, id, previousReport, fullReportAt, fullReportSize, sentLabels }
 * (the last report made, when and how big the last full report was, the JSON of the labels sent).
 */
class Collector {
  constructor(settings) {
    const deps = settings._deps || {}; // the tests' fakes
    const browserNavigator = (this.browserNavigator = deps.navigator || globalScope.navigator || {});
    const clientHints = browserNavigator.userAgentData;
    this.settings = settings;
    this.WebSocketClass = deps.WebSocket || globalScope.WebSocket;
    this.fetchFunction = deps.fetch || globalScope.fetch?.bind(globalScope);
    this.storageKey = `callscope:${settings.meetingId}:${settings.participantId}`;
    let saved;
    try {
      saved = JSON.parse((this.sessionStore = deps.storage || globalScope.sessionStorage).getItem(this.storageKey));
    } catch {}
    const outbox = (this.outbox = new Outbox(saved));
    // The first join() takes this seq, so that it goes before anything produced until then.
    this.firstJoinSeq = outbox.nextSeq++;
    this.createdAt = Date.now();
    this.serverOrigin = (settings.server || Callscope.origin || globalScope.location?.origin || "").replace(/\/$/, "");
    this.peerConnections = new Map();
    this.inFlightBatches = []; // sent on the WebSocket, answered in order
    this.failedConnects = this.consecutiveErrors = this.holdUntil = 0;
    this.counters = { ticks: 0, tickMsTotal: 0, tickMsMax: 0, processMsTotal: 0, statsBytes: 0, bytesSent: 0, messagesSent: 0 };
    this.startStatsTimer();
    // Nothing is sent before the client information, 300 ms at most (UA Client Hints may hang).
    // The server derives browser, OS and device from it (§6.1): one parser for every SDK and importer.
    const clientInfoKnown = highEntropyValues => outbox.clientInfo || (
      (outbox.clientInfo = { userAgent: browserNavigator.userAgent, userAgentData: highEntropyValues || clientHints?.toJSON?.() }),
      this.flush());
    Promise.resolve(clientHints?.getHighEntropyValues?.(["platformVersion", "model", "fullVersionList"]))
      .then(clientInfoKnown, () => clientInfoKnown());
    setTimeout(clientInfoKnown, 300);
    this.connect();
    currentCollector = this;
    earlyPeerConnections.splice(0).forEach(pc => pc.signalingState != "closed" && this.monitor(pc));
  }

  get sessionId() {
    return this.outbox.sessionId;
  }

  metrics() {
    const { resent, dropped, acked, rejected } = this.outbox;
    return { ...this.counters, resent, dropped, acked, rejected };
  }

  startStatsTimer() {
    this.statsTimer ||= setInterval(() => this.tick(), this.settings.statsIntervalMs || 2e3);
  }

  halt() {
    this.halted = 1;
    clearInterval(this.statsTimer);
    this.webSocket?.close();
  }

  /** Queues a message. Stats go out with their tick's flush; everything else in the next microtask. */
  enqueue(type, fields, fullReport, fullReportSize, seq) {
    // After a leave, only a join: anything else would open a new attempt (§9.1).
    if (this.halted || (this.hasLeft && type != "join")) return;
    const settings = this.settings;
    const envelope = { type, meetingId: settings.meetingId, participantId: settings.participantId, ts: (this.lastMessageAt = Date.now()), ...fields };
    const entry = this.outbox.add(envelope, fullReport, fullReportSize, seq);
    if (type != "stats" && !this.flushQueued) {
      this.flushQueued = 1;
      queueMicrotask(() => {
        this.flushQueued = 0;
        this.flush();
      });
    }
    return entry;
  }

  join() {
    const settings = this.settings;
    this.hasLeft = 0;
    this.attemptStartedAt = performance.now(); // the setup time runs to the first "connected"
    this.connectedReported = 0;
    for (const record of this.peerConnections.values()) record.previousReport = record.sentLabels = null;
    this.enqueue("join", { name: settings.name, sdk: settings.sdk || { name: "callscope-js", version: VERSION }, location: settings.location },
      0, 0, this.firstJoinSeq);
    this.firstJoinSeq = null;
    this.startStatsTimer();
    this.webSocket || this.connect();
  }

  leave(reason = "left") {
    if (this.hasLeft) return;
    this.enqueue("leave", { reason });
    this.hasLeft = 1;
    this.attemptStartedAt = null;
    clearInterval(this.statsTimer);
    this.statsTimer = 0;
  }

  event(name, data) {
    this.enqueue("event", { name, data });
  }

  error(code, message, data, source = "app", severity) {
    this.enqueue("error", { code, message: message == null ? message : String(message).slice(0, 1e3), data, source, severity });
  }

  monitor(pc, monitorOptions = {}) {
    let record = this.peerConnections.get(pc);
    if (record) return void (record.monitorOptions = monitorOptions);
    // Time-based and counted: never reused in a meeting, also across reloads.
    this.peerConnections.set(pc, (record = { pc, monitorOptions, id: `pc-${Date.now().toString(36)}-${++peerConnectionCount}` }));
    // The listeners stay on the pc: they do nothing once this record no longer monitors it.
    const listen = (type, listener) => pc.addEventListener?.(type, event => this.peerConnections.get(pc) == record && listener(event));
    listen("connectionstatechange", () => {
      const state = pc.connectionState;
      this.event("connection-state", { pc: record.id, state });
      if (state == "connected" && this.attemptStartedAt != null && !this.connectedReported) {
        this.connectedReported = 1;
        this.event("connected", { setupMs: Math.round(performance.now() - this.attemptStartedAt) });
      }
      this.watchTracksAndTransports(record);
    });
    listen("iceconnectionstatechange", () => {
      const state = pc.iceConnectionState;
      this.event("ice-state", { pc: record.id, state });
      if (state == "failed") this.error("ice-failed", "ICE connection failed", { pc: record.id }, "sdk");
    });
    listen("track", () => this.watchTracksAndTransports(record));
    // A TURN server's error answer (RFC 8656 codes; 701: no answer at all), once per server and
    // code. STUN-only servers are left out: their timeouts are routine on many networks.
    const turnErrorsSeen = new Set();
    listen("icecandidateerror", event => {
      const url = String(event.url || ""), seenKey = url + " " + event.errorCode;
      if (/^turns?:/i.test(url) && !turnErrorsSeen.has(seenKey)) {
        turnErrorsSeen.add(seenKey);
        this.error("turn-error", `${event.errorCode} ${event.errorText || ""}`, { pc: record.id, url, errorCode: event.errorCode }, "sdk");
      }
    });
  }

  /** Watches the pc's tracks (mute, unmute, ended) and its DTLS transports (failed). */
  watchTracksAndTransports(record) {
    const watchEach = direction => senderOrReceiver => {
      const dtlsTransport = senderOrReceiver.transport;
      watchTrack(senderOrReceiver.track, direction);
      if (dtlsTransport && !watchedObjects.has(dtlsTransport)) {
        watchedObjects.add(dtlsTransport);
        dtlsTransport.addEventListener("statechange", () =>
          dtlsTransport.state == "failed" && currentCollector?.error("dtls-failed", "DTLS transport failed", { pc: record.id }, "sdk"));
      }
    };
    record.pc.getSenders?.().forEach(watchEach("local"));
    record.pc.getReceivers?.().forEach(watchEach("remote"));
  }

  /** One stats message: a full report first, after every (re)connection and every 60 s; else a delta (§7). */
  async pollStats(record) {
    const pc = record.pc, monitorOptions = record.monitorOptions;
    if (pc.signalingState == "closed") return void this.peerConnections.delete(pc);
    this.watchTracksAndTransports(record);
    let statsReport, labels;
    try {
      statsReport = await pc.getStats();
    } catch {
      return;
    }
    const startedAt = performance.now(), nowMs = Date.now();
    const [slimReport, newestTimestamp] = slim(statsReport, this.settings.allMembers);
    const statsMessage = { pc: record.id, remoteParticipantId: monitorOptions.remoteParticipantId, timestamp: newestTimestamp || nowMs };
    try {
      labels = labelsFor(pc, monitorOptions.labels);
    } catch {}
    // Labels only when they changed, and again after every (re)connection (§7.5).
    const labelsJson = JSON.stringify(labels), isFull = !record.previousReport || nowMs - record.fullReportAt >= 6e4;
    if (labelsJson != (record.sentLabels ?? "{}")) {
      statsMessage.labels = labels;
      record.sentLabels = labelsJson;
    }
    if (isFull) {
      statsMessage.report = slimReport;
      record.fullReportAt = nowMs;
    } else {
      statsMessage.delta = statsDelta(record.previousReport, slimReport, statsMessage.timestamp);
    }
    const entry = this.enqueue("stats", statsMessage, !isFull && slimReport, record.fullReportSize);
    if (!entry) return;
    record.previousReport = slimReport;
    if (isFull) record.fullReportSize = entry.json.length;
    this.counters.statsBytes += entry.json.length;
    this.counters.processMsTotal += performance.now() - startedAt;
  }

  async tick() {
    if (this.tickRunning) return; // the last tick's getStats() is slow
    this.tickRunning = 1;
    const startedAt = performance.now(), counters = this.counters;
    // Some message at least every 10 s while joined, or the server ends the participant (§9.3).
    if (Date.now() - this.lastMessageAt >= 1e4 && this.attemptStartedAt != null) this.event("heartbeat");
    await Promise.allSettled([...this.peerConnections.values()].map(record => this.pollStats(record)));
    const elapsedMs = performance.now() - startedAt;
    counters.ticks++;
    counters.tickMsTotal += elapsedMs;
    counters.tickMsMax = Math.max(counters.tickMsMax, elapsedMs);
    this.tickRunning = 0;
    this.flush();
  }

  connect() {
    const settings = this.settings;
    const query = new URLSearchParams({ key: settings.key, meetingId: settings.meetingId, participantId: settings.participantId });
    let webSocket, opened;
    if (this.webSocket || this.halted || (this.hasLeft && !this.outbox.entries[0])) return;
    const onClosed = closeCode => {
      if (this.webSocket != webSocket) return;
      this.webSocket = null;
      this.inFlightBatches.splice(0).forEach(batchEntries => this.outbox.release(batchEntries));
      // 1009: a frame was too big for the server.
      if (closeCode == 1009) this.outbox.maxBatchBytes = Math.max(1024, this.outbox.maxBatchBytes >> 1);
      if (!opened) this.failedConnects++;
      setTimeout(() => this.connect(), closeCode == 1009 ? 0 : backoffMs(this.failedConnects));
      this.flush(); // maybe over HTTP
    };
    try {
      webSocket = this.webSocket = new this.WebSocketClass(this.serverOrigin.replace(/^http/, "ws") + "/ingest/v1/ws?" + query);
    } catch {
      return onClosed();
    }
    webSocket.onopen = () => {
      opened = 1;
      this.failedConnects = 0;
      // The server may have lost the pcs' state: full reports and labels again.
      for (const record of this.peerConnections.values()) record.previousReport = record.sentLabels = null;
      this.flush();
    };
    webSocket.onclose = closeEvent => onClosed(closeEvent.code);
    webSocket.onmessage = messageEvent => {
      let reply;
      try {
        reply = JSON.parse(messageEvent.data);
      } catch {}
      if (reply?.type == "kick") this.handleKick(reply);
      // One answer per frame, in order (§2.2); other frame types are for later versions.
      else if (/^(ack|error)$/.test(reply?.type) && this.inFlightBatches[0]) this.handleAnswer(this.inFlightBatches.shift(), reply, reply.type == "ack");
    };
  }

  flush() {
    const outbox = this.outbox, webSocket = this.webSocket, nowMs = Date.now();
    let batchEntries;
    if (this.halted || !outbox.clientInfo || nowMs < this.holdUntil) return;
    if (this.firstJoinSeq != null) {
      // Up to 15 s for join(): the join opens the attempt, so it goes first.
      if (nowMs - this.createdAt < 15e3) return;
      this.firstJoinSeq = null;
    }
    if (webSocket?.readyState == 1) {
      // Pipelined: up to four frames in flight.
      while (this.inFlightBatches.length < 4 && (batchEntries = outbox.take())[0]) {
        this.inFlightBatches.push(batchEntries);
        webSocket.send(this.encodeFrame(batchEntries));
      }
      if (this.hasLeft && !outbox.entries[0]) webSocket.close();
    } else if (this.failedConnects > 1 && !this.postInFlight && (batchEntries = outbox.take())[0]) {
      this.postBatch(batchEntries);
    }
    this.saveState();
  }

  encodeFrame(batchEntries) {
    const frame = "[" + batchEntries.map(entry => entry.json) + "]";
    this.counters.bytesSent += utf8.encode(frame).length;
    this.counters.messagesSent += batchEntries.length;
    return frame;
  }

  /** The HTTP fallback (§2.1), one request at a time. */
  async postBatch(batchEntries) {
    let reply = {}, httpStatus = 0;
    this.postInFlight = 1;
    try {
      const response = await this.fetchFunction(this.serverOrigin + "/ingest/v1", {
        method: "POST",
        headers: { authorization: "Bearer " + this.settings.key, "content-type": "application/json" },
        body: this.encodeFrame(batchEntries),
      });
      httpStatus = response.status;
      reply = await response.json().catch(() => reply);
    } catch {}
    this.postInFlight = 0;
    reply.error ||= { code: { 401: "unauthorized", 403: "forbidden", 413: "body_too_large" }[httpStatus] };
    if (httpStatus) {
      this.handleAnswer(batchEntries, reply, httpStatus == 200);
    } else {
      this.outbox.release(batchEntries);
      this.scheduleRetry();
    }
  }

  handleAnswer(batchEntries, reply, ok) {
    const outbox = this.outbox, previousSessionId = outbox.sessionId, result = outbox.answer(batchEntries, reply, ok);
    if (result == "stop") {
      console.warn(`Callscope: refused (${reply.error.code}); check the key, server and allowed origins. Nothing more is sent.`);
      this.halt();
    }
    if (result == "retry") this.scheduleRetry();
    else this.consecutiveErrors = 0;
    if (ok && outbox.droppedUnreported) {
      this.event("collector-dropped", { count: outbox.droppedUnreported });
      outbox.droppedUnreported = 0;
    }
    if (outbox.sessionId != previousSessionId) this.settings.onSession?.(outbox.sessionId, this.settings.meetingId);
    (reply.kicks || []).forEach(kick => this.handleKick(kick));
    this.flush();
  }

  scheduleRetry() {
    const delayMs = backoffMs(this.consecutiveErrors++);
    this.holdUntil = Date.now() + delayMs;
    setTimeout(() => this.flush(), delayMs);
  }

  /** A kick pushed by the server (§2.3): for this participant, onKick(reason), then leave("kicked"). */
  handleKick(kick) {
    const settings = this.settings;
    if (kick.participantId != settings.participantId || (kick.meetingId && kick.meetingId != settings.meetingId) || this.hasLeft) return;
    settings.onKick?.(kick.reason);
    this.leave("kicked");
  }

  /** For a reload (§5.1). */
  saveState() {
    const outbox = this.outbox, store = value => this.sessionStore.setItem(this.storageKey, JSON.stringify(value));
    if (outbox.unsaved && this.sessionStore) {
      try {
        store(outbox.dump());
        outbox.unsaved = 0;
      } catch {
        try {
          store({ seq: outbox.nextSeq }); // storage full: the seq at least
        } catch {}
      }
    }
  }

  /** The page goes away: leave("closed") and the outbox in a beacon (< 60 kB, the newest first). */
  bye() {
    if (this.hasLeft || this.halted) return;
    this.leave("closed");
    const beacon = [];
    let beaconBytes = 0;
    for (const entry of [...this.outbox.entries].reverse()) {
      if ((beaconBytes += this.outbox.serialized(entry).length + 1) < 6e4 || !beacon[0]) beacon.unshift(entry.json);
    }
    this.browserNavigator.sendBeacon?.(this.serverOrigin + "/ingest/v1?key=" + encodeURIComponent(this.settings.key), "[" + beacon + "]");
    this.saveState();
  }
}

// getUserMedia/getDisplayMedia rejections → the error code's suffix (docs/collector.md).
const MEDIA_ERROR_CODES = {
  NotAllowedError: "denied", NotFoundError: "no-device", NotReadableError: "in-use", OverconstrainedError: "overconstrained",
  AbortError: "aborted", SecurityError: "blocked", TypeError: "invalid-constraints",
};

// Captured without app code, for the current instance.
function watchTrack(track, direction) {
  if (!track || watchedObjects.has(track)) return;
  watchedObjects.add(track);
  for (const trackEvent of ["mute", "unmute", "ended"]) {
    track.addEventListener(trackEvent, () => currentCollector?.event(trackEvent == "ended" ? "track-ended" : trackEvent,
      { kind: (screenTracks.has(track) ? "screen-" : "") + track.kind, direction }));
  }
}

/** Once: watches what the browser does without app code (docs/collector.md, "What is captured"). */
function patchBrowser() {
  if (browserPatched) return;
  browserPatched = 1;
  const browserNavigator = globalScope.navigator || {}, devices = browserNavigator.mediaDevices;
  const pcPrototype = globalScope.RTCPeerConnection?.prototype, networkInfo = browserNavigator.connection;
  // object[method] keeps working as before; wrapper(args, callOriginal, the pc's record) runs around it.
  const hook = (owner, methodName, wrapper) => {
    const original = owner?.[methodName];
    if (original) {
      owner[methodName] = function (...args) {
        return wrapper.call(this, args, () => original.apply(this, args), currentCollector?.peerConnections.get(this));
      };
    }
  };
  hook(pcPrototype, "close", function (args, callOriginal, record) {
    // close() fires no state change: say so, and take a last report (its getStats() starts first).
    if (record) {
      currentCollector.event("connection-state", { pc: record.id, state: "closed" });
      currentCollector.pollStats(record);
      currentCollector.peerConnections.delete(this);
    }
    return callOriginal();
  });
  for (const methodName of ["restartIce", "createOffer"]) {
    hook(pcPrototype, methodName, (args, callOriginal, record) => {
      if (record && (methodName == "restartIce" || args.some(arg => arg?.iceRestart))) currentCollector.event("ice-restart", { pc: record.id });
      return callOriginal();
    });
  }
  // Offer/answer failures. The app still gets the browser's own promise; this only watches it.
  for (const [methodName, code] of [["createOffer", "create-offer-failed"], ["createAnswer", "create-answer-failed"],
    ["setLocalDescription", "set-local-description-failed"], ["setRemoteDescription", "set-remote-description-failed"],
    ["addIceCandidate", "add-ice-candidate-failed"]]) {
    hook(pcPrototype, methodName, (args, callOriginal, record) => {
      const result = callOriginal();
      if (record) result?.catch?.(failure => currentCollector?.error(code, `${failure?.name}: ${failure?.message}`,
        { pc: record.id, name: failure?.name }, "sdk", methodName == "addIceCandidate" ? "warning" : "error"));
      return result;
    });
  }
  for (const methodName of ["getUserMedia", "getDisplayMedia"]) {
    hook(devices, methodName, async (args, callOriginal) => {
      try {
        const stream = await callOriginal();
        for (const track of stream.getTracks()) {
          if (methodName == "getDisplayMedia") screenTracks.add(track);
          watchTrack(track, "local");
        }
        return stream;
      } catch (failure) {
        currentCollector?.error(methodName.toLowerCase() + "-" + (MEDIA_ERROR_CODES[failure.name] || "failed"), `${failure.name}: ${failure.message}`,
          { constraints: args[0], constraint: failure.constraint }, "sdk");
        throw failure;
      }
    });
  }
  // Counts per kind only: no labels, no IDs.
  devices?.addEventListener?.("devicechange", async () => {
    const counts = {};
    for (const mediaDevice of await devices.enumerateDevices()) counts[mediaDevice.kind] = (counts[mediaDevice.kind] || 0) + 1;
    currentCollector?.event("device-change", counts);
  });
  networkInfo?.addEventListener?.("change", () => currentCollector?.event("network-change",
    { type: networkInfo.type, effectiveType: networkInfo.effectiveType, downlink: networkInfo.downlink, rtt: networkInfo.rtt }));
  globalScope.addEventListener?.("pagehide", () => currentCollector?.bye());
}

const Callscope = (globalScope.Callscope = {
  version: VERSION,
  origin: scriptUrl && new URL(scriptUrl).origin,
  init(settings) {
    patchBrowser();
    return new Collector(settings);
  },
  // A stand-in whose prototype, instanceof, subclasses and statics stay the original's.
  wrap() {
    const NativePeerConnection = globalScope.RTCPeerConnection;
    if (!NativePeerConnection || NativePeerConnection.callscope) return;
    function RTCPeerConnection(...args) {
      const pc = Reflect.construct(NativePeerConnection, args, new.target || RTCPeerConnection);
      currentCollector ? currentCollector.monitor(pc) : earlyPeerConnections.push(pc);
      return pc;
    }
    RTCPeerConnection.prototype = NativePeerConnection.prototype;
    RTCPeerConnection.callscope = 1;
    globalScope.RTCPeerConnection = Object.setPrototypeOf(RTCPeerConnection, NativePeerConnection);
  },
  // For the tests and e2e/collector_wire.js.
  _internal: { statsDelta, slim, mergeLabels, labelsFor, Outbox, TYPES: KEPT_STAT_TYPES },
});
})();
