#!/usr/bin/env python3
"""A real call in real Chromium through /demo, checked through the API.

Three headless Chromiums (one per participant, fake camera and microphone) join one meeting
through the demo page, which runs the collector served by the server; one of them also shares
its (fake) screen. Then:

1. one ongoing session; three participants with client info and join times > 0;
2. every stream of a mesh call (each sender's audio and video to each receiver, and the screen
   share to the two others) with bitrate, FPS and resolution consistent with Chromium's fake
   camera, RTT and jitter present;
3. the server is stopped (SIGTERM) for 10 s mid-call and started again: the collectors resend
   what they buffered, so there is no hole in any stream's samples and no sample twice;
4. a kick through the API reaches bob's page (`onKick` ran), his leave reason is `kicked`, and
   the session stays ongoing for the other two;
5. carol's mute button reaches the timeline; alice reloads her page: the collector's seq goes on
   (sessionStorage), the reload is a second attempt, and nothing is stored twice;
6. an admin signs in to the dashboard and kicks carol with the Kick out button: her page's
   `onKick` runs and she leaves with reason `kicked`;
7. the last page is closed and the session ends.

It also measures what the issue asks for: the collector's gzipped size, its wire bytes per
stream per stats tick against full reports and rtcstats' delta format on the same call
(e2e/collector_wire.js), and its time per stats tick in the browser.

Usage: browser_call.py PATH_TO_CALLSCOPE_BINARY
Skips (exit 0, with the reason) when Chromium, chromedriver or selenium are missing, unless the
environment variable CI is set: then a missing browser is a failure.
"""
import gzip
import json
import os
import shutil
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


try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
except ImportError:
    skip_or_fail("python selenium is not installed (pip install selenium)")
for path in ("/usr/bin/chromium", "/usr/bin/chromedriver"):
    if not os.path.exists(path):
        skip_or_fail(f"{path} is missing (apt-get install chromium chromium-driver)")


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
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--use-fake-ui-for-media-stream",
                 "--use-fake-device-for-media-stream", "--autoplay-policy=no-user-gesture-required",
                 "--window-size=1280,800", "--disable-background-timer-throttling",
                 "--disable-renderer-backgrounding"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
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


def main():
    binary = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="callscope-browser-")
    port = free_port()
    log = open(os.path.join(work, "server.log"), "w")
    server = Server(binary, os.path.join(work, "b.sqlite"), port, ["--admin-password", ADMIN_PASSWORD], log=log)
    server.start()
    api = API(port)
    failures, numbers = [], {}
    drivers = {}

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
        admin = drivers["admin"] = chromium()
        admin.get(f"http://127.0.0.1:{port}/sessions/{sid}")
        admin.find_element("name", "username").send_keys("admin")
        admin.find_element("name", "password").send_keys(ADMIN_PASSWORD)
        admin.find_element("css selector", "form button[type=submit]").click()
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
        print(f"  {name}: {json.dumps(value) if not isinstance(value, str) else value}")
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
    print("browser call: passed (3 Chromiums, screen share, outage, mute, API kick, reload, dashboard kick, session end)")


if __name__ == "__main__":
    main()
