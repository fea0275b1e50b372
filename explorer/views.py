"""The explorer's view models: what each page shows, as plain rows and dicts, computed without Streamlit."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import shutil
import tempfile
import threading
import zipfile
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any, Iterable, Mapping, MutableMapping

import networkx as nx

from explorer.launch import BUNDLE_ENV
from explorer.network import VERDICT_STYLE, evidence_text, legend_items
from graph.api import Loaded, summary_rows
from graph.build import LABEL, build_graph, graph_to_records
from graph.index import index_for
from graph.report import VERDICT_LABELS, audit_html, audit_json, audit_markdown
from graph.stores import WriteRefused, neo4j_settings, open_store, run_adhoc, run_named
from graph.verdict import Audit, chain_of_authority
from loaders.bundle import load_bundle
from loaders.records import Bundle, BundleError, Problem
from ontology.model import model as m
from queries.registry import Param, Query, QueryError, list_queries

__all__ = [
    "ENTRY_RAN",
    "STORE_KINDS",
    "NEO4J_SCHEMES",
    "VERDICT_STYLE",
    "StoreChoice",
    "StoreUnavailable",
    "LockedStore",
    "with_connection",
    "store_for",
    "store_description",
    "check_neo4j",
    "pull_from_neo4j",
    "PARAM_CLASSES",
    "SELECT_LIMIT",
    "ParamField",
    "query_choices",
    "default_query",
    "param_classes",
    "param_fields",
    "form_values",
    "QueryResult",
    "run_library",
    "run_free",
    "table_rows",
    "result_ids",
    "result_subgraph",
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
#: Store kinds the Load page offers. The trace, audit and body pages always read the session's loaded
#: graph; the kind decides where the Cypher page runs its queries (and where "pull" reads a graph from).
STORE_KINDS = {
    "embedded": "嵌入式图 embedded (networkx in memory; Cypher on LadybugDB)",
    "neo4j": "Neo4j 服务器 server (bolt)",
}

#: URI schemes the Neo4j driver speaks over Bolt. Its http(s) support is a preview needing extra
#: packages, so an http URI is refused with a clear message instead of an ImportError.
NEO4J_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


@dataclass
class StoreChoice:
    """Where the pages read the graph from; kept in the session apart from the loaded bundle.

    For ``kind="neo4j"`` the connection fields default to :func:`graph.stores.neo4j_settings`
    (``NEO4J_URI`` / ``NEO4J_USER`` / ``NEO4J_PASSWORD``, else ``bolt://127.0.0.1:7687`` without
    authentication). ``status`` is the message of the last successful connection check.

    Examples
    --------
    >>> StoreChoice().uri is None
    True
    >>> StoreChoice(kind="neo4j", uri="bolt://db:7687").uri
    'bolt://db:7687'
    """

    kind: str = "embedded"
    uri: str | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)  # kept out of reprs, logs and error messages
    options: dict[str, Any] = field(default_factory=dict)
    status: str = ""

    def __post_init__(self) -> None:
        if self.kind == "neo4j":
            filled = neo4j_settings(self.uri or None, self.user or None, self.password or None)
            self.uri, self.user, self.password = filled


def with_connection(choice: StoreChoice, uri: str, user: str, password: str) -> StoreChoice:
    """The choice with the connection fields the form holds: the same object when nothing changed,
    else a new one whose last check (``status``) no longer applies.

    Examples
    --------
    >>> c = StoreChoice(kind="neo4j", uri="bolt://a:7687")
    >>> with_connection(c, "bolt://a:7687", c.user or "", c.password or "") is c
    True
    >>> with_connection(c, " bolt://b:7687 ", "", "").uri
    'bolt://b:7687'
    """
    new = StoreChoice(kind=choice.kind, uri=uri.strip() or None, user=user.strip() or None,
                      password=password or None, options=dict(choice.options))
    # compared after the defaults are filled in: an emptied field that the environment fills is no change
    return choice if (new.uri, new.user, new.password) == (choice.uri, choice.user, choice.password) else new


class StoreUnavailable(RuntimeError):
    """The session's store cannot be opened or reached; the message says why, for the page to show."""


