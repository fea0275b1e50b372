"""The Python view of the ontology: labels, relationship types, properties and vocabularies read from Turtle."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, SH, SKOS, XSD

__all__ = [
    "QZ",
    "DATA",
    "ONTOLOGY_PATH",
    "SHAPES_PATH",
    "Concept",
    "Field",
    "ClassDef",
    "Model",
    "OntologyError",
    "load_model",
    "model",
    "snake",
    "upper_snake",
]

QZ = Namespace("https://quanze.org/ns#")
DATA = Namespace("https://quanze.org/id/")
ONTOLOGY_PATH = Path(__file__).with_name("quanze.ttl")
SHAPES_PATH = Path(__file__).with_name("shapes.ttl")

_XSD_KINDS = {XSD.string: "string", XSD.date: "date", XSD.boolean: "boolean", XSD.integer: "integer"}


class OntologyError(ValueError):
    """The ontology or shapes files are inconsistent; raised while building the model."""


def snake(name: str) -> str:
    """Turn a camelCase local name into a snake_case key.

    Examples
    --------
    >>> snake("validFrom")
    'valid_from'
    >>> snake("subOrganizationOf")
    'sub_organization_of'
    """
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def upper_snake(name: str) -> str:
    """Turn a camelCase local name into an UPPER_SNAKE relationship type.

    Examples
    --------
    >>> upper_snake("ledBy")
    'LED_BY'
    """
    return snake(name).upper()


@dataclass(frozen=True)
class Concept:
    """One controlled value (a SKOS concept) of a vocabulary class such as ``DutyRole``."""

    iri: URIRef
    scheme: str
    notation: str
    label_zh: str
    severity: int | None = None
    grassroots: bool = False
    enforcement_power: bool = True


@dataclass(frozen=True)
class Field:
    """One property of a class as a bundle field: its key, kind, cardinality and default."""

    key: str
    iri: URIRef
    kind: str  # "literal", "ref" (an edge to another record) or "enum" (a controlled value)
    datatype: str | None  # for literals: string, date, boolean, integer
    target: str | None  # for refs and enums: the class name
    required: bool
    multiple: bool
    default: Any = None
    rel_type: str | None = None  # for refs: the relationship type
    message: str | None = None


@dataclass(frozen=True)
class ClassDef:
    """A node class: its label, bundle section, superclass and fields."""

    name: str
    iri: URIRef
    label_en: str
    label_zh: str
    section: str
    superclass: str | None
    nested_in: str | None
    nest_key: str | None
    parent_key: str | None
    fields: dict[str, Field] = field(default_factory=dict)


class _Terms:
    """A namespace of known terms whose misspelt attribute raises, like rdflib's ``_fail = True``."""

    def __init__(self, kind: str, names: dict[str, str]):
        self._kind = kind
        self._names = dict(names)

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._names[name]
        except KeyError:
            raise AttributeError(f"{name!r} is not a {self._kind} in the ontology") from None

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __iter__(self):
        return iter(sorted(self._names.values()))


