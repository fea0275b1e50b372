"""The library façade the CLI and the explorer call: open a bundle, summarise it, export it."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from graph.build import build_graph, write_graphml
from graph.rdf import records_to_rdf, serialize
from loaders.bundle import load_bundle
from loaders.records import Bundle

__all__ = ["Loaded", "open_bundle", "open_graph", "summary_rows", "export", "write_atomic", "EXPORT_FORMATS"]

EXPORT_FORMATS = ("ttl", "jsonld", "graphml", "html")


@dataclass
class Loaded:
    """A validated bundle and the embedded graph built from it."""

    bundle: Bundle
    graph: nx.MultiDiGraph


def open_bundle(path: str | Path, *, shacl: bool = True) -> Loaded:
    """Load, validate and build; raises :class:`loaders.records.BundleError` on any problem.

    Examples
    --------
    >>> from loaders.demo import DEMO_BUNDLE
    >>> loaded = open_bundle(DEMO_BUNDLE, shacl=False)
    >>> loaded.graph.number_of_nodes() == len(loaded.bundle)
    True
    """
    bundle = load_bundle(path, shacl=shacl)
    return Loaded(bundle, build_graph(bundle))


def open_graph(path: str | Path, *, compact: bool = False, shacl: bool = True, prime: bool = False):
    """The graph the verdict engine runs on. Raises :class:`loaders.records.BundleError` on any problem.

    * the default: networkx after the full load with SHACL;
    * ``shacl=False``: the same networkx graph without the SHACL pass, read by the vectorised columnar
      reader (the same checks and errors as ``load_bundle(shacl=False)``) and built from its columns
      (:func:`graph.build.build_graph_from_columns`): about 6 s at province scale instead of 9–14 s;
    * ``compact=True``: the compact columnar graph of :mod:`graph.compact` (no SHACL; a few hundred
      bytes per record, for national-size bundles).

    ``prime=True`` then builds the index's tables and the clause, body, post and 分工 facts that traces
    and audits otherwise build on first use (:func:`graph.verdict.prime`): about 5.5 s at province
    scale, after which the first trace of an incident costs about what a repeated one does
    (benchmarks/README.md).

    Examples
    --------
    >>> from loaders.demo import DEMO_BUNDLE
    >>> from graph.verdict import trace
    >>> trace(open_graph(DEMO_BUNDLE, compact=True), "inc_coal").to_dict() == trace(open_graph(DEMO_BUNDLE), "inc_coal").to_dict()
    True
    >>> fast = open_graph(DEMO_BUNDLE, shacl=False, prime=True)
    >>> trace(fast, "inc_coal").to_dict() == trace(open_graph(DEMO_BUNDLE), "inc_coal").to_dict()
    True
    """
    if compact:
        from graph.compact import load_compact

        g = load_compact(path)
    elif shacl:
        g = open_bundle(path).graph
    else:
        from graph.build import build_graph_from_columns
        from loaders.columnar import load_columnar

        g = build_graph_from_columns(load_columnar(path))
    if prime:
        from graph.verdict import prime as prime_facts

        prime_facts(g)
    return g


def summary_rows(loaded: Loaded) -> list[tuple[str, str, int]]:
    """(section, label, count) for every class present, in ontology order."""
    from ontology.model import model as m

    counts = loaded.bundle.counts()
    return [(c.section, c.name, counts[c.name]) for c in m.classes.values() if counts.get(c.name)]


def write_atomic(path: str | Path, data: str | bytes) -> None:
    """Write a whole file or nothing: a temporary file renamed into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def export(loaded: Loaded, fmt: str, out: str | Path) -> None:
    """Export as Turtle, JSON-LD, GraphML or a self-contained interactive HTML network."""
    if fmt in ("ttl", "jsonld"):
        write_atomic(out, serialize(records_to_rdf(loaded.bundle), fmt))
    elif fmt == "graphml":
        fd, tmp = tempfile.mkstemp(suffix=".graphml")
        os.close(fd)
        try:
            write_graphml(loaded.graph, tmp)
            write_atomic(out, Path(tmp).read_bytes())
        finally:
            os.unlink(tmp)
    elif fmt == "html":
        from explorer.network import network_html

        write_atomic(out, network_html(loaded.graph))
    else:
        raise ValueError(f"unknown export format {fmt!r} (one of {', '.join(EXPORT_FORMATS)})")
