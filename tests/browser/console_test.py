#!/usr/bin/python3
"""console_test.py - the office console (/console/) in a real browser.

Debian's chromium, headless, driven through chromedriver by Debian's
python3-selenium, against a real build/office (its own data directory
and port on 127.0.0.1, started here and killed by its PID at the end)
and a real build/kiosk (replay scripts and one kiosk left running for
its heartbeats). Each case asserts what a member of staff sees; waits
are WebDriverWait on the page's DOM, never sleeps. Every console page is
saved at desktop (1366x900) and phone (390x844) width to
BUILD/browser/office-*.png (docs/TESTING.md, "The console in a real
browser").

Usage: tests/browser/console_test.py [BUILD_DIR]   (from the source tree)
Prints "ok   browser: CASE" or "FAIL browser: CASE: why" per case and a
last line "browser: N passed, N failed, N skipped"; exit 0 when none
failed, 77 when chromium, chromedriver or selenium is missing.
"""
import base64
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.request

try:
    from selenium import webdriver
    from selenium.common.exceptions import (NoAlertPresentException,
                                            StaleElementReferenceException,
                                            TimeoutException)
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select, WebDriverWait
except ImportError:   # checked in main(): a visible skip
    webdriver = None

CHROMIUM = os.environ.get("LK_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("LK_CHROMEDRIVER", "/usr/bin/chromedriver")
PASSWORD = "demo-password"          # every account of this test office
DESKTOP = (1366, 900)
PHONE = (390, 844)
WAIT = 30                           # seconds for a page to show something

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


# ---- the office and the kiosks ----

class Office:
    """A build/office on 127.0.0.1 (a free port) with its own data dir:
    organisation, community cuihu, users admin, wang (manager), li and
    zhao (clerks), kiosks lobby-east (replayed) and lobby-west (left
    running for its heartbeats)."""

    def __init__(self, build, tmp):
        self.build, self.tmp = build, tmp
        self.conf = os.path.join(tmp, "office.conf")
        self.proc = None
        self.url = None
        self.lines = []
        with open(self.conf, "w", encoding="utf-8") as f:
            f.write("; the browser tests' office (tests/browser/console_test.py)\n"
                    "[server]\nlisten = 127.0.0.1:0\nthreads = 4\n"
                    "[storage]\ndata_dir = %s/data\n"
                    "[staff]\nsession_idle_minutes = 1\n"
                    "[fleet]\nheartbeat_interval_min = 1\ntick_s = 1\n" % tmp)

    def ctl(self, *args, stdin=None):
        r = subprocess.run([os.path.join(self.build, "officectl"), "--config", self.conf] +
                           list(args), input=stdin, capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise Failure("officectl %s: %s%s" % (" ".join(args), r.stdout, r.stderr))
        return r.stdout

    def setup(self):
        pw = "%s\n%s\n" % (PASSWORD, PASSWORD)
        self.ctl("init", "--org", "翠湖物业服务有限公司", "--admin", "admin", stdin=pw)
        self.ctl("community", "add", "cuihu", "翠湖花园社区", "Cuihu Garden Community")
        self.ctl("content", "import", "cuihu", "assets/content/sample.json")
        self.ctl("user", "add", "wang", "--role", "manager", "--community", "cuihu", stdin=pw)
        self.ctl("user", "add", "li", "--role", "clerk", "--community", "cuihu", stdin=pw)
        self.ctl("user", "add", "zhao", "--role", "clerk", "--community", "cuihu", stdin=pw)

    def add_kiosk(self, name):
        out = self.ctl("kiosk", "add", "cuihu", name)
        m = re.search(r"enrolment code (\S+)", out)
        check(m, "no enrolment code in: " + out)
        return m.group(1)

    def start(self):
        self.proc = subprocess.Popen([os.path.join(self.build, "office"), "--config", self.conf],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, cwd=ROOT)
        for line in self.proc.stdout:          # its readiness line, or its exit
            self.lines.append(line)
            m = re.search(r"listening on (\S+)", line)
            if m:
                self.url = m.group(1)
                break
        if not self.url:
            raise Failure("the office did not start: " + "".join(self.lines))
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        for line in self.proc.stdout:
            self.lines.append(line)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


class Kiosk:
    """A kiosk enrolled with the office: its own settings and data dir."""

    def __init__(self, build, tmp, name):
        self.build = build
        self.dir = os.path.join(tmp, name)
        os.makedirs(self.dir)
        self.conf = os.path.join(self.dir, "kiosk.conf")
        self.proc = None
        with open(self.conf, "w", encoding="utf-8") as f:
            f.write("; a browser test's kiosk\n[kiosk]\ndata_dir = %s/data\nshare_dir = %s\n"
                    "[upload]\nupload_times =\nupload_batch_min = 1\n"
                    "backoff_base_s = 0.05\nbackoff_cap_s = 0.2\n"
                    "heartbeat_interval_min = 1\n"
                    "connect_timeout_s = 2\ntransfer_timeout_s = 10\n" % (self.dir, ROOT))

    def ctl(self, *args):
        r = subprocess.run([os.path.join(self.build, "kioskctl"), "--config", self.conf] +
                           list(args), capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise Failure("kioskctl %s: %s%s" % (" ".join(args), r.stdout, r.stderr))
        return r.stdout

    def replay(self, script, size="1280x800"):
        path = os.path.join(self.dir, "walk.replay")
        with open(path, "w", encoding="utf-8") as f:
            f.write(script)
        r = subprocess.run([os.path.join(self.build, "kiosk"), "--replay", path, "--config",
                            self.conf, "--size", size], capture_output=True, text=True,
                           timeout=120, env=kiosk_env())
        if r.returncode != 0:
            raise Failure("kiosk --replay: exit %d: %s" % (r.returncode, r.stderr))

    def dump(self, script):
        """Play `script`, then dump the frame: its text lines, joined."""
        out = os.path.join(self.dir, "frame.txt")
        self.replay(script + "dump %s\n" % out)
        with open(out, encoding="utf-8") as f:
            frame = f.read()
        return frame

    def run(self):
        """The kiosk program itself, left running (its uploader heartbeats)."""
        self.proc = subprocess.Popen([os.path.join(self.build, "kiosk"), "--config", self.conf,
                                      "--size", "1280x800"], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, env=kiosk_env())

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)      # a kiosk that just goes silent
            self.proc.wait()


def kiosk_env():
    env = dict(os.environ)
    env.update(SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    return env


def frame_text(frame):
    """The text drawn on a dumped frame, one string per line of text."""
    out = []
    for line in frame.splitlines():
        p = line.split(" ", 4)
        if p[0] == "text" and len(p) == 5:
            out.append(p[4])
    return out


# ---- the staff API, for what a test sets up behind the browser's back ----

NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))   # loopback, direct


class Api:
    def __init__(self, base):
        self.base = base
        self.cookie = ""     # by hand: a cookie jar keeps a Secure cookie off plain http
        self.csrf = ""

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        rq = urllib.request.Request(self.base + path, data=data, method=method)
        rq.add_header("Accept", "application/json")
        if data is not None:
            rq.add_header("Content-Type", "application/json")
        if method != "GET" and self.csrf:
            rq.add_header("X-CSRF-Token", self.csrf)
        if self.cookie:
            rq.add_header("Cookie", self.cookie)
        try:
            with NO_PROXY.open(rq, timeout=30) as r:
                c = r.headers.get("Set-Cookie")
                if c:
                    self.cookie = c.split(";", 1)[0]
                text = r.read().decode()
                return r.status, json.loads(text) if text else None
        except urllib.error.HTTPError as e:
            text = e.read().decode()
            try:
                return e.code, json.loads(text)
            except ValueError:
                return e.code, None

    def login(self, user):
        st, me = self.call("POST", "/api/office/login", {"user": user, "password": PASSWORD})
        check(st == 200, "API sign-in of %s: %s %s" % (user, st, me))
        self.csrf = me["csrf"]
        return self


# ---- the browser ----

def chrome(tmp):
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in ("--headless=new", "--disable-gpu", "--disable-dev-shm-usage",
              "--window-size=%d,%d" % DESKTOP, "--lang=zh-CN", "--no-first-run",
              "--no-default-browser-check", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--disable-default-apps",
              "--disable-extensions", "--disable-domain-reliability", "--hide-scrollbars",
              "--font-render-hinting=none", "--no-proxy-server", "--force-device-scale-factor=1",
              "--user-data-dir=" + os.path.join(tmp, "chromium"),
              # loopback only: every other host name fails to resolve
              "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"):
        opts.add_argument(a)
    if os.geteuid() == 0:
        opts.add_argument("--no-sandbox")     # chromium refuses to run as root with it
    opts.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})   # the CSP's reports
    service = Service(CHROMEDRIVER, log_path=os.path.join(tmp, "chromedriver.log"))
    return webdriver.Chrome(service=service, options=opts)


