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


def _module_fixtures(item: pytest.Item) -> set[str]:
    """Names of the non-function-scoped fixtures of its own test module that the item uses."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return set()
    module_id = item.nodeid.split("::")[0]
    return {name for name, defs in info.name2fixturedefs.items()
            if any(d.scope in _SHARED_SCOPES and d.baseid.startswith(module_id) for d in defs)}


def _groups(items: list[pytest.Item]) -> dict[int, str]:
    """Each item's scheduling unit: tests linked through shared module fixtures (directly
    or through one another) form one unit, named after the module and one fixture."""
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    used = {}
    for item in items:
        module = item.nodeid.split("::")[0]
        keys = sorted(f"{module}::{name}" for name in _module_fixtures(item))
        used[id(item)] = keys
        for key in keys[1:]:
            parent[find(key)] = find(keys[0])
    return {id(item): find(keys[0]) if keys else "" for item in items
            for keys in [used[id(item)]]}


def _cost_rank(item: pytest.Item) -> int:
    """0 for end-to-end runs, 1 for property tests, 2 for the rest (a scheduling order)."""
    if item.get_closest_marker("slow"):
        return 0
    if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
        return 1
    return 2


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    group = _groups(items)
    for item in items:
        if group[id(item)]:
            item.add_marker(pytest.mark.xdist_group(group[id(item)]))
        else:
            group[id(item)] = item.nodeid
    # A unit is ranked by its most expensive test; otherwise collection order is kept.
    rank: dict[str, int] = {}
    for item in items:
        rank[group[id(item)]] = min(rank.get(group[id(item)], 2), _cost_rank(item))
    order = {id(item): i for i, item in enumerate(items)}
    items.sort(key=lambda item: (rank[group[id(item)]], order[id(item)]))
