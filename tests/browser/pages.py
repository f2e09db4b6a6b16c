"""Reading a page in a browser test once it has loaded."""

from __future__ import annotations


def loaded_html(page) -> str:
    """The page's HTML once the document a click or a submit led to has loaded
    (``page.content()`` read while the next page is coming in can be empty)."""
    page.wait_for_load_state()
    return page.content()