class Console:
    """The browser on the office's console, with the waits the cases share."""

    def __init__(self, driver, office, shots):
        self.d, self.office, self.shots = driver, office, shots
        self.saved = []

    # waiting for what the page shows
    def wait(self, cond, what, timeout=WAIT, poll=0.1):
        try:
            return WebDriverWait(self.d, timeout, poll_frequency=poll,
                                 ignored_exceptions=(StaleElementReferenceException,)).until(
                lambda d: cond(d), what)
        except TimeoutException:
            raise Failure("waited %ds for %s; the page says: %s" %
                          (timeout, what, self.text()[:600]))

    def text(self, css="body"):
        try:
            return self.d.find_element(By.CSS_SELECTOR, css).text
        except Exception:
            return ""

    def el(self, css, what=None):
        return self.wait(lambda d: visible(d, css), what or css)

    def previews(self):
        """The preview section's four pictures once drawn, and their sizes."""
        imgs = self.wait(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".preview-grid img")) == 4 and
                         d.find_elements(By.CSS_SELECTOR, ".preview-grid img"), "four previews")
        sizes = self.wait(lambda d: d.execute_script(
            "var s = []; var all = document.querySelectorAll('.preview-grid img');"
            "for (var i = 0; i < all.length; i++) { if (!all[i].complete || !all[i].naturalWidth) return false;"
            " s.push([all[i].naturalWidth, all[i].naturalHeight]); } return s;"), "the previews drawn")
        return imgs, sizes

    def shows(self, words, css="body", timeout=WAIT):
        self.wait(lambda d: words in self.text(css), "%r in %s" % (words, css), timeout)

    def gone(self, css):
        self.wait(lambda d: not d.find_elements(By.CSS_SELECTOR, css), "%s gone" % css)

    def go(self, hash_):
        url = self.office.url + "/console/" + hash_
        if self.d.current_url == url:
            # The same address again is no navigation at all (no hashchange):
            # load it afresh, so the page is drawn for the window as it is now.
            self.d.refresh()
        else:
            self.d.get(url)

    def page(self, hash_, ready):
        """Open #/page and wait until `ready` (a CSS selector) is there
        and nothing says 正在加载 any more."""
        self.go(hash_)
        self.el(ready)
        self.wait(lambda d: not [e for e in d.find_elements(By.CSS_SELECTOR, "#main p.muted")
                                 if e.text.startswith("正在加载") or e.text.startswith("Loading")],
                  "the page loaded")

    def click(self, css, what=None):
        e = self.el(css, what)
        e.click()
        return e

    def button(self, words, root="#main"):
        """The visible button or link whose text is `words`."""
        def find(d):
            for e in d.find_elements(By.CSS_SELECTOR, root + " button, " + root + " a"):
                if e.is_displayed() and e.text.strip() == words and e.is_enabled():
                    return e
            return False
        return self.wait(find, "a button %r" % words)

    def fill(self, name, value, root="#main form"):
        e = self.el('%s [name="%s"]' % (root, name))
        e.clear()
        e.send_keys(value)
        return e

    def set_value(self, name, value, root="#main form"):
        """Set an input's value as typing would (date and time inputs)."""
        e = self.el('%s [name="%s"]' % (root, name))
        self.d.execute_script("arguments[0].value = arguments[1];"
                              "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));"
                              "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
                              e, value)
        return e

    def field_error(self, name, root="#main form"):
        return self.text('%s [data-field="%s"] .field-error' % (root, name))

    def toast(self, words):
        self.shows(words, "#toast")

    def accept_confirm(self):
        def alert(d):
            try:
                return d.switch_to.alert
            except NoAlertPresentException:
                return False
        self.wait(alert, "a confirmation").accept()

    # signing in and out
    def login(self, user, password=PASSWORD):
        self.d.delete_all_cookies()
        self.go("")
        self.el("form.login-card input[name=user]")
        self.fill("user", user, "form.login-card")
        self.fill("password", password, "form.login-card")
        self.click("form.login-card button[type=submit]")

    def signed_in(self, user):
        self.login(user)
        self.el("#main h1", "the console after sign-in")
        self.shows(user, ".who")

    def set_lang(self, lang):
        self.d.execute_script("localStorage.setItem('lk_lang', arguments[0]);", lang)

    # screenshots
    def shot(self, name, size="desktop", full=True):
        """BUILD/browser/office-NAME-SIZE.png of the page as it is; the
        whole page's height at the phone width (capped)."""
        w, h = DESKTOP if size == "desktop" else PHONE
        self.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": w, "height": h, "deviceScaleFactor": 1, "mobile": size == "phone"})
        try:
            height = h
            if full:
                height = self.d.execute_script(
                    "return Math.max(document.documentElement.scrollHeight, document.body.scrollHeight);")
                height = max(h, min(int(height), 3 * h))
            # the page from its top, without a passing note over it
            self.d.execute_script("window.scrollTo(0, 0);"
                                  "var t = document.getElementById('toast'); if (t) t.hidden = true;")
            self.wait(lambda d: d.execute_script("return document.fonts.status") == "loaded",
                      "fonts loaded")
            png = self.d.execute_cdp_cmd("Page.captureScreenshot", {
                "format": "png", "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": w, "height": height, "scale": 1}})
            path = os.path.join(self.shots, "office-%s-%s.png" % (name, size))
            with open(path, "wb") as f:
                f.write(base64.b64decode(png["data"]))
            self.saved.append(path)
        finally:
            self.d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    def phone_redraw(self):
        """Draw the page again at the phone width (set by the caller)."""
        self.d.execute_script("LK.app && LK.me && LK.app.route();")
        self.wait(lambda d: not [e for e in d.find_elements(By.CSS_SELECTOR, "#main p.muted")
                                 if e.text.startswith("正在加载") or e.text.startswith("Loading")],
                  "the page redrawn")

    def unlabelled(self):
        """Controls on the page a screen reader could not name: inputs,
        selects and text areas without a label, buttons and links
        without text."""
        return self.d.execute_script(UNLABELLED_JS)

    def shot_both(self, name, rerender=True):
        """Desktop, then phone: the page re-laid out at each width (a
        reload where the layout is chosen when drawn). Every control on
        it must have a name."""
        bad = self.unlabelled()
        check(not bad, "controls without a label on %s: %s" % (name, bad))
        self.shot(name, "desktop")
        self.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": PHONE[0], "height": PHONE[1], "deviceScaleFactor": 1, "mobile": True})
        try:
            if rerender:
                self.phone_redraw()
            # A card shows only the fields that have something to say.
            bad = self.d.execute_script(EMPTY_CARD_FIELDS_JS)
            check(not bad, "empty fields shown on the phone's cards of %s: %s" % (name, bad))
            bad = self.d.execute_script(SMALL_TARGETS_JS)
            check(not bad, "touch targets under 44 px on the phone's %s: %s" % (name, bad))
            self.shot(name, "phone")
        finally:
            self.d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


UNLABELLED_JS = """
var bad = [];
document.querySelectorAll('input, select, textarea, button, a[href]').forEach(function (e) {
  if (e.type === 'hidden' || !(e.offsetWidth || e.offsetHeight || e.getClientRects().length)) return;
  var name = (e.getAttribute('aria-label') || '').trim();
  if (!name && e.getAttribute('aria-labelledby'))
    name = e.getAttribute('aria-labelledby').split(' ').map(function (id) {
      var l = document.getElementById(id); return l ? l.textContent : ''; }).join('').trim();
  if (!name && e.labels && e.labels.length)
    name = Array.prototype.map.call(e.labels, function (l) { return l.textContent; }).join('').trim();
  if (!name && (e.tagName === 'BUTTON' || e.tagName === 'A')) name = e.textContent.trim();
  if (!name) bad.push(e.tagName.toLowerCase() + (e.name ? '[name=' + e.name + ']' : '') + (e.id ? '#' + e.id : ''));
});
return bad;
"""


# On a phone every control a finger aims at is at least 44 px high
# (the UI guide for the console: "44 px minimum touch targets on phone");
# a checkbox counts by its label, which is what a finger hits.
SMALL_TARGETS_JS = """
var bad = [];
document.querySelectorAll('button, select, input, textarea, a.btn-primary, a.btn-ghost, nav a, summary').forEach(function (e) {
  if (!e.getClientRects().length || e.type === 'hidden' || e.type === 'file') return;
  var r = e.getBoundingClientRect(), box = r;
  if (e.type === 'checkbox' || e.type === 'radio') { var l = e.closest('label') || (e.labels && e.labels[0]); if (!l) return; box = l.getBoundingClientRect(); }
  if (box.height < 43.5) bad.push(e.tagName.toLowerCase() + (e.name ? '[name=' + e.name + ']' : '') + ' "' + (e.textContent || '').trim().slice(0, 20) + '" ' + Math.round(box.height) + 'px');
});
return bad;
"""


EMPTY_CARD_FIELDS_JS = """
var bad = [];
document.querySelectorAll('table.cards-on-phone td').forEach(function (td) {
  if (!td.getClientRects().length) return;
  var s = td.textContent.replace(/\\s+/g, '');
  if ((s === '' || s === '\u2014') && !td.querySelector('button, a, input, select, textarea, img, svg'))
    bad.push((td.getAttribute('data-label') || td.className || 'a cell') + ': ' + JSON.stringify(td.textContent.trim()));
});
return bad;
"""


def visible(d, css):
    for e in d.find_elements(By.CSS_SELECTOR, css):
        if e.is_displayed():
            return e
    return False


# ---- the cases, in order (later ones use what earlier ones made) ----

