"""The Quanze ontology (Turtle + SHACL) and its Python view."""

from ontology.model import DATA, QZ, Concept, ClassDef, Field, Model, OntologyError, model

__all__ = ["DATA", "QZ", "Concept", "ClassDef", "Field", "Model", "OntologyError", "model"]