class LockedStore:
    """A store shared by every session of the server, used by one query at a time.

    Streamlit runs each session's script in its own thread, and an embedded LadybugDB connection is
    not meant to be used from several threads at once.
    """

    def __init__(self, store: Any, lock: threading.RLock, description: str):
        self._store, self._lock, self.description = store, lock, description

    @property
    def engine(self) -> str:
        return self._store.engine

    def run(self, cypher: str, params: dict[str, Any] | None = None, *, write: bool = False) -> list[dict[str, Any]]:
        with self._lock:
            return self._store.run(cypher, params, write=write)

    def pull(self) -> nx.MultiDiGraph:
        with self._lock:
            return self._store.pull()

    def __repr__(self) -> str:
        return f"LockedStore({self.description})"


@dataclass
class _CachedStore:
    store: Any
    lock: threading.RLock
    # Keeps the object whose id() is in the cache key alive, so that id is not reused by another bundle.
    holds: Any = None


#: Open stores shared across reruns and sessions, most recently used last. Loading a bundle into
#: LadybugDB takes seconds, so a rerun must not do it again; evicted stores are closed.
_STORES: OrderedDict[tuple, _CachedStore] = OrderedDict()
_STORES_LOCK = threading.Lock()
_STORE_CACHE_SIZE = 4


def _cached_store(key: tuple, opener, holds: Any = None) -> _CachedStore:
    with _STORES_LOCK:
        hit = _STORES.get(key)
        if hit is not None:
            _STORES.move_to_end(key)
            return hit
    # Opened outside the cache lock: another session need not wait for this bundle to load.
    entry = _CachedStore(opener(), threading.RLock(), holds)
    with _STORES_LOCK:
        if key in _STORES:  # another session opened it meanwhile; keep theirs
            entry.store.close()
            return _STORES[key]
        _STORES[key] = entry
        while len(_STORES) > _STORE_CACHE_SIZE:
            _, old = _STORES.popitem(last=False)
            with old.lock:  # never close a store in the middle of another session's query
                old.store.close()
    return entry


def _bundle_key(loaded: Loaded) -> tuple[tuple, Any]:
    """Cache key of a loaded bundle's embedded store: its files (path and mtimes) when it was read
    from disk, else the bundle object itself (uploads and pulled graphs have no files left)."""
    path = Path(loaded.bundle.path)
    if path.is_absolute() and path.exists():
        return ("embedded", str(path), _fingerprint(path)), None
    return ("embedded", "object", id(loaded.bundle)), loaded.bundle


def _embedded(loaded: Loaded) -> Any:
    store = open_store("embedded")
    store.ensure_schema()
    store.push(loaded.bundle)
    return store


def _neo4j(choice: StoreChoice) -> Any:
    scheme = (choice.uri or "").split("://", 1)[0].lower() if "://" in (choice.uri or "") else ""
    if scheme not in NEO4J_SCHEMES:
        raise StoreUnavailable(f"{choice.uri!r} is not a Bolt URI: write it as bolt://HOST:7687 "
                               f"(schemes: {', '.join(NEO4J_SCHEMES)})")
    try:
        return open_store("neo4j", choice.uri, choice.user, choice.password)
    except ValueError as exc:  # a malformed URI
        raise StoreUnavailable(f"cannot use {choice.uri}: {exc}") from None


def _verify(store: Any, uri: str | None) -> None:
    """Fail fast when the server is unreachable: a query would retry for 30 s before giving up."""
    from neo4j.exceptions import AuthError, DriverError, Neo4jError

    try:
        store.driver.verify_connectivity()
    except AuthError as exc:
        raise StoreUnavailable(f"Neo4j at {uri} refused the credentials: {exc.message or exc}") from None
    except (DriverError, Neo4jError, OSError) as exc:
        raise StoreUnavailable(f"cannot reach Neo4j at {uri}: {exc}") from None


def store_for(choice: StoreChoice, loaded: Loaded | None) -> LockedStore:
    """The store the session's queries run on, opened once and cached.

    Embedded: an in-memory LadybugDB loaded with the session's bundle, cached per bundle (its path and
    file mtimes), so reruns do not reload it. Neo4j: the server of ``choice``, checked on every call.

    Raises
    ------
    StoreUnavailable
        When no bundle is loaded (embedded), or the server is unreachable or refuses the login (Neo4j).
    """
    if choice.kind == "neo4j":
        entry = _cached_store(("neo4j", choice.uri, choice.user, choice.password), lambda: _neo4j(choice))
        _verify(entry.store, choice.uri)
        return LockedStore(entry.store, entry.lock, store_description(choice, loaded))
    if loaded is None:
        raise StoreUnavailable("Load a bundle first.")
    key, holds = _bundle_key(loaded)
    entry = _cached_store(key, lambda: _embedded(loaded), holds)
    return LockedStore(entry.store, entry.lock, store_description(choice, loaded))


