"""Every page each demo role can reach from its home passes axe-core, and
fits a phone.

Over the seeded demo program, each role signs in through the form and follows
the links of its pages (a bounded breadth-first crawl: a few pages of each
kind, never the admin, sign-out or file downloads). axe-core runs on every
page: no serious or critical violation. At 1280 px no menu item wraps and
nothing sticks out of the window; at
360×740 (a small phone) the document is no wider than the window, so nothing
makes the page scroll sideways (wide tables scroll inside their own box). A
page where a check fails is saved as a screenshot, at the size it failed at;
``SWEEP_SCREENSHOTS=1`` saves every page the sweep visits, to look the portal
over (a full-page screenshot costs about a sixth of the sweep's time).

Each role is swept twice, reading the portal in English and in Spanish (its
profile's language). axe-core runs the rules of WCAG 2.2 AA (``AXE_TAGS`` in
the conftest: target size 2.5.8 among them). On a page with a form, every
control of the form is focused in turn and must not be hidden under anything
the page keeps in place while it scrolls (2.4.11, focus not obscured, for
which axe has no rule).

Each role's test puts the program in the database from the run's demo
snapshot (seeded once per run) and the module's live server serves it; the
tables are emptied after each test, as after any transactional test.

A page with a known violation in a template that is being fixed goes in
``KNOWN`` with the reason; the sweep then reports it without failing, and fails
as soon as the page is clean so the entry is removed.
"""

import os
import re
from collections import Counter
from urllib.parse import urljoin, urlsplit

import pytest
from pytest_django.live_server_helper import LiveServer

from dashmentor.models import User

# Each role's test owns the database whole, as a transactional test does: the
# live server's thread signs in and writes its session while the test runs, which
# a test transaction would block on SQLite (it holds the write lock).
pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-demo-test-passphrase"
ROLES = [
    "staff@dash.test",
    "reviewer@dash.test",
    "mentor.civic@dash.test",
    "mentee@dash.test",
    "applicant@dash.test",
]
# The API's documentation (Swagger UI) and the browsable JSON pages are the
# libraries' own pages, not the portal's templates; the API's own pages
# (tokens, webhooks) are swept.
SKIP = re.compile(
    r"^/admin/|/logout|\.csv|\.ics|\.pdf|/export|/download|/calendar/feed|/media/"
    r"|/static/|/health|^mailto:|^/api/docs/|^/api/schema/|^/api/v1/"
    r"|/signed/$|/file/$|/documents/\d+/$"
)
PAGES_PER_PATTERN = 2
MAX_PAGES = 45
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}

LANGUAGES = ["en", "es"]
# Every page visited is saved as a screenshot, not only the pages that fail.
EVERY_SCREENSHOT = os.environ.get("SWEEP_SCREENSHOTS") == "1"

# The controls of the page's forms that are entirely hidden, once focused (the
# browser scrolls them into view), under a sticky or fixed element.
FOCUS_OBSCURED = """() => {
  const fixed = [...document.querySelectorAll('body *')].filter((el) => {
    const p = getComputedStyle(el).position;
    return (p === 'sticky' || p === 'fixed') && el.offsetParent !== null;
  });
  const hidden = [];
  const controls = document.querySelectorAll(
    'main form input:not([type=hidden]), main form select, main form textarea, '
    + 'main form button');
  for (const el of controls) {
    if (el.disabled || el.offsetParent === null) continue;
    el.focus();
    const r = el.getBoundingClientRect();
    for (const cover of fixed) {
      if (cover.contains(el) || el.contains(cover)) continue;
      const c = cover.getBoundingClientRect();
      if (r.top >= c.top && r.bottom <= c.bottom && r.left >= c.left
          && r.right <= c.right) {
        hidden.push((el.name || el.id || el.tagName) + ' under '
          + cover.tagName.toLowerCase() + '.' + String(cover.className).trim());
        break;
      }
    }
  }
  document.activeElement && document.activeElement.blur();
  return hidden;
}"""

# How much wider than the window the document is, and the widest elements
# that stick out (for the failure message).
OVERFLOW = """() => {
  const width = window.innerWidth;
  const over = document.documentElement.scrollWidth - width;
  const inScroller = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  const culprits = [];
  if (over > 0) {
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.right > width + 1 && el.offsetParent !== null && !inScroller(el)) {
        culprits.push(el.tagName.toLowerCase() + '.' +
          String(el.className).trim().replace(/\\s+/g, '.') +
          ' (' + Math.round(r.right) + ' px)');
        if (culprits.length > 4) break;
      }
    }
  }
  return {over, culprits};
}"""
# The tops of the menu's items: one line means one distinct top.
MENU_LINES = """() => new Set([...document.querySelectorAll(
  '#main-nav .navbar-nav > .nav-item')].map(li => Math.round(
  li.getBoundingClientRect().top))).size"""


