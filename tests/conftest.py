"""Suite-wide scheduling for pytest-xdist (``-n auto --dist loadgroup`` in pyproject).

Why: the suite runs on two workers. A module whose tests share an expensive module- or
class-scoped fixture (a notebook batch, a CLI run over a hostile corpus, a browser) must
run on one worker, or each worker would build the fixture again; every other test is
handed out one at a time. The end-to-end runs (marked ``slow``) start first so that no
long test is left to run alone at the end. Nothing here changes what a test asserts, and
with ``-n 0`` the same tests run in one process.
"""

from __future__ import annotations

import pytest

_SHARED_SCOPES = {"module", "class", "package"}


def _shares_a_module_fixture(item: pytest.Item) -> bool:
    """True when the item uses a non-function-scoped fixture of its own test module."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    module_id = item.nodeid.split("::")[0]
    for defs in info.name2fixturedefs.values():
        for fixturedef in defs:
            if fixturedef.scope in _SHARED_SCOPES and fixturedef.baseid.startswith(module_id):
                return True
    return False


def _cost_rank(item: pytest.Item) -> int:
    """0 for end-to-end runs, 1 for property tests, 2 for the rest (a scheduling order)."""
    if item.get_closest_marker("slow"):
        return 0
    if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
        return 1
    return 2


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    group: dict[int, str] = {}
    for item in items:
        if _shares_a_module_fixture(item):
            group[id(item)] = item.nodeid.split("::")[0]
            item.add_marker(pytest.mark.xdist_group(group[id(item)]))
        else:
            group[id(item)] = item.nodeid
    # A group is ranked by its most expensive test; otherwise collection order is kept.
    rank: dict[str, int] = {}
    for item in items:
        rank[group[id(item)]] = min(rank.get(group[id(item)], 2), _cost_rank(item))
    order = {id(item): i for i, item in enumerate(items)}
    items.sort(key=lambda item: (rank[group[id(item)]], order[id(item)]))
