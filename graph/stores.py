"""Graph stores behind one interface (Neo4j, embedded LadybugDB) and the library functions the CLI wraps."""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Protocol, Union

import networkx as nx

from graph.build import LABEL, graph_to_records
from loaders.records import BundleError, Problem, Record
from ontology.model import Model, model as default_model

__all__ = [
    "DEFAULT_NEO4J_URI",
    "STORE_KINDS",
    "Progress",
    "Pushable",
    "PushReport",
    "GraphStore",
    "WriteRefused",
    "StoreData",
    "prepare",
    "graph_from_rows",
    "neo4j_settings",
    "open_store",
    "push_bundle",
    "warm_server",
    "pull_graph",
    "write_graph",
    "timed_push",
    "run_named",
    "run_adhoc",
    "refuse_writes",
    "parse_param_pairs",
    "quote_name",
]

DEFAULT_NEO4J_URI = "bolt://127.0.0.1:7687"
STORE_KINDS = ("neo4j", "embedded")

Progress = Callable[[str, int, int], None]
"""Progress callback: ``progress(stage, done, total)``; stage is ``"nodes"``, ``"edges"`` or ``"prune"``."""

Pushable = Union[Iterable[Record], nx.MultiDiGraph]
"""What a store's ``push`` takes: validated records (a loaded bundle) or an embedded graph."""


def quote_name(name: str) -> str:
    """Back-quote a label, relationship type or property name for Cypher (both stores' dialects).

    >>> quote_name("end"), quote_name("a`b")
    ('`end`', '`a``b`')
    """
    return "`" + name.replace("`", "``") + "`"


class WriteRefused(PermissionError):
    """An ad-hoc query contains a write clause and was not run with ``write=True``."""


@dataclass
class PushReport:
    """What a push wrote and how fast."""

    nodes: int
    edges: int
    seconds: float
    labels: dict[str, int] = field(default_factory=dict)
    warmed: Any = None
    """The :class:`queries.registry.WarmReport` of a push that warmed the server afterwards, else None."""

    @property
    def rows_per_second(self) -> float:
        """Nodes plus edges written per second of wall time."""
        return (self.nodes + self.edges) / self.seconds if self.seconds > 0 else float("inf")


class GraphStore(Protocol):
    """What every store offers; :class:`graph.neo4j_store.Neo4jStore` and
    :class:`graph.embedded_store.EmbeddedStore` implement it."""

    engine: str

    def ensure_schema(self) -> list[str]: ...

    def push(self, data: Pushable, *, batch_size: int | None = ..., progress: Progress | None = None,
             prune: bool = False) -> PushReport: ...

    def pull(self) -> nx.MultiDiGraph: ...

    def run(self, cypher: str, params: dict[str, Any] | None = None, *, write: bool = False) -> list[dict[str, Any]]: ...

    def clear(self) -> None: ...

    def counts(self) -> dict[str, int]: ...

    def close(self) -> None: ...


# ---------------------------------------------------------------------------- validation and rows
@dataclass
class StoreData:
    """Validated records cut into what a store writes: node property maps per label and edges per
    (relationship type, source label, target label)."""

    records: list[Record]
    nodes: dict[str, list[dict[str, Any]]]
    edges: dict[tuple[str, str, str], list[tuple[str, str]]]
    out_edges: dict[str, list[tuple[str, str]]]

    @property
    def node_count(self) -> int:
        return sum(len(v) for v in self.nodes.values())

    @property
    def edge_count(self) -> int:
        return sum(len(v) for v in self.edges.values())


def _check_value(f, value: Any, m: Model) -> str | None:
    """Why one field value cannot be stored, or None; mirrors what the bundle loader produces."""
    values = value if f.multiple else [value]
    if f.multiple and not isinstance(value, list):
        return "takes a list"
    for v in values:
        if f.kind == "ref":
            if not isinstance(v, str):
                return f"a reference must be an id string, not {type(v).__name__}"
        elif f.kind == "enum":
            if v not in m.concepts[f.target]:
                return f"unknown {f.target} {v!r}"
        elif f.datatype == "date":
            try:
                if not isinstance(v, str) or dt.date.fromisoformat(v).isoformat() != v:
                    raise ValueError
            except ValueError:
                return f"bad date {v!r} (expected an ISO string YYYY-MM-DD)"
        elif f.datatype == "boolean":
            if not isinstance(v, bool):
                return f"expected a boolean, not {v!r}"
        elif f.datatype == "integer":
            if not isinstance(v, int) or isinstance(v, bool):
                return f"expected an integer, not {v!r}"
        elif not isinstance(v, str):
            return f"expected text, not {type(v).__name__}"
    return None


