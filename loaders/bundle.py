"""Read a case bundle (YAML plus optional CSV tables) into validated records, or fail with every problem."""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import yaml

from loaders.records import Bundle, BundleError, Problem, Record, gc_paused
from ontology.model import ClassDef, Field, Model, model as default_model

__all__ = ["load_bundle", "read_records", "check_records", "ID_PATTERN", "TOP_LEVEL_KEYS"]

ID_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]*$")
TOP_LEVEL_KEYS = {"bundle", "include", "csv"}
_TRUE = {"true", "yes", "y", "1", "是"}
_FALSE = {"false", "no", "n", "0", "否"}
_CSV_SEPARATOR = ";"
_VILLAGE_KINDS = {"village_committee", "village_party_branch", "residents_committee"}
_NO_POWER_ROLES = {"enforce", "supervise"}


@dataclass
class _Scalar:
    """A YAML scalar kept as written, with its line, so that YAML 1.1 guessing cannot bite."""

    raw: str
    tag: str
    line: int

    @property
    def is_null(self) -> bool:
        return self.tag.endswith(":null")


@dataclass
class _Map:
    items: dict[str, Any]
    lines: dict[str, int]
    line: int


@dataclass
class _Seq:
    items: list[Any]
    line: int


@dataclass
class _Built:
    """A CSV row already turned into a record (None when its id was unusable), with its problems."""

    rec: Record | None
    problems: list[Problem] | None


def _csv_converter(f: Field, m: Model, strings: dict[str, str]) -> tuple[dict[str, Any] | None, Any]:
    """(memo, convert) for one CSV column, giving the value and ValueError message of :func:`_convert_value`.

    The reading loop looks a cell up in ``memo`` first and calls ``convert`` (which fills the memo)
    only on a miss: big tables repeat the same dates, notations and references on every row. For
    references the memo is ``strings``, shared with record ids, so a million references share one
    string object per id. Free text has neither: a stripped, non-empty cell is its own value.
    """
    if f.kind == "literal" and f.datatype == "string":
        return None, None
    memo: dict[str, Any] = strings if f.kind == "ref" else {}

    def convert(raw: str) -> Any:
        got = _convert_value(f, _Scalar(raw, "csv", 0), m)  # raises on a bad value, which is not memoised
        if f.kind == "ref" or len(memo) < 100_000:
            memo[raw] = got
        return got

    return memo, convert


