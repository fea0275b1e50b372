"""The Neo4j store: schema from the ontology, batched idempotent push, lossless pull, read-only query runs."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import networkx as nx
from neo4j import READ_ACCESS, WRITE_ACCESS, GraphDatabase

from graph.stores import Progress, Pushable, PushReport, StoreData, graph_from_rows, prepare, timed_push
from graph.stores import quote_name as _quote
from ontology.model import Model, model as default_model

__all__ = ["CREATE_BATCH", "MERGE_BATCH", "Neo4jStore", "quote_label", "quote_type", "schema_statements"]

# -- Cypher, kept apart from the logic. Only back-quoted ontology names are ever put into these
# -- templates (by quote_label/quote_type); every value travels as a $parameter.
_CONSTRAINT = "CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{label}) REQUIRE n.`id` IS UNIQUE"
_DROP_INDEX = "DROP INDEX {name} IF EXISTS"
# SET n = row.props replaces the whole property map, so a property dropped from the bundle disappears.
# Then the node's outgoing ontology edges that the input no longer has are deleted (a new node has
# none, so a first push pays almost nothing for it): after the edges are merged, a re-pushed node
# has exactly the input's edges.
_MERGE_NODES = (
    "UNWIND $rows AS row MERGE (n:{label} {{`id`: row.id}}) SET n = row.props "
    "WITH n, row OPTIONAL MATCH (n)-[r]->(t) "
    "WHERE type(r) IN $types AND NOT [type(r), t.`id`] IN row.keep DELETE r"
)
_MERGE_EDGES = (
    "UNWIND $rows AS row MATCH (s:{source} {{`id`: row.s}}) MATCH (t:{target} {{`id`: row.t}}) "
    "MERGE (s)-[:{rel}]->(t)"
)
# Fresh load (the database holds none of the input's nodes): nothing to merge with and no old edges to
# clean up, so nodes are created from their property maps and edges created between nodes found by
# (label, id) through the unique constraints. Edge rows are [source id, target id] pairs.
_CREATE_NODES = "UNWIND $rows AS row CREATE (n:{label}) SET n = row"
_CREATE_EDGES = (
    "UNWIND $rows AS row MATCH (s:{source} {{`id`: row[0]}}) MATCH (t:{target} {{`id`: row[1]}}) "
    "CREATE (s)-[:{rel}]->(t)"
)
_ANY_NODE = "MATCH (n:{label}) RETURN n.`id` AS id LIMIT 1"
_EXISTING = "UNWIND $ids AS id MATCH (n:{label} {{`id`: id}}) RETURN count(n) AS n"
_PRUNE = "MATCH (n:{label}) WHERE NOT n.`id` IN $keep WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS deleted"
_CLEAR = "MATCH (n) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS deleted"
_PULL_NODES = "MATCH (n:{label}) RETURN properties(n) AS props"
_PULL_EDGES = "MATCH (s)-[:{rel}]->(t) RETURN s.`id` AS s, t.`id` AS t"
_COUNT_NODES = "MATCH (n:{label}) RETURN count(n) AS n"
_COUNT_EDGES = "MATCH ()-[r:{rel}]->() RETURN count(r) AS n"
_SHOW_CONSTRAINTS = "SHOW CONSTRAINTS YIELD name, labelsOrTypes, properties RETURN name, labelsOrTypes, properties"
_SHOW_INDEXES = "SHOW INDEXES YIELD name, labelsOrTypes, properties, type RETURN name, labelsOrTypes, properties, type"


def quote_label(label: str, m: Model = default_model) -> str:
    """Back-quote a node label after checking that the ontology defines it.

    Examples
    --------
    >>> quote_label("Post")
    '`Post`'
    >>> quote_label("Post) DETACH DELETE (n")
    Traceback (most recent call last):
    ...
    AttributeError: 'Post) DETACH DELETE (n' is not a node label in the ontology
    """
    return _quote(getattr(m.L, label))


def quote_type(rel: str, m: Model = default_model) -> str:
    """Back-quote a relationship type after checking that the ontology defines it."""
    return _quote(getattr(m.R, rel))


def _date_keys(m: Model, label: str) -> list[str]:
    return [f.key for f in m.classes[label].fields.values() if f.kind == "literal" and f.datatype == "date"]


def schema_statements(m: Model = default_model) -> list[str]:
    """The schema derived from the ontology: a unique ``id`` per label (its index is what every library
    query starts from), and the removal of the date indexes earlier versions created.

    No library query looks anything up by date: each starts from an id and compares dates on the nodes
    it reaches. A date index only tempted the planner into a range scan over every tenure or 分工 entry
    (a plan that grows with the graph; ``tests/queries/test_anchoring.py`` caught it when plans were
    re-made), and every node created had to update it.

    Examples
    --------
    >>> stmts = schema_statements()
    >>> stmts[0]
    'CREATE CONSTRAINT `qz_Division_id` IF NOT EXISTS FOR (n:`Division`) REQUIRE n.`id` IS UNIQUE'
    >>> "DROP INDEX `qz_Tenure_end` IF EXISTS" in stmts
    True
    """
    out = []
    for label in m.classes:
        out.append(_CONSTRAINT.format(name=_quote(f"qz_{label}_id"), label=quote_label(label, m)))
    for label in m.classes:
        for key in _date_keys(m, label):
            out.append(_DROP_INDEX.format(name=_quote(f"qz_{label}_{key}")))
    return out


_SCALARS = (str, int, float, bool, type(None))


def _plain(value: Any) -> bool:
    """Whether a returned value needs no conversion (no node, relationship, path or temporal value)."""
    if isinstance(value, _SCALARS):
        return True
    if isinstance(value, list):
        return all(isinstance(v, _SCALARS) or _plain(v) for v in value)
    if isinstance(value, dict):
        return all(_plain(v) for v in value.values())
    return False


def _rows(result) -> list[dict[str, Any]]:
    """A result's rows as dicts, as ``Result.data()`` gives them.

    ``data()`` walks every value through the driver's exporter; library queries return strings,
    numbers, booleans and lists of them, which are zipped with the keys directly (about a third of a
    wide result's client time). A row holding anything else still goes through ``Record.data()``.
    """
    keys = result.keys()
    out = []
    for record in result:
        values = record.values()
        out.append(dict(zip(keys, values)) if all(_plain(v) for v in values) else record.data())
    return out


def _batches(rows: list, size: int):
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


MERGE_BATCH = 10_000
"""Rows per transaction of the idempotent ``MERGE`` push."""
CREATE_BATCH = 20_000
"""Rows per transaction of the fresh-load ``CREATE`` push."""


class Neo4jStore:
    """A Neo4j database holding the graph with one label per node (its ontology class).

    An ``OrganizationalUnit`` node is not also labelled ``Organization``: queries that mean "any body"
    match both labels (``(b:`Organization`|`OrganizationalUnit`)``).

    Parameters
    ----------
    uri : str
        Bolt URI, e.g. ``bolt://127.0.0.1:7687``.
    user, password : str, optional
        Credentials; without a user the driver connects without authentication.
    database : str, optional
        Database name (default: the server's default database).
    """

    engine = "neo4j"

    def __init__(self, uri: str, user: str | None = None, password: str | None = None, database: str | None = None,
                 *, m: Model = default_model):
        self.uri = uri
        self.database = database
        self.model = m
        auth = (user, password or "") if user else None
        # Queries name labels that a given bundle may lack (no Decision in most cases); the server's
        # "unknown label" notifications would only be noise.
        self.driver = GraphDatabase.driver(uri, auth=auth, notifications_min_severity="OFF")

    # -- plumbing ---------------------------------------------------------------------
    def __enter__(self) -> "Neo4jStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the driver."""
        self.driver.close()

    def __repr__(self) -> str:
        return f"Neo4jStore({self.uri!r}, database={self.database!r})"

    def _session(self, access_mode: str = WRITE_ACCESS):
        if self.database:
            return self.driver.session(database=self.database, default_access_mode=access_mode)
        return self.driver.session(default_access_mode=access_mode)

    def _write(self, cypher: str, params: dict[str, Any] | None = None, session=None) -> list[dict[str, Any]]:
        if session is not None:
            return session.execute_write(lambda tx: tx.run(cypher, params or {}).data())
        with self._session() as s:
            return s.execute_write(lambda tx: tx.run(cypher, params or {}).data())

    def run(self, cypher: str, params: dict[str, Any] | None = None, *, write: bool = False) -> list[dict[str, Any]]:
        """Run Cypher and return its rows as dicts.

        Without ``write`` the query runs as an auto-commit transaction in a read-access session, so
        the server itself refuses any write it contains; one round trip instead of a managed
        transaction's three (begin, run, commit), about 1 ms of a short query here. With
        ``write`` it runs in a managed write transaction (``session.execute_write``, retried on
        transient errors).
        """
        if write:
            return self._write(cypher, params)
        with self._session(READ_ACCESS) as s:
            result = s.run(cypher, params or {})
            rows = _rows(result)
            summary = result.consume()
        self.last_server_ms = (summary.result_available_after or 0) + (summary.result_consumed_after or 0)
        return rows

    last_server_ms: int | None = None
    """The server's own time for the last read :meth:`run` (planning and execution until the first
    row, plus streaming the rest), in ms, as the server reports it; the remainder of a call's wall
    time is the network and the driver."""

    # -- schema -----------------------------------------------------------------------
    def ensure_schema(self) -> list[str]:
        """Run :func:`schema_statements` (idempotent): create the constraints, drop old date indexes; return them."""
        stmts = schema_statements(self.model)
        with self._session() as s:
            for stmt in stmts:
                s.run(stmt).consume()  # schema commands cannot share a transaction with each other
        return stmts

    def constraints(self) -> list[dict[str, Any]]:
        """The database's constraints (name, labelsOrTypes, properties)."""
        with self._session() as s:
            return s.run(_SHOW_CONSTRAINTS).data()

    def indexes(self) -> list[dict[str, Any]]:
        """The database's indexes (name, labelsOrTypes, properties, type)."""
        with self._session() as s:
            return s.run(_SHOW_INDEXES).data()

    # -- writing ----------------------------------------------------------------------
    def push(self, data: Pushable | StoreData, *, batch_size: int | None = None, progress: Progress | None = None,
             prune: bool = False, fresh: bool | None = None, workers: int = 2) -> PushReport:
        """Write records (or an embedded graph) with batched ``UNWIND $rows AS row …``.

        Everything is validated first (:func:`graph.stores.prepare`); a bad input writes nothing.

        When the database holds none of the input's nodes (no node with one of its labels, or none
        with one of its ids) this is a *fresh load*: nodes are created per label
        (``UNWIND … CREATE``), then edges per relationship type and label pair, their ends found by
        (label, id) through the unique constraints (``MATCH … MATCH … CREATE``); batches run on
        ``workers`` sessions at once. Otherwise the push *merges*: per label, nodes are merged by
        ``id``, their property map replaced (``SET n = …``) and their outgoing edges that the input
        no longer has deleted; edges are merged per relationship type and label pair. Both leave the
        same graph; pushing the same input twice leaves the same graph; pushing a changed bundle
        updates the nodes it holds. Nodes the input does not hold are kept unless ``prune`` is
        true. Each batch is its own transaction (large pushes would not fit a single one in a small
        heap), so only a server failure can leave a push half done. Which path ran is in
        :attr:`last_push_mode` (``"create"`` or ``"merge"``).

        The fresh-load test and the writes are not one transaction: do not push to the same database
        from two clients at once.

        Parameters
        ----------
        data : records, embedded graph or StoreData
            What to write.
        batch_size : int, optional
            Rows per transaction (default :data:`CREATE_BATCH` for a fresh load, :data:`MERGE_BATCH`
            otherwise).
        progress : callable, optional
            ``progress(stage, done, total)`` after each batch.
        prune : bool
            Also delete nodes (with an ontology label) whose id the input does not hold.
        fresh : bool, optional
            Force the fresh-load path (``True``; only correct on a database without the input's
            nodes) or the merge path (``False``); default: decide as above.
        workers : int
            Sessions writing fresh-load batches in parallel (1 = one after the other).
        """
        d = data if isinstance(data, StoreData) else prepare(data, self.model)
        with self._session() as session:

            def write() -> tuple[int, int, dict[str, int]]:  # timed, the fresh-load test included
                create = (not self._holds_any(d, session)) if fresh is None else fresh
                self.last_push_mode = "create" if create else "merge"
                size = batch_size or (CREATE_BATCH if create else MERGE_BATCH)
                if create:
                    return self._create(d, size, progress, prune, max(1, workers))
                return self._push(d, size, progress, prune, session)

            return timed_push(write)

    last_push_mode: str | None = None
    """``"create"`` (fresh load) or ``"merge"``: the path the last :meth:`push` took."""

    def _holds_any(self, d: StoreData, session) -> bool:
        """Whether the database holds a node with one of the input's (label, id) pairs."""
        def read(query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
            return session.execute_read(lambda tx: tx.run(query, params).data())

        labels = [label for label, rows in d.nodes.items() if rows]
        occupied = [label for label in labels if read(_ANY_NODE.format(label=quote_label(label, self.model)), {})]
        for label in occupied:  # a label in use: look the input's ids up, stopping at the first found
            query = _EXISTING.format(label=quote_label(label, self.model))
            for batch in _batches([r["id"] for r in d.nodes[label]], 50_000):
                if read(query, {"ids": batch})[0]["n"]:
                    return True
        return False

    def _create(self, d: StoreData, batch_size: int, progress: Progress | None, prune: bool, workers: int):
        """The fresh-load path: CREATE nodes, then edges (after every node exists)."""
        node_jobs = [
            (_CREATE_NODES.format(label=quote_label(label, self.model)), [r["props"] for r in batch])
            for label, rows in d.nodes.items()
            for batch in _batches(rows, batch_size)
        ]
        self._run_parallel(node_jobs, "nodes", d.node_count, progress, workers)
        edge_jobs = [
            (_CREATE_EDGES.format(source=quote_label(source, self.model), target=quote_label(target, self.model),
                                  rel=quote_type(rel, self.model)), batch)
            for (rel, source, target), pairs in d.edges.items()
            for batch in _batches(pairs, batch_size)
        ]
        self._run_parallel(edge_jobs, "edges", d.edge_count, progress, workers)
        if prune:
            self._prune(d, batch_size, progress)
        return d.node_count, d.edge_count, {label: len(rows) for label, rows in d.nodes.items()}

    def _run_parallel(self, jobs: list[tuple[str, list]], stage: str, total: int, progress: Progress | None,
                      workers: int) -> None:
        """Run (query, rows) write jobs, each in its own transaction, on up to ``workers`` sessions.

        While one session waits for the server the other packs its batch, so client and server work
        overlap. Deadlocks between concurrent edge batches are transient errors that the driver's
        ``execute_write`` retries.
        """
        lock, done = threading.Lock(), [0]
        local = threading.local()
        sessions: list = []

        def run(job: tuple[str, list]) -> None:
            s = getattr(local, "session", None)
            if s is None:
                s = local.session = self._session()
                with lock:
                    sessions.append(s)
            query, rows = job
            self._write(query, {"rows": rows}, s)
            with lock:
                done[0] += len(rows)
                if progress:
                    progress(stage, done[0], total)

        try:
            if workers == 1 or len(jobs) < 2:
                for job in jobs:
                    run(job)
            else:
                with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="quanze-neo4j-push") as pool:
                    for _ in pool.map(run, jobs):
                        pass
        finally:
            for s in sessions:
                s.close()

    def _push(self, d: StoreData, batch_size: int, progress: Progress | None, prune: bool, session):
        total_nodes, total_edges = d.node_count, d.edge_count
        types = sorted(self.model.R)
        done = 0
        for label, rows in d.nodes.items():
            query = _MERGE_NODES.format(label=quote_label(label, self.model))
            rows = [{**r, "keep": [list(k) for k in d.out_edges.get(r["id"], [])]} for r in rows]
            for batch in _batches(rows, batch_size):
                self._write(query, {"rows": batch, "types": types}, session)
                done += len(batch)
                if progress:
                    progress("nodes", done, total_nodes)
        done = 0
        for (rel, source, target), pairs in d.edges.items():
            query = _MERGE_EDGES.format(
                source=quote_label(source, self.model), target=quote_label(target, self.model), rel=quote_type(rel, self.model)
            )
            for batch in _batches(pairs, batch_size):
                self._write(query, {"rows": [{"s": s, "t": t} for s, t in batch]}, session)
                done += len(batch)
                if progress:
                    progress("edges", done, total_edges)
        if prune:
            self._prune(d, batch_size, progress)
        return total_nodes, total_edges, {label: len(rows) for label, rows in d.nodes.items()}

    def _prune(self, d: StoreData, batch_size: int, progress: Progress | None) -> None:
        for label in self.model.classes:
            keep = [r["id"] for r in d.nodes.get(label, [])]  # per label: ids are unique across labels
            self._delete_in_batches(_PRUNE.format(label=quote_label(label, self.model)), {"keep": keep}, batch_size, progress)

    def _delete_in_batches(self, query: str, params: dict[str, Any], batch_size: int, progress: Progress | None) -> int:
        deleted = 0
        while True:
            n = self._write(query, {**params, "limit": batch_size})[0]["deleted"]
            deleted += n
            if progress and n:
                progress("prune", deleted, deleted)
            if n < batch_size:
                return deleted

    def clear(self, batch_size: int = MERGE_BATCH) -> int:
        """Delete every node and relationship (in batches); return the number of nodes deleted."""
        return self._delete_in_batches(_CLEAR, {}, batch_size, None)

    # -- reading ----------------------------------------------------------------------
    def pull(self) -> nx.MultiDiGraph:
        """Read the graph back in the shape of :func:`graph.build.build_graph`.

        Only nodes with an ontology label and edges with an ontology type are read; push → pull is
        lossless (``graph_to_records`` of both sides are equal).
        """
        nodes: list[tuple[str, dict[str, Any]]] = []
        edges: list[tuple[str, str, str]] = []
        for label in self.model.classes:
            for row in self.run(_PULL_NODES.format(label=quote_label(label, self.model))):
                nodes.append((label, row["props"]))
        for rel in self.model.R:
            for row in self.run(_PULL_EDGES.format(rel=quote_type(rel, self.model))):
                edges.append((row["s"], rel, row["t"]))
        return graph_from_rows(nodes, edges, self.model)

    def counts(self) -> dict[str, int]:
        """Number of nodes per label and of relationships per type (zeros left out)."""
        out = {}
        for label in self.model.classes:
            n = self.run(_COUNT_NODES.format(label=quote_label(label, self.model)))[0]["n"]
            if n:
                out[label] = n
        for rel in self.model.R:
            n = self.run(_COUNT_EDGES.format(rel=quote_type(rel, self.model)))[0]["n"]
            if n:
                out[rel] = n
        return out