class Suite:
    def __init__(self, build, tmp, shots):
        self.build, self.tmp, self.shots = build, tmp, shots
        self.office = Office(build, tmp)
        self.east = self.west = None
        self.c = None
        self.s = {}          # what the cases share: ids, codes

    def start(self):
        self.office.setup()
        code_east, code_west = self.office.add_kiosk("lobby-east"), self.office.add_kiosk("lobby-west")
        self.office.start()
        self.east = Kiosk(self.build, self.tmp, "lobby-east")
        self.west = Kiosk(self.build, self.tmp, "lobby-west")
        self.east.ctl("enroll", self.office.url, code_east)
        self.west.ctl("enroll", self.office.url, code_west)
        self.c = Console(chrome(self.tmp), self.office, self.shots)

    def stop(self):
        if self.west:
            self.west.stop()
        if self.c:
            try:
                self.c.d.quit()
            except Exception:
                pass
        self.office.stop()

    # -- a resident's suggestion, from the kiosk to the inbox --
    def case_kiosk_suggestion_reaches_the_inbox(self):
        # The resident writes on the real kiosk (ABC keys), sends it, and
        # is shown a receipt code; the kiosk uploads.
        script = "tap @tile:suggest\ntap @topic:repairs\ntap @mode:abc\n"
        script += "".join("tap @key:%s\n" % ch for ch in "lamp")
        script += "tap @key:space\n"
        script += "".join("tap @key:%s\n" % ch for ch in "broken")
        script += "tap @next\ntap @anonymous\ntap @send\n"
        sent = "\n".join(frame_text(self.east.dump(script)))
        m = re.search(r"\b([0-9A-Z]{4}-[0-9A-Z]{4})\b", sent)
        check(m, "no receipt code on the thank-you page: " + sent)
        self.s["receipt"] = m.group(1)
        self.east.ctl("upload")
        c = self.c
        c.signed_in("wang")
        c.page("#/inbox", "table.inbox-table")
        row = c.wait(lambda d: [r for r in d.find_elements(By.CSS_SELECTOR, "table.inbox-table tbody tr")
                                if "lamp broken" in r.text], "the suggestion's row")[0]
        check("新收到" in row.text, "the row's state: " + row.text)
        check("[报修]" in row.text, "the row's topic: " + row.text)
        check("lobby-east" in row.text, "the row's kiosk: " + row.text)
        check("确认收到" in row.text, "the row's one action: " + row.text)
        link = row.find_element(By.CSS_SELECTOR, "a.row-link").get_attribute("href")
        self.s["sid"] = link.rsplit("/", 1)[1]
        c.shot_both("inbox")

    # -- acknowledge and reply; the reply on the kiosk and on /r/CODE --
    def case_manager_replies_and_the_resident_sees_it(self):
        c = self.c
        c.page("#/inbox", "table.inbox-table")
        c.button("确认收到").click()
        c.el("#main form.form select[name=state]")
        check(Select(c.el("select[name=state]")).first_selected_option.text == "已确认",
              "the state the action chose")
        c.fill("reply_zh", "已收到，明天上午派电工查看。")
        c.fill("reply_en", "Received; an electrician comes tomorrow morning.")
        c.fill("note", "东门第三盏")
        c.click("#main form.form button[type=submit]")
        c.toast("已保存。")
        c.shows("已确认", ".badges")
        c.shows("已收到，明天上午派电工查看。", "ol.timeline")
        c.shows("东门第三盏", "ol.timeline .tl-note")
        c.shot_both("suggestion")
        # The kiosk's next sync brings it: "Check a reply" with the code.
        self.east.ctl("sync")
        code = self.s["receipt"].replace("-", "")
        png = os.path.join(self.shots, "kiosk-check-a-reply.png")
        script = "tap @tile:reply\n" + "".join("tap @code:%s\n" % ch for ch in code)
        script += "tap @code:ok\nshot %s\n" % png
        shown = "".join(frame_text(self.east.dump(script)))
        check("明天上午派电工查看" in shown, "the kiosk's Check a reply: " + shown[:400])
        with open(png, "rb") as f:
            check(f.read(4) == b"\x89PNG", "the kiosk's screenshot")
        # The public reply page, as a resident's phone opens it.
        c.d.get(self.office.url + "/r/" + self.s["receipt"] + "?c=cuihu")
        c.shows("已收到，明天上午派电工查看。")
        check("东门第三盏" not in c.text(), "the internal note on the public page")
        c.shot("reply-page", "phone")

    # -- a contact left on the kiosk: managers only, with a warning; gone on close --
    def case_contact_for_managers_only(self):
        script = "tap @tile:suggest\ntap @topic:repairs\ntap @mode:abc\n"
        script += "".join("tap @key:%s\n" % ch for ch in "leak")
        script += "tap @next\ntap @add-contact\n"
        script += "".join("tap @key:sym:%s\n" % ch for ch in "13800001111")
        script += "tap @next\ntap @send\n"
        self.east.replay(script)
        self.east.ctl("upload")
        c = self.c

        def open_it():
            c.page("#/inbox", "table.inbox-table")
            row = c.wait(lambda d: [r for r in d.find_elements(By.CSS_SELECTOR, "table.inbox-table tbody tr")
                                    if "leak" in r.text], "the suggestion with a contact")[0]
            row.find_element(By.CSS_SELECTOR, "a.row-link").click()
            c.el("#main form.form select[name=state]")
        # A clerk is told there is one, and does not see it.
        c.signed_in("li")
        open_it()
        check("13800001111" not in c.text("#main"), "a clerk sees the contact")
        c.shows("只有经理可以查看", "#main")
        # A manager sees it with the plain warning (its words, not a raw value).
        c.signed_in("wang")
        open_it()
        box = c.el("section.contact")
        check("13800001111" in box.text, "the contact: " + box.text)
        check("个人信息" in box.text and "[object" not in box.text, "the warning: " + box.text)
        c.shot_both("suggestion-contact", rerender=False)
        # Closing says it will be deleted, and deletes it.
        Select(c.el("select[name=state]")).select_by_value("done")
        c.shows("联系方式会被删除", "#main form.form")
        c.fill("reply_zh", "已修好漏水。")
        c.click("#main form.form button[type=submit]")
        c.toast("已保存。")
        c.shows("已办结", ".badges")
        c.gone("section.contact")
        check("13800001111" not in c.text("#main"), "the contact after closing")

    def case_assign_a_suggestion(self):
        c = self.c
        c.page("#/inbox/" + self.s["sid"], "form.inline-form")
        c.fill("user", "li", "form.inline-form")
        c.click("form.inline-form button[type=submit]")
        c.toast("已指派给 li。")
        c.wait(lambda d: "li" in [e.text for e in d.find_elements(By.CSS_SELECTOR, "dl.meta dd")],
               "li as the assignee")
        # An unknown colleague is refused beside the field, and kept.
        c.fill("user", "nobody", "form.inline-form")
        c.click("form.inline-form button[type=submit]")
        c.wait(lambda d: c.field_error("user", "form.inline-form"), "the field's message")
        check("没有这个用户" in c.field_error("user", "form.inline-form"), "unknown user message")
        check(c.el("form.inline-form input[name=user]").get_attribute("value") == "nobody",
              "what was typed is kept")

    def case_stale_suggestion_form(self):
        c = self.c
        c.page("#/inbox/" + self.s["sid"], "#main form.form select[name=state]")
        # Someone else moves it on meanwhile.
        api = Api(self.office.url).login("wang")
        st, it = api.call("GET", "/api/office/suggestions/" + self.s["sid"])
        check(st == 200, "the API's suggestion: %s" % st)
        st, _ = api.call("POST", "/api/office/suggestions/%s/state" % self.s["sid"],
                         {"state": "in_progress" if it["state"] != "new" else "acknowledged",
                          "version": it["version"]})
        check(st == 200, "the API's state change: %s" % st)
        Select(c.el("select[name=state]")).select_by_value("done")
        c.fill("reply_zh", "灯已修好。")
        c.click("#main form.form button[type=submit]")
        c.shows("这条内容刚被别人修改过", "#main form.form .form-error")
        check(c.el("textarea[name=reply_zh]").get_attribute("value") == "灯已修好。", "kept")

    # -- a clerk's draft notice, approved by a manager, on the kiosk --
    def case_clerk_notice_approved_reaches_the_kiosk(self):
        c = self.c
        c.signed_in("li")
        c.page("#/notices/new", "form.item-form")
        # Dates as Chinese staff write them, whatever the browser's locale.
        day = c.el("input[name='publish_at.day']").get_attribute("value")
        check(re.match(r"^\d{4}-\d{2}-\d{2}$", day), "the publish day: " + day)
        check(re.match(r"^\d{2}:\d{2}$", c.el("input[name='publish_at.time']").get_attribute("value")),
              "the publish time")
        c.fill("title.zh", "三号楼电梯周六保养")
        c.fill("title.en", "Lift service on Saturday")
        c.fill("body.zh", "周六9:00至12:00三号楼电梯停用保养，请走楼梯。")
        # A wrong link is refused beside the field and nothing is lost.
        c.fill("link", "http://example.cn")
        c.button("提交经理批准").click()
        c.wait(lambda d: c.field_error("link"), "the link's message")
        check("https://" in c.field_error("link"), "link message: " + c.field_error("link"))
        check(c.el("input[name='title.zh']").get_attribute("value") == "三号楼电梯周六保养", "kept")
        c.shot_both("notice-form-error", rerender=False)
        c.el("input[name=link]").clear()
        c.button("提交经理批准").click()
        c.toast("已提交，等待经理批准。")
        row = c.wait(lambda d: [r for r in d.find_elements(By.CSS_SELECTOR, "#main tbody tr")
                                if "三号楼电梯周六保养" in r.text], "the clerk's notice")[0]
        check("待批准" in row.text, "pending: " + row.text)
        check("批准发布" not in row.text, "a clerk cannot approve")
        c.signed_in("wang")
        c.page("#/notices", "#main tbody tr")
        row = [r for r in c.d.find_elements(By.CSS_SELECTOR, "#main tbody tr")
               if "三号楼电梯周六保养" in r.text][0]
        row.find_element(By.XPATH, ".//button[normalize-space()='批准发布']").click()
        c.toast("已批准并发布。")
        c.wait(lambda d: [r for r in d.find_elements(By.CSS_SELECTOR, "#main tbody tr")
                          if "三号楼电梯周六保养" in r.text and "已发布" in r.text], "published")
        c.shot_both("notices")
        self.east.ctl("sync")
        shown = "".join(frame_text(self.east.dump("tap @tile:notices\n")))
        check("三号楼电梯周六保养" in shown, "the kiosk's notices: " + shown[:400])

    def case_stale_notice_form(self):
        c = self.c
        api = Api(self.office.url).login("wang")
        st, r = api.call("GET", "/api/office/communities/cuihu/notices")
        it = [x for x in r["items"] if x["title"]["zh"] == "三号楼电梯周六保养"][0]
        self.s["notice"] = it["id"]
        c.page("#/notices/" + it["id"], "form.item-form")
        c.shot_both("notice-edit", rerender=False)
        body = dict((k, it[k]) for k in ("id", "category", "title", "body", "publish_at", "expire_at"))
        body["title"] = {"zh": "三号楼电梯周六保养（改期）"}
        body["version"] = it["version"]
        body["status"] = "published"
        st, _ = api.call("PUT", "/api/office/communities/cuihu/notices/" + it["id"], body)
        check(st == 200, "the API's edit: %s" % st)
        c.fill("title.zh", "三号楼电梯周日保养")
        c.button("发布").click()
        c.shows("在您编辑期间已被别人修改", "form.item-form .form-error")
        check(c.el("input[name='title.zh']").get_attribute("value") == "三号楼电梯周日保养", "kept")

    # -- the preview drawn by the kiosk's own renderer, four ways --
    def case_notice_preview(self):
        c = self.c
        c.signed_in("wang")
        c.page("#/notices/" + self.s["notice"], "form.item-form")
        c.click("section.preview button")
        imgs, sizes = c.previews()
        check(len(imgs) == 4 and sum(1 for w, h in sizes if w > h) == 2 and sum(1 for w, h in sizes if h > w) == 2,
              "two landscape and two portrait previews: %s" % sizes)
        c.shows("竖屏", ".preview-grid")
        c.d.execute_script("document.querySelector('.preview').scrollIntoView();")
        c.shot("notice-preview", "desktop", full=True)

    # -- the preview of a notice not saved yet: typed, drawn, nothing stored --
    def case_notice_preview_unsaved(self):
        c = self.c
        api = Api(self.office.url).login("li")
        st, before = api.call("GET", "/api/office/communities/cuihu/notices")
        check(st == 200, "the notices: %s" % st)
        c.signed_in("li")
        c.page("#/notices/new", "form.item-form")
        c.fill("title.zh", "五号楼周五停水")
        c.fill("title.en", "Block 5: water off on Friday")
        c.fill("body.zh", "周五9:00至12:00更换水管，请提前储水。")
        c.click("section.preview button")
        imgs, sizes = c.previews()
        check(len(imgs) == 4 and sorted(sizes) == [[1080, 1920], [1080, 1920], [1920, 1080], [1920, 1080]],
              "two landscape and two portrait previews: %s" % sizes)
        check(all(i.get_attribute("src").startswith("blob:") for i in imgs), "pictures of the page's own")
        c.shows("仍需保存", "section.preview")
        # Nothing was stored: the same notices, none with the typed title.
        st, after = api.call("GET", "/api/office/communities/cuihu/notices")
        check(st == 200 and len(after["items"]) == len(before["items"]) and
              "五号楼周五停水" not in json.dumps(after, ensure_ascii=False),
              "nothing stored: %d -> %d" % (len(before["items"]), len(after["items"])))
        check(c.el("input[name='title.zh']").get_attribute("value") == "五号楼周五停水", "the form kept")
        c.d.execute_script("document.querySelector('.preview').scrollIntoView();")
        c.shot("notice-preview-unsaved", "desktop", full=True)
        c.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": PHONE[0], "height": PHONE[1], "deviceScaleFactor": 1, "mobile": True})
        try:
            bad = c.d.execute_script(SMALL_TARGETS_JS)
            check(not bad, "touch targets under 44 px on the phone: %s" % bad)
        finally:
            c.d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        c.shot("notice-preview-unsaved", "phone", full=True)
        # A form that would not save is not drawn: the field is marked.
        c.fill("title.zh", "")
        c.click("section.preview button")
        c.shows("再生成预览", "section.preview")
        check(c.field_error("title.zh"), "the title's error beside it")

    # -- pictures (issue 16): picked, dropped, refused, published, served --
    def case_notice_with_pictures(self):
        c = self.c
        pics = os.path.join(self.tmp, "pictures")
        subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "sample-pictures.py"), pics],
                       check=True, stdout=subprocess.DEVNULL)
        stamp = os.path.join(pics, "stamp.png")
        notpic = os.path.join(pics, "notes.png")        # a text file named like a picture
        with open(notpic, "w") as f:
            f.write("not a picture\n")
        big = os.path.join(pics, "huge.jpg")             # over 10 MB: refused before sending
        with open(big, "wb") as f:
            f.write(b"\xff\xd8\xff" + b"\0" * (10 * 1024 * 1024))
        text = os.path.join(pics, "readme.txt")
        with open(text, "w") as f:
            f.write("hello\n")
        c.signed_in("wang")
        c.page("#/notices/new", "form.item-form fieldset.pictures")
        c.fill("title.zh", "东区停水通知（盖章）")
        c.fill("title.en", "Water off in the east blocks (stamped)")
        c.fill("body.zh", "12月10日9:00至15:00东区停水，详见盖章通知。")
        pick = c.el("fieldset.pictures input[name=images]")
        check(pick.get_attribute("accept") == "image/png,image/jpeg", "accept: " + str(pick.get_attribute("accept")))
        cam = c.d.find_element(By.CSS_SELECTOR, "fieldset.pictures input[name=images_camera]")
        check(cam.get_attribute("capture") == "environment", "the camera input")
        # Refused here: not a PNG or JPEG by its type, and too large.
        pick.send_keys(text)
        c.wait(lambda d: "readme.txt" in c.field_error("images"), "the type's message")
        check("不是 PNG 或 JPEG" in c.field_error("images"), "type: " + c.field_error("images"))
        pick.send_keys(big)
        c.wait(lambda d: "huge.jpg" in c.field_error("images"), "the size's message")
        check("超过 10 MB" in c.field_error("images"), "size: " + c.field_error("images"))
        # Refused by the office: named .png, but not a picture.
        pick.send_keys(notpic)
        c.wait(lambda d: "notes.png" in c.field_error("images"), "the office's refusal")
        check("不是可用的 PNG 或 JPEG 图片" in c.field_error("images") and "not a PNG or JPEG" in c.field_error("images"),
              "office refusal: " + c.field_error("images"))
        check(not c.d.find_elements(By.CSS_SELECTOR, "li.pic-item"), "nothing added")
        c.shot_both("notice-picture-refused", rerender=False)
        # Picked: uploaded, a thumbnail drawn from the office's copy.
        pick.send_keys(stamp)
        c.wait(lambda d: d.execute_script(
            "var i = document.querySelector('li.pic-item img.pic-thumb');"
            "return !!(i && i.complete && i.naturalWidth === 1240);"), "the stamp's thumbnail")
        check(c.field_error("images") == "", "the error cleared: " + c.field_error("images"))
        check("1240 × 1754" in c.text("li.pic-item"), "its size: " + c.text("li.pic-item"))
        # Dropped: a picture drawn in the page, dropped on the box.
        c.d.execute_async_script("""
          var done = arguments[arguments.length - 1];
          var cv = document.createElement('canvas'); cv.width = 320; cv.height = 200;
          var g = cv.getContext('2d'); g.fillStyle = '#2E7D32'; g.fillRect(0, 0, 320, 200);
          g.fillStyle = '#fff'; g.fillRect(40, 40, 240, 120);
          cv.toBlob(function (b) {
            var dt = new DataTransfer();
            dt.items.add(new File([b], 'dropped.png', {type: 'image/png'}));
            document.querySelector('.pic-drop').dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));
            done();
          }, 'image/png');""")
        c.wait(lambda d: len(d.find_elements(By.CSS_SELECTOR, "li.pic-item")) == 2, "the dropped picture")
        c.wait(lambda d: d.execute_script(
            "var i = document.querySelectorAll('li.pic-item img.pic-thumb')[1];"
            "return !!(i && i.complete && i.naturalWidth === 320);"), "the dropped thumbnail")
        # Removed again; an alt text is needed for what stays.
        c.d.find_elements(By.CSS_SELECTOR, "li.pic-item button.pic-remove")[1].click()
        c.wait(lambda d: len(d.find_elements(By.CSS_SELECTOR, "li.pic-item")) == 1, "removed")
        c.fill("pic-alt-zh-1", "盖章的停水通知")
        c.fill("pic-alt-en-1", "The stamped water-cut notice")
        c.shot_both("notice-pictures", rerender=False)
        # The same in English (the language switch redraws an empty form).
        c.click("button.lang")
        c.shows("Notices", "nav.sidenav")
        c.page("#/notices/new", "form.item-form fieldset.pictures")
        c.shows("Pictures", "fieldset.pictures legend")
        c.fill("title.zh", "东区停水通知（盖章）")
        c.fill("title.en", "Water off in the east blocks (stamped)")
        c.el("fieldset.pictures input[name=images]").send_keys(stamp)
        c.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "li.pic-item img.pic-thumb"), "the stamp (en)")
        c.fill("pic-alt-zh-1", "盖章的停水通知")
        c.fill("pic-alt-en-1", "The stamped water-cut notice")
        c.shot_both("notice-pictures-en", rerender=False)
        c.click("button.lang")
        c.shows("通知", "nav.sidenav")
        c.page("#/notices/new", "form.item-form fieldset.pictures")
        c.shows("图片", "fieldset.pictures legend")
        # A new form: filled again, this time to publish (on show from the
        # day before the kiosks' release day, whichever clock they keep).
        c.fill("title.zh", "东区停水通知（盖章）")
        c.fill("body.zh", "12月10日9:00至15:00东区停水，详见盖章通知。")
        c.fill("publish_at.day", "2026-11-30")
        c.fill("publish_at.time", "09:00")
        c.el("fieldset.pictures input[name=images]").send_keys(stamp)
        c.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "li.pic-item"), "the stamp again")
        c.button("发布").click()
        c.wait(lambda d: "中文说明" in c.field_error("images"), "the alt text's message")
        c.fill("pic-alt-zh-1", "盖章的停水通知")
        c.button("发布").click()
        c.toast("已发布")
        api = Api(self.office.url).login("wang")
        st, r = api.call("GET", "/api/office/communities/cuihu/notices")
        it = [x for x in r["items"] if x["title"]["zh"] == "东区停水通知（盖章）"][0]
        img = it["images"][0]
        check(img["width"] == 1240 and img["height"] == 1754, "filled in: %s" % img)
        check(img["url"].startswith(self.office.url + "/media/"), "its url: " + img["url"])
        with open(stamp, "rb") as f:
            data = f.read()
        check(img["sha256"] == hashlib.sha256(data).hexdigest(), "its hash")
        with urllib.request.urlopen(img["url"]) as resp:
            check(resp.read() == data, "served as uploaded")
            check(resp.headers["Content-Type"] == "image/png", "type")
            check(resp.headers["X-Content-Type-Options"] == "nosniff", "nosniff")
        # The kiosk syncs it: the picture is in its cache, named by its hash.
        self.east.ctl("sync")
        check(os.path.exists(os.path.join(self.east.dir, "data", "images", img["sha256"])),
              "the kiosk's copy of the picture")
        # And on its screen: the notice's detail draws it (the frame names
        # it by hash); the screenshot is kept for a person to look at.
        shot = os.path.join(self.shots, "kiosk-notice-picture.png")
        frame = self.east.dump("tap @tile:notices\ntap @notice:%s\nshot %s\n" % (it["id"], shot))
        drawn = [l for l in frame.splitlines() if l.startswith("image ") and img["sha256"] in l]
        check(drawn, "the picture on the kiosk's notice: " + " ".join(frame_text(frame))[:300])

    # -- the other editors --
    def case_events_editor(self):
        c = self.c
        c.page("#/events/new", "form.item-form")
        c.fill("title.zh", "重阳节茶话会")
        c.fill("description.zh", "请社区老人到活动室喝茶聊天。")
        c.fill("location.zh", "会所二楼活动室")
        c.fill("start.day", "2026-12-20")
        c.fill("start.time", "15:00")
        c.fill("end.day", "2026/12/20")       # as staff may type it
        c.fill("end.time", "14:00")
        c.button("发布").click()
        c.wait(lambda d: c.field_error("end"), "the end's message")
        check("不能早于" in c.field_error("end"), "end before start: " + c.field_error("end"))
        c.fill("end.time", "17:00")
        # The kiosk's own drawing of the event as typed, before it is saved.
        c.click("section.preview button")
        imgs, sizes = c.previews()
        check(sorted(sizes) == [[1080, 1920], [1080, 1920], [1920, 1080], [1920, 1080]],
              "two landscape and two portrait previews of the event: %s" % sizes)
        c.shows("仍需保存", "section.preview")
        c.shot_both("event-form", rerender=False)
        c.button("发布").click()
        c.toast("已发布")
        c.wait(lambda d: [r for r in d.find_elements(By.CSS_SELECTOR, "#main tbody tr")
                          if "重阳节茶话会" in r.text and "已发布" in r.text], "the event published")
        c.shot_both("events")

    def case_channels_editor(self):
        c = self.c
        c.page("#/channels/new", "form.item-form")
        c.fill("label.zh", "翠湖业主群")
        Select(c.el("select[name=kind]")).select_by_value("wechat_group")
        c.fill("url", "http://weixin.qq.com/g/abc")
        c.button("发布").click()
        c.wait(lambda d: c.field_error("url"), "the url's message")
        check("https://" in c.field_error("url"), "url: " + c.field_error("url"))
        # The office's own wording (the kiosk's content check), in Chinese
        # in the Chinese console: never the English of the API.
        check(re.search("[\u4e00-\u9fff]", c.field_error("url")) and
              "must start" not in c.field_error("url"), "url, in English: " + c.field_error("url"))
        c.fill("url", "https://weixin.qq.com/g/abc")
        tomorrow = time.localtime(time.time() + 86400)
        c.fill("expires_at.day", time.strftime("%Y-%m-%d", tomorrow))
        c.fill("expires_at.time", time.strftime("%H:%M", tomorrow))
        c.shot_both("channel-form", rerender=False)
        c.button("发布").click()
        c.toast("已发布")
        c.wait(lambda d: [r for r in d.find_elements(By.CSS_SELECTOR, "#main tbody tr")
                          if "翠湖业主群" in r.text and "已发布" in r.text], "the channel published")
        c.shows("请上传新的二维码", "#channel-reminders")
        c.shot_both("channels")

    def case_board_editor(self):
        c = self.c
        api = Api(self.office.url).login("wang")
        st, it = api.call("GET", "/api/office/suggestions/" + self.s["sid"])
        st, _ = api.call("POST", "/api/office/suggestions/%s/state" % self.s["sid"],
                         {"state": "done", "version": it["version"], "reply_zh": "灯已修好。"})
        check(st == 200, "closing the suggestion: %s" % st)
        c.page("#/board/new", "form.item-form")
        c.fill("said.zh", "居民反映东门路灯不亮。")
        c.fill("done.zh", "已更换东门三盏路灯。")
        c.fill("from_suggestions", "x1")
        c.button("发布").click()
        c.wait(lambda d: c.field_error("from_suggestions"), "the ids' message")
        c.fill("from_suggestions", self.s["sid"])
        c.shot_both("board-form", rerender=False)
        c.button("发布").click()
        c.toast("已发布")
        c.wait(lambda d: [r for r in d.find_elements(By.CSS_SELECTOR, "#main tbody tr")
                          if "东门路灯不亮" in r.text and "已发布" in r.text], "the board item")
        c.shot_both("board")

    # -- the inbox's filters --
    def case_inbox_filters(self):
        c = self.c
        c.page("#/inbox", "form.filters")
        topic = Select(c.el("form.filters select[name=topic]"))
        check("报修" in [o.text for o in topic.options], "the topic select's options")
        kiosk = Select(c.el("form.filters select[name=kiosk]"))
        check("lobby-east" in [o.text for o in kiosk.options], "the kiosk select's options")
        c.fill("from", "2026-12-01", "form.filters")
        check(c.el("form.filters input[name=from]").get_attribute("placeholder"), "a placeholder")
        topic.select_by_value("repairs")
        kiosk.select_by_value("lobby-east")
        c.click("form.filters button[type=submit]")
        c.wait(lambda d: "topic=repairs" in d.current_url and "from=2026-12-01" in d.current_url,
               "the filters in the address")
        c.el("table.inbox-table")
        check(c.el("form.filters input[name=from]").get_attribute("value") == "2026-12-01",
              "the date as typed")
        c.fill("from", "12/01/2026", "form.filters")
        c.click("form.filters button[type=submit]")
        c.wait(lambda d: c.field_error("from", "form.filters"), "the date's message")
        check("2026-12-05" in c.field_error("from", "form.filters") or
              "年" in c.field_error("from", "form.filters"), "date message")
        # Searching the text: a word of it finds it, another word nothing.
        for q, found in (("lamp", True), ("elevator", False)):
            c.page("#/inbox", "form.filters")
            c.fill("q", q, "form.filters")
            c.click("form.filters button[type=submit]")
            c.wait(lambda d: "q=" + q in d.current_url, "the search in the address")
            if found:
                c.wait(lambda d: [r for r in d.find_elements(By.CSS_SELECTOR, "table.inbox-table tbody tr")
                                  if "lamp broken" in r.text], "found by a word of it")
                check("leak" not in c.text("table.inbox-table"), "another suggestion found by 'lamp'")
            else:
                c.el("#main p.empty", "nothing found")
                check("lamp broken" not in c.text("#main"), "found by a word it lacks")

    # -- the kiosks page: a stopped kiosk turns late --
    def case_kiosk_online(self):
        self.west.run()
        c = self.c
        c.signed_in("wang")
        c.page("#/kiosks", "table.kiosk-table")

        def online(d):
            c.d.find_element(By.XPATH, "//main//button[normalize-space()='刷新']").click()
            rows = d.find_elements(By.CSS_SELECTOR, "tr[data-kiosk=lobby-west]")
            return rows and "在线" in rows[0].text
        c.wait(online, "lobby-west online", timeout=60, poll=1)
        row = c.el("tr[data-kiosk=lobby-west]").text
        check("object" not in row, "a raw value on the kiosks page: " + row)
        self.west.stop()
        self.s["west_stopped"] = time.time()

    def case_stopped_kiosk_turns_late(self):
        c = self.c
        c.signed_in("wang")
        c.page("#/kiosks", "table.kiosk-table")

        def late(d):
            c.d.find_element(By.XPATH, "//main//button[normalize-space()='刷新']").click()
            rows = d.find_elements(By.CSS_SELECTOR, "tr[data-kiosk=lobby-west]")
            return rows and "迟到" in rows[0].text
        c.wait(late, "lobby-west late (3 heartbeat intervals of 1 minute)", timeout=300, poll=2)

        # The page loads kiosks and alerts side by side: the alert may be
        # made after the alerts came back, so refresh until it is listed.
        def alerted(d):
            c.d.find_element(By.XPATH, "//main//button[normalize-space()='刷新']").click()
            lists = d.find_elements(By.CSS_SELECTOR, "ul.alerts")
            return lists and "从「在线」变为「迟到」" in lists[0].text
        c.wait(alerted, "the late alert listed", timeout=60, poll=2)
        c.shot_both("kiosks")

    # -- the kiosks page: enrol one (code and command), revoke it, ack an alert --
    def case_kiosks_enrol_revoke_ack(self):
        c = self.c
        c.signed_in("wang")
        c.page("#/kiosks", "table.kiosk-table")
        c.fill("name", "lobby 3", "#main form.form")
        c.button("生成登记码").click()
        c.wait(lambda d: c.field_error("name", "#main form.form"), "the name's message")
        check("字母、数字" in c.field_error("name", "#main form.form"), "name: " + c.field_error("name", "#main form.form"))
        c.fill("name", "lobby-3", "#main form.form")
        c.button("生成登记码").click()
        code = c.el("#enrol-code").text.strip()
        cmd = c.el("#enrol-command").text.strip()
        check(code and "kioskctl" in cmd and " enroll " in cmd and cmd.endswith(" " + code) and self.office.url in cmd,
              "the code %r and the command %r" % (code, cmd))
        c.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "tr[data-kiosk=lobby-3]"), "lobby-3 listed")
        c.shot_both("kiosks-enrol", rerender=False)
        # The command works on a kiosk, once.
        k3 = Kiosk(self.build, self.tmp, "lobby-3")
        k3.ctl("enroll", self.office.url, code)
        k3.ctl("sync")
        # Enrolled and syncing, no heartbeat yet: its last contact, and why
        # it is not judged online (not "never seen").
        def seen(d):
            c.d.find_element(By.XPATH, "//main//button[normalize-space()='刷新']").click()
            rows = d.find_elements(By.CSS_SELECTOR, "tr[data-kiosk=lobby-3]")
            return rows and "还没有发过心跳" in rows[0].text and rows[0]
        row = c.wait(seen, "lobby-3 seen without a heartbeat", poll=1)
        check("从未" not in row.text and "未发心跳" in row.text, "lobby-3: " + row.text)
        # Revoked: the kiosk can no longer sync.
        row = c.el("tr[data-kiosk=lobby-3]")
        row.find_element(By.XPATH, ".//button[normalize-space()='停用']").click()
        c.accept_confirm()
        c.toast("设备「lobby-3」已停用。")
        c.wait(lambda d: "已停用" in c.text("tr[data-kiosk=lobby-3]"), "lobby-3 revoked")
        try:
            k3.ctl("sync")
            check(False, "a revoked kiosk still syncs")
        except Failure as e:
            check("kioskctl sync" in str(e), "the revoked sync: %s" % e)
        # The late alert acknowledged: who and when instead of the button.
        li = c.wait(lambda d: [e for e in d.find_elements(By.CSS_SELECTOR, "ul.alerts li.alert-open")
                               if "lobby-west" in e.text], "lobby-west's open alert")[0]
        li.find_element(By.XPATH, ".//button[normalize-space()='知道了']").click()
        c.wait(lambda d: [e for e in d.find_elements(By.CSS_SELECTOR, "ul.alerts li.alert-done")
                          if "lobby-west" in e.text and "wang 已于" in e.text], "the alert acknowledged")

    # -- signing in and out --
    def case_sign_in_lockout(self):
        c = self.c
        c.login("zhao", "wrong-password")
        c.shows("用户名或密码不对", "form.login-card .form-error")
        c.shot_both("login-error", rerender=False)
        for _ in range(6):
            c.fill("password", "wrong-password", "form.login-card")
            c.click("form.login-card button[type=submit]")
            c.wait(lambda d: c.el("form.login-card button[type=submit]").is_enabled(), "answered")
            if "已暂时锁定" in c.text("form.login-card .form-error"):
                break
        c.shows("已暂时锁定", "form.login-card .form-error")
        # Even the right password is refused now.
        c.fill("password", PASSWORD, "form.login-card")
        c.click("form.login-card button[type=submit]")
        c.wait(lambda d: c.el("form.login-card button[type=submit]").is_enabled(), "answered")
        c.shows("已暂时锁定", "form.login-card .form-error")

    def case_sign_out_everywhere(self):
        c = self.c
        other = Api(self.office.url).login("wang")           # wang's phone
        check(other.call("GET", "/api/office/me")[0] == 200, "the other session")
        c.signed_in("wang")
        c.click("#signout-all")
        c.accept_confirm()
        c.shows("您已在所有设备上退出。", "#login-reason")
        check(other.call("GET", "/api/office/me")[0] == 401, "the other session ended")
        c.go("#/inbox")
        c.el("form.login-card")

    def case_english_toggle(self):
        c = self.c
        c.signed_in("wang")
        c.page("#/inbox", "#main h1")
        c.click("button.lang")
        c.shows("Inbox", "nav.sidenav")
        check(c.d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en", "lang=en")
        check(c.text("#main h1") == "Inbox", "the title: " + c.text("#main h1"))
        c.shot_both("inbox-en")
        c.click("button.lang")
        c.shows("待办", "nav.sidenav")
        check(c.d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-CN", "lang back")

    def case_keyboard_only(self):
        c = self.c
        c.d.delete_all_cookies()
        c.go("")
        c.el("form.login-card")
        # The user name has the focus: type, Tab, type, Enter.
        check(c.d.switch_to.active_element.get_attribute("name") == "user", "focus on the user name")
        c.d.switch_to.active_element.send_keys("wang", Keys.TAB)
        check(c.d.switch_to.active_element.get_attribute("name") == "password", "Tab to the password")
        c.d.switch_to.active_element.send_keys(PASSWORD, Keys.ENTER)
        c.el("#main h1", "signed in with the keyboard")
        # The first Tab shows "skip to the content"; Enter puts the focus there.
        c.d.refresh()                      # a fresh page: nothing has the focus
        c.el("#main h1")
        ActionChains(c.d).send_keys(Keys.TAB).perform()
        skip = c.d.switch_to.active_element
        check(skip.text == "跳到正文" and skip.is_displayed(), "the skip link: %r" % skip.get_attribute("outerHTML")[:200])
        skip.send_keys(Keys.ENTER)
        check(c.d.switch_to.active_element.get_attribute("id") == "main", "the focus in the content")
        # A page reached from the menu with the keyboard.
        link = c.d.find_element(By.CSS_SELECTOR, "nav.sidenav a[data-page=notices]")
        link.send_keys(Keys.ENTER)
        c.wait(lambda d: d.current_url.endswith("#/notices"), "the notices page")
        c.shows("通知", "#main h1")

    def case_idle_sign_out(self):
        c = self.c
        c.signed_in("wang")
        c.page("#/stats", "#main h1")
        # Nobody touches it: after session_idle_minutes (1) the console
        # signs out by itself and says why.
        c.shows("您长时间没有操作", "#login-reason", timeout=120)

    # -- 公示: the due cards agree with the postings listed under them --
    def case_postings_page(self):
        c = self.c
        c.signed_in("wang")
        c.page("#/postings", ".due-card")
        c.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "section.posting"), "the postings so far")
        # The imported sample has published account notices that name no
        # kind: no card may say that nothing was ever posted.
        published = [e.text for e in c.d.find_elements(By.CSS_SELECTOR, "section.posting")
                     if "已发布" in e.text]
        check(published, "a published posting listed: " + c.text("#main")[:400])
        for card in c.d.find_elements(By.CSS_SELECTOR, ".due-card"):
            check("还没有公示过" not in card.text,
                  "a due card says never posted beside %s: %s" % (published[0][:60], card.text))
        cards = " ".join(e.text for e in c.d.find_elements(By.CSS_SELECTOR, ".due-card"))
        check("没有标明是哪一类" in cards, "the cards say the postings name no kind: " + cards[:300])
        # A fee posting published through the office: its card gives the date.
        api = Api(self.office.url).login("wang")
        st, r = api.call("POST", "/api/office/communities/cuihu/notices", {
            "category": "accounts", "posting": "fees", "status": "published",
            "title": {"zh": "2026年物业服务费收支公示"}, "body": {"zh": "收入、支出明细见附表。"},
            "publish_at": time.strftime("%Y-%m-%dT%H:%M:%S+08:00", time.gmtime(time.time() + 7 * 3600)),
            "expire_at": time.strftime("%Y-%m-%dT%H:%M:%S+08:00", time.gmtime(time.time() + 40 * 86400))})
        check(st == 201, "the API's fee posting: %s %s" % (st, r))
        c.d.refresh()
        c.el(".due-card")
        c.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "section.posting"), "the postings so far")
        fees = [e for e in c.d.find_elements(By.CSS_SELECTOR, ".due-card") if "物业服务费" in e.text]
        check(fees and "上次公示" in fees[0].text and "现在该公示了" not in fees[0].text,
              "the fee card after a fee posting: " + (fees[0].text if fees else c.text("#main")[:300]))
        c.shows("物业服务费收支", "section.posting")
        c.shot_both("postings")
        c.click("button.lang")
        c.shows("Postings so far", "#main")
        c.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "section.posting"), "the postings so far")
        check("Never posted" not in c.text("#main"), "English: " + c.text(".due-card")[:300])
        check("Last posted" in c.text(".due-card"), "English fee card: " + c.text(".due-card")[:300])
        c.shot_both("postings-en")
        c.click("button.lang")
        c.shows("已有的公示", "#main")

    # -- 公示: an imported posting is given its kind in the notice's form --
    def case_imported_posting_given_its_kind(self):
        c = self.c
        c.signed_in("wang")
        c.page("#/postings", ".due-card")
        c.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "section.posting"), "the postings so far")
        # The sample's maintenance-fund posting came by import: no kind.
        sec = [e for e in c.d.find_elements(By.CSS_SELECTOR, "section.posting")
               if "住宅专项维修资金使用公示" in e.text]
        check(sec and "未标明类别" in sec[0].text, "the imported posting: " + c.text("#main")[:400])
        fund = [e for e in c.d.find_elements(By.CSS_SELECTOR, ".due-card") if "维修资金" in e.text]
        check(fund and "上次公示" not in fund[0].text, "the fund card before: " + c.text(".due-card")[:300])
        sec[0].find_element(By.XPATH, ".//a[normalize-space()='标明类别']").click()
        c.wait(lambda d: "/notices/maintenance-fund-2026h2" in d.current_url, "the notice's form")
        kind = Select(c.el("form.item-form select[name=posting]"))
        check(kind.first_selected_option.text == "不是法定公示", "its kind before: " + kind.first_selected_option.text)
        check([o.text for o in kind.options] == ["不是法定公示", "物业服务费收支", "维修资金使用", "公共收益"],
              "the kinds: %s" % [o.text for o in kind.options])
        kind.select_by_value("fund")
        check(Select(c.el("select[name=category]")).first_selected_option.get_attribute("value") == "accounts",
              "a posting is an account notice")
        # Too short for a fund posting (30 days here): refused beside
        # "show until", in the console's words, and what was chosen is kept.
        until = c.el("input[name='expire_at.day']").get_attribute("value")
        c.fill("expire_at.day", "2026-11-30")
        c.button("发布").click()
        c.wait(lambda d: c.field_error("expire_at"), "the period's message")
        check("至少要显示30天" in c.field_error("expire_at") and re.search(r"只有(9|10)天", c.field_error("expire_at")),
              "the period's message: " + c.field_error("expire_at"))
        check(Select(c.el("select[name=posting]")).first_selected_option.get_attribute("value") == "fund", "kept")
        c.shot_both("notice-posting-kind", rerender=False)
        c.fill("expire_at.day", until)
        c.button("发布").click()
        c.toast("已发布")
        st, it = Api(self.office.url).login("wang").call(
            "GET", "/api/office/communities/cuihu/notices/maintenance-fund-2026h2")
        check(st == 200 and it["posting"] == "fund" and it["status"] == "published",
              "stored: %s %s" % (st, {k: it.get(k) for k in ("posting", "status", "expire_at")}))
        # Its card now knows the last one and when the next is due.
        c.page("#/postings", ".due-card")
        c.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "section.posting"), "the postings so far")
        fund = [e for e in c.d.find_elements(By.CSS_SELECTOR, ".due-card") if "维修资金" in e.text][0]
        check("上次公示：2026年11月20日" in fund.text, "the fund card after: " + fund.text)
        check("下次应在" in fund.text, "the fund card's next: " + fund.text)
        sec = [e for e in c.d.find_elements(By.CSS_SELECTOR, "section.posting")
               if "住宅专项维修资金使用公示" in e.text][0]
        check("维修资金使用" in sec.text and "未标明类别" not in sec.text, "its chip: " + sec.text)
        # The same form in English.
        c.click("button.lang")
        c.shows("Notices", "nav.sidenav")
        c.page("#/notices/maintenance-fund-2026h2", "form.item-form select[name=posting]")
        check(Select(c.el("select[name=posting]")).first_selected_option.text == "Maintenance fund use",
              "English: " + Select(c.el("select[name=posting]")).first_selected_option.text)
        c.shows("Statutory posting", "form.item-form")
        c.shot_both("notice-posting-kind-en", rerender=False)
        c.click("button.lang")
        c.shows("通知", "nav.sidenav")

    # -- the audit log on a phone: short pages of short entries --
    def case_audit_compact_on_phone(self):
        c = self.c
        c.signed_in("admin")
        st, r = Api(self.office.url).login("admin").call("GET", "/api/office/audit?limit=30")
        for _ in range(max(0, 25 - len(r["items"]))):     # enough for more than a phone's page
            Api(self.office.url).login("li")
        for lang in ("zh", "en"):
            c.page("#/audit", "#main table.audit tbody tr")
            if lang == "en":
                c.click("button.lang")
                c.wait(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en",
                       "the console in English")
                c.el("#main table.audit tbody tr")
            desk = len(c.d.find_elements(By.CSS_SELECTOR, "table.audit tbody tr"))
            c.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": PHONE[0], "height": PHONE[1], "deviceScaleFactor": 1, "mobile": True})
            try:
                c.phone_redraw()
                c.el("#main table.audit tbody tr")
                rows = c.d.find_elements(By.CSS_SELECTOR, "table.audit tbody tr")
                check(desk > 20, "the test needs more than a phone's page of entries: %d" % desk)
                check(len(rows) == 20, "entries on a phone's first page: %d" % len(rows))
                c.button("加载更多" if lang == "zh" else "Show more")
                tall = max(r.rect["height"] for r in rows)
                check(tall <= 100, "an audit entry on a phone is %d px tall" % tall)
                page = c.d.execute_script("return document.documentElement.scrollHeight;")
                check(page <= 3 * PHONE[1], "the audit page on a phone is %d px long" % page)
                bad = c.d.execute_script(EMPTY_CARD_FIELDS_JS)
                check(not bad, "empty fields on the audit's cards: %s" % bad)
                c.shot("audit" + ("" if lang == "zh" else "-en"), "phone")
                # The next page comes on request.
                c.button("加载更多" if lang == "zh" else "Show more").click()
                c.wait(lambda d: len(d.find_elements(By.CSS_SELECTOR, "table.audit tbody tr")) > 20,
                       "the next page of entries")
            finally:
                c.d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        c.click("button.lang")
        c.shows("待办", "nav.sidenav")

    # -- the Content-Security-Policy never had to stop anything --
    def case_no_csp_violations(self):
        # The browser's console since the start (every page of every case
        # above): a blocked inline script, style or outside load is logged
        # there as a Content Security Policy refusal.
        c = self.c
        c.signed_in("admin")
        c.page("#/stats", "#main h1")
        logs = c.d.get_log("browser")
        bad = [e["message"] for e in logs if "Content Security Policy" in e["message"]]
        check(not bad, "CSP refusals: %s" % bad[:5])
        # It would report one: an inline script put in by a script.
        c.d.execute_script("var s = document.createElement('script');"
                           "s.textContent = 'window.lkInline = 1;'; document.body.appendChild(s);")
        check(c.d.execute_script("return window.lkInline === undefined;"), "an inline script ran")
        check([e for e in c.d.get_log("browser") if "Content Security Policy" in e["message"]],
              "the blocked inline script is not in the log")

    # -- communities: an administrator adds one; it is in every menu at once --
    def case_communities_by_admin(self):
        c = self.c
        c.signed_in("admin")
        c.page("#/communities", "table.communities tbody tr")
        check("cuihu" in c.text("table.communities"), "the list: " + c.text("table.communities"))
        c.fill("slug", "Lake Side")
        c.button("添加社区").click()
        c.wait(lambda d: c.field_error("slug"), "the short name's message")
        check("小写字母" in c.field_error("slug"), "slug: " + c.field_error("slug"))
        check("中文" in c.field_error("name_zh"), "name_zh: " + c.field_error("name_zh"))
        c.fill("slug", "cuihu")
        c.fill("name_zh", "又一个翠湖")
        c.button("添加社区").click()
        c.wait(lambda d: "已经有社区在用" in c.field_error("slug"), "taken")
        check(c.el("input[name=name_zh]").get_attribute("value") == "又一个翠湖", "kept")
        c.shot_both("communities-error", rerender=False)
        c.fill("slug", "lakeside")
        c.fill("name_zh", "湖畔花园")
        c.fill("name_en", "Lakeside Garden")
        c.button("添加社区").click()
        c.toast("已添加社区「湖畔花园」。")
        c.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "tr[data-community=lakeside]"), "lakeside listed")
        check("湖畔花园" in [o.text for o in Select(c.el(".top-community select")).options],
              "the top menu's communities")
        c.page("#/users", "#main form")
        check("湖畔花园" in c.text("fieldset[data-field=communities]"), "the new user's communities")
        c.page("#/communities", "table.communities tbody tr")
        c.shot_both("communities")
        st, r = Api(self.office.url).login("wang").call(
            "POST", "/api/office/communities", {"slug": "x", "name_zh": "x"})
        check(st == 403, "a manager adds a community: %s %s" % (st, r))

    # -- an administrator changes an account: role, communities, password, disabled --
    def case_users_edit(self):
        c = self.c
        admin = Api(self.office.url).login("admin")
        li = Api(self.office.url).login("li")
        c.signed_in("admin")
        c.page("#/users", "tr[data-user=li]")
        c.d.find_element(By.CSS_SELECTOR, "tr[data-user=li] a").click()
        c.el("form.user-access")
        c.shows("账号：li", "#main h1")
        # A manager or clerk without a community: said beside the field, nothing sent.
        Select(c.el("form.user-access select[name=role]")).select_by_value("manager")
        for box in c.d.find_elements(By.CSS_SELECTOR, "form.user-access input[name=communities]"):
            if box.is_selected():
                box.click()
        c.click("form.user-access button[type=submit]")
        c.wait(lambda d: "至少要负责一个社区" in c.field_error("communities", "form.user-access"),
               "the communities' message beside them")
        c.shot_both("users-edit", rerender=False)
        st, u = admin.call("GET", "/api/office/users/li")
        check(u["role"] == "clerk" and u["version"] == 1, "nothing sent: %s" % u)
        # Manager of cuihu: saved, at once in li's own session.
        c.click("form.user-access input[name=communities][value=cuihu]")
        c.click("form.user-access button[type=submit]")
        c.toast("已保存账号「li」的角色和负责社区。")
        c.shows("经理", "#main .page-head")
        st, me = li.call("GET", "/api/office/me")
        check(st == 200 and me["role"] == "manager", "li's session: %s %s" % (st, me))
        # A stale form: changed behind the browser's back, the save says so.
        st, u = admin.call("GET", "/api/office/users/li")
        st, _ = admin.call("PUT", "/api/office/users/li", {"role": "clerk", "communities": ["cuihu"],
                                                           "version": u["version"]})
        check(st == 200, "the API's change: %s" % st)
        Select(c.el("form.user-access select[name=role]")).select_by_value("admin")
        c.click("form.user-access button[type=submit]")
        c.shows("已被别人修改", "form.user-access .form-error")
        st, u = admin.call("GET", "/api/office/users/li")
        check(u["role"] == "clerk", "the stale form changed nothing: %s" % u)
        c.button("重新载入").click()
        c.wait(lambda d: c.el("form.user-access select[name=role]").get_attribute("value") == "clerk",
               "the page reloaded")
        # A new password: too short said beside it; then li is signed out everywhere.
        c.fill("password", "short", "form.user-password")
        c.click("form.user-password button[type=submit]")
        c.wait(lambda d: "至少10个字符" in c.field_error("password", "form.user-password"), "too short")
        c.fill("password", "li-new-password-1", "form.user-password")
        c.click("form.user-password button[type=submit]")
        c.accept_confirm()
        c.toast("已重置「li」的密码，他已在所有设备上退出。")
        st, _ = li.call("GET", "/api/office/me")
        check(st == 401, "li's session after the reset: %s" % st)
        st, _ = Api(self.office.url).call("POST", "/api/office/login",
                                          {"user": "li", "password": "li-new-password-1"})
        check(st == 200, "li signs in with the new password: %s" % st)
        # Disabled, then enabled again.
        c.button("停用此账号").click()
        c.accept_confirm()
        c.toast("账号「li」已停用。")
        c.shows("已停用", "#main .page-head")
        st, _ = Api(self.office.url).call("POST", "/api/office/login",
                                          {"user": "li", "password": "li-new-password-1"})
        check(st == 401, "a disabled li signs in: %s" % st)
        c.button("重新启用此账号").click()
        c.toast("账号「li」已重新启用。")
        c.shows("正常", "#main .page-head")
        # In English, a refusal beside its field too.
        c.set_lang("en")
        c.go("#/users/li")
        c.d.refresh()                      # the language is read when the page loads
        c.el("form.user-access")
        c.shows("Account: li", "#main h1")
        c.fill("password", "short", "form.user-password")
        c.click("form.user-password button[type=submit]")
        c.wait(lambda d: "At least 10 characters" in c.field_error("password", "form.user-password"), "too short, in English")
        c.shot_both("users-edit-en", rerender=False)
        c.set_lang("zh")
        # Oneself: the role not changeable, no disabling.
        c.go("#/users/admin")
        c.d.refresh()
        c.el("form.user-access")
        check(not c.el("form.user-access select[name=role]").is_enabled(), "one's own role fixed")
        c.shows("不能停用自己的账号", "form.user-state")
        check(not c.d.find_elements(By.CSS_SELECTOR, "form.user-state button"), "no button to disable oneself")
        # The audit log says what was done, in the console's words.
        c.page("#/audit", "#main table.audit tbody tr")
        log = c.text("table.audit")
        for words in ("修改账号", "角色：经理，负责1个社区", "重置密码", "已在所有设备上退出", "停用账号", "启用账号"):
            check(words in log, "%r in the audit log: %s" % (words, log[:600]))
        check("role manager" not in log and "sessions ended" not in log, "English left in the log: " + log[:600])
        # li as the other cases know them: a clerk of cuihu with the usual password.
        st, u = admin.call("GET", "/api/office/users/li")
        st, _ = admin.call("POST", "/api/office/users/li/password", {"password": PASSWORD, "version": u["version"]})
        check(st == 200 and u["role"] == "clerk" and u["communities"] == ["cuihu"] and not u["disabled"],
              "li restored: %s %s" % (st, u))

    # -- overdue suggestions: listed first and standing out --
    def case_inbox_overdue(self):
        # A community of its own (so no other case meets these rows) filled
        # by `officectl demo`: suggestions received hours to weeks ago
        # through the store's receiving calls, some still new after the
        # 24 h to acknowledge, some open after the 7 days to close.
        o = self.office
        o.ctl("community", "add", "harbour", "港湾小区", "Harbour Court")
        o.ctl("kiosk", "add", "harbour", "harbour-lobby")
        pw = "%s\n%s\n" % (PASSWORD, PASSWORD)
        o.ctl("user", "add", "zhou", "--role", "manager", "--community", "harbour", stdin=pw)
        o.ctl("demo", "harbour", "harbour-lobby", "zhou")
        c = self.c
        c.signed_in("zhou")
        c.page("#/inbox", "table.inbox-table tbody tr")
        rows = c.d.find_elements(By.CSS_SELECTOR, "table.inbox-table tbody tr")
        over = [("is-overdue" in (r.get_attribute("class") or "").split()) for r in rows]
        n_over = sum(over)
        check(n_over >= 4, "overdue rows: %d of %d" % (n_over, len(rows)))
        check(over == sorted(over, reverse=True),
              "the overdue rows are not first: %s" % over)
        labels = [r.find_element(By.CSS_SELECTOR, "td").text for r in rows[:n_over]]
        check(any("逾期未确认" in x for x in labels) and any("逾期未办结" in x for x in labels),
              "the overdue labels: %s" % labels)
        for r in rows[:n_over]:
            b = r.find_elements(By.CSS_SELECTOR, ".badge.overdue")
            check(b and b[0].is_displayed(), "no overdue badge on: " + r.text)
        check(not [r for r in rows[n_over:] if r.find_elements(By.CSS_SELECTOR, ".badge.overdue")],
              "an overdue badge on a row that is not overdue")
        # Red, and only there (the UI guide: red only for overdue and alerts).
        red = "198, 40, 40"          # #C62828, as rgb(...) or rgba(..., 1)
        badge = rows[0].find_element(By.CSS_SELECTOR, ".badge.overdue")
        check(red in badge.value_of_css_property("background-color"),
              "the badge's colour: " + badge.value_of_css_property("background-color"))
        check(red in rows[0].find_element(By.CSS_SELECTOR, "td").value_of_css_property("box-shadow"),
              "the overdue row's red edge: " +
              rows[0].find_element(By.CSS_SELECTOR, "td").value_of_css_property("box-shadow"))
        # The counts over the list: the overdue count, in red.
        count = c.el(".counts .count-overdue")
        check(count.find_element(By.CSS_SELECTOR, ".count-n").text == str(n_over),
              "the overdue count: %r, rows %d" % (count.text, n_over))
        check("alert" in count.get_attribute("class").split(), "the count does not stand out")
        check(red in count.find_element(By.CSS_SELECTOR, ".count-n").value_of_css_property("color"),
              "the count's colour")
        c.shot_both("inbox-overdue")
        # At the phone width: cards, the overdue ones first with a red edge.
        c.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": PHONE[0], "height": PHONE[1], "deviceScaleFactor": 1, "mobile": True})
        try:
            c.phone_redraw()
            rows = c.d.find_elements(By.CSS_SELECTOR, "table.inbox-table tbody tr")
            over = [("is-overdue" in (r.get_attribute("class") or "").split()) for r in rows]
            check(sum(over) == n_over and over == sorted(over, reverse=True),
                  "the phone's order: %s" % over)
            check(red in rows[0].value_of_css_property("border-left-color"),
                  "the phone card's edge: " + rows[0].value_of_css_property("border-left-color"))
            check(rows[0].find_element(By.CSS_SELECTOR, ".badge.overdue").is_displayed(),
                  "the phone card's overdue label")
            check(c.el(".counts .count-overdue .count-n").text == str(n_over), "the phone's count")
        finally:
            c.d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        # Only the overdue ones, from the count.
        c.click(".counts .count-overdue")
        c.wait(lambda d: len(d.find_elements(By.CSS_SELECTOR, "table.inbox-table tbody tr")) == n_over,
               "only the %d overdue rows" % n_over)

    # -- every page, for the record --
    def case_every_page_screenshot(self):
        c = self.c
        c.go("")
        c.d.delete_all_cookies()
        c.go("")
        c.el("form.login-card")
        c.shot_both("login", rerender=False)
        c.signed_in("admin")
        for name, hash_, ready in (("stats", "#/stats", "#main h1"),
                                   ("users", "#/users", "#main table"),
                                   ("audit", "#/audit", "#main table"),
                                   ("notice-new", "#/notices/new", "form.item-form")):
            c.page(hash_, ready)
            c.shot_both(name)
        text = c.text("body")
        check("undefined" not in text and "[object" not in text, "raw values on a page")


