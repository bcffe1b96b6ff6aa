#!/usr/bin/env python3
"""The hardening issue's attacks, each against the real `callscope serve` binary over real HTTP.

Every attack is one or a few requests an outsider can make with the public ingest key, a share
link or a signed-in browser. After each, the server must still answer `/health`, and the answer
must be the expected clear refusal (or success). Prints a table (attack, answer, server alive) and
the closing line CI reads.

Usage: attacks.py PATH_TO_CALLSCOPE_BINARY
"""
import http.cookiejar
import json
import os
import socket
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import API_TOKEN, INGEST_KEY, Server, finish, free_port  # noqa: E402

ADMIN_PASSWORD = "e2e-admin-password"


class Client:
    """Plain HTTP with a cookie jar and no redirects followed."""

    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.jar = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def call(self, method, path, body=None, headers=None, timeout=10):
        data = body if isinstance(body, (bytes, type(None))) else (body if isinstance(body, bytes) else body.encode())
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers or {})
        try:
            with self.opener.open(req, timeout=timeout) as r:
                return r.status, r.read().decode(errors="replace"), dict(r.headers)
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(errors="replace"), dict(e.headers)

    def ingest(self, message, key=INGEST_KEY):
        return self.call("POST", "/ingest/v1", json.dumps(message),
                         {"Authorization": f"Bearer {key}", "Content-Type": "application/json"})

    def api(self, path):
        status, body, _ = self.call("GET", path, headers={"Authorization": f"Bearer {API_TOKEN}"})
        try:
            return status, json.loads(body)
        except ValueError:
            return status, None

    def sign_in(self):
        body = urllib.parse.urlencode({"username": "admin", "password": ADMIN_PASSWORD})
        return self.call("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded",
                                                   "Origin": self.base})[0]


