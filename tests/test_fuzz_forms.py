"""Property-based fuzzing of every form the portal serves.

The test crawls the portal as each role over the demo program, collects every
``<form method="post">`` it reaches, and posts random and hostile values to it
(very long strings, control characters, SQL and HTML fragments, wrong types,
missing fields). The portal must never answer 500, and a refused submission (the
page comes back with errors) must not have written a single row.

A page that lists many objects repeats one form for each (an override form per
eligibility criterion of fifty applications): every instance is posted, and the
first few of each kind get the full set of hostile examples, so the time goes
to kinds of form rather than to copies of one.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashmentor.models import User

MAX_PAGES_PER_ROLE = 80
# Hostile examples for each of the first instances of a kind of form (action and
# field names with digits as N); each further instance is posted once.
EXAMPLES_PER_FORM = 8
FULLY_FUZZED_PER_KIND = 3
SKIP_PREFIXES = ("/admin/", "/accounts/logout/", "/static/", "/health/")
SKIP_SUFFIXES = (".csv", ".ics", ".json", ".svg")
ERROR_MARKERS = ("invalid-feedback", "errorlist", "alert-danger", "is-invalid")

HOSTILE = st.one_of(
    st.text(max_size=40),
    st.text(
        alphabet=st.characters(min_codepoint=0, max_codepoint=0x2FFF), max_size=200
    ),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "99999999999999999999999",
            "1e309",
            "NaN",
            "null",
            "true",
            "2026-02-30",
            "9999-12-31T23:59",
            "'; DROP TABLE applications_application; --",
            '" OR 1=1 --',
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "{{ 7*7 }}{% debug %}",
            "../../etc/passwd",
            "\x00\x01\x02\x1b[31m",
            "\u202e\ufeff\u200b",
            "a" * 10_000,
            "word " * 3000,
            "x@y",
            "not-an-email",
            "12-34567890",
        ]
    ),
)


class FormParser(HTMLParser):
    """The post forms of a page: their action and field names."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.links: list[str] = []
        self._form: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form" and (a.get("method") or "get").lower() == "post":
            self._form = {"action": a.get("action") or "", "fields": {}}
        elif self._form is not None and tag in ("input", "textarea", "select"):
            name = a.get("name")
            if name and name != "csrfmiddlewaretoken":
                self._form["fields"][name] = a.get("type", tag)

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def crawl(client, start: str) -> list[tuple[str, dict]]:
    """(page url, form) for every post form reachable from ``start``."""
    seen, found = set(), []
    queue = deque([start])
    while queue and len(seen) < MAX_PAGES_PER_ROLE:
        url = queue.popleft()
        path = urlsplit(url).path
        if (
            url in seen
            or path.startswith(SKIP_PREFIXES)
            or path.endswith(SKIP_SUFFIXES)
        ):
            continue
        seen.add(url)
        response = client.get(url, follow=True)
        if response.status_code != 200 or "html" not in response.get(
            "Content-Type", ""
        ):
            continue
        page = response.redirect_chain[-1][0] if response.redirect_chain else url
        parser = FormParser()
        parser.feed(response.content.decode(errors="replace"))
        for form in parser.forms:
            found.append((urljoin(page, form["action"]) or page, form))
        for link in parser.links:
            target = urljoin(page, link)
            parts = urlsplit(target)
            if parts.netloc in ("", "testserver") and parts.scheme in ("", "http"):
                clean = parts.path + (f"?{parts.query}" if parts.query else "")
                if clean.startswith("/") and clean not in seen:
                    queue.append(clean)
    unique = {}
    for action, form in found:
        if urlsplit(action).path.startswith(SKIP_PREFIXES):
            continue
        key = (urlsplit(action).path, tuple(sorted(form["fields"])))
        unique.setdefault(key, (urlsplit(action).path, form))
    return list(unique.values())


def counted_models() -> list:
    return [
        m
        for m in apps.get_models()
        if m._meta.app_label
        in {"dashmentor", "applications", "cohorts", "surveys", "affinity"}
        and m._meta.label != "dashmentor.AuditEvent"
    ]


def row_counts() -> dict[str, int]:
    """Rows in each table of the portal's models, read in one query: a query
    per model, before and after each of the hundreds of posts, cost minutes."""
    models = counted_models()
    quote = connection.ops.quote_name
    # The table names come from the models, never from input.
    tables = [quote(m._meta.db_table) for m in models]
    sql = ", ".join(f"(SELECT COUNT(*) FROM {t})" for t in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}")
        counts = cursor.fetchone()
    return {m._meta.label: n for m, n in zip(models, counts, strict=True)}


@pytest.fixture(scope="module")
def demo_program(demo_snapshot, django_db_blocker):
    with django_db_blocker.unblock():
        demo_snapshot.restore()
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0, reset_sequences=False)


ROLE_EMAILS = {
    "anonymous": None,
    "applicant": "applicant@dash.test",
    "reviewer": "reviewer@dash.test",
    "mentor": "mentor.civic@dash.test",
    "mentee": "mentee@dash.test",
    "staff": "staff@dash.test",
}


@pytest.mark.parametrize("role", list(ROLE_EMAILS))
@pytest.mark.django_db
def test_no_form_answers_500_or_writes_half_when_refused(demo_program, client, role):
    email = ROLE_EMAILS[role]
    if email:
        user = User.objects.filter(email=email).first()
        if user is None:
            pytest.fail(f"the demo program has no {role} ({email})")
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        start = "/home/"
    else:
        start = "/"
    forms = crawl(client, start)
    if role == "anonymous":
        forms += [
            (path, form)
            for url in (
                "/accounts/login/",
                "/apply/signup/",
                "/accounts/password-reset/",
            )
            for path, form in crawl(client, url)
        ]
    assert forms, f"no form reached as {role}"

    instances: Counter = Counter()
    for action, form in forms:
        fields = sorted(form["fields"])
        # Digits name the object, in the action and in prefixed field names.
        kind = re.sub(r"\d+", "N", f"{action} {' '.join(fields)}")
        instances[kind] += 1
        examples = EXAMPLES_PER_FORM if instances[kind] <= FULLY_FUZZED_PER_KIND else 1
        fuzz_form(client, action, fields, examples)


def fuzz_form(client, action: str, fields: list[str], examples: int) -> None:
    """Post ``examples`` hypothesis-drawn values to one form."""

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
        ],
    )
    @given(
        values=st.fixed_dictionaries(
            {},
            optional={
                name: st.one_of(HOSTILE, st.lists(HOSTILE, max_size=3))
                for name in fields
            },
        )
    )
    def fuzz(values):
        before = row_counts()
        response = client.post(action, values)
        assert response.status_code < 500, (action, values)
        body = response.content.decode(errors="replace")
        if response.status_code in (200, 400, 403, 404, 405, 409, 429) and any(
            marker in body for marker in ERROR_MARKERS
        ):
            assert row_counts() == before, f"a refused post to {action} wrote rows"

    fuzz()
