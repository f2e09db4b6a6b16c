"""No page of the demo program writes when it is only read.

Each demo account the seed prints (and an anonymous visitor) follows the links
of its pages from its home, a bounded breadth-first crawl of GET requests. No
query of any of them inserts, updates or deletes a row. Two kinds of write are
not a page's and are allowed (``tests/support/writes.py``): the session of the
signed-in user, and derived caches of computed figures (the cohort dashboards,
the survey reports). Signing in writes the session and ``last_login``; it
happens before the crawl.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command

from dashmentor.models import User
from tests.support.writes import no_writes

MAX_PAGES = 60
PAGES_PER_PATTERN = 3
SKIP = re.compile(
    r"^/admin/|^/accounts/logout/|^/static/|^/health/|\.csv$|\.ics$|\.json$|\.svg$"
)
HREF = re.compile(r'<a\b[^>]*\bhref="([^"#]+)"', re.IGNORECASE)


@pytest.fixture(scope="module")
def demo_accounts(demo_snapshot, django_db_blocker):
    """The demo program in the database for the module; the accounts it prints."""
    with django_db_blocker.unblock():
        output = demo_snapshot.restore()
    accounts = dict(re.findall(r"^\s+(\w+)\s+(\S+@\S+)\s*$", output, re.MULTILINE))
    yield accounts
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0, reset_sequences=False)


def pattern_of(path: str) -> str:
    return re.sub(r"\d+", "N", urlsplit(path).path)


def crawl_without_writes(client, start: str) -> list[str]:
    """GET pages from ``start`` following links; fail at a page that writes.
    Return the pages read."""
    queue, seen, patterns, read = deque([start]), set(), Counter(), []
    while queue and len(read) < MAX_PAGES:
        path = queue.popleft()
        if path in seen or SKIP.search(urlsplit(path).path):
            continue
        seen.add(path)
        patterns[pattern_of(path)] += 1
        if patterns[pattern_of(path)] > PAGES_PER_PATTERN:
            continue
        with no_writes(f"GET {path}"):
            response = client.get(path, follow=True)
        read.append(path)
        if response.status_code != 200 or "html" not in response.get(
            "Content-Type", ""
        ):
            continue
        page = response.redirect_chain[-1][0] if response.redirect_chain else path
        for href in HREF.findall(response.content.decode(errors="replace")):
            target = urljoin(page, href.replace("&amp;", "&"))
            parts = urlsplit(target)
            if parts.netloc in ("", "testserver") and parts.path.startswith("/"):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return read


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role",
    ["anonymous", "staff", "reviewer", "mentor", "mentee", "applicant", "participant"],
)
def test_reading_the_portal_writes_nothing(demo_accounts, client, role):
    if role == "anonymous":
        start = "/"
    else:
        email = demo_accounts.get(role)
        assert email, f"the demo prints no {role} account: {demo_accounts}"
        user = User.objects.get(email=email)
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        start = "/home/"
    read = crawl_without_writes(client, start)
    assert len(read) > 3, read