def store_description(choice: StoreChoice, loaded: Loaded | None) -> str:
    """Where queries run, in words, for the page's caption.

    Examples
    --------
    >>> store_description(StoreChoice(kind="neo4j", uri="bolt://db:7687"), None)
    'Neo4j at bolt://db:7687'
    """
    if choice.kind == "neo4j":
        return f"Neo4j at {choice.uri}" + (f" as {choice.user}" if choice.user else "")
    name = loaded.bundle.name if loaded is not None else "no bundle"
    return f"embedded LadybugDB loaded with {name}"


def check_neo4j(choice: StoreChoice) -> str:
    """Check the connection (``RETURN 1``) and say what the database holds.

    Raises
    ------
    StoreUnavailable
        With the reason: not a Bolt URI, unreachable, credentials refused, or the query failed.
    """
    from neo4j.exceptions import DriverError, Neo4jError

    store = store_for(choice, None)
    try:
        ok = store.run("RETURN 1 AS ok")
        nodes = store.run("MATCH (n) RETURN count(n) AS n")[0]["n"]
    except (DriverError, Neo4jError) as exc:
        raise StoreUnavailable(f"Neo4j at {choice.uri} answered with an error: {exc}") from None
    if ok != [{"ok": 1}]:
        raise StoreUnavailable(f"Neo4j at {choice.uri} answered RETURN 1 with {ok!r}")
    return f"Connected to {choice.uri}: the database holds {nodes:,} nodes."


def pull_from_neo4j(choice: StoreChoice) -> Loaded:
    """The graph Neo4j holds, as a loaded bundle: the pages then work on it as on a bundle read from disk.

    Records are rebuilt from the graph (:func:`graph.build.graph_to_records`); each keeps the
    ``file:line`` it was pushed from, so evidence still cites the bundle's files.

    Raises
    ------
    StoreUnavailable
        When the server is unreachable or holds no Quanze graph.
    """
    from neo4j.exceptions import DriverError, Neo4jError

    store = store_for(choice, None)
    try:
        g = store.pull()
    except (DriverError, Neo4jError) as exc:
        raise StoreUnavailable(f"pulling from Neo4j at {choice.uri} failed: {exc}") from None
    if g.number_of_nodes() == 0:
        raise StoreUnavailable(f"Neo4j at {choice.uri} holds no Quanze graph: push a bundle first "
                               "(quanze neo4j push BUNDLE)")
    records = graph_to_records(g)
    bundle = Bundle(name=f"Neo4j {choice.uri}", path=str(choice.uri), records={r.id: r for r in records},
                    description=f"Pulled from {store_description(choice, None)}: {g.number_of_nodes():,} nodes, "
                                f"{g.number_of_edges():,} edges.")
    return Loaded(bundle, g)


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


# -- Cypher page: the query library as forms, and free read-only queries ------------------------------
#: Parameter names that obviously name a record, and the classes whose ids fill their select box.
#: ``start`` is not obvious from its name, but its header says "id of a body, internal unit or post".
PARAM_CLASSES: dict[str, tuple[str, ...]] = {
    "incident": (L.Incident,),
    "case_id": (L.AccountabilityCase,),
    "case": (L.AccountabilityCase,),
    "body": (L.Organization, L.OrganizationalUnit),
    "person": (L.Person,),
    "post": (L.Post,),
    "party": (L.Person, L.Post, L.Organization, L.OrganizationalUnit),
    "start": (L.Organization, L.OrganizationalUnit, L.Post),
}

#: Above this many candidates a select box is a text input: a browser select of 100,000 people is slow.
SELECT_LIMIT = 5000


@dataclass
class ParamField:
    """One form widget for a query parameter.

    ``kind`` is ``select`` (``options``: id → label), ``text``, ``date``, ``float``, ``integer`` or
    ``checkbox``; ``default`` is the widget's initial value.
    """

    name: str
    kind: str
    label: str
    help: str
    default: Any = None
    options: dict[str, str] = field(default_factory=dict)
    required: bool = True


