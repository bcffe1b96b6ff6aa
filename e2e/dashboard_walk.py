"""Walking the dashboard's screens in Chromium, shared by e2e/dashboard.py and e2e/browser_call.py.

`Dashboard` wraps a signed-in (or about to sign in) WebDriver: it reads what each screen shows
(the sessions list, a session's Overview fields, participant table and timeline, the Errors tab,
Session stats' pickers and charts, the participant drawer) and saves screenshots of the current
screen at 1280 and 390 px, light and dark. The `check_*` functions compare a screen with the API
and report through the caller's `check(condition, message)`.

Import it after checking that selenium is installed (the scripts skip without it).
"""
import os
import time
import urllib.parse

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

WIDTHS = (1280, 390)
SCHEMES = ("light", "dark")
MAX_HEIGHT = 8000


def chromium(*flags, window="1280,900"):
    """Headless Chromium (Debian's /usr/bin/chromium and chromedriver) with extra `flags`."""
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={window}") + flags:
        options.add_argument(flag)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


class Dashboard:
    """One browser on the dashboard at `base`; screenshots go to `shots`, failures to `check`."""

    def __init__(self, driver, base, shots, check):
        self.driver, self.base, self.shots, self.check = driver, base.rstrip("/"), shots, check
        self.saved = []
        os.makedirs(shots, exist_ok=True)

    # ------------------------------------------------------------------ reading the page

    def get(self, path):
        self.driver.get(self.base + path)

    def find(self, selector):
        return self.driver.find_elements("css selector", selector)

    def text_of(self, selector):
        """An element's text; live pages replace their regions, so a read may need a second try."""
        for _ in range(5):
            try:
                return self.driver.find_element("css selector", selector).text
            except StaleElementReferenceException:
                time.sleep(0.1)
        return self.driver.find_element("css selector", selector).text

    def click(self, selector):
        """Clicks an element; a live update may replace it between the find and the click, so
        that may need a second try too."""
        for _ in range(5):
            try:
                return self.driver.find_element("css selector", selector).click()
            except StaleElementReferenceException:
                time.sleep(0.1)
        return self.driver.find_element("css selector", selector).click()

    def read(self, script, *args):
        """Runs `script` (which returns plain data) in the page: one round trip, no stale elements."""
        return self.driver.execute_script(script, *args)

    def no_alert(self):
        try:
            text = self.driver.switch_to.alert.text
            self.check(False, f"a script ran: alert({text})")
        except NoAlertPresentException:
            pass

    def shoot(self, name):
        """The current screen at 1280 and 390 px, light and dark, as NAME-WIDTH-SCHEME.png: the
        viewport is set to the page's full height (or an open drawer's), up to MAX_HEIGHT px."""
        driver = self.driver

        def viewport(width, height):
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                   {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

        try:
            for scheme in SCHEMES:
                driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                                       {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
                for width in WIDTHS:
                    viewport(width, 900)
                    height = driver.execute_script("""
                        const drawer = document.querySelector('.drawer');
                        return drawer ? drawer.scrollHeight : document.documentElement.scrollHeight;""")
                    viewport(width, min(max(height, 600), MAX_HEIGHT))
                    path = os.path.join(self.shots, f"{name}-{width}-{scheme}.png")
                    driver.save_screenshot(path)
                    self.saved.append(path)
                    self.check(driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1"),
                               f"{name} at {width} px scrolls sideways")
        finally:
            driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
            driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})

    # ------------------------------------------------------------------ signing in

    def sign_in(self, username, password):
        """Fills the login form the browser is on, submits it and waits for the answer."""
        user = self.driver.find_element("name", "username")
        user.clear()
        user.send_keys(username)
        self.driver.find_element("name", "password").send_keys(password)
        button = self.driver.find_element("css selector", "form button[type=submit]")
        button.click()
        # The answer is a new page (the form again with a message, or where the sign-in leads).
        WebDriverWait(self.driver, 15).until(expected_conditions.staleness_of(button))

    # ------------------------------------------------------------------ screens

    def session_rows(self):
        """The sessions list: one dict per row (meeting, session id, status, participants, errors)."""
        return self.read("""
            return [...document.querySelectorAll('table.sessions tbody tr')].map(tr => {
              const td = [...tr.querySelectorAll('td')].map(c => c.innerText.trim());
              return {meetingId: tr.querySelector('a.meeting')?.innerText.trim(), sessionId: td[1], status: td[2],
                      participants: parseInt(td[5], 10), errors: parseInt(td[7], 10),
                      health: td[6]};
            });""")

    def overview_fields(self):
        """The Overview's fields, by lower-case label."""
        pairs = self.read("""
            return [...document.querySelectorAll('.fields > div')].map(d =>
              [d.querySelector('dt')?.innerText.trim().toLowerCase(), d.querySelector('dd:not(.hint)')?.innerText.trim()]);""")
        return dict(pairs)

    def participant_rows(self):
        """The Overview's participant table: id, name cell, health labels, whether a Kick out is offered."""
        return self.read("""
            return [...document.querySelectorAll('table.participants tbody tr')].map(tr => ({
              participantId: tr.querySelector('td code')?.innerText.trim(),
              name: tr.querySelectorAll('td')[1]?.innerText.trim(),
              health: [...tr.querySelectorAll('td.kinds .kind')].map(k => k.getAttribute('title')),
              kick: !!tr.querySelector('form.kick')}));""")

    def timeline(self):
        """The Overview's timeline entries (`li`): time, who, what, detail."""
        return self.read("""
            return [...document.querySelectorAll('#timeline ol.timeline > li')].map(li => ({
              tone: li.className, time: li.querySelector('time')?.innerText.trim(),
              who: li.querySelector('strong')?.innerText.trim(), what: li.querySelector('.what')?.innerText.trim(),
              detail: li.querySelector('.detail')?.innerText.trim()}));""")

    def stats(self, session_path, **query):
        """Opens Session stats with `query` (sender, receiver, kind, window) and reads its pickers and
        charts (those shown: each chart may come drawn at several widths, the style sheet shows one)."""
        self.get(f"{session_path}/stats" + ("?" + urllib.parse.urlencode(query) if query else ""))
        return self.read("""
            const visible = el => el.getClientRects().length > 0;
            const select = n => [...document.querySelectorAll(`form.stats-picker select[name="${n}"] option`)]
              .map(o => ({value: o.value, label: o.innerText.trim(), selected: o.selected}));
            return {senders: select('sender'), receivers: select('receiver'), kinds: select('kind'),
                    charts: [...document.querySelectorAll('svg.cs-chart')].filter(visible).length,
                    heading: document.querySelector('#charts h2')?.innerText.trim() || null,
                    empty: document.querySelector('#charts .empty')?.innerText.trim() || null};""")

    def open_drawer(self, participant_id=None):
        """Clicks View Analytics (of `participant_id`, or the first row) and reads the drawer (its
        health bars: those shown)."""
        selector = "a[data-drawer]"
        if participant_id is not None:
            selector = f"a[data-drawer][href$='/participants/{urllib.parse.quote(participant_id, safe='')}']"
        self.driver.execute_script("document.querySelector(arguments[0]).click()", selector)
        deadline = time.time() + 5
        while time.time() < deadline and not self.find(".drawer svg.cs-health-bar"):
            time.sleep(0.1)
        time.sleep(0.3)
        return self.read("""
            const d = document.querySelector('.drawer');
            if (!d) return null;
            const facts = {};
            const dts = [...d.querySelectorAll('dl.facts dt')], dds = [...d.querySelectorAll('dl.facts dd')];
            dts.forEach((dt, i) => facts[dt.innerText.trim()] = dds[i] ? dds[i].innerText.trim() : null);
            return {name: d.querySelector('h1')?.innerText.trim(), facts,
                    bars: [...d.querySelectorAll('svg.cs-health-bar')].filter(el => el.getClientRects().length > 0).length,
                    attempts: d.querySelectorAll('table.attempts tbody tr').length};""")


