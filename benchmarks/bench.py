"""Load and query benchmarks on synthetic bundles, per scale and per store: run, tabulate, write JSON.

Each (scale, store) runs in its own child process so that its peak memory (``ru_maxrss``) is its
own and a scale that does not fit cannot take the parent down. Usage::

    python -m benchmarks.bench --scale county --store networkx -o bench.json
    python -m benchmarks.bench --scale county,province --store networkx,ladybug,neo4j --incidents 200
    python -m benchmarks.bench --scale nation --store compact
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

__all__ = ["STORES", "QUERIES", "REPORTS", "TARGETS", "run_bench", "format_table", "main"]

ROOT = Path(__file__).resolve().parent.parent
STORES = ("networkx", "compact", "ladybug", "neo4j")
_ALIASES = {"embedded": "ladybug", "nx": "networkx", "cypher": "ladybug"}
QUERIES = ("trace", "trace_warm", "audit40", "jurisdiction", "chain_of_authority")
REPORTS = ("duty_gaps", "duty_overlaps")  # whole-graph library queries, timed once per Cypher store
DEFAULT_DATA = ROOT / "artifacts" / "bench-data"

# (scale, store, measure, limit, unit, description) — the targets of issue 7 on this 2-core machine.
TARGETS: list[tuple[str, str, str, float, str, str]] = [
    ("province", "networkx", "load.total_s", 15.0, "s", "province loads embedded in < 15 s"),
    ("nation", "compact", "load.total_s", 120.0, "s", "nation loads embedded (compact graph) in < 2 min"),
    ("nation", "compact", "memory.peak_rss_mb", 4096.0, "MB", "nation embedded (compact graph) in < 4 GB"),
    ("province", "neo4j", "load.push_rows_per_s", -50_000.0, "rows/s", "Neo4j load >= 50k rows/s (batched UNWIND)"),
    ("province", "networkx", "latency_ms.trace.p95", 5.0, "ms", "trace p95 < 5 ms embedded (province, first pass)"),
    ("province", "networkx", "latency_ms.trace_warm.p95", 5.0, "ms", "trace p95 < 5 ms embedded (province, warm)"),
    ("province", "neo4j", "latency_ms.trace.p95", 20.0, "ms", "trace p95 < 20 ms on Neo4j (province, first pass)"),
    ("province", "neo4j", "latency_ms.trace_warm.p95", 20.0, "ms", "trace p95 < 20 ms on Neo4j (province, warm)"),
    ("province", "networkx", "latency_ms.audit40.p95", 200.0, "ms", "audit of a 40-target case < 200 ms"),
]


# ---------------------------------------------------------------------------- helpers
def _rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _current_rss_mb() -> float:
    try:
        with open("/proc/self/statm") as h:
            return int(h.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return _rss_mb()


def _summary(samples: list[float]) -> dict[str, float]:
    """Median, p95 and max of latencies given in seconds, reported in milliseconds."""
    if not samples:
        return {"n": 0}
    xs = sorted(samples)
    out = {"n": len(xs), "median": round(statistics.median(xs) * 1000, 3), "p95": round(_p95(xs) * 1000, 3),
           "max": round(xs[-1] * 1000, 3), "mean": round(statistics.fmean(xs) * 1000, 3)}
    if len(samples) >= 50:  # the p95 of each fifth of the calls, in call order: shows a warm-up
        k = len(samples) // 5
        out["p95_by_fifth"] = [round(_p95(sorted(samples[i * k:(i + 1) * k])) * 1000, 3) for i in range(5)]
    return out


def _p95(xs: list[float]) -> float:
    """The 95th percentile of sorted values (nearest rank)."""
    return xs[min(len(xs) - 1, max(0, int(round(0.95 * len(xs))) - 1))]


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def _ensure_bundle(scale: str, data_dir: Path, seed: int) -> tuple[Path, dict[str, Any]]:
    """The synthetic bundle of a scale, generated once per (scale, seed, generator version)."""
    from loaders.synth import GENERATOR_VERSION, synthesize

    folder = data_dir / f"{scale}-seed{seed}"
    stamp = folder / "synth.json"
    if stamp.exists():
        info = json.loads(stamp.read_text(encoding="utf-8"))
        if info.get("generator") == GENERATOR_VERSION and info.get("seed") == seed and info.get("scale") == scale:
            return folder, {"seconds": None, "cached": True, "rows": info["rows"], "total_rows": sum(info["rows"].values()), "dir": str(folder)}
    _, seconds = _timed(lambda: synthesize(scale, folder, seed=seed))
    info = json.loads(stamp.read_text(encoding="utf-8"))
    return folder, {"seconds": round(seconds, 2), "cached": False, "rows": info["rows"], "total_rows": sum(info["rows"].values()), "dir": str(folder)}


# ---------------------------------------------------------------------------- workload
class _Workload:
    """What every store is asked, drawn once from the data so all stores answer the same questions.

    Per sampled incident: trace it; jurisdiction of the principal post of the first failing body;
    chain of authority above that body. Every case with 40 or more targets is audited repeatedly.
    Built from the records (:meth:`from_bundle`, for the Cypher stores) or from a graph index
    (:meth:`from_index`, for the embedded graphs); both draw the same sample from the same bundle.
    """

    def __init__(self, incident_ids: list[str], failures: Any, posts_of: Callable[[str], list[str]],
                 principal: Callable[[str], bool], unit_of: Callable[[str], str | None], action_cases: Any,
                 incidents: int, seed: int):
        rng = random.Random(seed)
        self.incidents = rng.sample(incident_ids, min(incidents, len(incident_ids)))
        failing: dict[str, str] = {}
        for inc, body in failures:
            failing.setdefault(inc, body)
        self.parties: list[tuple[str, str]] = []
        self.chains: list[str] = []
        for inc in self.incidents:
            body = failing.get(inc)
            if body is None:
                continue
            self.chains.append(body)
            top = unit_of(body) or body
            principal_post = next((p for p in sorted(posts_of(top)) if principal(p)), None)
            self.parties.append((inc, principal_post or body))
        size: dict[str, int] = {}
        for case in action_cases:
            size[case] = size.get(case, 0) + 1
        self.big_cases = sorted(c for c, n in size.items() if n >= 40)
        rounds = max(1, -(-incidents // max(1, len(self.big_cases))))
        self.audits = [c for _ in range(rounds) for c in self.big_cases][: max(incidents, len(self.big_cases))]

    @classmethod
    def from_bundle(cls, bundle: Any, incidents: int, seed: int) -> "_Workload":
        recs = bundle.records
        posts: dict[str, list[str]] = {}
        for p in bundle.of("Post"):
            posts.setdefault(p.values["post_in"], []).append(p.id)
        return cls(
            [r.id for r in bundle.of("Incident")],
            ((f.values["incident"], f.values["by_body"]) for f in bundle.of("Failure")),
            lambda body: posts.get(body, []),
            lambda p: bool(recs[p].values.get("principal")),
            lambda body: recs[body].values.get("unit_of"),
            (a.values["in_case"] for a in bundle.of("AccountabilityAction")),
            incidents, seed,
        )

    @classmethod
    def from_index(cls, idx: Any, incidents: int, seed: int) -> "_Workload":
        """The same sample from a :class:`graph.index.GraphIndex` (networkx or compact graph): only the
        incidents, failures, actions and the posts of the sampled bodies are looked at."""
        from ontology.model import model as m

        rel = {k: m.classes[c].fields[k].rel_type for c, k in
               (("Failure", "incident"), ("Failure", "by_body"), ("OrganizationalUnit", "unit_of"), ("AccountabilityAction", "in_case"))}
        return cls(
            list(idx.by_label.get("Incident", ())),
            ((idx.one(f, rel["incident"]), idx.one(f, rel["by_body"])) for f in idx.by_label.get("Failure", ())),
            idx.posts_of,
            lambda p: bool(idx.attr(p, "principal")),
            lambda body: idx.one(body, rel["unit_of"]),
            (idx.one(a, rel["in_case"]) for a in idx.by_label.get("AccountabilityAction", ())),
            incidents, seed,
        )


def _measure(ops: dict[str, tuple[Callable[[Any], Any], list[Any]]], budget_s: float) -> tuple[dict[str, Any], dict[str, float]]:
    """Latency summaries per operation, plus the first call of each (lazy tables are built then).

    An operation stops early once it has used ``budget_s`` seconds (a slow engine would otherwise
    keep a run going for hours); its summary then says how many calls were timed (``n``).
    """
    latency, first = {}, {}
    for name, (fn, args) in ops.items():
        samples: list[float] = []
        spent = 0.0
        for i, arg in enumerate(args):
            _, s = _timed(lambda: fn(arg))
            if i == 0:
                first[name] = round(s * 1000, 3)
            samples.append(s)
            spent += s
            if spent > budget_s:
                break
        latency[name] = _summary(samples)
        latency[name]["requested"] = len(args)
    # Traces again over the same incidents: the first pass pays for filling lazily built tables (the
    # embedded index's per-node adjacency, Neo4j's page cache and plan cache); this is the steady state.
    fn, args = ops["trace"]
    samples, spent = [], 0.0
    for arg in args:
        _, s = _timed(lambda: fn(arg))
        samples.append(s)
        spent += s
        if spent > budget_s:
            break
    latency["trace_warm"] = _summary(samples)
    latency["trace_warm"]["requested"] = len(args)
    return latency, first


# ---------------------------------------------------------------------------- one child run
def _verdict_ops(g: Any, work: _Workload) -> dict[str, tuple[Callable[[Any], Any], list[Any]]]:
    """The verdict engine's calls, on a networkx or a compact graph."""
    from graph.verdict import audit, chain_of_authority, jurisdiction, trace

    return {
        "trace": (lambda i: trace(g, i), work.incidents),
        "audit40": (lambda c: audit(g, c), work.audits),
        "jurisdiction": (lambda ip: jurisdiction(g, ip[0], ip[1]), work.parties),
        "chain_of_authority": (lambda b: chain_of_authority(g, b), work.chains),
    }


