"""Every library query gives the same rows on Neo4j and on the embedded engine (LadybugDB).

Rows are compared sorted, with ``collect`` lists sorted too: the engines differ in the order they
return things, not in what they return.
"""

from __future__ import annotations

import pytest

from queries.registry import list_queries, rows_sorted, run

pytestmark = pytest.mark.neo4j
QUERIES = [q.name for q in list_queries()]


@pytest.mark.parametrize("query", QUERIES)
def test_same_rows_on_both_engines(case, neo4j_case, embedded_case, params_for, query):
    name, _, g = case
    sets = params_for(query, g)
    answered = 0
    for params in sets:
        on_neo4j = run(query, params, neo4j_case)
        on_ladybug = run(query, params, embedded_case)
        assert rows_sorted(on_ladybug) == rows_sorted(on_neo4j), (query, params)
        if on_neo4j:
            assert list(on_ladybug[0]) == list(on_neo4j[0]), "columns differ"
        answered += bool(on_neo4j)
    if name == "demo_with_gaps":
        # the variant holds something for every query: parity must not be vacuous
        assert answered, f"{query} returned no rows for any parameter set on {name}"
