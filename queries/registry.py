"""The query registry: reads the ``*.cypher`` files and their headers, types parameters, guards writes."""

from __future__ import annotations

import datetime as dt
import random
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

__all__ = [
    "QUERIES_DIR",
    "ENGINES",
    "PARAM_TYPES",
    "QueryError",
    "QueryParamError",
    "Param",
    "Query",
    "parse_query_file",
    "load_queries",
    "list_queries",
    "get",
    "run",
    "convert",
    "strip_comments_and_strings",
    "statement_count",
    "write_clauses",
    "is_write_query",
    "rows_sorted",
    "WARM_SOURCES",
    "WARM_CALLS",
    "RECORD_PARAMS",
    "WarmReport",
    "warm_samples",
    "warm",
]

QUERIES_DIR = Path(__file__).resolve().parent
ENGINES = ("neo4j", "ladybug")
PARAM_TYPES = ("string", "date", "integer", "float", "boolean", "string[]")


class QueryError(ValueError):
    """A query file is malformed, or a query is unknown or unavailable on an engine."""


class QueryParamError(QueryError):
    """Parameters given to a query are unknown, missing or of the wrong type."""


# ---------------------------------------------------------------------------- parameters
_TRUE = {"true", "yes", "1", "y", "t"}
_FALSE = {"false", "no", "0", "n", "f"}


def convert(value: Any, type_: str) -> Any:
    """Convert one parameter value (often a string from the command line or a form) to its declared type.

    Dates become ISO strings ``YYYY-MM-DD``, the form every store keeps them in.

    Examples
    --------
    >>> convert("2023-01-10", "date"), convert(dt.date(2023, 1, 10), "date")
    ('2023-01-10', '2023-01-10')
    >>> convert("0.5", "float"), convert("3", "integer"), convert("yes", "boolean")
    (0.5, 3, True)
    >>> convert("a, b;c", "string[]")
    ['a', 'b', 'c']
    >>> convert("2023-02-30", "date")
    Traceback (most recent call last):
    ...
    ValueError: '2023-02-30' is not a date (expected YYYY-MM-DD)
    """
    if type_ == "string":
        if not isinstance(value, str):
            raise ValueError(f"{value!r} is not a string")
        return value
    if type_ == "date":
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        try:
            return dt.date.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            raise ValueError(f"{value!r} is not a date (expected YYYY-MM-DD)") from None
    if type_ == "integer":
        if isinstance(value, bool):
            raise ValueError(f"{value!r} is not an integer")
        try:
            if isinstance(value, float) and not value.is_integer():
                raise ValueError
            return int(str(value).strip()) if isinstance(value, str) else int(value)
        except (TypeError, ValueError):
            raise ValueError(f"{value!r} is not an integer") from None
    if type_ == "float":
        if isinstance(value, bool):
            raise ValueError(f"{value!r} is not a number")
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{value!r} is not a number") from None
    if type_ == "boolean":
        if isinstance(value, bool):
            return value
        low = str(value).strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise ValueError(f"{value!r} is not a boolean (true or false)")
    if type_ == "string[]":
        if isinstance(value, str):
            return [v.strip() for v in re.split(r"[,;]", value) if v.strip()]
        if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            return list(value)
        raise ValueError(f"{value!r} is not a list of strings")
    raise ValueError(f"unknown parameter type {type_!r} (one of {', '.join(PARAM_TYPES)})")


