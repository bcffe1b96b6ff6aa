#!/usr/bin/env python3
"""Load and fault: many collectors over HTTP while the server is killed with SIGKILL again and again.

Starts the real `callscope serve` binary on a fresh SQLite file and lets N simulated collectors
(M meetings, N/M participants each) talk to it the way the browser collector does over HTTP
(docs/ingest-protocol.md): a `join`, then every ~2 s a `stats` message (a full report first and
every 60 s, deltas in between; a delta refused with `full_report_required` is resent with the
same seq as a full report), now and then an `event`. Each collector keeps an outbox: a message
leaves it only when an answer acknowledges it (a 200 for its request, a stored prefix before
`error.index`, or `acks[].seq`); everything else is resent with the same seq after a failure,
batched a few messages per POST, with back-off. One keep-alive connection per collector, all on
one asyncio loop (raw sockets, hand-written HTTP/1.1).

During the run the server is killed with `kill -9` K times at random moments and restarted after
0.2-1 s. After the deadline no new messages are made; the server stays up until every outbox is
empty (or the drain time-out passes). Then the server is killed once more and restarted (what is
read must come from disk), and the API is asked, for every collector:

- its meeting has one session, the one the acknowledgements named;
- the receiver-side samples of its stream hold every acknowledged stats message exactly once
  (one inbound-rtp per report, so one sample per stats message; matched by the report's
  timestamp) and nothing else;
- its timeline holds one join and every acknowledged event exactly once;
- resending its join and its last acknowledged stats message is answered as two duplicates.

Failures: an acknowledged message missing or stored twice, the server not coming back after a
kill (or exiting by itself), a 5xx other than 503 storage_unavailable around a kill, a non-JSON
answer, any other refusal, outboxes not empty after the drain.

Usage: load_and_fault.py PATH_TO_CALLSCOPE_BINARY [--collectors N] [--meetings M] [--seconds S]
                         [--kills K] [--drain SECONDS] [--seed SEED] [--keep]
Defaults: 1000 collectors, 100 meetings, 180 s, 20 kills, 60 s drain. CI: --collectors 200
--meetings 20 --seconds 45 --kills 5.
"""
import argparse
import asyncio
import concurrent.futures
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
import urllib.error

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import API_TOKEN, INGEST_KEY, Server, finish, free_port, request  # noqa: E402

STATS_INTERVAL = 2.0        # seconds between stats messages of one collector
FULL_EVERY = 30             # a full report every 30 stats messages (60 s), deltas in between
EVENT_CHANCE = 0.05         # per stats tick
MAX_BATCH = 8               # messages per POST
REQUEST_TIMEOUT = 10.0      # seconds, per POST (connect, send, whole answer)
BACKOFF_FIRST, BACKOFF_MAX = 0.25, 2.0
KILL_GRACE = 3.0            # seconds after a restart that still count as "around a kill"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class Run:
    """What every collector counts, and the server's life: kills, restarts, unexpected exits."""

    def __init__(self, port):
        self.port = port
        self.t0 = time.monotonic()
        self.requests = 0
        self.ok = 0
        self.statuses = {}            # "400 full_report_required" -> count
        self.conn_errors = {}         # "refused" / "reset" / "eof" / "timeout" -> count
        self.errors_outside_kills = {}
        self.messages_made = 0
        self.messages_sent = 0        # message copies in POST bodies, resends included
        self.stored = 0
        self.duplicates = 0
        self.full_report_resends = 0
        self.latencies = []           # (send time, seconds) of 200 answers
        self.failures = []
        self.failure_kinds = {}
        self.windows = []             # [kill time, time the server answered /health again or None]
        self.killing = False
        self.first_ok_after = []      # per kill: seconds from the kill to the first 200 after it

    def fail(self, kind, text, limit=10):
        n = self.failure_kinds.get(kind, 0)
        self.failure_kinds[kind] = n + 1
        if n < limit:
            self.failures.append(text)
        elif n == limit:
            self.failures.append(f"({kind}: further failures of this kind not listed)")

    def near_kill(self, t_from, t_to):
        for kill_t, up_t in self.windows:
            if t_to >= kill_t and (up_t is None or t_from <= up_t + KILL_GRACE):
                return True
        return False

    def conn_error(self, kind, t_send):
        self.conn_errors[kind] = self.conn_errors.get(kind, 0) + 1
        if not self.near_kill(t_send, time.monotonic()):
            self.errors_outside_kills[kind] = self.errors_outside_kills.get(kind, 0) + 1

    def answered(self):
        now = time.monotonic()
        self.ok += 1
        if self.windows and len(self.first_ok_after) < len(self.windows):
            kill_t, up_t = self.windows[-1]
            if up_t is not None:
                self.first_ok_after.append(now - kill_t)


