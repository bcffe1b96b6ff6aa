#!/usr/bin/env python3
"""`callscope import` and `POST /api/v1/imports` as a user runs them, on real files and a real server.

- A webrtc-internals dump made here (Alice's view: 12 % loss on her video, reported back by
  RTCP) imports into a fresh database as one session; the same dump again, gzip-compressed
  under another name, is recognised and stores nothing; a second participant's dump (Bob's)
  with the same --meeting joins that session.
- Bad files (empty, a gzip cut short, not JSON, an empty Chrome dump) each give one line on
  stderr naming the file and what is wrong, exit status 1, and leave the database as it was;
  the good files of the same command still go in.
- Every dump of the corpus (../shared/corpus, when present) imports, except Jitsi's server-side
  push and Chrome's empty dumps, which are refused in one line.
- `callscope serve` on that database shows the sessions through the API, with the imported
  participants, the diagnosis naming Alice's video, and the Overview saying whose view it is;
  `POST /api/v1/imports` takes a dump as the body (201), the same again (200, duplicate), and
  refuses junk with 422.
- The dashboard's Import page in headless Chromium: two files chosen at once, a dump and junk,
  give a link to the new session and the reason the junk was refused (screenshots in
  SCREENS_DIR, default /tmp/callscope-screens/import).

Usage: import_cli.py PATH_TO_CALLSCOPE [SCREENS_DIR]
"""
import gzip
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report_cli import CORPUS, made_dump  # noqa: E402

failures = []
API_TOKEN = "import-e2e-token"


def check(ok, what):
    print(("  ok    " if ok else "  FAIL  ") + what)
    if not ok:
        failures.append(what)


def run(binary, *args):
    result = subprocess.run([binary, "import", *args], capture_output=True, text=True, timeout=300)
    return result.returncode, result.stdout, result.stderr


def bob_dump():
    """Bob's side of the same call: what Alice sent arrives, 12 % of it lost."""
    dump = made_dump()
    for pc in dump["PeerConnections"].values():
        stats = pc["stats"]
        for key in list(stats):
            if key.startswith(("OT-", "RI-")):
                del stats[key]
        start = json.loads(stats["P-timestamp"]["values"])
        n = len(start)
        series = lambda values: {"startTime": stats["P-timestamp"]["startTime"], "endTime": stats["P-timestamp"]["endTime"],
                                 "statsType": "inbound-rtp", "values": json.dumps(values)}
        stats["IT-timestamp"] = series(start)
        stats["IT-kind"] = series(["audio"] * n)
        stats["IT-ssrc"] = series([7] * n)
        stats["IT-packetsReceived"] = series([i * 50 for i in range(n)])
        stats["IT-bytesReceived"] = series([i * 5000 for i in range(n)])
        stats["IT-packetsLost"] = series([0] * n)
        stats["IT-jitter"] = series([0.002] * n)
    return dump


