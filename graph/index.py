"""Lookup tables over the embedded graph, built once, so tracing and auditing stay fast at scale."""

from __future__ import annotations

from collections import defaultdict
from types import SimpleNamespace
from typing import Any, Iterable, Iterator, Mapping

import networkx as nx

from graph.build import LABEL
from ontology.model import model as m

__all__ = ["GraphIndex", "PerKey", "index_for", "overlaps", "in_force"]

# model.R resolves every attribute through _Terms.__getattr__ (about a microsecond each, millions of
# times per batch of traces at province scale); a plain namespace with the same names reads at dict
# speed and still raises AttributeError on a misspelt relationship type.
R = SimpleNamespace(**{rel: rel for rel in m.R})


def overlaps(start: str | None, end_exclusive: str | None, p_start: str, p_end: str) -> bool:
    """Whether a tenure [start, end) overlaps the inclusive period [p_start, p_end] (ISO dates)."""
    return (start is None or start <= p_end) and (end_exclusive is None or end_exclusive > p_start)


def in_force(valid_from: str | None, valid_to: str | None, p_start: str, p_end: str) -> bool:
    """Whether an inclusive validity [valid_from, valid_to] overlaps the inclusive period."""
    return (valid_from is None or valid_from <= p_end) and (valid_to is None or valid_to >= p_start)


# back_of answers from a table over the label's own nodes when the label has at most this many
_RARE = 20_000


def _by_type(neighbours: Iterable[tuple[str, dict[str, Any]]]) -> dict[str, list[str]]:
    """{relationship type -> [neighbour]} from (neighbour, keydict) pairs, in their order; a plain
    dict fills twice as fast as a defaultdict."""
    by_type: dict[str, list[str]] = {}
    for n, keydict in neighbours:
        for rel in keydict:
            vals = by_type.get(rel)
            if vals is None:
                by_type[rel] = [n]
            else:
                vals.append(n)
    return by_type


class _OutByType(dict):
    """node -> {relationship type -> [targets]}, computed from the graph when first asked for."""

    def __init__(self, g: nx.MultiDiGraph):
        super().__init__()
        self._succ = g._succ

    def __missing__(self, u: str) -> dict[str, list[str]]:
        by_type = self[u] = _by_type(self._succ.get(u, {}).items())
        return by_type


class _InByType(dict):
    """node -> {relationship type -> [sources]}, computed when first asked for; sources in node order,
    as a pass over all edges source by source would list them."""

    def __init__(self, g: nx.MultiDiGraph):
        super().__init__()
        self._g = g
        self._pred = g._pred
        self._pos: dict[str, int] | None = None
        # build_graph adds every edge source by source in node order, so its predecessor lists need no
        # sorting; it marks the graph so (other builders do not)
        self._ordered = bool(getattr(g, "_quanze_preds_in_node_order", False))

    def __missing__(self, v: str) -> dict[str, list[str]]:
        preds = self._pred.get(v, {})
        sources = list(preds)
        if len(sources) > 1 and not self._ordered:
            pos = self._pos
            if pos is None:
                pos = self._pos = {n: i for i, n in enumerate(self._g._succ)}
            # predecessors are kept in the order their edges were added, which for build_graph is
            # already node order; other builders (store pulls) may differ
            if any(pos[a] > pos[b] for a, b in zip(sources, sources[1:])):
                sources.sort(key=pos.__getitem__)
        by_type = self[v] = _by_type((u, preds[u]) for u in sources)
        return by_type


class PerKey(dict):
    """A table filled key by key: ``fill(key)`` on first lookup (``[]`` or ``get``), then kept. The
    form of an index table for graphs where building it whole would cost more than it saves."""

    def __init__(self, fill: Any):
        super().__init__()
        self._fill = fill

    def __missing__(self, key: str) -> Any:
        value = self[key] = self._fill(key)
        return value

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        return self[key]


