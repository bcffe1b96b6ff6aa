/*! Callscope collector: WebRTC stats, events and errors for a Callscope server (ingest protocol v1, §). */
(() => {
"use strict";
const G = globalThis, VERSION = "1.0.0";
// What the server reads (§7.2); the rest only costs bytes.
const TYPES = new Set(["outbound-rtp", "inbound-rtp", "remote-inbound-rtp", "remote-outbound-rtp", "media-source",
  "candidate-pair", "local-candidate", "remote-candidate", "transport"]);
// Change every tick, feed no metric: most of a delta's bytes (goog*: non-standard). Pairs repeat
// the rtp counts.
const NOISE = /^(goog|header|last|estimated|consent|requests|responsesSent|inserted|removed|corruption|qpSum|audioLevel|frames(Received|Sent|Rendered|Assembled.*)?$|jitterBuffer[TM]|qualityLimitationDurations|total(Decode|Encode|InterFrame|Squared|Processing|Assembly|PacketSend|Corruption|AudioEnergy|SamplesDuration))/;
const PAIR = /^(bytes|packets)(Sent|Received)$/;

// A getStats() result as the server needs it, by id; fractions to 1 µs (Chrome prints 17 digits).
function slim(r, all) {
  const rep = {};
  let ts = 0;
  r.forEach(s => {
    if (!TYPES.has(s.type)) return;
    const o = (rep[s.id] = {}), pair = s.type == "transport" || s.type == "candidate-pair";
    for (const k in s) {
      const v = s[k];
      if (all || !(NOISE.test(k) || (pair && PAIR.test(k)))) o[k] = typeof v == "number" && v % 1 ? Math.round(v * 1e6) / 1e6 : v;
    }
    ts = Math.max(ts, s.timestamp || 0);
  });
  return [rep, ts];
}

const SCRIPT = G.document?.currentScript?.src, TE = new TextEncoder();
const screens = new WeakSet(), seen = new WeakSet();
let cur, pending = [], patched, npc = 0; // pending: pcs wrap() saw before init

// 1 s doubling to 30 s, ±20 %: clients do not reconnect in step.
const backoff = n => Math.min(3e4, 1e3 * 2 ** n) * (0.8 + Math.random() * 0.4);

// §7.3 (reports keyed by stat id; stats without their own timestamp get `ts`).
function statsDelta(prev, next, ts) {
  const d = {}, eq = (a, b) => a === b || (typeof a == "object" && JSON.stringify(a) == JSON.stringify(b));
  for (const id in prev) if (!(id in next)) d[id] = null;
  for (const id in next) {
    const n = next[id], p = prev[id], c = {};
    for (const k in n) if (k == "timestamp" ? n[k] !== ts : k != "id" && !(p && eq(n[k], p[k]))) c[k] = n[k];
    if (p) for (const k in p) if (!(k in n)) c[k] = null;
    if (!p || Object.keys(c).length) d[id] = c;
  }
  return d;
}

function mergeLabels(app, auto) {
  const r = {};
  for (const s of ["mid", "trackIdentifier", "ssrc"]) {
    const a = auto?.[s], b = app?.[s];
    if (a || b) {
      r[s] = { ...b };
      for (const k in a) r[s][k] = { ...a[k], ...b?.[k] };
    }
  }
  return r;
}

// §7.5: the app's labels (object or function) win over screen shares seen from getDisplayMedia.
function labelsFor(pc, app, scr = screens) {
  let auto;
  for (const t of pc.getTransceivers?.() || []) {
    const tr = t.sender?.track;
    if (t.mid != null && tr && scr.has(tr)) ((auto ||= { mid: {} }).mid[t.mid] = { kind: "screen-" + tr.kind });
  }
  return mergeLabels(typeof app == "function" ? app() : app, auto);
}

// §10, §12. Entry: message m, seq q, JSON s, a delta's full report f, bytes n; in flight w,
// sent before r, gone x.
class Outbox {
  constructor(state) {
    this.seq = state?.seq ?? Date.now(); // above any seq used before (§5.1)
    this.out = (state?.out || []).map(([s, f, n]) => ({ m: JSON.parse(s), s, f, n }));
    this.out.forEach(e => (e.q = e.m.seq));
    this.bytes = this.out.reduce((a, e) => a + e.n, 0);
    this.cap = 262144; // bytes per batch
    this.lo = Infinity; // lowest seq known stored in session sid
    this.acked = this.dropped = this.resent = this.rejected = this.lost = 0;
  }

  add(m, f, fl = 0, q) {
    const e = { m, f, q: (m.seq = q ?? this.seq++), s: m.type == "join" ? null : JSON.stringify(m) }, i = this.out.findIndex(x => x.q > e.q);
    this.out.splice(i < 0 ? 1e9 : i, 0, e);
    this.bytes += e.n = (e.s?.length || 500) + (f ? fl : 0);
    this.dirty = 1;
    // Bounded: drop the oldest stats, then events; never joins, leaves, errors.
    while (this.out.length > 1e3 || this.bytes > 2e6) {
      const x = this.out.find(e => e.m.type == "stats") || this.out.find(e => e.m.type == "event");
      if (!x) break;
      this.rm(x);
      this.dropped++;
      this.lost++;
      // The pc's next delta was against the dropped report.
      const y = x.m.pc && this.out.find(e => e.m.pc == x.m.pc && !e.x);
      if (y?.f) this.full(y);
      this.gc();
    }
    return e;
  }

  full(e) { // same seq (§12)
    e.m.report = e.f;
    delete e.m.delta;
    e.f = null;
    e.s = JSON.stringify(e.m);
  }

  rm(e) {
    if (e.x) return 0;
    this.bytes -= e.n;
    return (this.dirty = e.x = 1);
  }

  gc() {
    this.out = this.out.filter(e => !e.x);
  }

  str(e) { // late for joins: client info
    return (e.s ??= JSON.stringify({ ...this.info, ...e.m }));
  }

  // Not in flight, in seq order, ≤ cap bytes (one message at least).
  take() {
    const b = [];
    let n = 2;
    for (const e of this.out) {
      if (e.w) continue;
      if ((n += this.str(e).length + 1) > this.cap && b[0]) break;
      b.push(e);
      this.resent += e.r || 0;
      e.w = e.r = 1;
    }
    return b;
  }

  release(b) {
    b.forEach(e => (e.w = 0));
  }

  // Returns "stop" (configuration refused), "retry" or "".
  answer(b, a, ok) {
    const err = a.error || {}, c = err.code, i = err.index, ign = new Set((a.ignored || []).map(x => x.index));
    let n = ok ? b.length : 0, r = "", lo = Infinity, hi = -1;
    if (ok);
    else if (/^(unauthorized|forbidden|origin_not_allowed)$/.test(c)) r = "stop";
    else if (/^(body_too_large|too_many_messages)$/.test(c)) {
      this.cap = Math.max(1024, this.cap >> 1);
      if (!b[1] && this.rm(b[0])) this.dropped++; // too big on its own
    } else if (b[i]) {
      n = i; // §11.1
      if (c == "full_report_required" && b[i].f) this.full(b[i]);
      else if (this.rm(b[i])) this.rejected++, console.warn("Callscope: message refused", err);
    } else r = "retry";
    for (let k = 0; k < n; k++) {
      if (!ign.has(k)) (lo = Math.min(lo, b[k].q)), (hi = Math.max(hi, b[k].q));
      if (this.rm(b[k])) this.acked++;
    }
    for (const k of a.acks || []) {
      // h counts from the session's first stored seq, maybe above an unanswered one: it covers
      // only seqs from one known stored (§10.2).
      if (k.sessionId != this.sid) (this.sid = k.sessionId), (this.lo = hi < 0 ? Infinity : hi);
      else this.lo = Math.min(this.lo, lo);
      for (const e of this.out) if (e.q >= this.lo && e.q <= k.seq && this.rm(e)) this.acked++;
    }
    this.release(b);
    this.gc();
    return r;
  }

  dump() {
    return { seq: this.seq, out: this.out.map(e => [this.str(e), e.f, e.n]) };
  }
}

class Collector {
  constructor(o) {
    const d = o._deps || {}, nav = (this.nav = d.navigator || G.navigator || {}), ud = nav.userAgentData;
    this.o = o;
    this.WS = d.WebSocket || G.WebSocket;
    this.fetch = d.fetch || G.fetch?.bind(G);
    this.key = `callscope:${o.meetingId}:${o.participantId}`;
    let saved;
    try { saved = JSON.parse((this.st = d.storage || G.sessionStorage).getItem(this.key)); } catch {}
    const ob = (this.ob = new Outbox(saved));
    this.jq = ob.seq++; // the first join goes before anything until then
    this.born = Date.now();
    this.server = (o.server || Callscope.origin || G.location?.origin || "").replace(/\/$/, "");
    this.pcs = new Map(); // pc → {pc, opts, id, prev, at/fl: last full's time/size, ls: labels}
    this.wq = []; // in flight on the WebSocket, answered in order
    this.wf = this.errs = this.hold = 0;
    this.m = { ticks: 0, tickMsTotal: 0, tickMsMax: 0, processMsTotal: 0, statsBytes: 0, bytesSent: 0, messagesSent: 0 };
    this.start();
    // Nothing is sent before the client info (300 ms at most: UA-CH may hang). The server reads
    // browser, OS and device from it (§6.1): one parser for every SDK and importer.
    const done = x => ob.info || ((ob.info = { userAgent: nav.userAgent, userAgentData: x || ud?.toJSON?.() }), this.flush());
    Promise.resolve(ud?.getHighEntropyValues?.(["platformVersion", "model", "fullVersionList"])).then(done, () => done());
    setTimeout(done, 300);
    this.connect();
    cur = this;
    pending.splice(0).forEach(pc => pc.signalingState != "closed" && this.monitor(pc));
  }

  get sessionId() {
    return this.ob.sid;
  }

  metrics() {
    const { resent, dropped, acked, rejected } = this.ob;
    return { ...this.m, resent, dropped, acked, rejected };
  }

  start() {
    this.timer ||= setInterval(() => this.tick(), this.o.statsIntervalMs || 2e3);
  }

  halt() {
    this.dead = 1;
    clearInterval(this.timer);
    this.ws?.close();
  }

  add(type, f, full, fl, q) {
    if (this.dead || (this.left && type != "join")) return; // it would open an attempt (§9.1)
    const o = this.o;
    const e = this.ob.add({ type, meetingId: o.meetingId, participantId: o.participantId, ts: (this.last = Date.now()), ...f }, full, fl, q);
    if (type != "stats" && !this.q) (this.q = 1), queueMicrotask(() => ((this.q = 0), this.flush()));
    return e;
  }

  join() {
    const o = this.o;
    this.left = 0;
    this.t0 = performance.now(); // setup time: to the first "connected"
    this.up = 0;
    for (const m of this.pcs.values()) m.prev = m.ls = null;
    this.add("join", { name: o.name, sdk: o.sdk || { name: "callscope-js", version: VERSION }, location: o.location }, 0, 0, this.jq);
    this.jq = null;
    this.start();
    this.ws || this.connect();
  }

  leave(reason = "left") {
    if (this.left) return;
    this.add("leave", { reason });
    this.left = 1;
    this.t0 = null;
    clearInterval(this.timer);
    this.timer = 0;
  }

  event(name, data) {
    this.add("event", { name, data });
  }

  error(code, message, data, source = "app") {
    this.add("error", { code, message: message == null ? message : String(message).slice(0, 1e3), data, source });
  }

  monitor(pc, opts = {}) {
    let m = this.pcs.get(pc);
    if (m) return void (m.opts = opts);
    this.pcs.set(pc, (m = { pc, opts, id: `pc-${Date.now().toString(36)}-${++npc}` }));
    const on = (type, f) => pc.addEventListener?.(type, () => this.pcs.get(pc) == m && f());
    on("connectionstatechange", () => {
      const s = pc.connectionState;
      this.event("connection-state", { pc: m.id, state: s });
      if (s == "connected" && this.t0 != null && !this.up) (this.up = 1), this.event("connected", { setupMs: Math.round(performance.now() - this.t0) });
      this.scan(m);
    });
    on("iceconnectionstatechange", () => {
      const s = pc.iceConnectionState;
      this.event("ice-state", { pc: m.id, state: s });
      if (s == "failed") this.error("ice-failed", "ICE connection failed", { pc: m.id }, "sdk");
    });
    on("track", () => this.scan(m));
  }

  scan(m) { // the pc's tracks and DTLS transports
    const each = dir => x => {
      const tr = x.transport;
      watch(x.track, dir);
      if (tr && !seen.has(tr)) {
        seen.add(tr);
        tr.addEventListener("statechange", () => tr.state == "failed" && cur?.error("dtls-failed", "DTLS transport failed", { pc: m.id }, "sdk"));
      }
    };
    m.pc.getSenders?.().forEach(each("local"));
    m.pc.getReceivers?.().forEach(each("remote"));
  }

  // Full report first, after a reconnect and every 60 s; else a delta.
  async poll(m) {
    const pc = m.pc, o = m.opts;
    if (pc.signalingState == "closed") return void this.pcs.delete(pc);
    this.scan(m);
    let r, labels;
    try { r = await pc.getStats(); } catch { return; }
    const t = performance.now(), now = Date.now(), [rep, ts] = slim(r, this.o.allMembers);
    const msg = { pc: m.id, remoteParticipantId: o.remoteParticipantId, timestamp: ts || now };
    try { labels = labelsFor(pc, o.labels); } catch {}
    const ls = JSON.stringify(labels), full = !m.prev || now - m.at >= 6e4;
    if (ls != (m.ls ?? "{}")) (msg.labels = labels), (m.ls = ls);
    if (full) (msg.report = rep), (m.at = now);
    else msg.delta = statsDelta(m.prev, rep, msg.timestamp);
    const e = this.add("stats", msg, !full && rep, m.fl);
    if (!e) return;
    m.prev = rep;
    if (full) m.fl = e.s.length;
    this.m.statsBytes += e.s.length;
    this.m.processMsTotal += performance.now() - t;
  }

  async tick() {
    if (this.ticking) return; // slow getStats()
    this.ticking = 1;
    const t = performance.now(), M = this.m;
    if (Date.now() - this.last >= 1e4 && this.t0 != null) this.event("heartbeat"); // §9.3
    await Promise.allSettled([...this.pcs.values()].map(m => this.poll(m)));
    const ms = performance.now() - t;
    M.ticks++;
    M.tickMsTotal += ms;
    M.tickMsMax = Math.max(M.tickMsMax, ms);
    this.ticking = 0;
    this.flush();
  }

  connect() {
    const o = this.o, q = new URLSearchParams({ key: o.key, meetingId: o.meetingId, participantId: o.participantId });
    let ws, open;
    if (this.ws || this.dead || (this.left && !this.ob.out[0])) return;
    const closed = code => {
      if (this.ws != ws) return;
      this.ws = null;
      this.wq.splice(0).forEach(b => this.ob.release(b));
      if (code == 1009) this.ob.cap = Math.max(1024, this.ob.cap >> 1);
      if (!open) this.wf++;
      setTimeout(() => this.connect(), code == 1009 ? 0 : backoff(this.wf));
      this.flush(); // maybe over HTTP
    };
    try {
      ws = this.ws = new this.WS(this.server.replace(/^http/, "ws") + "/ingest/v1/ws?" + q);
    } catch {
      return closed();
    }
    ws.onopen = () => {
      open = 1;
      this.wf = 0;
      for (const m of this.pcs.values()) m.prev = m.ls = null; // the server may have lost them
      this.flush();
    };
    ws.onclose = e => closed(e.code);
    ws.onmessage = e => {
      let a;
      try { a = JSON.parse(e.data); } catch {}
      if (a?.type == "kick") this.kick(a);
      else if (/^(ack|error)$/.test(a?.type) && this.wq[0]) this.answer(this.wq.shift(), a, a.type == "ack");
    };
  }

  flush() {
    const ob = this.ob, ws = this.ws, now = Date.now();
    let b;
    if (this.dead || !ob.info || now < this.hold) return;
    if (this.jq != null) { // ≤ 15 s for join(): it opens the attempt
      if (now - this.born < 15e3) return;
      this.jq = null;
    }
    if (ws?.readyState == 1) {
      while (this.wq.length < 4 && (b = ob.take())[0]) this.wq.push(b), ws.send(this.frame(b)); // pipelined
      if (this.left && !ob.out[0]) ws.close();
    } else if (this.wf > 1 && !this.busy && (b = ob.take())[0]) this.post(b);
    this.save();
  }

  frame(b) {
    const s = "[" + b.map(e => e.s) + "]";
    this.m.bytesSent += TE.encode(s).length;
    this.m.messagesSent += b.length;
    return s;
  }

  async post(b) { // one at a time
    let a = {}, st = 0;
    this.busy = 1;
    try {
      const r = await this.fetch(this.server + "/ingest/v1", {
        method: "POST",
        headers: { authorization: "Bearer " + this.o.key, "content-type": "application/json" },
        body: this.frame(b),
      });
      st = r.status;
      a = await r.json().catch(() => a);
    } catch {}
    this.busy = 0;
    a.error ||= { code: { 401: "unauthorized", 403: "forbidden", 413: "body_too_large" }[st] };
    if (st) this.answer(b, a, st == 200);
    else this.ob.release(b), this.retry();
  }

  answer(b, a, ok) {
    const ob = this.ob, sid = ob.sid, r = ob.answer(b, a, ok);
    if (r == "stop") console.warn(`Callscope: refused (${a.error.code}); check the key, server and allowed origins. Nothing more is sent.`), this.halt();
    if (r == "retry") this.retry();
    else this.errs = 0;
    if (ok && ob.lost) this.event("collector-dropped", { count: ob.lost }), (ob.lost = 0);
    if (ob.sid != sid) this.o.onSession?.(ob.sid, this.o.meetingId);
    (a.kicks || []).forEach(k => this.kick(k));
    this.flush();
  }

  retry() {
    const d = backoff(this.errs++);
    this.hold = Date.now() + d;
    setTimeout(() => this.flush(), d);
  }

  kick(k) {
    const o = this.o;
    if (k.participantId != o.participantId || (k.meetingId && k.meetingId != o.meetingId) || this.left) return;
    o.onKick?.(k.reason);
    this.leave("kicked");
  }

  save() { // for a reload (§5.1)
    const ob = this.ob, set = v => this.st.setItem(this.key, JSON.stringify(v));
    if (ob.dirty && this.st)
      try { set(ob.dump()), (ob.dirty = 0); } catch {
        try { set({ seq: ob.seq }); } catch {} // full: seq at least
      }
  }

  bye() { // page hidden: a beacon (< 60 kB, newest first)
    if (this.left || this.dead) return;
    this.leave("closed");
    const b = [];
    let n = 0;
    for (const e of [...this.ob.out].reverse()) if ((n += this.ob.str(e).length + 1) < 6e4 || !b[0]) b.unshift(e.s);
    this.nav.sendBeacon?.(this.server + "/ingest/v1?key=" + encodeURIComponent(this.o.key), "[" + b + "]");
    this.save();
  }
}

const CODES = { NotAllowedError: "denied", NotFoundError: "no-device", NotReadableError: "in-use", OverconstrainedError: "overconstrained",
  AbortError: "aborted", SecurityError: "blocked", TypeError: "invalid-constraints" };

// Captured without app code, for the current instance.
function watch(t, dir) {
  if (!t || seen.has(t)) return;
  seen.add(t);
  for (const ev of ["mute", "unmute", "ended"])
    t.addEventListener(ev, () => cur?.event(ev == "ended" ? "track-ended" : ev, { kind: (screens.has(t) ? "screen-" : "") + t.kind, direction: dir }));
}

function patch() {
  if (patched) return;
  patched = 1;
  const nav = G.navigator || {}, md = nav.mediaDevices, P = G.RTCPeerConnection?.prototype, nc = nav.connection;
  const hook = (o, k, f) => {
    const orig = o?.[k];
    if (orig) o[k] = function (...a) { return f.call(this, a, () => orig.apply(this, a), cur?.pcs.get(this)); };
  };
  hook(P, "close", function (a, orig, m) {
    // close() fires no state change. A last report: getStats() starts first.
    if (m) cur.event("connection-state", { pc: m.id, state: "closed" }), cur.poll(m), cur.pcs.delete(this);
    return orig();
  });
  for (const k of ["restartIce", "createOffer"])
    hook(P, k, (a, orig, m) => {
      if (m && (k[0] == "r" || a.some(x => x?.iceRestart))) cur.event("ice-restart", { pc: m.id });
      return orig();
    });
  for (const k of ["getUserMedia", "getDisplayMedia"])
    hook(md, k, async (a, orig) => {
      try {
        const s = await orig();
        for (const t of s.getTracks()) {
          if (k[3] == "D") screens.add(t);
          watch(t, "local");
        }
        return s;
      } catch (e) {
        cur?.error(k.toLowerCase() + "-" + (CODES[e.name] || "failed"), `${e.name}: ${e.message}`, { constraints: a[0], constraint: e.constraint }, "sdk");
        throw e;
      }
    });
  md?.addEventListener?.("devicechange", async () => {
    const c = {};
    for (const d of await md.enumerateDevices()) c[d.kind] = (c[d.kind] || 0) + 1;
    cur?.event("device-change", c);
  });
  nc?.addEventListener?.("change", () => cur?.event("network-change", { type: nc.type, effectiveType: nc.effectiveType, downlink: nc.downlink, rtt: nc.rtt }));
  G.addEventListener?.("pagehide", () => cur?.bye());
}

const Callscope = (G.Callscope = {
  version: VERSION,
  origin: SCRIPT && new URL(SCRIPT).origin,
  init(o) {
    patch();
    return new Collector(o);
  },
  // Prototype, instanceof, subclasses and statics stay the original's.
  wrap() {
    const N = G.RTCPeerConnection;
    if (!N || N.callscope) return;
    function RTCPeerConnection(...a) {
      const pc = Reflect.construct(N, a, new.target || RTCPeerConnection);
      cur ? cur.monitor(pc) : pending.push(pc);
      return pc;
    }
    RTCPeerConnection.prototype = N.prototype;
    RTCPeerConnection.callscope = 1;
    G.RTCPeerConnection = Object.setPrototypeOf(RTCPeerConnection, N);
  },
  _internal: { statsDelta, slim, mergeLabels, labelsFor, Outbox, TYPES },
});
})();
