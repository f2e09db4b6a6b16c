"""Browser journeys in Debian's Chromium, driven by Playwright.

Playwright never downloads a browser here: it launches ``/usr/bin/chromium``.
Each journey saves screenshots of its key pages under
``test-artifacts/<run name>/<test name>/`` (the run name is ``$TEST_RUN_NAME`` or
the start time), and runs axe-core on them: a serious or critical violation
fails the test. Any Content-Security-Policy violation reported by the browser
fails it too, so an inline script cannot slip in.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]
# The WCAG 2.2 AA rule tags (2.0, 2.1 and 2.2, levels A and AA), and best
# practices.
AXE_TAGS = [
    "wcag2a",
    "wcag2aa",
    "wcag21a",
    "wcag21aa",
    "wcag22aa",
    "best-practice",
]
AXE_SOURCE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"


def axe_script() -> str:
    """axe-core's source, leaving ``window.axe`` set wherever it is run."""
    return AXE_SOURCE.read_text() + "\n;window.axe = axe;"


RUN_NAME = os.environ.get("TEST_RUN_NAME") or dt.datetime.now().strftime(
    "run-%Y%m%d-%H%M%S"
)
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / RUN_NAME

# Playwright's sync API runs an event loop in this thread; the test's own ORM
# calls are still synchronous, so Django's async guard is lifted for them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    missing = []
    if not Path(CHROMIUM).exists():
        missing.append(f"Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    if not AXE_SOURCE.exists():
        missing.append("axe-core in node_modules (npm ci)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing.append("the playwright package (pip install -e '.[dev]')")
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if missing:
                item.add_marker(pytest.mark.skip(reason="needs " + "; ".join(missing)))


@pytest.fixture(scope="session")
def _playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = _playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def live_url(live_server):
    return live_server.url


@pytest.fixture
def artifact_dir(request):
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)[:120]
    path = ARTIFACTS / name
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def browser_page(browser, live_url, artifact_dir):
    """A fresh page whose CSP violations and page errors fail the test."""
    context = browser.new_context(
        base_url=live_url, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    # What a test expects to see is waited for as long as an action may take:
    # a page that follows a click is still loading on a busy machine.
    expect.set_options(timeout=15_000)
    problems: list[str] = []

    def on_console(message):
        text = message.text
        if message.type == "error" and (
            "Content Security Policy" in text or "Refused to" in text
        ):
            problems.append(text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.csp_problems = problems
    yield page
    context.close()
    assert not problems, "The browser reported: " + " | ".join(problems)


@pytest.fixture
def shot(artifact_dir):
    """Save a full-page screenshot: ``shot(page, "03-submitted")``."""
    counter = {"n": 0}

    def take(page, name: str) -> Path:
        counter["n"] += 1
        # JPEG: a full page encodes faster than as PNG (a third less of the
        # sweep's screenshot time), and the shots are for people to look at,
        # not to compare pixel by pixel.
        path = artifact_dir / f"{counter['n']:02d}-{name}.jpg"
        page.screenshot(path=str(path), full_page=True, type="jpeg", quality=80)
        return path

    return take


@pytest.fixture
def axe_check(artifact_dir):
    """Run axe-core on the page; fail on serious or critical violations."""
    script = axe_script()

    def check(page, *, label: str = "") -> list[dict]:
        """axe-core's rules of WCAG 2.0, 2.1 and 2.2 at levels A and AA (target
        size among them), and its best practices."""
        # Runtime.evaluate is not subject to the page's CSP, so axe is injected
        # without allowing inline scripts in the portal itself (unless the page
        # has it already, from ``axe_on_every_page``).
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(f"() => {{ {script} }}")
        result = page.evaluate(
            """async (AXE_TAGS) => {
                const r = await window.axe.run(document, {
                    resultTypes: ['violations'],
                    runOnly: {type: 'tag', values: AXE_TAGS},
                });
                return r.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
                }));
            }""",
            AXE_TAGS,
        )
        bad = [v for v in result if v["impact"] in ("serious", "critical")]
        if result:
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", label or page.url)[-80:]
            (artifact_dir / f"axe-{name}.json").write_text(json.dumps(result, indent=2))
        assert not bad, f"axe-core violations on {page.url}: " + json.dumps(
            bad, indent=1
        )
        return result

    return check


@pytest.fixture
def axe_on_every_page(browser_page):
    """axe-core in every document the page opens, for a test that checks every
    page it visits: added as the document is created (an init script, which the
    page's CSP does not govern), it costs the browser less than sending the
    half-megabyte source to each page afterwards."""
    browser_page.context.add_init_script(script=axe_script())
    return browser_page


@pytest.fixture
def sign_in():
    """Sign in through the real form: ``sign_in(page, user)``."""
    from tests.factories import PASSWORD

    def do(page, user, password: str = PASSWORD):
        page.goto("/accounts/login/")
        page.get_by_label("E-mail address").fill(user.email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()

    return do
