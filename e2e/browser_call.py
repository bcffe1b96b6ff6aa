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
import urllib.request

MEETING = "e2e-browser-call"
ADMIN_PASSWORD = "e2e-admin-password"
PEOPLE = [("alice", "Alice"), ("bob", "Bob"), ("carol", "Carol")]
SCREEN_SHARER = "carol"
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from harness import API_TOKEN, Server, answer, free_port  # noqa: E402


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
    """The REST API with the e2e API token: `call` answers (status, body), `get` the body of a 200."""

    def __init__(self, port):
        self.port = port

    def call(self, path, method="GET", body=None):
        return answer(self.port, path, body, token=API_TOKEN, method=method)

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


# ---------------------------------------------------------------------- the running call

class Call:
    """Everything one run holds: the server (its process, port, work folder and log), the API,
    the browsers (one per participant, and the admin's), the dashboard, the call's session and
    streams once known, and what the checks found (`failures`) and measured (`numbers`).

    `with Call(binary, shots) as call:` starts the server; leaving the block, normally or with an
    exception, closes every browser, stops the server and closes the log. An exception is recorded
    as a failure rather than raised, so that `report()` prints it with the server's log."""

    def __init__(self, binary, shots=None):
        self.binary = os.path.abspath(binary)
        self.shots = shots or tempfile.mkdtemp(prefix="callscope-call-screens-")
        self.work = tempfile.mkdtemp(prefix="callscope-browser-")
        self.port = free_port()
        self.log = open(os.path.join(self.work, "server.log"), "w")
        self.server = Server(self.binary, os.path.join(self.work, "b.sqlite"), self.port,
                             ["--admin-password", ADMIN_PASSWORD], log=self.log)
        self.api = API(self.port)
        self.failures, self.numbers = [], {}
        self.drivers, self.dash = {}, None
        self.started = time.time()
        self.sid = None
        # The streams of the call: every one expected, and the API's by (sender, receiver, kind).
        self.expected, self.by_key = [], {}
        # (start ms, end ms) of the impaired uplink, None when it did not run.
        self.window = None

    def __enter__(self):
        self.server.start()
        return self

    def __exit__(self, kind, error, traceback):
        if isinstance(error, Exception):  # every failure is reported with the log
            self.failures.append(f"{type(error).__name__}: {error}")
        for driver in self.drivers.values():
            try:
                driver.quit()
            except Exception:
                pass
        if self.server.running():
            self.server.stop()
        self.log.close()
        return isinstance(error, Exception)

    def check(self, condition, message):
        if not condition:
            self.failures.append(message)
            print(f"  FAIL {message}", flush=True)
        return condition

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def report(self):
        """The numbers, then the closing line; exits 1 (with the server log's tail) on failure."""
        for name, value in self.numbers.items():
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                print(f"  {name}:" + "".join(f"\n    {v}" for v in value))
            elif isinstance(value, dict) and all(isinstance(v, list) for v in value.values()):
                print(f"  {name}:" + "".join(f"\n    {k}: {', '.join(map(str, v))}" for k, v in value.items()))
            else:
                print(f"  {name}: {json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value}")
        print(f"  {len(self.dash.saved) if self.dash else 0} dashboard screenshots in {self.shots}")
        print(f"  run time {time.time() - self.started:.0f} s")
        if self.failures:
            print("  server log (last 30 lines):")
            with open(os.path.join(self.work, "server.log")) as f:
                for line in f.readlines()[-30:]:
                    print("    " + line.rstrip())
            print(f"browser call: FAILED, {len(self.failures)} problem(s)")
            for f in self.failures:
                print(f"  - {f}")
            sys.exit(1)
        shutil.rmtree(self.work, ignore_errors=True)
        print("browser call: passed (3 Chromiums, screen share, outage, impaired uplink, dashboard screens, mute, API kick, "
              "reload, dashboard kick, session end)")


# ---------------------------------------------------------------------- the steps

def measure_collector_size(call):
    sdk = urllib.request.urlopen(f"{call.base}/sdk/callscope.js").read()
    call.numbers["collector size"] = f"{len(sdk)} B, gzipped {len(gzip.compress(sdk, 9))} B"