@dataclass(frozen=True)
class Param:
    """One declared ``$parameter``: its name, type, description and default (None: required)."""

    name: str
    type: str
    description: str
    default: Any = None

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass(frozen=True)
class Query:
    """One library query: its header and its text per engine."""

    name: str
    purpose: str
    params: tuple[Param, ...]
    engines: tuple[str, ...]
    texts: dict[str, str] = field(hash=False, compare=False)
    path: Path | None = None
    returns: tuple[str, ...] = ()
    variant_note: str = ""

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    def text(self, engine: str) -> str:
        """The query text for one engine (its variant file when it has one)."""
        if engine not in self.engines:
            raise QueryError(f"query {self.name!r} does not run on {engine} (engines: {', '.join(self.engines)})")
        return self.texts.get(engine, self.texts["neo4j"])

    def bind(self, values: dict[str, Any]) -> dict[str, Any]:
        """Check and convert parameter values; defaults fill optional ones.

        Raises
        ------
        QueryParamError
            Naming every unknown or missing parameter and every value of the wrong type.
        """
        declared = {p.name: p for p in self.params}
        values = {k.lstrip("$"): v for k, v in values.items()}
        problems = []
        unknown = sorted(set(values) - set(declared))
        if unknown:
            problems.append(f"unknown parameter(s) {', '.join('$' + u for u in unknown)}")
        out: dict[str, Any] = {}
        for p in self.params:
            if p.name not in values or values[p.name] is None:
                if p.required:
                    problems.append(f"missing ${p.name} ({p.type}): {p.description}")
                else:
                    out[p.name] = p.default
                continue
            try:
                out[p.name] = convert(values[p.name], p.type)
            except ValueError as exc:
                problems.append(f"${p.name} ({p.type}): {exc}")
        if problems:
            sig = ", ".join(f"${p.name} ({p.type}{'' if p.required else ', optional'})" for p in self.params) or "none"
            raise QueryParamError(f"query {self.name!r}: " + "; ".join(problems) + f" — parameters: {sig}")
        return out


# ---------------------------------------------------------------------------- lexing
# One pass over the text: comments, string literals and back-quoted names are found together so that
# a quote inside a comment, or // inside a string, is read correctly.
_LEX = re.compile(
    r"""(?P<line>//[^\n]*)
      | (?P<block>/\*.*?\*/)
      | (?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
      | (?P<name>`(?:[^`]|``)*`)""",
    re.X | re.S,
)


def strip_comments_and_strings(text: str, *, keep_names: bool = False) -> str:
    """Blank out comments and string literals (and back-quoted names unless ``keep_names``).

    Lengths are kept (blanked with spaces, strings as ``''``), so positions still match.

    Examples
    --------
    >>> strip_comments_and_strings("MATCH (n {name: 'create'}) // delete").split()
    ['MATCH', '(n', '{name:', "''", '})']
    """

    def blank(mt: re.Match) -> str:
        kind, s = mt.lastgroup, mt.group(0)
        if kind == "str":
            return "''" + " " * (len(s) - 2)
        if kind == "name":
            return s if keep_names else "_" * len(s)
        return re.sub(r"[^\n]", " ", s)

    return _LEX.sub(blank, text)


def statement_count(text: str) -> int:
    """Number of statements (``;``-separated, outside strings and comments) in a text.

    Examples
    --------
    >>> statement_count("MATCH (n) RETURN n;"), statement_count("RETURN ';'; RETURN 2")
    (1, 2)
    """
    return sum(1 for part in strip_comments_and_strings(text).split(";") if part.strip())


