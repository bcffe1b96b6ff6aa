#!/usr/bin/env python3
"""A real call in real Chromium through /demo, checked through the API and the dashboard.

Three headless Chromiums (one per participant, fake camera and microphone) join one meeting
through the demo page, which runs the collector served by the server; one of them also shares
its (fake) screen. Then:

1. one ongoing session; three participants with client info and join times > 0;
2. every stream of a mesh call (each sender's audio and video to each receiver, and the screen
   share to the two others) with bitrate, FPS and resolution consistent with Chromium's fake
   camera, RTT and jitter present;
3. the server is stopped (SIGTERM) for 10 s mid-call and started again: the collectors resend
   what they buffered, so there is no hole in any stream's samples and no sample twice;
4. alice's uplink is impaired for 32 s: iptables (`iptables-legacy`/`ip6tables-legacy`, OUTPUT on
   lo) drops 60 % of the UDP packets leaving her local ICE candidates' ports (the drop counters
   must move on her selected pairs' ports), and the rules are always removed afterwards. Her
   loss reaches the samples (alice→bob audio and video: mean receiver `lossPercent` ≥ 10 % during,
   < 5 % before), her health slices turn poor, and the timeline (`/events`) gets a `quality-drop`
   for her, overlapping the impairment, with a packet-loss cause. Without root or iptables this
   step is skipped with the reason (a failure when CI is set);
5. an admin signs in to the dashboard and walks the ongoing call's screens, comparing them with
   the API: the sessions list (the call's row with 3 participants), the Overview (participant
   minutes, initiating time, unique participants, the 3-row participant table with Kick out, the
   timeline's joins and alice's quality drop), the Errors tab (its empty state, or the API's
   errors), Session stats for alice→bob video and carol→alice screen share (≥ 5 charts, the
   picked stream selected, the other participants in the receiver dropdown) and alice's drawer
   (the API's browser, OS, platform and SDK, 4 health bars);
6. a kick through the API reaches bob's page (`onKick` ran), his leave reason is `kicked`, and
   the session stays ongoing for the other two;
7. carol's mute button reaches the timeline; alice reloads her page: the collector's seq goes on
   (sessionStorage), the reload is a second attempt, and nothing is stored twice;
8. the admin kicks carol with the dashboard's Kick out button: her page's `onKick` runs and she
   leaves with reason `kicked`;
9. the last page is closed and the session ends; the dashboard walk of step 5 is repeated on the
   ended session (everyone left, no Kick out).

Every dashboard screen is saved at 1280 and 390 px, light and dark, in the folder given as the
second argument (default: a temporary folder, printed at the end). It also measures what the
issue asks for: the collector's gzipped size, its wire bytes per stream per stats tick against
full reports and rtcstats' delta format on the same call (e2e/collector_wire.js), its time per
stats tick in the browser, and the impaired uplink's loss, health and quality drops.

Usage: browser_call.py PATH_TO_CALLSCOPE_BINARY [SCREENSHOT_DIR]
Skips (exit 0, with the reason) when Chromium, chromedriver or selenium are missing, unless the
environment variable CI is set: then a missing browser is a failure.
"""
import gzip
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

MEETING = "e2e-browser-call"
ADMIN_PASSWORD = "e2e-admin-password"
PEOPLE = [("alice", "Alice"), ("bob", "Bob"), ("carol", "Carol")]
SCREEN_SHARER = "carol"
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from harness import API_TOKEN, Server, free_port  # noqa: E402


def skip_or_fail(reason):
    if os.environ.get("CI"):
        print(f"browser call: FAILED, {reason}")
        sys.exit(1)
    print(f"browser call: skipped, {reason}")
    sys.exit(0)


if importlib.util.find_spec("selenium") is None:
    skip_or_fail("python selenium is not installed (pip install selenium)")
for path in ("/usr/bin/chromium", "/usr/bin/chromedriver"):
    if not os.path.exists(path):
        skip_or_fail(f"{path} is missing (apt-get install chromium chromium-driver)")
import dashboard_walk  # noqa: E402
from dashboard_walk import Dashboard, check_drawer, check_overview_fields, check_sessions_list  # noqa: E402


class API:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"

    def call(self, path, method="GET", body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Authorization": f"Bearer {API_TOKEN}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def get(self, path):
        status, body = self.call(path)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status} {body}")
        return body


def chromium():
    driver = dashboard_walk.chromium("--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                                     "--autoplay-policy=no-user-gesture-required", "--disable-background-timer-throttling",
                                     "--disable-renderer-backgrounding", window="1280,800")
    driver.set_script_timeout(120)
    return driver


def browser(port, pid, name, screen):
    driver = chromium()
    url = f"http://127.0.0.1:{port}/demo?meeting={MEETING}&participant={pid}&name={name}&autojoin=1"
    if screen:
        url += "&screen=1"
    driver.get(url)
    return driver


