#!/usr/bin/env python3
"""The dashboard in a real browser: sign in, walk every screen, compare with the API.

Starts `callscope serve` with a known admin password, fills it with `callscope simulate` and a
session of our own whose participant is named `<img src=x onerror=alert(1)>` and whose error
message holds HTML, then drives headless Chromium:

- /sessions redirects to /login; a wrong password is refused; the right one signs in;
- the sessions list shows every session with the API's participant counts;
- a session's Overview shows the API's participant minutes and initiating time; the hostile name
  and error text render as text (no alert, no injected element);
- the Errors tab explains the error; Session stats draws charts with their limits; View
  Analytics opens the participant sidebar as a drawer with four health bars;
- a new ongoing session appears in the open list without a reload (live);
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
    from selenium import webdriver
    from selenium.common.exceptions import NoAlertPresentException, StaleElementReferenceException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.action_chains import ActionChains
except ImportError:
    skip_or_fail("python selenium is not installed (pip install selenium)")
for path in ("/usr/bin/chromium", "/usr/bin/chromedriver"):
    if not os.path.exists(path):
        skip_or_fail(f"{path} is missing (apt-get install chromium chromium-driver)")


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


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


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
    failures, driver, saved = [], None, []

    def check(condition, message):
        if not condition:
            failures.append(message)
            print(f"  FAIL {message}", flush=True)
        return condition

    def text_of(selector):
        """An element's text; live pages replace their regions, so a read may need a second try."""
        for _ in range(5):
            try:
                return driver.find_element("css selector", selector).text
            except StaleElementReferenceException:
                time.sleep(0.1)
        return driver.find_element("css selector", selector).text

    def no_alert():
        try:
            text = driver.switch_to.alert.text
            check(False, f"a script ran: alert({text})")
        except NoAlertPresentException:
            pass

    def shoot(name):
        """The current screen at 1280 and 390 px, light and dark."""
        for scheme in ("light", "dark"):
            driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                                   {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
            for width in (1280, 390):
                driver.set_window_size(width, 900)
                height = driver.execute_script("return document.documentElement.scrollHeight")
                driver.set_window_size(width, min(max(height, 600), 4000))
                path = os.path.join(shots, f"{name}-{width}-{scheme}.png")
                driver.save_screenshot(path)
                saved.append(path)
                check(driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1"),
                      f"{name} at {width} px scrolls sideways")
        driver.set_window_size(1280, 900)

    try:
        subprocess.run([binary, "simulate", "--server", base, "--key", INGEST_KEY, "--meetings", "2", "--participants", "3",
                        "--duration", "120", "--fast", "--screen-share"], check=True, capture_output=True, timeout=120)
        sid = hostile_session(port)
        driver = browser()

        driver.get(base + "/sessions")
        check("/login" in driver.current_url, f"/sessions without signing in went to {driver.current_url}")
        shoot("login")
        driver.find_element("name", "username").send_keys("admin")
        driver.find_element("name", "password").send_keys("wrong-password")
        driver.find_element("css selector", "form button[type=submit]").click()
        check("wrong username or password" in driver.page_source.lower(), "a wrong password is refused with a message")
        driver.find_element("name", "username").clear()
        driver.find_element("name", "username").send_keys("admin")
        driver.find_element("name", "password").send_keys(ADMIN_PASSWORD)
        driver.find_element("css selector", "form button[type=submit]").click()
        time.sleep(0.5)
        check(driver.current_url.rstrip("/").endswith("/sessions"), f"signed in to {driver.current_url}")

        listed = api(port, "/api/v1/sessions")["sessions"]
        rows = driver.find_elements("css selector", "table.sessions tbody tr")
        check(len(rows) == len(listed) == 3, f"the list shows {len(rows)} rows, the API {len(listed)} sessions")
        page_counts = {r.find_element("css selector", "a.meeting").text: int(r.find_elements("css selector", "td")[5].text)
                       for r in rows}
        api_counts = {s["meetingId"]: s["uniqueParticipants"] for s in listed}
        check(page_counts == api_counts, f"participants per session: page {page_counts}, API {api_counts}")
        shoot("sessions")

        driver.get(f"{base}/sessions/{sid}")
        no_alert()
        overview = api(port, f"/api/v1/sessions/{sid}")
        fields = {dt.text.strip().lower(): dd.text.strip() for dt, dd in zip(
            driver.find_elements("css selector", ".fields dt"), driver.find_elements("css selector", ".fields dd:not(.hint)"))}
        check(fields.get("participant minutes") == f"{overview['participantMinutes']:.1f} min",
              f"participant minutes: page {fields.get('participant minutes')}, API {overview['participantMinutes']}")
        check(fields.get("session initiating time") == f"{overview['initiatingTimeMs']} ms",
              f"initiating time: page {fields.get('session initiating time')}, API {overview['initiatingTimeMs']}")
        check(HOSTILE in text_of("table.participants"),
              "the hostile name is shown as text")
        check(not driver.find_elements("css selector", "main img"), "no element was injected by the hostile name")
        shoot("overview")

        driver.get(f"{base}/sessions/{sid}/errors")
        no_alert()
        text = text_of("main")
        check("Permission denied (getUserMedia)" in text and "Suggested fix" in text, "the error is explained")
        check("<script>alert(2)</script>" in text, "the error message's HTML is shown as text")
        check(not driver.find_elements("css selector", "main script"), "no script element from the error message")
        shoot("errors")

        simulated = next(s for s in listed if s["sessionId"] != sid)
        driver.get(f"{base}/sessions/{simulated['sessionId']}/stats")
        charts = driver.find_elements("css selector", "svg.cs-chart")
        check(len(charts) >= 5, f"session stats draws {len(charts)} charts")
        check("good ≤ 30 ms" in driver.page_source, "the jitter chart names its limit")
        ActionChains(driver).move_to_element(driver.find_element("css selector", "svg.cs-chart .cs-plot-area")).perform()
        tips = driver.find_elements("css selector", ".chart-tip")
        check(tips and "UTC" in tips[0].text and "ms" in tips[0].text, f"hovering a chart shows its values: {tips[0].text if tips else None}")
        shoot("stats")

        driver.get(f"{base}/sessions/{simulated['sessionId']}")
        driver.execute_script("document.querySelector('a[data-drawer]').click()")
        time.sleep(1)
        bars = driver.find_elements("css selector", ".drawer svg.cs-health-bar")
        check(len(bars) == 4, f"the sidebar drawer shows {len(bars)} health bars (audio, video, screen audio, screen video)")
        shoot("sidebar")

        # Live: a new session appears in the open list within a few seconds, without a reload.
        driver.get(base + "/sessions")
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
        driver.get(f"{base}/sessions/{live_sid}")
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
    except Exception as e:  # noqa: BLE001 - reported with the log
        failures.append(f"{type(e).__name__}: {e}")
    finally:
        if driver:
            driver.quit()
        if server.running():
            server.stop()
        log.close()

    print(f"  {len(saved)} screenshots in {shots}")
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
