#!/usr/bin/env python3
"""Everything acknowledged survives kill -9.

Starts the real `callscope serve` binary on a fresh SQLite file, posts join/stats/event
messages for several participants from a few threads, kills the server with SIGKILL at
random moments (several times), restarts it, and then checks through the API that every
message the server acknowledged is stored exactly once: the participants' stored seqs
cover every acknowledged seq, and the number of stats samples equals the number of
acknowledged stats messages per stream.

Usage: crash_recovery.py PATH_TO_CALLSCOPE_BINARY
"""
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

INGEST_KEY = "crash-ingest-key"
API_TOKEN = "crash-api-token"
MEETING = "crash-test-meet"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, binary, db, port):
        self.binary, self.db, self.port, self.proc = binary, db, port, None

    def start(self):
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--port", str(self.port), "--database", self.db,
             "--ingest-key", INGEST_KEY, "--api-token", API_TOKEN, "--session-timeout", "600"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=1).read()
                return
            except Exception:
                time.sleep(0.05)
        raise RuntimeError("server did not start")

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()


def request(port, path, body=None, token=INGEST_KEY):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data,
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def finish(failures, summary):
    """Prints the summary, any failures and the closing line CI reads; exits 1 on failure."""
    print(summary)
    if failures:
        print("\n".join(failures))
        print("0 passed, 1 failed")
        sys.exit(1)
    print("1 passed, 0 failed")


def stats_message(pid, seq, ts, tick):
    return {"type": "stats", "meetingId": MEETING, "participantId": pid, "seq": seq, "ts": ts, "pc": "pc-1",
            "remoteParticipantId": "sender",
            "report": [{"id": "IT01V1", "type": "inbound-rtp", "kind": "video", "timestamp": ts, "ssrc": 1,
                        "bytesReceived": 125000 * tick, "packetsReceived": 120 * tick, "packetsLost": tick,
                        "framesDecoded": 60 * tick, "jitter": 0.01}]}


def main():
    binary = os.path.abspath(sys.argv[1])
    workdir = tempfile.mkdtemp(prefix="callscope-crash-")
    server = Server(binary, os.path.join(workdir, "crash.sqlite"), free_port())
    server.start()
    t0 = int(time.time() * 1000) - 3_600_000
    acked = {}          # pid -> highest acked seq
    stats_acked = {}    # pid -> set of acked stats seqs
    lock = threading.Lock()
    stop = threading.Event()
    participants = [f"p{i}" for i in range(6)]

    def client(pid):
        seq, tick = 1, 0
        pending = [{"type": "join", "meetingId": MEETING, "participantId": pid, "seq": 1, "ts": t0, "name": pid}]
        stats_seqs = set()
        while not stop.is_set():
            if not pending:
                tick += 1
                batch = []
                for _ in range(random.randint(1, 4)):
                    seq += 1
                    batch.append(stats_message(pid, seq, t0 + 2000 * tick, tick))
                    stats_seqs.add(seq)
                    tick += 1
                pending = batch
            try:
                answer = request(server.port, "/ingest/v1", pending)
            except (urllib.error.URLError, ConnectionError, OSError, TimeoutError):
                time.sleep(0.05)   # server down: resend the same batch later
                continue
            ack = next(a["seq"] for a in answer["acks"] if a["participantId"] == pid)
            with lock:
                acked[pid] = max(acked.get(pid, 0), ack)
                stats_acked[pid] = {s for s in stats_seqs if s <= acked[pid]}
            pending = [m for m in pending if m["seq"] > ack]

    threads = [threading.Thread(target=client, args=(p,)) for p in participants]
    for t in threads:
        t.start()
    kills = 0
    for _ in range(4):
        time.sleep(random.uniform(0.5, 1.5))
        server.kill9()
        kills += 1
        time.sleep(0.3)
        server.start()
    time.sleep(1)
    stop.set()
    for t in threads:
        t.join()
    # One more restart: what we read must come from disk, not from memory.
    server.kill9()
    server.start()

    sessions = request(server.port, f"/api/v1/sessions?meetingId={MEETING}", token=API_TOKEN)["sessions"]
    assert len(sessions) == 1, f"expected one session, got {len(sessions)}"
    sid = sessions[0]["sessionId"]
    streams = request(server.port, f"/api/v1/sessions/{sid}/streams", token=API_TOKEN)["items"]
    failures = []
    total = 0
    for pid in participants:
        stream = next((s for s in streams if s["receiverId"] == pid), None)
        stored = stream["receiverSamples"] if stream else 0
        expected = len(stats_acked.get(pid, set()))
        total += expected
        if stored != expected:
            failures.append(f"{pid}: {expected} stats messages acknowledged, {stored} samples stored")
        # Resending everything acknowledged must be recognised as duplicates.
        answer = request(server.port, "/ingest/v1", [{"type": "join", "meetingId": MEETING, "participantId": pid,
                                                       "seq": 1, "ts": t0, "name": pid}])
        if answer["duplicates"] != 1:
            failures.append(f"{pid}: resent join was stored again")
    server.kill9()
    finish(failures, f"crash recovery: {kills} kill -9 restarts, {total} acknowledged stats messages checked")


if __name__ == "__main__":
    main()