def page_state(driver):
    return driver.execute_script("""
        const d = window.demo;
        if (!d) return null;
        const pcs = d.pcs ? [...d.pcs.values()] : [];
        return {state: d.state, kicked: d.kicked || null, sessionId: d.sessionId || null,
                connected: pcs.filter(pc => pc.connectionState === 'connected').length,
                metrics: d.cs && d.cs.metrics ? d.cs.metrics() : null};""")


def wait_for(what, check, timeout):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout} s waiting for {what} (last: {last})")


def samples(api, sid, stream, side):
    return api.get(f"/api/v1/sessions/{sid}/streams/{stream['streamId']}/samples?side={side}")["samples"]


# ---------------------------------------------------------------------- an impaired uplink

IMPAIRED = "alice"
# What the receivers count as lost is far less than what the network drops: Chromium retransmits
# video (NACK/RTX) and recovers audio from redundancy, so 35 % dropped shows as ~10 % lost, and a
# participant's health slice pools her uplink with her (clean) downlinks, which halves it again
# in a three-party mesh. 60 % dropped shows as ~25–40 % lost: red slices, yet the call holds.
DROP_PROBABILITY = 0.6
IMPAIR_SECONDS = 32
SLICE_MS = 10_000  # the server's default --health-slice
TOOLS = {4: "iptables-legacy", 6: "ip6tables-legacy"}


def iptables_unusable():
    """Why this machine cannot drop packets with iptables, or None when it can."""
    if os.geteuid() != 0:
        return "not root (iptables needs it)"
    for tool in TOOLS.values():
        if not shutil.which(tool):
            return f"{tool} is missing (apt-get install iptables)"
        r = subprocess.run([tool, "-L", "OUTPUT", "-n"], capture_output=True, text=True)
        if r.returncode != 0:
            return f"`{tool} -L OUTPUT` failed: {r.stderr.strip()}"
    return None


