#!/usr/bin/env python3
"""A graceful restart (SIGTERM) keeps peer-connection state: the next delta still applies.

Starts `callscope serve`, sends a join and a full stats report, stops the server with SIGTERM,
starts it again on the same file and sends a delta for the same peer connection. The delta must
be accepted (not `full_report_required`) and its sample must carry rates computed against the
report sent before the restart (8 × 250000 B / 2 s / 1000 = 1000 kbit/s).

Usage: graceful_restart.py PATH_TO_CALLSCOPE_BINARY
"""
import json
import os
import signal
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from harness import API_TOKEN, Server, finish, free_port, request  # noqa: E402


def post(port, body):
    try:
        return 200, request(port, "/ingest/v1", body)
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def main():
    binary = os.path.abspath(sys.argv[1])
    server = Server(binary, os.path.join(tempfile.mkdtemp(prefix="callscope-restart-"), "r.sqlite"), free_port(),
                    ["--session-timeout", "600"])
    server.start()
    t0 = int(time.time() * 1000) - 60_000
    base = {"meetingId": "restart-meeting", "participantId": "bob"}
    full = dict(base, type="stats", seq=2, ts=t0 + 2000, pc="pc-1", remoteParticipantId="alice",
                labels={"mid": {"1": {"remoteParticipantId": "alice", "kind": "video"}}},
                report=[{"id": "IT01V1", "type": "inbound-rtp", "kind": "video", "mid": "1", "timestamp": t0 + 2000,
                         "ssrc": 1, "bytesReceived": 100000, "packetsReceived": 100, "packetsLost": 0}])
    status, _ = post(server.port, [dict(base, type="join", seq=1, ts=t0, name="Bob"), full])
    assert status == 200, status
    server.proc.send_signal(signal.SIGTERM)
    server.proc.wait(timeout=30)
    server.start()
    delta = dict(base, type="stats", seq=3, ts=t0 + 4000, pc="pc-1", timestamp=t0 + 4000,
                 delta={"IT01V1": {"bytesReceived": 350000, "packetsReceived": 340}})
    status, answer = post(server.port, delta)
    failures = []
    if status != 200:
        failures.append(f"delta after a graceful restart refused: {answer}")
    else:
        sid = answer["acks"][0]["sessionId"]
        streams = request(server.port, f"/api/v1/sessions/{sid}/streams", token=API_TOKEN)["items"]
        stream = next(s for s in streams if s["receiverId"] == "bob")
        if stream["senderId"] != "alice":
            failures.append(f"labels lost across the restart: sender {stream['senderId']}")
        samples = request(server.port, f"/api/v1/sessions/{sid}/streams/{stream['streamId']}/samples",
                          token=API_TOKEN)["samples"]
        rate = samples[-1].get("bitrateKbps")
        if rate is None or abs(rate - 1000) > 0.01:
            failures.append(f"expected 1000 kbit/s after the restart, got {rate}")
    server.kill9()
    finish(failures, "graceful restart: delta after SIGTERM and restart")


if __name__ == "__main__":
    main()