class HTTPConnection:
    """One keep-alive HTTP/1.1 connection, written and read by hand."""

    def __init__(self, port):
        self.port = port
        self.reader = self.writer = None
        self.head = (f"POST /ingest/v1 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                     f"Authorization: Bearer {INGEST_KEY}\r\nContent-Type: application/json\r\n"
                     "Content-Length: ").encode()

    def close(self):
        if self.writer is not None:
            self.writer.transport.abort()
        self.reader = self.writer = None

    async def post(self, body):
        """Returns (status, body bytes); raises OSError / EOFError / asyncio.IncompleteReadError."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.writer.write(self.head + str(len(body)).encode() + b"\r\n\r\n" + body)
        await self.writer.drain()
        line = await self.reader.readline()
        if not line:
            raise EOFError("connection closed before the answer")
        parts = line.split(None, 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
            raise ValueError(f"bad status line {line[:80]!r}")
        status = int(parts[1])
        length, chunked, close = None, False, parts[0] == b"HTTP/1.0"
        while True:
            h = await self.reader.readline()
            if h in (b"\r\n", b"\n"):
                break
            if not h:
                raise EOFError("connection closed in the answer's headers")
            name, _, value = h.partition(b":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value:
                chunked = True
            elif name == b"connection":
                close = value == b"close" or (close and value != b"keep-alive")
        if chunked:
            data = bytearray()
            while True:
                size = int((await self.reader.readline()).split(b";")[0].strip(), 16)
                if size == 0:
                    while (await self.reader.readline()) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                data += await self.reader.readexactly(size)
                await self.reader.readexactly(2)
            data = bytes(data)
        elif length is not None:
            data = await self.reader.readexactly(length)
        else:
            data = await self.reader.read()
            close = True
        if close:
            self.close()
        return status, data


class Message:
    __slots__ = ("seq", "kind", "body", "full", "ts", "totals")

    def __init__(self, seq, kind, body, ts, full=None, totals=None):
        self.seq, self.kind, self.body, self.ts, self.full, self.totals = seq, kind, body, ts, full, totals


class Collector:
    """One participant: a join, stats every ~2 s, now and then an event; an outbox resent until acknowledged."""

    def __init__(self, run, meeting, pid, remote, deadline):
        self.run, self.meeting, self.pid, self.remote, self.deadline = run, meeting, pid, remote, deadline
        self.conn = HTTPConnection(run.port)
        self.outbox = []
        self.wake = asyncio.Event()
        self.generating = True
        self.seq = 0
        self.last_ts = 0
        self.tick = 0
        self.counters = [0, 0, 0, 0, 0, 0]   # bytes, packets, lost, frames, cp bytes sent, cp bytes received
        self.common = f'"meetingId":"{meeting}","participantId":"{pid}",'
        self.join_acked = False
        self.join_msg = None
        self.acked_stats = {}       # seq -> report timestamp
        self.totals = {}            # report timestamp -> (bytesReceived, packetsReceived) of acknowledged stats
        self.acked_events = set()   # seqs
        self.last_acked_stats = None
        self.session_ids = set()
        self.sent_unacked_stats = set()

    def now_ms(self):
        ts = max(int(time.time() * 1000), self.last_ts + 1)
        self.last_ts = ts
        return ts

    def add(self, msg):
        self.outbox.append(msg)
        self.run.messages_made += 1
        self.wake.set()

    def make_join(self):
        self.seq += 1
        ts = self.now_ms()
        self.join_msg = Message(self.seq, "join", (
            f'{{"type":"join",{self.common}"seq":{self.seq},"ts":{ts},"name":"{self.pid}","browser":"Chrome 131",'
            f'"os":"Linux","platform":"desktop","setupMs":{random.randint(300, 1500)},'
            f'"sdk":{{"name":"load-and-fault","version":"1.0"}}}}'), ts)
        self.add(self.join_msg)

    def make_stats(self):
        self.seq += 1
        self.tick += 1
        ts = self.now_ms()
        c = self.counters
        packets = random.randint(150, 170)
        c[0] += packets * 1100
        c[1] += packets
        c[2] += 1 if random.random() < 0.3 else 0
        c[3] += 60
        c[4] += random.randint(4000, 6000)
        c[5] += packets * 1150
        jitter = random.randint(5, 25) / 1000
        head = (f'{{"type":"stats",{self.common}"seq":{self.seq},"ts":{ts},"pc":"pc-1",'
                f'"remoteParticipantId":"{self.remote}","timestamp":{ts},')
        full = (f'{head}"report":[{{"id":"IT01V1","type":"inbound-rtp","kind":"video","mid":"1","timestamp":{ts},'
                f'"ssrc":1,"bytesReceived":{c[0]},"packetsReceived":{c[1]},"packetsLost":{c[2]},'
                f'"framesDecoded":{c[3]},"framesReceived":{c[3]},"frameWidth":640,"frameHeight":360,'
                f'"framesPerSecond":30,"jitter":{jitter}}},'
                f'{{"id":"CP01","type":"candidate-pair","timestamp":{ts},"state":"succeeded","nominated":true,'
                f'"currentRoundTripTime":0.03,"bytesSent":{c[4]},"bytesReceived":{c[5]}}}]}}')
        totals = (c[0], c[1])
        if self.tick % FULL_EVERY == 1:
            self.add(Message(self.seq, "stats", full, ts, totals=totals))
        else:
            delta = (f'{head}"delta":{{"IT01V1":{{"bytesReceived":{c[0]},"packetsReceived":{c[1]},'
                     f'"packetsLost":{c[2]},"framesDecoded":{c[3]},"framesReceived":{c[3]},"jitter":{jitter}}},'
                     f'"CP01":{{"bytesSent":{c[4]},"bytesReceived":{c[5]}}}}}}}')
            self.add(Message(self.seq, "stats", delta, ts, full=full, totals=totals))

    def make_event(self):
        self.seq += 1
        ts = self.now_ms()
        name = "mute" if self.seq % 2 else "unmute"
        self.add(Message(self.seq, "event", (
            f'{{"type":"event",{self.common}"seq":{self.seq},"ts":{ts},"name":"{name}",'
            f'"data":{{"kind":"audio","direction":"local","by":"user","lfSeq":{self.seq}}}}}'), ts))

    async def generate(self, start_delay):
        await asyncio.sleep(start_delay)
        self.make_join()
        loop = asyncio.get_running_loop()
        next_tick = loop.time() + random.uniform(0.3, STATS_INTERVAL)
        while True:
            await asyncio.sleep(max(0.0, next_tick - loop.time()))
            if loop.time() >= self.deadline:
                break
            self.make_stats()
            if random.random() < EVENT_CHANCE:
                self.make_event()
            next_tick += STATS_INTERVAL + random.uniform(-0.05, 0.05)
        self.generating = False
        self.wake.set()

    def forget_up_to(self, seq):
        """Removes acknowledged messages (a prefix of the outbox: it is in seq order)."""
        n = 0
        for m in self.outbox:
            if m.seq > seq:
                break
            n += 1
            if m.kind == "stats":
                self.acked_stats[m.seq] = m.ts
                self.totals[m.ts] = m.totals
                self.last_acked_stats = m
            elif m.kind == "event":
                self.acked_events.add(m.seq)
            else:
                self.join_acked = True
        if n:
            del self.outbox[:n]

    async def send(self):
        run = self.run
        failures_in_row = 0
        while True:
            if not self.outbox:
                if not self.generating:
                    return
                self.wake.clear()
                await self.wake.wait()
                continue
            batch = self.outbox[:MAX_BATCH]
            body = ("[" + ",".join(m.body for m in batch) + "]").encode()
            run.requests += 1
            run.messages_sent += len(batch)
            for m in batch:
                if m.kind == "stats":
                    self.sent_unacked_stats.add(m.seq)
            t_send = time.monotonic()
            try:
                status, data = await asyncio.wait_for(self.conn.post(body), REQUEST_TIMEOUT)
            except asyncio.TimeoutError:
                self.conn.close()
                run.conn_error("timeout", t_send)
                failures_in_row += 1
                await self.back_off(failures_in_row)
                continue
            except (OSError, EOFError, asyncio.IncompleteReadError, ValueError) as e:
                self.conn.close()
                kind = ("refused" if isinstance(e, ConnectionRefusedError) else
                        "reset" if isinstance(e, (ConnectionResetError, BrokenPipeError)) else
                        "eof" if isinstance(e, (EOFError, asyncio.IncompleteReadError)) else
                        "bad-http" if isinstance(e, ValueError) else type(e).__name__)
                if kind == "bad-http":
                    run.fail("bad-http", f"{self.pid}: unreadable HTTP answer: {e}")
                run.conn_error(kind, t_send)
                failures_in_row += 1
                await self.back_off(failures_in_row)
                continue
            t_answer = time.monotonic()
            try:
                answer = json.loads(data)
                if not isinstance(answer, dict):
                    raise ValueError("not an object")
            except ValueError:
                run.fail("non-json", f"{self.pid}: HTTP {status} answer is not a JSON object: {data[:200]!r}")
                answer = None
            code = None
            if answer is not None and isinstance(answer.get("error"), dict):
                code = answer["error"].get("code")
            if status != 200:
                key = f"{status} {code}"
                run.statuses[key] = run.statuses.get(key, 0) + 1
            if answer is None:
                failures_in_row += 1
                await self.back_off(failures_in_row)
                continue
            run.stored += answer.get("stored", 0) or 0
            run.duplicates += answer.get("duplicates", 0) or 0
            h = None
            for a in answer.get("acks") or ():
                if a.get("participantId") == self.pid:
                    h = a.get("seq")
                    if a.get("sessionId"):
                        self.session_ids.add(a["sessionId"])
            if status == 200:
                run.answered()
                run.latencies.append((t_send, t_answer - t_send))
                failures_in_row = 0
                self.forget_up_to(max(batch[-1].seq, h if (h is not None and self.join_acked) else 0))
                continue
            if status == 400 and code == "full_report_required":
                failures_in_row = 0
                i = answer["error"].get("index")
                if not isinstance(i, int) or not 0 <= i < len(batch) or batch[i].full is None:
                    run.fail("protocol", f"{self.pid}: full_report_required for index {i} of a batch of "
                                         f"{len(batch)} ({answer})")
                    await self.back_off(1)
                    continue
                refused = batch[i]
                if i > 0:
                    self.forget_up_to(batch[i - 1].seq)
                if h is not None and self.join_acked and h < refused.seq:
                    self.forget_up_to(h)
                refused.body, refused.full = refused.full, None
                run.full_report_resends += 1
                continue   # resend at once: the same seq, now with the full report
            if status == 503 and code == "storage_unavailable":
                if not run.near_kill(t_send, t_answer):
                    run.fail("503", f"{self.pid}: 503 storage_unavailable away from any kill: {answer}")
            elif status >= 500:
                run.fail("5xx", f"{self.pid}: HTTP {status}: {answer}")
            else:
                run.fail("refused", f"{self.pid}: HTTP {status}: {answer}")
                i = (answer.get("error") or {}).get("index")
                if status < 500 and isinstance(i, int) and 0 <= i < len(batch):
                    # Protocol: drop the refused message, resend the rest (it is our bug, not the server's).
                    if i > 0:
                        self.forget_up_to(batch[i - 1].seq)
                    self.outbox.remove(batch[i])
            failures_in_row += 1
            await self.back_off(failures_in_row)

    async def back_off(self, n):
        await asyncio.sleep(min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** (n - 1)) * random.uniform(0.8, 1.2))


def proc_usage(pid):
    """(cpu seconds, rss bytes) of a process, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        rss = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        return cpu, rss
    except (OSError, IndexError, ValueError):
        return None