class Model:
    """Everything the code needs to know about the ontology, derived from the Turtle files."""

    def __init__(self, ontology: Graph, shapes: Graph):
        self.ontology = ontology
        self.shapes = shapes
        self.concepts: dict[str, dict[str, Concept]] = {}
        self.concept_by_iri: dict[URIRef, Concept] = {}
        self.classes: dict[str, ClassDef] = {}
        self.property_keys: dict[URIRef, str] = {}
        self.rel_types: dict[URIRef, str] = {}
        self._read_vocabularies()
        self._read_properties()
        self._read_classes()
        self.by_section = {c.section: c for c in self.classes.values()}
        self.L = _Terms("node label", {n: n for n in self.classes})
        self.R = _Terms("relationship type", {r: r for r in self.rel_types.values()})
        self.P = _Terms("property", {k: k for k in self.node_property_keys()})

    # -- reading -------------------------------------------------------------------------
    def _local(self, iri: URIRef) -> str:
        text = str(iri)
        if not text.startswith(str(QZ)):
            raise OntologyError(f"{iri} is not in the qz: namespace")
        return text[len(str(QZ)) :]

    def _read_vocabularies(self) -> None:
        g = self.ontology
        for scheme in g.subjects(RDFS.subClassOf, SKOS.Concept):
            if scheme == QZ.Matter:
                continue  # matters are records of a bundle, not a fixed vocabulary
            name = self._local(scheme)
            values: dict[str, Concept] = {}
            for iri in g.subjects(RDF.type, scheme):
                notation = str(g.value(iri, SKOS.notation))
                severity = g.value(iri, QZ.severity)
                grassroots = g.value(iri, QZ.grassroots)
                power = g.value(iri, QZ.enforcementPower)
                label = next((str(lb) for lb in g.objects(iri, SKOS.prefLabel) if lb.language == "zh"), notation)
                concept = Concept(
                    iri=iri,
                    scheme=name,
                    notation=notation,
                    label_zh=label,
                    severity=int(severity) if severity is not None else None,
                    grassroots=bool(grassroots.toPython()) if grassroots is not None else False,
                    enforcement_power=bool(power.toPython()) if power is not None else True,
                )
                if notation in values:
                    raise OntologyError(f"{name}: notation {notation!r} defined twice")
                values[notation] = concept
                self.concept_by_iri[iri] = concept
            self.concepts[name] = values

    def _read_properties(self) -> None:
        g = self.ontology
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
            for prop in g.subjects(RDF.type, kind):
                local = self._local(prop)
                self.property_keys[prop] = snake(local)
        keys = list(self.property_keys.values())
        dupes = {k for k in keys if keys.count(k) > 1}
        if dupes:
            raise OntologyError(f"properties share a key: {sorted(dupes)}")

    def _label(self, iri: URIRef, lang: str) -> str:
        return next((str(lb) for lb in self.ontology.objects(iri, RDFS.label) if lb.language == lang), "")

    def _read_classes(self) -> None:
        g = self.ontology
        for cls in g.subjects(QZ.section, None):
            name = self._local(cls)
            supers = [s for s in g.objects(cls, RDFS.subClassOf) if str(s).startswith(str(QZ))]
            nested_in = g.value(cls, QZ.nestedIn)
            parent_prop = g.value(cls, QZ.parentProperty)
            self.classes[name] = ClassDef(
                name=name,
                iri=cls,
                label_en=self._label(cls, "en"),
                label_zh=self._label(cls, "zh"),
                section=str(g.value(cls, QZ.section)),
                superclass=self._local(supers[0]) if supers else None,
                nested_in=self._local(nested_in) if nested_in else None,
                nest_key=str(g.value(cls, QZ.nestKey)) if nested_in else None,
                parent_key=self.property_keys[parent_prop] if parent_prop else None,
            )
        # Fields come from the shapes; subclasses inherit their superclass's shape first.
        own = {name: self._shape_fields(c.iri) for name, c in self.classes.items()}
        for name, cdef in self.classes.items():
            chain = []
            cur: str | None = name
            while cur:
                chain.append(cur)
                cur = self.classes[cur].superclass
            for ancestor in reversed(chain):
                cdef.fields.update(own[ancestor])

    def _shape_fields(self, cls: URIRef) -> dict[str, Field]:
        s = self.shapes
        fields: dict[str, Field] = {}
        for shape in s.subjects(SH.targetClass, cls):
            for ps in s.objects(shape, SH.property):
                path = s.value(ps, SH.path)
                if path not in self.property_keys:
                    raise OntologyError(f"shape of {cls} uses {path}, which the ontology does not define")
                key = self.property_keys[path]
                dtype = s.value(ps, SH.datatype)
                target = s.value(ps, SH["class"])
                min_count = s.value(ps, SH.minCount)
                max_count = s.value(ps, SH.maxCount)
                default = s.value(ps, SH.defaultValue)
                message = s.value(ps, SH.message)
                if dtype is not None:
                    kind, dt, tgt = "literal", _XSD_KINDS[dtype], None
                    declared = self.ontology.value(path, RDFS.range)
                    if declared is not None and declared != dtype:
                        raise OntologyError(f"{key}: shape datatype {dtype} differs from ontology range {declared}")
                elif target is not None:
                    tgt = self._local(target)
                    kind, dt = ("enum" if tgt in self.concepts else "ref"), None
                    if kind == "ref":
                        explicit = self.ontology.value(path, QZ.relType)
                        self.rel_types[path] = str(explicit) if explicit else upper_snake(self._local(path))
                else:
                    raise OntologyError(f"shape of {cls} on {key} has neither sh:datatype nor sh:class")
                fields[key] = Field(
                    key=key,
                    iri=path,
                    kind=kind,
                    datatype=dt,
                    target=tgt,
                    required=bool(min_count is not None and int(min_count) >= 1),
                    multiple=max_count is None or int(max_count) > 1,
                    default=default.toPython() if isinstance(default, Literal) else None,
                    rel_type=self.rel_types.get(path) if kind == "ref" else None,
                    message=str(message) if message else None,
                )
        return fields

    # -- queries on the model -----------------------------------------------------------
    def is_a(self, cls: str, ancestor: str) -> bool:
        """Whether class ``cls`` is ``ancestor`` or one of its subclasses."""
        cur: str | None = cls
        while cur:
            if cur == ancestor:
                return True
            cur = self.classes[cur].superclass
        return False

    def node_property_keys(self) -> set[str]:
        """Keys stored as node properties: literal and enum fields of any class, ``id`` and ``origin``."""
        keys = {"id", self.property_keys[QZ.origin]}
        for cdef in self.classes.values():
            keys.update(f.key for f in cdef.fields.values() if f.kind != "ref")
        return keys

    def concept(self, scheme: str, notation: str) -> Concept:
        """The concept of ``scheme`` written ``notation``; KeyError if unknown."""
        return self.concepts[scheme][notation]

    def sanction_severity(self, notation: str | None) -> int | None:
        """Ordinal severity of a sanction notation (None when unknown or absent)."""
        if not notation:
            return None
        c = self.concepts["Sanction"].get(notation)
        return c.severity if c else None

    def edge_fields(self) -> list[tuple[str, Field]]:
        """Every (class name, field) pair that is stored as a relationship."""
        return [(c.name, f) for c in self.classes.values() for f in c.fields.values() if f.kind == "ref"]


@lru_cache(maxsize=1)
def load_model() -> Model:
    """Parse ``quanze.ttl`` and ``shapes.ttl`` once and build the model."""
    onto = Graph().parse(ONTOLOGY_PATH, format="turtle")
    shapes = Graph().parse(SHAPES_PATH, format="turtle")
    for lst in shapes.objects(None, SH["or"]):
        Collection(shapes, lst)  # fail early on a malformed RDF list
    return Model(onto, shapes)


model = load_model()