_WRITE_WORDS = {
    "CREATE", "MERGE", "DELETE", "DETACH", "SET", "REMOVE", "DROP", "FOREACH",
    # administration (Neo4j) and bulk/database commands (LadybugDB)
    "ALTER", "GRANT", "DENY", "REVOKE", "RENAME", "TERMINATE", "COPY", "INSTALL", "ATTACH", "CHECKPOINT",
    # transaction control would end the read-only transaction a read query runs in
    "BEGIN", "COMMIT", "ROLLBACK",
}
_WRITE_PAIRS = {
    ("LOAD", "CSV"), ("LOAD", "EXTENSION"), ("IMPORT", "DATABASE"), ("EXPORT", "DATABASE"),
    ("START", "DATABASE"), ("STOP", "DATABASE"), ("USING", "PERIODIC"),
}
# Procedures: these namespaces only read; everything else under apoc./dbms. may write.
_READ_PROCEDURE_PREFIXES = (
    "apoc.meta.", "apoc.help", "apoc.coll.", "apoc.text.", "apoc.map.", "apoc.convert.", "apoc.date.",
    "apoc.temporal.", "apoc.math.", "apoc.number.", "apoc.agg.", "apoc.label.", "apoc.path.", "apoc.algo.",
    "apoc.version", "apoc.util.", "apoc.spatial.", "apoc.stats.",
    "dbms.components", "dbms.procedures", "dbms.functions", "dbms.listconfig", "dbms.showcurrentuser",
    "dbms.info", "dbms.clientconfig", "dbms.routing.getroutingtable", "dbms.queryjmx",
)
_WRITE_PROCEDURE_WORDS = (
    "create", "merge", "delete", "drop", "remove", "set", "write", "mutate", "refactor", "periodic", "clear",
    "kill", "terminate", "rename", "import", "export", "load", "checkpoint", "resample", "upgrade", "stop",
    "start", "trigger", "lock", "atomic", "cypher.run", "cypher.do", ".do.", "restore", "backup",
)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _procedure_writes(name: str) -> bool:
    low = name.lower()
    if low.startswith(("apoc.", "dbms.")):
        return not low.startswith(_READ_PROCEDURE_PREFIXES)
    return any(w in low for w in _WRITE_PROCEDURE_WORDS)


def write_clauses(text: str) -> list[str]:
    """The write clauses found in a Cypher text (empty when it only reads).

    Words inside comments and strings, property keys (``n.set``), labels (``:Create``), map keys
    (``{delete: 1}``) and parameters (``$merge``) are not clauses.

    Examples
    --------
    >>> write_clauses("match (n) detach delete n")
    ['DETACH', 'DELETE']
    >>> write_clauses("MATCH (n) WHERE n.name = 'CREATE' RETURN n.set AS x // merge")
    []
    >>> write_clauses("CALL apoc.create.node(['X'], {}) YIELD node RETURN node")
    ['CALL apoc.create.node']
    """
    code = strip_comments_and_strings(text)
    found: list[str] = []
    words = list(_WORD.finditer(code))
    for i, mt in enumerate(words):
        word = mt.group(0).upper()
        before = code[: mt.start()].rstrip()[-1:]
        after = code[mt.end():].lstrip()[:1]
        if before in (".", "$", ":") or after == ":":
            continue
        if word in _WRITE_WORDS:
            found.append(word)
            continue
        nxt = words[i + 1].group(0).upper() if i + 1 < len(words) else ""
        if (word, nxt) in _WRITE_PAIRS:
            found.append(f"{word} {nxt}")
            continue
        if word == "CALL":
            rest = code[mt.end():]
            proc = re.match(r"\s*([A-Za-z_][\w.]*)\s*(=|\(|$|\s)", rest)
            if proc and proc.group(2) == "=":
                found.append(f"CALL {proc.group(1)} =")  # a LadybugDB setting
            elif proc and _procedure_writes(proc.group(1)):
                found.append(f"CALL {proc.group(1)}")
    return found


def is_write_query(text: str) -> bool:
    """Whether a Cypher text contains a write clause (see :func:`write_clauses`).

    Examples
    --------
    >>> is_write_query("MATCH (n:Person) RETURN n.name"), is_write_query("merge (n:X {id: 1})")
    (False, True)
    """
    return bool(write_clauses(text))


# ---------------------------------------------------------------------------- files
_HEADER_KEY = re.compile(r"^//\s*([a-z_ ]+):\s*(.*)$")
_PARAM = re.compile(r"^\$(\w+)\s*\(\s*([\w\[\]]+)\s*(?:,\s*default\s+([^)]*?))?\s*\)\s*(.*)$")
_PARAM_USE = re.compile(r"\$(\w+)")
_HEADER_KEYS = {"name": "name", "purpose": "purpose", "params": "params", "param": "params", "engines": "engines",
                "variants": "variants", "returns": "returns", "variant of": "variant of"}


