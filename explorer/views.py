"""The explorer's view models: what each page shows, as plain rows and dicts, computed without Streamlit."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any, Iterable, Mapping, MutableMapping

import networkx as nx

from explorer.launch import BUNDLE_ENV
from explorer.network import VERDICT_STYLE, evidence_text, legend_items
from graph.api import Loaded, summary_rows
from graph.build import LABEL, build_graph
from graph.index import index_for
from graph.report import VERDICT_LABELS, audit_html, audit_json, audit_markdown
from graph.verdict import Audit, chain_of_authority
from loaders.bundle import load_bundle
from loaders.records import BundleError, Problem
from ontology.model import model as m

__all__ = [
    "ENTRY_RAN",
    "STORE_KINDS",
    "VERDICT_STYLE",
    "StoreChoice",
    "bundle_argument",
    "init_session",
    "UPLOAD_SUFFIXES",
    "open_path",
    "open_upload",
    "problem_rows",
    "summary_table",
    "incident_choices",
    "case_choices",
    "cases_of_incident",
    "conduct_period",
    "kind_choices",
    "node_choices",
    "subgraph_rows",
    "legend_markdown",
    "verdict_rows",
    "omitted_rows",
    "finding_rows",
    "downloads",
    "body_choices",
    "default_body",
    "body_facts",
    "clause_rows",
    "unit_rows",
    "post_rows",
    "tenure_rows",
    "timeline_spec",
    "assignment_rows",
    "chain_rows",
]

L, R = m.L, m.R

# -- the store a session reads from ------------------------------------------------------------
#: Store kinds the Load page offers. Only the embedded graph exists here; the Neo4j engineer adds
#: ``"neo4j"`` (with a URI) to this table and to :class:`StoreChoice`, without touching the pages' logic.
STORE_KINDS = {"embedded": "嵌入式图 embedded (networkx, in memory)"}


@dataclass
class StoreChoice:
    """Where the pages read the graph from; kept in the session apart from the loaded bundle."""

    kind: str = "embedded"
    uri: str | None = None
    options: dict[str, Any] = field(default_factory=dict)


#: Session key set by explorer/app.py: the session has run through st.navigation at least once.
ENTRY_RAN = "explorer_entry_ran"


def bundle_argument(argv: list[str], environ: Mapping[str, str] | None = None) -> str | None:
    """The bundle given to the app: ``--bundle PATH`` after ``streamlit run app.py --``, else the env variable.

    Examples
    --------
    >>> bundle_argument(["--bundle", "examples/demo"], {})
    'examples/demo'
    >>> bundle_argument([], {BUNDLE_ENV: "b.yaml"})
    'b.yaml'
    """
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--bundle")
    known, _ = parser.parse_known_args(argv)
    env = os.environ if environ is None else environ
    return known.bundle or env.get(BUNDLE_ENV) or None


def init_session(state: MutableMapping[str, Any], argv: list[str], environ: Mapping[str, str] | None = None) -> None:
    """Set up a session once: the store choice, and the bundle given on the command line, if any.

    ``state`` is Streamlit's session state (any mutable mapping). Keys: ``store`` (:class:`StoreChoice`),
    ``loaded`` (:class:`graph.api.Loaded` or None) and ``bundle_source`` (where it came from), and the
    last failed attempt: ``load_problems`` (rows of :func:`problem_rows`) and ``problem_source``.
    """
    if "store" not in state:
        state["store"] = StoreChoice()
    if "loaded" in state:
        return
    state["loaded"], state["bundle_source"], state["load_problems"], state["problem_source"] = None, "", [], ""
    given = bundle_argument(argv, environ)
    if not given:
        return
    try:
        state["loaded"], state["bundle_source"] = open_path(given), given
    except BundleError as exc:
        state["load_problems"], state["problem_source"] = problem_rows(exc), given
    except OSError as exc:
        state["load_problems"] = [{"location": given, "field": "(file)", "message": str(exc)}]
        state["problem_source"] = given


# -- loading --------------------------------------------------------------------------------------
UPLOAD_SUFFIXES = ("yaml", "yml", "zip")


def _fingerprint(path: Path) -> tuple[tuple[str, int, int], ...]:
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)


@lru_cache(maxsize=16)
def _open_cached(path: str, fingerprint: tuple, shacl: bool) -> Loaded:
    bundle = load_bundle(path, shacl=shacl)
    return Loaded(bundle, build_graph(bundle))


def open_path(path: str | Path, *, shacl: bool = True) -> Loaded:
    """Open a bundle file or folder; cached while its files are unchanged, so page reruns are instant.

    Raises :class:`loaders.records.BundleError` on any problem.
    """
    p = Path(path).resolve()
    return _open_cached(str(p), _fingerprint(p), shacl)


def _extract_zip(data: bytes, dest: Path) -> Path:
    """Unpack an uploaded .zip safely and return the bundle it holds (the folder with bundle.yaml)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            name = PurePosixPath(info.filename)
            if name.is_absolute() or ".." in name.parts:
                raise ValueError(f"unsafe path in zip: {info.filename}")  # zip-slip
            if info.filename.startswith("__MACOSX/"):
                continue
            zf.extract(info, dest)
    mains = sorted((p for p in dest.rglob("bundle.y*ml") if p.suffix in (".yaml", ".yml")), key=lambda p: len(p.parts))
    if not mains:
        yamls = sorted(dest.rglob("*.y*ml"), key=lambda p: len(p.parts))
        if len(yamls) == 1:
            return yamls[0]
        raise ValueError("the zip holds no bundle.yaml")
    return mains[0].parent