def open_participants(call):
    """One Chromium per participant on the demo page; each waits for its two peers."""
    for pid, name in PEOPLE:
        call.drivers[pid] = browser(call.port, pid, name, pid == SCREEN_SHARER)
    for pid, driver in call.drivers.items():
        wait_for(f"{pid} in the call with 2 connected peers",
                 lambda: (s := page_state(driver)) and s["state"] == "in-call" and s["connected"] == 2 and s, 60)
    print("  three pages in the call, every peer connection connected", flush=True)


def measure_wire(call):
    """The wire comparison runs on alice's live peer connections while the call goes on."""
    try:
        with open(os.path.join(HERE, "collector_wire.js")) as f:
            call.drivers["alice"].execute_script(f.read())
        wire = call.drivers["alice"].execute_async_script("""
            const done = arguments[arguments.length - 1];
            window.callscopeWireMeasure([...window.demo.pcs.values()], 10, 2000).then(done, e => done({error: String(e)}));""")
        call.check("error" not in wire, f"wire measurement failed: {wire}")
        call.numbers["wire bytes per stream per tick"] = wire
    except Exception as e:  # noqa: BLE001 - the call's checks go on without the numbers
        call.check(False, f"wire measurement: {e}")
        time.sleep(20)


def check_session(call):
    """One ongoing session for the meeting, whose ID the pages learnt from the acks."""
    sessions = call.api.get(f"/api/v1/sessions?meetingId={MEETING}")["sessions"]
    call.check(len(sessions) == 1 and sessions[0]["status"] == "ongoing", f"one ongoing session expected: {sessions}")
    call.sid = sessions[0]["sessionId"]
    call.check(page_state(call.drivers["alice"])["sessionId"] == call.sid, "the page learnt its session id from the acks")


def check_participants(call):
    """Each participant's name, client info and joining time, as the sidebar shows them."""
    check = call.check
    for pid, name in PEOPLE:
        p = call.api.get(f"/api/v1/sessions/{call.sid}/participants/{pid}")
        check(p["name"] == name, f"{pid}: name {p['name']}")
        check(p["browser"] and p["browser"].startswith("Chrom"), f"{pid}: browser {p['browser']}")
        check(p["os"] and "Linux" in p["os"], f"{pid}: os {p['os']}")
        check(p["platform"] == "desktop", f"{pid}: platform {p['platform']}")
        check(bool(p["device"]), f"{pid}: device {p['device']}")
        check(p["sdkName"] == "callscope-demo", f"{pid}: sdk {p['sdkName']} {p['sdkVersion']}")
        check((p["joiningTimeMs"] or 0) > 0, f"{pid}: joining time {p['joiningTimeMs']}")
        check(p["location"] == "unknown", f"{pid}: location without a GeoIP database reads unknown, not {p['location']}")
        call.numbers[f"{pid} as the sidebar shows it"] = (f"{p['browser']}, {p['os']}, {p['device']}, {p['platform']}, "
                                                          f"SDK {p['sdkName']} {p['sdkVersion']}, joining time {p['joiningTimeMs']} ms")


def check_streams(call):
    """Every stream of the mesh call, with rates consistent with Chromium's fake camera and screen."""
    api, sid, check = call.api, call.sid, call.check
    streams = api.get(f"/api/v1/sessions/{sid}/streams")["items"]
    call.by_key = by_key = {(s["senderId"], s["receiverId"], s["kind"]): s for s in streams}
    expected = [(a, b, kind) for a, _ in PEOPLE for b, _ in PEOPLE if a != b for kind in ("audio", "video")]
    expected += [(SCREEN_SHARER, b, "screen-video") for b, _ in PEOPLE if b != SCREEN_SHARER]
    # The fake screen capture may come with a (fake) tab audio track: a screen-audio stream.
    screen = call.drivers[SCREEN_SHARER].execute_script("""
        const tracks = [...window.demo.pcs.values()][0].getSenders().map(s => s.track).filter(Boolean);
        const v = tracks.find(t => t.kind === 'video' && t.getSettings().displaySurface);
        return {video: v ? v.getSettings() : null, audio: tracks.filter(t => t.kind === 'audio').length > 1};""") or {}
    if screen.get("audio"):
        expected += [(SCREEN_SHARER, b, "screen-audio") for b, _ in PEOPLE if b != SCREEN_SHARER]
    call.expected = expected
    captured = screen.get("video") or {}
    call.numbers["fake screen"] = f"{captured.get('width')}x{captured.get('height')}, audio {screen.get('audio')}"
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


