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
import os
import random
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from harness import API_TOKEN, Server, finish, free_port, request  # noqa: E402

MEETING = "crash-test-meet"


def stats_message(pid, seq, ts, tick):
    return {"type": "stats", "meetingId": MEETING, "participantId": pid, "seq": seq, "ts": ts, "pc": "pc-1",
            "remoteParticipantId": "sender",
            "report": [{"id": "IT01V1", "type": "inbound-rtp", "kind": "video", "timestamp": ts, "ssrc": 1,
                        "bytesReceived": 125000 * tick, "packetsReceived": 120 * tick, "packetsLost": tick,
                        "framesDecoded": 60 * tick, "jitter": 0.01}]}


def main():
    binary = os.path.abspath(sys.argv[1])
    workdir = tempfile.mkdtemp(prefix="callscope-crash-")
    server = Server(binary, os.path.join(workdir, "crash.sqlite"), free_port(), ["--session-timeout", "600"])
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
