"""The ontology is the single source of truth: names are derived from it and checked against it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import SH, XSD

from ontology.model import QZ, Model, OntologyError, load_model, model as m, snake

ROOT = Path(__file__).resolve().parents[2]


def test_labels_relationship_types_and_keys_are_derived():
    assert set(m.L) >= {"Organization", "OrganizationalUnit", "Post", "Person", "Tenure", "Mandate", "DutyClause",
                        "Matter", "LeadershipAssignment", "Decision", "Incident", "Failure",
                        "AccountabilityCase", "AccountabilityAction", "ExemptionClaim", "Division"}
    assert m.R.LED_BY == "LED_BY" and m.R.HELD_BY == "HELD_BY"  # derived and explicit relType
    assert m.classes["Tenure"].fields["person"].rel_type == "HELD_BY"
    assert m.classes["Incident"].fields["conduct_date"].datatype == "date"
    assert m.by_section["clauses"].nested_in == "Mandate"


def test_misspelt_terms_raise():
    with pytest.raises(AttributeError, match="not a relationship type"):
        m.R.HOLDS_POST
    with pytest.raises(AttributeError, match="not a node label"):
        m.L.Organisation
    with pytest.raises(AttributeError, match="not a property"):
        m.P.startDate


def test_subclass_inherits_fields_and_vocabularies_have_labels():
    unit = m.classes["OrganizationalUnit"]
    assert "unit_of" in unit.fields and "name" in unit.fields
    assert m.is_a("OrganizationalUnit", "Organization") and not m.is_a("Organization", "OrganizationalUnit")
    assert m.concept("DivisionLevel", "village").grassroots and not m.concept("DivisionLevel", "county").grassroots
    assert not m.concept("OrgKind", "village_committee").enforcement_power
    assert m.sanction_severity("warning") > m.sanction_severity("reminder_talk")
    for scheme, values in m.concepts.items():
        for c in values.values():
            assert c.label_zh and c.label_zh != c.notation, (scheme, c.notation)


def test_aligned_with_w3c_vocabularies():
    onto = m.ontology
    text = (ROOT / "ontology" / "quanze.ttl").read_text(encoding="utf-8")
    for prefix in ("org:", "prov:", "time:", "skos:"):
        assert prefix in text
    from rdflib import RDFS, URIRef
    assert (QZ.Post, RDFS.subClassOf, URIRef("http://www.w3.org/ns/org#Post")) in onto
    assert (QZ.Tenure, RDFS.subClassOf, URIRef("http://www.w3.org/2006/time#ProperInterval")) in onto
    assert (QZ.Decision, RDFS.subClassOf, URIRef("http://www.w3.org/ns/prov#Activity")) in onto
    assert (QZ.Matter, RDFS.subClassOf, URIRef("http://www.w3.org/2004/02/skos/core#Concept")) in onto


def test_shape_disagreeing_with_ontology_fails_early():
    shapes = Graph()
    for t in m.shapes:
        shapes.add(t)
    # declare qz:start as a string in the shapes while the ontology says xsd:date
    for ps in list(shapes.subjects(SH.path, QZ.start)):
        shapes.remove((ps, SH.datatype, XSD.date))
        shapes.add((ps, SH.datatype, XSD.string))
    with pytest.raises(OntologyError, match="differs from ontology range"):
        Model(m.ontology, shapes)


def test_shape_on_unknown_property_fails_early():
    shapes = Graph()
    for t in m.shapes:
        shapes.add(t)
    from rdflib import BNode
    ps = BNode()
    shapes.add((next(shapes.subjects(SH.targetClass, QZ.Person)), SH.property, ps))
    shapes.add((ps, SH.path, QZ.nickname))
    shapes.add((ps, SH.datatype, XSD.string))
    with pytest.raises(OntologyError, match="does not define"):
        Model(m.ontology, shapes)


_UPPER = re.compile(r"^[A-Z][A-Z_]{2,}$")
_ALLOWED_UPPER = {"CI", "UTF", "HTML", "JSON", "URI", "NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD"}


def _string_constants(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(n.lineno, n.value) for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


@pytest.mark.parametrize("folder", ["graph", "explorer", "loaders", "queries"])
def test_python_does_not_spell_relationship_types_by_hand(folder):
    """Relationship types in code come from ``model.R``; a raw 'HELD_BY' string would be spelled twice."""
    rels = set(m.R)
    offenders = []
    for py in sorted((ROOT / folder).rglob("*.py")):
        for line, value in _string_constants(py):
            if value in rels:
                offenders.append(f"{py.relative_to(ROOT)}:{line}: {value}")
    assert not offenders, "use ontology.model.model.R instead of string literals:\n" + "\n".join(offenders)


def test_model_is_loaded_once():
    assert load_model() is load_model()
    assert snake("verticallyManagedBy") == "vertically_managed_by"
