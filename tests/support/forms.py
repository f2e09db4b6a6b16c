"""Post a page's own form back, as a browser would submit it untouched.

``page_form(html)`` reads the post forms of a rendered page and returns what a
browser sends when the user presses a form's button without changing anything:
every named input, checked boxes and radios only, the selected option of each
select (its first option when none is marked), each textarea's text, and the
pressed button's name. Rows inside ``<template>`` (the empty row a script
clones) are not part of the form, as in a browser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

NOT_SENT = {"submit", "button", "reset", "image", "file"}


@dataclass
class PageForm:
    action: str
    attrs: dict
    data: list[tuple[str, str]] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)

    def post_data(self, button: str | None = None) -> dict[str, list[str]]:
        """The fields as the test client posts them, with ``button`` pressed."""
        data: dict[str, list[str]] = {}
        for name, value in self.data:
            data.setdefault(name, []).append(value)
        if button is not None:
            values = [v for n, v in self.buttons if n == button]
            assert values, f"no button named {button!r} in the form"
            data.setdefault(button, []).append(values[0])
        return data

    def names(self) -> set[str]:
        return {name for name, _ in self.data}


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[PageForm] = []
        self.owned: list[tuple[str, str, tuple[str, str]]] = []
        self._form: PageForm | None = None
        self._template = 0
        self._select: dict | None = None
        self._option: dict | None = None
        self._textarea: dict | None = None

    def _owner(self, attrs: dict):
        """Where a field goes: its form, or the id of the form it names."""
        return attrs.get("form") or self._form

    def _add(self, owner, kind: str, item: tuple[str, str]) -> None:
        if isinstance(owner, str):
            self.owned.append((owner, kind, item))
        elif owner is not None:
            getattr(owner, kind).append(item)

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "template":
            self._template += 1
            return
        if self._template:
            return
        if tag == "form":
            if (a.get("method") or "get").lower() == "post":
                self._form = PageForm(action=a.get("action", ""), attrs=a)
                self.forms.append(self._form)
            else:
                self._form = None
            return
        if tag == "option":
            if self._select is not None:
                self._option = {
                    "value": a.get("value"),
                    "selected": "selected" in a,
                    "text": "",
                }
                self._select["options"].append(self._option)
            return
        owner = self._owner(a)
        name = a.get("name")
        if owner is None or not name or "disabled" in a:
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "image"):
                self._add(owner, "buttons", (name, a.get("value", "")))
            elif kind in NOT_SENT:
                return
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._add(owner, "data", (name, a.get("value", "on")))
            else:
                self._add(owner, "data", (name, a.get("value", "")))
        elif tag == "button":
            if (a.get("type") or "submit").lower() == "submit":
                self._add(owner, "buttons", (name, a.get("value", "")))
        elif tag == "select":
            self._select = {
                "owner": owner,
                "name": name,
                "multiple": "multiple" in a,
                "options": [],
            }
        elif tag == "textarea":
            self._textarea = {"owner": owner, "name": name, "text": ""}

    def handle_endtag(self, tag):
        if tag == "template":
            self._template = max(0, self._template - 1)
            return
        if self._template:
            return
        if tag == "form":
            self._form = None
        elif tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            select, self._select = self._select, None
            options = select["options"]
            chosen = [o for o in options if o["selected"]]
            if not chosen and not select["multiple"] and options:
                chosen = options[:1]
            for o in chosen:
                value = o["value"] if o["value"] is not None else o["text"].strip()
                self._add(select["owner"], "data", (select["name"], value))
        elif tag == "textarea" and self._textarea is not None:
            area, self._textarea = self._textarea, None
            text = area["text"]
            # A browser drops the newline that follows the opening tag.
            if text.startswith("\r\n"):
                text = text[2:]
            elif text.startswith("\n"):
                text = text[1:]
            self._add(area["owner"], "data", (area["name"], text.replace("\r\n", "\n")))

    def handle_data(self, data):
        if self._template:
            return
        if self._option is not None:
            self._option["text"] += data
        elif self._textarea is not None:
            self._textarea["text"] += data


def page_forms(html: str) -> list[PageForm]:
    """Every post form of the page, in order (the frame's language switcher,
    on every page, is not one of the page's own)."""
    parser = _Parser()
    parser.feed(html)
    parser.close()
    by_id = {f.attrs["id"]: f for f in parser.forms if f.attrs.get("id")}
    for owner, kind, item in parser.owned:
        if owner in by_id:
            getattr(by_id[owner], kind).append(item)
    return [
        f for f in parser.forms if "language-switch" not in f.attrs.get("class", "")
    ]


def page_form(html: str, *, containing: str | None = None) -> PageForm:
    """The one post form of the page that has a field named ``containing``
    (or the only post form with fields, when not given)."""
    forms = [f for f in page_forms(html) if f.names() - {"csrfmiddlewaretoken"}]
    if containing is not None:
        forms = [f for f in forms if containing in f.names()]
    assert len(forms) == 1, (
        f"{len(forms)} post forms with {containing!r}: "
        f"{[sorted(f.names()) for f in forms]}"
    )
    return forms[0]


PORTAL_APPS = (
    "dashmentor",
    "applications",
    "cohorts",
    "surveys",
    "affinity",
    "notifications",
)


def database_rows(apps_labels=PORTAL_APPS) -> dict[str, list[dict]]:
    """Every row of every model of the portal's apps, with its primary key,
    ordered by it: equal before and after means nothing was written."""
    from django.apps import apps

    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in apps_labels:
            rows[model._meta.label] = list(model._base_manager.order_by("pk").values())
    return rows


def assert_same_rows(before: dict, after: dict) -> None:
    """Fail naming the tables and rows that differ."""
    differ = {}
    for label in sorted(set(before) | set(after)):
        old, new = before.get(label, []), after.get(label, [])
        if old != new:
            old_by = {r.get("id", repr(r)): r for r in old}
            new_by = {r.get("id", repr(r)): r for r in new}
            differ[label] = {
                "removed": [k for k in old_by if k not in new_by],
                "added": [k for k in new_by if k not in old_by],
                "changed": {
                    k: {
                        f: (old_by[k][f], new_by[k][f])
                        for f in old_by[k]
                        if old_by[k][f] != new_by[k].get(f)
                    }
                    for k in old_by
                    if k in new_by and old_by[k] != new_by[k]
                },
            }
    assert not differ, differ