class _Reader:
    """Collects raw items from YAML and CSV files and the problems met on the way."""

    def __init__(self, m: Model):
        self.model = m
        self.problems: list[Problem] = []
        self.raw: list[tuple[ClassDef, _Map, str, dict[str, str]] | _Built | Record] = []
        self.meta: dict[str, str] = {}
        self._seen_files: set[Path] = set()
        self._strings: dict[str, str] = {}  # one shared object per id, for ids and references in CSV tables

    def problem(self, file: str, line: int, fieldname: str, message: str) -> None:
        self.problems.append(Problem(file, line, fieldname, message))

    # -- YAML --------------------------------------------------------------------------
    def _convert(self, node: yaml.Node, file: str) -> Any:
        line = node.start_mark.line + 1
        if isinstance(node, yaml.ScalarNode):
            return _Scalar(node.value, node.tag, line)
        if isinstance(node, yaml.SequenceNode):
            return _Seq([self._convert(n, file) for n in node.value], line)
        if isinstance(node, yaml.MappingNode):
            items: dict[str, Any] = {}
            lines: dict[str, int] = {}
            for knode, vnode in node.value:
                key = str(knode.value)
                kline = knode.start_mark.line + 1
                if key in items:
                    self.problem(file, kline, key, f"key given twice in one mapping (first at line {lines[key]})")
                    continue
                items[key] = self._convert(vnode, file)
                lines[key] = kline
            return _Map(items, lines, line)
        raise TypeError(f"unexpected YAML node {node!r}")

    def read_yaml(self, path: Path, display: str) -> None:
        resolved = path.resolve()
        if resolved in self._seen_files:
            return
        self._seen_files.add(resolved)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.problem(display, 0, "(file)", "file not found")
            return
        except UnicodeDecodeError as exc:
            self.problem(display, 0, "(file)", f"not UTF-8 text: {exc.reason}")
            return
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark else 0
            self.problem(display, line, "(yaml)", str(getattr(exc, "problem", exc)))
            return
        if root is None:
            self.problem(display, 1, "(file)", "the bundle is empty")
            return
        top = self._convert(root, display)
        if not isinstance(top, _Map):
            self.problem(display, top.line, "(file)", "a bundle is a mapping of sections (divisions:, bodies:, …)")
            return
        for key, value in top.items.items():
            line = top.lines[key]
            if key == "bundle":
                if isinstance(value, _Map):
                    self.meta.update({k: v.raw for k, v in value.items.items() if isinstance(v, _Scalar)})
                else:
                    self.problem(display, line, key, "expected a mapping with name: and description:")
            elif key == "include":
                for inc in value.items if isinstance(value, _Seq) else [value]:
                    if not isinstance(inc, _Scalar):
                        self.problem(display, line, key, "expected a file name or a list of file names")
                        continue
                    self.read_yaml(path.parent / inc.raw, _display(path.parent / inc.raw))
            elif key == "csv":
                if not isinstance(value, _Map):
                    self.problem(display, line, key, "expected a mapping of section: file.csv")
                    continue
                for section, fname in value.items.items():
                    cdef = self.model.by_section.get(section)
                    if cdef is None:
                        self.problem(display, value.lines[section], f"csv.{section}", _unknown_section(section, self.model))
                    elif not isinstance(fname, _Scalar):
                        self.problem(display, value.lines[section], f"csv.{section}", "expected a file name")
                    else:
                        self.read_csv(path.parent / fname.raw, cdef)
            elif key in self.model.by_section:
                cdef = self.model.by_section[key]
                if not isinstance(value, _Seq):
                    if isinstance(value, _Scalar) and value.is_null:
                        continue
                    self.problem(display, line, key, "expected a list of records")
                    continue
                self._add_items(cdef, value, display, {})
            else:
                self.problem(display, line, key, _unknown_section(key, self.model))

    def _add_items(self, cdef: ClassDef, seq: _Seq, file: str, parent: dict[str, str]) -> None:
        for item in seq.items:
            if not isinstance(item, _Map):
                self.problem(file, item.line, cdef.section, "each record is a mapping with an id:")
                continue
            self.raw.append((cdef, item, file, parent))
            # nested records (clauses under a mandate, actions under a case)
            for child in self.model.classes.values():
                if child.nested_in and self.model.is_a(cdef.name, child.nested_in) and child.nest_key in item.items:
                    nested = item.items[child.nest_key]
                    if not isinstance(nested, _Seq):
                        self.problem(file, item.lines[child.nest_key], child.nest_key, "expected a list of records")
                        continue
                    pid = item.items.get("id")
                    self._add_items(child, nested, file, {child.parent_key: pid.raw if isinstance(pid, _Scalar) else ""})

    # -- CSV ---------------------------------------------------------------------------
    def read_csv(self, path: Path, cdef: ClassDef) -> None:
        display = _display(path)
        try:
            handle = path.open(encoding="utf-8-sig", newline="")
        except FileNotFoundError:
            self.problem(display, 0, "(file)", "file not found")
            return
        with handle:
            reader = csv.reader(handle)
            try:
                header = next(reader)
            except StopIteration:
                self.problem(display, 1, "(header)", "the CSV file is empty")
                return
            header = [h.strip() for h in header]
            allowed = {"id", *cdef.fields}
            for col in header:
                if col not in allowed:
                    self.problem(display, 1, col, f"unknown column for {cdef.section} (known: {', '.join(sorted(allowed))})")
            # Fast path: CSV cells are plain strings, so records are built here directly (with the same
            # checks and messages as _build_record) instead of through _Scalar/_Map wrappers; at a
            # million rows the wrappers cost more time and memory than the data.
            if len(set(header)) != len(header):
                self._read_csv_rows(reader, cdef, header, allowed, display)  # repeated columns: the generic path
                return
            strings = self._strings
            plan = [(i, col, cdef.fields[col].multiple, *_csv_converter(cdef.fields[col], self.model, strings))
                    for i, col in enumerate(header) if col != "id" and col in allowed]
            id_col = header.index("id") if "id" in header else None
            width = len(header)
            raw_append = self.raw.append
            section, cls = cdef.section, cdef.name
            id_match = ID_PATTERN.match
            for row in reader:
                line = reader.line_num
                if len(row) != width:
                    if not any(cell.strip() for cell in row):
                        continue
                    self.problem(display, line, "(row)", f"{len(row)} cells but the header has {width}")
                    continue
                rid = row[id_col].strip() if id_col is not None else ""
                if not rid:
                    if not any(cell.strip() for cell in row):
                        continue
                    raw_append(_Built(None, [Problem(display, line, "id", f"missing id for a record of {section}")]))
                    continue
                if rid not in strings and not id_match(rid):  # ids in `strings` have passed this test
                    raw_append(_Built(None, [Problem(display, line, "id", f"bad id {rid!r} (letters, digits, _ . - ; starting with a letter)")]))
                    continue
                values: dict[str, Any] = {}
                row_problems: list[Problem] | None = None
                for i, key, multiple, memo, convert in plan:
                    cell = row[i]
                    if not cell:
                        continue
                    cell = cell.strip()
                    if not cell:
                        continue
                    if multiple:
                        converted = []
                        for part in cell.split(_CSV_SEPARATOR):
                            part = part.strip()
                            if not part:
                                continue
                            got = memo.get(part) if memo is not None else part
                            if got is None:
                                try:
                                    got = convert(part)
                                except ValueError as exc:
                                    row_problems = row_problems or []
                                    row_problems.append(Problem(display, line, key, str(exc)))
                                    continue
                            converted.append(got)
                        if converted:
                            values[key] = converted
                        continue
                    if memo is None:
                        values[key] = cell  # free text: the stripped, non-empty cell itself
                        continue
                    got = memo.get(cell)
                    if got is None:
                        try:
                            got = convert(cell)
                        except ValueError as exc:
                            row_problems = row_problems or []
                            row_problems.append(Problem(display, line, key, str(exc)))
                            continue
                    values[key] = got
                # field_lines stays empty: every field of a CSV row is on the row's line, which is what
                # Record.line_of falls back to, so positions in messages are unchanged.
                rid = strings.setdefault(rid, rid)
                rec = Record(cls, rid, values, display, line)
                raw_append(rec if row_problems is None else _Built(rec, row_problems))

    def _read_csv_rows(self, reader: Any, cdef: ClassDef, header: list[str], allowed: set[str], display: str) -> None:
        """The generic CSV path: wrap every cell like a YAML scalar and let _build_record convert it."""
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                self.problem(display, line, "(row)", f"{len(row)} cells but the header has {len(header)}")
                continue
            items: dict[str, Any] = {}
            for col, cell in zip(header, row):
                cell = cell.strip()
                if not cell or col not in allowed:
                    continue
                f = cdef.fields.get(col)
                if f is not None and f.multiple:
                    items[col] = _Seq([_Scalar(v.strip(), "csv", line) for v in cell.split(_CSV_SEPARATOR) if v.strip()], line)
                else:
                    items[col] = _Scalar(cell, "csv", line)
            self.raw.append((cdef, _Map(items, {k: line for k in items}, line), display, {}))


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _unknown_section(key: str, m: Model) -> str:
    return f"unknown section (known: {', '.join(sorted(m.by_section))}, bundle, include, csv)"


