"""The benchmark code keeps working at county scale (a behaviour check, not a performance assertion)."""

from __future__ import annotations

import json

import pytest

from benchmarks.bench import QUERIES, REPORTS, format_table, run_bench


def test_county_networkx_benchmark_reports_figures(tmp_path):
    out = tmp_path / "bench.json"
    result = run_bench(["county"], ["networkx"], incidents=20, out_json=out, data_dir=tmp_path / "data")
    assert json.loads(out.read_text(encoding="utf-8")) == result
    assert {"meta", "scales", "targets"} <= set(result)
    county = result["scales"]["county"]
    assert county["synth"]["total_rows"] > 5000
    r = county["stores"]["networkx"]
    assert r["status"] == "ok", r
    assert r["rows"] > 5000 and r["edges"] > r["rows"]
    for key in ("read_s", "build_s", "index_s", "prime_s", "total_s", "rows_per_s"):
        assert r["load"][key] > 0, key
    assert r["memory"]["peak_rss_mb"] > 0
    for q in QUERIES:
        s = r["latency_ms"][q]
        assert s["n"] >= 1 and s["median"] >= 0 and s["p95"] >= s["median"] and s["max"] > 0, q
    assert r["latency_ms"]["trace"]["n"] == 20
    table = format_table(result)
    assert "county" in table and "networkx" in table
    # the bundle is generated once and reused
    again = run_bench(["county"], ["networkx"], incidents=5, data_dir=tmp_path / "data")
    assert again["scales"]["county"]["synth"]["cached"] is True


def test_county_compact_benchmark_reports_figures(tmp_path):
    result = run_bench(["county"], ["compact"], incidents=20, data_dir=tmp_path / "data")
    r = result["scales"]["county"]["stores"]["compact"]
    assert r["status"] == "ok", r
    assert r["rows"] == result["scales"]["county"]["synth"]["total_rows"]
    assert r["load"]["total_s"] > 0 and r["memory"]["peak_rss_mb"] > 0
    for q in QUERIES:
        assert r["latency_ms"][q]["n"] >= 1, q
    assert "compact" in format_table(result)


def test_workload_is_the_same_from_records_and_from_either_graph(tmp_path):
    """Every store is asked the same questions: the sample drawn from the records equals the one drawn
    from the networkx index and from the compact graph's index."""
    from benchmarks.bench import _Workload
    from graph.build import build_graph
    from graph.compact import load_compact
    from graph.index import index_for
    from loaders.bundle import load_bundle
    from loaders.synth import synthesize

    folder = synthesize("county", tmp_path / "county", seed=3)
    bundle = load_bundle(folder, shacl=False)
    works = [
        _Workload.from_bundle(bundle, 50, seed=7),
        _Workload.from_index(index_for(build_graph(bundle)), 50, seed=7),
        _Workload.from_index(index_for(load_compact(folder)), 50, seed=7),
    ]
    first = vars(works[0])
    assert len(first["incidents"]) == 50 and first["parties"] and first["big_cases"]
    for w in works[1:]:
        assert vars(w) == first


def test_summary_shows_a_warm_up_by_fifths_of_the_calls():
    from benchmarks.bench import _summary

    # 100 calls: the first twenty slow (a warm-up), the rest fast
    samples = [0.050] * 20 + [0.002] * 80
    s = _summary(samples)
    assert s["n"] == 100 and s["p95"] == 50.0 and s["median"] == 2.0
    assert s["p95_by_fifth"] == [50.0, 2.0, 2.0, 2.0, 2.0]
    assert "p95_by_fifth" not in _summary([0.001] * 10)  # too few calls to split


@pytest.mark.neo4j
def test_county_neo4j_benchmark_warms_the_server_before_timing(tmp_path, neo4j_uri, monkeypatch):
    """The Neo4j child pushes, warms the library as `quanze neo4j push` does, then times every query kind."""
    from graph.neo4j_store import Neo4jStore

    monkeypatch.setenv("QUANZE_NEO4J_URI", neo4j_uri)  # the session's server, not a fresh load-profile one
    try:
        result = run_bench(["county"], ["neo4j"], incidents=10, data_dir=tmp_path / "data", budget_s=10)
        r = result["scales"]["county"]["stores"]["neo4j"]
        assert r["status"] == "ok", r
        assert r["load"]["warm_s"] > 0 and r["load"]["push_rows"] > r["rows"]
        for q in QUERIES:
            assert r["latency_ms"][q]["n"] >= 1, q
        # the whole-graph reports, once each: the county's township lists overlap the county's duties
        assert set(r["reports_ms"]) == set(REPORTS) and r["reports_ms"]["duty_overlaps"]["rows"] > 0
        assert all(v["ms"] > 0 and v["date"] for v in r["reports_ms"].values())
        assert "duty_overlaps" in format_table(result)
    finally:
        with Neo4jStore(neo4j_uri) as store:
            store.clear()
