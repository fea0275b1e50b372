"""Fixtures for the query tests: case bundles in a Neo4j database and in the embedded engine, one bundle
at a time, and the parameter sets every library query is run with."""

from __future__ import annotations

import copy

import pytest

from graph.build import build_graph
from graph.index import index_for
from loaders.bundle import load_bundle
from loaders.demo import EXAMPLES_DIR, example_bundles
from loaders.records import Record

# The demo and two seed cases must load, and a variant of the demo adds duty gaps and an overlap so
# those queries have rows to compare. Further seed bundles run too when they load cleanly; they are
# marked slow because Neo4j re-plans every query after each reload (about 10 s a bundle on the test
# server): deselect them with -m "not slow".
REQUIRED_BUNDLES = ("demo", "case3_tailai_irrigation", "case5_charity_project")
GAPS_VARIANT = "demo_with_gaps"
BUNDLES = [*REQUIRED_BUNDLES, GAPS_VARIANT] + [
    pytest.param(n, marks=pytest.mark.slow) for n in example_bundles() if n not in REQUIRED_BUNDLES
]
_CACHE: dict = {}


def _with_gaps_and_overlaps(demo):
    """The demo plus a matter nobody holds and a matter only assisted (two gaps), and a second body
    leading 农村人居环境整治 over the town's territory (an overlap)."""
    b = copy.deepcopy(demo)
    new = [
        Record("Matter", "m_noise", {"name": "噪声污染防治"}, "<variant>", 1),
        Record("Matter", "m_orphan", {"name": "古树名木保护"}, "<variant>", 2),
        Record("DutyClause", "md_town_list.p20", {
            "mandate": "md_town_list", "number": "配合履职事项20", "text": "配合开展古树名木巡查。",
            "assigned_to": "town", "matters": ["m_orphan"], "role": "assist", "list_category": "assisting"},
            "<variant>", 3),
        Record("DutyClause", "md_nr.3.9", {
            "mandate": "md_nr", "number": "第三条（九）", "text": "牵头开展全区农村人居环境整治。",
            "assigned_to": "dist_nr", "matters": ["m_rural_env"], "role": "lead"}, "<variant>", 4),
    ]
    for r in new:
        b.records[r.id] = r
    return b


def load_case(name: str):
    """A bundle by name (validated once per session)."""
    if name not in _CACHE:
        if name == GAPS_VARIANT:
            _CACHE[name] = _with_gaps_and_overlaps(load_case("demo"))
        else:
            _CACHE[name] = load_bundle(EXAMPLES_DIR / name, shacl=False)
    return _CACHE[name]


@pytest.fixture(scope="module", params=BUNDLES)
def case(request):
    """(name, bundle, embedded networkx graph) of one bundle."""
    bundle = load_case(request.param)  # every example bundle must load: a failure here is a real failure
    return request.param, bundle, build_graph(bundle)


@pytest.fixture(scope="module")
def neo4j_case(case, neo4j_uri):
    """The session's Neo4j holding exactly this bundle (cleared in a write transaction first)."""
    from graph.neo4j_store import Neo4jStore

    store = Neo4jStore(neo4j_uri)
    store.run("MATCH (n) DETACH DELETE n", write=True)
    store.ensure_schema()
    store.push(case[1])
    yield store
    store.close()


@pytest.fixture(scope="module")
def embedded_case(case):
    from graph.embedded_store import EmbeddedStore

    store = EmbeddedStore()
    store.ensure_schema()
    store.push(case[1])
    yield store
    store.close()


def param_sets(name: str, g) -> list[dict]:
    """Parameter sets a library query is run with on one bundle: every incident, case, party, post or
    body it takes, and the dates that matter (conduct dates, and tenure starts and ends)."""
    idx = index_for(g)
    of = lambda label: sorted(idx.by_label.get(label, []))  # noqa: E731
    incidents, cases = of("Incident"), of("AccountabilityCase")
    bodies = of("Organization") + of("OrganizationalUnit")
    dates = sorted({d for i in incidents for d in (idx.attr(i, "conduct_date"), idx.attr(i, "conduct_end")) if d})
    if name == "responsibility_map":
        return [{"incident": i} for i in incidents]
    if name == "jurisdiction_path":
        parties = of("Person") + of("Post") + bodies
        return [{"incident": i, "party": p} for i in incidents for p in parties]
    if name == "chain_of_authority":
        return [{"start": s} for s in bodies + of("Post")]
    if name == "post_holders":
        out = []
        for post in of("Post"):
            tenures = idx.tenures_of_post(post)
            days = set(dates) | {idx.attr(t, k) for t in tenures for k in ("start", "end") if idx.attr(t, k)}
            out += [{"post": post, "date": d} for d in sorted(days)]
        return out
    if name == "body_duties":
        return [{"body": b} for b in bodies]
    if name == "leader_assignments":
        return [{"person": p, "date": d} for p in of("Person") for d in dates]
    if name in ("omitted_parties", "no_duty_targets"):
        return [{"case_id": c} for c in cases]
    if name == "grassroots_share":
        return [{"case_id": c} for c in cases] + [{"case_id": c, "threshold": 0.3} for c in cases]
    if name in ("duty_gaps", "duty_overlaps"):
        return [{"date": d} for d in dates]
    raise KeyError(f"no parameter sets for query {name!r}: add them here")


@pytest.fixture(scope="session")
def params_for():
    """``params_for(query name, graph)``: see :func:`param_sets`."""
    return param_sets