def _convert_value(f: Field, value: _Scalar, m: Model) -> Any:
    """Convert one scalar for field ``f``; raise ValueError with a message naming what was wrong."""
    raw = value.raw.strip() if isinstance(value.raw, str) else str(value.raw)
    if f.kind == "literal":
        if f.datatype == "date":
            try:
                return dt.date.fromisoformat(raw).isoformat()
            except ValueError:
                raise ValueError(f"bad date {raw!r} (expected YYYY-MM-DD)") from None
        if f.datatype == "boolean":
            low = raw.lower()
            if low in _TRUE:
                return True
            if low in _FALSE:
                return False
            raise ValueError(f"bad boolean {raw!r} (expected true or false)")
        if f.datatype == "integer":
            try:
                return int(raw)
            except ValueError:
                raise ValueError(f"bad integer {raw!r}") from None
        if not raw:
            raise ValueError("empty text")
        return raw
    if f.kind == "enum":
        values = m.concepts[f.target]
        if raw not in values:
            raise ValueError(f"unknown {f.target} {raw!r} (allowed: {', '.join(values)})")
        return raw
    # references are checked once every record has been read
    if not ID_PATTERN.match(raw):
        raise ValueError(f"bad id {raw!r} (letters, digits, _ . - ; starting with a letter)")
    return raw