CASES = [
    "kiosk_online",
    "kiosk_suggestion_reaches_the_inbox",
    "manager_replies_and_the_resident_sees_it",
    "contact_for_managers_only",
    "assign_a_suggestion",
    "stale_suggestion_form",
    "clerk_notice_approved_reaches_the_kiosk",
    "stale_notice_form",
    "notice_preview",
    "notice_preview_unsaved",
    "notice_with_pictures",
    "events_editor",
    "channels_editor",
    "board_editor",
    "inbox_filters",
    "sign_in_lockout",
    "english_toggle",
    "sign_out_everywhere",
    "postings_page",
    "imported_posting_given_its_kind",
    "communities_by_admin",
    "users_edit",
    "every_page_screenshot",
    "audit_compact_on_phone",
    "keyboard_only",
    "idle_sign_out",
    "stopped_kiosk_turns_late",
    "kiosks_enrol_revoke_ack",
    "no_csp_violations",
    "inbox_overdue",
]


# The screenshots kept in docs/screenshots/ (LK_BROWSER_DOCS=1 copies them
# there after a run): docs name -> build/browser name.
DOC_SHOTS = {
    "office-login.png": "office-login-desktop.png",
    "office-inbox.png": "office-inbox-desktop.png",
    "office-inbox-phone.png": "office-inbox-phone.png",
    "office-inbox-overdue.png": "office-inbox-overdue-desktop.png",
    "office-inbox-overdue-phone.png": "office-inbox-overdue-phone.png",
    "office-suggestion.png": "office-suggestion-desktop.png",
    "office-suggestion-phone.png": "office-suggestion-phone.png",
    "office-notices.png": "office-notices-desktop.png",
    "office-notice-edit.png": "office-notice-edit-desktop.png",
    "office-notice-pictures.png": "office-notice-pictures-desktop.png",
    "office-notice-pictures-phone.png": "office-notice-pictures-phone.png",
    "office-notice-pictures-en.png": "office-notice-pictures-en-desktop.png",
    "office-notice-picture-refused.png": "office-notice-picture-refused-desktop.png",
    "office-event-form.png": "office-event-form-desktop.png",
    "office-channels.png": "office-channels-desktop.png",
    "office-board.png": "office-board-desktop.png",
    "office-postings.png": "office-postings-desktop.png",
    "office-notice-posting-kind.png": "office-notice-posting-kind-desktop.png",
    "office-kiosks.png": "office-kiosks-desktop.png",
    "office-kiosks-phone.png": "office-kiosks-phone.png",
    "office-kiosks-enrol.png": "office-kiosks-enrol-desktop.png",
    "office-suggestion-contact.png": "office-suggestion-contact-desktop.png",
    "office-notice-preview.png": "office-notice-preview-desktop.png",
    "office-notice-preview-unsaved.png": "office-notice-preview-unsaved-desktop.png",
    "office-notice-preview-unsaved-phone.png": "office-notice-preview-unsaved-phone.png",
    "office-stats.png": "office-stats-desktop.png",
    "office-users.png": "office-users-desktop.png",
    "office-users-phone.png": "office-users-phone.png",
    "office-users-edit.png": "office-users-edit-desktop.png",
    "office-users-edit-phone.png": "office-users-edit-phone.png",
    "office-users-edit-en.png": "office-users-edit-en-desktop.png",
    "office-users-edit-en-phone.png": "office-users-edit-en-phone.png",
    "office-communities.png": "office-communities-desktop.png",
    "office-audit.png": "office-audit-desktop.png",
    "office-audit-phone.png": "office-audit-phone.png",
    "office-kiosk-reply.png": "kiosk-check-a-reply.png",
    "office-kiosk-notice-picture.png": "kiosk-notice-picture.png",
}