def _relocate(problems: Iterable[Problem], root: str, shown: str) -> list[Problem]:
    return [Problem(p.file.replace(root, shown, 1), p.line, p.field, p.message) for p in problems]


def open_upload(name: str, data: bytes, *, shacl: bool = True) -> Loaded:
    """Open an uploaded bundle: a YAML file, or a .zip of a bundle folder with its CSV files.

    Files are unpacked into a temporary folder that is removed afterwards; problems and evidence cite
    ``<upload name>/<file>:line`` instead of that folder.

    Raises :class:`BundleError` on any problem in the bundle, ValueError when the upload is no bundle.
    """
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in UPLOAD_SUFFIXES:
        raise ValueError(f"{name}: upload a .yaml/.yml bundle file or a .zip of a bundle folder")
    tmp = Path(tempfile.mkdtemp(prefix="quanze-upload-"))
    try:
        if suffix == "zip":
            try:
                path = _extract_zip(data, tmp)
            except zipfile.BadZipFile as exc:
                raise ValueError(f"{name}: not a readable zip file ({exc})") from None
        else:
            path = tmp / Path(name).name
            path.write_bytes(data)
        root = str(tmp.resolve()) + "/"
        shown = f"{name}/" if suffix == "zip" else ""
        try:
            bundle = load_bundle(path, shacl=shacl)
        except BundleError as exc:
            raise BundleError(_relocate(exc.problems, root, shown)) from None
        for rec in bundle:
            rec.file = rec.file.replace(root, shown, 1)
        bundle.path = name
        return Loaded(bundle, build_graph(bundle))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def problem_rows(exc: BundleError) -> list[dict[str, Any]]:
    """Every problem of a failed load, located ``file:line``.

    Examples
    --------
    >>> problem_rows(BundleError([Problem("b.yaml", 3, "kind", "unknown value")]))
    [{'location': 'b.yaml:3', 'field': 'kind', 'message': 'unknown value'}]
    """
    return [{"location": f"{p.file}:{p.line}", "field": p.field, "message": p.message} for p in exc.problems]


def summary_table(loaded: Loaded) -> list[dict[str, Any]]:
    """Records per class of a loaded bundle, plus the edge count."""
    rows = [{"section": s, "class": c, "records": n} for s, c, n in summary_rows(loaded)]
    rows.append({"section": "", "class": "edges", "records": loaded.graph.number_of_edges()})
    return rows


# -- choices ----------------------------------------------------------------------------------------
def _of(g: nx.MultiDiGraph, *labels: str) -> list[str]:
    idx = index_for(g)
    return sorted(n for lb in labels for n in idx.by_label.get(lb, []))


def incident_choices(g: nx.MultiDiGraph) -> dict[str, str]:
    """Incident id → ``title (conduct date)``, by conduct date."""
    idx = index_for(g)
    ids = sorted(_of(g, L.Incident), key=lambda i: (idx.attr(i, "conduct_date") or "", i))
    return {i: f"{idx.name(i)} ({idx.attr(i, 'conduct_date')}, {i})" for i in ids}


def cases_of_incident(g: nx.MultiDiGraph, incident: str) -> list[str]:
    """Accountability cases about one incident."""
    idx = index_for(g)
    return sorted(c for c in idx.back(incident, R.ABOUT_INCIDENT) if idx.label(c) == L.AccountabilityCase)


def case_choices(g: nx.MultiDiGraph) -> dict[str, str]:
    """Case id → ``title (id)``."""
    idx = index_for(g)
    return {c: f"{idx.name(c)} ({c})" for c in _of(g, L.AccountabilityCase)}