def _verdict_run(g: Any, work: _Workload, rows: int, phases: dict[str, float], baseline: float, load_cpu: float,
                 budget_s: float, *, top: dict[str, Any] | None = None, load: dict[str, Any] | None = None,
                 memory: dict[str, Any] | None = None) -> dict[str, Any]:
    """Time the verdict engine's calls on a loaded graph (networkx or compact) and report the run;
    ``top``, ``load`` and ``memory`` add store-specific entries.

    The graph lives as long as the process: it is moved out of the collector's generations first, as a
    long-running service would, so no full collection walks ten million objects mid-query.
    """
    gc.collect()
    gc.freeze()
    loaded_rss = _current_rss_mb()
    latency, first = _measure(_verdict_ops(g, work), budget_s)
    total = sum(phases.values())
    return {
        "status": "ok",
        "rows": rows,
        **(top or {}),
        "load": {**{k: round(v, 3) for k, v in phases.items()}, "total_s": round(total, 3), "cpu_s": round(load_cpu, 3),
                 "rows_per_s": round(rows / total, 1), **(load or {})},
        "memory": {"baseline_rss_mb": round(baseline, 1), "loaded_rss_mb": round(loaded_rss, 1),
                   "peak_rss_mb": round(_rss_mb(), 1), **(memory or {})},
        "latency_ms": latency,
        "first_call_ms": first,
        "big_cases": len(work.big_cases),
    }