def _header(text: str) -> dict[str, list[str]]:
    """Header keys → their lines (continuation lines included), read from the leading comment block."""
    out: dict[str, list[str]] = {}
    key = None
    for line in text.splitlines():
        s = line.strip()
        if not s:
            continue
        if not s.startswith("//"):
            break
        mt = _HEADER_KEY.match(s)
        if mt and mt.group(1).strip() in _HEADER_KEYS:
            key = _HEADER_KEYS[mt.group(1).strip()]
            out.setdefault(key, [])
            if mt.group(2).strip():
                out[key].append(mt.group(2).strip())
        elif key is not None:
            body = s[2:].strip()
            if body:
                out[key].append(body)
    return out


def _params(lines: list[str], where: str) -> tuple[Param, ...]:
    params: list[Param] = []
    for line in lines:
        if line.lower() in ("none", "-"):
            continue
        mt = _PARAM.match(line)
        if mt:
            name, type_, default, desc = mt.groups()
            if type_ not in PARAM_TYPES:
                raise QueryError(f"{where}: ${name} has unknown type {type_!r} (one of {', '.join(PARAM_TYPES)})")
            if default is not None:
                try:
                    default = convert(default.strip(), type_)
                except ValueError as exc:
                    raise QueryError(f"{where}: default of ${name}: {exc}") from None
            params.append(Param(name, type_, desc.strip(), default))
        elif params:
            p = params[-1]
            params[-1] = Param(p.name, p.type, (p.description + " " + line).strip(), p.default)
        else:
            raise QueryError(f"{where}: cannot read parameter line {line!r} (expected: $name (type) description)")
    return tuple(params)


def parse_query_file(path: Path) -> Query:
    """Read one ``name.cypher`` file and its declared per-engine variants (``name.ENGINE.cypher``).

    Raises
    ------
    QueryError
        When the header lacks a name, purpose or engines, names an unknown engine or parameter type,
        or when the parameters declared and those used in a text differ.
    """
    text = path.read_text(encoding="utf-8")
    head = _header(text)
    where = path.name
    for key in ("name", "purpose", "engines"):
        if not head.get(key):
            raise QueryError(f"{where}: header needs '// {key}: …'")
    name = head["name"][0]
    if name != path.stem:
        raise QueryError(f"{where}: header name {name!r} differs from the file name")
    engines = tuple(e.strip() for e in re.split(r"[,\s]+", " ".join(head["engines"])) if e.strip())
    for e in engines:
        if e not in ENGINES:
            raise QueryError(f"{where}: unknown engine {e!r} (one of {', '.join(ENGINES)})")
    if "neo4j" not in engines:
        raise QueryError(f"{where}: the main text is Neo4j Cypher; 'neo4j' must be among the engines")
    params = _params(head.get("params", []), where)
    variant_lines = head.get("variants", [])
    declared_variants = set()
    for line in variant_lines:
        first = re.split(r"[\s,:—-]+", line.strip(), maxsplit=1)[0]
        if first in ENGINES:
            declared_variants.add(first)
    texts = {"neo4j": text}
    for engine in ENGINES:
        variant = path.with_name(f"{path.stem}.{engine}.cypher")
        if variant.exists():
            if engine not in declared_variants:
                raise QueryError(f"{where}: {variant.name} exists but the header does not declare '// variants: {engine} …'")
            texts[engine] = variant.read_text(encoding="utf-8")
        elif engine in declared_variants:
            raise QueryError(f"{where}: declares a {engine} variant but {variant.name} is missing")
    names = {p.name for p in params}
    for engine, body in texts.items():
        used = set(_PARAM_USE.findall(strip_comments_and_strings(body)))
        if used != names:
            raise QueryError(
                f"{where} ({engine}): parameters declared {sorted(names)} but used {sorted(used)}"
            )
    returns = tuple(r.strip() for r in ", ".join(head.get("returns", [])).split(",") if r.strip())
    return Query(
        name=name,
        purpose=" ".join(head["purpose"]),
        params=params,
        engines=engines,
        texts=texts,
        path=path,
        returns=returns,
        variant_note=" ".join(variant_lines),
    )


