"""Turn real mandate documents (三定, 分工, power and duty lists) into reviewable case-bundle records."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import yaml

from loaders.fengong import FengongResult, parse_fengong
from loaders.powerlist import PowerListResult, parse_powerlist
from loaders.sanding import SandingResult, parse_sanding
from loaders.text import (Document, Taxonomy, derive_role, document_date, load_taxonomy, normalize, read_document,
                          squash_cjk_spaces)

__all__ = ["IngestResult", "ingest", "write_bundle_part", "KINDS", "PLACEHOLDER_DATE", "TO_CHECK"]

KINDS = ("sanding", "fengong", "quanze", "auto")
"""Accepted ``kind`` values: 三定 (also old-style duty pages and duty regulations), 分工, 权责清单 /
township duty list, or ``auto`` (the corpus header ``kind:``, else a guess from the text)."""
_KIND_ALIASES = {"sanding": "sanding", "rule": "sanding", "regulation": "sanding", "fengong": "fengong",
                 "quanze": "quanze", "powerlist": "quanze", "power_list": "quanze", "duty_list": "quanze",
                 "auto": "auto"}
PLACEHOLDER_DATE = "1900-01-01"
"""The ``valid_from`` written when a document gives no date: obviously wrong, so it is checked."""
TO_CHECK = "待核实"
"""Marker that starts every note the investigator must check before loading the part."""

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]*$")
_SECTION_ORDER = ("matters", "units", "posts", "people", "mandates", "assignments")
_MANDATE_ID_KIND = {"sanding": "sanding", "adjustment": "adjust", "regulation": "rule", "power_list": "powers",
                    "duty_list": "duties", "demarcation": "demarcation", "other": "doc"}
_CATEGORY = {"basic": ("b", "基本履职事项"), "assisting": ("p", "配合履职事项"), "withdrawn": ("w", "上级部门收回事项")}
_PRINCIPAL_TITLE = re.compile(r"^(?!.*副)(?!总)(?!.*助理).*(?:省长|市长|区长|县长|州长|镇长|乡长|局长|厅长|部长|主任|书记|主席|司长|处长|科长|署长|院长)$")


@dataclass
class IngestResult:
    """Bundle-format records read from the documents, and the report a reviewer reads first.

    ``records`` maps section names (``mandates`` with nested ``clauses``, ``units``, ``posts``,
    ``people``, ``assignments``, and ``matters`` when the default taxonomy is emitted) to plain dicts
    in bundle field names. ``report`` lists, per file, what was extracted, what could not be parsed
    (with line numbers), unclassified clauses and placeholder values to check.
    """

    body_id: str
    records: dict[str, list[dict[str, Any]]]
    report: list[str]
    warnings: list[str] = field(default_factory=list)
    unclassified: list[str] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)
    parsed: list[SandingResult | FengongResult | PowerListResult] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Records per section (clauses counted on their own)."""
        out = {k: len(v) for k, v in self.records.items()}
        out["clauses"] = sum(len(m.get("clauses", [])) for m in self.records.get("mandates", []))
        return out

    def clauses(self) -> list[dict[str, Any]]:
        """Every clause record, across mandates."""
        return [c for m in self.records.get("mandates", []) for c in m.get("clauses", [])]

    def report_text(self) -> str:
        return "\n".join(self.report)