def conduct_period(g: nx.MultiDiGraph, incident: str) -> tuple[dt.date, dt.date]:
    """The incident's conduct period as dates (the as-of control's default and range hint)."""
    idx = index_for(g)
    start = idx.attr(incident, "conduct_date")
    end = idx.attr(incident, "conduct_end") or start
    return dt.date.fromisoformat(start), dt.date.fromisoformat(end)


def kind_choices() -> dict[str, str]:
    """Responsibility kinds a trace can filter on (those duty roles and decisions give)."""
    return {k: f"{m.concept('ResponsibilityKind', k).label_zh} {k}" for k in ("decision", "execution", "supervision")}


def node_choices(g: nx.MultiDiGraph) -> dict[str, str]:
    """Every node as ``name (Class, id)`` for the expand-neighbours control."""
    idx = index_for(g)
    return {n: f"{idx.name(n)} ({idx.label(n)}, {n})" for n in sorted(idx.nodes, key=lambda n: (idx.label(n), idx.name(n)))}


def subgraph_rows(sub: nx.MultiDiGraph, classes: Iterable[str] = (L.Person, L.Organization, L.OrganizationalUnit)) -> list[dict[str, Any]]:
    """The verdict-bearing nodes of a trace subgraph as a table: the network's content in text."""
    wanted = set(classes)
    order = {k: i for i, k in enumerate([*VERDICT_STYLE, None])}
    rows = []
    for n, a in sub.nodes(data=True):
        if a.get(LABEL) not in wanted:
            continue
        v = a.get("verdict")
        rows.append({
            "name": a.get("caption", n),
            "class": a.get(LABEL),
            "verdict": VERDICT_STYLE[v][1] if v in VERDICT_STYLE else "—",
            "target": "✔" if a.get("target") else "",
            "id": n,
            "_order": order.get(v, len(order)),
        })
    rows.sort(key=lambda r: (r.pop("_order"), r["class"], r["id"]))
    return rows


def legend_markdown() -> str:
    """The verdict legend as HTML chips for ``st.markdown(..., unsafe_allow_html=True)`` (our own text only)."""
    chips = [
        f"<span style='display:inline-block;margin:0 .8em .3em 0'><span style='display:inline-block;width:.9em;"
        f"height:.9em;background:{i.colour};border:1px solid #555;border-radius:2px;vertical-align:middle'></span> "
        f"{i.label}</span>"
        for i in legend_items()
        if i.key in VERDICT_STYLE or i.key == "none"
    ]
    return "".join(chips)


# -- audit ------------------------------------------------------------------------------------------
def _zh(scheme: str, notation: str | None) -> str:
    if not notation:
        return ""
    c = m.concepts[scheme].get(notation)
    return f"{c.label_zh} {notation}" if c else notation


def verdict_rows(a: Audit) -> list[dict[str, Any]]:
    """One row per proposed target: verdict, the proposal, the reason and the evidence it rests on."""
    return [
        {
            "action": v.action,
            "target": v.target_person_name or v.target_body_name,
            "post at conduct": v.target_post_name,
            "body": v.target_body_name,
            "verdict": VERDICT_LABELS[v.verdict],
            "degree": _zh("ResponsibilityDegree", v.degree),
            "kinds": ", ".join(_zh("ResponsibilityKind", k) for k in v.responsibility_kinds),
            "proposed": " ".join(x for x in (_zh("ResponsibilityKind", v.claimed_kind),
                                             _zh("ResponsibilityDegree", v.claimed_degree)) if x),
            "sanction": _zh("Sanction", v.sanction),
            "status": v.status or "",
            "limited": "✔" if v.limited else "",
            "causal link": "✔" if v.causal_link else "✘",
            "grassroots": "✔" if v.grassroots else "",
            "exemption grounds": "、".join(_zh("ExemptionGround", x) for x in v.exemption_grounds),
            "reason": v.reason,
            "evidence": "\n".join(evidence_text(e) for e in v.evidence),
        }
        for v in a.verdicts
    ]


def omitted_rows(a: Audit) -> list[dict[str, Any]]:
    """People with a duty path during the conduct period who are not targets, with their later posts."""
    return [
        {
            "person": o.person_name,
            "post": o.post_name,
            "body": o.body_name,
            "role": o.role,
            "degree": _zh("ResponsibilityDegree", o.degree),
            "held": o.tenure,
            "later posts": "、".join(o.later_posts),
            "evidence": "\n".join(evidence_text(e) for e in o.evidence),
        }
        for o in a.omitted
    ]