def missing():
    if webdriver is None:
        return "no python3-selenium"
    for p, what in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromedriver")):
        if not os.access(p, os.X_OK):
            return "no " + what
    return None


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    only = os.environ.get("LK_BROWSER_CASES", "")
    why = missing()
    if why:
        print("browser: skipped: %s" % why)
        return 77
    os.chdir(ROOT)
    build = os.path.abspath(build)
    shots = os.path.join(build, "browser")
    os.makedirs(shots, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="lk-browser-")
    suite = Suite(build, tmp, shots)
    passed = failed = 0
    try:
        try:
            suite.start()
        except Exception as e:
            print("FAIL browser: start: %s" % e)
            traceback.print_exc()
            print("browser: 0 passed, 1 failed, 0 skipped")
            return 1
        for name in CASES:
            if only and name not in only.split(","):
                continue
            t0 = time.time()
            try:
                getattr(suite, "case_" + name)()
                passed += 1
                print("ok   browser: %s (%.1f s)" % (name, time.time() - t0), flush=True)
            except Exception as e:
                failed += 1
                print("FAIL browser: %s: %s" % (name, e), flush=True)
                if not isinstance(e, Failure):
                    traceback.print_exc()
                try:
                    suite.c.d.save_screenshot(os.path.join(shots, "fail-%s.png" % name))
                except Exception:
                    pass
    finally:
        suite.stop()
        if failed:
            print("the office's output:\n" + "".join(suite.office.lines[-40:]))
        shutil.rmtree(tmp, ignore_errors=True)
    if os.environ.get("LK_BROWSER_DOCS") == "1" and not failed and not only:
        for doc, built in sorted(DOC_SHOTS.items()):
            shutil.copyfile(os.path.join(shots, built), os.path.join(ROOT, "docs", "screenshots", doc))
        print("browser: %d screenshots copied to docs/screenshots/" % len(DOC_SHOTS))
    print("browser: %d passed, %d failed, 0 skipped" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