async def supervise(run, server, kill_times, deadline, stop, log_path, usage):
    """Kills and restarts the server at the given times; notices exits we did not cause; samples CPU/RSS."""
    loop = asyncio.get_running_loop()
    kills = list(kill_times)
    while not stop.is_set():
        now = loop.time()
        if kills and now >= deadline:
            kills = []   # a late kill (restarts took long) would fall into the drain
        if kills and now >= kills[0]:
            kills.pop(0)
            await kill_and_restart(run, server, log_path)
            if not server.running():
                return
            continue
        if not run.killing and not server.running():
            code = server.proc.returncode
            run.fail("crash", f"the server exited by itself (exit code {code}) at "
                              f"{time.monotonic() - run.t0:.1f} s; log tail:\n{log_tail(log_path)}")
            run.windows.append([time.monotonic(), None])
            try:
                await asyncio.to_thread(server.start)
                run.windows[-1][1] = time.monotonic()
            except Exception as e:   # noqa: BLE001
                run.fail("restart", f"the server did not come back after exiting by itself: {e}")
                return
        u = proc_usage(server.proc.pid)
        if u:
            usage[server.proc.pid] = u
        wait = 0.5 if not kills else min(0.5, max(0.0, kills[0] - loop.time()))
        try:
            await asyncio.wait_for(stop.wait(), wait)
        except asyncio.TimeoutError:
            pass


