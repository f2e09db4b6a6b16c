"""What the apps contribute to the core, registered by each app at start-up.

The core (``dashmentor/``, ``notifications/``) imports no app above it (see the
layers in pyproject.toml's import-linter contracts). Where it needs what an app
adds, the app registers it here from its ``AppConfig.ready()``:

- ``data_role``: a role the data gives a person (a mentee's active cohort
  membership, an affinity group's leader), as an ``Exists`` over the user row;
  ``dashmentor.roles`` reads them all in one query.
- ``role_home``: the page a role lands on.
- ``reminder_scan``: a scan of due reminders, run by ``notifications.reminders``.
- ``home_card``: a part of the public or staff home page, rendered with its
  own template and context.
- ``demo_seed``: a step of ``manage.py seed_demo``, in the order given.

Registering twice under one name keeps the last, so a reload is harmless.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DataRole:
    name: str
    role: str
    exists: Callable  # () -> Exists(...) over OuterRef("pk"), the user's id


@dataclass(frozen=True)
class HomeCard:
    page: str  # "public" or "staff"
    name: str
    template: str
    context: Callable  # (request) -> dict
    order: int


@dataclass(frozen=True)
class DemoSeed:
    name: str
    seed: Callable  # (ctx: dashmentor.demo.DemoContext) -> None
    order: int


_data_roles: dict[str, DataRole] = {}
_role_homes: dict[str, str] = {}
_reminder_scans: dict[str, Callable] = {}
_home_cards: dict[tuple[str, str], HomeCard] = {}
_demo_seeds: dict[str, DemoSeed] = {}


def register_data_role(name: str, role, exists: Callable) -> None:
    _data_roles[name] = DataRole(name, role, exists)


def data_roles() -> list[DataRole]:
    return list(_data_roles.values())


def register_role_home(role, url_name: str) -> None:
    _role_homes[role] = url_name


def role_home(role) -> str | None:
    return _role_homes.get(role)


def register_reminder_scan(name: str, scan: Callable) -> None:
    """``scan(now, offsets)`` returns the reminders due at ``now``."""
    _reminder_scans[name] = scan


def reminder_scans() -> dict[str, Callable]:
    return dict(_reminder_scans)


def register_home_card(
    page: str, name: str, *, template: str, context: Callable, order: int = 50
) -> None:
    _home_cards[(page, name)] = HomeCard(page, name, template, context, order)


def home_cards(page: str) -> list[HomeCard]:
    cards = [card for (p, _), card in _home_cards.items() if p == page]
    return sorted(cards, key=lambda card: (card.order, card.name))


def register_demo_seed(name: str, seed: Callable, *, order: int) -> None:
    _demo_seeds[name] = DemoSeed(name, seed, order)


def demo_seeds() -> list[DemoSeed]:
    return sorted(_demo_seeds.values(), key=lambda s: (s.order, s.name))