def prepare(data: Pushable, m: Model = default_model) -> StoreData:
    """Validate records (or an embedded graph) completely and cut them into store rows.

    Nothing is written by any store before this has passed, so a bad bundle writes nothing.

    Raises
    ------
    BundleError
        Listing every problem: unknown classes or fields, badly typed values, and the loader's
        cross-record rules (:func:`loaders.bundle.check_records`: references, dates, cycles …).

    Examples
    --------
    >>> from loaders.records import Record
    >>> d = prepare([Record("Division", "d1", {"name": "甲", "level": "city"})])
    >>> d.nodes["Division"]
    [{'id': 'd1', 'props': {'id': 'd1', 'origin': '<memory>:0', 'name': '甲', 'level': 'city'}}]
    >>> prepare([Record("Division", "d1", {"name": "甲", "level": "planet"})])
    Traceback (most recent call last):
    ...
    loaders.records.BundleError: <memory>:0: level: unknown DivisionLevel 'planet'
    """
    from loaders.bundle import check_records

    records = graph_to_records(data, m) if isinstance(data, nx.MultiDiGraph) else list(data)
    problems: list[Problem] = []
    seen: dict[str, Record] = {}
    for r in records:
        cdef = m.classes.get(r.cls)
        if cdef is None:
            problems.append(Problem(r.file, r.line, "(class)", f"{r.cls!r} is not a class of the ontology"))
            continue
        if r.id in seen:
            problems.append(Problem(r.file, r.line, "id", f"duplicate id {r.id!r} (first at {seen[r.id].origin})"))
        seen[r.id] = r
        for key, value in r.values.items():
            f = cdef.fields.get(key)
            if f is None:
                problems.append(Problem(r.file, r.line_of(key), key, f"not a field of {r.cls}"))
                continue
            why = _check_value(f, value, m)
            if why:
                problems.append(Problem(r.file, r.line_of(key), key, why))
    if not problems:
        problems = check_records(records, m)
    if problems:
        raise BundleError(problems)

    label_of = {r.id: r.cls for r in records}
    nodes: dict[str, list[dict[str, Any]]] = {}
    edges: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
    out_edges: dict[str, list[tuple[str, str]]] = {}
    for r in records:
        cdef = m.classes[r.cls]
        props: dict[str, Any] = {"id": r.id, "origin": r.origin}
        keep: list[tuple[str, str]] = []
        for key, value in r.values.items():
            f = cdef.fields[key]
            if f.kind != "ref":
                props[key] = list(value) if f.multiple else value
                continue
            for target in dict.fromkeys(value if f.multiple else [value]):
                edges.setdefault((f.rel_type, r.cls, label_of[target]), []).append((r.id, target))
                keep.append((f.rel_type, target))
        nodes.setdefault(r.cls, []).append({"id": r.id, "props": props})
        out_edges[r.id] = keep
    return StoreData(records, nodes, edges, out_edges)


def graph_from_rows(
    node_rows: Iterable[tuple[str, dict[str, Any]]],
    edge_rows: Iterable[tuple[str, str, str]],
    m: Model = default_model,
) -> nx.MultiDiGraph:
    """Rebuild the embedded graph (the shape of :func:`graph.build.build_graph`) from what a store
    returns: ``(label, properties)`` per node and ``(source id, relationship type, target id)`` per edge.

    Absent and null properties are the same thing in both stores, so nulls are dropped; properties the
    ontology does not know (added by hand in the database) are ignored.
    """
    g = nx.MultiDiGraph()
    for label, props in node_rows:
        cdef = m.classes[label]
        attrs: dict[str, Any] = {LABEL: label, "id": props["id"], "origin": props.get("origin") or "<memory>:0"}
        for key, value in props.items():
            f = cdef.fields.get(key)
            if value is None or f is None or f.kind == "ref":
                continue
            attrs[key] = list(value) if f.multiple else value
        g.add_node(props["id"], **attrs)
    for src, rel, dst in edge_rows:
        if src in g and dst in g:
            g.add_edge(src, dst, key=rel, type=rel)
    return g


