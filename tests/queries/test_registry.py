"""The query registry: headers, typed parameters, variants, and the guard against writes."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from queries.registry import (
    ENGINES,
    QueryError,
    QueryParamError,
    convert,
    get,
    is_write_query,
    list_queries,
    load_queries,
    parse_query_file,
    run,
    statement_count,
    write_clauses,
)

REQUIRED = {
    "responsibility_map", "jurisdiction_path", "chain_of_authority", "post_holders", "body_duties",
    "leader_assignments", "omitted_parties", "no_duty_targets", "grassroots_share", "duty_gaps", "duty_overlaps",
}


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def test_the_library_holds_the_required_queries_with_full_headers():
    queries = {q.name: q for q in list_queries()}
    assert REQUIRED <= set(queries)
    for q in queries.values():
        assert q.purpose and len(q.purpose) > 40, q.name
        assert set(q.engines) == set(ENGINES), q.name
        assert all(p.description for p in q.params), q.name
        assert q.returns, q.name
        for engine in q.engines:
            assert q.text(engine).strip()
        assert not is_write_query(q.text("neo4j")) and not is_write_query(q.text("ladybug")), q.name


def test_header_parsing(tmp_path):
    path = write(tmp_path, "holders_on.cypher", """
        // name: holders_on
        // purpose: Who held a post on a date,
        //   over two lines.
        // params: $post (string) id of the post
        //   $date (date) the day
        //     asked about
        //   $limit (integer, default 10) at most this many
        // engines: neo4j, ladybug
        // returns: person, tenure
        MATCH (t:`Tenure`)-[:`OF_POST`]->(q:`Post` {id: $post})
        WHERE t.start <= $date RETURN t.id AS tenure LIMIT $limit
        """)
    q = parse_query_file(path)
    assert q.name == "holders_on" and q.purpose == "Who held a post on a date, over two lines."
    assert [(p.name, p.type, p.default) for p in q.params] == [("post", "string", None), ("date", "date", None),
                                                                ("limit", "integer", 10)]
    assert q.param("date").description == "the day asked about"
    assert q.engines == ("neo4j", "ladybug") and q.returns == ("person", "tenure")
    assert q.text("ladybug") == q.text("neo4j")


def test_variants_must_be_declared_and_present(tmp_path):
    body = "// name: {n}\n// purpose: p\n// params: $x (string) x\n// engines: neo4j, ladybug\n{extra}RETURN $x AS x\n"
    write(tmp_path, "a.cypher", body.format(n="a", extra="// variants: ladybug (label(r) there)\n"))
    write(tmp_path, "a.ladybug.cypher", "// variant of: a\nRETURN $x AS y\n")
    q = load_queries(tmp_path)["a"]
    assert q.text("ladybug").endswith("RETURN $x AS y\n") and q.text("neo4j").endswith("RETURN $x AS x\n")
    undeclared = tmp_path / "u"
    undeclared.mkdir()
    write(undeclared, "b.cypher", body.format(n="b", extra=""))
    write(undeclared, "b.ladybug.cypher", "RETURN $x AS y\n")
    with pytest.raises(QueryError, match="does not declare"):
        load_queries(undeclared)
    missing = tmp_path / "m"
    missing.mkdir()
    write(missing, "c.cypher", body.format(n="c", extra="// variants: ladybug\n"))
    with pytest.raises(QueryError, match="is missing"):
        load_queries(missing)


@pytest.mark.parametrize(
    "text, message",
    [
        ("// purpose: p\n// engines: neo4j\nRETURN 1", "name"),
        ("// name: q\n// engines: neo4j\nRETURN 1", "purpose"),
        ("// name: q\n// purpose: p\n// engines: neo4j, oracle\nRETURN 1", "unknown engine"),
        ("// name: q\n// purpose: p\n// params: $x (money) x\n// engines: neo4j\nRETURN $x", "unknown type"),
        ("// name: q\n// purpose: p\n// params: $x (string) x\n// engines: neo4j\nRETURN $y", "declared"),
        ("// name: q\n// purpose: p\n// engines: neo4j\nRETURN $undeclared", "declared"),
        ("// name: other\n// purpose: p\n// engines: neo4j\nRETURN 1", "differs from the file name"),
    ],
)
def test_malformed_headers_are_rejected(tmp_path, text, message):
    with pytest.raises(QueryError, match=message):
        parse_query_file(write(tmp_path, "q.cypher", text))


def test_a_parameter_inside_a_comment_or_string_is_not_a_use(tmp_path):
    q = parse_query_file(write(tmp_path, "q.cypher", "// name: q\n// purpose: p\n// engines: neo4j\n"
                                                     "RETURN '$not_a_param' AS x // $nor_this\n"))
    assert q.params == ()


def test_parameters_are_converted_by_type():
    q = get("post_holders")
    assert q.bind({"post": "p1", "date": dt.date(2023, 1, 10)}) == {"post": "p1", "date": "2023-01-10"}
    assert q.bind({"$post": "p1", "date": "2023-01-10"}) == {"post": "p1", "date": "2023-01-10"}
    g = get("grassroots_share")
    assert g.bind({"case_id": "c"}) == {"case_id": "c", "threshold": 0.5}  # the declared default
    assert g.bind({"case_id": "c", "threshold": "0.3"})["threshold"] == 0.3


@pytest.mark.parametrize(
    "value, type_, expected",
    [
        ("2023-01-10", "date", "2023-01-10"),
        (dt.datetime(2023, 1, 10, 8, 30), "date", "2023-01-10"),
        (" 7 ", "integer", 7),
        (7.0, "integer", 7),
        ("1e-1", "float", 0.1),
        ("TRUE", "boolean", True),
        ("no", "boolean", False),
        (["a", "b"], "string[]", ["a", "b"]),
        ("a;b, c", "string[]", ["a", "b", "c"]),
    ],
)
def test_convert(value, type_, expected):
    assert convert(value, type_) == expected


@pytest.mark.parametrize(
    "value, type_",
    [("2023-13-01", "date"), ("10/01/2023", "date"), ("seven", "integer"), (True, "integer"), (7.5, "integer"),
     ("x", "float"), ("maybe", "boolean"), (3, "string"), ([1, 2], "string[]")],
)
def test_convert_rejects(value, type_):
    with pytest.raises(ValueError):
        convert(value, type_)


def test_unknown_missing_and_badly_typed_parameters_are_clear_errors():
    q = get("post_holders")
    with pytest.raises(QueryParamError) as err:
        q.bind({"post": "p1", "date": "2023-01-10", "person": "x"})
    assert "unknown parameter(s) $person" in str(err.value) and "$post (string)" in str(err.value)
    with pytest.raises(QueryParamError, match=r"missing \$date \(date\)"):
        q.bind({"post": "p1"})
    with pytest.raises(QueryParamError, match=r"\$date \(date\): '2023-02-30' is not a date"):
        q.bind({"post": "p1", "date": "2023-02-30"})
    with pytest.raises(QueryError, match="no query named 'post_holder'"):
        get("post_holder")


def test_run_binds_before_the_store_sees_anything():
    class Recorder:
        engine = "ladybug"
        calls = []

        def run(self, cypher, params):
            self.calls.append((cypher, params))
            return [{"ok": True}]

    store = Recorder()
    assert run("post_holders", {"post": "p1", "date": "2023-01-10"}, store) == [{"ok": True}]
    assert store.calls[0][1] == {"post": "p1", "date": "2023-01-10"}
    with pytest.raises(QueryParamError):
        run("post_holders", {"post": "p1"}, store)
    assert len(store.calls) == 1


# ---------------------------------------------------------------------------- the write guard
WRITES = [
    "CREATE (n:Person {id: 'x'})",
    "create (n:Person {id: 'x'})",
    "MATCH (n) DETACH DELETE n",
    "match (n) delete n",
    "MERGE (n:Person {id: 'x'})",
    "MATCH (n) SET n.name = 'x'",
    "MATCH (n) set n += {a: 1}",
    "MATCH (n) REMOVE n.name",
    "MATCH (n) REMOVE n:Person",
    "DROP CONSTRAINT qz_Person_id",
    "drop index foo if exists",
    "LOAD CSV FROM 'file:///x.csv' AS row RETURN row",
    "load   csv with headers from 'http://x' as r return r",
    "UNWIND [1, 2] AS x FOREACH (y IN [x] | CREATE (:N))",
    "MATCH (n) FOREACH (x IN [1] | SET n.a = x)",
    "CALL apoc.create.node(['X'], {})",
    "call apoc.periodic.iterate('MATCH (n) RETURN n', 'DETACH DELETE n', {})",
    "CALL apoc.refactor.mergeNodes([])",
    "CALL apoc.cypher.doIt('CREATE (n)', {})",
    "CALL dbms.security.createUser('x', 'y')",
    "CALL db.createLabel('X')",
    "CALL db.index.fulltext.createNodeIndex('i', ['A'], ['b'])",
    "MATCH (a), (b) CALL { WITH a, b CREATE (a)-[:R]->(b) } RETURN 1",
    "/* a comment */ MATCH (n) // read\nDELETE n",
    "MATCH (n) WITH n CALL { WITH n DETACH DELETE n } IN TRANSACTIONS RETURN 1",
    "COPY Person FROM 'people.csv'",
    "BEGIN TRANSACTION",
    "MATCH (n) RETURN n; COMMIT",
    "ALTER DATABASE neo4j SET ACCESS READ WRITE",
    "GRANT ROLE admin TO bob",
    "CALL threads = 4",
    "INSTALL json",
    "ATTACH 'x.db' AS other (dbtype lbug)",
    "MATCH (n) ON CREATE SET n.x = 1",
]

READS = [
    "MATCH (n:Person) RETURN n.name",
    "match (n) where n.name = 'CREATE' return n",
    "MATCH (n) WHERE n.note CONTAINS 'detach delete' RETURN n",
    'MATCH (n) WHERE n.text = "MERGE (x)" RETURN n',
    "MATCH (n) RETURN n // DELETE n",
    "MATCH (n) /* SET n.x = 1 */ RETURN n",
    "MATCH (n) WHERE n.text = 'it\\'s a create' RETURN n",
    "MATCH (n:`Create`) RETURN n.set, n.`delete`",
    "MATCH (n) RETURN {create: 1, merge: n.id} AS m",
    "MATCH (n) WHERE n.id = $create RETURN n",
    "MATCH (n:Person) RETURN n.createdAt, n.offset, n.reset",
    "CALL db.labels() YIELD label RETURN label",
    "CALL apoc.meta.schema() YIELD value RETURN value",
    "CALL dbms.components() YIELD name RETURN name",
    "CALL show_tables() RETURN *",
    "SHOW INDEXES",
    "LOAD FROM 'x.parquet' RETURN *",
    "MATCH p = shortestPath((a)-[*]-(b)) RETURN p",
    "MATCH (n) WITH n ORDER BY n.name SKIP 1 LIMIT 2 RETURN n",
    "MATCH (n) RETURN n.settled, n.created, n.removed, n.dropped",
    "RETURN 'a; CREATE (x)' AS s",
]


@pytest.mark.parametrize("text", WRITES)
def test_writes_are_refused(text):
    assert is_write_query(text), text


@pytest.mark.parametrize("text", READS)
def test_reads_pass(text):
    assert not is_write_query(text), write_clauses(text)


def test_write_clauses_name_what_was_found():
    assert write_clauses("MATCH (n) SET n.a = 1 WITH n DETACH DELETE n") == ["SET", "DETACH", "DELETE"]
    assert write_clauses("LOAD CSV FROM 'x' AS r RETURN r") == ["LOAD CSV"]


def test_statement_count():
    assert statement_count("MATCH (n) RETURN n") == 1
    assert statement_count("MATCH (n) RETURN n;") == 1
    assert statement_count("RETURN 'a;b'; RETURN 2 // ; ;") == 2


def test_the_readme_lists_every_query_and_its_parameters():
    from queries.registry import QUERIES_DIR

    text = (QUERIES_DIR / "README.md").read_text(encoding="utf-8")
    for q in list_queries():
        row = next((line for line in text.splitlines() if line.startswith(f"| `{q.name}` |")), None)
        assert row is not None, f"queries/README.md has no row for {q.name}"
        for p in q.params:
            assert f"`${p.name}`" in row, f"{q.name}: ${p.name} missing from its README row"
