"""Fixtures for the graph tests: the demo bundle and variants of it."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from graph.build import build_graph
from loaders.bundle import load_bundle
from loaders.demo import DEMO_BUNDLE
from loaders.synth import synthesize


@pytest.fixture(scope="session")
def county_dir(tmp_path_factory) -> Path:
    """A seeded county-scale synthetic bundle, written once per session (tests copy it to mutate it)."""
    d = tmp_path_factory.mktemp("county")
    synthesize("county", d, seed=0)
    return d


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