class _Builder:
    """Accumulates records across files, keeping ids unique and stable."""

    def __init__(self, body_id: str, taxonomy: Taxonomy, known_bodies: Mapping[str, str]):
        self.body_id = body_id
        self.tax = taxonomy
        self.known = {normalize(k).replace(" ", ""): v for k, v in known_bodies.items()}
        self.records: dict[str, list[dict[str, Any]]] = {k: [] for k in _SECTION_ORDER if k != "matters"}
        self.ids: set[str] = set()
        self.report: list[str] = []
        self.warnings: list[str] = []
        self.unclassified: list[str] = []
        self.placeholders: list[str] = []
        self.used_matters: list[str] = []
        self.units_by_name: dict[str, str] = {}
        self.posts_by_name: dict[str, dict[str, Any]] = {}

    def unique(self, wanted: str) -> str:
        base = re.sub(r"[^A-Za-z0-9_.\-]", "_", wanted)
        if not base or not base[0].isalpha():
            base = "x" + base
        rid, n = base, 2
        while rid in self.ids:
            rid, n = f"{base}_{n}", n + 1
        self.ids.add(rid)
        return rid

    def _clause_record(self, cid: str, number: str, text: str, assigned: str, matter_ids: Iterable[str], role: str,
                       role_guessed: bool, source: str, notes: list[str], truncated: bool = False) -> dict[str, Any]:
        """One clause in bundle fields; what the reviewer must check goes in its note and the report."""
        rec: dict[str, Any] = {"id": cid, "number": number, "text": text, "assigned_to": assigned}
        matters = self.use_matters(matter_ids)
        if matters:
            rec["matters"] = matters
        rec["role"] = role
        rec["source"] = source
        notes = list(notes)
        if not matters:
            notes.append(f"{TO_CHECK}: 未归入任何事项")
            self.unclassified.append(f"{cid} ({number}) {source}: {text[:40]}")
        if role_guessed:
            notes.append(f"{TO_CHECK}: 未识别职责动词, role 暂定 {role}")
        if truncated:
            notes.append(f"{TO_CHECK}: 原文在此截断, 条文可能不完整")
        if notes:
            rec["note"] = "; ".join(notes)
        return rec

    def use_matters(self, ids: Iterable[str]) -> list[str]:
        out = [m for m in ids if m in self.tax]
        for m in out:
            if m not in self.used_matters:
                self.used_matters.append(m)
        return out

    def resolve(self, name: str, aliases: Sequence[str] = ()) -> str | None:
        """Id of a body or unit named in a list, when the user's bundle knows it (exact or unique suffix)."""
        for candidate in (name, *aliases):
            key = normalize(candidate).replace(" ", "")
            if key in self.known:
                return self.known[key]
            if key in self.units_by_name:
                return self.units_by_name[key]
            if len(key) >= 3:
                hits = {v for k, v in self.known.items() if k.endswith(key)}
                if len(hits) == 1:
                    return hits.pop()
        return None

    # -- dates ----------------------------------------------------------------------------------
    def dates(self, doc: Document) -> tuple[str, str | None, str | None]:
        """``(valid_from, issued, note)`` for a document; a placeholder and a note when unknown."""
        found = document_date(doc)
        if found is None:
            msg = f"{TO_CHECK}: 文中未见日期, valid_from 为占位值 {PLACEHOLDER_DATE}"
            self.placeholders.append(f"{doc.name}: valid_from = {PLACEHOLDER_DATE} (no date in the document)")
            return PLACEHOLDER_DATE, None, msg
        date, exact, where = found
        if exact:
            msg = f"{TO_CHECK}: valid_from 取自文件日期 {date} ({where}), 请核对施行日期"
            self.placeholders.append(f"{doc.name}: valid_from = {date} from the document date ({where}); check the date in force")
            return date, date, msg
        msg = f"{TO_CHECK}: 文中只有年月, valid_from 暂取 {date}"
        self.placeholders.append(f"{doc.name}: valid_from = {date} (month only, {where})")
        return date, None, msg

    # -- 三定 -----------------------------------------------------------------------------------
    def add_sanding(self, r: SandingResult) -> None:
        doc = r.document
        kind = "regulation" if doc.kind == "rule" else ("adjustment" if r.adjustment else "sanding")
        valid_from, issued, date_note = self.dates(doc)
        mid = self.unique(f"{self.body_id}.{_MANDATE_ID_KIND[kind]}" + (f".{issued.replace('-', '')}" if issued else ""))
        mandate = self._mandate(mid, doc, kind, valid_from, issued, [date_note])

        units_added = 0
        for u in r.units:
            key = normalize(u.name).replace(" ", "")
            if key in self.units_by_name:
                continue
            uid = self.unique(f"{self.body_id}.unit{len(self.units_by_name) + 1:02d}")
            self.units_by_name[key] = uid
            rec: dict[str, Any] = {"id": uid, "name": u.name, "unit_of": self.body_id}
            if u.rank:
                rec["rank"] = u.rank
            rec["source"] = f"{doc.name}:{u.ref}" + (f" {u.number}" if u.number else "")
            notes = []
            if u.aliases:
                notes.append("又称: " + "、".join(u.aliases))
            if u.plaques:
                notes.append("加挂: " + "、".join(f"{p}牌子" for p in u.plaques))
            if notes:
                rec["note"] = "; ".join(notes)
            self.records["units"].append(rec)
            units_added += 1

        clauses = []
        for c in r.all_clauses():
            path = ".".join(str(n) for n in c.path)
            cid = self.unique(f"{mid}.{path}")
            assigned = self.units_by_name.get(normalize(c.unit).replace(" ", "")) if c.unit else self.body_id
            notes = []
            if c.transferred:
                notes.append("调整通知: 职责划入")
            if c.matters_from_context:
                notes.append(f"{TO_CHECK}: 条文未点明事项, 事项据“{c.matters_from_context}”推定")
            clauses.append(self._clause_record(cid, c.number, c.text, assigned or self.body_id, c.matters, c.role,
                                               c.role_guessed, f"{doc.name}:{c.ref}", notes, c.truncated))
        # 职责分工 items divide a duty with another body: this body's share becomes a clause of its own
        for n, d in enumerate(r.demarcations, 1):
            text = squash_cjk_spaces(d.text.strip())
            role, guessed = derive_role(text)
            notes = [f"职责分工: 与{d.counterpart or '?'}划分职责; 对方的职责请在其机构下录入"]
            clauses.append(self._clause_record(self.unique(f"{mid}.demarcation{n}"), d.number, text, self.body_id,
                                               self.tax.classify(text), role, guessed, f"{doc.name}:{d.ref}", notes))
        mandate["clauses"] = clauses
        self.records["mandates"].append(mandate)

        posts_added = self._staffing_posts(r)
        b, st = r.body, r.staffing
        lines = [f"== {doc.name}: {kind} → mandate {mid}"]
        desc = [x for x in (b.name, b.rank) if x]
        if b.plaques:
            desc.append("牌子: " + "、".join(f"{p.name}({p.mode})" for p in b.plaques))
        if desc:
            lines.append(f"   body as written: {'; '.join(desc)}" + (f" — set rank: {b.rank} on {self.body_id}" if b.rank else ""))
        unit_duties = sum(len(u.duties) for u in r.units)
        lines.append(f"   extracted: {len(r.clauses)} duty clauses, {units_added} units ({unit_duties} unit duties), "
                     f"{posts_added} leader posts")
        staffing = [f"{k}{v}名" for k, v in st.establishment.items()]
        staffing += [f"{p.title}{p.count}名" for p in st.leader_posts]
        staffing += [f"{q.scope}领导职数{q.total}名" + (f"({q.principal}正{q.deputy}副)" if q.principal is not None else "")
                     for q in st.quotas]
        if st.unit_count is not None:
            staffing.append(f"内设机构{st.unit_count}个")
            if r.units and st.unit_count != len(r.units):
                self.warnings.append(f"{doc.name}: {st.unit_count} internal units announced, {len(r.units)} read")
        if staffing:
            lines.append("   staffing: " + ", ".join(staffing))
        for d in r.demarcations:
            lines.append(f"   demarcation → clause of {self.body_id} (enter {d.counterpart or 'the other body'}'s share under it): "
                         f"{doc.name}:{d.ref} {d.number}: {d.text[:50]}")
        for p in r.provisions:
            if p.category not in ("basis", "status"):
                lines.append(f"   not a duty clause: {doc.name}:{p.ref} {p.number} [{p.category}] {p.text[:40]}")
        self.report.extend(lines)
        self.warnings.extend(r.warnings)

    def _mandate(self, mid: str, doc: Document, kind: str, valid_from: str, issued: str | None,
                 notes: list[str]) -> dict[str, Any]:
        rec: dict[str, Any] = {"id": mid, "title": doc.title or doc.name, "kind": kind, "governs": [self.body_id]}
        if issued:
            rec["issued"] = issued
        rec["valid_from"] = valid_from
        source = doc.name + (f" ({doc.header['url']})" if doc.header.get("url") else "")
        rec["source"] = source
        rec["note"] = "; ".join(n for n in notes if n)
        return rec

    def _staffing_posts(self, r: SandingResult) -> int:
        added = 0
        principal_done = any(p.get("principal") for p in self.records["posts"])
        for lp in r.staffing.leader_posts:
            key = normalize(lp.title)
            if key in self.posts_by_name:
                continue
            pid = self.unique(f"{self.body_id}.post{len(self.records['posts']) + 1:02d}")
            principal = not principal_done and bool(_PRINCIPAL_TITLE.match(key))
            principal_done = principal_done or principal
            rec: dict[str, Any] = {"id": pid, "name": lp.title, "post_in": self.body_id, "principal": principal,
                                   "leading": True, "single_holder": lp.count == 1}
            rank = _post_rank(r.body.rank, principal, key)
            if rank:
                rec["rank"] = rank
            rec["note"] = f"领导职数{lp.count}名 ({r.document.name}:{lp.ref})" + (
                f"; {TO_CHECK}: 职级按机构规格{r.body.rank}推定" if rank else "")
            self.records["posts"].append(rec)
            self.posts_by_name[key] = rec
            added += 1
        return added

    # -- 分工 -----------------------------------------------------------------------------------
    def add_fengong(self, r: FengongResult) -> None:
        doc = r.document
        valid_from, _, date_note = self.dates(doc)
        lines = [f"== {doc.name}: fengong → {len(r.entries)} assignments"]
        leader_posts: dict[int, str] = {}
        leader_people: dict[int, str] = {}
        counters: dict[tuple[int, str], int] = {}
        unresolved: list[str] = []
        first_ref: dict[int, str] = {}
        for e in r.entries:
            first_ref.setdefault(e.leader, e.ref)
        modes_of: dict[int, set[str]] = {}
        for e in r.entries:
            modes_of.setdefault(e.leader, set()).add(e.mode)
        leader_index = {k: i for i, k in enumerate(sorted(first_ref), start=1)}
        for e in r.entries:
            k = leader_index[e.leader]
            tag = f"{self.body_id}.leader{k:02d}"
            if e.leader not in leader_posts:
                leader_posts[e.leader] = self._leader_post(e, tag, doc, "overall" in modes_of[e.leader])
                if e.person:
                    pid = self.unique(f"{tag}.person")
                    self.records["people"].append({"id": pid, "name": e.person, "note": f"来源: {doc.name}:{first_ref[e.leader]}"})
                    leader_people[e.leader] = pid
            j = counters[(e.leader, e.mode)] = counters.get((e.leader, e.mode), 0) + 1
            aid = self.unique(f"{tag}.{e.mode}{j}")
            rec: dict[str, Any] = {"id": aid, "post": leader_posts[e.leader]}
            if e.leader in leader_people:
                rec["person"] = leader_people[e.leader]
            rec["mode"] = e.mode
            bodies, missing = [], []
            for b in e.bodies:
                found = self.resolve(b.name, b.aliases)
                if found:
                    if found not in bodies:
                        bodies.append(found)
                elif b.looks_like_body or e.mode == "overall":
                    missing.append(b.name + (f"({'、'.join(b.aliases)})" if b.aliases else ""))
            if e.mode == "overall" and not bodies:
                bodies, missing = [self.body_id], []
            if bodies:
                rec["bodies"] = bodies
            matters = self.use_matters(e.matters)
            if matters:
                rec["matters"] = matters
            rec["valid_from"] = valid_from
            rec["source"] = f"{doc.name}:{e.ref}"
            rec["text"] = e.text
            notes = [date_note]
            if missing:
                notes.append(f"{TO_CHECK}: 所列单位未匹配到 id: " + "、".join(missing))
                unresolved.extend(missing)
            if e.concurrent:
                notes.append("兼任: " + "、".join(e.concurrent))
            if not matters and not bodies:
                notes.append(f"{TO_CHECK}: 未归入任何事项或单位")
                self.unclassified.append(f"{aid} ({e.mode}) {doc.name}:{e.ref}: {e.text[:40]}")
            rec["note"] = "; ".join(notes)
            self.records["assignments"].append(rec)
        people = sorted({e.person for e in r.entries if e.person})
        lines.append(f"   extracted: {len(leader_posts)} leaders ({len(people)} named), {len(r.entries)} entries: "
                     + ", ".join(f"{m} {sum(1 for e in r.entries if e.mode == m)}" for m in ("overall", "in_charge", "assist", "liaison")))
        if unresolved:
            lines.append(f"   bodies not matched to ids ({len(unresolved)}): " + "、".join(unresolved[:30])
                         + (" …" if len(unresolved) > 30 else ""))
        for where, text in r.skipped:
            lines.append(f"   not parsed: {where}: {text[:50]}")
        self.report.extend(lines)
        self.warnings.extend(r.warnings)

    def _leader_post(self, e, tag: str, doc: Document, overall: bool) -> str:
        title = e.post
        existing = self.posts_by_name.get(normalize(title)) if title else None
        if existing is not None and existing.get("single_holder", True):
            return existing["id"]
        pid = self.unique(f"{tag}.post")
        rec: dict[str, Any] = {"id": pid, "name": title or f"{TO_CHECK}: 未注明职务",
                               "post_in": self.body_id,
                               "principal": overall or bool(title and _PRINCIPAL_TITLE.match(normalize(title))),
                               "leading": True}
        notes = [f"来源: {doc.name}:{e.ref}"]
        if e.person:
            notes.append(f"分工所列: {e.person}")
        if e.concurrent:
            notes.append("兼任: " + "、".join(e.concurrent))
        rec["note"] = "; ".join(notes)
        self.records["posts"].append(rec)
        return pid

    # -- lists ----------------------------------------------------------------------------------
    def add_powerlist(self, r: PowerListResult) -> None:
        doc = r.document
        kind = "duty_list" if r.township else "power_list"
        valid_from, issued, date_note = self.dates(doc)
        mid = self.unique(f"{self.body_id}.{_MANDATE_ID_KIND[kind]}" + (f".{issued.replace('-', '')}" if issued else ""))
        mandate = self._mandate(mid, doc, kind, valid_from, issued, [date_note])
        clauses = []
        for pos, row in enumerate(r.rows, start=1):
            digits = row.number if re.fullmatch(r"\d+", row.number) else str(pos)
            if row.list_category:
                letter, label = _CATEGORY[row.list_category]
                cid = self.unique(f"{mid}.{letter}{int(digits):02d}")
                number = f"{label}{row.number}"
            else:
                cid = self.unique(f"{mid}.r{int(digits):02d}")
                number = f"序号{row.number}"
            text = row.text or f"{TO_CHECK}: 无事项名称"
            rec: dict[str, Any] = {"id": cid, "number": number, "text": text, "assigned_to": self.body_id}
            matters = self.use_matters(row.matters)
            if matters:
                rec["matters"] = matters
            rec["role"] = row.role
            if row.power_type:
                rec["power_types"] = [row.power_type]
            if row.list_category:
                rec["list_category"] = row.list_category
            rec["source"] = f"{doc.name}:{row.ref}"
            notes = []
            if row.power_type_text:
                notes.append(f"权力类型: {row.power_type_text}")
            elif row.power_type_inferred:
                notes.append(f"{TO_CHECK}: 权力类型据事项名称推定")
            if row.basis:
                notes.append(f"实施依据: {_short(row.basis, 120)}")
            if row.accountability:
                notes.append(f"追责情形: {_short(row.accountability, 120)}")
            if row.department:
                notes.append(f"部门: {row.department}")
            if row.body:
                notes.append(f"实施主体: {row.body}")
            if row.matters_from_context:
                notes.append(f"{TO_CHECK}: 事项据清单标题推定")
            if not matters:
                notes.append(f"{TO_CHECK}: 未归入任何事项")
                self.unclassified.append(f"{cid} ({number}) {doc.name}:{row.ref}: {text[:40]}")
            if row.truncated:
                notes.append(f"{TO_CHECK}: 该行不完整")
            if notes:
                rec["note"] = "; ".join(notes)
            clauses.append(rec)
        mandate["clauses"] = clauses
        self.records["mandates"].append(mandate)
        lines = [f"== {doc.name}: {kind} → mandate {mid}",
                 f"   extracted: {len(r.rows)} rows" + (f" (default power type {r.default_power_type} from the title)"
                                                        if r.default_power_type and not any(x.power_type_text for x in r.rows) else "")]
        if r.metadata.get("发布机构"):
            lines.append(f"   发布机构: {r.metadata['发布机构']}")
        for where, text in r.skipped:
            lines.append(f"   not parsed: {where}: {text[:50]}")
        self.report.extend(lines)
        self.warnings.extend(r.warnings)


