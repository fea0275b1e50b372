"""Records to RDF and back (Turtle, JSON-LD), and SHACL validation of a loaded graph."""

from __future__ import annotations

from typing import Iterable

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import XSD

from loaders.records import Problem, Record
from ontology.model import DATA, QZ, Model, model as default_model

__all__ = ["records_to_rdf", "rdf_to_records", "validate_records", "validate_rdf", "serialize", "parse"]

_XSD = {"date": XSD.date, "boolean": XSD.boolean, "integer": XSD.integer, "string": XSD.string}
_ORIGIN = QZ.origin


def _iri(rid: str) -> URIRef:
    return DATA[rid]


def records_to_rdf(records: Iterable[Record], m: Model = default_model) -> Graph:
    """One resource per record, typed with its class; enum values as concept IRIs.

    Examples
    --------
    >>> from loaders.records import Record
    >>> g = records_to_rdf([Record("Person", "p1", {"name": "甲"})])
    >>> len(g)
    2
    """
    g = Graph()
    g.bind("qz", QZ)
    g.bind("qzd", DATA)
    for r in records:
        s = _iri(r.id)
        cdef = m.classes[r.cls]
        g.add((s, RDF.type, cdef.iri))
        if r.file != "<memory>":
            g.add((s, _ORIGIN, Literal(r.origin)))
        for key, value in r.values.items():
            f = cdef.fields[key]
            for v in value if f.multiple else [value]:
                if f.kind == "ref":
                    g.add((s, f.iri, _iri(v)))
                elif f.kind == "enum":
                    g.add((s, f.iri, m.concept(f.target, v).iri))
                elif f.datatype == "string":
                    g.add((s, f.iri, Literal(v)))
                else:
                    g.add((s, f.iri, Literal(v, datatype=_XSD[f.datatype])))
    return g


def rdf_to_records(g: Graph, m: Model = default_model) -> list[Record]:
    """Rebuild records from a graph made by :func:`records_to_rdf` (exact inverse, origins included)."""
    by_iri = {c.iri: c for c in m.classes.values()}
    out = []
    for s, _, cls_iri in g.triples((None, RDF.type, None)):
        cdef = by_iri.get(cls_iri)
        if cdef is None or not str(s).startswith(str(DATA)):
            continue
        rid = str(s)[len(str(DATA)) :]
        values = {}
        for f in cdef.fields.values():
            objs = list(g.objects(s, f.iri))
            if not objs:
                continue
            conv = []
            for o in objs:
                if f.kind == "ref":
                    conv.append(str(o)[len(str(DATA)) :])
                elif f.kind == "enum":
                    conv.append(m.concept_by_iri[o].notation)
                elif f.datatype == "date":
                    conv.append(str(o))
                else:
                    conv.append(o.toPython())
            values[f.key] = sorted(conv) if f.multiple else conv[0]
        origin = g.value(s, _ORIGIN)
        file, line = "<memory>", 0
        if origin is not None:
            file, _, ln = str(origin).rpartition(":")
            line = int(ln)
        out.append(Record(cdef.name, rid, values, file, line))
    return out


def serialize(g: Graph, fmt: str) -> str:
    """Serialise as ``ttl`` or ``jsonld``."""
    if fmt in ("ttl", "turtle"):
        return g.serialize(format="turtle")
    if fmt in ("jsonld", "json-ld"):
        context = {"qz": str(QZ), "qzd": str(DATA), "xsd": str(XSD)}
        return g.serialize(format="json-ld", context=context, indent=1)
    raise ValueError(f"unknown RDF format {fmt!r} (ttl or jsonld)")


def parse(text: str, fmt: str) -> Graph:
    """Parse Turtle or JSON-LD text written by :func:`serialize`."""
    return Graph().parse(data=text, format="turtle" if fmt in ("ttl", "turtle") else "json-ld")


def validate_rdf(g: Graph, m: Model = default_model) -> list[tuple[str, str, str]]:
    """Run the SHACL shapes; return (focus id, property key, message) per violation."""
    from pyshacl import validate

    # The concepts' types and the class hierarchy live in the ontology: validate data + ontology.
    data = Graph()
    for t in g:
        data.add(t)
    for t in m.ontology:
        data.add(t)
    conforms, report, _ = validate(data, shacl_graph=m.shapes, inference="none", advanced=True, allow_warnings=True)
    if conforms:
        return []
    from rdflib.namespace import SH

    found = []
    for res in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(res, SH.focusNode)
        path = report.value(res, SH.resultPath)
        msg = report.value(res, SH.resultMessage)
        value = report.value(res, SH.value)
        fid = str(focus)[len(str(DATA)) :] if str(focus).startswith(str(DATA)) else str(focus)
        key = m.property_keys.get(path, "(shape)") if path is not None else "(shape)"
        text = str(msg) if msg is not None else "violates a shape"
        if value is not None and str(value).startswith(str(DATA)):
            text += f" ({str(value)[len(str(DATA)):]})"
        found.append((fid, key, text))
    return sorted(set(found))


def validate_records(records: list[Record], m: Model = default_model) -> list[Problem]:
    """SHACL-validate records and locate every violation at its record's ``file:line``."""
    by_id = {r.id: r for r in records}
    out = []
    for fid, key, text in validate_rdf(records_to_rdf(records, m), m):
        r = by_id.get(fid)
        if r is None:
            out.append(Problem("<graph>", 0, key, f"{fid}: {text}"))
        else:
            out.append(Problem(r.file, r.line_of(key), key, f"SHACL: {text}"))
    return out