def query_choices(engine: str | None = None) -> dict[str, str]:
    """Library queries: name → ``name — purpose`` (cut short), those the engine cannot run marked.

    Examples
    --------
    >>> "jurisdiction_path" in query_choices("ladybug")
    True
    """
    out = {}
    for q in list_queries():
        purpose = q.purpose if len(q.purpose) <= 90 else q.purpose[:89].rstrip() + "…"
        mark = "" if engine is None or engine in q.engines else f" (not on {engine})"
        out[q.name] = f"{q.name}{mark} — {purpose}"
    return out


def default_query() -> str:
    """The query the page shows first: the responsibility map, the question most cases start with."""
    names = [q.name for q in list_queries()]
    return "responsibility_map" if "responsibility_map" in names else names[0]


def param_classes(p: Param) -> tuple[str, ...]:
    """The classes whose ids a string parameter takes, judged by its name; empty when not obvious.

    Examples
    --------
    >>> from queries.registry import get
    >>> param_classes(get("jurisdiction_path").param("party"))
    ('Person', 'Post', 'Organization', 'OrganizationalUnit')
    >>> param_classes(get("duty_gaps").param("date"))
    ()
    """
    return PARAM_CLASSES.get(p.name, ()) if p.type == "string" else ()


def _choices_of(g: nx.MultiDiGraph, classes: tuple[str, ...]) -> dict[str, str]:
    idx = index_for(g)
    ids = [n for c in classes for n in sorted(idx.by_label.get(c, []), key=lambda n: (idx.name(n), n))]
    return {n: f"{idx.name(n)} ({idx.label(n)}, {n})" for n in ids}


def _first_conduct_date(g: nx.MultiDiGraph | None) -> dt.date:
    """A date parameter without a default starts at the first incident's conduct date: a day the
    bundle says something about, where today would often find nothing."""
    if g is not None:
        incidents = incident_choices(g)
        if incidents:
            return conduct_period(g, next(iter(incidents)))[0]
    return dt.date.today()


def param_fields(q: Query, g: nx.MultiDiGraph | None = None) -> list[ParamField]:
    """One widget spec per declared parameter, by type; ids of the loaded graph ``g`` where the
    parameter names an incident, case, body, person or post.

    Examples
    --------
    >>> from queries.registry import get
    >>> [(f.name, f.kind, f.default) for f in param_fields(get("grassroots_share"))]
    [('case_id', 'text', ''), ('threshold', 'float', 0.5)]
    """
    out = []
    for p in q.params:
        label = f"${p.name} ({p.type}{'' if p.required else ', optional'})"
        base = dict(name=p.name, label=label, help=p.description, required=p.required)
        classes = param_classes(p)
        options = _choices_of(g, classes) if g is not None and classes else {}
        if options and len(options) <= SELECT_LIMIT:
            first = p.default if p.default in options else next(iter(options))
            out.append(ParamField(kind="select", default=first, options=options, **base))
        elif p.type == "date":
            default = dt.date.fromisoformat(p.default) if p.default else _first_conduct_date(g)
            out.append(ParamField(kind="date", default=default, **base))
        elif p.type == "float":
            out.append(ParamField(kind="float", default=float(p.default) if p.default is not None else 0.0, **base))
        elif p.type == "integer":
            out.append(ParamField(kind="integer", default=int(p.default) if p.default is not None else 0, **base))
        elif p.type == "boolean":
            out.append(ParamField(kind="checkbox", default=bool(p.default), **base))
        elif p.type == "string[]":
            out.append(ParamField(kind="text", default=", ".join(p.default or []), **base))
        else:
            out.append(ParamField(kind="text", default=p.default or "", **base))
    return out


def form_values(fields: list[ParamField], raw: Mapping[str, Any]) -> dict[str, Any]:
    """The form's values as query parameters: an empty text is "not given" (the registry then
    names the missing parameter, or fills an optional one with its default).

    Examples
    --------
    >>> fs = [ParamField("incident", "text", "$incident", ""), ParamField("date", "date", "$date", "")]
    >>> form_values(fs, {"incident": "  ", "date": dt.date(2023, 1, 10)})
    {'incident': None, 'date': datetime.date(2023, 1, 10)}
    """
    out = {}
    for f in fields:
        v = raw.get(f.name)
        if isinstance(v, str):
            v = v.strip() or None
        out[f.name] = v
    return out


@dataclass
class QueryResult:
    """What a query run gives the page: the rows as a table, or the error to show instead.

    ``refused`` marks a write refused by the read-only guard (the message says which clauses).
    """

    title: str
    store: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    raw: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""
    refused: bool = False
    query: str = ""