def finding_rows(a: Audit) -> list[dict[str, Any]]:
    """Case findings (omitted, grassroots share, organisation without individual, …), flagged first."""
    rows = [{"flag": "⚑" if f.flag else "", "finding": f.kind, "message": f.message, "subjects": ", ".join(f.subjects)}
            for f in a.findings]
    return sorted(rows, key=lambda r: r["flag"] != "⚑")


def downloads(a: Audit) -> list[dict[str, str]]:
    """The audit report in every filing format: label, file name, content and MIME type."""
    return [
        {"label": "HTML", "file_name": f"audit-{a.case}.html", "data": audit_html(a), "mime": "text/html"},
        {"label": "Markdown", "file_name": f"audit-{a.case}.md", "data": audit_markdown(a), "mime": "text/markdown"},
        {"label": "JSON", "file_name": f"audit-{a.case}.json", "data": audit_json(a), "mime": "application/json"},
    ]


# -- body browser -----------------------------------------------------------------------------------
def body_choices(g: nx.MultiDiGraph) -> dict[str, str]:
    """Bodies, each followed by its internal units: id → ``name (kind)``."""
    idx = index_for(g)
    out = {}
    for body in sorted(idx.by_label.get(L.Organization, []), key=lambda b: (idx.name(b), b)):
        out[body] = f"{idx.name(body)} ({idx.attr(body, 'kind')}, {body})"
        for unit in sorted(idx.units(body)):
            out[unit] = f"　└ {idx.name(unit)} ({body})"
    for unit in idx.by_label.get(L.OrganizationalUnit, []):
        out.setdefault(unit, f"{idx.name(unit)} ({unit})")
    return out


def default_body(g: nx.MultiDiGraph) -> str | None:
    """The body to show first: the one with the most clauses, posts and units (the least empty page).

    Examples
    --------
    >>> from graph.api import open_bundle
    >>> from loaders.demo import DEMO_BUNDLE
    >>> default_body(open_bundle(DEMO_BUNDLE, shacl=False).graph)
    'eco_branch'
    """
    idx = index_for(g)

    def weight(body: str) -> int:
        return sum(len(idx.clauses_of(x)) + len(idx.posts_of(x)) for x in [body, *idx.units(body)])

    bodies = sorted(idx.by_label.get(L.Organization, []))
    return max(bodies, key=weight) if bodies else None  # max keeps the first id among equals


def _family(g: nx.MultiDiGraph, body: str) -> list[str]:
    """A body and its internal units (or a unit alone): whose clauses, posts and 分工 a profile lists."""
    idx = index_for(g)
    return [body, *sorted(idx.units(body))]


def body_facts(g: nx.MultiDiGraph, body: str) -> dict[str, str]:
    """Headline facts of a body: kind, division and level, parent, note, source."""
    idx = index_for(g)
    div = idx.body_division(body)
    facts = {
        "kind": _zh("OrgKind", idx.attr(body, "kind")) or "",
        "division": f"{idx.name(div)} ({_zh('DivisionLevel', idx.division_level(div))})" if div else "",
        "unit of": idx.name(idx.parent_body(body)),
        "rank": idx.attr(body, "rank") or "",
        "note": idx.attr(body, "note") or "",
        "source": idx.attr(body, "source") or "",
        "record": idx.attr(body, "origin", ""),
    }
    return {k: v for k, v in facts.items() if v}


def clause_rows(g: nx.MultiDiGraph, body: str) -> list[dict[str, Any]]:
    """Mandate clauses assigned to the body and its units, with their mandate, validity and origin."""
    idx = index_for(g)
    rows = []
    for holder in _family(g, body):
        for c in idx.clauses_of(holder):
            mandate = idx.one(c, R.IN_MANDATE)
            vf, vt = idx.clause_validity(c)
            rows.append({
                "number": idx.attr(c, "number", c),
                "assigned to": idx.name(holder),
                "role": _zh("DutyRole", idx.attr(c, "role")),
                "list category": _zh("ListCategory", idx.attr(c, "list_category")),
                "matters": "、".join(idx.name(x) for x in idx.many(c, R.ON_MATTER)),
                "text": idx.attr(c, "text", ""),
                "in force": f"{vf or '…'} – {vt or ''}",
                "mandate": idx.name(mandate),
                "source": idx.attr(mandate, "source", "") if mandate else "",
                "origin": idx.attr(c, "origin", ""),
            })
    return rows


def unit_rows(g: nx.MultiDiGraph, body: str) -> list[dict[str, Any]]:
    """Internal units of a body with their clause and post counts."""
    idx = index_for(g)
    return [{"unit": idx.name(u), "id": u, "clauses": len(idx.clauses_of(u)), "posts": len(idx.posts_of(u)),
             "origin": idx.attr(u, "origin", "")} for u in sorted(idx.units(body))]


