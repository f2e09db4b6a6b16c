"""One breadcrumb scheme on every page below a home, and the menu says where
the user is.

Each demo role follows the links of its pages from its home (a bounded crawl,
a few pages of each kind). Every page other than a home has one breadcrumb
trail (``<nav aria-label="Breadcrumb">``) that starts at the user's home and
ends with the page itself, marked ``aria-current="page"``; the menu marks at
most one item current.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command

from dashmentor.models import User
from dashmentor.roles import home_url

ROLES = ["staff", "reviewer", "mentor", "mentee", "applicant", "participant"]
SKIP = re.compile(
    r"^/admin/|^/accounts/|^/static/|^/health/|\.csv$|\.ics$|\.json$|\.svg$"
    r"|/print/$|^/$"
    # The API's own documentation page (Swagger UI) is not a page of the frame.
    r"|^/api/docs/|^/api/schema"
)
PAGES_PER_PATTERN = 2
MAX_PAGES = 70
# Pages that are no one's "below": the homes of the roles, and the pages a
# link in an e-mail opens for someone who may not be signed in.
HOMES = {
    "/staff/",
    "/apply/reviews/",
    "/cohorts/mentor/",
    "/cohorts/mentee/",
    "/apply/my/",
    "/groups/",
    "/peers/alumni/",
}


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.trails: list[dict] = []
        self._trail = None
        self.menu_current = 0
        self._in_menu = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "nav" and (a.get("aria-label") or "").lower() == "breadcrumb":
            self._trail = {"label": a.get("aria-label"), "hrefs": [], "current": []}
            self.trails.append(self._trail)
        elif self._trail is not None:
            if tag == "a" and a.get("href"):
                self._trail["hrefs"].append(a["href"])
            if tag == "li":
                self._trail["current"].append(a.get("aria-current") == "page")
        if tag == "div" and a.get("id") == "main-nav":
            self._in_menu = 1
        elif self._in_menu and tag == "div":
            self._in_menu += 1
        if self._in_menu and tag == "a" and a.get("aria-current") == "page":
            self.menu_current += 1

    def handle_endtag(self, tag):
        if tag == "nav":
            self._trail = None
        if self._in_menu and tag == "div":
            self._in_menu -= 1


def pattern_of(path: str) -> str:
    return re.sub(r"\d+", "N", urlsplit(path).path)


@pytest.fixture(scope="module")
def demo_accounts(demo_snapshot, django_db_blocker):
    with django_db_blocker.unblock():
        output = demo_snapshot.restore()
    accounts = dict(re.findall(r"^\s+(\w+)\s+(\S+@\S+)\s*$", output, re.MULTILINE))
    yield accounts
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0, reset_sequences=False)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_page_below_a_home_has_one_trail_from_that_home(
    demo_accounts, client, role
):
    user = User.objects.get(email=demo_accounts[role])
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    home = home_url(user)
    queue, seen, patterns, problems, read = deque([home]), set(), Counter(), [], 0
    while queue and read < MAX_PAGES:
        path = queue.popleft()
        if path in seen or SKIP.search(urlsplit(path).path):
            continue
        seen.add(path)
        patterns[pattern_of(path)] += 1
        if patterns[pattern_of(path)] > PAGES_PER_PATTERN:
            continue
        response = client.get(path)
        if response.status_code != 200 or "html" not in response["Content-Type"]:
            continue
        read += 1
        page = _Page()
        page.feed(response.content.decode())
        here = urlsplit(path).path
        if page.menu_current > 1:
            problems.append(f"{here}: {page.menu_current} menu items marked current")
        if here not in HOMES:
            if len(page.trails) != 1:
                problems.append(f"{here}: {len(page.trails)} breadcrumb trails")
            else:
                trail = page.trails[0]
                first = urlsplit(trail["hrefs"][0]).path if trail["hrefs"] else ""
                if first != home:
                    problems.append(f"{here}: trail starts at {first!r}, not {home}")
                if not trail["current"] or not trail["current"][-1]:
                    problems.append(f"{here}: the trail's last item is not current")
        for href in page.links:
            target = urljoin(path, href)
            parts = urlsplit(target)
            if parts.netloc in ("", "testserver") and parts.path.startswith("/"):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    assert read > 3
    assert not problems, "\n".join(sorted(set(problems)))
