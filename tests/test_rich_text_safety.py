"""Text a user writes is shown to others as text, never run as markup.

Over the seeded demo program, each role (applicant, mentee, mentor, reviewer,
staff) walks the pages reachable from its home and submits every form it may
use that has a free-text field, with a script and an ``onerror`` image in each
text box. Then every role walks its pages again, and the page that echoes a
refused form is read too: no page holds an inline ``<script>`` with the
payload, nor any element with an ``on…=`` event attribute. A list of the fields
that must have received the payload (application answers, learning goal,
partner and contact names, review comments, work-plan goals, action logs,
check-in notes, meeting notes, survey answers, group descriptions...) proves
the forms were really saved, not just refused.
"""

import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.db import models
from django.test import Client

from dashmentor.models import User

pytestmark = pytest.mark.django_db(transaction=True)

PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(1)>"
PASSWORD = "a-long-demo-test-passphrase"

# Writers first (the applicant before staff decides anything), then readers.
ROLES = [
    "applicant@dash.test",
    "mentee@dash.test",
    "mentor.civic@dash.test",
    "reviewer@dash.test",
    "staff@dash.test",
]

# Links never followed, forms never submitted.
SKIP = re.compile(
    r"^/admin/|/logout|\.csv|\.ics|/export|/download|/calendar|/print|/media/"
    r"|/static/|/health"
)
SKIP_FORM = re.compile(
    r"logout|delete|remove|withdraw|password|cancel|decline|unsubscribe|close"
    r"|reopen|archive|/import|/send|/run|/publish"
)
# Text boxes whose format is checked keep their value, so the form is saved.
KEEP = re.compile(
    r"phone|ein|zip|postal|url|link|date|time|hour|minute|amount|number|count"
    r"|score|year|email|weight|capacity|order|rank|zone",
    re.I,
)
PAGES_PER_PATTERN = 5
MAX_PAGES = 300

# Fields a user writes and others read, each of which must hold the payload
# once the forms are submitted: (app label, model, field).
MUST_HOLD_PAYLOAD = [
    ("applications", "Application", "learning_goal"),
    ("applications", "Application", "collaboration_name"),
    ("applications", "Answer", "text"),
    ("applications", "Partner", "name"),
    ("applications", "Contact", "name"),
    ("cohorts", "Goal", "title"),
    ("cohorts", "ActionLog", "did"),
    ("cohorts", "CheckInNote", "notes"),
    ("affinity", "Group", "description"),
    ("affinity", "LeaderCheckIn", "notes"),
]