class GraphIndex:
    """Adjacency by relationship type plus the closures the verdict engine asks for repeatedly.

    Tenures, 分工 entries and duty clauses are also kept in tables built once, on first use, from
    those nodes' own edges (:meth:`own_edges`): the post → tenures table is the per-date tenure index
    a trace reads for every post of every body it lists.
    """

    def __init__(self, g: nx.MultiDiGraph):
        self.g = g
        # The node attribute dicts themselves (what dict(g.nodes(data=True)) would copy key by key).
        self.nodes: dict[str, dict[str, Any]] = g._node
        # Adjacency by relationship type is filled in per node on first use: a query touches a few
        # thousand nodes, while building it for every edge up front took longer than reading the
        # bundle at province scale. Contents and order are those of a pass over g.edges(keys=True).
        self.out: dict[str, dict[str, list[str]]] = _OutByType(g)
        self.inc: dict[str, dict[str, list[str]]] = _InByType(g)
        self.by_label: dict[str, list[str]] = defaultdict(list)
        for nid, a in self.nodes.items():
            self.by_label[a[LABEL]].append(nid)
        self._matter_up: dict[str, frozenset[str]] = {}
        self._div_up: dict[str, tuple[str, ...]] = {}
        self._back_of: dict[tuple[str, str, str], list[str]] = {}
        self._duty_bodies: dict[tuple[str, str], set[str]] | None = None
        self._div_down: dict[str, tuple[str, ...]] = {}
        self._div_children: dict[str, list[str]] | None = None
        self._back_tables: dict[tuple[str, str], dict[str, list[str]]] = {}
        self._tenures_of_post: dict[str, tuple[str, ...]] = {}
        self._tenure_spans: dict[str, tuple[tuple[str, str | None, str | None, str | None], ...]] | None = None
        self._assignment_rows: dict[str, tuple[tuple[str, str | None, str | None, str | None], ...]] | None = None
        self._clause_rows: dict[str, tuple[str | None, tuple[str, ...], tuple[str, ...]]] | None = None
        self._body_clauses: dict[str, tuple[str, ...]] | None = None
        self._posts_of: dict[str, tuple[str, ...]] = {}
        # derived results that callers (graph.verdict) memoise per graph, keyed by their own tuples
        self.memo: dict[tuple[Any, ...], Any] = {}

    # -- basic access -------------------------------------------------------------------
    def label(self, nid: str) -> str:
        return self.nodes[nid][LABEL]

    def attr(self, nid: str, key: str, default: Any = None) -> Any:
        return self.nodes[nid].get(key, default)

    def one(self, nid: str, rel: str) -> str | None:
        vals = self.out[nid].get(rel)
        return vals[0] if vals else None

    def many(self, nid: str, rel: str) -> list[str]:
        return list(self.out[nid].get(rel, ()))

    def back(self, nid: str, rel: str) -> list[str]:
        return list(self.inc[nid].get(rel, ()))

    def back_of(self, nid: str, rel: str, label: str) -> list[str]:
        """:meth:`back` restricted to sources with ``label``, in the same order; memoised.

        A matter is the target of ON_MATTER from every clause, incident, 分工 and decision on it, tens of
        thousands at province scale, while callers want only its few decisions.
        """
        key = (nid, rel, label)
        hit = self._back_of.get(key)
        if hit is None:
            few = self.by_label.get(label, ())
            if (rel, label) in self._back_tables or len(few) <= _RARE or (
                nid not in self.inc and len(self.g._pred.get(nid, ())) > 4 * len(few) + 16
            ):
                # a rare label (decisions, failures) or a hub (a matter) with far more sources than the
                # label has nodes: look the label's nodes up in a table built once from their own edges
                # (node order, as inc lists), instead of filling the adjacency of every node asked about
                hit = self._back_of[key] = list(self.back_table(rel, label).get(nid, ()))
            else:
                nodes = self.nodes
                hit = self._back_of[key] = [x for x in self.inc[nid].get(rel, ()) if nodes[x][LABEL] == label]
        return list(hit)

    def back_table(self, rel: str, label: str) -> Mapping[str, list[str]]:
        """target -> [sources with ``label`` over ``rel``] in node order, for every target, built once
        from the label's own edges (what :meth:`back_of` gives one target at a time; do not modify)."""
        table = self._back_tables.get((rel, label))
        if table is None:
            table = self._back_tables[(rel, label)] = defaultdict(list)
            for x in self.by_label.get(label, ()):
                for t in self.out[x].get(rel, ()):
                    table[t].append(x)
        return table

    def name(self, nid: str | None) -> str:
        a = self.nodes.get(nid) if nid is not None else None  # one lookup: names are read a million times by prime
        if a is None:
            return ""
        return a.get("name") or a.get("title") or nid

    def build_tables(self) -> None:
        """Build now what is otherwise built on first use, whole: the tenure and 分工 tables by post,
        the clause table, the (matter, division) duty table, the division tree and every division's
        and matter's closure upward (:func:`graph.verdict.prime` calls it)."""
        self._tenure_table()
        self._assignment_table()
        self._clause_table()
        self.duty_bodies((), "")
        self._division_children()
        for d in self.by_label.get("Division", ()):
            self.division_up(d)
        for x in self.by_label.get("Matter", ()):
            self.matter_up(x)

    # -- closures -----------------------------------------------------------------------
    def matter_up(self, matter: str) -> frozenset[str]:
        """The matter and every broader matter (skos:broader, transitively)."""
        hit = self._matter_up.get(matter)
        if hit is None:
            seen, stack = {matter}, [matter]
            while stack:
                for b in self.many(stack.pop(), R.BROADER):
                    if b not in seen:
                        seen.add(b)
                        stack.append(b)
            hit = self._matter_up[matter] = frozenset(seen)
        return hit

    def division_up(self, div: str) -> tuple[str, ...]:
        """The division and the divisions it lies within, innermost first."""
        hit = self._div_up.get(div)
        if hit is None:
            chain, cur = [], div
            while cur and cur not in chain:
                chain.append(cur)
                cur = self.one(cur, R.WITHIN)
            hit = self._div_up[div] = tuple(chain)
        return hit

    def body_division(self, body: str) -> str | None:
        return self.one(body, R.LOCATED_IN)

    def division_level(self, div: str | None) -> str | None:
        return self.attr(div, "level") if div else None

    def is_grassroots(self, body: str) -> bool:
        level = self.division_level(self.body_division(body))
        return bool(level) and m.concept("DivisionLevel", level).grassroots

    def parent_body(self, body: str) -> str | None:
        """For an internal unit, the body it belongs to."""
        return self.one(body, R.UNIT_OF)

    def units(self, body: str) -> list[str]:
        return self.back(body, R.UNIT_OF)

    def top_body(self, body: str) -> str:
        parent = self.parent_body(body)
        return parent if parent else body

    # -- tenures and 分工 ---------------------------------------------------------------
    def tenures_of_post(self, post: str) -> list[str]:
        hit = self._tenures_of_post.get(post)
        if hit is None:  # asked for every post of every body a trace lists: sort once per post
            hit = self._tenures_of_post[post] = tuple(sorted(self.back(post, R.OF_POST), key=lambda t: self.attr(t, "start") or ""))
        return list(hit)

    def tenure_ids_of_person(self, person: str) -> list[str]:
        return sorted(
            (t for t in self.back(person, R.HELD_BY) if self.label(t) == "Tenure"),
            key=lambda t: self.attr(t, "start") or "",
        )

    def own_edges(self, label: str, rels: tuple[str, ...]) -> Iterator[tuple[str, dict[str, list[str]]]]:
        """(node, {relationship type -> [targets]}) for every node with ``label``, in node order, read
        from the node's own out-edges (targets in the order :meth:`many` gives), for the types in
        ``rels`` it has. Filling :attr:`out` for every such node would cost several times more."""
        succ = self.g._succ
        for x in self.by_label.get(label, ()):
            found: dict[str, list[str]] = {}
            for v, keydict in succ[x].items():
                for rel in rels:
                    if rel in keydict:
                        vals = found.get(rel)
                        if vals is None:
                            found[rel] = [v]
                        else:
                            vals.append(v)
            yield x, found

    def _rows_by_post(self, label: str, first: str, last: str) -> dict[str, list[tuple[str, str | None, str | None, str | None]]]:
        """post -> [(node, person, node[first], node[last]), …] in node order, for the nodes with ``label``
        (tenures, 分工 entries): their OF_POST post and HELD_BY person, from their own edges."""
        rows: dict[str, list[tuple[str, str | None, str | None, str | None]]] = {}
        nodes = self.nodes
        for x, e in self.own_edges(label, (R.OF_POST, R.HELD_BY)):
            posts = e.get(R.OF_POST)
            if posts:
                who, attrs = e.get(R.HELD_BY), nodes[x]
                rows.setdefault(posts[0], []).append((x, who[0] if who else None, attrs.get(first), attrs.get(last)))
        return rows

    def _tenure_table(self) -> Mapping[str, tuple[tuple[str, str | None, str | None, str | None], ...]]:
        """post -> ((tenure, holder, start, end), …) in start order (node order among equal starts)."""
        if self._tenure_spans is None:
            rows = self._rows_by_post("Tenure", "start", "end")
            self._tenure_spans = {p: tuple(sorted(r, key=lambda x: x[2] or "")) for p, r in rows.items()}
        return self._tenure_spans

    def tenure_rows(self, post: str) -> tuple[tuple[str, str | None, str | None, str | None], ...]:
        """(tenure, holder, start, end) of every tenure of the post, in start order (a shared tuple)."""
        return self._tenure_table().get(post, ())

    def holdings(self, post: str, p_start: str, p_end: str) -> list[tuple[str, str | None]]:
        """(tenure, holder) of the post's tenures overlapping the period, in start order."""
        return [(t, person) for t, person, start, end in self._tenure_table().get(post, ()) if overlaps(start, end, p_start, p_end)]

    def holders(self, post: str, p_start: str, p_end: str) -> list[str]:
        """Tenure ids of the post overlapping the period."""
        return [t for t, _, start, end in self._tenure_table().get(post, ()) if overlaps(start, end, p_start, p_end)]

    def _assignment_table(self) -> Mapping[str, tuple[tuple[str, str | None, str | None, str | None], ...]]:
        """post -> ((分工 entry, person named, valid from, valid to), …) by entry id."""
        if self._assignment_rows is None:
            rows = self._rows_by_post("LeadershipAssignment", "valid_from", "valid_to")
            self._assignment_rows = {p: tuple(sorted(r)) for p, r in rows.items()}
        return self._assignment_rows

    def assignments(self, post: str, person: str | None, p_start: str, p_end: str) -> list[str]:
        """分工 entries of a post (for this person, when the entry names one) in force during the period."""
        return [
            a
            for a, who, vf, vt in self._assignment_table().get(post, ())
            if (person is None or who is None or who == person) and in_force(vf, vt, p_start, p_end)
        ]

    def assignments_over(self, body: str, p_start: str, p_end: str) -> list[str]:
        """分工 entries that cover a body or unit (OVER_BODY) during the period."""
        return sorted(
            a
            for a in self.back(body, R.OVER_BODY)
            if in_force(self.attr(a, "valid_from"), self.attr(a, "valid_to"), p_start, p_end)
        )

    def posts_of(self, body: str) -> list[str]:
        hit = self._posts_of.get(body)
        if hit is None:
            hit = self._posts_of[body] = tuple(sorted(self.back(body, R.POST_IN)))
        return list(hit)

    # -- clauses --------------------------------------------------------------------------
    def _clause_table(self) -> Mapping[str, tuple[str | None, tuple[str, ...], tuple[str, ...]]]:
        """clause -> (mandate, matters, scope divisions named); also fills body -> its clauses, sorted."""
        table = self._clause_rows
        if table is None:
            table, held = {}, {}
            for c, e in self.own_edges("DutyClause", (R.IN_MANDATE, R.ASSIGNED_TO, R.ON_MATTER, R.COVERS)):
                mandate = e.get(R.IN_MANDATE)
                table[c] = (mandate[0] if mandate else None, tuple(e.get(R.ON_MATTER, ())), tuple(e.get(R.COVERS, ())))
                for b in e.get(R.ASSIGNED_TO, ()):
                    held.setdefault(b, []).append(c)
            self._body_clauses = {b: tuple(sorted(cs)) for b, cs in held.items()}
            self._clause_rows = table
        return table

    def _body_clause_table(self) -> Mapping[str, tuple[str, ...]]:
        """body or unit -> its duty clauses, sorted."""
        if self._body_clauses is None:
            self._clause_table()
        assert self._body_clauses is not None
        return self._body_clauses

    def clauses_of(self, body: str) -> list[str]:
        return list(self._body_clause_table().get(body, ()))

    def clause_matters(self, clause: str) -> list[str]:
        """The matters of a duty clause (:meth:`many` ``ON_MATTER``)."""
        row = self._clause_table().get(clause)
        return list(row[1]) if row else self.many(clause, R.ON_MATTER)

    def clause_validity(self, clause: str) -> tuple[str | None, str | None]:
        row = self._clause_table().get(clause)
        mandate = row[0] if row else self.one(clause, R.IN_MANDATE)
        vf = self.attr(clause, "valid_from") or (self.attr(mandate, "valid_from") if mandate else None)
        vt = self.attr(clause, "valid_to") or (self.attr(mandate, "valid_to") if mandate else None)
        return vf, vt

    def duty_bodies(self, matters: Iterable[str], place: str) -> list[str]:
        """Bodies and units holding a duty clause on one of ``matters`` whose scope division lies on the
        line through ``place`` (the place or a division it lies within, or a division within the place),
        sorted; before the time, withdrawal and role checks.

        Looking clauses up by (matter, scope division) keeps a trace proportional to the duties around
        the incident's place instead of every clause on the matter in the country.
        """
        table = self._duty_bodies
        if table is None:
            table = {}
            nodes, succ = self.nodes, self.g._succ
            on_matter, covers, assigned_to = R.ON_MATTER, R.COVERS, R.ASSIGNED_TO
            for clause in self.by_label.get("DutyClause", ()):
                # read the clause's own few edges directly: filling the by-type adjacency of every
                # clause in the graph would cost more than the table itself
                body, on, scope = None, [], []
                for v, keydict in succ[clause].items():
                    if assigned_to in keydict and body is None:
                        body = v
                    if on_matter in keydict:
                        on.append(v)
                    if covers in keydict:
                        scope.append(v)
                if not body or nodes[clause][LABEL] != "DutyClause":
                    continue
                if not scope:  # as clause_scope: the body's own division when the clause names none
                    div = self.body_division(body)
                    scope = [div] if div else []
                for matter in on:
                    for div in scope:
                        table.setdefault((matter, div), set()).add(body)
            self._duty_bodies = table
        if not place:
            return []
        divisions = set(self.division_up(place)) | set(self.division_down(place))
        found: set[str] = set()
        for matter in matters:
            for div in divisions:
                bodies = table.get((matter, div))
                if bodies:
                    found |= bodies
        return sorted(found)

    def division_down(self, div: str) -> tuple[str, ...]:
        """The division and every division within it, at any depth (memoised)."""
        hit = self._div_down.get(div)
        if hit is None:
            children = self._division_children()
            seen, stack = {div}, [div]
            while stack:
                for below in children.get(stack.pop(), ()):
                    if below not in seen:
                        seen.add(below)
                        stack.append(below)
            hit = self._div_down[div] = tuple(seen)
        return hit

    def _division_children(self) -> dict[str, list[str]]:
        children = self._div_children
        if children is None:  # the WITHIN tree from the divisions' own edges, not every inc list
            children = self._div_children = defaultdict(list)
            for d in self.by_label.get("Division", ()):
                for up in self.out[d].get(R.WITHIN, ()):
                    children[up].append(d)
        return children

    def clause_scope(self, clause: str) -> list[str]:
        row = self._clause_table().get(clause)
        scope = list(row[2]) if row else self.many(clause, R.COVERS)
        if scope:
            return scope
        body = self.one(clause, R.ASSIGNED_TO)
        div = self.body_division(body) if body else None
        return [div] if div else []


def index_for(g: nx.MultiDiGraph) -> GraphIndex:
    """One index per graph object; graphs are not mutated after building."""
    idx = getattr(g, "_quanze_index", None)
    if idx is None:
        idx = GraphIndex(g)
        g._quanze_index = idx  # type: ignore[attr-defined]
    return idx