def _post_rank(body_rank: str | None, principal: bool, title: str) -> str | None:
    """The usual rank of a leader post from the body's rank: the principal holds the body's rank and
    a deputy the 副 grade of a 正-grade body; anything else is left for the reviewer."""
    if not body_rank:
        return None
    if principal:
        return body_rank
    m = re.match(r"^正(.+级)$", body_rank)
    if m and title.startswith("副"):
        return "副" + m.group(1)
    return None


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _guess_kind(doc: Document) -> str:
    header = _KIND_ALIASES.get(doc.kind.strip().lower()) if doc.kind else None
    if header and header != "auto":
        return header
    text = "\n".join(l.norm for l in doc.lines[:80])
    if sum(1 for l in doc.lines[:80] if l.cells is not None or "|" in l.text or "\t" in l.text) >= 2:
        return "quanze"
    if re.search(r"主持.{0,12}全面工作|分管\s*:|分管[^,。]{1,20}、|联系\s*:", text) and not re.search(r"第[一二三]条", text):
        return "fengong"
    return "sanding"


def _known_bodies(source: Any) -> dict[str, str]:
    """Names → ids of bodies and units in a bundle YAML file given as the taxonomy (if it is one)."""
    out: dict[str, str] = {}
    if isinstance(source, (str, Path)):
        p = Path(source)
        p = p / "bundle.yaml" if p.is_dir() else p
        try:
            data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            return out
        for section in ("bodies", "units"):
            for item in data.get(section) or []:
                if isinstance(item, Mapping) and item.get("id") and item.get("name"):
                    out[str(item["name"])] = str(item["id"])
    elif hasattr(source, "of"):
        for cls in ("Organization", "OrganizationalUnit"):
            for rec in source.of(cls):
                if rec.values.get("name"):
                    out[rec.values["name"]] = rec.id
    return out


