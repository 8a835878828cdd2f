"""Suite-wide scheduling for pytest-xdist (``-n auto --dist loadgroup`` in pyproject).

Why: the suite runs on two workers. Tests linked through an expensive module- or
class-scoped fixture of their module (a notebook batch, a CLI run over a hostile corpus, a
browser) must run on one worker, or each worker would build the fixture again; every other
test is handed out on its own. The end-to-end runs (marked ``slow``) start first so that no
long test is left to run alone at the end. Nothing here changes what a test asserts; with
``-n 0`` the same tests run in one process.

The grouping is this file's own scheduler, not ``xdist_group`` marks: xdist 3.8 names a
group by rewriting ``item._nodeid``, which pytest 9.2 no longer reads. Each worker writes
its tests' groups to a file the controller's scheduler reads once collection is done.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests run beside another worker and its subprocesses: a slow example is load,
# not a failure. Tests that set their own settings keep their max_examples.
settings.register_profile("suite", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))

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


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    group = _groups(items)
    for item in items:
        group[id(item)] = group[id(item)] or item.nodeid
    # A unit is ranked by its most expensive test; otherwise collection order is kept.
    rank: dict[str, int] = {}
    for item in items:
        rank[group[id(item)]] = min(rank.get(group[id(item)], 2), _cost_rank(item))
    order = {id(item): i for i, item in enumerate(items)}
    items.sort(key=lambda item: (rank[group[id(item)]], order[id(item)]))
    target = getattr(config, "workerinput", {}).get("suite_groups_file")
    if target:  # an xdist worker: leave the groups for the controller's scheduler
        groups = {item.nodeid: group[id(item)] for item in items
                  if group[id(item)] != item.nodeid}
        Path(target + ".tmp").write_text(json.dumps(groups), encoding="utf-8")
        os.replace(target + ".tmp", target)


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput") and config.getoption("dist", "no") == "loadgroup":
        config.option.loadscopereorder = False  # keep the slow-first order of the units
        config.suite_groups_dir = Path(tempfile.mkdtemp(prefix="suite-groups-"))


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = getattr(config, "suite_groups_dir", None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:  # xdist controller, for each worker
    folder = getattr(node.config, "suite_groups_dir", None)
    if folder is not None:
        node.workerinput["suite_groups_file"] = str(folder / f"{node.gateway.id}.json")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    folder = getattr(config, "suite_groups_dir", None)
    if folder is None:
        return None
    from xdist.scheduler import LoadScopeScheduling

    class FixtureGroupScheduling(LoadScopeScheduling):
        """Load scheduling in units: a test alone, or the tests sharing a module fixture."""

        _groups: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self._groups is None:  # every worker has collected by the first call
                self._groups = {}
                for path in sorted(folder.glob("*.json")):
                    self._groups.update(json.loads(path.read_text(encoding="utf-8")))
            return self._groups.get(nodeid, nodeid)

    return FixtureGroupScheduling(config, log)
