"""Shared pytest fixtures for the Quanze test suite."""

from __future__ import annotations

import os
from typing import Iterator

import pytest


# === neo4j_uri fixture (owned by tests/neo4j; keep this block self-contained) ====================
def _neo4j_unavailable(reason: str) -> None:
    """Fail under CI (``CI=true``), otherwise skip, with ``reason``."""
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"Neo4j test server unavailable (CI=true, not skipping): {reason}", pytrace=False)
    pytest.skip(f"Neo4j test server unavailable: {reason}")


@pytest.fixture(scope="session")
def neo4j_uri() -> Iterator[str]:
    """Bolt URI of a real Neo4j 5.26 server shared by the whole test session.

    Uses ``$QUANZE_NEO4J_URI`` if set; otherwise starts one server with
    :class:`graph.neo4j_launcher.Neo4jServer` (Maven ``neo4j-harness``, Java 17) and stops it at the
    end of the session. If it cannot be started the tests are skipped, or failed when ``CI=true``.
    """
    external = os.environ.get("QUANZE_NEO4J_URI", "").strip()
    if external:
        yield external
        return
    server = None
    error = None
    try:
        from graph.neo4j_launcher import Neo4jServer

        server = Neo4jServer()
        uri = server.start()
    except Exception as exc:  # Neo4jLauncherError, ImportError, ...
        error = f"{type(exc).__name__}: {exc}"
        if server is not None:
            server.stop()
    if error is not None:
        _neo4j_unavailable(error)  # raises Skipped or Failed
    try:
        yield uri
    finally:
        server.stop()
# === end neo4j_uri fixture =========================================================================