def api(base, path, method="GET", body=None):
    request = urllib.request.Request(base + path, data=body, method=method,
                                     headers={"Authorization": f"Bearer {API_TOKEN}", "Content-Type": "application/octet-stream"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def import_page(base, work, shots):
    """The Import page: a dump and a junk file uploaded together through the browser."""
    if not (os.path.exists("/usr/bin/chromium") and os.path.exists("/usr/bin/chromedriver")):
        if os.environ.get("CI"):
            check(False, "the Import page needs /usr/bin/chromium and /usr/bin/chromedriver")
        else:
            print("import: Chromium not found; the Import page skipped")
        return
    from dashboard_walk import Dashboard, chromium
    from selenium.webdriver.support.ui import WebDriverWait
    dump = os.path.join(work, "page_upload.txt")
    with open(dump, "w") as f:
        json.dump(made_dump(), f, indent=2)  # other bytes than the earlier imports: a new file
    junk = os.path.join(work, "notes.txt")
    with open(junk, "w") as f:
        f.write("call was choppy around 10:04\n")
    driver = chromium()
    try:
        dash = Dashboard(driver, base, shots, check)
        dash.get("/login")
        dash.sign_in("admin", "import-e2e-password")
        dash.get("/import")
        check(bool(dash.find("nav a[href='/import']")), "the main navigation links the Import page")
        dash.find("#import-meeting")[0].send_keys("page-upload")
        dash.find("#import-files")[0].send_keys(dump + "\n" + junk)
        dash.click("form[data-import] button[type=submit]")
        WebDriverWait(driver, 60).until(lambda d: len(d.find_elements("css selector", ".import-results li")) == 2
                                        and not d.find_elements("css selector", ".import-results progress"))
        rows = [li.text for li in dash.find(".import-results li")]
        links = [a.get_attribute("href") for a in dash.find(".import-results li a")]
        check(len(links) == 1 and "/sessions/" in links[0] and "page-upload" in rows[0], f"the dump: a link to its session ({rows[:1]})")
        check("not imported:" in rows[1] and "not JSON" in rows[1], f"the junk: why it was refused ({rows[1:]})")
        dash.shoot("import-page")
        driver.get(links[0])
        check("One participant's view" in driver.page_source, "the link opens the session's Overview, which says whose view it is")
    finally:
        driver.quit()


def main():
    binary = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="callscope-import-")
    database = os.path.join(work, "imports.sqlite")
    alice = os.path.join(work, "alice_webrtc_internals_dump.txt")
    with open(alice, "w") as f:
        json.dump(made_dump(), f)
    bob = os.path.join(work, "bob.txt")
    with open(bob, "w") as f:
        json.dump(bob_dump(), f)
    packed = os.path.join(work, "copy.bin")
    with open(packed, "wb") as f:
        f.write(gzip.compress(json.dumps(made_dump()).encode()))

    print("import: a dump made here, again, and a second participant's")
    code, out, err = run(binary, "--database", database, "--meeting", "standup", "--participant", "alice", "--name", "Alice", alice)
    check(code == 0 and "chrome://webrtc-internals → session" in out and "(meeting standup, as alice)" in out,
          f"exit 0, one line naming the session ({code}: {(out + err).strip()[:200]})")
    code, out, err = run(binary, "--database", database, "--json", packed)
    outcome = json.loads(out) if code == 0 and out.strip() else {}
    check(outcome.get("duplicate") is True and outcome.get("meetingId") == "standup",
          f"the same dump gzip-compressed under another name: imported before, nothing stored ({out.strip()[:200]})")
    code, out, err = run(binary, "--database", database, "--meeting", "standup", "--participant", "bob", bob)
    check(code == 0 and "joined session" in out, f"Bob's dump of the same meeting joins the session ({(out + err).strip()[:200]})")

    print("import: bad files, one line each, exit 1, nothing half-stored; the good file of the same run goes in")
    bad = {
        "empty.txt": (b"", "the file is empty"),
        "cut.gz": (gzip.compress(json.dumps(made_dump()).encode())[:2000], "gzip: the file ends early"),
        "not-json.txt": (b'{"getUserMedia": [\n  oops]', "line 2, column 3: not JSON"),
        "empty-chrome.txt": (b'{"getUserMedia": [], "PeerConnections": {}, "UserAgent": "Chrome"}', "nothing to import"),
    }
    paths = []
    for name, (content, _) in bad.items():
        path = os.path.join(work, name)
        with open(path, "wb") as f:
            f.write(content)
        paths.append(path)
    carol = os.path.join(work, "carol.txt")
    with open(carol, "w") as f:
        json.dump(bob_dump(), f, indent=1)  # other bytes: another file
    code, out, err = run(binary, "--database", database, *paths, carol)
    lines = err.strip().splitlines()
    check(code == 1, f"exit 1 with bad files among them (got {code})")
    for (name, (_, expected)), path in zip(bad.items(), paths):
        line = next((l for l in lines if l.startswith(path + ":")), "")
        check(expected in line, f"{name}: {line!r}")
    check(carol in out, f"the good file still went in ({out.strip()[:160]})")

    corpus_sessions = 0
    if os.path.isdir(CORPUS):
        print("import: every dump of the corpus")
        refused = ("jvb-sample", "hostagetodeveloper_cla-check-test__webrtc_internals_dump.txt",
                   "Arri98_TestLoad__webrtc_internals_dump.gz", "clienttest.json")
        for name in sorted(os.listdir(CORPUS)):
            if name == "INDEX.md" or name.endswith(".gunzipped.json"):
                continue
            code, out, err = run(binary, "--database", database, os.path.join(CORPUS, name))
            if name.endswith(refused):
                check(code == 1 and len(err.strip().splitlines()) == 1, f"{name}: refused in one line ({err.strip()[:140]})")
            else:
                check(code == 0 and "session" in out, f"{name}: exit {code} {(out + err).strip()[:160]}")
                corpus_sessions += "joined session" not in out
    else:
        print(f"import: corpus not found at {CORPUS}; its dumps skipped")

    print("import: the server shows what was imported, and takes uploads")
    port = free_port()
    server = subprocess.Popen([binary, "serve", "--port", str(port), "--database", database, "--api-token", API_TOKEN,
                               "--admin-password", "import-e2e-password", "--no-demo"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/health", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        status, page = api(base, "/api/v1/sessions?limit=100")
        sessions = page.get("sessions", []) if isinstance(page, dict) else []
        check(status == 200 and len(sessions) == 2 + corpus_sessions,
              f"{2 + corpus_sessions} sessions: standup, carol's and the corpus's (got {len(sessions)})")
        standup = next((s for s in sessions if s.get("meetingId") == "standup"), {})
        status, session = api(base, f"/api/v1/sessions/{standup.get('sessionId')}")
        people = sorted(p.get("participantId") for p in session.get("participants", [])) if status == 200 else []
        check(people == ["alice", "bob"], f"standup holds Alice's and Bob's views ({people})")
        verdict = " ".join(session.get("diagnosis", {}).get("verdict", [])) if status == 200 else ""
        check("Alice's video to Peer 1-1 lost 12 %" in verdict, f"the diagnosis names Alice's video: {verdict[:200]}")
        with open(alice, "rb") as f:
            raw = f.read()
        status, made = api(base, "/api/v1/imports?projectId=default&meetingId=upload&fileName=alice.txt", "POST",
                           gzip.compress(raw.replace(b"app.example", b"app.example.org")))
        check(status == 201 and made.get("meetingId") == "upload" and made.get("sessionUrl", "").startswith("/sessions/"),
              f"POST /api/v1/imports: 201 ({status} {str(made)[:200]})")
        status, again = api(base, "/api/v1/imports?projectId=default", "POST",
                            gzip.compress(raw.replace(b"app.example", b"app.example.org")))
        check(status == 200 and again.get("duplicate") is True, f"the same upload again: 200, duplicate ({status})")
        status, junk = api(base, "/api/v1/imports?projectId=default", "POST", b"\x89PNG not a dump")
        check(status == 422 and junk.get("error", {}).get("field") == "body", f"junk: 422 naming the body ({status} {junk})")
        import_page(base, work, sys.argv[2] if len(sys.argv) > 2 else "/tmp/callscope-screens/import")
    finally:
        server.terminate()
        server.wait(timeout=30)
    shutil.rmtree(work, ignore_errors=True)
    if failures:
        print(f"import CLI: FAILED, {len(failures)} checks")
        sys.exit(1)
    print("import CLI: passed")


if __name__ == "__main__":
    main()