async def kill_and_restart(run, server, log_path):
    run.killing = True
    try:
        u = proc_usage(server.proc.pid)
        if u:
            run.usage[server.proc.pid] = u
        run.windows.append([time.monotonic(), None])
        await asyncio.to_thread(server.kill9)
        await asyncio.sleep(random.uniform(0.2, 1.0))
        t = time.monotonic()
        try:
            await asyncio.to_thread(server.start)
        except Exception as e:   # noqa: BLE001
            run.fail("restart", f"the server did not come back after kill -9 #{len(run.windows)}: {e}\n"
                                f"{log_tail(log_path)}")
            return
        run.windows[-1][1] = time.monotonic()
        run.restart_times.append(run.windows[-1][1] - t)
        run.kills_done += 1
    finally:
        run.killing = False


def log_tail(path, lines=15):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return "(no log)"


def log_levels(path):
    """Counts of the server log's swift-log levels other than info, with the first few such lines."""
    counts, examples = {}, []
    try:
        with open(path, errors="replace") as f:
            for line in f:
                parts = line.split(None, 3)
                if len(parts) >= 3 and parts[0][:4].isdigit() and parts[1] in (
                        "trace", "debug", "notice", "warning", "error", "critical"):
                    counts[parts[1]] = counts.get(parts[1], 0) + 1
                    if parts[1] in ("warning", "error", "critical") and len(examples) < 5:
                        examples.append(line.strip()[:300])
                elif "Fatal error" in line or "Crash" in line or "Backtrace" in line:
                    counts["fatal"] = counts.get("fatal", 0) + 1
                    if len(examples) < 5:
                        examples.append(line.strip()[:300])
    except OSError:
        pass
    return counts, examples