def _build_record(cdef: ClassDef, item: _Map, file: str, parent: dict[str, str], m: Model, out: list[Problem]) -> Record | None:
    idv = item.items.get("id")
    if not isinstance(idv, _Scalar) or idv.is_null or not idv.raw:
        out.append(Problem(file, item.line, "id", f"missing id for a record of {cdef.section}"))
        return None
    rid = idv.raw.strip()
    if not ID_PATTERN.match(rid):
        out.append(Problem(file, item.lines.get("id", item.line), "id", f"bad id {rid!r} (letters, digits, _ . - ; starting with a letter)"))
        return None
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    nested_keys = {c.nest_key for c in m.classes.values() if c.nested_in and m.is_a(cdef.name, c.nested_in)}
    for key, value in item.items.items():
        line = item.lines.get(key, item.line)
        if key == "id" or key in nested_keys:
            continue
        f = cdef.fields.get(key)
        if f is None:
            known = ", ".join(sorted(cdef.fields))
            out.append(Problem(file, line, key, f"unknown field for {cdef.section} (known: id, {known})"))
            continue
        if isinstance(value, _Scalar) and value.is_null:
            continue
        if isinstance(value, _Map):
            out.append(Problem(file, line, key, "expected a value, not a mapping"))
            continue
        scalars = value.items if isinstance(value, _Seq) else [value]
        if isinstance(value, _Seq) and not f.multiple:
            out.append(Problem(file, line, key, "takes one value, not a list"))
            continue
        converted = []
        for sc in scalars:
            if not isinstance(sc, _Scalar):
                out.append(Problem(file, getattr(sc, "line", line), key, "expected a plain value"))
                continue
            try:
                converted.append(_convert_value(f, sc, m))
            except ValueError as exc:
                out.append(Problem(file, sc.line if sc.tag != "csv" else line, key, str(exc)))
        if not converted:
            continue  # an empty list is the same as an absent field (RDF cannot tell them apart)
        values[key] = converted if f.multiple else converted[0]
        lines[key] = line
    for key, pid in parent.items():
        if key in values and values[key] != pid:
            out.append(Problem(file, lines[key], key, f"nested under {pid!r} but names {values[key]!r}"))
        values[key] = pid
        lines.setdefault(key, item.line)
    return Record(cdef.name, rid, values, file, item.line, lines)


def _derive_defaults(records: dict[str, Record], m: Model) -> None:
    """Fill what the model allows to be omitted: units inherit their body's place; shape defaults."""
    defaults = {name: [(f.key, f.default) for f in c.fields.values() if f.default is not None] for name, c in m.classes.items()}
    for r in records.values():
        if r.cls == "OrganizationalUnit":
            r.values.setdefault("kind", "internal_unit")
            body = records.get(r.values.get("unit_of", ""))
            if "located_in" not in r.values and body is not None and "located_in" in body.values:
                r.values["located_in"] = body.values["located_in"]
        values = r.values
        for key, default in defaults[r.cls]:
            if key not in values:
                values[key] = default




def read_records(path: str | Path, m: Model = default_model) -> tuple[Bundle, list[Problem]]:
    """Read a bundle file or folder into records without raising; return it with the problems found."""
    with gc_paused():
        return _read_records(Path(path), m)


def read_main(reader: "_Reader", p: Path) -> None:
    """Read a bundle's main YAML (a file, or a folder's bundle.yaml) with ``reader``; a folder without
    one is a problem."""
    if p.is_dir():
        main = next((c for c in (p / "bundle.yaml", p / "bundle.yml") if c.exists()), None)
        if main is None:
            reader.problem(_display(p), 0, "(file)", "a bundle folder needs a bundle.yaml")
        else:
            reader.read_yaml(main, _display(main))
    else:
        reader.read_yaml(p, _display(p))


