"""The ``quanze`` command line: a thin layer over the library (graph.api, graph.verdict, loaders)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from loaders.records import BundleError

__all__ = ["app", "main"]

app = typer.Typer(
    name="quanze",
    help="Quanze (权责): trace incidents along the chain of authority and audit accountability proposals.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
neo4j_app = typer.Typer(help="Push to, pull from and serve a Neo4j database.", no_args_is_help=True)
app.add_typer(neo4j_app, name="neo4j")

out = Console()
err = Console(stderr=True)

BUNDLE_ARG = typer.Argument(..., help="A bundle YAML file or a folder holding bundle.yaml.", exists=False)


def _fail(message: str, code: int = 1) -> None:
    err.print(message, markup=False, highlight=False)
    raise typer.Exit(code)


def _loaded_or_fail(bundle: Path, load):
    """``load()``, or one clear error naming every problem of the bundle (exit 2)."""
    try:
        return load()
    except BundleError as exc:
        _fail(f"{bundle}: {len(exc.problems)} problem(s); nothing was loaded\n{exc}", 2)


def _open(bundle: Path, shacl: bool = True):
    from graph.api import open_bundle

    return _loaded_or_fail(bundle, lambda: open_bundle(bundle, shacl=shacl))


COMPACT_OPT = typer.Option(
    False, "--compact", help="Use the compact columnar graph (graph.compact): for national-size bundles; no SHACL pass."
)


SHACL_OPT = typer.Option(
    True, "--shacl/--no-shacl",
    help="Run the SHACL shapes (minutes at county scale and beyond); --no-shacl reads with the vectorised loader, same other checks.",
)


def _graph(bundle: Path, compact: bool, shacl: bool = True):
    from graph.api import open_graph

    return _loaded_or_fail(bundle, lambda: open_graph(bundle, compact=compact, shacl=shacl))


def _summary_table(loaded, title: str) -> Table:
    from graph.api import summary_rows

    table = Table(title=title)
    table.add_column("section")
    table.add_column("label")
    table.add_column("records", justify="right")
    for section, label, count in summary_rows(loaded):
        table.add_row(section, label, str(count))
    table.add_row("", "edges", str(loaded.graph.number_of_edges()))
    return table


@app.command()
def validate(bundle: Path = BUNDLE_ARG, shacl: bool = typer.Option(True, help="Also run the SHACL shapes.")) -> None:
    """Check a bundle; print every problem as file:line: field: message.

    Example: quanze validate examples/demo
    """
    loaded = _open(bundle, shacl)
    out.print(f"{bundle}: valid ({len(loaded.bundle)} records)")


@app.command()
def load(bundle: Path = BUNDLE_ARG, shacl: bool = typer.Option(True, help="Also run the SHACL shapes.")) -> None:
    """Load a bundle into the embedded graph and print a summary table.

    Example: quanze load examples/demo
    """
    loaded = _open(bundle, shacl)
    out.print(_summary_table(loaded, loaded.bundle.name))


@app.command()
def export(
    bundle: Path = BUNDLE_ARG,
    format: str = typer.Option("ttl", "--format", "-f", help="ttl, jsonld, graphml or html (interactive network)."),
    output: Path = typer.Option(..., "--output", "-o", help="File to write (written whole or not at all)."),
) -> None:
    """Export a bundle's graph as Turtle, JSON-LD, GraphML or a self-contained HTML network.

    Example: quanze export examples/demo --format ttl -o demo.ttl
    """
    from graph.api import EXPORT_FORMATS, export as do_export

    if format not in EXPORT_FORMATS:
        _fail(f"unknown format {format!r}: one of {', '.join(EXPORT_FORMATS)}", 2)
    loaded = _open(bundle)
    do_export(loaded, format, output)
    out.print(f"wrote {output} ({format})")


@app.command()
def demo() -> None:
    """Load the shipped demo (seed case 1, invented names), then trace and audit it.

    Example: quanze demo
    """
    from graph.verdict import audit as do_audit
    from loaders.demo import DEMO_BUNDLE

    loaded = _open(DEMO_BUNDLE)
    out.print(_summary_table(loaded, f"demo: {loaded.bundle.name}"))
    case = loaded.bundle.of("AccountabilityCase")[0].id
    _print_audit(do_audit(loaded.graph, case))


def _print_audit(a) -> None:
    from graph.report import VERDICT_LABELS

    table = Table(title=f"audit {a.case}: {a.case_title} (conduct {a.period[0]} – {a.period[1]})")
    for col in ("action", "target", "post at conduct", "verdict", "degree"):
        table.add_column(col)
    for v in a.verdicts:
        table.add_row(v.action, v.target_person_name or v.target_body_name, v.target_post_name,
                      VERDICT_LABELS[v.verdict], v.degree or "")
    out.print(table)
    for v in a.verdicts:
        out.print(f"\n{v.action} {v.target_person_name or v.target_body_name} → {v.verdict}: {v.reason}", markup=False, highlight=False)
        for e in v.evidence:
            cite = " ".join(x for x in (e.citation, f"[{e.dates}]" if e.dates else "", e.origin) if x)
            out.print(f"    {e.kind}: {e.summary} — {cite}", markup=False, highlight=False)
    if a.omitted:
        out.print("\nomitted parties (a duty path during the conduct period, not targeted):")
        for o in a.omitted:
            later = f"; later {'、'.join(o.later_posts)}" if o.later_posts else ""
            out.print(f"    {o.person_name} — {o.post_name} ({o.role}, held {o.tenure}{later})", markup=False, highlight=False)
    out.print("\nfindings:")
    for f in a.findings:
        out.print(f"    {'⚑' if f.flag else '·'} {f.kind}: {f.message}", markup=False, highlight=False)


def _emit(text: str, output: Optional[Path]) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        from graph.api import write_atomic

        write_atomic(output, text)
        err.print(f"wrote {output}")


@app.command()
def trace(
    bundle: Path = BUNDLE_ARG,
    incident: str = typer.Argument(..., help="Incident id."),
    format: str = typer.Option("md", "--format", "-f", help="md or json."),
    output: Optional[Path] = typer.Option(None, "--output", "-o"),
    compact: bool = COMPACT_OPT,
    shacl: bool = SHACL_OPT,
) -> None:
    """The responsibility map of an incident: duties, holders at the conduct date, 分工, chain upward.

    Example: quanze trace examples/demo inc_coal
    """
    from graph.report import trace_json, trace_markdown
    from graph.verdict import trace as do_trace

    g = _graph(bundle, compact, shacl)
    try:
        t = do_trace(g, incident)
    except KeyError as exc:
        _fail(str(exc.args[0]), 2)
    _emit(trace_json(t) + "\n" if format == "json" else trace_markdown(t), output)


@app.command()
def audit(
    bundle: Path = BUNDLE_ARG,
    case: str = typer.Argument(..., help="Accountability case id."),
    format: str = typer.Option("table", "--format", "-f", help="table, json, md or html."),
    output: Optional[Path] = typer.Option(None, "--output", "-o"),
    grassroots_threshold: float = typer.Option(0.5, help="Flag when the grassroots share of targets exceeds this."),
    compact: bool = COMPACT_OPT,
    shacl: bool = SHACL_OPT,
) -> None:
    """Check every proposed target of a case and report omitted parties and other findings.

    Example: quanze audit examples/demo case_coal --format md -o report.md
    """
    from graph.report import audit_html, audit_json, audit_markdown
    from graph.verdict import audit as do_audit

    g = _graph(bundle, compact, shacl)
    try:
        a = do_audit(g, case, grassroots_threshold=grassroots_threshold)
    except KeyError as exc:
        _fail(str(exc.args[0]), 2)
    if format == "table":
        _print_audit(a)
    elif format in ("json", "md", "html"):
        text = {"json": lambda: audit_json(a) + "\n", "md": lambda: audit_markdown(a), "html": lambda: audit_html(a)}[format]()
        _emit(text, output)
    else:
        _fail(f"unknown format {format!r}: table, json, md or html", 2)


@app.command()
def review(bundle: Path = BUNDLE_ARG, spread: int = typer.Option(3, help="Severity levels apart that count as inconsistent.")) -> None:
    """Cross-case review: the same failure punished very differently across cases.

    Example: quanze review examples/case9_uneven_scale
    """
    from graph.report import review_markdown
    from graph.verdict import review as do_review

    loaded = _open(bundle)
    sys.stdout.write(review_markdown(do_review(loaded.graph, spread=spread)))


@app.command()
def schema() -> None:
    """Print the bundle sections and fields, as derived from the ontology.

    Example: quanze schema
    """
    from ontology.model import model as m

    table = Table(title="bundle sections (from ontology/quanze.ttl + shapes.ttl)")
    for col in ("section", "label", "field", "type", "required", "many"):
        table.add_column(col)
    for c in m.classes.values():
        for f in c.fields.values():
            typ = f.datatype if f.kind == "literal" else (f"→ {f.target} [{f.rel_type}]" if f.kind == "ref" else f"{f.target}: {', '.join(m.concepts[f.target])}")
            table.add_row(c.section, c.name, f.key, typ, "yes" if f.required else "", "yes" if f.multiple else "")
    out.print(table)


@app.command()
def ingest(
    files: list[Path] = typer.Argument(..., help="三定 / 分工 / 权责清单 documents: .txt, .docx, .xlsx, .csv."),
    kind: str = typer.Option("auto", "--kind", "-k", help="sanding, fengong, quanze (power or duty list) or auto."),
    body: str = typer.Option(..., "--body", "-b", help="Id of the body the documents are about."),
    taxonomy: Optional[Path] = typer.Option(None, help="Bundle whose matters (and bodies) to classify against."),
    output: Path = typer.Option(..., "--output", "-o", help="Bundle part to write for review (YAML)."),
) -> None:
    """Turn real mandate documents into reviewable bundle records, with a report of what was extracted.

    Example: quanze ingest ../shared/corpus/A07_anyi_xian_ziranziyuanju_sanding.txt --kind sanding --body anyi_nr -o part.yaml
    """
    from loaders.ingest import ingest as do_ingest, write_bundle_part

    missing = [str(f) for f in files if not f.exists()]
    if missing:
        _fail(f"file not found: {', '.join(missing)}", 2)
    try:
        result = do_ingest(files, kind, body, taxonomy)
    except ValueError as exc:
        _fail(str(exc), 2)
    err.print(result.report_text(), markup=False, highlight=False)
    write_bundle_part(result, output)
    out.print(f"wrote {output}: " + ", ".join(f"{k} {v}" for k, v in result.counts().items()))


@neo4j_app.command("serve")
def neo4j_serve(
    port: int = typer.Option(7687, help="Bolt port on 127.0.0.1 (0 picks a free one)."),
    data: Optional[Path] = typer.Option(None, help="Keep databases in DATA/data across runs (default: temporary)."),
    profile: Optional[str] = typer.Option(None, help="test (small, fast start; the default) or load (2 GB page cache, full JIT: for large bundles)."),
) -> None:
    """Run a local Neo4j 5.26 (Maven's neo4j-harness on Java 17; no Docker) until Ctrl-C.

    Example: quanze neo4j serve --port 7687 --data ~/quanze-neo4j --profile load
    """
    from graph.neo4j_launcher import Neo4jLauncherError, serve

    try:
        serve(port=port, data_dir=data, profile=profile)
    except Neo4jLauncherError as exc:
        _fail(f"could not start Neo4j: {exc}", 1)


@app.command()
def explore(
    bundle: Optional[Path] = typer.Argument(None, help="Bundle to open at start (optional; pick or upload one in the app)."),
    port: int = typer.Option(8501, help="Port on 127.0.0.1."),
    host: str = typer.Option("127.0.0.1", help="Address to bind (keep it on loopback unless you mean to share it)."),
) -> None:
    """Start the Streamlit explorer (trace network, audit report, body browser) and print its URL.

    Example: quanze explore examples/demo --port 8501
    """
    from explorer.launch import explore as do_explore

    do_explore(bundle, port=port, host=host)


URI_OPT = typer.Option(None, "--uri", help="Bolt URI (default $NEO4J_URI, else bolt://127.0.0.1:7687).")
USER_OPT = typer.Option(None, "--user", help="User (default $NEO4J_USER; none = no authentication).")
PASSWORD_OPT = typer.Option(None, "--password", help="Password (default $NEO4J_PASSWORD).")


def _neo4j_errors():
    """Errors from a Neo4j server, shown as one line instead of a traceback."""
    from neo4j.exceptions import Neo4jError, ServiceUnavailable, AuthError

    return (Neo4jError, ServiceUnavailable, AuthError, OSError)


@neo4j_app.command("push")
def neo4j_push(
    bundle: Path = BUNDLE_ARG,
    uri: Optional[str] = URI_OPT,
    user: Optional[str] = USER_OPT,
    password: Optional[str] = PASSWORD_OPT,
    batch_size: Optional[int] = typer.Option(None, help="Rows per UNWIND batch (one transaction each); default 20,000 for a first load (create), 10,000 for an update (merge)."),
    prune: bool = typer.Option(False, help="Also delete nodes the bundle no longer holds."),
    warm: bool = typer.Option(True, help="Then plan every library query and run each on ids from the bundle, so the first questions asked are not the slow ones."),
) -> None:
    """Validate a bundle, then write it to Neo4j with batched UNWIND (CREATE into an empty database, else idempotent MERGE).

    Example: quanze neo4j push examples/demo --uri bolt://127.0.0.1:7687
    """
    from rich.progress import Progress

    from graph.stores import push_bundle
    from queries.registry import QueryError

    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("pushing", total=None)

        def progress(stage: str, done: int, total: int) -> None:
            bar.update(task, description=f"pushing {stage}", completed=done, total=total)

        try:
            report = push_bundle(bundle, uri, user, password, batch_size=batch_size, progress=progress, prune=prune,
                                 warm=warm)
        except BundleError as exc:
            _fail(f"{bundle}: {len(exc.problems)} problem(s); nothing was written\n{exc}", 2)
        except _neo4j_errors() as exc:
            _fail(f"Neo4j: {exc}", 1)
        except QueryError as exc:  # the push landed; warming the library after it failed
            _fail(f"pushed, but warming the query library failed: {exc}", 1)
    out.print(f"pushed {report.nodes} nodes and {report.edges} relationships in {report.seconds:.2f}s "
              f"({report.rows_per_second:,.0f} rows/s)")
    if report.warmed is not None:
        out.print(str(report.warmed))


@neo4j_app.command("warm")
def neo4j_warm(
    bundle: Optional[Path] = typer.Option(None, "--bundle", "-b", help="Bundle the database was loaded from: its ids are asked about (without it, the queries are only planned)."),
    uri: Optional[str] = URI_OPT,
    user: Optional[str] = USER_OPT,
    password: Optional[str] = PASSWORD_OPT,
    per_query: Optional[int] = typer.Option(None, "--per-query", min=0, help="Calls per query asking about one record (default: queries.registry.WARM_CALLS, 60)."),
) -> None:
    """Warm a server that already holds the data (e.g. after a restart): plan every library query, then run the per-record ones on ids from the bundle.

    Example: quanze neo4j warm --bundle examples/demo
    """
    from graph.stores import warm_server
    from queries.registry import QueryError

    try:
        report = warm_server(uri, user, password, bundle=bundle, per_query=per_query)
    except BundleError as exc:
        _fail(f"{bundle}: {len(exc.problems)} problem(s); nothing was asked\n{exc}", 2)
    except _neo4j_errors() as exc:
        _fail(f"Neo4j: {exc}", 1)
    except QueryError as exc:
        _fail(str(exc), 1)
    out.print(str(report))


@neo4j_app.command("pull")
def neo4j_pull(
    output: Path = typer.Option(..., "--output", "-o", help="File to write: .graphml, .ttl or .jsonld."),
    uri: Optional[str] = URI_OPT,
    user: Optional[str] = USER_OPT,
    password: Optional[str] = PASSWORD_OPT,
) -> None:
    """Read the whole graph back from Neo4j and write it (push → pull is lossless).

    Example: quanze neo4j pull -o demo.graphml
    """
    from graph.stores import pull_graph

    try:
        g = pull_graph(uri, user, password, out=output)
    except ValueError as exc:
        _fail(str(exc), 2)
    except _neo4j_errors() as exc:
        _fail(f"Neo4j: {exc}", 1)
    out.print(f"wrote {output}: {g.number_of_nodes()} nodes, {g.number_of_edges()} relationships")


STORE_OPT = typer.Option("embedded", "--store", "-s", help="embedded (LadybugDB, needs --bundle) or neo4j.")
STORE_BUNDLE_OPT = typer.Option(None, "--bundle", "-b", help="Bundle to load into the embedded store first.")


def _store(store: str, bundle: Optional[Path], uri, user, password):
    from graph.stores import open_store

    if store == "embedded" and bundle is None:
        _fail("the embedded store starts empty: give --bundle BUNDLE (or use --store neo4j)", 2)
    try:
        return open_store(store, uri, user, password, bundle=bundle)
    except BundleError as exc:
        _fail(f"{bundle}: {len(exc.problems)} problem(s); nothing was loaded\n{exc}", 2)
    except ValueError as exc:
        _fail(str(exc), 2)
    except _neo4j_errors() as exc:
        _fail(f"Neo4j: {exc}", 1)


def _print_rows(rows: list[dict], fmt: str) -> None:
    import json

    if fmt == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2, default=str) + "\n")
        return
    table = Table(show_lines=False)
    cols = list(rows[0]) if rows else []
    for c in cols:
        table.add_column(c)
    for r in rows:
        table.add_row(*(json.dumps(v, ensure_ascii=False, default=str) if isinstance(v, (list, dict)) else ("" if v is None else str(v)) for v in r.values()))
    out.print(table)
    out.print(f"{len(rows)} row(s)")


@app.command()
def query(
    name: Optional[str] = typer.Argument(None, help="Library query name (omit with --list)."),
    param: list[str] = typer.Option([], "--param", "-p", help="name=value, repeatable."),
    list_: bool = typer.Option(False, "--list", help="List the library queries and their parameters."),
    store: str = STORE_OPT,
    bundle: Optional[Path] = STORE_BUNDLE_OPT,
    uri: Optional[str] = URI_OPT,
    user: Optional[str] = USER_OPT,
    password: Optional[str] = PASSWORD_OPT,
    format: str = typer.Option("table", "--format", "-f", help="table or json."),
) -> None:
    """Run a query of the Cypher library (queries/*.cypher) with typed $parameters.

    Example: quanze query jurisdiction_path -p incident=inc_coal -p party=li_jianguo --bundle examples/demo
    """
    from graph.stores import parse_param_pairs, run_named
    from queries.registry import QueryError, get, list_queries

    if list_ or name is None:
        t = Table(title="query library (queries/*.cypher)")
        for col in ("name", "purpose", "parameters", "engines"):
            t.add_column(col)
        for q in list_queries():
            t.add_row(q.name, q.purpose.split(". ")[0].rstrip("."), ", ".join(f"${p.name} ({p.type})" for p in q.params), ", ".join(q.engines))
        out.print(t)
        return
    try:
        get(name)
        params = parse_param_pairs(param)
    except (QueryError, ValueError) as exc:
        _fail(str(exc), 2)
    s = _store(store, bundle, uri, user, password)
    try:
        rows = run_named(name, params, s)
    except QueryError as exc:
        _fail(str(exc), 2)
    except _neo4j_errors() as exc:
        _fail(f"Neo4j: {exc}", 1)
    finally:
        s.close()
    _print_rows(rows, format)


@app.command()
def cypher(
    text: str = typer.Argument(..., help="A Cypher statement; read-only unless --write."),
    write: bool = typer.Option(False, "--write", help="Allow writing clauses (CREATE, MERGE, SET, DELETE …)."),
    param: list[str] = typer.Option([], "--param", "-p", help="name=value, repeatable (strings)."),
    store: str = STORE_OPT,
    bundle: Optional[Path] = STORE_BUNDLE_OPT,
    uri: Optional[str] = URI_OPT,
    user: Optional[str] = USER_OPT,
    password: Optional[str] = PASSWORD_OPT,
    format: str = typer.Option("table", "--format", "-f", help="table or json."),
) -> None:
    """Run ad-hoc Cypher, read-only by default (write clauses are refused; reads use read transactions).

    Example: quanze cypher "MATCH (p:Person)<-[:HELD_BY]-(t:Tenure) RETURN p.name, t.start LIMIT 5" --bundle examples/demo
    """
    from graph.stores import WriteRefused, parse_param_pairs, refuse_writes, run_adhoc

    try:
        params = parse_param_pairs(param)
        refuse_writes(text, write=write)
    except WriteRefused as exc:
        _fail(f"refused: {exc}", 2)
    except ValueError as exc:
        _fail(str(exc), 2)
    s = _store(store, bundle, uri, user, password)
    try:
        rows = run_adhoc(text, s, params, write=write)
    except WriteRefused as exc:
        _fail(f"refused: {exc}", 2)
    except _neo4j_errors() as exc:
        _fail(f"Cypher error: {exc}", 1)
    except RuntimeError as exc:  # the embedded engine reports its errors as RuntimeError
        _fail(f"Cypher error: {exc}", 1)
    finally:
        s.close()
    _print_rows(rows, format)


@app.command()
def synth(
    scale: str = typer.Option("county", "--scale", help="county, city, province or nation."),
    output: Path = typer.Option(..., "--output", "-o", help="Folder to write the bundle into."),
    seed: int = typer.Option(0, help="Random seed (same seed and scale: identical files)."),
) -> None:
    """Write a seeded synthetic bundle of realistic shape (CSV tables), for scale tests and benchmarks.

    Example: quanze synth --scale province -o /tmp/province
    """
    from loaders.synth import SCALES, synthesize

    if scale not in SCALES:
        _fail(f"unknown scale {scale!r}: one of {', '.join(SCALES)}", 2)
    path = synthesize(scale, output, seed=seed)
    out.print(f"wrote {path}")


@app.command()
def bench(
    scale: list[str] = typer.Option(["county"], "--scale", help="county, city, province, nation (repeatable)."),
    store: list[str] = typer.Option(["networkx"], "--store", help="networkx, compact, ladybug or neo4j (repeatable)."),
    incidents: int = typer.Option(200, help="Random incidents timed per query kind."),
    budget: float = typer.Option(120.0, help="Seconds of timed calls per query kind; a slower kind reports how many calls it timed."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Also write the figures as JSON."),
) -> None:
    """Benchmark load time, memory and query latency per scale and store (figures, not a test).

    Example: quanze bench --scale county --scale province --store networkx -o bench.json
    """
    from benchmarks.bench import format_table, run_bench

    result = run_bench(scale, store, incidents=incidents, out_json=output, budget_s=budget)
    sys.stdout.write(format_table(result) + "\n")


def main() -> None:
    """Entry point of the console script."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