def _child_compact(bundle_dir: Path, incidents: int, seed: int, budget_s: float) -> dict[str, Any]:
    """The compact columnar graph (:mod:`graph.compact`): read + validate + build, then the same calls."""
    from graph.compact import load_compact
    from graph.index import index_for
    from loaders import columnar

    baseline = _current_rss_mb()
    cpu0 = time.process_time()
    g, read_s = _timed(lambda: load_compact(bundle_dir))
    idx, index_s = _timed(lambda: index_for(g))
    load_cpu = time.process_time() - cpu0
    work = _Workload.from_index(idx, incidents, seed)
    return _verdict_run(g, work, len(g), {"read_s": read_s, "index_s": index_s}, baseline, load_cpu, budget_s,
                        load={"phases_s": {k: round(v, 3) for k, v in columnar.TIMINGS.items()}},
                        memory={"graph_bytes": int(g.memory_bytes())})


def _child_networkx(bundle_dir: Path, incidents: int, seed: int, budget_s: float) -> dict[str, Any]:
    """The embedded networkx graph as ``open_graph(dir, shacl=False, prime=True)`` loads it: the columnar
    reader's checks, the graph built from its columns, then the index's tables and the clause, body,
    post and 分工 facts built before the first question (``prime``)."""
    from graph.build import build_graph_from_columns
    from graph.index import index_for
    from graph.verdict import prime
    from loaders.columnar import load_columnar

    baseline = _current_rss_mb()
    cpu0 = time.process_time()
    columns, read_s = _timed(lambda: load_columnar(bundle_dir))
    g, build_s = _timed(lambda: build_graph_from_columns(columns))
    del columns
    idx, index_s = _timed(lambda: index_for(g))
    _, prime_s = _timed(lambda: prime(g))
    load_cpu = time.process_time() - cpu0
    work = _Workload.from_index(idx, incidents, seed)
    return _verdict_run(g, work, g.number_of_nodes(), {"read_s": read_s, "build_s": build_s, "index_s": index_s, "prime_s": prime_s},
                        baseline, load_cpu, budget_s, top={"edges": g.number_of_edges()})