def run_library(store: Any, name: str, values: Mapping[str, Any]) -> QueryResult:
    """Run a library query with form values; wrong parameters and database errors become ``error``."""
    from queries.registry import get

    q = get(name)
    title = f"{name}(" + ", ".join(f"{k}={v}" for k, v in values.items() if v is not None) + ")"
    result = QueryResult(title, getattr(store, "description", store.engine), columns=list(q.returns), query=name)
    try:
        rows = run_named(name, dict(values), store)
    except QueryError as exc:  # QueryParamError included: missing or mistyped values
        result.error = str(exc)
        return result
    except Exception as exc:  # the database's own error (syntax, server gone): shown, not raised
        result.error = f"{type(exc).__name__}: {exc}"
        return result
    result.raw, result.rows = rows, table_rows(rows)
    if rows:
        result.columns = list(rows[0])
    return result


def run_free(store: Any, text: str) -> QueryResult:
    """Run a free query, read-only: write clauses are refused (``refused``) before the store sees them.

    There is no way to write from the page: :func:`graph.stores.run_adhoc` is always called without
    ``write``, and the query runs in a read transaction besides.
    """
    result = QueryResult("free query", getattr(store, "description", store.engine), query=text)
    if not text.strip():
        result.error = "Type a Cypher query first."
        return result
    try:
        rows = run_adhoc(text, store)
    except WriteRefused as exc:
        # The guard's message ends with the CLI's "--write" hint, which the explorer does not offer.
        result.error, result.refused = f"Refused: {str(exc).split(';')[0]}; the explorer only reads.", True
        return result
    except Exception as exc:  # the user's query failed in the database: show why
        result.error = f"{type(exc).__name__}: {exc}"
        return result
    result.raw, result.rows = rows, table_rows(rows)
    result.columns = list(rows[0]) if rows else []
    return result


def _cell(v: Any) -> Any:
    if isinstance(v, dict):
        return json.dumps({k: x for k, x in v.items() if not k.startswith("_")} or v, ensure_ascii=False, default=str)
    if isinstance(v, (list, tuple)):
        return ", ".join("" if x is None else str(_cell(x)) for x in v)
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    return str(v)  # dates, durations, points: their text


def table_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Query rows made safe for ``st.dataframe``: lists joined, nodes as JSON, and a column holding
    values of several types as text (Arrow needs one type per column).

    Examples
    --------
    >>> table_rows([{"a": ["x", "y"], "b": 1}, {"a": [], "b": "two"}])
    [{'a': 'x, y', 'b': '1'}, {'a': '', 'b': 'two'}]
    """
    out = [{k: _cell(v) for k, v in r.items()} for r in rows]
    columns = {k for r in out for k in r}
    for c in columns:
        types = {type(r.get(c)) for r in out} - {type(None)}
        if len(types) > 1:
            for r in out:
                if r.get(c) is not None:
                    r[c] = str(r[c])
    return out


def result_ids(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """Every string in the rows that could be a node id (nodes' ``id`` properties, list items), in order.

    Examples
    --------
    >>> result_ids([{"p": {"id": "wu_gang", "name": "吴刚"}, "posts": ["p1", "p2"], "n": 3}])
    ['wu_gang', '吴刚', 'p1', 'p2']
    """
    seen: dict[str, None] = {}

    def walk(v: Any) -> None:
        if isinstance(v, str):
            seen.setdefault(v, None)
        elif isinstance(v, Mapping):
            if isinstance(v.get("id"), str):
                seen.setdefault(v["id"], None)
            for x in v.values():
                walk(x)
        elif isinstance(v, (list, tuple)):
            for x in v:
                walk(x)

    for r in rows:
        walk(dict(r))
    return list(seen)


def result_subgraph(g: nx.MultiDiGraph, rows: Iterable[Mapping[str, Any]], *, bridges: bool = True) -> nx.MultiDiGraph:
    """The nodes of ``g`` whose ids appear in the rows, with the edges among them.

    With ``bridges``, also every node tied to two or more of them (a tenure between a person and a
    post, a 分工 entry between a leader and a body): rows name people and posts, while what joins
    them is a record of its own that a query seldom returns.
    """
    found = {n for n in result_ids(rows) if n in g}
    keep = set(found)
    if bridges:
        for x in {y for n in found for y in (*g.succ[n], *g.pred[n])} - found:
            if len({*g.succ[x], *g.pred[x]} & found) >= 2:
                keep.add(x)
    return g.subgraph(keep).copy()
