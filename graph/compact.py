"""A compact, columnar embedded graph that the verdict engine runs on unchanged.

``load_compact(path)`` reads a bundle with :mod:`loaders.columnar` (Arrow columns per class, the record
loader's checks vectorised) and returns a :class:`CompactGraph`: integer node numbers, ids and
properties in Arrow columns, adjacency as CSR numpy arrays (int32 neighbours, uint8 relationship-type
codes) in both directions. ``graph.index.index_for(g)`` returns its :class:`CompactIndex`, a
:class:`graph.index.GraphIndex` whose ``nodes``/``out``/``inc``/``by_label`` are views materialised per
node on first use (bounded caches) and whose ``duty_bodies`` table is columnar, so
``graph.verdict.trace/audit/jurisdiction/chain_of_authority(g, …)`` work as on the networkx graph and
give the same results.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Iterable, Iterator

import networkx as nx
import numpy as np
import pyarrow as pa

from graph.build import LABEL
from graph.index import R, GraphIndex, PerKey
from loaders.columnar import ColumnarBundle, Segment, hash_id, load_columnar, take_chunked
from ontology.model import Model, model as default_model

__all__ = ["CompactGraph", "CompactIndex", "load_compact"]

_CACHE = 250_000  # entries per per-node cache before it is emptied (bounds memory on long runs)


class CompactGraph:
    """Nodes numbered 0..n-1 in bundle order; CSR adjacency both ways; properties in Arrow columns."""

    def __init__(self, b: ColumnarBundle, m: Model = default_model):
        self.bundle = b
        self.name, self.path, self.description = b.name, b.path, b.description
        self.model = m
        n = len(b)
        self.n = n
        self.ids: pa.ChunkedArray = b.ids if isinstance(b.ids, pa.ChunkedArray) else pa.chunked_array([b.ids])
        self.classes = b.classes
        self.node_cls = b.node_cls
        self.rel_types = b.rel_types
        src, dst, rel = b.edge_src, b.edge_dst, b.edge_rel
        counts = np.bincount(src, minlength=n) if len(src) else np.zeros(n, np.int64)
        ptr_type = np.int32 if len(src) < 2**31 else np.int64
        self.out_ptr = np.zeros(n + 1, ptr_type)
        np.cumsum(counts, out=self.out_ptr[1:])
        self.out_dst = dst.astype(np.int32, copy=False)
        self.out_rel = rel
        order = np.argsort(dst, kind="stable")  # edges are in source order, so sources stay sorted per target
        self.in_src = src[order].astype(np.int32, copy=False)
        self.in_rel = rel[order]
        counts = np.bincount(dst, minlength=n) if len(dst) else np.zeros(n, np.int64)
        self.in_ptr = np.zeros(n + 1, ptr_type)
        np.cumsum(counts, out=self.in_ptr[1:])
        del order, counts
        b.edge_src = b.edge_dst = b.edge_rel = None  # type: ignore[assignment]  # now held as CSR
        self._seg_starts = b.starts
        # per segment: the property columns a node's attribute dict is made of
        self._props: list[list[tuple[str, Any]]] = []  # (key, row -> value or None) per segment
        for seg in b.segments:
            cdef = m.classes[seg.cls]
            self._props.append([(k, _accessor(a)) for k, a in seg.cols.items() if k in cdef.fields and cdef.fields[k].kind != "ref"])
            for k in [k for k in seg.cols if k in cdef.fields and cdef.fields[k].kind == "ref"]:
                del seg.cols[k]  # references live in the CSR arrays
        self._lookup: dict[str, int] = {}
        self._names: dict[int, str] = {}
        self._id_hash, self._id_perm = b.id_hash, b.id_perm
        # networkx-style read-only views (node -> {neighbour -> {type -> {"type": type}}}) for code that
        # reads a graph's adjacency directly
        self._succ = _AdjView(self, True)
        self._pred = _AdjView(self, False)
        self._quanze_index = CompactIndex(self)

    # -- ids -------------------------------------------------------------------------------
    def __len__(self) -> int:
        return self.n

    def number(self, nid: Any) -> int:
        """Node number of an id, or -1."""
        if not isinstance(nid, str):
            return -1
        hit = self._lookup.get(nid)
        if hit is not None:
            return hit
        h = np.uint64(hash_id(nid))
        hashes = self._id_hash
        k = int(hashes.searchsorted(h))
        n = -1
        while k < len(hashes) and hashes[k] == h:  # usually one; several ids may share a hash
            cand = int(self._id_perm[k])
            if self.id_of(cand) == nid:
                n = cand
                break
            k += 1
        if len(self._lookup) > _CACHE:
            self._lookup.clear()
        self._lookup[nid] = n
        return n

    def id_of(self, n: int) -> str:
        hit = self._names.get(n)
        if hit is None:
            if len(self._names) > _CACHE:
                self._names.clear()
            hit = self._names[n] = self.ids[n].as_py()
        return hit

    def ids_of(self, nums: Iterable[int]) -> list[str]:
        nums = np.fromiter(nums, np.int64) if not isinstance(nums, np.ndarray) else nums
        if len(nums) <= 32:
            id_of = self.id_of
            return [id_of(x) for x in nums.tolist()]
        # ChunkedArray.take would concatenate every chunk first (the whole id column): take per chunk
        return take_chunked(self.ids, nums).to_pylist()

    def label_of(self, n: int) -> str:
        return self.classes[self.node_cls[n]]

    # -- attributes -------------------------------------------------------------------------
    def attrs(self, n: int) -> dict[str, Any]:
        """The node's attribute dict, as build_graph makes it: label, id, origin, literal and enum values."""
        s = int(np.searchsorted(self._seg_starts, n, side="right")) - 1
        seg: Segment = self.bundle.segments[s]
        row = n - int(self._seg_starts[s])
        out: dict[str, Any] = {LABEL: seg.cls, "id": self.id_of(n), "origin": f"{seg.file_of(row)}:{int(seg.lines[row])}"}
        for key, get in self._props[s]:
            v = get(row)
            if v is not None:
                out[key] = v
        return out

    def out_edges(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = self.out_ptr[n], self.out_ptr[n + 1]
        return self.out_dst[lo:hi], self.out_rel[lo:hi]

    def in_edges(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = self.in_ptr[n], self.in_ptr[n + 1]
        return self.in_src[lo:hi], self.in_rel[lo:hi]

    def memory_bytes(self) -> int:
        """Bytes held in Arrow columns and numpy arrays (not counting caches)."""
        total = self.ids.nbytes + self.node_cls.nbytes + self.out_ptr.nbytes + self.out_dst.nbytes + self.out_rel.nbytes
        total += self.in_ptr.nbytes + self.in_src.nbytes + self.in_rel.nbytes
        total += self.bundle.id_hash.nbytes + self.bundle.id_perm.nbytes
        for seg in self.bundle.segments:
            total += seg.lines.nbytes + sum(a.nbytes for a in seg.cols.values())  # seg.ids are the chunks of ids
        return total


def _accessor(arr: pa.Array) -> Any:
    """A fast ``row -> Python value or None`` for one property column (dictionary-encoded dates and enums,
    booleans through numpy; other types through Arrow scalars)."""
    n = len(arr)
    if pa.types.is_dictionary(arr.type):
        ind = arr.indices
        values = arr.dictionary.to_pylist()
        bufs = ind.buffers()
        width = ind.type.bit_width // 8
        idx = np.frombuffer(bufs[1], dtype=f"<i{width}")[ind.offset: ind.offset + n]
        if ind.null_count == 0:
            return lambda row: values[idx[row]]
        bits, off = memoryview(bufs[0]), ind.offset
        return lambda row: values[idx[row]] if bits[(off + row) >> 3] >> ((off + row) & 7) & 1 else None
    if pa.types.is_boolean(arr.type) and arr.null_count == 0:
        b = arr.to_numpy(zero_copy_only=False)
        return lambda row: bool(b[row])
    return lambda row: arr[row].as_py()


class _NbrView(Mapping):
    """One node's neighbours as networkx keeps them: neighbour -> {type -> {"type": type}}, first-seen order."""

    def __init__(self, g: CompactGraph, n: int, outgoing: bool):
        self._g, self._n, self._outgoing = g, n, outgoing
        self._d: dict[str, dict[str, dict[str, str]]] | None = None

    def _dict(self) -> dict[str, dict[str, dict[str, str]]]:
        if self._d is None:
            g = self._g
            nbrs, rels = g.out_edges(self._n) if self._outgoing else g.in_edges(self._n)
            d: dict[str, dict[str, dict[str, str]]] = {}
            for v, r in zip(g.ids_of(nbrs), rels.tolist()):
                name = g.rel_types[r]
                d.setdefault(v, {})[name] = {"type": name}
            self._d = d
        return self._d

    def __getitem__(self, k: str) -> dict[str, dict[str, str]]:
        return self._dict()[k]

    def __iter__(self) -> Iterator[str]:
        return iter(self._dict())

    def __len__(self) -> int:
        if self._d is None:
            nbrs = (self._g.out_edges(self._n) if self._outgoing else self._g.in_edges(self._n))[0]
            return len(np.unique(nbrs))
        return len(self._d)


class _AdjView(Mapping):
    def __init__(self, g: CompactGraph, outgoing: bool):
        self._g, self._outgoing = g, outgoing

    def __getitem__(self, nid: str) -> _NbrView:
        n = self._g.number(nid)
        if n < 0:
            raise KeyError(nid)
        return _NbrView(self._g, n, self._outgoing)

    def __contains__(self, nid: object) -> bool:
        return self._g.number(nid) >= 0

    def __iter__(self) -> Iterator[str]:
        return iter(self._g._quanze_index.nodes)

    def __len__(self) -> int:
        return self._g.n


class _Nodes(Mapping):
    """id -> attribute dict, materialised per node on first use (bounded cache)."""

    def __init__(self, g: CompactGraph):
        self._g = g
        self._cache: dict[str, dict[str, Any]] = {}

    def __getitem__(self, nid: str) -> dict[str, Any]:
        hit = self._cache.get(nid)
        if hit is not None:
            return hit
        n = self._g.number(nid)
        if n < 0:
            raise KeyError(nid)
        a = self._g.attrs(n)
        if len(self._cache) > _CACHE:
            self._cache.clear()
        self._cache[nid] = a
        return a

    def __contains__(self, nid: object) -> bool:
        return nid in self._cache or self._g.number(nid) >= 0

    def __iter__(self) -> Iterator[str]:
        for chunk_start in range(0, self._g.n, 65536):
            yield from self._g.ids.slice(chunk_start, 65536).to_pylist()

    def __len__(self) -> int:
        return self._g.n


class _Adjacency(Mapping):
    """node -> {relationship type -> [ids]} in the order graph.index's _OutByType / _InByType give."""

    def __init__(self, g: CompactGraph, outgoing: bool):
        self._g = g
        self._out = outgoing
        self._cache: dict[str, dict[str, list[str]]] = {}

    def __getitem__(self, nid: str) -> dict[str, list[str]]:
        hit = self._cache.get(nid)
        if hit is not None:
            return hit
        g = self._g
        n = g.number(nid)
        by_type: dict[str, list[str]] = defaultdict(list)
        if n >= 0:
            nbrs, rels = g.out_edges(n) if self._out else g.in_edges(n)
            if len(nbrs):
                names = g.rel_types
                ids = g.ids_of(nbrs)
                if self._out:
                    # networkx keeps targets in first-seen order, each with its types in first-seen order
                    succ: dict[str, dict[int, None]] = {}
                    for v, r in zip(ids, rels.tolist()):
                        kd = succ.get(v)
                        if kd is None:
                            kd = succ[v] = {}
                        kd[r] = None
                    for v, kd in succ.items():
                        for r in kd:
                            by_type[names[r]].append(v)
                else:
                    # sources in node order (CSR order), each (source, type) once
                    seen: set[tuple[str, int]] = set()
                    for u, r in zip(ids, rels.tolist()):
                        if (u, r) in seen:
                            continue
                        seen.add((u, r))
                        by_type[names[r]].append(u)
        if len(self._cache) > _CACHE:
            self._cache.clear()
        self._cache[nid] = by_type
        return by_type

    def __contains__(self, nid: object) -> bool:
        return nid in self._cache  # like the networkx index's dicts: whether it was materialised

    def __iter__(self) -> Iterator[str]:
        return iter(self._cache)

    def __len__(self) -> int:
        return len(self._cache)


class _ByLabel(dict):
    """label -> ids of that label in node order, computed when first asked for."""

    def __init__(self, g: CompactGraph):
        super().__init__()
        self._g = g

    def __missing__(self, label: str) -> list[str]:
        g = self._g
        try:
            code = g.classes.index(label)
        except ValueError:
            nums = np.zeros(0, np.int64)
        else:
            nums = np.nonzero(g.node_cls == code)[0]
        ids = g.ids_of(nums)
        self[label] = ids
        return ids

    def get(self, label: str, default: Any = None) -> Any:  # type: ignore[override]
        got = self[label]
        return got if got else default

    def __contains__(self, label: object) -> bool:
        return bool(self[label]) if isinstance(label, str) else False


class CompactIndex(GraphIndex):
    """:class:`GraphIndex` over a :class:`CompactGraph`: same attributes and methods, views per node."""

    def __init__(self, g: CompactGraph):
        # the base initialiser on an empty graph sets every table and memo it keeps; then the views
        super().__init__(nx.MultiDiGraph())
        self.g = g  # type: ignore[assignment]
        self.nodes = _Nodes(g)  # type: ignore[assignment]
        self.out = _Adjacency(g, True)  # type: ignore[assignment]
        self.inc = _Adjacency(g, False)  # type: ignore[assignment]
        self.by_label = _ByLabel(g)  # type: ignore[assignment]
        self._duty_keys: np.ndarray | None = None
        self._duty_body: np.ndarray | None = None

    def _build_duty_table(self) -> None:
        """(matter, scope division) -> body for every clause, as sorted int64 keys and body numbers."""
        g = self.g
        n = g.n
        code = g.classes.index("DutyClause")
        rel = {r: i for i, r in enumerate(g.rel_types)}
        is_clause = g.node_cls == code
        src = np.repeat(np.arange(n, dtype=np.int64), np.diff(g.out_ptr))
        dst, rt = g.out_dst, g.out_rel
        from_clause = is_clause[src]
        # the clause's body: its first ASSIGNED_TO target
        sel = np.nonzero(from_clause & (rt == rel[R.ASSIGNED_TO]))[0]
        body = np.full(n, -1, np.int64)
        first = np.unique(src[sel], return_index=True)
        body[first[0]] = dst[sel[first[1]]]
        # a body's division: its first LOCATED_IN target
        sel_l = np.nonzero(rt == rel[R.LOCATED_IN])[0]
        loc = np.full(n, -1, np.int64)
        fl = np.unique(src[sel_l], return_index=True)
        loc[fl[0]] = dst[sel_l[fl[1]]]
        # scope: COVERS targets, else the body's division
        sel_c = np.nonzero(from_clause & (rt == rel[R.COVERS]))[0]
        cov_src, cov_dst = src[sel_c], dst[sel_c].astype(np.int64)
        has_cov = np.zeros(n, bool)
        has_cov[cov_src] = True
        clauses = np.nonzero(is_clause & (body >= 0))[0]
        plain = clauses[~has_cov[clauses]]
        plain_div = loc[body[plain]]
        okp = plain_div >= 0
        scope_src = np.concatenate([cov_src[body[cov_src] >= 0], plain[okp]])
        scope_div = np.concatenate([cov_dst[body[cov_src] >= 0], plain_div[okp]])
        # matters
        sel_m = np.nonzero(from_clause & (rt == rel[R.ON_MATTER]))[0]
        mat_src, mat_dst = src[sel_m], dst[sel_m].astype(np.int64)
        keep = body[mat_src] >= 0
        mat_src, mat_dst = mat_src[keep], mat_dst[keep]
        del src
        # join scope and matters on the clause
        so = np.argsort(scope_src, kind="stable")
        scope_src, scope_div = scope_src[so], scope_div[so]
        s_lo = np.searchsorted(scope_src, mat_src, "left")
        s_hi = np.searchsorted(scope_src, mat_src, "right")
        reps = s_hi - s_lo
        total = int(reps.sum())
        m_idx = np.repeat(np.arange(len(mat_src)), reps)
        offs = np.arange(total) - np.repeat(np.cumsum(reps) - reps, reps)
        divs = scope_div[s_lo[m_idx] + offs]
        keys = mat_dst[m_idx] * n + divs
        bodies = body[mat_src[m_idx]]
        o = np.lexsort((bodies, keys))
        self._duty_keys, self._duty_body = keys[o], bodies[o].astype(np.int32)

    # The tenure, 分工 and clause tables are filled per key here: the whole-table builds of the base
    # class read every such node's attributes, which a compact graph materialises one dict at a time.
    def _single_target(self, nid: str, rel: str) -> str | None:
        """The target of a single-valued relationship, read from the CSR arrays (no adjacency view)."""
        g = self.g
        n = g.number(nid)
        if n < 0 or rel not in g.rel_types:
            return None
        nbrs, rels = g.out_edges(n)
        hit = nbrs[rels == g.rel_types.index(rel)]
        return g.id_of(int(hit[0])) if len(hit) else None

    def _tenure_table(self) -> PerKey:
        if self._tenure_spans is None:
            self._tenure_spans = PerKey(lambda post: tuple(
                (t, self._single_target(t, R.HELD_BY), self.attr(t, "start"), self.attr(t, "end"))
                for t in self.tenures_of_post(post) if self.label(t) == "Tenure"
            ))
        return self._tenure_spans

    def _assignment_table(self) -> PerKey:
        if self._assignment_rows is None:
            self._assignment_rows = PerKey(lambda post: tuple(sorted(
                (a, self.one(a, R.HELD_BY), self.attr(a, "valid_from"), self.attr(a, "valid_to"))
                for a in self.back(post, R.OF_POST) if self.label(a) == "LeadershipAssignment"
            )))
        return self._assignment_rows

    def _clause_table(self) -> PerKey:
        if self._clause_rows is None:
            g = self.g

            def row(c: str) -> tuple[str | None, tuple[str, ...], tuple[str, ...]] | None:
                n = g.number(c)  # the label from the class column: no attribute dict is built
                if n < 0 or g.label_of(n) != "DutyClause":
                    return None
                return self.one(c, R.IN_MANDATE), tuple(self.many(c, R.ON_MATTER)), tuple(self.many(c, R.COVERS))

            self._clause_rows = PerKey(row)
        return self._clause_rows

    def _body_clause_table(self) -> PerKey:
        if self._body_clauses is None:
            self._body_clauses = PerKey(lambda body: tuple(sorted(self.back(body, R.ASSIGNED_TO))))
        return self._body_clauses

    def division_down(self, div: str) -> tuple[str, ...]:
        """The division and every division within it, at any depth (memoised), from the CSR arrays."""
        hit = self._div_down.get(div)
        if hit is None:
            g = self.g
            n = g.number(div)
            if n < 0:
                hit = (div,)
            else:
                within = g.rel_types.index(R.WITHIN)
                division = g.classes.index("Division")
                seen, stack = {n}, [n]
                while stack:
                    src, rel = g.in_edges(stack.pop())
                    below = src[rel == within]
                    for x in below[g.node_cls[below] == division].tolist():
                        if x not in seen:
                            seen.add(x)
                            stack.append(x)
                hit = tuple(g.ids_of(np.fromiter(seen, np.int64)))
            self._div_down[div] = hit
        return hit

    def duty_bodies(self, matters: Iterable[str], place: str) -> list[str]:  # noqa: D401 - same contract as the base
        if self._duty_keys is None:
            self._build_duty_table()
        if not place:
            return []
        g = self.g
        divisions = set(self.division_up(place)) | set(self.division_down(place))
        d = np.array([x for x in (g.number(v) for v in divisions) if x >= 0], np.int64)
        mt = np.array([x for x in (g.number(v) for v in matters) if x >= 0], np.int64)
        if not len(d) or not len(mt):
            return []
        keys = (mt[:, None] * g.n + d[None, :]).ravel()
        lo = np.searchsorted(self._duty_keys, keys, "left")
        hi = np.searchsorted(self._duty_keys, keys, "right")
        hit = hi > lo
        if not hit.any():
            return []
        lo, hi = lo[hit], hi[hit]
        cnt = hi - lo
        idx = np.repeat(lo - (np.cumsum(cnt) - cnt), cnt) + np.arange(int(cnt.sum()))
        found = np.unique(self._duty_body[idx])
        return sorted(g.ids_of(found))


def load_compact(path: str | Path, m: Model = default_model) -> CompactGraph:
    """Read, validate and build the compact graph of a bundle; raise ``BundleError`` like ``load_bundle(shacl=False)``.

    Examples
    --------
    >>> from graph.compact import load_compact
    >>> from graph.verdict import audit
    >>> from loaders.demo import DEMO_BUNDLE
    >>> g = load_compact(DEMO_BUNDLE)
    >>> audit(g, "case_coal").verdict_of("a_li").verdict
    'no_jurisdiction'
    """
    return CompactGraph(load_columnar(path, m), m)
