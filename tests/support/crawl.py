"""Follow the links a signed-in person can follow, and keep every page.

``crawl(client, "/home/")`` starts at a URL, follows every same-site link of
every page it reaches (redirects included) and returns each page it fetched,
whatever its kind (HTML, CSV, calendar feed), so that a test can search what
a person could read. It never posts and never follows sign-out.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

SKIP_PREFIXES = ("/accounts/logout/", "/static/", "/admin/", "/health/")


@dataclass
class Page:
    url: str
    status: int
    content_type: str
    text: str


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)


def _local(base: str, href: str) -> str | None:
    target = urljoin(base, href)
    parts = urlsplit(target)
    if parts.netloc not in ("", "testserver") or parts.scheme not in ("", "http"):
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return path if path.startswith("/") else None


def crawl(client, start: str, *, limit: int = 400) -> list[Page]:
    """Every page reachable from ``start`` by links, at most ``limit``."""
    pages: list[Page] = []
    seen: set[str] = set()
    queue = deque([start])
    while queue and len(pages) < limit:
        url = queue.popleft()
        if url in seen or url.startswith(SKIP_PREFIXES):
            continue
        seen.add(url)
        response = client.get(url, follow=True)
        final = response.redirect_chain[-1][0] if response.redirect_chain else url
        content_type = response.get("Content-Type", "")
        body = (
            b"".join(response.streaming_content)
            if response.streaming
            else response.content
        )
        text = body.decode(errors="replace")
        pages.append(Page(final, response.status_code, content_type, text))
        if "html" not in content_type:
            continue
        parser = _Links()
        parser.feed(text)
        for href in parser.links:
            target = _local(final, href)
            if target and target not in seen:
                queue.append(target)
    return pages