# ---------------------------------------------------------------------- checks against the API

def check_sessions_list(dash, sessions, expect_rows=None):
    """Every API session is a row with the API's participant count (and `expect_rows` rows, if given)."""
    rows = dash.session_rows()
    if expect_rows is not None:
        dash.check(len(rows) == len(sessions) == expect_rows,
                   f"the list shows {len(rows)} rows, the API {len(sessions)} sessions, expected {expect_rows}")
    page = {r["sessionId"]: r["participants"] for r in rows}
    api = {s["sessionId"]: s["uniqueParticipants"] for s in sessions}
    dash.check(page == api, f"participants per session: page {page}, API {api}")
    return rows


def check_overview_fields(dash, overview, refetch=None):
    """Participant minutes, initiating time and unique participants as the API has them.

    For an ongoing session the minutes grow while we look: give the `overview` fetched before the
    page loaded and `refetch` (called after reading the page); the page must lie between the two."""
    fields = dash.overview_fields()
    later = refetch() if refetch else overview
    shown = fields.get("participant minutes")
    low, high = (f"{o['participantMinutes']:.1f}" for o in (overview, later))
    try:
        ok = shown.endswith(" min") and float(low) <= float(shown[:-4]) <= float(high)
    except (AttributeError, ValueError):
        ok = False
    dash.check(ok, f"participant minutes: page {shown}, API {low}" + (f" to {high}" if high != low else "") + " min")
    initiating = overview["initiatingTimeMs"]
    dash.check(fields.get("session initiating time") == (f"{initiating} ms" if initiating is not None else "not known yet"),
               f"initiating time: page {fields.get('session initiating time')}, API {initiating}")
    dash.check(fields.get("unique participants") == str(overview["uniqueParticipants"]),
               f"unique participants: page {fields.get('unique participants')}, API {overview['uniqueParticipants']}")
    return fields


def check_drawer(dash, drawer, participant, bars=4):
    """The participant drawer: the API's browser, OS, SDK and platform, and `bars` health bars."""
    if not dash.check(drawer is not None, f"View Analytics for {participant['participantId']} opened no drawer"):
        return
    facts = drawer["facts"]
    sdk = " ".join(x for x in (participant.get("sdkName"), participant.get("sdkVersion")) if x) or "not reported"
    for label, expected in (("Browser", participant.get("browser") or "not reported"),
                            ("OS", participant.get("os") or "not reported"),
                            ("Platform", participant.get("platform") or "not reported"),
                            ("SDK", sdk)):
        dash.check(facts.get(label) == expected,
                   f"{participant['participantId']}'s drawer: {label} {facts.get(label)!r}, API {expected!r}")
    dash.check(drawer["bars"] == bars,
               f"the drawer shows {drawer['bars']} health bars (audio, video, screen audio, screen video), not {bars}")
