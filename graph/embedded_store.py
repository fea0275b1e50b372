"""The embedded Cypher store on LadybugDB (a Kùzu fork): the Neo4j store's interface without a server."""

from __future__ import annotations

import decimal
import tempfile
from pathlib import Path
from typing import Any

import ladybug
import networkx as nx
import pyarrow as pa
import pyarrow.parquet as pq

from graph.build import graph_to_records
from graph.stores import Progress, Pushable, PushReport, StoreData, graph_from_rows, prepare, timed_push
from graph.stores import quote_name as _quote
from ontology.model import Model, model as default_model

__all__ = ["EmbeddedStore", "node_table_ddl", "rel_table_ddl", "rel_pairs", "LADYBUG_TYPES"]

# Dates stay ISO strings, as in Neo4j and the embedded networkx graph: the library queries compare
# them as strings, so one query text serves both engines.
LADYBUG_TYPES = {"string": "STRING", "date": "STRING", "boolean": "BOOLEAN", "integer": "INT64"}
_ARROW_TYPES = {"string": pa.string(), "date": pa.string(), "boolean": pa.bool_(), "integer": pa.int64()}

_NODE_TABLE = "CREATE NODE TABLE IF NOT EXISTS {label}({columns}, PRIMARY KEY(`id`))"
_REL_TABLE = "CREATE REL TABLE IF NOT EXISTS {rel}({pairs})"
_COPY_NODES = "COPY {label} FROM '{path}'"
_COPY_EDGES = "COPY {rel} FROM '{path}' (from='{source}', to='{target}')"
_DELETE_EDGES = "MATCH ()-[r:{rel}]->() DELETE r"
_DELETE_NODES = "MATCH (n:{label}) DELETE n"
_PULL_NODES = "MATCH (n:{label}) RETURN n"
_PULL_EDGES = "MATCH (s)-[:{rel}]->(t) RETURN s.`id` AS s, t.`id` AS t"
_COUNT_NODES = "MATCH (n:{label}) RETURN count(n) AS n"
_COUNT_EDGES = "MATCH ()-[r:{rel}]->() RETURN count(r) AS n"
_SHOW_TABLES = "CALL show_tables() RETURN name, type"


def _columns(m: Model, label: str) -> list[tuple[str, str, bool]]:
    """(key, datatype, multiple) of every node property of a class: id, origin, literal and enum fields."""
    cols = [("id", "string", False), ("origin", "string", False)]
    for f in m.classes[label].fields.values():
        if f.kind == "ref":
            continue
        cols.append((f.key, f.datatype if f.kind == "literal" else "string", f.multiple))
    return cols


def node_table_ddl(label: str, m: Model = default_model) -> str:
    """The node table of one class; every property name is back-quoted (``end`` is a keyword there).

    Examples
    --------
    >>> node_table_ddl("Person")
    'CREATE NODE TABLE IF NOT EXISTS `Person`(`id` STRING, `origin` STRING, `name` STRING, `note` STRING, PRIMARY KEY(`id`))'
    """
    cols = ", ".join(f"{_quote(k)} {LADYBUG_TYPES[t]}{'[]' if many else ''}" for k, t, many in _columns(m, label))
    return _NODE_TABLE.format(label=_quote(getattr(m.L, label)), columns=cols)


def rel_pairs(m: Model = default_model) -> dict[str, list[tuple[str, str]]]:
    """(source label, target label) pairs per relationship type, from the ontology's field domains and
    ranges; a range class also admits its subclasses (an ``Organization`` reference may name a unit).

    Examples
    --------
    >>> rel_pairs()[default_model.R.UNIT_OF]
    [('OrganizationalUnit', 'Organization'), ('OrganizationalUnit', 'OrganizationalUnit')]
    """
    out: dict[str, list[tuple[str, str]]] = {}
    for source, f in m.edge_fields():
        for target in m.classes:
            if m.is_a(target, f.target):
                pairs = out.setdefault(f.rel_type, [])
                if (source, target) not in pairs:
                    pairs.append((source, target))
    return out


def rel_table_ddl(rel: str, m: Model = default_model) -> str:
    """The relationship table of one type, with one FROM/TO pair per label pair it joins."""
    pairs = ", ".join(f"FROM {_quote(s)} TO {_quote(t)}" for s, t in rel_pairs(m)[rel])
    return _REL_TABLE.format(rel=_quote(getattr(m.R, rel)), pairs=pairs)


