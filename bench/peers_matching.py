"""Is "peers like us" useful? Precision at 5 on a population with known groups.

A generated population of collaborations falls into groups that truly work on
the same thing (a shared problem, data systems, partner sectors, region), each
written in its own words with noise: members borrow words and systems from
other groups, leave boxes unticked, and every group shares the same common
vocabulary. For each collaboration, precision at 5 is the share of its five
suggestions that are of its own group. Printed for the portal's matching
(``peers.matching``: TF-IDF text plus the vocabularies), for the vocabularies
alone (tags only), for the text alone, and for a random choice.

    .venv/bin/python bench/peers_matching.py [--groups 40] [--size 12] [--seed 1]

No database: the matching is pure (``peers/matching.py``, ``peers/rules.py``).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashmentor.settings")

import django  # noqa: E402

django.setup()

from peers import matching, rules  # noqa: E402

COMMON = [
    "data",
    "sharing",
    "community",
    "partners",
    "collaboration",
    "health",
    "services",
    "outcomes",
    "residents",
    "agencies",
    "county",
    "program",
    "improve",
    "support",
    "access",
    "care",
    "people",
]
SYSTEMS = [s.value for s in rules.DataSystem]
SECTORS = [
    "health_care",
    "public_health",
    "behavioral_health",
    "housing",
    "human_services",
    "community_development",
    "education",
    "transportation",
    "criminal_justice",
    "public_safety",
]
TOPICS = [str(i) for i in range(10)]
REGIONS = [r.value for r in rules.Region]
POPULATIONS = [p.value for p in rules.Population]


def _word(rng: random.Random) -> str:
    return "".join(
        rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(4)
    )


def population(groups: int, size: int, seed: int) -> tuple[list, dict[int, int]]:
    """Profiles and the group each belongs to."""
    rng = random.Random(seed)
    features, truth = [], {}
    key = 0
    vocabularies = [[_word(rng) for _ in range(15)] for _ in range(groups)]
    for group in range(groups):
        words = vocabularies[group]
        systems = rng.sample(SYSTEMS, 2)
        sectors = rng.sample(SECTORS, 3)
        topics = rng.sample(TOPICS, 2)
        region = rng.choice(REGIONS)
        pops = rng.sample(POPULATIONS, 2)
        for _ in range(size):
            key += 1
            # A few of the group's own words, some of another group's (people
            # describe overlapping work), some of nobody's.
            own = rng.sample(words, 3)
            borrowed = rng.sample(rng.choice(vocabularies), 3)
            borrowed += [_word(rng) for _ in range(2)]
            text = " ".join(own + borrowed + rng.sample(COMMON, 8))
            # Boxes ticked with noise: some left out, some from elsewhere.
            my_systems = {s for s in systems if rng.random() < 0.7}
            if rng.random() < 0.5:
                my_systems.add(rng.choice(SYSTEMS))
            my_sectors = {s for s in sectors if rng.random() < 0.6}
            my_sectors.add(rng.choice(SECTORS))
            features.append(
                rules.Features(
                    key=key,
                    text=text,
                    data_systems=frozenset(my_systems),
                    sectors=frozenset(my_sectors),
                    topics=frozenset(t for t in topics if rng.random() < 0.6),
                    populations=frozenset(p for p in pops if rng.random() < 0.5),
                    region=region if rng.random() < 0.8 else rng.choice(REGIONS),
                )
            )
            truth[key] = group
    return features, truth


def precision_at_5(found: dict[int, list], truth: dict[int, int]) -> float:
    scores = []
    for key, matches in found.items():
        top = [m.other for m in matches[:5]]
        hits = sum(1 for other in top if truth[other] == truth[key])
        scores.append(hits / 5)
    return sum(scores) / len(scores)


def random_baseline(features, truth, seed: int) -> float:
    rng = random.Random(seed)
    keys = [f.key for f in features]
    found = {}
    for key in keys:
        others = rng.sample([k for k in keys if k != key], 5)
        found[key] = [matching.Match(key, o, 0.0, "") for o in others]
    return precision_at_5(found, truth)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--groups", type=int, default=40)
    parser.add_argument("--size", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    features, truth = population(args.groups, args.size, args.seed)
    print(
        f"{len(features)} collaborations in {args.groups} groups of {args.size}; "
        "precision at 5 (share of the five suggestions from the same group):"
    )
    rows = [("random choice", None)]
    rows += [
        ("tags alone (vocabularies)", {"structured_only": True}),
        ("text alone (TF-IDF)", {"text_only": True}),
        ("the portal's matching", {}),
    ]
    for label, options in rows:
        started = time.process_time()
        if options is None:
            value = random_baseline(features, truth, args.seed)
        else:
            found = matching.neighbours(features, keep=5, with_reasons=False, **options)
            value = precision_at_5(found, truth)
        cpu = time.process_time() - started
        print(f"  {label:<28} {value:6.3f}   ({cpu:.2f} s of CPU)")


if __name__ == "__main__":
    main()