def fits_a_phone(page, label: str) -> str | None:
    """None when the page fits 360 px, else what sticks out."""
    page.set_viewport_size(PHONE)
    try:
        found = page.evaluate(OVERFLOW)
    finally:
        page.set_viewport_size(DESKTOP)
    if found["over"] > 0:
        return (
            f"{label}: {found['over']} px wider than a 360 px phone; "
            f"sticking out: {', '.join(found['culprits']) or 'unknown'}"
        )
    return None


# URL pattern (digits as N) → why it is known to fail. Empty when all is well.
KNOWN: dict[str, str] = {}

# The role whose crawl meets each known failure, to notice when it is fixed.
KNOWN_FOR: dict[str, set[str]] = {}


def pattern_of(path: str) -> str:
    return re.sub(r"\d+", "N", path.split("?")[0])


def internal(base: str, href: str, origin: str) -> str | None:
    url = urljoin(base, href)
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return None if SKIP.search(path) else path


@pytest.fixture(scope="module")
def demo_server(django_db_blocker):
    """A live server of this module; each test puts the demo program behind it."""
    with django_db_blocker.unblock():
        server = LiveServer("localhost")
    server._live_server_modified_settings.enable()
    try:
        yield server.url
    finally:
        server._live_server_modified_settings.disable()
        server.stop()


@pytest.fixture
def demo_site(demo_server, demo_snapshot, transactional_db, language):
    """The seeded demo program behind the module's server: (url, users by e-mail).

    The run's demo snapshot is written into the test's database (emptied again
    after the test, as after any transactional test).
    """
    demo_snapshot.restore()
    users = {user.email: user for user in User.objects.filter(email__in=ROLES)}
    for user in users.values():
        user.set_password(PASSWORD)
        user.language = language
        user.save()
    return demo_server, users


@pytest.fixture
def live_url(demo_server):
    """The browser pages of this module open the module's own server."""
    return demo_server


@pytest.fixture(params=LANGUAGES)
def language(request):
    """The language each role reads the portal in."""
    return request.param


@pytest.mark.parametrize("email", ROLES)
def test_every_page_a_role_reaches_passes_axe(
    email, language, demo_site, axe_on_every_page, live_url, shot, axe_check, sign_in
):
    user = demo_site[1].get(email)
    assert user is not None, f"the demo program has no {email}"
    page = axe_on_every_page
    sign_in(page, user, PASSWORD)
    assert "/accounts/login/" not in page.url, f"{email} could not sign in"
    origin = live_url.rstrip("/")

    queue, seen, patterns = ["/home/"], set(), Counter()
    failures, visited = [], []
    known_seen, known_failing = set(), set()
    while queue and len(visited) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        pattern = pattern_of(path)
        patterns[pattern] += 1
        if patterns[pattern] > PAGES_PER_PATTERN:
            continue
        response = page.goto(path)
        if response is None or response.status != 200:
            continue
        if "html" not in (response.headers.get("content-type") or ""):
            continue
        here = urlsplit(page.url).path
        visited.append(here)
        assert page.evaluate("() => document.documentElement.lang") == language
        name = pattern.strip("/").replace("/", "_") or "home"
        failed_before = len(failures)
        if pattern_of(here) in KNOWN:
            known_seen.add(pattern_of(here))
        if page.evaluate(MENU_LINES) > 1:
            failures.append(f"{here}: the menu wraps onto a second line at 1280 px")
        wide = page.evaluate(OVERFLOW)
        if wide["over"] > 0:
            failures.append(
                f"{here}: {wide['over']} px wider than a 1280 px window; sticking "
                f"out: {', '.join(wide['culprits']) or 'unknown'}"
            )
        phone = fits_a_phone(page, f"{email} {here}")
        if phone:
            page.set_viewport_size(PHONE)
            shot(page, name + "-360")
            page.set_viewport_size(DESKTOP)
            failures.append(phone)
        obscured = page.evaluate(FOCUS_OBSCURED)
        if obscured:
            failures.append(f"{here}: focus hidden: {', '.join(obscured[:5])}")
        try:
            axe_check(page, label=f"{language}-{email}-{here}")
        except AssertionError as exc:
            if pattern_of(here) in KNOWN:
                known_failing.add(pattern_of(here))
            else:
                failures.append(str(exc))
        if EVERY_SCREENSHOT or len(failures) > failed_before:
            shot(page, name)
        for href in page.eval_on_selector_all(
            "a[href]", "els => els.map(e => e.getAttribute('href'))"
        ):
            target = internal(page.url, href, origin)
            if target and target not in seen:
                queue.append(target)

    assert len(visited) > 3, f"{email} reached only {visited}"
    assert not failures, "\n\n".join(failures)
    # A known page whose every visit this role made is clean: KNOWN is stale.
    # (A role may see only clean instances, e.g. a work plan it cannot edit,
    # so this is checked per role over all visits of the pattern.)
    if email in KNOWN_FOR:
        stale = {p for p in KNOWN_FOR[email] if p in known_seen} - known_failing
        assert not stale, f"These pages are clean now; remove from KNOWN: {stale}"