# ---------------------------------------------------------------------------- opening stores
def neo4j_settings(uri: str | None = None, user: str | None = None, password: str | None = None) -> tuple[str, str | None, str | None]:
    """Connection settings: explicit values first, then ``NEO4J_URI`` / ``NEO4J_USER`` / ``NEO4J_PASSWORD``,
    then ``bolt://127.0.0.1:7687`` without authentication (what ``quanze neo4j serve`` starts).

    Examples
    --------
    >>> neo4j_settings("bolt://db:7687", "neo4j", "secret")
    ('bolt://db:7687', 'neo4j', 'secret')
    """
    return (
        uri or os.environ.get("NEO4J_URI") or DEFAULT_NEO4J_URI,
        user or os.environ.get("NEO4J_USER") or None,
        password or os.environ.get("NEO4J_PASSWORD") or None,
    )


def open_store(
    kind: str = "neo4j",
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    bundle: str | Path | None = None,
    *,
    database: str | None = None,
    path: str | Path | None = None,
) -> GraphStore:
    """Open a store; with ``bundle``, load and validate it first and push it into the store.

    Parameters
    ----------
    kind : {"neo4j", "embedded"}
        A Neo4j server (``uri``, ``user``, ``password``, ``database``; defaults from the environment,
        see :func:`neo4j_settings`) or the embedded LadybugDB engine (in memory, or on disk at ``path``).
    bundle : str or Path, optional
        A case bundle to load into the store (the usual way to use the embedded engine).

    Raises
    ------
    loaders.records.BundleError
        When the bundle does not validate; nothing is written.
    ValueError
        For an unknown ``kind``.
    """
    data = _load(bundle) if bundle is not None else None
    if kind == "neo4j":
        from graph.neo4j_store import Neo4jStore

        u, usr, pw = neo4j_settings(uri, user, password)
        store: GraphStore = Neo4jStore(u, usr, pw, database=database)
    elif kind == "embedded":
        from graph.embedded_store import EmbeddedStore

        store = EmbeddedStore(path)
    else:
        raise ValueError(f"unknown store {kind!r} (one of {', '.join(STORE_KINDS)})")
    if data is not None:
        store.ensure_schema()
        store.push(data)
    return store


def _load(bundle: str | Path) -> StoreData:
    from loaders.bundle import load_bundle

    return prepare(load_bundle(bundle))


def push_bundle(
    path: str | Path,
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    *,
    database: str | None = None,
    batch_size: int | None = None,
    progress: Progress | None = None,
    prune: bool = False,
    warm: bool = False,
) -> PushReport:
    """Load and validate a bundle, then push it to Neo4j (backs ``quanze neo4j push BUNDLE``).

    The bundle is validated completely before the database is touched: a bad bundle writes nothing.
    Pushing is idempotent, and pushing a changed bundle updates the nodes it holds (see
    :meth:`graph.neo4j_store.Neo4jStore.push`); ``prune`` also deletes nodes the bundle no longer holds.
    Into a database holding none of the bundle's nodes the store creates instead of merging (the fast
    first load); ``batch_size`` None keeps the store's own batch sizes for each path. With ``warm``
    the server then plans every library query and runs each on ids drawn from the bundle
    (:func:`queries.registry.warm`), so the first questions asked after the load are not the slow ones;
    the report's ``warmed`` says what that did.
    """
    from graph.neo4j_store import Neo4jStore
    from loaders.bundle import load_bundle
    from queries.registry import warm as warm_library, warm_samples

    bundle = load_bundle(path)
    data = prepare(bundle)
    u, usr, pw = neo4j_settings(uri, user, password)
    with Neo4jStore(u, usr, pw, database=database) as store:
        store.ensure_schema()
        report = store.push(data, batch_size=batch_size, progress=progress, prune=prune)
        if warm:
            report.warmed = warm_library(store, warm_samples(bundle))
        return report


