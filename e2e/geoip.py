#!/usr/bin/env python3
"""Approximate location from a GeoIP database, behind a trusted proxy.

Writes a tiny GeoLite2-City-shaped database with PyPI's mmdb-writer, starts `callscope serve
--geoip-db FILE --trusted-proxy 127.0.0.1/32`, sends joins over HTTP with X-Forwarded-For and
reads the participants' locations back through the API:

- an X-Forwarded-For address from the trusted proxy (127.0.0.1) gets its city ("London, GB",
  "Amsterdam, NL" for IPv6); the right-most untrusted entry counts, not a forged one on the left;
- a location the app sends in its join wins;
- an address the database does not hold reads "unknown";
- restarted without --trusted-proxy, X-Forwarded-For is ignored: 127.0.0.1 reads "unknown";
- a --geoip-db file that is not a MaxMind DB stops the start with a message naming the file.

Usage: geoip.py PATH_TO_CALLSCOPE_BINARY
"""
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from mmdb_writer import MMDBWriter
from netaddr import IPSet

sys.path.insert(0, os.path.dirname(__file__))
from harness import API_TOKEN, INGEST_KEY, Server, finish, free_port, request  # noqa: E402

MEETING = "geoip-e2e-meet"


def write_database(path):
    def country(iso, name):
        return {"iso_code": iso, "names": {"en": name}}
    writer = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="GeoLite2-City", languages=["en"],
                        description="callscope e2e")
    writer.insert_network(IPSet(["81.2.69.0/24"]), {
        "city": {"names": {"en": "London"}}, "subdivisions": [{"iso_code": "ENG", "names": {"en": "England"}}],
        "country": country("GB", "United Kingdom")})
    writer.insert_network(IPSet(["89.160.20.0/24"]), {
        "city": {"names": {"en": "Linköping"}}, "country": country("SE", "Sweden")})
    writer.insert_network(IPSet(["2001:67c:2e8::/48"]), {
        "city": {"names": {"en": "Amsterdam"}}, "country": country("NL", "Netherlands")})
    writer.to_db_file(path)


def join(pid, seq, ts, **fields):
    return dict({"type": "join", "meetingId": MEETING, "participantId": pid, "seq": seq, "ts": ts, "name": pid},
                **fields)


def post(port, body, forwarded_for=None):
    headers = {"Authorization": f"Bearer {INGEST_KEY}", "Content-Type": "application/json"}
    if forwarded_for is not None:
        headers["X-Forwarded-For"] = forwarded_for
    req = urllib.request.Request(f"http://127.0.0.1:{port}/ingest/v1", data=json.dumps(body).encode(), headers=headers)
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())["acks"][0]["sessionId"]


def location(port, sid, pid):
    return request(port, f"/api/v1/sessions/{sid}/participants/{pid}", token=API_TOKEN).get("location")


def main():
    binary = os.path.abspath(sys.argv[1])
    workdir = tempfile.mkdtemp(prefix="callscope-geoip-")
    mmdb = os.path.join(workdir, "city.mmdb")
    write_database(mmdb)
    sqlite = os.path.join(workdir, "g.sqlite")
    t0 = int(time.time() * 1000) - 60_000
    failures = []

    def expect(what, got, want):
        if got != want:
            failures.append(f"{what}: expected {want!r}, got {got!r}")

    server = Server(binary, sqlite, free_port(), ["--session-timeout", "600", "--geoip-db", mmdb, "--trusted-proxy", "127.0.0.1/32"])
    server.start()
    try:
        sid = post(server.port, [join("alice", 1, t0), join("bob", 1, t0, location="Berlin, DE")],
                   forwarded_for="81.2.69.160")
        expect("trusted proxy, X-Forwarded-For in London", location(server.port, sid, "alice"), "London, GB")
        expect("the app's own location", location(server.port, sid, "bob"), "Berlin, DE")
        post(server.port, join("carol", 1, t0), forwarded_for="1.1.1.1, 89.160.20.112")
        expect("right-most untrusted entry", location(server.port, sid, "carol"), "Linköping, SE")
        post(server.port, join("dave", 1, t0), forwarded_for="2001:67c:2e8::42")
        expect("IPv6 X-Forwarded-For", location(server.port, sid, "dave"), "Amsterdam, NL")
        post(server.port, join("erin", 1, t0), forwarded_for="8.8.8.8")
        expect("address not in the database", location(server.port, sid, "erin"), "unknown")
        post(server.port, join("frank", 1, t0))
        expect("loopback peer without X-Forwarded-For", location(server.port, sid, "frank"), "unknown")
    finally:
        server.stop()

    server.extra = ["--session-timeout", "600", "--geoip-db", mmdb]
    server.start()
    try:
        post(server.port, join("grace", 1, t0), forwarded_for="81.2.69.160")
        expect("no --trusted-proxy: X-Forwarded-For ignored", location(server.port, sid, "grace"), "unknown")
        expect("earlier locations kept across the restart", location(server.port, sid, "alice"), "London, GB")
    finally:
        server.stop()

    bad = os.path.join(workdir, "bad.mmdb")
    with open(bad, "w") as f:
        f.write("not a database\n")
    run = subprocess.run([binary, "serve", "--port", str(free_port()), "--database", sqlite, "--geoip-db", bad],
                         capture_output=True, text=True, timeout=60)
    if run.returncode == 0 or bad not in run.stderr + run.stdout:
        failures.append(f"a bad --geoip-db should stop the start naming the file: status {run.returncode}, "
                        f"output {run.stderr.strip()!r}")

    finish(failures, "geoip: X-Forwarded-For from a trusted proxy, app-given location, unknown addresses, "
                     "no trusted proxy, bad database")


if __name__ == "__main__":
    main()