def local_candidates(driver):
    """The page's UDP local candidates over all its peer connections, and the ones its transports
    selected (or, without `selectedCandidatePairId`, the nominated succeeded pairs)."""
    return driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        (async () => {
          const out = {selected: [], all: []};
          for (const [peer, pc] of window.demo.pcs) {
            const byId = new Map();
            (await pc.getStats()).forEach(r => byId.set(r.id, r));
            const local = (pair) => pair && byId.get(pair.localCandidateId);
            let pairs = [...byId.values()].filter(r => r.type === 'transport' && r.selectedCandidatePairId)
              .map(t => byId.get(t.selectedCandidatePairId));
            if (!pairs.length) pairs = [...byId.values()].filter(r => r.type === 'candidate-pair' && r.state === 'succeeded' && r.nominated);
            for (const pair of pairs) {
              const c = local(pair);
              if (c) out.selected.push({peer, address: c.address, port: c.port, protocol: c.protocol});
            }
            for (const r of byId.values())
              if (r.type === 'local-candidate' && r.protocol === 'udp') out.all.push({peer, address: r.address, port: r.port});
          }
          return out;
        })().then(done, e => done({error: String(e)}));""")


def drop_rules(candidates):
    """One DROP rule per local UDP port (by address family): packets leaving from it on loopback
    (every address of this machine routes through lo) are dropped with DROP_PROBABILITY."""
    rules = set()
    for c in candidates:
        address = c.get("address") or ""
        families = (6,) if ":" in address else (4,) if address.count(".") == 3 and not address.endswith(".local") else (4, 6)
        for family in families:
            rules.add((family, int(c["port"])))
    return sorted(rules)


def rule_spec(port):
    return ["OUTPUT", "-o", "lo", "-p", "udp", "--sport", str(port), "-m", "statistic", "--mode", "random",
            "--probability", str(DROP_PROBABILITY), "-j", "DROP"]


def dropped_packets(rules):
    """Packets each of our rules dropped so far (from the chain's counters), by (family, port)."""
    counts = {}
    for family, tool in TOOLS.items():
        listing = subprocess.run([tool, "-L", "OUTPUT", "-v", "-n", "-x"], capture_output=True, text=True).stdout
        for line in listing.splitlines():
            cols = line.split()
            if len(cols) > 2 and cols[2] == "DROP" and "statistic" in line:
                for f, port in rules:
                    if f == family and f"spt:{port}" in cols:
                        counts[(f, port)] = counts.get((f, port), 0) + int(cols[0])
    return counts


def impair_uplink(driver, check, numbers):
    """Drops DROP_PROBABILITY of the UDP packets the page sends, for IMPAIR_SECONDS.
    Returns (start ms, end ms) of the impairment, or None when it could not run."""
    found = local_candidates(driver)
    if not check("error" not in found, f"{IMPAIRED}'s candidates from getStats(): {found}"):
        return None
    selected = {(c["address"], c["port"]) for c in found["selected"]}
    if not check(len(found["selected"]) == len(PEOPLE) - 1,
                 f"{IMPAIRED}'s selected candidate pairs: {found['selected']} (one per peer connection expected)"):
        return None
    # Every local candidate, not only the selected ones: ICE may switch pairs under loss.
    rules = drop_rules(found["all"] + found["selected"])
    inserted = []
    previous_term = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that `finally` removes the rules
    start_ms = end_ms = None
    try:
        for family, port in rules:
            subprocess.run([TOOLS[family], "-I"] + rule_spec(port), check=True, capture_output=True, text=True)
            inserted.append((family, port))
        start_ms = int(time.time() * 1000)
        print(f"  impairing {IMPAIRED}'s uplink: {DROP_PROBABILITY:.0%} of UDP from ports "
              f"{sorted({p for _, p in rules})} dropped for {IMPAIR_SECONDS} s "
              f"(selected: {sorted(selected)})", flush=True)
        time.sleep(5)
        early = dropped_packets(inserted)
        selected_ports = {port for _, port in selected}
        check(sum(n for (_, port), n in early.items() if port in selected_ports) > 0,
              f"no packet from {IMPAIRED}'s selected ports {sorted(selected_ports)} was dropped in 5 s: they do not "
              f"pass OUTPUT on lo (counters {early})")
        time.sleep(max(0, IMPAIR_SECONDS - (time.time() * 1000 - start_ms) / 1000))
        end_ms = int(time.time() * 1000)
        total = dropped_packets(inserted)
        numbers["impairment"] = (f"{IMPAIRED}'s uplink, {DROP_PROBABILITY:.0%} of UDP dropped for "
                                 f"{(end_ms - start_ms) / 1000:.1f} s; packets dropped per (IP version, port): "
                                 + ", ".join(f"v{f} {p}: {n}" for (f, p), n in sorted(total.items())))
    finally:
        for family, port in inserted:
            r = subprocess.run([TOOLS[family], "-D"] + rule_spec(port), capture_output=True, text=True)
            if r.returncode != 0:
                check(False, f"could not remove the DROP rule for {TOOLS[family]} port {port}: {r.stderr.strip()} "
                             f"(remove it by hand: {TOOLS[family]} -D {' '.join(rule_spec(port))})")
        signal.signal(signal.SIGTERM, previous_term)
        if start_ms and end_ms is None:
            end_ms = int(time.time() * 1000)
    return start_ms, end_ms


def mean(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def loss_between(rows, from_ms, to_ms):
    """Mean `lossPercent` of the samples in [from, to) and the pooled loss of their packet counts."""
    rows = [r for r in rows if from_ms <= r["tsMs"] < to_ms]
    lost = sum(max(0, r.get("packetsLost") or 0) for r in rows if r.get("packets") is not None)
    got = sum(r["packets"] for r in rows if r.get("packets") is not None)
    pooled = lost / (got + lost) * 100 if got + lost else None
    return mean(r.get("lossPercent") for r in rows), pooled, len(rows)


def fmt(x, unit=" %"):
    return "n/a" if x is None else f"{x:.1f}{unit}"


def check_impairment(api, sid, window, by_key, check, numbers):
    """What the impaired uplink left in the samples, the health slices and the timeline."""
    start_ms, end_ms = window
    # Samples of the impairment's last ticks arrive with the next stats messages (every 2 s).
    time.sleep(6)
    measured = {}
    for receiver in (r for r, _ in PEOPLE if r != IMPAIRED):
        for kind in ("video", "audio"):
            stream = by_key.get((IMPAIRED, receiver, kind))
            if stream is None:
                continue
            for side in ("receiver", "sender"):
                rows = samples(api, sid, stream, side)
                before = loss_between(rows, start_ms - 20_000, start_ms - 1000)
                during = loss_between(rows, start_ms + 2000, end_ms + 1000)
                measured[(receiver, kind, side)] = (before, during)
    lines = []
    for (receiver, kind, side), (before, during) in sorted(measured.items()):
        lines.append(f"{IMPAIRED}→{receiver} {kind} ({side} side): mean lossPercent {fmt(before[0])} before, "
                     f"{fmt(during[0])} during ({during[2]} samples); pooled packets {fmt(before[1])} before, "
                     f"{fmt(during[1])} during")
    numbers["loss measured on the impaired uplink"] = lines
    for kind in ("audio", "video"):
        before, during = measured.get(("bob", kind, "receiver"), ((None,) * 3,) * 2)
        check(during[0] is not None and during[0] >= 10,
              f"{IMPAIRED}→bob {kind}: mean receiver lossPercent during the impairment {fmt(during[0])}, "
              f"expected ≥ 10 % with {DROP_PROBABILITY:.0%} of the packets dropped")
        check(before[0] is not None and before[0] < 5,
              f"{IMPAIRED}→bob {kind}: mean receiver lossPercent before the impairment {fmt(before[0])}, expected < 5 %")

    # Health: the impaired participant's slices turn poor (red) during the impairment.
    health = api.get(f"/api/v1/sessions/{sid}/health?participantId={IMPAIRED}")["items"]
    poor = {}
    for item in health:
        red = [sl["startMs"] for sl in item["slices"] if sl.get("colour") == "poor"
               and sl["startMs"] < end_ms and sl["startMs"] + SLICE_MS > start_ms]
        if red:
            poor[item["kind"]] = [(t - start_ms) / 1000 for t in red]
    numbers[f"{IMPAIRED}'s poor health slices in the impairment (s from its start)"] = poor or "none"
    check(poor, f"no poor health slice for {IMPAIRED} during the impairment: "
                f"{[(i['kind'], [(sl['startMs'] - start_ms, sl.get('colour'), sl.get('lossPercent')) for sl in i['slices']]) for i in health]}")

    summaries = {}
    for row in api.get(f"/api/v1/sessions/{sid}/participants")["items"]:
        summaries[row["participantId"]] = [
            f"{h['kind']} {h.get('overall')} (good {h['good'] * 100:.0f} %, moderate {h['moderate'] * 100:.0f} %, "
            f"poor {h['poor'] * 100:.0f} %)" for h in row["health"]]
    numbers["health summaries after the impairment"] = summaries

    # The timeline: a computed quality-drop for the impaired participant, caused by packet loss.
    def quality_drops():
        return [e for e in api.get(f"/api/v1/sessions/{sid}/events")["items"] if e["name"] == "quality-drop"]

    def overlapping_loss_drop():
        for e in quality_drops():
            data = e.get("data") or {}
            end = data.get("endMs")
            if (e.get("participantId") == IMPAIRED and e["tsMs"] < end_ms and (end is None or end > start_ms)
                    and any("packet loss" in c for c in data.get("causes") or [])):
                return e
        return None

    deadline = time.time() + 12
    drop = overlapping_loss_drop()
    while drop is None and time.time() < deadline:
        time.sleep(1)
        drop = overlapping_loss_drop()
    drops = quality_drops()
    numbers["quality drops on the timeline"] = [
        f"{e.get('participantId')} {(e.get('data') or {}).get('kind')} from {(e['tsMs'] - start_ms) / 1000:+.0f} s "
        f"(after the impairment's start) for {((e.get('data') or {}).get('durationMs') or 0) / 1000:.0f} s"
        f"{'' if (e.get('data') or {}).get('endMs') else ', still going'}: {(e.get('data') or {}).get('causes')}"
        for e in drops] or "none"
    check(drop is not None,
          f"no quality-drop event for {IMPAIRED} with a packet-loss cause overlapping the impairment "
          f"({len(drops)} quality-drop events in all: {drops})")


# ---------------------------------------------------------------------- the dashboard's screens

def signed_in(dash):
    """Signs the admin in when the dashboard sent the browser to its login page."""
    if "/login" in dash.driver.current_url:
        dash.sign_in("admin", ADMIN_PASSWORD)
        wait_for("the dashboard after signing in", lambda: "/login" not in dash.driver.current_url, 15)


def walk_dashboard(dash, api, sid, check, expect_drop, suffix=""):
    """Every screen of the call's session, compared with the API, with screenshots."""
    names = dict(PEOPLE)
    started, shots = time.time(), len(dash.saved)
    overview = api.get(f"/api/v1/sessions/{sid}")

    dash.get("/sessions")
    signed_in(dash)
    rows = check_sessions_list(dash, api.get("/api/v1/sessions")["sessions"], expect_rows=1)
    row = next((r for r in rows if r["sessionId"] == sid), None)
    check(row and row["meetingId"] == MEETING and row["participants"] == len(PEOPLE) and row["status"] == overview["status"],
          f"the sessions list's row for the call: {row}")
    dash.shoot("sessions" + suffix)

    before = api.get(f"/api/v1/sessions/{sid}")
    dash.get(f"/sessions/{sid}")
    signed_in(dash)
    check_overview_fields(dash, before, refetch=lambda: api.get(f"/api/v1/sessions/{sid}"))
    people = dash.participant_rows()
    check(sorted(p["participantId"] for p in people) == sorted(names),
          f"the participant table's rows: {[p['participantId'] for p in people]}")
    for p in people:
        check(p["name"].startswith(names.get(p["participantId"], "?")) and len(p["health"]) >= 2,
              f"participant row {p}")
        present = "(left)" not in p["name"]
        check(p["kick"] == present, f"{p['participantId']}: Kick out offered {p['kick']}, present {present}")
    timeline = dash.timeline()
    joined = {e["who"] for e in timeline if e["what"] == "join"}
    check(joined >= set(names.values()), f"the timeline's joins: {sorted(joined)}")
    dash.shoot("overview" + suffix)
    # The timeline's "problems" view: errors, quality drops, failures, kicks (on one page).
    dash.get(f"/sessions/{sid}?show=problems#timeline")
    problems = dash.timeline()
    drops = [e for e in problems if "quality" in (e["what"] or "").lower()]
    check(all(e["what"] in ("quality drop", "error", "kick", "ice-restart", "ice-state", "connection-state",
                            "collector-dropped") for e in problems),
          f"the timeline's problems view shows other entries: {sorted({e['what'] for e in problems})}")
    if expect_drop:
        check(any(e["who"] == names[IMPAIRED] and "loss" in (e["detail"] or "") for e in drops),
              f"no quality-drop entry for {names[IMPAIRED]} with packet loss on the Overview's timeline "
              f"({len(problems)} problems; quality entries: {drops})")
    dash.shoot("overview-problems" + suffix)

    errors = api.get(f"/api/v1/sessions/{sid}/errors")["items"]
    dash.get(f"/sessions/{sid}/errors")
    if errors:
        shown = len(dash.find("ol.error-list > li"))
        check(shown == len(errors), f"the Errors tab lists {shown} errors, the API {len(errors)}")
    else:
        check("No errors in this session" in dash.text_of("#errors"),
              f"the Errors tab's empty state: {dash.text_of('#errors')[:200]!r}")
    dash.shoot("errors" + suffix)

    for sender, receiver, kind in (("alice", "bob", "video"), (SCREEN_SHARER, "alice", "screen-video")):
        page = dash.stats(f"/sessions/{sid}", sender=sender, receiver=receiver, kind=kind)
        chosen = {name: next((o["value"] for o in page[name + "s"] if o["selected"]), None)
                  for name in ("sender", "receiver", "kind")}
        others = sorted(p for p in names if p != sender)
        check(chosen == {"sender": sender, "receiver": receiver, "kind": kind},
              f"Session stats opened for {sender}→{receiver} {kind} shows {chosen}")
        check(sorted(o["value"] for o in page["receivers"]) == others,
              f"Session stats, sender {sender}: the receiver dropdown lists {[o['value'] for o in page['receivers']]}, "
              f"expected {others}")
        check(sorted(o["value"] for o in page["senders"]) == sorted(names),
              f"Session stats: the sender dropdown lists {[o['value'] for o in page['senders']]}")
        check(page["charts"] >= 5, f"Session stats {sender}→{receiver} {kind}: {page['charts']} charts "
                                   f"(heading {page['heading']!r}, empty state {page['empty']!r})")
        dash.shoot(f"stats-{kind}" + suffix)

    dash.get(f"/sessions/{sid}")
    drawer = dash.open_drawer(IMPAIRED)
    check_drawer(dash, drawer, api.get(f"/api/v1/sessions/{sid}/participants/{IMPAIRED}"))
    if drawer:
        check(drawer["name"] == names[IMPAIRED], f"the drawer's heading {drawer['name']!r}")
    dash.shoot("sidebar" + suffix)
    print(f"  dashboard ({overview['status']} session): 6 screens, {len(dash.saved) - shots} screenshots in "
          f"{time.time() - started:.1f} s; Overview with {len(people)} participants, {len(timeline)} timeline entries, "
          f"{len(drops)} quality drops", flush=True)


def main():
    binary = os.path.abspath(sys.argv[1])
    shots = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp(prefix="callscope-call-screens-")
    work = tempfile.mkdtemp(prefix="callscope-browser-")
    port = free_port()
    log = open(os.path.join(work, "server.log"), "w")
    server = Server(binary, os.path.join(work, "b.sqlite"), port, ["--admin-password", ADMIN_PASSWORD], log=log)
    server.start()
    api = API(port)
    failures, numbers = [], {}
    drivers, dash = {}, None
    started = time.time()

    def check(condition, message):
        if not condition:
            failures.append(message)
            print(f"  FAIL {message}", flush=True)
        return condition

    try:
        sdk = urllib.request.urlopen(f"http://127.0.0.1:{port}/sdk/callscope.js").read()
        numbers["collector size"] = f"{len(sdk)} B, gzipped {len(gzip.compress(sdk, 9))} B"

        for pid, name in PEOPLE:
            drivers[pid] = browser(port, pid, name, pid == SCREEN_SHARER)
        for pid, driver in drivers.items():
            wait_for(f"{pid} in the call with 2 connected peers",
                     lambda: (s := page_state(driver)) and s["state"] == "in-call" and s["connected"] == 2 and s, 60)
        print("  three pages in the call, every peer connection connected", flush=True)

        # The wire comparison runs on alice's live peer connections while the call goes on.
        try:
            with open(os.path.join(HERE, "collector_wire.js")) as f:
                drivers["alice"].execute_script(f.read())
            wire = drivers["alice"].execute_async_script("""
                const done = arguments[arguments.length - 1];
                window.callscopeWireMeasure([...window.demo.pcs.values()], 10, 2000).then(done, e => done({error: String(e)}));""")
            check("error" not in wire, f"wire measurement failed: {wire}")
            numbers["wire bytes per stream per tick"] = wire
        except Exception as e:  # noqa: BLE001 - the call's checks go on without the numbers
            check(False, f"wire measurement: {e}")
            time.sleep(20)

        sessions = api.get(f"/api/v1/sessions?meetingId={MEETING}")["sessions"]
        check(len(sessions) == 1 and sessions[0]["status"] == "ongoing", f"one ongoing session expected: {sessions}")
        sid = sessions[0]["sessionId"]
        check(page_state(drivers["alice"])["sessionId"] == sid, "the page learnt its session id from the acks")

        for pid, name in PEOPLE:
            p = api.get(f"/api/v1/sessions/{sid}/participants/{pid}")
            check(p["name"] == name, f"{pid}: name {p['name']}")
            check(p["browser"] and p["browser"].startswith("Chrom"), f"{pid}: browser {p['browser']}")
            check(p["os"] and "Linux" in p["os"], f"{pid}: os {p['os']}")
            check(p["platform"] == "desktop", f"{pid}: platform {p['platform']}")
            check(bool(p["device"]), f"{pid}: device {p['device']}")
            check(p["sdkName"] == "callscope-demo", f"{pid}: sdk {p['sdkName']} {p['sdkVersion']}")
            check((p["joiningTimeMs"] or 0) > 0, f"{pid}: joining time {p['joiningTimeMs']}")
            check(p["location"] == "unknown", f"{pid}: location without a GeoIP database reads unknown, not {p['location']}")
            numbers[f"{pid} as the sidebar shows it"] = (f"{p['browser']}, {p['os']}, {p['device']}, {p['platform']}, "
                                                         f"SDK {p['sdkName']} {p['sdkVersion']}, joining time {p['joiningTimeMs']} ms")

        streams = api.get(f"/api/v1/sessions/{sid}/streams")["items"]
        by_key = {(s["senderId"], s["receiverId"], s["kind"]): s for s in streams}
        expected = [(a, b, kind) for a, _ in PEOPLE for b, _ in PEOPLE if a != b for kind in ("audio", "video")]
        expected += [(SCREEN_SHARER, b, "screen-video") for b, _ in PEOPLE if b != SCREEN_SHARER]
        # The fake screen capture may come with a (fake) tab audio track: a screen-audio stream.
        screen = drivers[SCREEN_SHARER].execute_script("""
            const tracks = [...window.demo.pcs.values()][0].getSenders().map(s => s.track).filter(Boolean);
            const v = tracks.find(t => t.kind === 'video' && t.getSettings().displaySurface);
            return {video: v ? v.getSettings() : null, audio: tracks.filter(t => t.kind === 'audio').length > 1};""") or {}
        if screen.get("audio"):
            expected += [(SCREEN_SHARER, b, "screen-audio") for b, _ in PEOPLE if b != SCREEN_SHARER]
        captured = screen.get("video") or {}
        numbers["fake screen"] = f"{captured.get('width')}x{captured.get('height')}, audio {screen.get('audio')}"
        unexpected = sorted(k for k in by_key if k not in expected)
        check(not unexpected, f"streams nobody sent: {unexpected}")
        for key in expected:
            stream = by_key.get(key)
            if not check(stream is not None, f"stream {key} missing"):
                continue
            check(stream["senderSamples"] >= 5 and stream["receiverSamples"] >= 5,
                  f"{key}: {stream['senderSamples']} sender / {stream['receiverSamples']} receiver samples")
            recv = [s for s in samples(api, sid, stream, "receiver") if s.get("bitrateKbps") is not None][-5:]
            send = [s for s in samples(api, sid, stream, "sender") if s.get("bitrateKbps") is not None][-5:]
            if not check(recv and send, f"{key}: no rates yet"):
                continue
            kbps = sum(s["bitrateKbps"] for s in recv) / len(recv)
            check(any(s.get("jitterMs") is not None for s in recv), f"{key}: receiver jitter missing")
            check(any(s.get("rttMs") is not None for s in send), f"{key}: sender-side RTT missing")
            if key[2] in ("audio", "screen-audio"):
                check(10 <= kbps <= 200, f"{key}: audio {kbps:.1f} kbit/s")
            else:
                check(30 <= kbps <= 5000, f"{key}: video {kbps:.1f} kbit/s")
                fps = [s["fps"] for s in recv if s.get("fps") is not None]
                check(fps and 5 <= sum(fps) / len(fps) <= 35, f"{key}: fps {fps}")
                sizes = {(s.get("frameWidth"), s.get("frameHeight")) for s in recv}
                if key[2] == "video":
                    # The fake camera is 640×480 (4:3); the encoder may scale it down under load.
                    check(all(w and h and w <= 640 and h <= 480 and abs(w / h - 4 / 3) < 0.05 for w, h in sizes),
                          f"{key}: camera resolutions {sizes}")
                else:
                    # The fake screen, sent as captured or scaled down with its aspect ratio.
                    cw, ch = captured.get("width") or 0, captured.get("height") or 0
                    check(cw and ch and all(w and h and w <= cw and h <= ch and abs(w / h - cw / ch) < 0.05
                                            for w, h in sizes),
                          f"{key}: screen resolutions {sizes}, captured {cw}x{ch}")
        print(f"  {len(expected)} streams checked", flush=True)

        # Server down for 10 s mid-call: the collectors buffer and resend; the media, peer to
        # peer, goes on (the demo resumes its signalling without rebuilding its connections).
        pc_ids = "return [...window.demo.cs.pcs.values()].map(m => m.id).sort();"
        before = {pid: d.execute_script(pc_ids) for pid, d in drivers.items()}
        stop_ms = int(time.time() * 1000)
        server.stop()
        time.sleep(10)
        server.start()
        restart_ms = int(time.time() * 1000)
        time.sleep(25)
        after = {pid: d.execute_script(pc_ids) for pid, d in drivers.items()}
        check(before == after, f"peer connections rebuilt across the outage: {before} → {after}")
        worst_gap = 0
        for key in expected:
            stream = by_key.get(key)
            if stream is None:
                continue
            for side in ("sender", "receiver"):
                ts = [s["tsMs"] for s in samples(api, sid, stream, side)]
                check(len(ts) == len(set(ts)), f"{key} {side}: {len(ts) - len(set(ts))} duplicate samples after the resend")
                around = [t for t in ts if stop_ms - 6000 <= t <= restart_ms + 15000]
                gaps = [b - a for a, b in zip(around, around[1:])]
                worst_gap = max([worst_gap] + gaps)
                # Ticks every 2 s; a tick may slip on a loaded machine, none may be missing.
                check(len(around) >= 10 and max(gaps, default=99999) <= 3500,
                      f"{key} {side}: samples around the outage {len(around)}, largest gap {max(gaps, default=None)} ms "
                      f"(times from the stop: {[t - stop_ms for t in around]})")
        numbers["outage"] = (f"server down {(restart_ms - stop_ms) / 1000:.1f} s; {len(expected)} streams × 2 sides "
                             "checked for gaps and duplicates after the resend; "
                             f"largest gap between samples around the outage {worst_gap} ms")

        # alice's uplink loses 35 % of its packets for ~30 s: her loss shows in the samples, her
        # health slices turn red, and the timeline gets a quality drop caused by packet loss.
        window = None
        unusable = iptables_unusable()
        if unusable:
            if os.environ.get("CI"):
                check(False, f"the impaired uplink cannot run: {unusable}")
            else:
                print(f"  impaired uplink: skipped, {unusable}", flush=True)
        else:
            window = impair_uplink(drivers[IMPAIRED], check, numbers)
            if window:
                check_impairment(api, sid, window, by_key, check, numbers)

        # The dashboard, with all three in the call: every screen against the API, screenshots.
        admin = drivers["admin"] = chromium()
        dash = Dashboard(admin, f"http://127.0.0.1:{port}", shots, check)
        try:
            walk_dashboard(dash, api, sid, check, expect_drop=bool(window))
        except Exception as e:  # noqa: BLE001 - the call's checks go on
            check(False, f"walking the dashboard (ongoing): {type(e).__name__}: {e}")

        # Kick bob through the API: his page's onKick runs and he leaves with reason `kicked`.
        status, kick = api.call(f"/api/v1/sessions/{sid}/participants/bob/kick", "POST", {"reason": "e2e kick"})
        check(status == 200 and kick.get("delivered") is True, f"kick: {status} {kick}")
        wait_for("bob's onKick", lambda: page_state(drivers["bob"])["kicked"], 15)
        check(page_state(drivers["bob"])["kicked"] == "e2e kick", "onKick got the reason")
        wait_for("bob's leave reason kicked",
                 lambda: api.get(f"/api/v1/sessions/{sid}/participants/bob")["attempts"][-1].get("leaveReason") == "kicked", 15)
        overview = api.get(f"/api/v1/sessions/{sid}")
        check(overview["status"] == "ongoing", f"the session goes on for alice and carol: {overview['status']}")
        present = {p["participantId"] for p in api.get(f"/api/v1/sessions/{sid}/participants")["items"] if p["present"]}
        check(present == {"alice", "carol"}, f"present after the kick: {present}")
        status, again = api.call(f"/api/v1/sessions/{sid}/participants/bob/kick", "POST")
        check(status == 409, f"kicking bob again: {status} {again}")

        # The mic button: the user's mute reaches the timeline.
        drivers["carol"].execute_script("window.demo.actions.toggleMic()")
        wait_for("carol's mute on the timeline", lambda: any(
            e["name"] == "mute" and e.get("participantId") == "carol" and (e.get("data") or {}).get("by") == "user"
            for e in api.get(f"/api/v1/sessions/{sid}/events")["items"]), 15)

        # A reload: the collector keeps its seq and unacknowledged messages in sessionStorage, the
        # page's leave ("closed") and new join make a second attempt, nothing is stored twice.
        seq_before = drivers["alice"].execute_script("return window.demo.cs.ob.seq")
        drivers["alice"].refresh()
        wait_for("alice back in the call", lambda: (s := page_state(drivers["alice"])) and s["state"] == "in-call"
                 and s["connected"] == 1 and s, 60)
        seq_after = drivers["alice"].execute_script("return window.demo.cs.ob.seq")
        check(seq_after > seq_before, f"the seq goes on across the reload: {seq_before} → {seq_after}")
        time.sleep(6)
        attempts = api.get(f"/api/v1/sessions/{sid}/participants/alice")["attempts"]
        check(len(attempts) == 2 and attempts[0].get("leaveReason") == "closed" and attempts[1].get("leftMs") is None
              and (attempts[1].get("setupMs") or 0) > 0, f"alice's attempts after a reload: {attempts}")
        for key in [k for k in expected if "alice" in k[:2] and "bob" not in k[:2]]:
            for side in ("sender", "receiver"):
                ts = [x["tsMs"] for x in samples(api, sid, by_key[key], side)]
                check(len(ts) == len(set(ts)), f"{key} {side}: duplicate samples after the reload")

        # The dashboard's Kick out button reaches carol's page: sign in, open the session, confirm.
        dash.get(f"/sessions/{sid}")
        signed_in(dash)
        wait_for("the session's Overview", lambda: f"/sessions/{sid}" in admin.current_url, 15)
        kick_button = admin.find_element("css selector", "form.kick[action$='/participants/carol/kick'] button")
        kick_button.click()
        admin.switch_to.alert.accept()  # "Remove Carol (carol) from the meeting?"
        wait_for("carol's onKick from the dashboard", lambda: page_state(drivers["carol"])["kicked"], 15)
        check("carol was removed" in admin.find_element("css selector", ".notice").text,
              "the dashboard shows the kick's result")
        wait_for("carol's leave reason kicked",
                 lambda: api.get(f"/api/v1/sessions/{sid}/participants/carol")["attempts"][-1].get("leaveReason") == "kicked", 15)

        ticks = []
        for pid, driver in drivers.items():
            if pid == "admin":
                continue
            m = page_state(driver)["metrics"] or {}
            if m.get("ticks"):
                ticks.append((pid, m["ticks"], m["tickMsTotal"] / m["ticks"], m["processMsTotal"] / m["ticks"], m.get("tickMsMax")))
        numbers["collector time per stats tick"] = [
            f"{pid}: {n} ticks, {wall:.2f} ms with getStats(), {own:.2f} ms own processing, max {mx} ms"
            for pid, n, wall, own, mx in ticks]

        # Everyone else leaves by closing the page: the pagehide beacon says so.
        drivers["alice"].get("about:blank")
        wait_for("the session to end", lambda: api.get(f"/api/v1/sessions/{sid}")["status"] == "ended", 45)
        reasons = {pid: api.get(f"/api/v1/sessions/{sid}/participants/{pid}")["attempts"][-1].get("leaveReason")
                   for pid, _ in PEOPLE}
        check(reasons == {"alice": "closed", "bob": "kicked", "carol": "kicked"}, f"leave reasons {reasons}")
        numbers["session"] = (f"ended {api.get(f'/api/v1/sessions/{sid}')['endTime']}; "
                              f"{len(api.get(f'/api/v1/sessions/{sid}/events')['items'])} timeline events")

        # The ended session on the dashboard: the same screens, everyone left, no Kick out.
        try:
            walk_dashboard(dash, api, sid, check, expect_drop=bool(window), suffix="-ended")
        except Exception as e:  # noqa: BLE001
            check(False, f"walking the dashboard (ended): {type(e).__name__}: {e}")
    except Exception as e:  # noqa: BLE001 - every failure is reported with the log
        failures.append(f"{type(e).__name__}: {e}")
    finally:
        for driver in drivers.values():
            try:
                driver.quit()
            except Exception:
                pass
        if server.running():
            server.stop()
        log.close()

    for name, value in numbers.items():
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            print(f"  {name}:" + "".join(f"\n    {v}" for v in value))
        elif isinstance(value, dict) and all(isinstance(v, list) for v in value.values()):
            print(f"  {name}:" + "".join(f"\n    {k}: {', '.join(map(str, v))}" for k, v in value.items()))
        else:
            print(f"  {name}: {json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value}")
    print(f"  {len(dash.saved) if dash else 0} dashboard screenshots in {shots}")
    print(f"  run time {time.time() - started:.0f} s")
    if failures:
        print("  server log (last 30 lines):")
        with open(os.path.join(work, "server.log")) as f:
            for line in f.readlines()[-30:]:
                print("    " + line.rstrip())
        print(f"browser call: FAILED, {len(failures)} problem(s)")
        for f in failures:
            print(f"  - {f}")
        sys.exit(1)
    shutil.rmtree(work, ignore_errors=True)
    print("browser call: passed (3 Chromiums, screen share, outage, impaired uplink, dashboard screens, mute, API kick, "
          "reload, dashboard kick, session end)")


if __name__ == "__main__":
    main()
