"""Build the embedded networkx graph from records, and read records back from it."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Iterable

import networkx as nx

from loaders.records import Record, gc_paused
from ontology.model import Model, model as default_model

if TYPE_CHECKING:
    from loaders.columnar import ColumnarBundle

__all__ = ["build_graph", "build_graph_from_columns", "graph_to_records", "write_graphml", "read_graphml", "LABEL"]

LABEL = "label"  # node attribute holding the node label (the ontology class)


def build_graph(records: Iterable[Record], m: Model = default_model) -> nx.MultiDiGraph:
    """One node per record (attributes: label, id, origin, literal and enum fields); one edge per reference.

    Edges are keyed and typed by the relationship type derived from the ontology.

    Examples
    --------
    >>> from loaders.records import Record
    >>> recs = [Record("Person", "p1", {"name": "甲"}), Record("Division", "d1", {"name": "乙", "level": "city"}),
    ...         Record("Organization", "o1", {"name": "丙", "kind": "government", "located_in": "d1"})]
    >>> g = build_graph(recs)
    >>> list(g.edges(keys=True))
    [('o1', 'd1', 'LOCATED_IN')]
    """
    g = nx.MultiDiGraph()
    recs = list(records)
    # At a million records networkx's add_node/add_edge checks and wrapper calls cost three times the
    # work itself, so the adjacency dicts are filled directly, exactly as add_node/add_edge would fill
    # them (same node order, same shared key dicts in _succ and _pred, one attribute dict per edge).
    # The graph is new and empty, so networkx has no cached views to invalidate.
    plans = {name: ({k for k, f in c.fields.items() if f.kind != "ref"},
                    {k: (f.multiple, f.rel_type) for k, f in c.fields.items() if f.kind == "ref"})
             for name, c in m.classes.items()}
    node, succ, pred = g._node, g._succ, g._pred
    with gc_paused():
        for r in recs:
            literal_keys = plans[r.cls][0]
            attrs = {LABEL: r.cls, "id": r.id, "origin": r.origin}
            for key, value in r.values.items():
                if key in literal_keys:
                    attrs[key] = list(value) if isinstance(value, list) else value
                elif key not in m.classes[r.cls].fields:
                    raise KeyError(key)  # as before: a value the class does not define is an error
            if r.id in node:
                node[r.id].update(attrs)
            else:
                node[r.id] = attrs
                succ[r.id] = {}
                pred[r.id] = {}
        for r in recs:
            u, refs = r.id, plans[r.cls][1]
            out = succ[u]
            for key, value in r.values.items():  # in value order, like the add_edge loop it replaces
                ref = refs.get(key)
                if ref is None:
                    continue
                multiple, rel = ref
                for target in value if multiple else [value]:
                    if target not in node:  # a dangling reference still gets a bare node, like add_edge
                        node[target] = {}
                        succ[target] = {}
                        pred[target] = {}
                    keydict = out.get(target)
                    if keydict is None:
                        keydict = out[target] = {}
                        pred[target][u] = keydict
                    datadict = keydict.get(rel)
                    if datadict is None:
                        keydict[rel] = {"type": rel}
                    else:
                        datadict["type"] = rel
    g._quanze_preds_in_node_order = True  # type: ignore[attr-defined]  # see graph.index._InByType
    return g


def build_graph_from_columns(b: "ColumnarBundle", m: Model = default_model) -> nx.MultiDiGraph:
    """The graph :func:`build_graph` makes of the same bundle's records, from the columnar reader's
    output (:func:`loaders.columnar.load_columnar`: the record loader's checks, vectorised): the same
    nodes in the same order, the same attribute dicts with their keys in the same order, the same edges
    in the same order. At province scale this read and build take about 6 s against 9–14 s for
    ``load_bundle`` and :func:`build_graph` (benchmarks/README.md).

    Attribute keys follow each record's value order (a CSV file's header, a YAML record's own keys),
    then the model's defaults in field order, as the record loader fills them.

    Examples
    --------
    >>> from loaders.bundle import load_bundle
    >>> from loaders.columnar import load_columnar
    >>> from loaders.demo import DEMO_BUNDLE
    >>> g = build_graph_from_columns(load_columnar(DEMO_BUNDLE))
    >>> ref = build_graph(load_bundle(DEMO_BUNDLE, shacl=False))
    >>> list(g.nodes(data=True)) == list(ref.nodes(data=True)) and list(g.edges(keys=True)) == list(ref.edges(keys=True))
    True
    """
    g = nx.MultiDiGraph()
    node, succ, pred = g._node, g._succ, g._pred
    ids = b.ids.to_pylist()
    with gc_paused():
        for s, seg in enumerate(b.segments):
            start, cls, cdef = int(b.starts[s]), seg.cls, m.classes[seg.cls]
            cols = {k: a.to_pylist() for k, a in seg.cols.items() if k in cdef.fields and cdef.fields[k].kind != "ref"}
            lines, files, file = seg.lines.tolist(), seg.files, seg.file

            def keys_of(own: Iterable[str]) -> list[str]:
                keys = [k for k in own if k in cols]
                return keys + [k for k in cdef.fields if k in cols and k not in keys]

            csv_keys = [(k, cols[k]) for k in keys_of(seg.header)] if seg.order is None else None
            for row in range(len(seg)):
                nid = ids[start + row]
                attrs = {LABEL: cls, "id": nid, "origin": f"{files[row] if files is not None else file}:{lines[row]}"}
                for key, values in csv_keys if csv_keys is not None else [(k, cols[k]) for k in keys_of(seg.order[row])]:
                    value = values[row]
                    if value is not None:
                        attrs[key] = value
                node[nid] = attrs
                succ[nid] = {}
                pred[nid] = {}
        # edges in build_graph's order (source by source, value order), one keyed edge per type
        rel_types = b.rel_types
        for u, v, rel in zip(b.edge_src.tolist(), b.edge_dst.tolist(), b.edge_rel.tolist()):
            u, v, rel = ids[u], ids[v], rel_types[rel]
            out = succ[u]
            keydict = out.get(v)
            if keydict is None:
                keydict = out[v] = {}
                pred[v][u] = keydict
            if rel not in keydict:
                keydict[rel] = {"type": rel}
    g._quanze_preds_in_node_order = True  # type: ignore[attr-defined]  # see graph.index._InByType
    return g


def graph_to_records(g: nx.MultiDiGraph, m: Model = default_model) -> list[Record]:
    """Invert :func:`build_graph` (used by the Neo4j pull and GraphML round trips)."""
    out = []
    for nid, attrs in g.nodes(data=True):
        cls = attrs[LABEL]
        cdef = m.classes[cls]
        values = {}
        for key, f in cdef.fields.items():
            if f.kind == "ref":
                continue
            if key in attrs and attrs[key] is not None:
                v = attrs[key]
                values[key] = list(v) if f.multiple else v
        rel_to_field = {f.rel_type: f for f in cdef.fields.values() if f.kind == "ref"}
        for _, target, rel in g.out_edges(nid, keys=True):
            f = rel_to_field[rel]
            if f.multiple:
                values.setdefault(f.key, []).append(target)
            else:
                values[f.key] = target
        for f in cdef.fields.values():
            if f.multiple and f.kind == "ref" and f.key in values:
                values[f.key] = sorted(values[f.key])
        origin = attrs.get("origin", "<memory>:0")
        file, _, line = origin.rpartition(":")
        out.append(Record(cls, attrs.get("id", nid), values, file, int(line or 0)))
    return out


def write_graphml(g: nx.MultiDiGraph, path: str) -> None:
    """GraphML cannot hold lists: multi-valued attributes are written as JSON arrays."""
    h = nx.MultiDiGraph()
    for n, a in g.nodes(data=True):
        h.add_node(n, **{k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v for k, v in a.items()})
    for u, v, k, a in g.edges(keys=True, data=True):
        h.add_edge(u, v, key=k, **a)
    nx.write_graphml(h, path, named_key_ids=True)


def read_graphml(path: str, m: Model = default_model) -> nx.MultiDiGraph:
    """Read a file written by :func:`write_graphml`, restoring lists."""
    h = nx.read_graphml(path, force_multigraph=True)
    g = nx.MultiDiGraph()
    for n, a in h.nodes(data=True):
        cdef = m.classes[a[LABEL]]
        attrs = {}
        for k, v in a.items():
            f = cdef.fields.get(k)
            attrs[k] = json.loads(v) if f is not None and f.multiple else v
        g.add_node(n, **attrs)
    for u, v, k, a in h.edges(keys=True, data=True):
        g.add_edge(u, v, key=a.get("type", k), type=a.get("type", k))
    return g