def ingest(paths: str | Path | Sequence[str | Path], kind: str, body_id: str, taxonomy: Any = None, *,
           emit_matters: bool | None = None, known_bodies: Mapping[str, str] | None = None) -> IngestResult:
    """Read mandate documents for one body into bundle-format records.

    Parameters
    ----------
    paths : path or list of paths
        .txt/.md, .docx, .xlsx or .csv files.
    kind : {"sanding", "fengong", "quanze", "auto"}
        三定 (also old-style 主要职责 pages and duty regulations), 分工, 权责清单 or township duty
        list, or ``auto`` to take each file's header ``kind:`` (else a guess from the text).
    body_id : str
        Id of the body in your bundle (ASCII: letters, digits, ``_ . -``, starting with a letter). Ids
        of the new records are derived from it and from clause numbers.
    taxonomy : path, list of matter dicts, Bundle or Taxonomy, optional
        Matters to classify with. A bundle YAML path also lends its bodies' and units' names, so
        分工 lists can point at their ids. None: the default ``loaders/taxonomy.yaml``.
    emit_matters : bool, optional
        Add the matters the records use (and their broader ones) to the output. Default: only when
        the default taxonomy is used (a user taxonomy already lives in the user's bundle).
    known_bodies : mapping, optional
        Extra ``name → id`` for bodies and units named in 分工 lists.

    Returns
    -------
    IngestResult
        ``records`` by section and a ``report``; notes starting with ``待核实`` mark values to check.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "s.txt").write_text("第三条 主要职责是:(一)负责森林防火。(二)查处毁林行为。(三)承办交办的其他事项。",
    ...                             encoding="utf-8")
    >>> r = ingest([d / "s.txt"], "sanding", "forestry")
    >>> [(c["id"], c["number"], c["role"], c.get("matters")) for c in r.clauses()]  # doctest: +NORMALIZE_WHITESPACE
    [('forestry.sanding.3.1', '第三条(一)', 'lead', ['m_forest']),
     ('forestry.sanding.3.2', '第三条(二)', 'enforce', None),
     ('forestry.sanding.3.3', '第三条(三)', 'lead', None)]
    >>> r.unclassified[0]
    'forestry.sanding.3.2 (第三条(二)) s.txt:1: 查处毁林行为。'
    >>> r.records["mandates"][0]["valid_from"], r.records["mandates"][0]["note"]
    ('1900-01-01', '待核实: 文中未见日期, valid_from 为占位值 1900-01-01')
    """
    if not _ID.match(body_id or ""):
        raise ValueError(f"bad body id {body_id!r} (letters, digits, _ . - ; starting with a letter)")
    wanted = _KIND_ALIASES.get((kind or "").strip().lower())
    if wanted is None:
        raise ValueError(f"unknown kind {kind!r} (expected one of {', '.join(KINDS)})")
    if isinstance(paths, (str, Path)):
        paths = [paths]
    tax = load_taxonomy(taxonomy)
    emit = (taxonomy is None) if emit_matters is None else emit_matters
    known = {**_known_bodies(taxonomy), **dict(known_bodies or {})}
    b = _Builder(body_id, tax, known)
    parsed: list[SandingResult | FengongResult | PowerListResult] = []
    for path in paths:
        try:
            doc = read_document(path)
        except Exception as exc:  # an unreadable file is reported; the other files still load
            b.report.append(f"== {Path(path).name}: could not be read ({type(exc).__name__}: {exc})")
            b.warnings.append(f"{Path(path).name}: could not be read ({type(exc).__name__}: {exc})")
            continue
        k = _guess_kind(doc) if wanted == "auto" else wanted
        if k == "sanding":
            r = parse_sanding(doc, tax)
            b.add_sanding(r)
        elif k == "fengong":
            r = parse_fengong(doc, tax)
            b.add_fengong(r)
        else:
            r = parse_powerlist(doc, tax)
            b.add_powerlist(r)
        parsed.append(r)

    records: dict[str, list[dict[str, Any]]] = {}
    if emit and b.used_matters:
        records["matters"] = tax.records(tax.with_ancestors(b.used_matters))
    for key in _SECTION_ORDER:
        if key != "matters" and b.records.get(key):
            records[key] = b.records[key]

    report = list(b.report)
    if not len(tax):
        report.append(f"== taxonomy {tax.source} has no matters: nothing was classified")
    if b.unclassified:
        report.append(f"== unclassified ({len(b.unclassified)}): kept, with note '{TO_CHECK}: 未归入任何事项'")
        report.extend(f"   {u}" for u in b.unclassified)
    if b.placeholders:
        report.append(f"== values to check ({len(b.placeholders)})")
        report.extend(f"   {p}" for p in b.placeholders)
    if b.warnings:
        report.append(f"== warnings ({len(b.warnings)})")
        report.extend(f"   {w}" for w in b.warnings)
    if "matters" in records:
        report.append(f"== matters: {len(records['matters'])} emitted from {tax.source} (omit with emit_matters=False "
                      f"if your bundle already defines them)")
    elif b.used_matters:
        report.append(f"== matters: records refer to {len(b.used_matters)} matters of {tax.source}, not emitted: "
                      + ", ".join(b.used_matters))
    return IngestResult(body_id=body_id, records=records, report=report, warnings=b.warnings,
                        unclassified=b.unclassified, placeholders=b.placeholders, parsed=parsed)


