"""Every label, relationship type, property and vocabulary value a library query names is in the ontology."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ontology.model import model as m
from queries.registry import QUERIES_DIR, list_queries, strip_comments_and_strings

CYPHER_FILES = sorted(QUERIES_DIR.glob("*.cypher"))
_NAME = r"(`[^`]+`|[A-Za-z_][A-Za-z0-9_]*)"


def _unquote(name: str) -> str:
    return name[1:-1].replace("``", "`") if name.startswith("`") else name


def _enclosing(code: str, pos: int) -> str:
    """The innermost open bracket ('(', '[' or '{') before ``pos``."""
    stack = []
    for ch in code[:pos]:
        if ch in "([{":
            stack.append(ch)
        elif ch in ")]}" and stack:
            stack.pop()
    return stack[-1] if stack else ""


def terms(text: str) -> dict[str, set[str]]:
    """Labels, relationship types and property keys a Cypher text uses.

    ``:Name`` and ``|Name`` inside ``( )`` are labels and inside ``[ ]`` relationship types;
    ``x.name`` is a property; ``{name:`` directly inside a node or relationship pattern is a property.
    """
    code = strip_comments_and_strings(text, keep_names=True)
    out: dict[str, set[str]] = {"labels": set(), "types": set(), "properties": set()}
    for mt in re.finditer(r"[:|]\s*" + _NAME, code):
        where = _enclosing(code, mt.start())
        if where == "(":
            out["labels"].add(_unquote(mt.group(1)))
        elif where == "[":
            out["types"].add(_unquote(mt.group(1)))
    for mt in re.finditer(r"(?<=[A-Za-z0-9_`)])\." + _NAME, code):
        out["properties"].add(_unquote(mt.group(1)))
    for mt in re.finditer(r"\{\s*" + _NAME + r"\s*:", code):
        if _enclosing(code, mt.start()) in ("(", "["):
            out["properties"].add(_unquote(mt.group(1)))
    return out


def bound_labels(text: str) -> dict[str, set[str]]:
    """Variable → the labels it is bound with in ``(var:Label|Other …)`` patterns."""
    code = strip_comments_and_strings(text, keep_names=True)
    out: dict[str, set[str]] = {}
    for mt in re.finditer(r"\(\s*([A-Za-z_]\w*)\s*:\s*((?:`[^`]+`|\w+)(?:\s*\|\s*(?:`[^`]+`|\w+))*)", code):
        out.setdefault(mt.group(1), set()).update(_unquote(x.strip()) for x in mt.group(2).split("|"))
    return out


def _keys_of(label: str) -> set[str]:
    return {"id", "origin"} | {f.key for f in m.classes[label].fields.values() if f.kind != "ref"}


def test_the_parser_sees_what_it_should():
    found = terms("MATCH (a:`Post` {id: $x})-[:`OF_POST`|HELD_BY*0..]->(b:Person|`Tenure`) "
                  "WHERE a.`end` > 1.5 AND b.name = 'x.y :Z' // c.fake :Fake\nRETURN {k: a.id} AS m")
    assert found == {"labels": {"Post", "Person", "Tenure"}, "types": {"OF_POST", "HELD_BY"},
                     "properties": {"id", "end", "name"}}


def test_misspelt_terms_are_caught():
    found = terms("MATCH (o:Organisation)-[:HOLDS]->(p:`Post`) WHERE p.startDate > $d RETURN o")
    assert found["labels"] - set(m.L) == {"Organisation"}
    assert found["types"] - set(m.R) == {"HOLDS"}
    assert found["properties"] - set(m.P) == {"startDate"}
    assert bound_labels("MATCH (q:`Post`), (b:`Organization`|OrganizationalUnit)") == {
        "q": {"Post"}, "b": {"Organization", "OrganizationalUnit"}}


@pytest.mark.parametrize("path", CYPHER_FILES, ids=lambda p: p.name)
def test_cypher_uses_only_ontology_terms(path: Path):
    found = terms(path.read_text(encoding="utf-8"))
    assert found["labels"] <= set(m.L), f"labels not in the ontology: {sorted(found['labels'] - set(m.L))}"
    assert found["types"] <= set(m.R), f"relationship types not in the ontology: {sorted(found['types'] - set(m.R))}"
    assert found["properties"] <= set(m.P), f"properties not in the ontology: {sorted(found['properties'] - set(m.P))}"


@pytest.mark.parametrize("path", CYPHER_FILES, ids=lambda p: p.name)
def test_properties_belong_to_the_bound_labels(path: Path):
    """``q.principal`` on a variable bound as ``(q:`Post`)`` must be a Post property."""
    text = path.read_text(encoding="utf-8")
    code = strip_comments_and_strings(text, keep_names=True)
    bound = bound_labels(text)
    wrong = []
    for mt in re.finditer(r"\b([A-Za-z_]\w*)\." + _NAME, code):
        var, prop = mt.group(1), _unquote(mt.group(2))
        if var in bound and not any(prop in _keys_of(label) for label in bound[var]):
            wrong.append(f"{var}.{prop} ({'|'.join(sorted(bound[var]))})")
    assert not wrong, "properties on the wrong labels: " + ", ".join(wrong)


def _enum_values() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for cdef in m.classes.values():
        for f in cdef.fields.values():
            if f.kind == "enum":
                out.setdefault(f.key, set()).update(m.concepts[f.target])
    return out


_COMPARED = re.compile(
    r"(?:\.|coalesce\(\s*\w+\.)(\w+)\s*(?:,\s*''\s*\))?\s*(?:=|<>|IN)\s*(\[[^\]]*\]|'[^']*')"
)


@pytest.mark.parametrize("path", CYPHER_FILES, ids=lambda p: p.name)
def test_vocabulary_values_compared_with_enum_properties_exist(path: Path):
    """``c.role IN ['lead', …]`` may only name DutyRole notations (and likewise for every enum)."""
    enums = _enum_values()
    code = re.sub(r"//[^\n]*", "", path.read_text(encoding="utf-8"))
    wrong = []
    for mt in _COMPARED.finditer(code):
        prop, rhs = mt.group(1), mt.group(2)
        if prop not in enums:
            continue
        for value in re.findall(r"'([^']*)'", rhs):
            if value and value not in enums[prop]:
                wrong.append(f"{prop} = {value!r}")
    assert not wrong, "unknown vocabulary values: " + ", ".join(wrong)


def test_grassroots_levels_match_the_ontology():
    text = (QUERIES_DIR / "grassroots_share.cypher").read_text(encoding="utf-8")
    listed = set(re.findall(r"'(\w+)'", re.search(r"d\.level IN \[([^\]]*)\]", text).group(1)))
    assert listed == {n for n, c in m.concepts["DivisionLevel"].items() if c.grassroots}


def test_every_file_is_a_registered_query_or_a_declared_variant():
    names = {q.name for q in list_queries()}
    for path in CYPHER_FILES:
        stem = path.name[: -len(".cypher")]
        base = stem.split(".")[0]
        assert base in names, path.name
