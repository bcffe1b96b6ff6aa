#!/usr/bin/env python3
"""`callscope report FILE` as a user runs it: real dumps read, bad files refused in one line.

- A webrtc-internals dump made here (two peer connections, one with 12 % loss reported back by
  RTCP for a minute) gives its peer connections, its streams with median and p95, a verdict
  naming the lossy path, and `--json` the same as one JSON object.
- Every dump of the corpus (../shared/corpus, when present) reads with exit 0, except Jitsi's
  server-side push, which is refused in one line.
- The same dump gzip-compressed, under a name that does not say so, gives the same report.
- An empty file, a missing file, a gzip cut short, a corrupt gzip, text that is not JSON, JSON
  that is not a dump, and a dump with a broken series each give exit status ≠ 0 and one line
  naming the file and what is wrong, never a crash.

Usage: report_cli.py PATH_TO_CALLSCOPE
"""
import gzip
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "..", "shared", "corpus")
failures = []


def check(ok, what):
    print(("  ok    " if ok else "  FAIL  ") + what)
    if not ok:
        failures.append(what)


def run(binary, *args):
    result = subprocess.run([binary, "report", *args], capture_output=True, text=True, timeout=120)
    return result.returncode, result.stdout, result.stderr


def iso(ms):
    import datetime
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def made_dump():
    """Two minutes at 1 Hz: pc 1-1 sends video whose RTCP reports 12 % loss from 30 s to 90 s;
    pc 1-2 sends clean audio."""
    start, n = 1_770_000_000_000, 120
    times = [start + i * 1000 for i in range(n)]

    def series(stat_type, values):
        return {"startTime": iso(times[0]), "endTime": iso(times[-1]), "statsType": stat_type, "values": json.dumps(values)}

    def pc(kind, lossy):
        sent = [i * 100 for i in range(n)]
        lost, total = [], 0
        for i in range(n):
            if lossy and 30 <= i < 90:
                total += 12
            lost.append(total)
        stats = {
            "P-timestamp": series("peer-connection", times),
            "OT-timestamp": series("outbound-rtp", times),
            "OT-kind": series("outbound-rtp", [kind] * n),
            "OT-ssrc": series("outbound-rtp", [42] * n),
            "OT-packetsSent": series("outbound-rtp", sent),
            "OT-bytesSent": series("outbound-rtp", [p * 1000 for p in sent]),
            "RI-timestamp": series("remote-inbound-rtp", [t - 300 for t in times]),
            "RI-kind": series("remote-inbound-rtp", [kind] * n),
            "RI-ssrc": series("remote-inbound-rtp", [42] * n),
            "RI-localId": series("remote-inbound-rtp", ["OT"] * n),
            "RI-packetsLost": series("remote-inbound-rtp", lost),
            "RI-packetsReceived": series("remote-inbound-rtp", [s - l for s, l in zip(sent, lost)]),
            "RI-roundTripTime": series("remote-inbound-rtp", [0.04] * n),
            "RI-jitter": series("remote-inbound-rtp", [0.003] * n),
        }
        if kind == "video":
            stats["OT-framesEncoded"] = series("outbound-rtp", [i * 30 for i in range(n)])
            stats["OT-framesPerSecond"] = series("outbound-rtp", [30] * n)
        log = [{"type": "onconnectionstatechange", "value": "\"connected\"", "timestamp": times[0] - 500}]
        return {"url": "https://app.example/room", "rtcConfiguration": "{}", "updateLog": log, "stats": stats}

    return {"getUserMedia": [], "UserAgent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/144.0.0.0 Safari/537.36", "PeerConnections": {"1-1": pc("video", True), "1-2": pc("audio", False)}}


PACKED = gzip.compress(json.dumps(made_dump()).encode())


