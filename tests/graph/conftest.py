"""Fixtures for the graph tests: the demo bundle and variants of it."""

from __future__ import annotations

import copy

import pytest

from graph.build import build_graph
from loaders.bundle import load_bundle
from loaders.demo import DEMO_BUNDLE


@pytest.fixture(scope="session")
def demo_bundle():
    return load_bundle(DEMO_BUNDLE)


@pytest.fixture(scope="session")
def demo_graph(demo_bundle):
    return build_graph(demo_bundle)


@pytest.fixture
def variant(demo_bundle):
    """Build a graph from the demo after editing record values: variant({"rec_id": {"field": value}})."""

    def make(changes: dict[str, dict]):
        b = copy.deepcopy(demo_bundle)
        for rid, values in changes.items():
            for key, value in values.items():
                if value is None:
                    b.records[rid].values.pop(key, None)
                else:
                    b.records[rid].values[key] = value
        return build_graph(b)

    return make