class _PartDumper(yaml.SafeDumper):
    """Block style; lists of short scalars (matters, governs) inline, so records stay readable."""


def _represent_list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    flow = bool(data) and all(isinstance(x, str) and len(x) <= 40 for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_PartDumper.add_representer(list, _represent_list)


def write_bundle_part(result: IngestResult, path: str | Path) -> Path:
    """Write the records as a reviewable YAML bundle part (block style, Chinese unescaped).

    The report's summary goes in a comment at the top. Include the file from a bundle that defines
    ``result.body_id`` (``include: [part.yaml]``) after checking every ``待核实`` note.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> r = IngestResult("b1", {"people": [{"id": "b1.p", "name": "林涛"}]}, ["== x.txt: ok"])
    >>> p = write_bundle_part(r, pathlib.Path(tempfile.mkdtemp()) / "part.yaml")
    >>> "name: 林涛" in p.read_text(encoding="utf-8")
    True
    """
    p = Path(path)
    header = [f"# Bundle part written by `quanze ingest` for body {result.body_id!r}.",
              f"# Check every note starting with {TO_CHECK} before including this file in a bundle.",
              "#"]
    # the report travels with the file, so a reviewer sees the warnings without rerunning ingest
    header += [f"# {line}" for line in result.report[:200]]
    body = yaml.dump({k: v for k, v in result.records.items() if v}, Dumper=_PartDumper, allow_unicode=True,
                     sort_keys=False, default_flow_style=False, width=4096, indent=2)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text("\n".join(header) + "\n\n" + body, encoding="utf-8")
    return p