def warm_server(
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    *,
    bundle: str | Path | None = None,
    database: str | None = None,
    per_query: int | None = None,
) -> Any:
    """Warm a Neo4j server that already holds the data, e.g. after a restart (backs ``quanze neo4j warm``).

    Plans every library query; with ``bundle`` (the one the database was loaded from, validated
    first: a bad one asks nothing) also runs the per-record queries on its ids. Returns the
    :class:`queries.registry.WarmReport`; see :func:`queries.registry.warm`.
    """
    from graph.neo4j_store import Neo4jStore
    from loaders.bundle import load_bundle
    from queries.registry import WARM_CALLS, warm, warm_samples

    per_query = WARM_CALLS if per_query is None else per_query
    samples = warm_samples(load_bundle(bundle), per_param=max(per_query, 1)) if bundle is not None else None
    with Neo4jStore(*neo4j_settings(uri, user, password), database=database) as store:
        return warm(store, samples, per_query=per_query)


def pull_graph(
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    *,
    database: str | None = None,
    out: str | Path | None = None,
) -> nx.MultiDiGraph:
    """Read the whole graph back from Neo4j (backs ``quanze neo4j pull -o FILE``).

    With ``out``, also write it: ``.graphml``, ``.ttl`` or ``.jsonld`` by the file's suffix.
    """
    from graph.neo4j_store import Neo4jStore

    u, usr, pw = neo4j_settings(uri, user, password)
    with Neo4jStore(u, usr, pw, database=database) as store:
        g = store.pull()
    if out is not None:
        write_graph(g, out)
    return g


def write_graph(g: nx.MultiDiGraph, out: str | Path) -> None:
    """Write a pulled graph as GraphML, Turtle or JSON-LD (chosen by the suffix of ``out``)."""
    from graph.api import write_atomic
    from graph.build import write_graphml
    from graph.rdf import records_to_rdf, serialize

    out = Path(out)
    suffix = out.suffix.lower().lstrip(".")
    if suffix == "graphml":
        import tempfile

        fd, tmp = tempfile.mkstemp(suffix=".graphml")
        os.close(fd)
        try:
            write_graphml(g, tmp)
            write_atomic(out, Path(tmp).read_bytes())
        finally:
            os.unlink(tmp)
    elif suffix in ("ttl", "jsonld"):
        write_atomic(out, serialize(records_to_rdf(graph_to_records(g)), suffix))
    else:
        raise ValueError(f"cannot tell the format of {out.name!r}: use .graphml, .ttl or .jsonld")


# ---------------------------------------------------------------------------- queries
def run_named(name: str, params: dict[str, Any], store: GraphStore) -> list[dict[str, Any]]:
    """Run a library query by name (backs ``quanze query NAME --param k=v``); see :mod:`queries.registry`."""
    from queries.registry import run

    return run(name, params, store)


def run_adhoc(text: str, store: GraphStore, params: dict[str, Any] | None = None, *, write: bool = False) -> list[dict[str, Any]]:
    """Run ad-hoc Cypher (backs ``quanze cypher "MATCH …" [--write]``).

    Without ``write``, text holding a write clause is refused before it reaches the database, and the
    query still runs in a read transaction, so a write the guard misses fails in the database.

    Raises
    ------
    WriteRefused
        When ``text`` writes (CREATE, MERGE, SET, DELETE …) and ``write`` is false.
    """
    refuse_writes(text, write=write)
    return store.run(text, params or {}, write=write)


def refuse_writes(text: str, *, write: bool = False) -> None:
    """Raise :class:`WriteRefused` when ``text`` writes and ``write`` is false (callers may check before
    opening a store, so a refused query costs no bundle load)."""
    from queries.registry import is_write_query, write_clauses

    if not write and is_write_query(text):
        found = ", ".join(write_clauses(text))
        raise WriteRefused(f"the query writes ({found}); run it with --write to allow that")


def parse_param_pairs(pairs: Iterable[str]) -> dict[str, str]:
    """Turn ``["incident=inc_coal", "date=2023-01-10"]`` (``--param k=v``) into a dict of raw strings.

    Examples
    --------
    >>> parse_param_pairs(["incident=inc_coal", "note=a=b"])
    {'incident': 'inc_coal', 'note': 'a=b'}
    """
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip().lstrip("$")
        if not sep or not key:
            raise ValueError(f"bad parameter {pair!r}: write it as name=value")
        out[key] = value
    return out


def timed_push(fn: Callable[[], tuple[int, int, dict[str, int]]]) -> PushReport:
    """Run a store's push body, which returns (nodes, edges, nodes per label), and report it with its wall time."""
    t0 = time.perf_counter()
    nodes, edges, labels = fn()
    return PushReport(nodes, edges, time.perf_counter() - t0, labels)