class PageParser(HTMLParser):
    """Links, POST forms with their fields, and anything that would run."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[dict] = []
        self.unsafe: list[str] = []
        self._form = None
        self._select = None
        self._textarea = None
        self._script = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.unsafe.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            self._script = a
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {
                "method": (a.get("method") or "get").lower(),
                "action": a.get("action") or "",
                "fields": [],
                "submit": None,
            }
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "image"):
                if self._form["submit"] is None and a.get("name"):
                    self._form["submit"] = (a["name"], a.get("value", ""))
            elif kind in ("checkbox", "radio"):
                if "checked" in a and a.get("name"):
                    self._form["fields"].append([a["name"], a.get("value", "on"), kind])
            elif a.get("name") and kind not in ("file", "button", "reset"):
                self._form["fields"].append([a["name"], a.get("value", ""), kind])
        elif tag == "button":
            submit = (a.get("type") or "submit") == "submit" and a.get("name")
            if submit and self._form["submit"] is None:
                self._form["submit"] = (a["name"], a.get("value", ""))
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], "", "textarea"]
            self._form["fields"].append(self._textarea)
        elif tag == "select" and a.get("name"):
            self._select = {"name": a["name"], "first": None, "selected": None}
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if "selected" in a:
                self._select["selected"] = value
            if self._select["first"] is None and value:
                self._select["first"] = value

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data
        if self._script is not None and "src" not in self._script and data.strip():
            self.unsafe.append(f"inline script: {data.strip()[:80]}")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "script":
            self._script = None
        elif tag == "select" and self._select is not None and self._form is not None:
            chosen = self._select["selected"] or self._select["first"] or ""
            self._form["fields"].append([self._select["name"], chosen, "select"])
            self._select = None


def parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    return parser


def assert_inert(html: str, where: str, parsed: PageParser | None = None) -> None:
    """The payload shows as text: no inline script, no event attribute."""
    found = (parsed or parse(html)).unsafe
    assert not found, f"{where} runs user text: {found}"
    assert "<script>alert(1)" not in html, where
    assert "<img src=x onerror" not in html, where


def sign_in(email: str) -> Client:
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": email, "password": PASSWORD}
    )
    assert response.status_code == 302, f"{email} could not sign in"
    return client


def internal(base: str, href: str) -> str | None:
    url = urljoin(base, href)
    parts = urlsplit(url)
    if parts.scheme not in ("", "http", "https") or parts.netloc not in (
        "",
        "testserver",
    ):
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return None if SKIP.search(path) else path


def crawl(client: Client, email: str):
    """Yield (url, html, parsed html) for each page reachable from the role's
    home (each page is parsed once: the parser is most of the test's own time)."""
    queue, seen, patterns = ["/home/"], set(), Counter()
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        pattern = re.sub(r"\d+", "N", url.split("?")[0])
        patterns[pattern] += 1
        if patterns[pattern] > PAGES_PER_PATTERN:
            continue
        response = client.get(url, follow=True)
        if response.status_code != 200 or "html" not in response.get(
            "Content-Type", ""
        ):
            continue
        html = response.content.decode()
        final = response.request["PATH_INFO"]
        parsed = parse(html)
        yield final, html, parsed
        for href in parsed.links:
            target = internal(final, href)
            if target and target not in seen:
                queue.append(target)


def submit_forms(client: Client, url: str, parsed: PageParser, done: set) -> None:
    """Submit each POST form of the page with the payload in every text box;
    the page the view answers with must show it inert too."""
    for form in parsed.forms:
        action = urljoin(url, form["action"]) if form["action"] else url
        action = urlsplit(action).path
        texts = [f for f in form["fields"] if f[2] in ("text", "textarea", "search")]
        if form["method"] != "post" or not texts or SKIP_FORM.search(action):
            continue
        key = (re.sub(r"\d+", "N", action), tuple(sorted(f[0] for f in texts)))
        if key in done:
            continue
        done.add(key)
        # A new form gets the payload in every text box; a filled one (and a
        # formset with empty extra rows) only in the boxes already filled in.
        fresh = not any(f[1].strip() for f in texts)
        data: dict[str, list[str]] = {}
        for name, value, kind in form["fields"]:
            if (
                kind in ("text", "textarea")
                and not KEEP.search(name)
                and (fresh or value.strip())
            ):
                value = f"{PAYLOAD} {len(data)}"  # distinct: no "listed twice"
            data.setdefault(name, []).append(value)
        if form["submit"]:
            data.setdefault(form["submit"][0], []).append(form["submit"][1])
        response = client.post(action, data, follow=True)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            answer = response.content.decode()
            assert_inert(answer, f"The answer to POST {action}")
            if "is-invalid" in answer or "invalid-feedback" in answer:
                at = answer.find("invalid-feedback")
                REFUSED.append((action, answer[at : at + 160]))


REFUSED: list = []


def holds_payload() -> set[tuple[str, str, str]]:
    found = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, (models.CharField, models.TextField)) and not (
                field.is_relation
            ):
                query = {f"{field.name}__contains": "<script>alert(1)"}
                if model._default_manager.filter(**query).exists():
                    found.add((model._meta.app_label, model.__name__, field.name))
    return found


def test_text_users_write_is_shown_as_text_to_everyone_who_reads_it(demo_snapshot):
    demo_snapshot.restore()
    for user in User.objects.filter(email__in=ROLES):
        user.set_password(PASSWORD)
        user.save()

    done: set = set()
    for email in ROLES:
        client = sign_in(email)
        for url, _html, parsed in list(crawl(client, email)):
            submit_forms(client, url, parsed, done)

    stored = holds_payload()
    missing = [f for f in MUST_HOLD_PAYLOAD if f not in stored]
    assert not missing, (
        f"These fields never received the payload: {missing}; stored: "
        f"{sorted(stored)}; forms refused: {REFUSED}"
    )

    for email in ROLES:
        client = sign_in(email)
        pages = 0
        for url, html, parsed in crawl(client, email):
            pages += 1
            assert_inert(html, f"{url} as {email}", parsed)
        assert pages > 3, f"{email} reached only {pages} pages"
