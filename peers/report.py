"""The network report for staff: introductions, connections across cohorts and
program years, collaborations not connected yet, and a picture of the network.

The picture is an SVG drawn here from networkx's spring layout (networkx is
already the placement's graph library): nodes are organizations, lines are
accepted introductions. Beside it the page shows the same connections as a
table, for screen readers and for counting.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

import networkx as nx
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils.html import escape

from .models import CollaborationProfile, Introduction
from .selectors import program_facts

# The picture draws at most this many organizations (the most connected):
# beyond that it is a hairball. The tables and CSVs have them all.
PICTURE_MAX_NODES = 150
TABLE_ROWS_SHOWN = 100


@dataclass
class Connection:
    intro_id: int
    first: str
    second: str
    first_cohorts: str
    second_cohorts: str
    first_years: str
    second_years: str
    across_cohorts: bool
    across_years: bool
    brokered: bool
    accepted_on: object


@dataclass
class NetworkReport:
    months: list[dict] = field(default_factory=list)
    totals: dict = field(default_factory=dict)
    connections: list[Connection] = field(default_factory=list)
    unconnected: list[dict] = field(default_factory=list)
    across_cohorts: int = 0
    across_years: int = 0
    svg: str = ""
    drawn_nodes: int = 0
    all_nodes: int = 0


def _label(facts, org_id, attr):
    fact = facts.get(org_id)
    if fact is None:
        return ""
    if attr == "cohorts":
        names = [m.mentor_organization.name for m in fact.cohorts + fact.mentored]
        return ", ".join(dict.fromkeys(names))
    return ", ".join(str(y) for y in fact.years)


def network_report() -> NetworkReport:
    """Everything the report shows, in a fixed number of queries."""
    report = NetworkReport()
    report.months = _introductions_by_month()
    report.totals = {
        key: sum(m[key] for m in report.months)
        for key in ("asked", "accepted", "brokered")
    }
    accepted = _accepted_introductions()
    profiles = _profiles()
    facts = program_facts([p["organization_id"] for p in profiles])
    connected = set()
    graph = nx.Graph()
    for row in accepted:
        a = row["from_profile__organization_id"]
        b = row["to_profile__organization_id"]
        connected.update((a, b))
        connection = _connection(row, facts)
        report.connections.append(connection)
        report.across_cohorts += connection.across_cohorts
        report.across_years += connection.across_years
        graph.add_node(a, name=connection.first, year=min(_years(facts, a), default=0))
        graph.add_node(b, name=connection.second, year=min(_years(facts, b), default=0))
        graph.add_edge(a, b)
    report.unconnected = _unconnected(profiles, facts, connected)
    report.all_nodes = graph.number_of_nodes()
    report.svg, report.drawn_nodes = network_svg(graph)
    return report


def _introductions_by_month() -> list[dict]:
    """Introductions asked, accepted and brokered, month by month."""
    return list(
        Introduction.objects.annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(
            asked=Count("pk"),
            accepted=Count("pk", filter=Q(status=Introduction.Status.ACCEPTED)),
            brokered=Count("pk", filter=Q(introduced_by__isnull=False)),
        )
        .order_by("month")
    )


def _accepted_introductions() -> list[dict]:
    """The accepted introductions, latest first, with both organizations."""
    return list(
        Introduction.objects.filter(status=Introduction.Status.ACCEPTED)
        .values(
            "pk",
            "from_profile__organization_id",
            "from_profile__organization__name",
            "to_profile__organization_id",
            "to_profile__organization__name",
            "introduced_by_id",
            "decided_at",
        )
        .order_by("-decided_at", "-pk")
    )


def _profiles() -> list[dict]:
    """Every collaboration profile's organization, by name."""
    return list(
        CollaborationProfile.objects.values(
            "pk", "organization_id", "organization__name"
        ).order_by("organization__name")
    )


def _cohort_ids(facts, org_id) -> set:
    """The cohorts the organization was awarded into (not those it mentored)."""
    fact = facts.get(org_id)
    return {m.pk for m in fact.cohorts} if fact else set()


