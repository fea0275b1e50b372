"""Fixtures for the store tests: a Neo4j store on the session's server, emptied per test, and bundles."""

from __future__ import annotations

import pytest

from loaders.bundle import load_bundle
from loaders.demo import EXAMPLES_DIR

_CACHE: dict = {}


@pytest.fixture(scope="session")
def example():
    """``example(name)``: an example bundle, loaded and validated once per session (SHACL is left to
    the loader's own tests)."""

    def load(name: str):
        if name not in _CACHE:
            _CACHE[name] = load_bundle(EXAMPLES_DIR / name, shacl=False)
        return _CACHE[name]

    return load


@pytest.fixture(scope="session")
def neo4j_store(neo4j_uri):
    from graph.neo4j_store import Neo4jStore

    store = Neo4jStore(neo4j_uri)
    store.ensure_schema()
    yield store
    store.close()


@pytest.fixture
def empty_neo4j(neo4j_store):
    """The session's Neo4j store with every node and relationship deleted (a write transaction)."""
    neo4j_store.run("MATCH (n) DETACH DELETE n", write=True)
    return neo4j_store


@pytest.fixture
def embedded_store():
    from graph.embedded_store import EmbeddedStore

    store = EmbeddedStore()
    store.ensure_schema()
    yield store
    store.close()
