#!/usr/bin/env python3
"""The dashboard in a real browser: sign in, walk every screen, compare with the API.

Starts `callscope serve` with a known admin password, fills it with `callscope simulate` and a
session of our own whose participant is named `<img src=x onerror=alert(1)>` and whose error
message holds HTML, then drives headless Chromium:

- /sessions redirects to /login; a wrong password is refused; the right one signs in;
- the sessions list shows every session with the API's participant counts;
- a session's Overview shows the API's participant minutes, initiating time and unique
  participants; the hostile name and error text render as text (no alert, no injected element);
- the Errors tab explains the error; Session stats draws charts with their limits; View
  Analytics opens the participant sidebar as a drawer with four health bars;
- a new ongoing session appears in the open list without a reload (live);
- an ongoing call's verdict names the impaired uplink on the open Overview within one health
  slice of the data arriving, and the Settings page's limits re-judge it (dashboard_diagnosis.py);
- every screen is saved as a screenshot at 1280 px and 390 px, light and dark, in the folder
  given as the second argument (default: a temporary folder, printed at the end).

Usage: dashboard.py PATH_TO_CALLSCOPE_BINARY [SCREENSHOT_DIR]
Skips (exit 0, with the reason) when Chromium or selenium are missing, unless CI is set.
"""
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from harness import API_TOKEN, INGEST_KEY, Server, free_port, request  # noqa: E402

ADMIN_PASSWORD = "e2e-admin-password"
HOSTILE = "<img src=x onerror=alert(1)>"


def skip_or_fail(reason):
    print(f"dashboard: {'FAILED' if os.environ.get('CI') else 'skipped'}, {reason}")
    sys.exit(1 if os.environ.get("CI") else 0)


try:
    from selenium.webdriver.common.action_chains import ActionChains
except ImportError:
    skip_or_fail("python selenium is not installed (pip install selenium)")
for path in ("/usr/bin/chromium", "/usr/bin/chromedriver"):
    if not os.path.exists(path):
        skip_or_fail(f"{path} is missing (apt-get install chromium chromium-driver)")
from dashboard_walk import Dashboard, check_overview_fields, check_sessions_list, chromium  # noqa: E402
from dashboard_diagnosis import live_diagnosis, settings  # noqa: E402


def api(port, path):
    return request(port, path, token=API_TOKEN)


def hostile_session(port):
    """A session of our own: a hostile participant name and an error message with HTML in it."""
    t0 = int(time.time() * 1000) - 30_000
    base = {"meetingId": "e2e-hostile-room"}
    body = [
        dict(base, type="join", participantId="mallory", seq=1, ts=t0, name=HOSTILE, setupMs=640,
             userAgent="Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36"),
        dict(base, type="join", participantId="trent", seq=1, ts=t0 + 1000, name="Trent", setupMs=900),
        dict(base, type="error", participantId="mallory", seq=2, ts=t0 + 5000, code="getusermedia-denied",
             message="NotAllowedError: <script>alert(2)</script> denied"),
    ]
    return request(port, "/ingest/v1", body)["acks"][0]["sessionId"]