def _child_cypher(store_name: str, bundle_dir: Path, incidents: int, seed: int, budget_s: float) -> dict[str, Any]:
    from graph.stores import prepare
    from loaders.bundle import load_bundle
    from queries.registry import run as run_query, warm, warm_samples

    baseline = _current_rss_mb()
    server = None
    try:
        if store_name == "neo4j":
            from graph.neo4j_launcher import Neo4jServer
            from graph.neo4j_store import Neo4jStore

            uri = os.environ.get("QUANZE_NEO4J_URI", "").strip()
            if not uri:
                # the load profile (2 GB page cache, full JIT), not the tests' fast-start one
                server = Neo4jServer(profile=os.environ.get("QUANZE_NEO4J_PROFILE") or "load")
                uri = server.start()
            store = Neo4jStore(uri)
            store.clear()
        else:
            from graph.embedded_store import EmbeddedStore

            store = EmbeddedStore()
        bundle, read_s = _timed(lambda: load_bundle(bundle_dir, shacl=False))
        data, prepare_s = _timed(lambda: prepare(bundle))
        work = _Workload.from_bundle(bundle, incidents, seed)
        store.ensure_schema()
        report, push_s = _timed(lambda: store.push(data))
        push_rows = report.nodes + report.edges
        warm_s = None
        if store_name == "neo4j":
            # as `quanze neo4j push` does: plan the library and run it on ids the workload does not ask
            # about, so the timed first pass is each incident's first trace, not the server's
            asked = set(work.incidents) | set(work.audits) | {p for _, p in work.parties} | set(work.chains)
            _, warm_s = _timed(lambda: warm(store, warm_samples(bundle, exclude=asked, seed=seed)))
        # the whole-graph reports ask about one day: the middle of the incidents' conduct dates
        days = sorted(str(r.values["conduct_date"]) for r in bundle.of("Incident") if r.values.get("conduct_date"))
        report_day = days[len(days) // 2] if days else None
        # a query client holds none of the records it pushed: drop them (the workload keeps ids only)
        rows = len(bundle)
        del data, bundle
        gc.collect()
        gc.freeze()  # as in the embedded children: the loaded records are not garbage to walk per query
        loaded_rss = _current_rss_mb()

        def q(name: str, **params: Any) -> list[dict[str, Any]]:
            return run_query(name, params, store)

        def audit_case(case: str) -> None:
            # the case-level checks the verdict engine makes, as the library queries express them
            q("no_duty_targets", case_id=case)
            q("omitted_parties", case_id=case)
            q("grassroots_share", case_id=case)

        ops = {
            "trace": (lambda i: q("responsibility_map", incident=i), work.incidents),
            "audit40": (audit_case, work.audits),
            "jurisdiction": (lambda ip: q("jurisdiction_path", incident=ip[0], party=ip[1]), work.parties),
            "chain_of_authority": (lambda b: q("chain_of_authority", start=b), work.chains),
        }
        server_ms: list[float] = []
        if store_name == "neo4j":  # the server's own share of each trace (the rest is network and driver)
            def traced(i: str) -> None:
                q("responsibility_map", incident=i)
                server_ms.append(store.last_server_ms / 1000)

            ops["trace"] = (traced, work.incidents)
        latency, first = _measure(ops, budget_s)
        if server_ms:
            n = latency["trace"]["n"]  # the first pass, then the warm one
            latency["trace_server"] = _summary(server_ms[:n])
            latency["trace_warm_server"] = _summary(server_ms[n:])
        reports: dict[str, Any] = {}
        if report_day is not None:  # one call each: a whole-graph report is asked once, not per incident
            for name in REPORTS:
                got, s = _timed(lambda: q(name, date=report_day))
                reports[name] = {"ms": round(s * 1000, 1), "rows": len(got), "date": report_day}
        memory = {"baseline_rss_mb": round(baseline, 1), "loaded_rss_mb": round(loaded_rss, 1), "peak_rss_mb": round(_rss_mb(), 1)}
        if server is not None and server.process is not None:
            memory["server_peak_rss_mb"] = _proc_peak_mb(server.process.pid)
        store.close()
        total = read_s + prepare_s + push_s
        return {
            "status": "ok",
            "rows": rows,
            "edges": report.edges,
            "load": {"read_s": round(read_s, 3), "prepare_s": round(prepare_s, 3), "push_s": round(push_s, 3),
                     "total_s": round(total, 3), "rows_per_s": round(rows / total, 1),
                     "push_rows": push_rows, "push_rows_per_s": round(push_rows / push_s, 1),
                     **({"warm_s": round(warm_s, 3)} if warm_s is not None else {})},
            "memory": memory,
            "latency_ms": latency,
            "first_call_ms": first,
            "reports_ms": reports,
            "big_cases": len(work.big_cases),
        }
    finally:
        if server is not None:
            server.stop()


def _proc_peak_mb(pid: int) -> float | None:
    """VmHWM (peak resident size) of another process, e.g. the Neo4j JVM and its children."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def _child(args: argparse.Namespace) -> None:
    bundle_dir, store = Path(args.bundle), args.store[0]
    try:
        if store == "networkx":
            out = _child_networkx(bundle_dir, args.incidents, args.seed, args.budget)
        elif store == "compact":
            out = _child_compact(bundle_dir, args.incidents, args.seed, args.budget)
        else:
            out = _child_cypher(store, bundle_dir, args.incidents, args.seed, args.budget)
    except MemoryError:
        out = {"status": "failed", "error": "MemoryError", "peak_rss_mb": round(_rss_mb(), 1)}
    except Exception as exc:  # reported in the table, not raised: other stores still run
        out = {"status": "failed", "error": f"{type(exc).__name__}: {exc}"[:2000], "peak_rss_mb": round(_rss_mb(), 1)}
    sys.stdout.write("\n@@RESULT@@" + json.dumps(out) + "\n")
    sys.stdout.flush()


def _run_child(scale: str, store: str, bundle_dir: Path, incidents: int, seed: int, memory_limit_gb: float | None,
               timeout: float, budget_s: float) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "benchmarks.bench", "--child", "--store", store, "--bundle", str(bundle_dir),
           "--incidents", str(incidents), "--seed", str(seed), "--scale", scale, "--budget", str(budget_s)]
    # only the Python graphs are capped: LadybugDB maps a large buffer pool and the JVM reserves address
    # space far beyond what either uses, so an address-space cap would break them, not measure them
    limit = int(memory_limit_gb * 2**30) if memory_limit_gb and store in ("networkx", "compact") else None

    def cap() -> None:  # a scale that does not fit fails with MemoryError instead of starving the machine
        if limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    try:
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, preexec_fn=cap)
    except subprocess.TimeoutExpired:
        return {"status": "failed", "error": f"timed out after {timeout:.0f} s"}
    marker = proc.stdout.rfind("@@RESULT@@")
    if marker < 0:
        tail = (proc.stderr or proc.stdout)[-1500:]
        return {"status": "failed", "error": f"exit {proc.returncode}: {tail}"}
    return json.loads(proc.stdout[marker + len("@@RESULT@@"):].strip().splitlines()[0])


# ---------------------------------------------------------------------------- public API
def run_bench(
    scales: list[str],
    stores: list[str],
    incidents: int = 200,
    out_json: Path | str | None = None,
    *,
    seed: int = 0,
    data_dir: Path | str | None = None,
    memory_limit_gb: float | None = 16.0,
    timeout: float = 3600.0,
    budget_s: float = 120.0,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Benchmark every (scale, store) pair and return (and optionally write) the figures.

    Parameters
    ----------
    scales : list of str
        Synthetic scales (``county``, ``city``, ``province``, ``nation``); bundles are generated once
        into ``data_dir`` and reused while the generator version and seed match.
    stores : list of str
        ``networkx`` (the embedded graph and verdict engine), ``compact`` (the columnar embedded graph
        of :mod:`graph.compact`, same verdict engine), ``ladybug`` (embedded Cypher, alias
        ``embedded``) and ``neo4j`` (a Neo4j 5.26 server started by :mod:`graph.neo4j_launcher`,
        or ``$QUANZE_NEO4J_URI``).
    incidents : int
        How many random incidents to trace (and parties / bodies to ask about); the 40-target cases
        are audited round-robin about as many times.
    out_json : path, optional
        Where to write the result as JSON.
    seed : int
        Seed of the generator and of the sampling.
    data_dir : path, optional
        Cache of generated bundles (default ``artifacts/bench-data``).
    memory_limit_gb : float, optional
        Address-space cap of each embedded child process; None for no cap.
    timeout : float
        Seconds allowed per (scale, store) child.
    budget_s : float
        Seconds of timed calls per query kind; a slower engine stops early and reports fewer calls.

    Returns
    -------
    dict
        ``{"meta": …, "scales": {scale: {"synth": …, "stores": {store: …}}}, "targets": […]}``.
    """
    from loaders.synth import scale_spec

    for s in scales:
        scale_spec(s)  # fail early on an unknown scale
    stores = [_ALIASES.get(s, s) for s in stores]
    for s in stores:
        if s not in STORES:
            raise ValueError(f"unknown store {s!r} (known: {', '.join(STORES)})")
    data = Path(data_dir) if data_dir is not None else DEFAULT_DATA
    data.mkdir(parents=True, exist_ok=True)
    say = progress or (lambda msg: None)
    result: dict[str, Any] = {
        "meta": {
            "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "python": platform.python_version(),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
            "seed": seed,
            "incidents": incidents,
            "gc_freeze_after_load": True,
            "budget_s_per_query_kind": budget_s,
        },
        "scales": {},
    }
    for scale in scales:
        say(f"{scale}: generating or reusing the bundle")
        folder, synth = _ensure_bundle(scale, data, seed)
        entry: dict[str, Any] = {"synth": synth, "stores": {}}
        for store in stores:
            say(f"{scale}: {store}")
            entry["stores"][store] = _run_child(scale, store, folder, incidents, seed, memory_limit_gb, timeout, budget_s)
        result["scales"][scale] = entry
    result["meta"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    result["targets"] = _check_targets(result)
    if out_json is not None:
        out = Path(out_json)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return result


def _dig(d: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(d, dict) or part not in d:
            return None
        d = d[part]
    return d


def _check_targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target of the issue that this run measured: the figure and whether it was met."""
    out = []
    for scale, store, measure, limit, unit, what in TARGETS:
        got = _dig(result["scales"].get(scale, {}).get("stores", {}).get(store), measure)
        if got is None:
            continue
        met = got >= -limit if limit < 0 else got < limit
        out.append({"target": what, "scale": scale, "store": store, "measured": got, "unit": unit, "met": met})
    return out


def _ms(x: float) -> str:
    return f"{x:.2f}" if x < 1 else f"{x:.1f}" if x < 100 else f"{x:.0f}"


def format_table(result: dict[str, Any]) -> str:
    """A plain-text table of a :func:`run_bench` result: one row per scale and store, then the targets.

    Examples
    --------
    >>> print(format_table({"scales": {}, "targets": []}).splitlines()[0].split()[:3])
    ['scale', 'store', 'rows']
    """
    head = ["scale", "store", "rows", "load s", "rows/s", "peak MB", "trace ms", "trace warm", "audit40 ms", "jurisd. ms", "chain ms"]
    rows = [head]
    failures = []
    for scale, entry in result["scales"].items():
        for store, r in entry["stores"].items():
            if r.get("status") != "ok":
                rows.append([scale, store, "-", "failed", "-", f"{r.get('peak_rss_mb') or '-'}", "-", "-", "-", "-", "-"])
                failures.append(f"  {scale}/{store}: {(r.get('error') or '').strip()[:300]}")
                continue
            lat = r["latency_ms"]
            cells = [scale, store, f"{r['rows']:,}", f"{r['load']['total_s']:.1f}",
                     f"{r['load'].get('push_rows_per_s', r['load']['rows_per_s']):,.0f}",
                     f"{r['memory']['peak_rss_mb'] + (r['memory'].get('server_peak_rss_mb') or 0):,.0f}"]
            for q in QUERIES:
                s = lat.get(q, {})
                cells.append(f"{_ms(s['median'])} / {_ms(s['p95'])}" if s.get("n") else "-")
            rows.append(cells)
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = ["  ".join(c.rjust(w) if i >= 2 else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    notes = ["", "latency: median / p95 in ms (trace warm: the same incidents traced a second time); rows/s: records per",
             "second of the whole load (neo4j, ladybug: nodes+edges per second of the push); peak MB: the benchmark",
             "process (plus the Neo4j server's JVM)."]
    timed = [(scale, store, r["reports_ms"]) for scale, entry in result["scales"].items()
             for store, r in entry["stores"].items() if r.get("status") == "ok" and r.get("reports_ms")]
    if timed:
        notes += ["", "whole-graph reports (Cypher stores, one call each, on the middle conduct date):"]
        notes += [f"  {scale}/{store}: " + ", ".join(f"{name} {_ms(v['ms'])} ms ({v['rows']:,} rows)" for name, v in reps.items())
                  for scale, store, reps in timed]
    if failures:
        notes += ["", "failed:", *failures]
    if result.get("targets"):
        notes.append("")
        notes.append("targets:")
        for t in result["targets"]:
            notes.append(f"  [{'met' if t['met'] else 'MISSED'}] {t['target']}: {t['measured']:,} {t['unit']}")
    return "\n".join(lines + notes)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m benchmarks.bench --scale county --store networkx -o out.json``."""
    p = argparse.ArgumentParser(prog="python -m benchmarks.bench", description=__doc__.splitlines()[0])
    p.add_argument("--scale", action="append", default=[], help="county, city, province or nation (repeat or comma-separate)")
    p.add_argument("--store", action="append", default=[], help="networkx, compact (columnar graph), ladybug (embedded Cypher) or neo4j (repeat or comma-separate)")
    p.add_argument("--incidents", type=int, default=200, help="random incidents to query (default 200)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("-o", "--out", default=None, help="write the result as JSON here")
    p.add_argument("--data", default=None, help=f"cache of generated bundles (default {DEFAULT_DATA})")
    p.add_argument("--memory-limit-gb", type=float, default=16.0, help="address-space cap per embedded run (0: none)")
    p.add_argument("--timeout", type=float, default=3600.0, help="seconds per scale and store")
    p.add_argument("--budget", type=float, default=120.0, help="seconds of timed calls per query kind (default 120)")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--bundle", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    args.scale = [s for item in args.scale for s in item.split(",") if s] or ["county"]
    args.store = [s for item in args.store for s in item.split(",") if s] or ["networkx"]
    if args.child:
        _child(args)
        return 0
    result = run_bench(args.scale, args.store, args.incidents, args.out, seed=args.seed, data_dir=args.data,
                       memory_limit_gb=args.memory_limit_gb or None, timeout=args.timeout, budget_s=args.budget,
                       progress=lambda msg: print(f"… {msg}", file=sys.stderr, flush=True))
    print(format_table(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
