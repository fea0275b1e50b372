"""Lookup tables over the embedded graph, built once, so tracing and auditing stay fast at scale."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import networkx as nx

from graph.build import LABEL
from ontology.model import model as m

__all__ = ["GraphIndex", "index_for", "overlaps", "in_force"]

R = m.R


def overlaps(start: str | None, end_exclusive: str | None, p_start: str, p_end: str) -> bool:
    """Whether a tenure [start, end) overlaps the inclusive period [p_start, p_end] (ISO dates)."""
    return (start is None or start <= p_end) and (end_exclusive is None or end_exclusive > p_start)


def in_force(valid_from: str | None, valid_to: str | None, p_start: str, p_end: str) -> bool:
    """Whether an inclusive validity [valid_from, valid_to] overlaps the inclusive period."""
    return (valid_from is None or valid_from <= p_end) and (valid_to is None or valid_to >= p_start)


class GraphIndex:
    """Adjacency by relationship type plus the closures the verdict engine asks for repeatedly."""

    def __init__(self, g: nx.MultiDiGraph):
        self.g = g
        self.nodes: dict[str, dict[str, Any]] = dict(g.nodes(data=True))
        self.out: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.inc: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for u, v, rel in g.edges(keys=True):
            self.out[u][rel].append(v)
            self.inc[v][rel].append(u)
        self.by_label: dict[str, list[str]] = defaultdict(list)
        for nid, a in self.nodes.items():
            self.by_label[a[LABEL]].append(nid)
        self._matter_up: dict[str, frozenset[str]] = {}
        self._div_up: dict[str, tuple[str, ...]] = {}

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

    def name(self, nid: str | None) -> str:
        if nid is None or nid not in self.nodes:
            return ""
        a = self.nodes[nid]
        return a.get("name") or a.get("title") or nid

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
        return sorted(self.back(post, R.OF_POST), key=lambda t: self.attr(t, "start") or "")

    def tenure_ids_of_person(self, person: str) -> list[str]:
        return sorted(
            (t for t in self.back(person, R.HELD_BY) if self.label(t) == "Tenure"),
            key=lambda t: self.attr(t, "start") or "",
        )

    def holders(self, post: str, p_start: str, p_end: str) -> list[str]:
        """Tenure ids of the post overlapping the period."""
        return [
            t
            for t in self.tenures_of_post(post)
            if self.label(t) == "Tenure" and overlaps(self.attr(t, "start"), self.attr(t, "end"), p_start, p_end)
        ]

    def assignments(self, post: str, person: str | None, p_start: str, p_end: str) -> list[str]:
        """分工 entries of a post (for this person, when the entry names one) in force during the period."""
        out = []
        for a in self.back(post, R.OF_POST):
            if self.label(a) != "LeadershipAssignment":
                continue
            who = self.one(a, R.HELD_BY)
            if person is not None and who is not None and who != person:
                continue
            if in_force(self.attr(a, "valid_from"), self.attr(a, "valid_to"), p_start, p_end):
                out.append(a)
        return sorted(out)

    def assignments_over(self, body: str, p_start: str, p_end: str) -> list[str]:
        """分工 entries that cover a body or unit (OVER_BODY) during the period."""
        return sorted(
            a
            for a in self.back(body, R.OVER_BODY)
            if in_force(self.attr(a, "valid_from"), self.attr(a, "valid_to"), p_start, p_end)
        )

    def posts_of(self, body: str) -> list[str]:
        return sorted(self.back(body, R.POST_IN))

    # -- clauses --------------------------------------------------------------------------
    def clauses_of(self, body: str) -> list[str]:
        return sorted(self.back(body, R.ASSIGNED_TO))

    def clause_validity(self, clause: str) -> tuple[str | None, str | None]:
        mandate = self.one(clause, R.IN_MANDATE)
        vf = self.attr(clause, "valid_from") or (self.attr(mandate, "valid_from") if mandate else None)
        vt = self.attr(clause, "valid_to") or (self.attr(mandate, "valid_to") if mandate else None)
        return vf, vt

    def clause_scope(self, clause: str) -> list[str]:
        scope = self.many(clause, R.COVERS)
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