def entry_record(entry: Any, m: Model, problems: list[Problem]) -> Record | None:
    """One entry the reader collected as a record (None when it has problems, which are appended)."""
    if entry.__class__ is Record:  # a CSV row read without problems
        return entry
    if entry.__class__ is _Built:
        if entry.problems:
            problems.extend(entry.problems)
        return entry.rec
    cdef, item, file, parent = entry
    return _build_record(cdef, item, file, parent, m, problems)


def _read_records(p: Path, m: Model) -> tuple[Bundle, list[Problem]]:
    reader = _Reader(m)
    read_main(reader, p)
    problems = list(reader.problems)
    records: dict[str, Record] = {}
    for entry in reader.raw:
        rec = entry_record(entry, m, problems)
        if rec is None:
            continue
        if rec.id in records:
            first = records[rec.id]
            problems.append(Problem(rec.file, rec.line_of("id"), "id", f"duplicate id {rec.id!r} (first defined at {first.origin})"))
            continue
        records[rec.id] = rec
    _derive_defaults(records, m)
    bundle = Bundle(name=reader.meta.get("name", p.stem), path=str(p), records=records, description=reader.meta.get("description", ""))
    problems.extend(_check_records(records, m))  # records is already the by-id dict check_records would build
    return bundle, problems


_DATE_ORDER = (("start", "end", "tenure starts after it ends"),
               ("valid_from", "valid_to", "validity starts after it ends"),
               ("conduct_date", "discovered", "conduct date is after the discovery date"),
               ("conduct_date", "conduct_end", "conduct date is after the conduct end"))


def check_records(records: Iterable[Record], m: Model = default_model) -> list[Problem]:
    """Cross-record rules: required fields, references, dates in order, overlaps, cycles, village powers."""
    return _check_records({r.id: r for r in records}, m)


def _check_records(recs: dict[str, Record], m: Model) -> list[Problem]:
    out: list[Problem] = []
    # Per class, once: the fields worth looking at (required or references) and the date pairs it
    # can carry; per (class, target class), once: the subclass test. Same checks, same order.
    plans: dict[str, tuple[list[tuple[str, bool, str, bool, bool, str | None]], list[tuple[str, str, str]]]] = {}
    for name, cdef in m.classes.items():
        fields = [(f.key, f.required, f.message or f"missing required field for {cdef.section}", f.kind == "ref", f.multiple, f.target)
                  for f in cdef.fields.values() if f.required or f.kind == "ref"]
        plans[name] = (fields, [(a, b, what) for a, b, what in _DATE_ORDER if a in cdef.fields or b in cdef.fields])
    is_a: dict[tuple[str, str | None], bool] = {}
    for r in recs.values():
        fields, pairs = plans[r.cls]
        values = r.values
        for key, required, message, is_ref, multiple, target_cls in fields:
            v = values.get(key)
            if required and (v is None or v == [] or v == ""):
                out.append(Problem(r.file, r.line, key, message))
            if not is_ref or key not in values:
                continue
            for t in v if multiple else (v,):
                target = recs.get(t)
                if target is None:
                    out.append(Problem(r.file, r.line_of(key), key, f"unknown id {t!r} (expected a {target_cls})"))
                    continue
                ok = is_a.get((target.cls, target_cls))
                if ok is None:
                    ok = is_a[(target.cls, target_cls)] = m.is_a(target.cls, target_cls)
                if not ok:
                    out.append(Problem(r.file, r.line_of(key), key, f"{t!r} is a {target.cls}, expected a {target_cls}"))
        for a, b, what in pairs if len(values) > 1 else ():
            if values.get(a) and values.get(b) and values[a] > values[b]:
                out.append(Problem(r.file, r.line_of(b), b, f"{what} ({values[a]} > {values[b]})"))
        if r.cls == "AccountabilityAction" and not (values.get("target_person") or values.get("target_body")):
            out.append(Problem(r.file, r.line, "target_person", "an action names a target_person or a target_body"))
        if r.cls == "DutyClause":
            body = recs.get(values.get("assigned_to", ""))
            if body is not None and body.values.get("kind") in _VILLAGE_KINDS and values.get("role") in _NO_POWER_ROLES:
                out.append(Problem(r.file, r.line_of("role"), "role",
                                   f"{body.values.get('name', body.id)} is a {body.values['kind']}: it has no administrative "
                                   f"enforcement power and cannot hold a {values['role']} duty"))
    out.extend(_overlapping_tenures(recs, m))
    for cls, key in (("Division", "within"), ("Matter", "broader"), ("Organization", "sub_organization_of")):
        out.extend(_cycles(recs, cls, key))
    return out


