"""The longest test modules first, so that the test processes finish together.

``make test`` hands each test process whole modules (``--dist loadfile``), the
next one in this order whenever a process is nearly done. When a long module
comes last, one process runs it alone at the end while the other has finished
(xdist's own order, by number of tests, put the real-worker modules and the
accessibility sweep late: the two processes ended 20 s apart). Modules that
start real Celery workers come first, then those that drive a browser, then
those that restore the seeded demo; within each, as xdist does, the modules
with more tests first. Each test process computes the same order, as xdist
requires. Tests do not depend on their order: the suite passes in either.
"""

from __future__ import annotations

from collections import defaultdict

import pytest


def _tier(items) -> int:
    def runs(item, marker):
        return item.get_closest_marker(marker) and not item.get_closest_marker("skip")

    if any(runs(item, "worker") for item in items):
        return 0
    if any(runs(item, "browser") for item in items):
        return 1
    if any("demo_snapshot" in item.fixturenames for item in items):
        return 2
    return 3


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    modules: dict[str, list] = defaultdict(list)
    for item in items:
        modules[item.nodeid.split("::", 1)[0]].append(item)
    order = sorted(
        modules.values(), key=lambda these: (_tier(these), -len(these))
    )  # sorted() is stable: modules that tie keep the order they were found in
    items[:] = [item for these in order for item in these]