def alive(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as r:
            return r.status == 200
    except Exception:
        return False


def stats(ts, stat_ts, seq, pid="bob"):
    return {"type": "stats", "meetingId": "attack", "participantId": pid, "seq": seq, "ts": ts, "pc": "pc-1",
            "remoteParticipantId": "alice",
            "report": [{"id": "IT01V1", "type": "inbound-rtp", "kind": "video", "timestamp": stat_ts, "ssrc": 1,
                        "bytesReceived": 1000 * seq, "packetsReceived": 10 * seq, "packetsLost": 0, "jitter": 0.01}]}


def slowloris(port, seconds):
    """A request head that never ends; True when the server closes the socket within `seconds`."""
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(1)
    s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
    deadline = time.time() + seconds
    try:
        while time.time() < deadline:
            try:
                s.sendall(b"X-a: b\r\n")   # one more header line now and then, never the end
                if s.recv(1) == b"":
                    return True
            except socket.timeout:
                continue
            except OSError:
                return True
        return False
    finally:
        s.close()


def main():
    binary = os.path.abspath(sys.argv[1])
    workdir = tempfile.mkdtemp(prefix="callscope-attacks-")
    port = free_port()
    server = Server(binary, os.path.join(workdir, "attacks.sqlite"), port,
                    ["--admin-password", ADMIN_PASSWORD, "--idle-timeout", "3"])
    server.start()
    client = Client(port)
    now = int(time.time() * 1000)
    rows, failures = [], []

    def attack(name, expected, run):
        try:
            got = run()
        except Exception as e:  # a dropped connection is an answer too: the server may be gone
            got = f"{type(e).__name__}"
        up = alive(port)
        ok = up and (got in expected if isinstance(expected, (list, tuple, set)) else got == expected)
        rows.append((name, str(got), "yes" if up else "NO"))
        if not ok:
            failures.append(f"{name}: got {got}, expected {expected}, server alive: {up}")
        if not up:
            server.proc.wait(timeout=10)
            server.start()   # go on with the next attack on a fresh process

    client.ingest({"type": "join", "meetingId": "attack", "participantId": "bob", "seq": 1, "ts": now})
    attack("stats with inbound-rtp timestamp -1e300", 200, lambda: client.ingest(stats(now, -1e300, 2))[0])
    attack("stats with inbound-rtp timestamp +1e300", 200, lambda: client.ingest(stats(now, 1e300, 3))[0])
    attack("message ts -1e300", 400, lambda: client.ingest({**stats(now, now, 4), "ts": -1e300})[0])
    attack("message ts a year ahead", 400, lambda: client.ingest({**stats(now, now, 4), "ts": now + 365 * 86_400_000})[0])
    attack("meeting ID of one character with 2,000 combining marks", 400,
           lambda: client.ingest({"type": "join", "meetingId": "e" + "\u0301" * 2000, "participantId": "p", "seq": 1, "ts": now})[0])
    attack("seqs 0, 2, 4, … (1,000 gaps)", [200, 429], lambda: max(
        client.ingest([{"type": "event", "meetingId": "attack", "participantId": "gaps", "seq": s, "ts": now, "name": "x"}
                       for s in range(i, i + 200, 2)])[0] for i in range(0, 2000, 200)))
    attack("seq far beyond the highest", 400,
           lambda: client.ingest({"type": "event", "meetingId": "attack", "participantId": "bob", "seq": 2 ** 52,
                                  "ts": now, "name": "x"})[0])
    attack("API token in ?key= on ingest", 401, lambda: client.call(
        "POST", f"/ingest/v1?key={API_TOKEN}",
        json.dumps({"type": "service", "meetingId": "attack", "service": "recording", "action": "started", "ts": now}),
        {"Content-Type": "application/json"})[0])
    session_status, body = client.api("/api/v1/sessions?meetingId=attack")
    session_id = (body or {}).get("sessions", [{}])[0].get("sessionId", "none") if session_status == 200 else "none"
    attack("API overview of the session with hostile stats", 200, lambda: client.api(f"/api/v1/sessions/{session_id}")[0])
    attack("API sessions?from=0&to=9223372036854775807", 400,
           lambda: client.api("/api/v1/sessions?from=0&to=9223372036854775807")[0])
    attack("sign in", 303, client.sign_in)
    attack("/sessions?from=999999999999999-01-01T00:00 (signed in)", 400,
           lambda: client.call("GET", "/sessions?from=999999999999999-01-01T00:00")[0])
    attack("the Overview of the hostile session", 200, lambda: client.call("GET", f"/sessions/{session_id}")[0])
    status, _, headers = client.call("POST", f"/sessions/{session_id}/share", "days=1",
                                     {"Content-Type": "application/x-www-form-urlencoded", "Origin": client.base})
    location = headers.get("Location", "")
    attack("a share link's token in the redirect URL", False, lambda: "/share/" in urllib.parse.unquote(location))
    _, overview, _ = client.call("GET", location.split("#")[0] or "/")
    marker = overview.find("/share/")
    token = overview[marker + 7:marker + 39] if marker >= 0 else "none"
    attack("share link /stats?from=0&to=9223372036854775807", 400,
           lambda: client.call("GET", f"/share/{token}/stats?from=0&to=9223372036854775807")[0])
    attack("share link /stats over the whole range 1970–9999", 200,
           lambda: client.call("GET", f"/share/{token}/stats?from=0&to=253402300799999")[0])
    attack("a slowloris request head (idle timeout 3 s)", True, lambda: slowloris(port, 10))
    attack("an undeclared method on an API path", 405,
           lambda: client.call("DELETE", "/api/v1/sessions", headers={"Authorization": f"Bearer {API_TOKEN}"})[0])

    server.stop()
    width = max(len(r[0]) for r in rows)
    table = "\n".join(f"{name.ljust(width)}  {got:>6}  alive: {up}" for name, got, up in rows)
    finish(failures, f"{len(rows)} attacks on {os.path.basename(binary)}:\n{table}")


if __name__ == "__main__":
    main()