def db_sizes(db):
    return ", ".join(f"{suffix or 'db'} {os.path.getsize(db + suffix) / 1048576:.1f} MiB"
                     for suffix in ("", "-wal") if os.path.exists(db + suffix))


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, int(round(p / 100 * (len(sorted_values) - 1)))))
    return sorted_values[k]


async def load(args, server, log_path):
    run = Run(server.port)
    run.usage = {}
    run.restart_times = []
    run.kills_done = 0
    loop = asyncio.get_running_loop()
    start = loop.time()
    deadline = start + args.seconds
    meetings = max(1, min(args.meetings, args.collectors))
    run_id = "%06x" % random.getrandbits(24)
    members = [[] for _ in range(meetings)]
    for i in range(args.collectors):
        members[i % meetings].append(i)
    collectors = []
    for j, ids in enumerate(members):
        meeting = f"lf-{run_id}-m{j:03d}"
        pids = [f"m{j:03d}-p{k:03d}" for k in range(len(ids))]
        for k, pid in enumerate(pids):
            remote = pids[(k + 1) % len(pids)] if len(pids) > 1 else f"m{j:03d}-remote"
            collectors.append(Collector(run, meeting, pid, remote, deadline))
    # K kills spread over the run: one at a random moment of each of K equal slots.
    slot = args.seconds / max(1, args.kills)
    kill_times = [start + slot * i + slot * random.uniform(0.15, 0.85) for i in range(args.kills)]
    stop = asyncio.Event()
    supervisor = asyncio.create_task(supervise(run, server, kill_times, deadline, stop, log_path, run.usage))
    generators = [asyncio.create_task(c.generate(random.uniform(0, STATS_INTERVAL))) for c in collectors]
    senders = [asyncio.create_task(c.send()) for c in collectors]

    async def progress():
        while True:
            await asyncio.sleep(15)
            pending = sum(len(c.outbox) for c in collectors)
            print(f"  {loop.time() - start:6.1f} s: {run.requests} requests, {run.ok} ok, "
                  f"{len(run.windows)} kills, {pending} messages pending", flush=True)
    reporter = asyncio.create_task(progress())

    # The run: until the deadline (or the server is lost for good).
    while loop.time() < deadline and not run.failure_kinds.get("restart"):
        await asyncio.sleep(0.25)
    if run.failure_kinds.get("restart"):
        for t in generators:
            t.cancel()
    await asyncio.gather(*generators, return_exceptions=True)
    for c in collectors:
        c.generating = False
        c.wake.set()
    # Let a kill in progress finish, then no more kills: the drain.
    while run.killing:
        await asyncio.sleep(0.05)
    kills_done = run.kills_done
    drain_start = loop.time()
    done, not_done = await asyncio.wait(senders, timeout=args.drain if not run.failure_kinds.get("restart") else 1)
    drain_s = loop.time() - drain_start
    for t in not_done:
        t.cancel()
    await asyncio.gather(*not_done, return_exceptions=True)
    for t in done:
        if t.exception() is not None:
            run.fail("client", f"a collector crashed: {t.exception()!r}")
    stop.set()
    await supervisor
    reporter.cancel()
    await asyncio.gather(reporter, return_exceptions=True)
    for c in collectors:
        c.conn.close()
    left = [c for c in collectors if c.outbox]
    if left:
        run.fail("drain", f"{len(left)} collectors still had {sum(len(c.outbox) for c in left)} unacknowledged "
                          f"messages {drain_s:.0f} s after the deadline (e.g. {left[0].pid}: seqs "
                          f"{[m.seq for m in left[0].outbox[:10]]})")
    u = proc_usage(server.proc.pid)
    if u:
        run.usage[server.proc.pid] = u
    return run, collectors, kills_done, drain_s, loop.time() - start