def main():
    binary = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="callscope-report-")
    dump_path = os.path.join(work, "webrtc_internals_dump.txt")
    with open(dump_path, "w") as f:
        json.dump(made_dump(), f, indent=1)

    print("report: a dump made here")
    code, out, err = run(binary, dump_path, "--participant", "Alice")
    check(code == 0, f"exit 0 (got {code}: {err.strip()[:200]})")
    check("1-1  120 reports over 119 s  https://app.example/room" in out, "the peer connections with their reports and span")
    check("Alice → Peer 1-1 video, as sent (120 samples)" in out, "each stream side, named")
    check("Browser: Chrome 144 on Linux" in out, "the browser from the user agent")
    verdict = out.split("Verdict\n", 1)[-1].split("\n\n", 1)[0]
    check("Alice's video to Peer 1-1 lost 12 % of what Alice sent" in verdict, f"the verdict names the lossy path: {verdict.strip()}")
    check("connection-state" in out, "the log's states are in the timeline")
    code, out, _ = run(binary, dump_path, "--json")
    document = json.loads(out) if code == 0 else {}
    check(len(document.get("peerConnections", [])) == 2, "--json: two peer connections")
    lossy = [s for s in document.get("streams", []) if s["receiverId"] == "Peer 1-1" and s["side"] == "sender"]
    check(bool(lossy) and lossy[0]["figures"]["loss"]["p95"] == 12, f"--json: the sent video's loss p95 is 12 % ({lossy[:1]})")
    check(any("lost 12 %" in v for v in document.get("verdict", [])), "--json: the verdict")
    packed = os.path.join(work, "dump.bin")
    with open(packed, "wb") as f:
        f.write(gzip.compress(json.dumps(made_dump()).encode()))
    code, out2, err = run(binary, packed, "--json")
    check(code == 0 and json.loads(out2).get("verdict") == document.get("verdict"),
          f"gzip, whatever the name: the same report (exit {code} {err.strip()[:120]})")

    if os.path.isdir(CORPUS):
        print("report: every dump of the corpus (webrtc-internals, rtcstats-server, rtcstats v3; plain and gzip)")
        for name in sorted(os.listdir(CORPUS)):
            if name == "INDEX.md" or name.endswith(".gunzipped.json"):
                continue
            code, out, err = run(binary, os.path.join(CORPUS, name))
            if name.endswith("jvb-sample"):  # Jitsi's server-side push: not a client dump
                check(code != 0 and "server-side stats" in err, f"{name}: refused in one line (exit {code})")
            else:
                check(code == 0 and "Verdict" in out, f"{name}: exit {code} {err.strip()[:120]}")
    else:
        print(f"report: corpus not found at {CORPUS}; its dumps skipped")

    print("report: bad files, one line each, exit ≠ 0")
    bad = {
        "empty.txt": (b"", "the file is empty"),
        "cut.gz": (PACKED[:len(PACKED) // 2], "gzip: the file ends early"),
        "corrupt.gz": (b"\x1f\x8b" + b"not really gzip at all", "gzip: corrupt or cut short"),
        "not-json.txt": (b'{"getUserMedia": [\n  1,\n  oops]', "line 3, column 3: not JSON"),
        "other.json": (b'{"hello": "world"}', "neither a chrome://webrtc-internals dump"),
        "objects.jsonl": (b'{"type": "identity"}\n{"type": "stats-entry"}\n', "lines of JSON objects"),
        "rtcstats-cut.txt": (b'["create",null,{},1]\n["getstats","PC_0",{"a":', "line 2, column 25: not JSON"),
        "broken.txt": (b'{"getUserMedia": [], "PeerConnections": {"1-1": {"stats": {"X-a": {"values": "[1,"}}}}}',
                       "PeerConnections.1-1.stats.X-a.values is not JSON"),
    }
    for name, (content, expected) in bad.items():
        path = os.path.join(work, name)
        with open(path, "wb") as f:
            f.write(content)
        code, out, err = run(binary, path)
        line = err.strip().splitlines()[0] if err.strip() else ""
        check(code != 0 and path in line and expected in line, f"{name}: exit {code}, {line!r}")
    code, _, err = run(binary, os.path.join(work, "missing.txt"))
    check(code != 0 and "missing.txt: cannot be read" in err, f"a missing file: exit {code}, {err.strip()[:120]!r}")

    import shutil
    shutil.rmtree(work, ignore_errors=True)
    if failures:
        print(f"report CLI: FAILED, {len(failures)} checks")
        sys.exit(1)
    print("report CLI: passed")


if __name__ == "__main__":
    main()