def _plain(value: Any) -> Any:
    """Engine values as plain Python: ladybug returns DECIMAL for some sums."""
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k not in ("_ID",)}
    return value


class EmbeddedStore:
    """A LadybugDB database (in memory, or on disk at ``path``) with one node table per class and one
    relationship table per type, created from the ontology.

    Loading uses ``COPY … FROM`` Parquet files, the engine's fast path. A push rebuilds the tables from
    the stored graph merged with the pushed one, inside one transaction, so it has the Neo4j store's
    semantics (idempotent; a re-pushed node gets exactly its new properties and outgoing edges).

    Parameters
    ----------
    path : str or Path, optional
        Database directory or file; in memory when omitted.

    Examples
    --------
    >>> from loaders.bundle import load_bundle
    >>> from loaders.demo import DEMO_BUNDLE
    >>> store = EmbeddedStore()
    >>> _ = store.ensure_schema()
    >>> store.push(load_bundle(DEMO_BUNDLE, shacl=False)).nodes
    112
    >>> store.run("MATCH (p:Person {id: $id}) RETURN p.name AS name", {"id": "han_li"})
    [{'name': '韩立'}]
    """

    engine = "ladybug"

    def __init__(self, path: str | Path | None = None, *, m: Model = default_model):
        self.path = str(path) if path is not None else ":memory:"
        self.model = m
        self.db = ladybug.Database(self.path)
        self.conn = ladybug.Connection(self.db)

    def __enter__(self) -> "EmbeddedStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"EmbeddedStore({self.path!r})"

    def close(self) -> None:
        """Close the connection and the database."""
        self.conn.close()
        self.db.close()

    # -- running ----------------------------------------------------------------------
    def _execute(self, cypher: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        result = self.conn.execute(cypher, params or {})
        if isinstance(result, list):  # several statements: the guard in run() keeps these out
            result = result[-1]
        names = result.get_column_names()
        rows = []
        while result.has_next():
            rows.append({k: _plain(v) for k, v in zip(names, result.get_next())})
        return rows

    def run(self, cypher: str, params: dict[str, Any] | None = None, *, write: bool = False) -> list[dict[str, Any]]:
        """Run one Cypher statement and return its rows as dicts.

        Without ``write`` the statement runs in a ``READ ONLY`` transaction, so the engine refuses
        any write it contains. Several statements in one text are refused: a ``COMMIT`` among them
        would end the read-only transaction.
        """
        from queries.registry import statement_count

        if statement_count(cypher) > 1:
            raise ValueError("one statement at a time on the embedded engine")
        if write:
            return self._execute(cypher, params)
        self.conn.execute("BEGIN TRANSACTION READ ONLY")
        try:
            rows = self._execute(cypher, params)
        except BaseException:
            self._rollback_quietly()  # a failed statement may already have ended the transaction
            raise
        self.conn.execute("ROLLBACK")
        return rows

    def _rollback_quietly(self) -> None:
        try:
            self.conn.execute("ROLLBACK")
        except RuntimeError:
            pass

    # -- schema -----------------------------------------------------------------------
    def ensure_schema(self) -> list[str]:
        """Create the node and relationship tables if missing; return the DDL."""
        stmts = [node_table_ddl(label, self.model) for label in self.model.classes]
        stmts += [rel_table_ddl(rel, self.model) for rel in sorted(rel_pairs(self.model))]
        for stmt in stmts:
            self.conn.execute(stmt)
        return stmts

    def tables(self) -> dict[str, str]:
        """Table name → NODE or REL."""
        return {r["name"]: r["type"] for r in self._execute(_SHOW_TABLES)}

    # -- writing ----------------------------------------------------------------------
    def push(self, data: Pushable | StoreData, *, batch_size: int | None = None, progress: Progress | None = None,
             prune: bool = False) -> PushReport:
        """Write records (or an embedded graph); same semantics as :meth:`graph.neo4j_store.Neo4jStore.push`.

        The input is validated first; then the stored graph (unless ``prune``) and the input are merged
        record by record (the input wins) and validated together, and the tables are rebuilt from the
        result with ``COPY`` in one transaction. ``batch_size`` is accepted for interface parity: COPY
        needs no batches.
        """
        pushed = data if isinstance(data, StoreData) else prepare(data, self.model)
        self.ensure_schema()
        if prune or self.is_empty():
            merged = pushed
        else:
            by_id = {r.id: r for r in graph_to_records(self.pull(), self.model)}
            by_id.update({r.id: r for r in pushed.records})
            merged = prepare(list(by_id.values()), self.model)
        return timed_push(lambda: self._rebuild(merged, pushed, progress))

    def _rebuild(self, d: StoreData, pushed: StoreData, progress: Progress | None):
        with tempfile.TemporaryDirectory(prefix="quanze-ladybug-") as tmp:
            files = self._write_parquet(d, Path(tmp))
            self.conn.execute("BEGIN TRANSACTION")
            try:
                self._delete_all()
                done = 0
                for label, path, n in files["nodes"]:
                    self.conn.execute(_COPY_NODES.format(label=_quote(label), path=path))
                    done += n
                    if progress:
                        progress("nodes", done, d.node_count)
                done = 0
                for (rel, source, target), path, n in files["edges"]:
                    self.conn.execute(_COPY_EDGES.format(rel=_quote(rel), path=path, source=source, target=target))
                    done += n
                    if progress:
                        progress("edges", done, d.edge_count)
                self.conn.execute("COMMIT")
            except BaseException:
                self._rollback_quietly()
                raise
        return pushed.node_count, pushed.edge_count, {label: len(rows) for label, rows in pushed.nodes.items()}

    def _write_parquet(self, d: StoreData, folder: Path) -> dict[str, list]:
        if "'" in folder.as_posix():  # the path is spliced into COPY as a literal
            raise ValueError(f"temporary folder {folder} has a quote in its path; set TMPDIR elsewhere")
        out: dict[str, list] = {"nodes": [], "edges": []}
        for label, rows in d.nodes.items():
            cols = _columns(self.model, label)
            fields = [pa.field(k, pa.list_(_ARROW_TYPES[t]) if many else _ARROW_TYPES[t]) for k, t, many in cols]
            table = pa.table({k: [r["props"].get(k) for r in rows] for k, _, _ in cols}, schema=pa.schema(fields))
            path = folder / f"n_{label}.parquet"
            pq.write_table(table, path)
            out["nodes"].append((label, path.as_posix(), len(rows)))
        for i, (key, pairs) in enumerate(d.edges.items()):
            table = pa.table({"from": [s for s, _ in pairs], "to": [t for _, t in pairs]})
            path = folder / f"e_{i}.parquet"
            pq.write_table(table, path)
            out["edges"].append((key, path.as_posix(), len(pairs)))
        return out

    def _delete_all(self) -> None:
        for rel in rel_pairs(self.model):
            self.conn.execute(_DELETE_EDGES.format(rel=_quote(rel)))
        for label in self.model.classes:
            self.conn.execute(_DELETE_NODES.format(label=_quote(label)))

    def clear(self) -> None:
        """Delete every node and relationship (the tables stay)."""
        self.ensure_schema()
        self._delete_all()

    def is_empty(self) -> bool:
        """Whether no node is stored."""
        return not any(self._execute(_COUNT_NODES.format(label=_quote(label)))[0]["n"] for label in self.model.classes)

    # -- reading ----------------------------------------------------------------------
    def pull(self) -> nx.MultiDiGraph:
        """Read the graph back in the shape of :func:`graph.build.build_graph` (lossless after a push)."""
        self.ensure_schema()
        nodes = []
        for label in self.model.classes:
            for row in self._execute(_PULL_NODES.format(label=_quote(label))):
                props = {k: v for k, v in row["n"].items() if not k.startswith("_")}
                nodes.append((label, props))
        edges = []
        for rel in rel_pairs(self.model):
            for row in self._execute(_PULL_EDGES.format(rel=_quote(rel))):
                edges.append((row["s"], rel, row["t"]))
        return graph_from_rows(nodes, edges, self.model)

    def counts(self) -> dict[str, int]:
        """Number of nodes per label and of relationships per type (zeros left out)."""
        self.ensure_schema()
        out = {}
        for label in self.model.classes:
            n = self._execute(_COUNT_NODES.format(label=_quote(label)))[0]["n"]
            if n:
                out[label] = n
        for rel in sorted(rel_pairs(self.model)):
            n = self._execute(_COUNT_EDGES.format(rel=_quote(rel)))[0]["n"]
            if n:
                out[rel] = n
        return out
