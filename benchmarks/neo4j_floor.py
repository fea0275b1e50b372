"""How fast can this machine's Neo4j create a graph of a given shape at all? A floor for the push.

The server alone creates nodes and relationships from ``range()`` inside Cypher, in transactions of
20 k rows over two sessions as ``Neo4jStore.push`` writes them, so no rows cross Bolt and no client
work is counted. Counts come from a bundle: nodes per label, relationships per (type, source
label, target label); every node gets four short properties (``id``, ``origin``, ``name``,
``kind``), fewer than most real rows carry, so the floor is an optimistic one. Relationships find
their ends through the ``id`` uniqueness constraints, as the push does, or (``--lookup internal``)
by internal id, the cheapest lookup there is. No batched ``UNWIND`` from a client can beat the
rate this reports for the same counts on the same server. Usage::

    python -m benchmarks.neo4j_floor --bundle artifacts/bench-data/province-seed0 --rounds 2 -o floor.json

Each round empties the database and creates everything again in the same server; the first round
is what a freshly started server does, later ones show it with its code compiled. With ``--uri`` it
refuses a database that holds anything, unless ``--wipe``.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from graph.stores import quote_name

__all__ = ["shape_of", "run_floor", "main"]


def shape_of(bundle_dir: str | Path) -> tuple[Counter, Counter]:
    """(nodes per label, relationships per (type, source label, target label)) of a bundle, read
    through ``graph.stores.prepare`` as a push would see them."""
    from graph.stores import prepare
    from loaders.bundle import load_bundle

    data = prepare(load_bundle(bundle_dir, shacl=False))
    nodes = Counter({label: len(rows) for label, rows in data.nodes.items()})
    edges = Counter({key: len(pairs) for key, pairs in data.edges.items()})
    return nodes, edges


def _batches(n: int, batch: int) -> list[tuple[int, int]]:
    return [(lo, min(lo + batch, n)) for lo in range(0, n, batch)]


def _node_statements(nodes: Counter, batch: int) -> list[tuple[str, dict]]:
    """One statement per batch of ``batch`` nodes (one transaction each, as the push does)."""
    return [
        (
            f"UNWIND range($lo, $hi - 1) AS i CREATE (:{quote_name(label)} {{id: $p + i, "
            f"origin: 'artifacts/bench-data/floor/rows.csv:' + i, name: '某某村村民委员会' + (i % 97), kind: 'kind' + (i % 7)}})",
            {"lo": lo, "hi": hi, "p": f"{label}_"},
        )
        for label, n in sorted(nodes.items())
        for lo, hi in _batches(n, batch)
    ]


def _rel_statements(nodes: Counter, edges: Counter, lookup: str, batch: int,
                    ids: dict[str, list[int]] | None = None) -> list[tuple[str, dict]]:
    """Relationship statements; with ``lookup="internal"``, ``ids`` holds each label's internal node
    ids (read after the nodes were created; a store that has deleted nodes reuses ids). The two
    lists travel with every batch, the only client data of the probe, which can only slow it."""
    jobs = []
    for (rel, src, tgt), n in sorted(edges.items()):
        ns, nt = nodes.get(src, 0), nodes.get(tgt, 0)
        if not ns or not nt:
            continue
        params: dict[str, Any] = {"ns": ns, "nt": nt}
        if lookup == "internal":
            assert ids is not None
            ends = "MATCH (s) WHERE id(s) = $is[i % $ns] MATCH (t) WHERE id(t) = $it[(i * 7919) % $nt]"
            params.update({"is": ids[src], "it": ids[tgt]})
        else:
            ends = f"MATCH (s:{quote_name(src)} {{id: $ps + (i % $ns)}}) MATCH (t:{quote_name(tgt)} {{id: $pt + ((i * 7919) % $nt)}})"
            params.update({"ps": f"{src}_", "pt": f"{tgt}_"})
        text = f"UNWIND range($lo, $hi - 1) AS i {ends} CREATE (s)-[:{quote_name(rel)}]->(t)"
        jobs += [(text, {**params, "lo": lo, "hi": hi}) for lo, hi in _batches(n, batch)]
    return jobs


def _parallel(driver: Any, jobs: list[tuple[str, dict]], workers: int) -> float:
    """Run the statements over ``workers`` sessions, each in its own write transaction (which the
    driver retries on a deadlock between concurrent batches, as the push's are), in order, each to
    the next free session."""
    queue = list(jobs)
    lock = threading.Lock()
    errors: list[BaseException] = []

    def work() -> None:
        with driver.session() as s:
            while True:
                with lock:
                    if not queue or errors:
                        return
                    text, params = queue.pop(0)
                try:
                    s.execute_write(lambda tx: tx.run(text, params).consume())
                except BaseException as e:  # reported after the threads join
                    errors.append(e)
                    return

    t = time.perf_counter()
    threads = [threading.Thread(target=work) for _ in range(workers)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    if errors:
        raise errors[0]
    return time.perf_counter() - t


def run_floor(uri: str, nodes: Counter, edges: Counter, *, rounds: int = 1, lookup: str = "constraint",
              batch: int = 20_000, workers: int = 2, wipe: bool = False) -> list[dict[str, Any]]:
    """Create the shape ``rounds`` times in the database at ``uri``, emptying it before each round; one
    result per round. A database that already holds nodes is refused unless ``wipe`` is set."""
    from graph.neo4j_store import Neo4jStore

    store = Neo4jStore(uri)
    driver = store.driver
    if not wipe:
        held = store.run("MATCH (n) RETURN count(n) AS c")[0]["c"]
        if held:
            store.close()
            raise ValueError(f"the database at {uri} holds {held:,} nodes and the floor probe deletes everything in it; "
                             "point it at an empty database or pass wipe=True (--wipe)")
    node_jobs = _node_statements(nodes, batch)
    total_nodes = sum(nodes.values())
    total_edges = sum(n for (r, s, t), n in edges.items() if nodes.get(s) and nodes.get(t))
    results = []
    try:
        with driver.session() as s:
            for label in sorted(nodes):
                s.run(f"CREATE CONSTRAINT IF NOT EXISTS FOR (n:{quote_name(label)}) REQUIRE n.id IS UNIQUE").consume()
            s.run("CALL db.awaitIndexes(300)").consume()
        for k in range(rounds):
            store.clear(batch)
            tn = _parallel(driver, node_jobs, workers)
            ids = None
            if lookup == "internal":  # not timed: a client that kept the ids from the node step has them
                with driver.session() as s:
                    ids = {label: s.run(f"MATCH (n:{quote_name(label)}) RETURN collect(id(n)) AS ids").single()["ids"] for label in nodes}
            tr = _parallel(driver, _rel_statements(nodes, edges, lookup, batch, ids), workers)
            # what was created, from the count store
            made_nodes = store.run("MATCH (n) RETURN count(n) AS c")[0]["c"]
            made_edges = store.run("MATCH ()-[r]->() RETURN count(r) AS c")[0]["c"]
            if (made_nodes, made_edges) != (total_nodes, total_edges):
                raise RuntimeError(f"created {made_nodes:,} nodes and {made_edges:,} relationships, not {total_nodes:,} and {total_edges:,}")
            results.append({
                "round": k + 1, "lookup": lookup, "nodes": total_nodes, "relationships": total_edges,
                "nodes_s": round(tn, 1), "relationships_s": round(tr, 1), "total_s": round(tn + tr, 1),
                "rows_per_s": round((total_nodes + total_edges) / (tn + tr)),
            })
            print(json.dumps(results[-1]), flush=True)
    finally:
        store.close()
    return results


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.neo4j_floor", description=__doc__.splitlines()[0])
    p.add_argument("--bundle", required=True, help="bundle whose counts to create (e.g. artifacts/bench-data/province-seed0)")
    p.add_argument("--uri", default=None, help="an existing server (default: start a fresh one with --profile)")
    p.add_argument("--profile", default="load", help="server profile when starting one (default load)")
    p.add_argument("--lookup", choices=("constraint", "internal"), default="constraint")
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--batch", type=int, default=20_000)
    p.add_argument("--wipe", action="store_true", help="with --uri: empty a database that holds nodes (everything in it is deleted)")
    p.add_argument("-o", "--out", default=None, help="write the results as JSON here")
    args = p.parse_args(argv)
    nodes, edges = shape_of(args.bundle)
    print(f"shape: {sum(nodes.values()):,} nodes in {len(nodes)} labels, {sum(edges.values()):,} relationships in {len(edges)} kinds", flush=True)
    server = None
    uri = args.uri
    if uri is None:
        from graph.neo4j_launcher import Neo4jServer

        server = Neo4jServer(profile=args.profile)
        uri = server.start()
    try:
        results = run_floor(uri, nodes, edges, rounds=args.rounds, lookup=args.lookup, batch=args.batch,
                            wipe=args.wipe or server is not None)
    finally:
        if server is not None:
            server.stop()
    if args.out:
        Path(args.out).write_text(json.dumps({"bundle": str(args.bundle), "profile": args.profile, "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