def post_rows(g: nx.MultiDiGraph, body: str) -> list[dict[str, Any]]:
    """Posts of the body and its units: principal, leading-cadre, rank."""
    idx = index_for(g)
    return [
        {"post": idx.name(p), "id": p, "in": idx.name(holder), "principal": "✔" if idx.attr(p, "principal") else "",
         "leading": "✔" if idx.attr(p, "leading", True) else "", "rank": idx.attr(p, "rank") or ""}
        for holder in _family(g, body) for p in idx.posts_of(holder)
    ]


def tenure_rows(g: nx.MultiDiGraph, body: str, *, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Who held each post of the body and its units, when; open tenures are drawn up to ``today``.

    Examples
    --------
    >>> from graph.api import open_bundle
    >>> from loaders.demo import DEMO_BUNDLE
    >>> g = open_bundle(DEMO_BUNDLE, shacl=False).graph
    >>> [(r["person"], r["start"], r["end"]) for r in tenure_rows(g, "eco_branch") if r["post_id"] == "p_branch_deputy_enf"]
    [('韩立', '2019-05-10', '2023-09-15'), ('郑海', '2023-09-15', '')]
    """
    idx = index_for(g)
    until = (today or dt.date.today()).isoformat()
    rows = []
    for holder in _family(g, body):
        for post in idx.posts_of(holder):
            for t in idx.tenures_of_post(post):
                if idx.label(t) != L.Tenure:
                    continue
                start, end = idx.attr(t, "start") or "", idx.attr(t, "end") or ""
                rows.append({
                    "post": idx.name(post),
                    "post_id": post,
                    "person": idx.name(idx.one(t, R.HELD_BY)),
                    "start": start,
                    "end": end,
                    "bar_end": end or max(until, start),
                    "current": not end or end > until,
                    "source": idx.attr(t, "source") or "",
                    "origin": idx.attr(t, "origin", ""),
                })
    return rows


def timeline_spec(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """A Vega-Lite Gantt chart of tenures (one bar per tenure, one line per post) for ``st.vega_lite_chart``."""
    values = [{k: r[k] for k in ("post", "person", "start", "end", "bar_end", "source")} for r in rows]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "data": {"values": values},
        "mark": {"type": "bar", "cornerRadius": 3, "height": {"band": 0.7}},
        "encoding": {
            "y": {"field": "post", "type": "nominal", "title": None, "sort": None},
            "x": {"field": "start", "type": "temporal", "title": "任职 tenure"},
            "x2": {"field": "bar_end"},
            "color": {"field": "person", "type": "nominal", "title": "person", "legend": {"orient": "bottom"}},
            "tooltip": [
                {"field": "person", "type": "nominal"},
                {"field": "post", "type": "nominal"},
                {"field": "start", "type": "nominal"},
                {"field": "end", "type": "nominal"},
                {"field": "source", "type": "nominal"},
            ],
        },
        "height": {"step": 28},
    }


def assignment_rows(g: nx.MultiDiGraph, body: str) -> list[dict[str, Any]]:
    """分工: entries of the body's own posts, and entries of any post that cover the body or its units."""
    idx = index_for(g)
    family = _family(g, body)
    entries = set()
    for holder in family:
        entries.update(idx.back(holder, R.OVER_BODY))
        for post in idx.posts_of(holder):
            entries.update(a for a in idx.back(post, R.OF_POST) if idx.label(a) == L.LeadershipAssignment)
    rows = []
    for a in sorted(entries, key=lambda a: (idx.attr(a, "valid_from") or "", a)):
        post = idx.one(a, R.OF_POST)
        rows.append({
            "post": idx.name(post),
            "person": idx.name(idx.one(a, R.HELD_BY)),
            "mode": _zh("AssignmentMode", idx.attr(a, "mode")),
            "covers": "、".join([idx.name(x) for x in idx.many(a, R.OVER_BODY)] + [idx.name(x) for x in idx.many(a, R.ON_MATTER)]),
            "valid from": idx.attr(a, "valid_from") or "",
            "valid to": idx.attr(a, "valid_to") or "",
            "from outside": "✔" if idx.one(post, R.POST_IN) not in family else "",
            "source": idx.attr(a, "source") or "",
            "origin": idx.attr(a, "origin", ""),
        })
    return rows


def chain_rows(g: nx.MultiDiGraph, body: str) -> list[dict[str, Any]]:
    """The chain of authority above a body, nearest first."""
    idx = index_for(g)
    return [{"depth": r["depth"], "from": idx.name(r["from"]), "relation": r["relation"], "to": r["to_name"]}
            for r in chain_of_authority(g, body)]