def verify(server, collectors, run):
    """Through the API: every acknowledged message of every collector is stored exactly once."""
    port = server.port
    by_meeting = {}
    for c in collectors:
        by_meeting.setdefault(c.meeting, []).append(c)
    checked = {"stats": 0, "events": 0, "collectors": 0}

    def check_meeting(meeting, members):
        fails = []
        sessions = request(port, f"/api/v1/sessions?meetingId={meeting}", token=API_TOKEN)["sessions"]
        if len(sessions) != 1:
            return [f"{meeting}: {len(sessions)} sessions, expected one"], 0, 0
        sid = sessions[0]["sessionId"]
        streams = request(port, f"/api/v1/sessions/{sid}/streams", token=API_TOKEN)["items"]
        n_stats = n_events = 0
        for c in members:
            if c.session_ids - {sid}:
                fails.append(f"{c.pid}: acknowledged into sessions {sorted(c.session_ids)}, the meeting has {sid}")
            # Resending what was acknowledged must be recognised as duplicates.
            resend = [m for m in (c.join_msg, c.last_acked_stats) if m is not None and c.join_acked]
            if resend:
                answer = request(port, "/ingest/v1", json.loads("[" + ",".join(m.body for m in resend) + "]"))
                if answer.get("duplicates") != len(resend) or answer.get("stored") != 0:
                    fails.append(f"{c.pid}: resent join and last acknowledged stats: {answer}")
            mine = [s for s in streams if s.get("receiverId") == c.pid]
            expected = sorted(c.acked_stats.values())
            acked_ts = set(expected)
            pending = {m.ts for m in c.outbox if m.kind == "stats" and m.seq in c.sent_unacked_stats}
            if len(mine) != 1:
                if mine or expected:
                    fails.append(f"{c.pid}: {len(mine)} streams received, expected one "
                                 f"({len(expected)} stats messages acknowledged)")
                n_stats += len(expected)
            else:
                s = mine[0]
                if s["senderId"] != c.remote or s["kind"] != "video":
                    fails.append(f"{c.pid}: stream {s}, expected video from {c.remote}")
                samples = request(port, f"/api/v1/sessions/{sid}/streams/{s['streamId']}/samples?side=receiver",
                                  token=API_TOKEN)["samples"]
                counts = {}
                for x in samples:
                    counts[x["tsMs"]] = counts.get(x["tsMs"], 0) + 1
                missing = [t for t in expected if t not in counts]
                # The counters must be those of the report the message carried (a delta applied to the
                # wrong previous report, e.g. a stale one after a crash, would show here).
                wrong = [x for x in samples if x["tsMs"] in c.totals and
                         (x.get("bytesTotal"), x.get("packetsTotal")) != c.totals[x["tsMs"]]]
                if wrong:
                    x = wrong[0]
                    fails.append(f"{c.pid}: {len(wrong)} samples with counters other than the report's, e.g. "
                                 f"at {x['tsMs']}: bytesTotal {x.get('bytesTotal')}, packetsTotal "
                                 f"{x.get('packetsTotal')}, expected {c.totals[x['tsMs']]}")
                twice = sorted(t for t, n in counts.items() if n > 1)
                unknown = sorted(t for t in counts if t not in acked_ts and t not in pending)
                if missing or twice or unknown or s["receiverSamples"] != len(samples):
                    fails.append(f"{c.pid}: {len(expected)} stats messages acknowledged, {len(samples)} samples "
                                 f"stored (stream says {s['receiverSamples']}): {len(missing)} missing "
                                 f"{missing[:5]}, {len(twice)} stored twice {twice[:5]}, {len(unknown)} unknown "
                                 f"{unknown[:5]}")
                n_stats += len(expected)
            events = request(port, f"/api/v1/sessions/{sid}/events?participantId={c.pid}", token=API_TOKEN)["items"]
            joins = [e for e in events if e["name"] == "join"]
            if len(joins) != 1:
                fails.append(f"{c.pid}: {len(joins)} joins on the timeline, expected one")
            marks = {}
            for e in events:
                if e["name"] in ("mute", "unmute") and isinstance(e.get("data"), dict) and "lfSeq" in e["data"]:
                    marks[e["data"]["lfSeq"]] = marks.get(e["data"]["lfSeq"], 0) + 1
            pending_events = {m.seq for m in c.outbox if m.kind == "event"}
            ev_missing = sorted(c.acked_events - set(marks))
            ev_twice = sorted(q for q, n in marks.items() if n > 1)
            ev_unknown = sorted(q for q in marks if q not in c.acked_events and q not in pending_events)
            if ev_missing or ev_twice or ev_unknown:
                fails.append(f"{c.pid}: events: {len(ev_missing)} acknowledged missing {ev_missing[:5]}, "
                             f"{len(ev_twice)} stored twice {ev_twice[:5]}, {len(ev_unknown)} unknown")
            n_events += len(c.acked_events)
        return fails, n_stats, n_events

    failures = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        futures = {pool.submit(check_meeting, m, cs): m for m, cs in by_meeting.items()}
        for f in concurrent.futures.as_completed(futures):
            try:
                fails, n_stats, n_events = f.result()
            except (urllib.error.URLError, OSError, KeyError, ValueError) as e:
                detail = e.read()[:300] if isinstance(e, urllib.error.HTTPError) else ""
                fails, n_stats, n_events = [f"{futures[f]}: verification request failed: {e!r} {detail!r}"], 0, 0
            failures += fails
            checked["stats"] += n_stats
            checked["events"] += n_events
            checked["collectors"] += len(by_meeting[futures[f]])
    return failures, checked


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("binary")
    p.add_argument("--collectors", type=int, default=1000)
    p.add_argument("--meetings", type=int, default=100)
    p.add_argument("--seconds", type=float, default=180)
    p.add_argument("--kills", type=int, default=20)
    p.add_argument("--drain", type=float, default=60, help="seconds the outboxes may take to empty after the run")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--keep", action="store_true", help="keep the temporary directory (database, server log)")
    args = p.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    random.seed(seed)
    binary = os.path.abspath(args.binary)
    workdir = tempfile.mkdtemp(prefix="callscope-load-")
    log_path = os.path.join(workdir, "server.log")
    log = open(log_path, "ab")
    server = Server(binary, os.path.join(workdir, "load.sqlite"), free_port(), ["--session-timeout", "600"], log=log)
    wall0 = time.monotonic()
    load_avg0 = os.getloadavg()[0]
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    try:
        server.start()
        print(f"load and fault: {args.collectors} collectors, {args.meetings} meetings, {args.seconds:g} s, "
              f"{args.kills} kills, seed {seed}, port {server.port}", flush=True)
        run, collectors, kills_done, drain_s, load_s = asyncio.run(load(args, server, log_path))
        cpu1 = resource.getrusage(resource.RUSAGE_SELF)
        failures = list(run.failures)
        checked = {"stats": 0, "events": 0, "collectors": 0}
        verified = "not run"
        if server.running():
            # What is read back must come from disk, not from memory.
            server.kill9()
            server.start()
            t = time.monotonic()
            vfails, checked = verify(server, collectors, run)
            failures += vfails
            verified = (f"{'FAILED' if vfails else 'ok'}: {checked['collectors']} collectors, "
                        f"{checked['stats']} acknowledged stats messages, {checked['events']} events "
                        f"({time.monotonic() - t:.1f} s)")
        lat = sorted(x for _, x in run.latencies)
        calm = sorted(x for t, x in run.latencies if not run.near_kill(t, t + x))
        slow = sorted(run.latencies, key=lambda r: -r[1])[:3]

        def ms(v):
            return f"{v * 1000:.1f}"

        def kills_near(t):
            d = min((abs(t - k) for k, _ in run.windows), default=None)
            return f"{d:.1f} s from a kill" if d is not None else "no kill"
        levels, level_examples = log_levels(log_path)
        server_cpu = sum(u[0] for u in run.usage.values())
        server_rss = max((u[1] for u in run.usage.values()), default=0)
        # A timeline in 10 s buckets: requests, 200s, errors, p99.
        buckets = {}
        for t, x in run.latencies:
            buckets.setdefault(int((t - run.t0) // 10), []).append(x)
        timeline = "\n".join(
            f"    {b * 10:4d}-{b * 10 + 10:<4d} s  {len(v):6d} acks  p50 {ms(percentile(sorted(v), 50)):>7} ms  "
            f"p99 {ms(percentile(sorted(v), 99)):>8} ms  max {ms(max(v)):>8} ms"
            for b, v in sorted(buckets.items()))
        rows = [
            ("collectors / meetings", f"{len(collectors)} / {max(1, min(args.meetings, args.collectors))}"),
            ("seconds (load + drain)", f"{args.seconds:g} + {drain_s:.1f} (whole script {time.monotonic() - wall0:.0f} s)"),
            ("kill -9 restarts", f"{kills_done} of {args.kills} (+1 before verification); start to /health "
                                 f"{ms(percentile(sorted(run.restart_times), 50))} ms median, "
                                 f"{ms(max(run.restart_times, default=float('nan')))} ms max; kill to the first "
                                 f"200 {percentile(sorted(run.first_ok_after), 50):.2f} s median, "
                                 f"{max(run.first_ok_after, default=float('nan')):.2f} s max"),
            ("requests", f"{run.requests} ({run.requests / load_s:.0f}/s over load + drain), {run.ok} answered 200"),
            ("messages", f"{run.messages_made} made, {run.messages_sent} sent (resends included), "
                         f"{sum(len(c.acked_stats) + len(c.acked_events) + c.join_acked for c in collectors)} acknowledged"),
            ("answers' stored / duplicates", f"{run.stored} / {run.duplicates}"),
            ("full reports resent", f"{run.full_report_resends} (after full_report_required)"),
            ("ack latency all", f"p50 {ms(percentile(lat, 50))} ms, p99 {ms(percentile(lat, 99))} ms, "
                                f"max {ms(lat[-1] if lat else float('nan'))} ms"),
            ("ack latency away from kills", f"p50 {ms(percentile(calm, 50))} ms, p99 {ms(percentile(calm, 99))} ms, "
                                            f"max {ms(calm[-1] if calm else float('nan'))} ms ({len(calm)} answers)"),
            ("slowest acks", ", ".join(f"{ms(x)} ms at {t - run.t0:.1f} s ({kills_near(t)})" for t, x in slow)),
            ("non-200 answers", ", ".join(f"{k}: {v}" for k, v in sorted(run.statuses.items())) or "none"),
            ("connection errors", ", ".join(f"{k}: {v}" for k, v in sorted(run.conn_errors.items())) or "none"),
            ("  of them away from kills", ", ".join(f"{k}: {v}" for k, v in sorted(run.errors_outside_kills.items()))
             or "none"),
            ("load generator CPU", f"{cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime:.1f} s"),
            ("server CPU / max RSS", f"{server_cpu:.1f} s / {server_rss / 1048576:.0f} MiB"),
            ("machine load average", f"{load_avg0:.1f} at the start, {os.getloadavg()[0]:.1f} at the end "
                                     f"({os.cpu_count()} CPUs)"),
            ("database on disk", db_sizes(server.db)),
            ("server log", ", ".join(f"{k}: {v}" for k, v in sorted(levels.items())) or "info only"),
            ("verification", verified),
        ]
        width = max(len(k) for k, _ in rows)
        summary = ("ack latency by 10 s of the run:\n" + timeline + "\n\nload and fault summary:\n" +
                   "\n".join(f"  {k.ljust(width)}  {v}" for k, v in rows) +
                   "".join(f"\n    log: {e}" for e in level_examples))
    except Exception as e:   # noqa: BLE001
        failures, summary = [f"load and fault run aborted: {e!r}\n{log_tail(log_path)}"], "load and fault: aborted"
    finally:
        if server.running():
            server.kill9()
        log.close()
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    finish(failures, summary)


if __name__ == "__main__":
    main()