@lru_cache(maxsize=8)
def _load(folder: str) -> dict[str, Query]:
    out = {}
    for path in sorted(Path(folder).glob("*.cypher")):
        if path.stem.count(".") and path.stem.rsplit(".", 1)[1] in ENGINES:
            continue  # a variant, read with its main file
        q = parse_query_file(path)
        out[q.name] = q
    return out


def load_queries(folder: str | Path | None = None) -> dict[str, Query]:
    """Every query in ``folder`` (default: this package), by name."""
    return _load(str(Path(folder) if folder is not None else QUERIES_DIR))


def list_queries(folder: str | Path | None = None) -> list[Query]:
    """Every query, sorted by name (what the CLI lists and the explorer builds forms from).

    Examples
    --------
    >>> "responsibility_map" in [q.name for q in list_queries()]
    True
    """
    return sorted(load_queries(folder).values(), key=lambda q: q.name)


def get(name: str, folder: str | Path | None = None) -> Query:
    """One query by name.

    Raises
    ------
    QueryError
        When no query has that name (the message lists the known ones).
    """
    queries = load_queries(folder)
    if name not in queries:
        raise QueryError(f"no query named {name!r} (known: {', '.join(sorted(queries))})")
    return queries[name]


def run(name: str, params: dict[str, Any], store: Any, folder: str | Path | None = None) -> list[dict[str, Any]]:
    """Run a library query on a store (anything with ``engine`` and ``run(cypher, params)``).

    Parameter values are checked and converted by their declared types before the store sees them;
    the text for the store's engine is used (its variant file where dialects differ).
    """
    q = get(name, folder)
    values = q.bind(params)
    return store.run(q.text(store.engine), values)


def rows_sorted(rows: Iterable[dict[str, Any]]) -> list[tuple]:
    """Rows as sorted tuples of (column, value) with list values sorted: engines differ in the order of
    rows and of ``collect`` results, not in their content."""

    def norm(v: Any) -> Any:
        if isinstance(v, list):
            return tuple(sorted((norm(x) for x in v), key=repr))
        if isinstance(v, float):
            return round(v, 9)
        return v

    return sorted((tuple(sorted((k, norm(v)) for k, v in r.items())) for r in rows), key=repr)



# ---------------------------------------------------------------------------- warming a server
_PLACEHOLDER = {"string": "", "date": "2000-01-01", "integer": 0, "float": 0.0, "boolean": False, "string[]": []}
"""A value of each parameter type, for planning a query without reading anything that matters."""

WARM_SOURCES: dict[str, tuple[str, str]] = {
    "incident": ("Incident", "id"),
    "case_id": ("AccountabilityCase", "id"),
    "party": ("Post", "id"),  # a post as party: its holders then are traced through their tenures
    "person": ("Person", "id"),
    "post": ("Post", "id"),
    "body": ("Organization", "id"),
    "start": ("Organization", "id"),
    "date": ("Incident", "conduct_date"),
}
"""Where :func:`warm_samples` draws each library parameter's values from: (ontology class, field)."""

RECORD_PARAMS = frozenset(name for name, (_, field_name) in WARM_SOURCES.items() if field_name == "id")
"""Parameters naming one record: a query taking one of them asks about that record, and :func:`warm` runs it."""


@dataclass(frozen=True)
class WarmReport:
    """What :func:`warm` did: the queries it planned, the calls it made per query, and how long it took."""

    planned: tuple[str, ...]
    calls: dict[str, int]
    seconds: float

    def __str__(self) -> str:
        return (f"warmed {len(self.planned)} queries: planned each, then {sum(self.calls.values())} calls "
                f"in {self.seconds:.1f}s")


