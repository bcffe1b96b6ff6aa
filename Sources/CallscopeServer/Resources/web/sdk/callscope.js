/*! Callscope collector — sends a call's getStats() reports, events and errors to a Callscope
 * server, speaking ingest protocol v1 (docs/ingest-protocol.md; § numbers below refer to it). */
(() => {
  "use strict";
  const G = globalThis, VERSION = "1.0.0";
  // The stat types the server reads (§7.2); codecs, certificates etc. would only cost bytes.
  const TYPES = new Set(["outbound-rtp", "inbound-rtp", "remote-inbound-rtp", "remote-outbound-rtp", "media-source",
    "media-playout", "candidate-pair", "local-candidate", "remote-candidate", "transport"]);
  const SCRIPT = G.document?.currentScript?.src;
  const TE = new TextEncoder();
  const screens = new WeakSet(), seen = new WeakSet(); // getDisplayMedia tracks; tracks/transports we listen to
  let cur, pending = [], patched, npc = 0; // current instance; pcs wrap() saw before init

  // 1 s doubling to 30 s, ±20 % jitter so that many clients do not reconnect in step.
  const backoff = n => Math.min(3e4, 1e3 * 2 ** n) * (0.8 + Math.random() * 0.4);

  // ---- stats deltas (§7.3)

  // Members compare by content: some stats carry arrays or objects.
  const eq = (a, b) => a === b || (!!a && !!b && typeof a == "object" && typeof b == "object" &&
    Object.keys(a).length == Object.keys(b).length && Object.keys(a).every(k => eq(a[k], b[k])));

  // The delta from `prev` to `next` (reports keyed by stat id); `ts` is the message's timestamp,
  // which the server gives every stat that carries no timestamp of its own.
  function statsDelta(prev, next, ts) {
    const d = {};
    for (const id in prev) if (!(id in next)) d[id] = null;
    for (const id in next) {
      const n = next[id], p = prev[id], c = {};
      for (const k in n) if (k == "timestamp" ? n[k] !== ts : k != "id" && !(p && eq(n[k], p[k]))) c[k] = n[k];
      if (p) for (const k in p) if (!(k in n)) c[k] = null;
      if (!p || Object.keys(c).length) d[id] = c;
    }
    return d;
  }

  // ---- labels (§7.5)

  // Section by section, key by key; the app's members win over ours.
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

  // A pc's labels: the app's (object or function) over screen shares we saw come from getDisplayMedia.
  function labelsFor(pc, app, scr = screens) {
    let auto;
    for (const t of pc.getTransceivers?.() || []) {
      const tr = t.sender?.track;
      if (t.mid != null && tr && scr.has(tr)) ((auto ||= { mid: {} }).mid[t.mid] = { kind: "screen-" + tr.kind });
    }
    return mergeLabels(typeof app == "function" ? app() : app, auto);
  }

  // ---- client information for the join (§6.1)

  const BROWSERS = [["Samsung Internet", /SamsungBrowser\/(\d+)/], ["Edge", /Edg(?:e|A|iOS)?\/(\d+)/],
    ["Opera", /OPR\/(\d+)/], ["Firefox", /(?:Firefox|FxiOS)\/(\d+)/], ["Chrome", /(?:Chrome|CriOS)\/(\d+)/],
    ["Safari", /Version\/(\d+).*Safari/]];
  const BRANDS = { "Microsoft Edge": "Edge", Opera: "Opera", "Samsung Internet": "Samsung Internet", "Google Chrome": "Chrome" };
  const ver = v => v.replace(/_/g, ".").split(".").slice(0, 2).join(".").replace(/\.0$/, ""); // "14_4_1" → "14.4"

  // From a User-Agent string and, where the browser has them, User-Agent Client Hints
  // (`d`: navigator.userAgentData or its getHighEntropyValues() result). Without a model we name
  // only the kind of device; the frozen parts of reduced UA strings (macOS 10.15, Windows NT 10.0
  // for 11, Android "K") are not passed off as facts.
  function clientInfo(ua = "", d) {
    const get = re => ua.match(re)?.[1];
    let browser, os, device, x;
    for (const [name, re] of BROWSERS) if ((x = get(re))) { browser = name + " " + x; break; }
    if ((x = get(/Windows NT ([\d.]+)/))) [os, device] = [x == "10.0" ? "Windows 10/11" : "Windows", "Windows PC"];
    else if ((x = get(/Android ([\d.]+)/))) {
      device = get(/Android [\d.]+; ([^;)]+?)(?: Build\/[^;)]*)?\)/);
      os = device == "K" ? "Android" : "Android " + ver(x); // "Android 10; K": both frozen
      if (!device || device == "K") device = /Mobile/.test(ua) ? "Android phone" : "Android tablet";
    } else if ((x = get(/(?:iPhone|iPad|iPod).*? OS ([\d_]+)/))) [os, device] = ["iOS " + ver(x), get(/(iPhone|iPad|iPod)/)];
    else if ((x = get(/Mac OS X ([\d_.]+)/))) [os, device] = [/^10[._]15/.test(x) ? "macOS" : "macOS " + ver(x), "Mac"];
    else if (/CrOS/.test(ua)) [os, device] = ["ChromeOS", "Chromebook"];
    else if (/Linux/.test(ua)) [os, device] = ["Linux", "Linux desktop"];
    if (d) {
      for (const b of d.fullVersionList || d.brands || []) if (BRANDS[b.brand]) { browser = BRANDS[b.brand] + " " + parseInt(b.version); break; }
      const p = d.platform, v = d.platformVersion, major = parseInt(v);
      if (v && p == "Windows" && major > 0) os = major >= 13 ? "Windows 11" : "Windows 10";
      if (v && (p == "macOS" || p == "Android")) os = p + " " + ver(v);
      if (d.model) device = d.model;
    }
    const mobile = d?.mobile || /Mobi|Android|iPhone|iPad|iPod/.test(ua);
    return { userAgent: ua || undefined, platform: mobile ? "mobile" : "desktop", device, os, browser };
  }

  // ---- outbox (§10, §12)

  // Every message waits here, in seq order, until an answer lets us forget it. An entry keeps the
  // message (m), its JSON (s), for a delta the full report it describes (f), its cost in bytes (n),
  // whether it is in flight (w) and whether it is gone (x).
  class Outbox {
    constructor(state) {
      this.seq = state?.seq ?? Date.now(); // without a remembered seq, now is above any seq used before (§5.1)
      this.out = (state?.out || []).map(([s, f, n]) => ({ m: JSON.parse(s), s, f, n }));
      this.out.forEach(e => { e.q = e.m.seq; e.t = e.m.type; e.p = e.m.pc; });
      this.bytes = this.out.reduce((a, e) => a + e.n, 0);
      this.cap = 262144; // batch size; halved when the server finds a batch too big
      this.lo = Infinity; // lowest seq known stored in the current session (sid)
      this.acked = this.dropped = this.resent = this.rejected = this.lost = 0;
    }

    // Adds a message; `f`/`fl`: for a delta, the full report and an estimate of its size.
    add(m, f, fl = 0) {
      m.seq = this.seq++;
      const e = { m, f, q: m.seq, t: m.type, p: m.pc, s: m.type == "join" ? null : JSON.stringify(m) };
      e.n = (e.s?.length || 500) + (f ? fl : 0);
      this.out.push(e);
      this.bytes += e.n;
      this.dirty = 1;
      // Bounded: drop the oldest stats, then events; never joins, leaves or errors.
      while (this.out.length > 1000 || this.bytes > 2e6) {
        const x = this.out.find(e => e.t == "stats") || this.out.find(e => e.t == "event");
        if (!x) break;
        this.rm(x);
        this.dropped++;
        this.lost++;
        // The pc's next stats message was a delta against the dropped report: make it a full one.
        const y = this.out.find(e => e.p == x.p && e.q > x.q && !e.x);
        if (x.p && y?.f) this.full(y);
        this.gc();
      }
      return e;
    }

    // A delta becomes the full report it describes, keeping its seq (§12).
    full(e) {
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

    // A join is serialised late, so that it can carry the client information.
    str(e) {
      return (e.s ??= JSON.stringify({ ...this.info, ...e.m }));
    }

    // The next batch: messages not in flight, in seq order, at most `cap` bytes (but one at least).
    take() {
      const b = [];
      let n = 2;
      for (const e of this.out) {
        if (e.w) continue;
        const s = this.str(e);
        if (b.length && n + s.length > this.cap) break;
        b.push(e);
        n += s.length + 1;
        e.w = 1;
        if (e.r) this.resent++;
        e.r = 1;
      }
      return b;
    }

    // The connection was lost before the answer: the batch is to be sent again.
    release(b) {
      b.forEach(e => (e.w = 0));
    }

    // Applies the answer `a` to batch `b` (`ok`: HTTP 200 or an "ack" frame). Returns "stop" (the
    // key was refused), "retry" (nothing known stored: back off) or "".
    answer(b, a, ok) {
      const err = a.error || {}, c = err.code, i = err.index;
      let n = ok ? b.length : 0, r = "";
      if (ok);
      else if (c == "unauthorized" || c == "forbidden") r = "stop";
      else if (c == "body_too_large" || c == "too_many_messages") {
        this.cap = Math.max(1024, this.cap >> 1);
        if (b.length < 2 && this.rm(b[0])) this.dropped++; // too big on its own: it never fits
      } else if (b[i]) {
        n = i; // messages before i are stored, i is refused, the rest were not looked at (§11.1)
        if (c == "full_report_required" && b[i].f) this.full(b[i]);
        else if (this.rm(b[i])) this.rejected++, console.warn("Callscope: message refused", err);
      } else if (c == "invalid_json") b.forEach(e => this.rm(e) && this.rejected++);
      else r = "retry";
      const ign = new Set((a.ignored || []).map(x => x.index));
      let lo = Infinity, hi = -1;
      for (let k = 0; k < n; k++) {
        const q = b[k].q;
        if (!ign.has(k)) (lo = Math.min(lo, q)), (hi = Math.max(hi, q));
        if (this.rm(b[k])) this.acked++;
      }
      for (const k of a.acks || []) {
        // acks[].seq (h) counts from the first seq the server stored in the session, which may be
        // above a message still unanswered; so h only covers seqs from one known stored (§10.2).
        // In a new session the last message of this answer is the one we know about.
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

  // ---- the collector

  class Collector {
    constructor(o) {
      const d = o._deps || {}, nav = d.navigator || G.navigator || {}, ud = nav.userAgentData;
      this.o = o;
      this.WS = d.WebSocket || G.WebSocket;
      this.fetch = d.fetch || G.fetch?.bind(G);
      this.nav = nav;
      this.key = `callscope:${o.meetingId}:${o.participantId}`;
      let saved;
      try {
        this.st = d.storage || G.sessionStorage;
        saved = JSON.parse(this.st.getItem(this.key));
      } catch {}
      this.ob = new Outbox(saved);
      this.server = (o.server || Callscope.origin || G.location?.origin || "").replace(/\/$/, "");
      this.pcs = new Map(); // pc → {pc, opts, id, prev, at, fl, ls}
      this.wq = []; // batches in flight on the WebSocket, in order: answers come in that order (§2.2)
      this.wf = this.errs = this.hold = 0; // failed WebSocket connects in a row; server errors in a row
      this.last = Date.now();
      this.m = { ticks: 0, tickMsTotal: 0, tickMsMax: 0, processMsTotal: 0, statsBytes: 0, bytesSent: 0, messagesSent: 0 };
      this.start();
      // Nothing is sent before the client information is known (at most 300 ms: UA-CH may hang).
      const done = x => this.ob.info || ((this.ob.info = clientInfo(nav.userAgent, x || ud)), this.flush());
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
      return { ...this.m, resent, dropped, acked, rejected, outbox: this.ob.out.length };
    }

    start() {
      this.timer ||= setInterval(() => this.tick(), this.o.statsIntervalMs || 2000);
    }

    // Stops everything (the server refused our key).
    halt() {
      this.dead = 1;
      clearInterval(this.timer);
      this.ws?.close();
    }

    // ---- messages

    add(type, f, full, fl) {
      if (this.dead || (this.left && type != "join")) return;
      const o = this.o;
      const e = this.ob.add({ type, meetingId: o.meetingId, participantId: o.participantId, ts: (this.last = Date.now()), ...f }, full, fl);
      // Stats go out with the tick; anything else at once (after the current task).
      if (type != "stats" && !this.q) (this.q = 1), queueMicrotask(() => ((this.q = 0), this.flush()));
      return e;
    }

    join() {
      const o = this.o;
      this.left = 0;
      this.t0 = performance.now(); // a new attempt: its set-up time runs to the first "connected"
      this.up = 0;
      for (const m of this.pcs.values()) m.prev = m.ls = null;
      this.add("join", { name: o.name, sdk: o.sdk || { name: "callscope-js", version: VERSION }, location: o.location });
      this.start();
      this.ws || this.connect();
    }

    leave(reason = "left") {
      if (this.left) return;
      this.add("leave", { reason });
      this.left = 1; // later stats or events would open a new attempt (§9.1)
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

    // ---- peer connections

    monitor(pc, opts = {}) {
      let m = this.pcs.get(pc);
      if (m) return void (m.opts = opts);
      this.pcs.set(pc, (m = { pc, opts, id: `pc-${Date.now().toString(36)}-${++npc}` }));
      const on = (type, f) => pc.addEventListener?.(type, () => this.pcs.get(pc) == m && f());
      on("connectionstatechange", () => {
        const s = pc.connectionState;
        this.event("connection-state", { pc: m.id, state: s });
        if (s == "connected" && this.t0 != null && !this.up) this.up = 1, this.event("connected", { setupMs: Math.round(performance.now() - this.t0) });
        this.scan(m);
      });
      on("iceconnectionstatechange", () => {
        const s = pc.iceConnectionState;
        this.event("ice-state", { pc: m.id, state: s });
        if (s == "failed") this.error("ice-failed", "ICE connection failed", { pc: m.id }, "sdk");
      });
      on("track", () => this.scan(m));
    }

    // Listens to the pc's tracks (mute, unmute, ended) and DTLS transports (failed).
    scan(m) {
      const watch = (x, dir) => {
        const t = x.track, tr = x.transport;
        if (t && !seen.has(t)) {
          seen.add(t);
          const kind = () => (screens.has(t) ? "screen-" : "") + t.kind;
          for (const ev of ["mute", "unmute", "ended"]) t.addEventListener(ev, () => cur?.event(ev == "ended" ? "track-ended" : ev, { kind: kind(), direction: dir }));
        }
        if (tr && !seen.has(tr)) {
          seen.add(tr);
          tr.addEventListener("statechange", () => tr.state == "failed" && cur?.error("dtls-failed", "DTLS transport failed", { pc: m.id }, "sdk"));
        }
      };
      m.pc.getSenders?.().forEach(x => watch(x, "local"));
      m.pc.getReceivers?.().forEach(x => watch(x, "remote"));
    }

    // One getStats() of one pc → a stats message: a full report first, after a reconnect and every
    // 60 s, otherwise a delta against the last report.
    async poll(m) {
      const pc = m.pc, o = m.opts;
      if (pc.signalingState == "closed" && !m.closing) return void this.pcs.delete(pc);
      this.scan(m);
      let r;
      try {
        r = await pc.getStats();
      } catch {
        return;
      }
      const t = performance.now(), now = Date.now(), rep = {};
      let ts = 0, labels;
      r.forEach(s => TYPES.has(s.type) && ((rep[s.id] = s), (ts = Math.max(ts, s.timestamp || 0))));
      const msg = { pc: m.id, remoteParticipantId: o.remoteParticipantId, timestamp: ts || now };
      try {
        labels = labelsFor(pc, o.labels);
      } catch {}
      const ls = JSON.stringify(labels);
      if (ls != (m.ls ?? "{}")) (msg.labels = labels), (m.ls = ls); // changed, or first since (re)connect
      const full = !m.prev || now - m.at >= 6e4;
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
      if (this.ticking) return; // getStats() slower than the interval
      this.ticking = 1;
      const t = performance.now(), M = this.m;
      if (Date.now() - this.last >= 1e4 && !this.left && (this.t0 != null || this.pcs.size)) this.event("heartbeat");
      await Promise.all([...this.pcs.values()].map(m => this.poll(m)));
      const ms = performance.now() - t;
      M.ticks++;
      M.tickMsTotal += ms;
      M.tickMsMax = Math.max(M.tickMsMax, ms);
      this.ticking = 0;
      this.flush();
    }

    // ---- transport

    connect() {
      if (this.ws || this.dead || (this.left && !this.ob.out.length)) return;
      const o = this.o, q = new URLSearchParams({ key: o.key, meetingId: o.meetingId, participantId: o.participantId });
      let ws, open;
      const closed = code => {
        if (this.ws != ws) return;
        this.ws = null;
        this.wq.splice(0).forEach(b => this.ob.release(b)); // unanswered: unknown state, resend (§2.2)
        if (code == 1009) this.ob.cap = Math.max(1024, this.ob.cap >> 1); // frame too big: smaller ones
        if (!open) this.wf++;
        setTimeout(() => this.connect(), code == 1009 ? 0 : backoff(this.wf));
        this.flush(); // after two failed connects this goes over HTTP
      };
      try {
        ws = this.ws = new this.WS(this.server.replace(/^http/, "ws") + "/ingest/v1/ws?" + q);
      } catch {
        return closed();
      }
      ws.onopen = () => {
        open = 1;
        this.wf = 0;
        // The server may have lost what it knew: full reports and labels again (§7.5, §12).
        for (const m of this.pcs.values()) m.prev = m.ls = null;
        this.flush();
      };
      ws.onclose = e => closed(e.code);
      ws.onmessage = e => {
        let a;
        try {
          a = JSON.parse(e.data);
        } catch {}
        if (a?.type == "kick") this.kick(a);
        else if (a?.type == "ack" || a?.type == "error") this.wq.length && this.answer(this.wq.shift(), a, a.type == "ack");
      };
    }

    flush() {
      const ob = this.ob, ws = this.ws;
      let b;
      if (this.dead || !ob.info || Date.now() < this.hold) return;
      if (ws?.readyState == 1) {
        while (this.wq.length < 4 && (b = ob.take()).length) this.wq.push(b), ws.send(this.frame(b)); // pipelined
        if (this.left && !ob.out.length) ws.close(); // everything delivered
      } else if (this.wf > 1 && !this.busy && (b = ob.take()).length) this.post(b);
      this.save();
    }

    frame(b) {
      const s = "[" + b.map(e => e.s).join(",") + "]";
      this.m.bytesSent += TE.encode(s).length;
      this.m.messagesSent += b.length;
      return s;
    }

    // The HTTP fallback: one request at a time.
    async post(b) {
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
      if (r == "stop") console.warn(`Callscope: the server refused the ingest key (${a.error.code}); check the key and server options. Nothing more is sent.`), this.halt();
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

    // Across a reload: the next seq and what is not acknowledged (§5.1).
    save() {
      const ob = this.ob;
      if (ob.dirty && this.st)
        try {
          this.st.setItem(this.key, JSON.stringify(ob.dump()));
          ob.dirty = 0;
        } catch {
          try {
            this.st.setItem(this.key, JSON.stringify({ seq: ob.seq })); // full: keep the numbering at least
          } catch {}
        }
    }

    // The page goes away: leave, and hand the outbox to a beacon (at most ~60 kB, newest first).
    bye() {
      if (this.left || this.dead) return;
      this.leave("closed");
      const b = [];
      let n = 0;
      for (const e of [...this.ob.out].reverse()) {
        const s = this.ob.str(e);
        if ((n += s.length + 1) > 6e4 && b.length) break;
        b.unshift(s);
      }
      this.nav.sendBeacon?.(this.server + "/ingest/v1?key=" + encodeURIComponent(this.o.key), "[" + b + "]");
      this.save();
    }
  }

  // ---- capture without app code: patched once, reported to the current instance

  const CODES = { NotAllowedError: "denied", NotFoundError: "no-device", NotReadableError: "in-use", OverconstrainedError: "overconstrained",
    AbortError: "aborted", SecurityError: "blocked", TypeError: "invalid-constraints" };

  function patch() {
    if (patched) return;
    patched = 1;
    const nav = G.navigator || {}, md = nav.mediaDevices, P = G.RTCPeerConnection?.prototype, nc = nav.connection;
    const hook = (o, k, f) => {
      const orig = o?.[k];
      if (orig) o[k] = function (...a) { return f.call(this, a, () => orig.apply(this, a)); };
    };
    const pcEvent = (pc, name) => {
      const m = cur?.pcs.get(pc);
      m && cur.event(name, { pc: m.id, ...(name == "connection-state" && { state: "closed" }) });
      return m;
    };
    hook(P, "close", function (a, orig) {
      // close() fires no state change: report it, and take a last report (getStats before close).
      const m = pcEvent(this, "connection-state");
      if (m) (m.closing = 1), cur.poll(m), cur.pcs.delete(this);
      return orig();
    });
    hook(P, "restartIce", function (a, orig) {
      pcEvent(this, "ice-restart");
      return orig();
    });
    hook(P, "createOffer", function (a, orig) {
      if (a.some(x => x?.iceRestart)) pcEvent(this, "ice-restart");
      return orig();
    });
    for (const k of ["getUserMedia", "getDisplayMedia"])
      hook(md, k, async function (a, orig) {
        try {
          const s = await orig();
          if (k[3] == "D") s.getTracks().forEach(t => screens.add(t));
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
    // Replaces RTCPeerConnection so that every pc created from now on is monitored by the current
    // instance (or the next one, if none yet). Prototype, instanceof and statics stay those of the original.
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
      Object.setPrototypeOf(RTCPeerConnection, N);
      G.RTCPeerConnection = RTCPeerConnection;
    },
    _internal: { statsDelta, mergeLabels, labelsFor, clientInfo, Outbox },
  });
})();