def main():
    binary = os.path.abspath(sys.argv[1])
    shots = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp(prefix="callscope-screens-")
    os.makedirs(shots, exist_ok=True)
    work = tempfile.mkdtemp(prefix="callscope-dashboard-")
    port = free_port()
    log = open(os.path.join(work, "server.log"), "w")
    server = Server(binary, os.path.join(work, "d.sqlite"), port, ["--admin-password", ADMIN_PASSWORD], log=log)
    server.start()
    base = f"http://127.0.0.1:{port}"
    failures, driver, dash = [], None, None

    def check(condition, message):
        if not condition:
            failures.append(message)
            print(f"  FAIL {message}", flush=True)
        return condition

    try:
        subprocess.run([binary, "simulate", "--server", base, "--key", INGEST_KEY, "--meetings", "2", "--participants", "3",
                        "--duration", "120", "--fast", "--screen-share"], check=True, capture_output=True, timeout=120)
        sid = hostile_session(port)
        driver = chromium()
        dash = Dashboard(driver, base, shots, check)
        text_of = dash.text_of

        dash.get("/sessions")
        check("/login" in driver.current_url, f"/sessions without signing in went to {driver.current_url}")
        dash.shoot("login")
        dash.sign_in("admin", "wrong-password")
        check("wrong username or password" in driver.page_source.lower(), "a wrong password is refused with a message")
        dash.sign_in("admin", ADMIN_PASSWORD)
        time.sleep(0.5)
        check(driver.current_url.rstrip("/").endswith("/sessions"), f"signed in to {driver.current_url}")

        listed = api(port, "/api/v1/sessions")["sessions"]
        check_sessions_list(dash, listed, expect_rows=3)
        dash.shoot("sessions")

        dash.get(f"/sessions/{sid}")
        dash.no_alert()
        check_overview_fields(dash, api(port, f"/api/v1/sessions/{sid}"))
        check(HOSTILE in text_of("table.participants"),
              "the hostile name is shown as text")
        check(not dash.find("main img"), "no element was injected by the hostile name")
        dash.shoot("overview")

        dash.get(f"/sessions/{sid}/errors")
        dash.no_alert()
        text = text_of("main")
        check("Permission denied (getUserMedia)" in text and "Suggested fix" in text, "the error is explained")
        check("<script>alert(2)</script>" in text, "the error message's HTML is shown as text")
        check(not dash.find("main script"), "no script element from the error message")
        dash.shoot("errors")

        simulated = next(s for s in listed if s["sessionId"] != sid)
        stats = dash.stats(f"/sessions/{simulated['sessionId']}")
        check(stats["charts"] >= 5, f"session stats draws {stats['charts']} charts")
        check("good ≤ 30 ms" in driver.page_source, "the jitter chart names its limit")
        plot = next(e for e in dash.find("svg.cs-chart .cs-plot-area") if e.is_displayed())
        ActionChains(driver).move_to_element(plot).perform()
        tips = dash.find(".chart-tip")
        check(tips and "UTC" in tips[0].text and "ms" in tips[0].text, f"hovering a chart shows its values: {tips[0].text if tips else None}")
        dash.shoot("stats")

        dash.get(f"/sessions/{simulated['sessionId']}")
        drawer = dash.open_drawer()
        bars = drawer["bars"] if drawer else 0
        check(bars == 4, f"the sidebar drawer shows {bars} health bars (audio, video, screen audio, screen video)")
        dash.shoot("sidebar")

        # Live: a new session appears in the open list within a few seconds, without a reload.
        dash.get("/sessions")
        marker = driver.execute_script("window.__noReload = 1; return 1")
        t0 = int(time.time() * 1000)
        request(port, "/ingest/v1", {"type": "join", "meetingId": "e2e-live-room", "participantId": "zoe",
                                     "seq": 1, "ts": t0, "name": "Zoe"})
        deadline = time.time() + 8
        while time.time() < deadline and "e2e-live-room" not in text_of("table.sessions"):
            time.sleep(0.2)
        check("e2e-live-room" in text_of("table.sessions"), "the list updated live")
        check(driver.execute_script("return window.__noReload") == marker, "without a reload")

        # Live: an ongoing session's Overview gets new timeline entries within 3 s (server-sent events).
        live_sid = request(port, "/ingest/v1", {"type": "event", "meetingId": "e2e-live-room", "participantId": "zoe",
                                                "seq": 2, "ts": t0 + 1000, "name": "heartbeat"})["acks"][0]["sessionId"]
        dash.get(f"/sessions/{live_sid}")
        driver.execute_script("window.__noReload = 2")
        time.sleep(1)
        sent_at = time.time()
        request(port, "/ingest/v1", {"type": "event", "meetingId": "e2e-live-room", "participantId": "zoe", "seq": 3,
                                     "ts": t0 + 2000, "name": "network-change", "data": {"type": "wifi"}})
        while time.time() < sent_at + 6 and "network-change" not in text_of("#timeline"):
            time.sleep(0.2)
        delay = time.time() - sent_at
        check("network-change" in text_of("#timeline") and delay <= 3.0,
              f"the Overview's timeline updated live in {delay:.1f} s")
        check(driver.execute_script("return window.__noReload") == 2, "the Overview updated without a reload")
        print(f"  live update of an ongoing session's Overview: {delay:.2f} s", flush=True)

        # The diagnosis live, then the limits that judge it (e2e/dashboard_diagnosis.py).
        diagnosed, delay = live_diagnosis(dash, port, check)
        print(f"  live diagnosis of an ongoing call: the verdict named the uplink {delay:.2f} s after the data", flush=True)
        settings(dash, diagnosed, check)
    except Exception as e:  # noqa: BLE001 - reported with the log
        failures.append(f"{type(e).__name__}: {e}")
    finally:
        if driver:
            driver.quit()
        if server.running():
            server.stop()
        log.close()

    print(f"  {len(dash.saved) if dash else 0} screenshots in {shots}")
    if failures:
        with open(os.path.join(work, "server.log")) as f:
            print("  server log (last 20 lines):\n" + "".join("    " + line for line in f.readlines()[-20:]))
        print(f"dashboard: FAILED, {len(failures)} problem(s)")
        for f in failures:
            print(f"  - {f}")
        sys.exit(1)
    print("dashboard: passed (sign-in, sessions, overview, errors, stats, sidebar, live list, hostile strings inert)")


if __name__ == "__main__":
    main()