# Calls per per-record query when warming: at province, 60 against 20 took the first-pass trace p95
# after a push from 21.2-24.6 to 14.4-18.7 ms (same hour), for 2-3 s more warm-up (benchmarks/README.md)
WARM_CALLS = 60


def warm_samples(bundle: Any, *, per_param: int = WARM_CALLS, exclude: Iterable[str] = (), seed: int = 0) -> dict[str, list[Any]]:
    """Values to warm the library with, drawn from a bundle's records (see :data:`WARM_SOURCES`).

    ``exclude`` keeps ids out of the sample (a benchmark keeps its own questions for the timed calls).
    The draw is seeded, so the same bundle gives the same sample.
    """
    skip = set(exclude)
    rng = random.Random(seed)
    out: dict[str, list[Any]] = {}
    for param, (cls, field_name) in WARM_SOURCES.items():
        values = sorted({r.id if field_name == "id" else r.values.get(field_name) for r in bundle.of(cls)
                         if r.id not in skip} - {None}, key=str)
        out[param] = rng.sample(values, min(per_param, len(values)))
    return out


def warm(store: Any, samples: dict[str, list[Any]] | None = None, *, per_query: int = WARM_CALLS,
         folder: str | Path | None = None) -> WarmReport:
    """Plan every library query on a store, then run each on sample values.

    A server plans a query the first time it meets its text, and its JVM compiles the code that runs
    often. Right after a province load into Neo4j, the first trace took 2.3–3.4 s and the first 40
    traces had a p95 of 62–86 ms; after this warm-up (about 22 s there, with 20 calls per query),
    10–45 ms and 21–32 ms (benchmarks/README.md). With 60 calls (:data:`WARM_CALLS`, 18–24 s) the
    first-pass p95 was 14.4–18.7 ms against 21.2–24.6 ms with 20 in the same hour. This pays that
    cost at the end of a load instead of on an investigator's first questions.

    Every query that runs on the store's engine is run once as ``EXPLAIN`` with a placeholder of each
    parameter's type (nothing is read). A query asked about one record (an incident, a case, a party,
    a post, a person, a body) is then run ``per_query`` times with the k-th value of each of its
    parameters from ``samples``; one missing a sample for a required parameter is only planned.
    Whole-graph reports (``duty_gaps``, ``duty_overlaps``: a day, no record) are only planned: they
    read the whole graph (1–2 s at province scale), and one run is all warming would save. Rows are
    discarded.
    Without samples the queries are only planned.

    Raises
    ------
    QueryError
        Naming the query whose text the store refuses to plan or run.
    """
    start = time.perf_counter()
    engine = store.engine
    planned: list[str] = []
    calls: dict[str, int] = {}
    samples = samples or {}
    for q in list_queries(folder):
        if engine not in q.engines:
            continue
        text = q.text(engine)
        try:
            store.run("EXPLAIN " + text, {p.name: _PLACEHOLDER[p.type] if p.required else p.default for p in q.params})
        except Exception as exc:  # the store's own error type; re-raised with the query's name
            raise QueryError(f"query {q.name!r} ({q.path}) does not plan on {engine}: {exc}") from exc
        planned.append(q.name)
        required = [p for p in q.params if p.required]
        if not any(p.name in RECORD_PARAMS for p in required) or any(not samples.get(p.name) for p in required):
            continue
        n = min([per_query] + [len(samples[p.name]) for p in required])
        for k in range(n):
            values = q.bind({p.name: samples[p.name][k] for p in required})
            try:
                store.run(text, values)
            except Exception as exc:
                raise QueryError(f"query {q.name!r} ({q.path}) failed on {engine} with {values}: {exc}") from exc
        calls[q.name] = n
    return WarmReport(tuple(planned), calls, time.perf_counter() - start)