def _overlapping_tenures(recs: dict[str, Record], m: Model) -> list[Problem]:
    out = []
    by_post: dict[str, list[Record]] = {}
    for r in recs.values():
        if r.cls == "Tenure" and r.values.get("start") and r.values.get("post"):
            by_post.setdefault(r.values["post"], []).append(r)
    for post_id, tenures in by_post.items():
        post = recs.get(post_id)
        if post is None or not post.values.get("single_holder", True):
            continue
        tenures.sort(key=lambda t: t.values["start"])
        for prev, cur in zip(tenures, tenures[1:]):
            end = prev.values.get("end")
            if end is None or cur.values["start"] < end:
                out.append(Problem(cur.file, cur.line_of("start"), "start",
                                   f"tenure overlaps {prev.id} on single-holder post {post_id!r} "
                                   f"({prev.values['start']}–{end or 'open'}); set single_holder: false if the post has several holders"))
    return out


def _cycles(recs: dict[str, Record], cls: str, key: str) -> list[Problem]:
    # Peel first: repeatedly drop records whose `key` leads nowhere (or only to dropped records). What
    # is left is on a cycle or leads into one, usually nothing, so the walk below, which names exactly
    # the records that reach themselves, runs on a handful of records instead of every division.
    remaining = _reaching_cycles(recs, key)
    out = []
    for start in recs.values():
        if start.cls != cls or start.id not in remaining:
            continue
        frontier = start.values.get(key)
        frontier = frontier if isinstance(frontier, list) else ([frontier] if frontier else [])
        stack = list(frontier)
        visited: set[str] = set()
        while stack:
            cur = stack.pop()
            if cur == start.id:
                out.append(Problem(start.file, start.line_of(key), key, f"cycle: {start.id} is (indirectly) {key} itself"))
                break
            if cur in visited or cur not in recs:
                continue
            visited.add(cur)
            nxt = recs[cur].values.get(key)
            stack.extend(nxt if isinstance(nxt, list) else ([nxt] if nxt else []))
    return out


def _reaching_cycles(recs: dict[str, Record], key: str) -> set[str]:
    """Ids of records from which following ``key`` can loop forever (Kahn's peeling, linear time)."""
    pending: dict[str, int] = {}  # record id -> number of its `key` targets not yet peeled
    sources: dict[str, list[str]] = {}  # target id -> records naming it
    for r in recs.values():
        targets = r.values.get(key)
        if not targets:
            continue
        n = 0
        for t in targets if isinstance(targets, list) else [targets]:
            if t in recs:
                n += 1
                sources.setdefault(t, []).append(r.id)
        if n:
            pending[r.id] = n
    if not pending:
        return set()
    ready = [t for t in sources if t not in pending]
    while ready:
        done = ready.pop()
        for src in sources.get(done, ()):
            pending[src] -= 1
            if pending[src] == 0:
                ready.append(src)
    return {rid for rid, n in pending.items() if n > 0}


def load_bundle(path: str | Path, *, shacl: bool = True, m: Model = default_model) -> Bundle:
    """Load and validate a bundle; raise :class:`BundleError` listing every problem.

    Parameters
    ----------
    path : str or Path
        A bundle YAML file, or a folder holding ``bundle.yaml``.
    shacl : bool
        Also validate the records' RDF against ``ontology/shapes.ttl`` (slower on large bundles).

    Examples
    --------
    >>> from loaders.bundle import load_bundle
    >>> from loaders.demo import DEMO_BUNDLE
    >>> b = load_bundle(DEMO_BUNDLE)
    >>> b.counts()["Incident"]
    1
    """
    bundle, problems = read_records(path, m)
    if problems:
        raise BundleError(problems)
    if shacl:
        from graph.rdf import validate_records

        problems = validate_records(list(bundle), m)
        if problems:
            raise BundleError(problems)
    return bundle