def server_outage(call):
    """Server down for 10 s mid-call: the collectors buffer and resend; the media, peer to peer,
    goes on (the demo resumes its signalling without rebuilding its connections)."""
    api, sid, check = call.api, call.sid, call.check
    pc_ids = "return [...window.demo.cs.peerConnections.values()].map(m => m.id).sort();"
    before = {pid: d.execute_script(pc_ids) for pid, d in call.drivers.items()}
    stop_ms = int(time.time() * 1000)
    call.server.stop()
    time.sleep(10)
    call.server.start()
    restart_ms = int(time.time() * 1000)
    time.sleep(25)
    after = {pid: d.execute_script(pc_ids) for pid, d in call.drivers.items()}
    check(before == after, f"peer connections rebuilt across the outage: {before} → {after}")
    worst_gap = 0
    for key in call.expected:
        stream = call.by_key.get(key)
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
    call.numbers["outage"] = (f"server down {(restart_ms - stop_ms) / 1000:.1f} s; {len(call.expected)} streams × 2 sides "
                              "checked for gaps and duplicates after the resend; "
                              f"largest gap between samples around the outage {worst_gap} ms")


def impaired_uplink(call):
    """alice's uplink loses DROP_PROBABILITY of its packets for IMPAIR_SECONDS: her loss shows in the
    samples, her health slices turn red, and the timeline gets a quality drop caused by packet loss."""
    unusable = iptables_unusable()
    if unusable:
        if os.environ.get("CI"):
            call.check(False, f"the impaired uplink cannot run: {unusable}")
        else:
            print(f"  impaired uplink: skipped, {unusable}", flush=True)
        return
    call.window = impair_uplink(call.drivers[IMPAIRED], call.check, call.numbers)
    if call.window:
        check_impairment(call.api, call.sid, call.window, call.by_key, call.check, call.numbers)


def walk_ongoing_dashboard(call):
    """The dashboard, with all three in the call: every screen against the API, screenshots."""
    admin = call.drivers["admin"] = chromium()
    call.dash = Dashboard(admin, call.base, call.shots, call.check)
    try:
        walk_dashboard(call.dash, call.api, call.sid, call.check, expect_drop=bool(call.window))
    except Exception as e:  # noqa: BLE001 - the call's checks go on
        call.check(False, f"walking the dashboard (ongoing): {type(e).__name__}: {e}")


def kick_through_api(call):
    """Kick bob through the API: his page's onKick runs and he leaves with reason `kicked`."""
    api, sid, check, bob = call.api, call.sid, call.check, call.drivers["bob"]
    status, kick = api.call(f"/api/v1/sessions/{sid}/participants/bob/kick", "POST", {"reason": "e2e kick"})
    check(status == 200 and kick.get("delivered") is True, f"kick: {status} {kick}")
    wait_for("bob's onKick", lambda: page_state(bob)["kicked"], 15)
    check(page_state(bob)["kicked"] == "e2e kick", "onKick got the reason")
    wait_for("bob's leave reason kicked",
             lambda: api.get(f"/api/v1/sessions/{sid}/participants/bob")["attempts"][-1].get("leaveReason") == "kicked", 15)
    overview = api.get(f"/api/v1/sessions/{sid}")
    check(overview["status"] == "ongoing", f"the session goes on for alice and carol: {overview['status']}")
    present = {p["participantId"] for p in api.get(f"/api/v1/sessions/{sid}/participants")["items"] if p["present"]}
    check(present == {"alice", "carol"}, f"present after the kick: {present}")
    status, again = api.call(f"/api/v1/sessions/{sid}/participants/bob/kick", "POST")
    check(status == 409, f"kicking bob again: {status} {again}")


def mute(call):
    """The mic button: the user's mute reaches the timeline."""
    call.drivers["carol"].execute_script("window.demo.actions.toggleMic()")
    wait_for("carol's mute on the timeline", lambda: any(
        e["name"] == "mute" and e.get("participantId") == "carol" and (e.get("data") or {}).get("by") == "user"
        for e in call.api.get(f"/api/v1/sessions/{call.sid}/events")["items"]), 15)