def _years(facts, org_id) -> set:
    """The program years of the organization's awards."""
    fact = facts.get(org_id)
    return set(fact.years) if fact else set()


def _apart(first: set, second: set) -> bool:
    """Both sides are known and have nothing in common."""
    return bool(first and second and not first & second)


def _connection(row: dict, facts) -> Connection:
    """One accepted introduction, and whether it crosses cohorts or years."""
    a = row["from_profile__organization_id"]
    b = row["to_profile__organization_id"]
    return Connection(
        intro_id=row["pk"],
        first=row["from_profile__organization__name"],
        second=row["to_profile__organization__name"],
        first_cohorts=_label(facts, a, "cohorts"),
        second_cohorts=_label(facts, b, "cohorts"),
        first_years=_label(facts, a, "years"),
        second_years=_label(facts, b, "years"),
        across_cohorts=_apart(_cohort_ids(facts, a), _cohort_ids(facts, b)),
        across_years=_apart(_years(facts, a), _years(facts, b)),
        brokered=row["introduced_by_id"] is not None,
        accepted_on=row["decided_at"],
    )


def _unconnected(profiles: list[dict], facts, connected: set) -> list[dict]:
    """The profiles whose organization has no accepted introduction yet."""
    return [
        {
            "profile_id": p["pk"],
            "name": p["organization__name"],
            "cohorts": _label(facts, p["organization_id"], "cohorts"),
            "years": _label(facts, p["organization_id"], "years"),
            "alumni": getattr(facts.get(p["organization_id"]), "alumni", False),
        }
        for p in profiles
        if p["organization_id"] not in connected
    ]


_PALETTE = ["#1b6ca8", "#d1495b", "#2e8540", "#8e44ad", "#e07b00", "#00798c"]


def network_svg(graph: nx.Graph, *, size: int = 640) -> tuple[str, int]:
    """Draw ``graph`` as an SVG (one colour per first program year); return it
    and how many nodes it shows."""
    if graph.number_of_nodes() == 0:
        return "", 0
    if graph.number_of_nodes() > PICTURE_MAX_NODES:
        keep = [
            n
            for n, _ in sorted(graph.degree, key=lambda d: (-d[1], d[0]))[
                :PICTURE_MAX_NODES
            ]
        ]
        graph = graph.subgraph(keep)
    positions = nx.spring_layout(graph, seed=7, k=1.5 / math.sqrt(len(graph)))
    pad = 30
    scale = (size - 2 * pad) / 2

    def xy(node):
        x, y = positions[node]
        return pad + (x + 1) * scale, pad + (y + 1) * scale

    years = sorted({d.get("year", 0) for _, d in graph.nodes(data=True)})
    colour = {y: _PALETTE[i % len(_PALETTE)] for i, y in enumerate(years)}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'width="100%" role="img" aria-labelledby="network-title">',
        '<title id="network-title">Connections between collaborations: '
        f"{graph.number_of_nodes()} organizations, {graph.number_of_edges()} "
        "accepted introductions (the table below lists them)</title>",
    ]
    for a, b in graph.edges:
        (x1, y1), (x2, y2) = xy(a), xy(b)
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            'stroke="#8a94a6" stroke-width="1.2"/>'
        )
    degrees = Counter(dict(graph.degree))
    for node, data in graph.nodes(data=True):
        x, y = xy(node)
        radius = 4 + min(8, 2 * degrees[node])
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}" '
            f'fill="{colour[data.get("year", 0)]}"><title>{escape(data["name"])}'
            f" ({degrees[node]})</title></circle>"
        )
    legend_y = size - 10
    for i, year in enumerate(years):
        parts.append(
            f'<circle cx="{pad + i * 90}" cy="{legend_y}" r="5" fill="{colour[year]}"/>'
            f'<text x="{pad + i * 90 + 9}" y="{legend_y + 4}" font-size="12">'
            f"{year or 'no award'}</text>"
        )
    parts.append("</svg>")
    return "".join(parts), graph.number_of_nodes()