def reload_page(call):
    """A reload: the collector keeps its seq and unacknowledged messages in sessionStorage, the
    page's leave ("closed") and new join make a second attempt, nothing is stored twice."""
    api, sid, check, alice = call.api, call.sid, call.check, call.drivers["alice"]
    seq_before = alice.execute_script("return window.demo.cs.outbox.nextSeq")
    alice.refresh()
    wait_for("alice back in the call", lambda: (s := page_state(alice)) and s["state"] == "in-call"
             and s["connected"] == 1 and s, 60)
    seq_after = alice.execute_script("return window.demo.cs.outbox.nextSeq")
    check(seq_after > seq_before, f"the seq goes on across the reload: {seq_before} → {seq_after}")
    time.sleep(6)
    attempts = api.get(f"/api/v1/sessions/{sid}/participants/alice")["attempts"]
    check(len(attempts) == 2 and attempts[0].get("leaveReason") == "closed" and attempts[1].get("leftMs") is None
          and (attempts[1].get("setupMs") or 0) > 0, f"alice's attempts after a reload: {attempts}")
    for key in [k for k in call.expected if "alice" in k[:2] and "bob" not in k[:2]]:
        for side in ("sender", "receiver"):
            ts = [x["tsMs"] for x in samples(api, sid, call.by_key[key], side)]
            check(len(ts) == len(set(ts)), f"{key} {side}: duplicate samples after the reload")


def kick_from_dashboard(call):
    """The dashboard's Kick out button reaches carol's page: sign in, open the session, confirm."""
    dash, admin, sid = call.dash, call.drivers["admin"], call.sid
    dash.get(f"/sessions/{sid}")
    signed_in(dash)
    wait_for("the session's Overview", lambda: f"/sessions/{sid}" in admin.current_url, 15)
    dash.click("form.kick[action$='/participants/carol/kick'] button")
    admin.switch_to.alert.accept()  # "Remove Carol (carol) from the meeting?"
    wait_for("carol's onKick from the dashboard", lambda: page_state(call.drivers["carol"])["kicked"], 15)
    call.check("carol was removed" in dash.text_of(".notice"), "the dashboard shows the kick's result")
    wait_for("carol's leave reason kicked",
             lambda: call.api.get(f"/api/v1/sessions/{sid}/participants/carol")["attempts"][-1].get("leaveReason") == "kicked",
             15)


def measure_collector_ticks(call):
    """The collector's own time per stats tick, from each page's `cs.metrics()`."""
    ticks = []
    for pid, driver in call.drivers.items():
        if pid == "admin":
            continue
        m = page_state(driver)["metrics"] or {}
        if m.get("ticks"):
            ticks.append((pid, m["ticks"], m["tickMsTotal"] / m["ticks"], m["processMsTotal"] / m["ticks"], m.get("tickMsMax")))
    call.numbers["collector time per stats tick"] = [
        f"{pid}: {n} ticks, {wall:.2f} ms with getStats(), {own:.2f} ms own processing, max {mx} ms"
        for pid, n, wall, own, mx in ticks]


def end_session(call):
    """Everyone else leaves by closing the page: the pagehide beacon says so."""
    api, sid = call.api, call.sid
    call.drivers["alice"].get("about:blank")
    wait_for("the session to end", lambda: api.get(f"/api/v1/sessions/{sid}")["status"] == "ended", 45)
    reasons = {pid: api.get(f"/api/v1/sessions/{sid}/participants/{pid}")["attempts"][-1].get("leaveReason")
               for pid, _ in PEOPLE}
    call.check(reasons == {"alice": "closed", "bob": "kicked", "carol": "kicked"}, f"leave reasons {reasons}")
    call.numbers["session"] = (f"ended {api.get(f'/api/v1/sessions/{sid}')['endTime']}; "
                               f"{len(api.get(f'/api/v1/sessions/{sid}/events')['items'])} timeline events")


def walk_ended_dashboard(call):
    """The ended session on the dashboard: the same screens, everyone left, no Kick out."""
    try:
        walk_dashboard(call.dash, call.api, call.sid, call.check, expect_drop=bool(call.window), suffix="-ended")
    except Exception as e:  # noqa: BLE001
        call.check(False, f"walking the dashboard (ended): {type(e).__name__}: {e}")


def main():
    with Call(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None) as call:
        measure_collector_size(call)
        open_participants(call)
        measure_wire(call)
        check_session(call)
        check_participants(call)
        check_streams(call)
        server_outage(call)
        impaired_uplink(call)
        walk_ongoing_dashboard(call)
        kick_through_api(call)
        mute(call)
        reload_page(call)
        kick_from_dashboard(call)
        measure_collector_ticks(call)
        end_session(call)
        walk_ended_dashboard(call)
    call.report()


if __name__ == "__main__":
    main()
