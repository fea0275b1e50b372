"""Parse a 三定 regulation (functions, internal units, staffing) into duty clauses, units and posts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from loaders.text import (
    Document,
    SourceLine,
    Taxonomy,
    default_taxonomy,
    derive_role,
    is_gap,
    is_junk,
    normalize,
    parse_cn_int,
    split_items,
    squash_cjk_spaces,
)

__all__ = [
    "Clause",
    "Unit",
    "LeaderPost",
    "LeaderQuota",
    "Staffing",
    "Demarcation",
    "Plaque",
    "BodyInfo",
    "Provision",
    "SandingResult",
    "parse_sanding",
]

# --------------------------------------------------------------------------------------------------
# Result records


@dataclass
class Clause:
    """A numbered duty: ``number`` as written (第三条(五)), text, line, role and matters.

    ``path`` holds the numbers of the article (or heading) and item, from which stable ids are made;
    ``unit`` names the internal unit the duty is assigned to (None: the body itself).
    """

    number: str
    text: str
    line: int
    ref: str
    role: str
    matters: list[str]
    path: tuple[int, ...]
    unit: str | None = None
    role_guessed: bool = False
    truncated: bool = False
    transferred: bool = False
    matters_from_context: str | None = None

    @property
    def unclassified(self) -> bool:
        """No matter of the taxonomy was recognised in the text (the clause is kept all the same)."""
        return not self.matters


@dataclass
class Unit:
    """An internal unit (内设机构) with its rank, aliases, plaques and own duties."""

    name: str
    line: int
    ref: str
    number: str = ""
    rank: str | None = None
    aliases: list[str] = field(default_factory=list)
    plaques: list[str] = field(default_factory=list)
    duties: list[Clause] = field(default_factory=list)


@dataclass
class LeaderPost:
    """A leader post and its number of holders as the staffing article sets it (局长1名)."""

    title: str
    count: int
    line: int
    ref: str


@dataclass
class LeaderQuota:
    """A number of leader posts not tied to a title: 司局级领导职数79名, 科级领导职数2正5副."""

    scope: str
    total: int | None
    line: int
    ref: str
    principal: int | None = None
    deputy: int | None = None

    @property
    def level(self) -> str | None:
        """The rank level named in the scope (司局级, 科级, 股级), if any."""
        m = re.search(r"(?:正|副)?(?:部|厅|司局|局|县处|处|乡科|科|股)级", normalize(self.scope))
        return m.group(0) if m else None


@dataclass
class Staffing:
    """Staffing: establishment counts by kind (行政编制: 25), leader posts and quotas, unit count."""

    establishment: dict[str, int] = field(default_factory=dict)
    leader_posts: list[LeaderPost] = field(default_factory=list)
    quotas: list[LeaderQuota] = field(default_factory=list)
    unit_count: int | None = None
    lines: dict[str, str] = field(default_factory=dict)


@dataclass
class Demarcation:
    """A 职责分工 item: the other body and the text dividing the duties."""

    number: str
    counterpart: str | None
    text: str
    line: int
    ref: str


@dataclass
class Plaque:
    """An extra name the body carries (保留/加挂…牌子)."""

    name: str
    mode: str


@dataclass
class BodyInfo:
    """What the mandate says of the body itself: name, short name, rank, plaques, status sentence."""

    name: str | None = None
    short_name: str | None = None
    rank: str | None = None
    plaques: list[Plaque] = field(default_factory=list)
    status: str | None = None
    basis: str | None = None


@dataclass
class Provision:
    """A numbered passage that is not a duty clause (basis, status, adjustments…), kept for the report."""

    number: str
    category: str
    text: str
    line: int
    ref: str


@dataclass
class SandingResult:
    """Everything read from one 三定 document, and the warnings met (with line numbers)."""

    document: Document
    body: BodyInfo
    clauses: list[Clause]
    units: list[Unit]
    staffing: Staffing
    demarcations: list[Demarcation]
    provisions: list[Provision]
    warnings: list[str]
    adjustment: bool = False
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def all_clauses(self) -> list[Clause]:
        """Body clauses then unit clauses, in document order within each."""
        return [*self.clauses, *(c for u in self.units for c in u.duties)]


# --------------------------------------------------------------------------------------------------
# Structure: sections (articles, headings) holding numbered items

_NUM_CHARS = "零〇一二两三四五六七八九十百"
_ARTICLE = re.compile(r"^第\s*([" + _NUM_CHARS + r"\d]{1,4})\s*条\s*")
_CHAPTER = re.compile(r"^第\s*([" + _NUM_CHARS + r"\d]{1,4})\s*[章节]\s*")
_TOP = re.compile(r"^([一二三四五六七八九十]{1,3})\s*[、.](?!\d)\s*")
_PAREN_CN = re.compile(r"^\(\s*([一二三四五六七八九十]{1,3})\s*\)\s*")
_PAREN_NUM = re.compile(r"^\(\s*(\d{1,2})\s*\)\s*")
_NUM = re.compile(r"^(\d{1,2})\s*(?:[.、](?!\d)|\))\s*")
_CIRCLED_CHARS = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_CIRCLED = re.compile(r"^([" + _CIRCLED_CHARS + r"])\s*")
_LEADING = [("paren_cn", _PAREN_CN), ("paren_num", _PAREN_NUM), ("circled", _CIRCLED), ("num", _NUM)]

_INLINE = {
    "paren_cn": re.compile(r"\(\s*([一二三四五六七八九十]{1,3})\s*\)"),
    "paren_num": re.compile(r"\(\s*(\d{1,2})\s*\)"),
    "num": re.compile(r"(?:(?<=[。;:,\s])|^)(\d{1,2})\s*[.、](?!\d)"),
    "circled": re.compile(r"[" + _CIRCLED_CHARS + r"]"),
    "top": re.compile(r"(?:(?<=[。;:\s])|^)([一二三四五六七八九十]{1,2})、"),
}
_INLINE_OK_BEFORE = "。;:,. "


def _marker_number(style: str, raw: str) -> int | None:
    if style == "circled":
        return _CIRCLED_CHARS.index(raw) + 1
    return parse_cn_int(raw)


Span = tuple[SourceLine, int, int]


@dataclass
class _Item:
    label: str
    n: int
    style: str
    line: SourceLine
    spans: list[Span] = field(default_factory=list)
    children: list["_Item"] = field(default_factory=list)
    truncated: bool = False

    def own_text(self, norm: bool = False) -> str:
        return "".join((l.norm if norm else l.text)[s:e] for l, s, e in self.spans)

    def text(self, norm: bool = False) -> str:
        parts = [self.own_text(norm)]
        for c in self.children:
            label = normalize(c.label) if norm else c.label
            parts.append(label + c.text(norm))
        return "".join(parts)

    def all_spans(self) -> list[Span]:
        out = list(self.spans)
        for c in self.children:
            out.extend(c.all_spans())
        return out

    def deepest(self) -> "_Item":
        return self.children[-1].deepest() if self.children else self


@dataclass
class _Section:
    kind: str  # root | article | heading | block
    label: str
    n: int | None
    line: SourceLine | None
    intro: list[Span] = field(default_factory=list)
    items: list[_Item] = field(default_factory=list)
    outro: list[Span] = field(default_factory=list)
    category: str = "other"

    def intro_text(self, norm: bool = False) -> str:
        return "".join((l.norm if norm else l.text)[s:e] for l, s, e in self.intro)

    def item_style(self) -> str | None:
        return self.items[0].style if self.items else None

    def last_item(self) -> _Item | None:
        return self.items[-1].deepest() if self.items else None


def _is_heading_text(rest: str) -> bool:
    """A top-level "一、…" line is a heading when it is a short title, possibly ending in a colon."""
    core = rest.strip()
    if re.fullmatch(r"[^。;,!?]{1,20}", core.rstrip(":")) and not core.endswith("。"):
        return True
    return bool(re.match(r"^[^。;,:]{1,20}:", core))


def _find_runs(norm: str, begin: int, style: str, start_n: int, *, fresh: bool) -> list[tuple[int, int, int, str]]:
    """Markers of ``style`` numbered start_n, start_n+1, … in ``norm[begin:]``: (pos, end, n, raw)."""
    pat = _INLINE[style]
    matches = []
    for m in pat.finditer(norm, begin):
        raw = m.group(1) if m.groups() else m.group(0)
        n = _marker_number(style, raw)
        if n is not None:
            matches.append((m.start(), m.end(), n))
    run: list[tuple[int, int, int, str]] = []
    want = start_n
    for pos, end, n in matches:
        if n != want:
            continue
        if not run:
            before = norm[pos - 1] if pos > begin else ""
            if pos > begin and before not in _INLINE_OK_BEFORE:
                continue
        run.append((pos, end, n, norm[pos:end]))
        want += 1
    if fresh and len(run) < 2:
        return []
    return run


class _Builder:
    """Reads lines into sections and items; collects warnings on the way."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.root = _Section("root", "", None, None)
        self.sections: list[_Section] = [self.root]
        self.warnings: list[str] = []
        self.skipped: list[tuple[str, str]] = []
        self.chapters: list[tuple[str, str]] = []

    @property
    def cur(self) -> _Section:
        return self.sections[-1]

    def warn(self, line: SourceLine, message: str) -> None:
        self.warnings.append(f"{self.doc.where(line)}: {message}")

    # -- items ----------------------------------------------------------------------------------
    def _attach(self, sec: _Section, item: _Item) -> None:
        if not sec.items:
            sec.items.append(item)
            return
        if item.style == sec.item_style():
            last = sec.items[-1]
            if item.n != last.n + 1 and not (item.n == 1):
                self.warn(item.line, f"numbering jumps from {last.label} to {item.label}")
            sec.items.append(item)
            return
        parent = sec.items[-1]
        if parent.children and parent.children[0].style != item.style:
            # a third level is folded into the second: the clause keeps all its text anyway
            parent.children[-1].children.append(item)
        else:
            parent.children.append(item)

    def _add_inline(self, line: SourceLine, begin: int, lead_style: str | None, lead_n: int | None) -> int:
        """Split inline items out of ``line.norm[begin:]``; return where the leading content ends."""
        norm = line.norm
        candidates: list[list[tuple[int, int, int, str]]] = []
        for style in _INLINE:
            if lead_style == style and lead_n is not None:
                run = _find_runs(norm, begin, style, lead_n + 1, fresh=False)
            elif lead_style is None and self.cur.items and self.cur.last_item() is not None \
                    and self.cur.items[-1].style == style:
                run = _find_runs(norm, begin, style, self.cur.items[-1].n + 1, fresh=False)
                if not run:
                    run = _find_runs(norm, begin, style, 1, fresh=True)
            else:
                run = _find_runs(norm, begin, style, 1, fresh=True)
            if run:
                candidates.append([(p, e, n, style) for p, e, n, _ in run])
        if not candidates:
            return len(norm)
        candidates.sort(key=lambda r: (r[0][0], -len(r)))
        run = candidates[0]
        ends = [p for p, _, _, _ in run[1:]] + [len(norm)]
        for (pos, end, n, style), stop in zip(run, ends):
            item = _Item(line.text[pos:end].strip(), n, style, line)
            item.spans.append((line, end, stop))
            self._attach(self.cur, item)
        return run[0][0]

    # -- lines ----------------------------------------------------------------------------------
    def feed(self, line: SourceLine) -> None:
        norm = line.norm
        if is_gap(line.text):
            last = self.cur.last_item()
            if last is not None:
                last.truncated = True
            self.warn(line, "gap in the text ([…gap…]): the document is incomplete here; the passage before it may be cut off")
            return
        if is_junk(line.text):
            self.skipped.append((self.doc.where(line), line.text))
            self.warn(line, f"line ignored (no text): {line.text!r}")
            return

        if line.cells is not None and not _ARTICLE.match(norm):
            # a table row (a .docx staffing table) is never the tail of the duty item above it
            if self.cur.kind != "table":
                self.sections.append(_Section("table", "", None, line))
            self.cur.intro.append((line, 0, len(norm)))
            return
        m = _ARTICLE.match(norm)
        if m:
            n = parse_cn_int(m.group(1))
            label = re.sub(r"\s+", "", line.text[: m.end()].strip())
            sec = _Section("article", label, n, line)
            self.sections.append(sec)
            self._content(line, m.end(), None, None, into_intro=True)
            return
        m = _CHAPTER.match(norm)
        if m:
            self.chapters.append((self.doc.where(line), line.text))
            return
        m = _TOP.match(norm)
        if m:
            n = parse_cn_int(m.group(1)) or 0
            rest = norm[m.end():]
            label = line.text[: m.end()].strip()
            cur = self.cur
            as_item = False
            if cur.item_style() == "top" and cur.items and n == cur.items[-1].n + 1:
                as_item = True
            elif not cur.items and cur.intro_text(norm=True).rstrip().endswith(":") and n == 1 \
                    and not (_is_heading_text(rest) and rest.rstrip().endswith(":")):
                as_item = True
            elif cur.kind == "article":
                as_item = True
            elif _is_heading_text(rest):
                as_item = False
            else:
                as_item = True
            if as_item:
                item = _Item(label, n, "top", line)
                self._attach(cur, item)
                self._content(line, m.end(), "top", n, into_intro=False)
            else:
                sec = _Section("heading", label, n, line)
                self.sections.append(sec)
                self._content(line, m.end(), None, None, into_intro=True)
            return
        for style, pat in _LEADING:
            m = pat.match(norm)
            if m:
                n = _marker_number(style, m.group(1))
                if n is None:
                    continue
                item = _Item(line.text[: m.end()].strip(), n, style, line)
                self._attach(self.cur, item)
                self._content(line, m.end(), style, n, into_intro=False)
                return
        # plain text: a new block when it introduces a list after items ("…设下列内设机构:"), or
        # when it is labelled like one ("内设机构:办公室、…")
        if (self.cur.items and norm.rstrip().endswith(":")) or _LABEL_LINE.match(norm):
            sec = _Section("block", "", None, line)
            self.sections.append(sec)
            self._content(line, 0, None, None, into_intro=True)
            return
        self._content(line, 0, None, None, into_intro=not self.cur.items, continuation=True)

    def _content(self, line: SourceLine, begin: int, style: str | None, n: int | None, *,
                 into_intro: bool, continuation: bool = False) -> None:
        sec = self.cur
        had_items = bool(sec.items)
        target = sec.last_item() if not into_intro else None
        stop = self._add_inline(line, begin, style, n)
        if stop <= begin:
            return
        span = (line, begin, stop)
        if into_intro and not had_items:
            sec.intro.append(span)
        elif continuation and target is not None:
            if line.blank_before and not _name_only(target):
                # a paragraph after a blank line closes the list: "调整后,…" is not part of item 三
                sec.outro.append(span)
            else:
                target.spans.append(span)
        elif target is not None:
            target.spans.append(span)
        elif sec.items:
            sec.items[-1].deepest().spans.append(span)
        else:
            sec.intro.append(span)


def _name_only(item: _Item) -> bool:
    text = item.own_text(norm=True).strip()
    return bool(text) and len(text) <= 30 and not re.search(r"[。;,]", text)


# --------------------------------------------------------------------------------------------------
# Categorising sections and reading facts

_LABEL_LINE = re.compile(r"^(内设机构|机构设置|人员编制|编制|领导职数|职责分工|主要职责|工作职责)[^:,。]{0,8}:")
_DUTY_INTRO = re.compile(r"(职责|职能|工作任务|主要任务)(是|为|如下|包括|有)?\s*:\s*$")
_UNITS_INTRO = re.compile(r"内设机构|设下列|下设|设立下列|内设[\d" + _NUM_CHARS + r"]+个")
_DEMARCATION = re.compile(r"职责分工|职责边界")
_STAFFING = re.compile(r"编制|领导职数")
_ADJUST_TITLE = re.compile(r"调整.*(通知|方案|决定|意见)|(通知|决定).*调整")
_TRANSFER_IN = re.compile(r"划入|划给|划转给|增加.{0,20}职责")

_RANK = r"(?:(?:正|副)(?:部|厅|司|局|处|科)级|(?:正|副)?(?:司局|县处|乡科|股)级)"
_BODY_RANK = re.compile(r"(?:为|规格为|级别为|规格是)(" + _RANK + ")")
_UNIT_RANK = re.compile(r"[(]\s*(" + _RANK + r")\s*[)]|(?:规格|级别)为(" + _RANK + ")")
_PLAQUE = re.compile(r"(对外保留|保留|对外加挂|加挂|挂)([^,。;、()\s]{2,40}?)牌子")
_SHORT_NAME = re.compile(r"以下简称[\"“]?([^)\"”,]+)")
_TITLE_BODY = [
    re.compile(r"^(.+?)(?=职能配置|主要职责|主要工作职责|内设机构和人员编制|职能\(|职能$)"),
    re.compile(r"关于调整(.+?)(?:的)?职责"),
]
_STATUS_SUBJECT = re.compile(r"^([^,。;:]{2,30}?)(?:的)?(?:机构)?(?:规格|级别)为")
_IS_SUBJECT = re.compile(r"^([^,。;:]{2,30}?)是[^,。;]{0,30}(?:部门|机构|机关)")

_NUMERAL = r"(\d+|[" + _NUM_CHARS + r"]+)"
_ESTABLISHMENT = re.compile(r"((?:机关)?(?:行政|事业|人员|政法专项|工勤|参公|全额拨款事业)?)编制(?:数)?(?:核定为|核定|为|共|总数为|总额为)?" + _NUMERAL + "名")
_QUOTA = re.compile(r"([\u4e00-\u9fff]{0,8}?)领导职数(?:核定为|核定|为|共)?" + _NUMERAL + "名")
_QUOTA_SPLIT = re.compile(r"([\u4e00-\u9fff]{0,10}?)(?:领导职数)?(?:核定为|为)?" + _NUMERAL + "正" + _NUMERAL + "副")
_UNIT_COUNT = re.compile(r"内设(?:机构|职能科室|职能处室|职能科|职能处|科室|处室)?" + _NUMERAL + "个")
_COUNT_THEN_NAME = re.compile(r"内设机构" + _NUMERAL + "个")
_POST_COUNT = re.compile(r"([\u4e00-\u9fff]{1,16})" + _NUMERAL + "名")
_POST_SUFFIXES = ("局长", "厅长", "部长", "主任", "书记", "主席", "组长", "司长", "处长", "科长", "院长", "所长", "站长",
                  "队长", "馆长", "校长", "秘书长", "总工程师", "总经济师", "总会计师", "总规划师", "总师", "督察长",
                  "专员", "总监", "检察长", "巡视员", "调研员", "镇长", "乡长", "区长", "县长", "市长", "省长", "委员",
                  "台长", "行长", "社长", "主任科员")
_UNIT_SUFFIXES = ("厅", "司", "局", "处", "科", "室", "股", "中心", "队", "组", "办", "部", "所", "站", "委", "会", "院",
                  "馆", "台", "办公室")
_TERMINAL = tuple("。;!?…”」)") + (".",)


def _categorize(sec: _Section) -> str:
    intro = sec.intro_text(norm=True).strip()
    if _DUTY_INTRO.search(intro):
        return "duty"
    if _DEMARCATION.search(intro):
        return "demarcation"
    if _UNITS_INTRO.search(intro) and (sec.items or intro.endswith(":")):
        return "units"
    if re.fullmatch(r"(主要|工作)?职责|主要职能", intro.rstrip(":")) and sec.items:
        return "duty"
    if _STAFFING.search(intro):
        return "staffing"
    if sec.kind == "article" and sec.n == 1 and "根据" in intro:
        return "basis"
    if sec.kind == "article" and sec.n == 2:
        return "status"
    return "other"


def _body_from_title(title: str) -> str | None:
    norm = normalize(title).strip()
    for pat in _TITLE_BODY:
        m = pat.search(norm)
        if m:
            start, end = m.span(1)
            name = title[start:end].strip().strip("《》")
            if 2 <= len(name) <= 40 and not re.match(r"^第\S{1,4}[条章]", normalize(name)):
                return name
    return None


def _text(spans: Iterable[Span], norm: bool = False) -> str:
    return "".join((l.norm if norm else l.text)[s:e] for l, s, e in spans)


class _Reader:
    """Turns the built sections into the result records."""

    def __init__(self, doc: Document, builder: _Builder, taxonomy: Taxonomy):
        self.doc = doc
        self.b = builder
        self.tax = taxonomy
        self.warnings = builder.warnings
        self.title = doc.title
        self.adjustment = bool(_ADJUST_TITLE.search(normalize(self.title)))

    def where(self, line: SourceLine) -> str:
        return self.doc.where(line)

    def warn(self, line: SourceLine | None, message: str) -> None:
        self.warnings.append(f"{self.where(line)}: {message}" if line is not None else f"{self.doc.name}: {message}")

    # -- body -----------------------------------------------------------------------------------
    def body(self) -> BodyInfo:
        info = BodyInfo()
        info.name = _body_from_title(self.title)
        status_spans: list[Span] = []
        for sec in self.b.sections:
            if sec.category == "status":
                status_spans.extend(sec.intro)
        if not status_spans:
            # no 第二条: the status sentence is the first that gives a rank or says what the body is
            for sec in self.b.sections:
                if sec.category not in ("duty", "units"):
                    for span in [*sec.intro, *(s for it in sec.items for s in it.all_spans())]:
                        t = _text([span], norm=True)
                        if _BODY_RANK.search(t) or _IS_SUBJECT.search(t):
                            status_spans.append(span)
                            break
                if status_spans:
                    break
        status_norm = _text(status_spans, norm=True)
        if status_spans:
            info.status = squash_cjk_spaces(_text(status_spans))
        if status_spans and not any(sec.category == "status" for sec in self.b.sections):
            # running text: only the sentence giving the rank speaks of the body itself
            picked = [x for x in re.split(r"(?<=[。;])", status_norm) if _BODY_RANK.search(x) or _IS_SUBJECT.search(x)]
            status_norm = picked[0] if picked else status_norm
            info.status = squash_cjk_spaces(status_norm)
        m = _SHORT_NAME.search(status_norm)
        if m:
            info.short_name = m.group(1).strip()
        for sentence in re.split(r"[。;]", status_norm):
            if "内设" in sentence:
                continue
            m = _BODY_RANK.search(sentence)
            if m and info.rank is None:
                info.rank = m.group(1)
            if info.name is None:
                ms = _STATUS_SUBJECT.search(sentence.strip()) or _IS_SUBJECT.search(sentence.strip())
                if ms:
                    name = re.sub(r"\(.*?\)", "", ms.group(1)).strip()
                    if 2 <= len(name) <= 30:
                        info.name = name
            for pm in _PLAQUE.finditer(sentence):
                name = pm.group(2)
                if name.startswith(("该", "本", "其")):
                    continue
                if name not in [p.name for p in info.plaques]:
                    info.plaques.append(Plaque(name, pm.group(1).replace("对外", "")))
        for sec in self.b.sections:
            if sec.category == "basis":
                info.basis = squash_cjk_spaces(sec.intro_text())
        return info

    # -- clauses --------------------------------------------------------------------------------
    def _clause(self, sec: _Section, item: _Item, number: str, path: tuple[int, ...], text: str,
                unit: str | None = None) -> Clause:
        text = squash_cjk_spaces(text.strip())
        role, guessed = derive_role(text)
        matters = self.tax.classify(text)
        context = None
        if not matters:
            # "应急管理办公室的主要职责是:" or the unit's or body's name tells what an item like
            # "承办交办的其他事项" is about; recorded so the reviewer sees where the matter came from
            intro = sec.intro_text().strip()
            lead_in = re.split(r"[。;,，；]", intro)[-1] if intro else ""
            # a unit's routine duties ("负责机关日常运转") are not about the body's field: only its name counts
            sources = (unit,) if unit else (lead_in, self.body_info.name)
            for source in sources:
                if source and (found := self.tax.classify(source)):
                    matters, context = found, source
                    break
        return Clause(number=number, text=text, line=item.line.number, ref=item.line.ref, role=role,
                      matters=matters, path=path, unit=unit, role_guessed=guessed, truncated=item.truncated,
                      matters_from_context=context)

    def _number(self, sec: _Section, item: _Item) -> str:
        return f"{sec.label}{item.label}" if sec.label else item.label

    def _path(self, sec: _Section, item: _Item) -> tuple[int, ...]:
        return (sec.n, item.n) if sec.n is not None and sec.kind in ("article", "heading") else (item.n,)

    def duty_clauses(self) -> list[Clause]:
        out: list[Clause] = []
        for sec in self.b.sections:
            if sec.category == "duty":
                if not sec.items:
                    self.warn(sec.line, f"{sec.label or 'duty list'}: announces duties but no numbered item follows")
                for item in sec.items:
                    text = item.text()
                    if not text.strip():
                        self.warn(item.line, f"{self._number(sec, item)}: empty item")
                        continue
                    out.append(self._clause(sec, item, self._number(sec, item), self._path(sec, item), text))
            elif self.adjustment and sec.category in ("other", "staffing"):
                for item in sec.items:
                    norm = item.text(norm=True)
                    if "职责" in norm and _TRANSFER_IN.search(norm) and "更名" not in norm:
                        c = self._clause(sec, item, self._number(sec, item), self._path(sec, item), item.text())
                        c.transferred = True
                        out.append(c)
        return out

    def units(self) -> list[Unit]:
        out: list[Unit] = []
        for sec in self.b.sections:
            if sec.category != "units":
                continue
            intro = sec.intro_text(norm=True)
            m = _UNIT_RANK.search(intro)
            section_rank = (m.group(1) or m.group(2)) if m else None
            for item in sec.items:
                unit = self._unit_from_item(sec, item, section_rank)
                if unit is not None:
                    out.append(unit)
        known = {u.name for u in out}
        for unit in self._inline_units():
            if unit.name not in known:
                out.append(unit)
                known.add(unit.name)
        return out

    def _unit_from_item(self, sec: _Section, item: _Item, section_rank: str | None) -> Unit | None:
        spans = item.all_spans()
        if not spans:
            return None
        first_line, s0, e0 = spans[0]
        first_norm = first_line.norm[s0:e0]
        m = re.match(r"^\s*([^。:;,()]{1,30}?)\s*(\([^)]*\))?\s*(。|:|$)", first_norm)
        if not m:
            self.warn(item.line, f"{self._number(sec, item)}: could not read a unit name")
            return None
        name = first_line.text[s0 + m.start(1): s0 + m.end(1)].strip()
        if not normalize(name).endswith(_UNIT_SUFFIXES):
            self.warn(item.line, f"{self._number(sec, item)}: {name!r} does not look like a unit name (科/处/室…)")
        unit = Unit(name=name, line=item.line.number, ref=item.line.ref, number=self._number(sec, item) + name,
                    rank=section_rank)
        if m.group(2):
            inner_norm = m.group(2)[1:-1]
            inner = first_line.text[s0 + m.start(2) + 1: s0 + m.end(2) - 1]
            rank = re.fullmatch(_RANK, inner_norm.strip())
            if rank:
                unit.rank = inner_norm.strip()
            else:
                for pm in _PLAQUE.finditer(inner_norm):
                    unit.plaques.append(inner[pm.start(2): pm.end(2)])
                if not unit.plaques:
                    unit.aliases = [a for a, _ in split_items(inner, strip_tail=False)]
        rest_spans: list[Span] = [(first_line, s0 + m.end(), e0)] + spans[1:]
        duties = _text(rest_spans).strip()
        if duties:
            path = self._path(sec, item)
            clause = self._clause(sec, item, unit.number, path, duties, unit=name)
            unit.duties.append(clause)
        return unit

    def _inline_units(self) -> list[Unit]:
        """Units listed in running text: "中卫市气象局内设办公室(…)、业务科技科,其规格为正科级"."""
        names = [n for n in (self.body_info.name, self.body_info.short_name) if n]
        names_norm = [normalize(n) for n in names]
        out: list[Unit] = []
        for sec in self.b.sections:
            if sec.category in ("duty", "units"):
                continue
            spans = [*sec.intro, *(s for it in sec.items for s in it.all_spans()), *sec.outro]
            for line, s, e in spans:
                norm = line.norm[s:e]
                for m in re.finditer(r"内设(?:机构)?(?:有|为)?:?", norm):
                    head = re.split(r"[。;,:]", norm[: m.start()])[-1].strip()
                    if head and not any(head == n or head.endswith(n) or n.endswith(head) for n in names_norm) \
                            and head not in ("本局", "本机关", "机关"):
                        continue
                    tail = norm[m.end():]
                    depth, stop = 0, len(tail)
                    for i, ch in enumerate(tail):
                        depth += ch == "("
                        depth -= ch == ")"
                        if depth == 0 and ch in ",。;:":
                            stop = i
                            break
                    listed = tail[:stop]
                    if not listed or re.search(r"\d|职数|编制|个$", listed):
                        continue
                    after = tail[stop:stop + 20]
                    rm = re.match(r"^,?\s*(?:其)?(?:机构)?(?:规格|级别)(?:均)?为(" + _RANK + ")", after)
                    rank = rm.group(1) if rm else None
                    offset = s + m.end()
                    original = line.text[offset: offset + stop]
                    for name, aliases in split_items(original, strip_tail=False):
                        if not normalize(name).endswith(_UNIT_SUFFIXES):
                            continue
                        out.append(Unit(name=name, line=line.number, ref=line.ref, number="", rank=rank, aliases=aliases))
        return out

    # -- staffing -------------------------------------------------------------------------------
    def staffing(self) -> Staffing:
        st = Staffing()
        for sec in self.b.sections:
            if sec.category == "units":
                m = _UNIT_COUNT.search(sec.intro_text(norm=True))
                if m and st.unit_count is None:
                    st.unit_count = parse_cn_int(m.group(1))
                    st.lines["unit_count"] = self.where(sec.intro[0][0])
                continue
            if sec.category == "duty":
                continue
            items_spans = [s for it in sec.items if not self._is_transfer(it)
                           for s in it.all_spans()]
            for line, s, e in [*sec.intro, *items_spans, *sec.outro]:
                self._staffing_span(st, line, line.norm[s:e])
        return st

    def _is_transfer(self, item: _Item) -> bool:
        # "将…4名行政编制…划入": a delta, not the body's establishment
        return bool(self.adjustment and _TRANSFER_IN.search(item.text(norm=True)))

    def _staffing_span(self, st: Staffing, line: SourceLine, norm: str) -> None:
        for m in _ESTABLISHMENT.finditer(norm):
            kind = m.group(1).replace("机关", "") + "编制"
            value = parse_cn_int(m.group(2))
            if value is None:
                continue
            if kind in st.establishment and st.establishment[kind] != value:
                self.warn(line, f"{kind} given twice ({st.establishment[kind]} and {value}); keeping the later")
            st.establishment[kind] = value
            st.lines[kind] = self.where(line)
        for m in _COUNT_THEN_NAME.finditer(norm):
            value = parse_cn_int(m.group(1))
            if value is not None:
                st.unit_count = value
                st.lines["unit_count"] = self.where(line)
        taken: list[tuple[int, int]] = []
        for m in _QUOTA_SPLIT.finditer(norm):
            p, d = parse_cn_int(m.group(2)), parse_cn_int(m.group(3))
            scope = m.group(1).strip()
            st.quotas.append(LeaderQuota(scope=scope or "领导职数", total=(p or 0) + (d or 0), line=line.number,
                                         ref=line.ref, principal=p, deputy=d))
            taken.append(m.span())
        for m in _QUOTA.finditer(norm):
            if any(a <= m.start() < b for a, b in taken):
                continue
            st.quotas.append(LeaderQuota(scope=(m.group(1).strip() or "领导职数"), total=parse_cn_int(m.group(2)),
                                         line=line.number, ref=line.ref))
            taken.append(m.span())
        for segment_match in re.finditer(r"[^,;。、:]+", norm):
            segment = segment_match.group(0)
            for m in _POST_COUNT.finditer(segment):
                title = m.group(1)
                if "设" in title:
                    title = title[title.rindex("设") + 1:]
                title = re.sub(r"^(其中|另|配备|核定|为|共)", "", title)
                if not title or re.search(r"编制|职数|人员|干部", title) or not title.endswith(_POST_SUFFIXES):
                    continue
                count = parse_cn_int(m.group(2))
                if count is None:
                    continue
                st.leader_posts.append(LeaderPost(title=title, count=count, line=line.number, ref=line.ref))

    # -- demarcations and the rest ----------------------------------------------------------------
    def demarcations(self) -> list[Demarcation]:
        out = []
        for sec in self.b.sections:
            if sec.category != "demarcation":
                continue
            entries = [(self._number(sec, it), it.text(), it.line) for it in sec.items] or \
                      [(sec.label, sec.intro_text(), sec.line or sec.intro[0][0])]
            for number, text, line in entries:
                norm = normalize(text)
                m = re.search(r"与([^,。;:]{2,30}?)(?:之间)?的?(?:有关)?职责分工", norm)
                counterpart = text[m.start(1): m.end(1)] if m else None
                out.append(Demarcation(number, counterpart, squash_cjk_spaces(text.strip()), line.number, line.ref))
        return out

    def provisions(self, clauses: list[Clause]) -> list[Provision]:
        used = {(c.line, c.number) for c in clauses}
        out = []
        for sec in self.b.sections:
            if sec.category in ("duty", "units", "demarcation"):
                continue
            if sec.kind in ("article", "heading") and sec.line is not None:
                out.append(Provision(sec.label, sec.category, squash_cjk_spaces(sec.intro_text())[:120],
                                     sec.line.number, sec.line.ref))
            for it in sec.items:
                number = self._number(sec, it)
                if (it.line.number, number) in used:
                    continue
                out.append(Provision(number, sec.category, squash_cjk_spaces(it.text())[:120], it.line.number, it.line.ref))
        return out


def parse_sanding(doc: Document, taxonomy: Taxonomy | None = None) -> SandingResult:
    """Parse a 三定 regulation (or an old-style 主要职责、内设机构 page, or a duty regulation).

    Parameters
    ----------
    doc : Document
        The document, e.g. from :func:`loaders.text.read_document`.
    taxonomy : Taxonomy, optional
        Matters to classify clauses with; the default ``loaders/taxonomy.yaml`` when None.

    Returns
    -------
    SandingResult
        Body information, duty clauses, internal units (with their duties), staffing,
        demarcations, the numbered passages that are not duties, and warnings with line numbers.

    Examples
    --------
    >>> from loaders.text import document_from_text
    >>> doc = document_from_text('''第二条 县林业局是县政府工作部门,为正科级。
    ... 第三条 县林业局的主要职责是:(一)负责森林防火工作。(二)依法查处破坏森林资源的违法行为。
    ... 第五条 县林业局行政编制8名。设局长1名,副局长两名。''', "demo.txt")
    >>> r = parse_sanding(doc)
    >>> [(c.number, c.role) for c in r.clauses]
    [('第三条(一)', 'lead'), ('第三条(二)', 'enforce')]
    >>> r.body.rank, r.staffing.establishment, [(p.title, p.count) for p in r.staffing.leader_posts]
    ('正科级', {'行政编制': 8}, [('局长', 1), ('副局长', 2)])
    """
    tax = taxonomy or default_taxonomy()
    builder = _Builder(doc)
    for line in doc.lines:
        try:
            builder.feed(line)
        except Exception as exc:  # one malformed line must not cost the rest of the document
            builder.warn(line, f"could not parse this line ({type(exc).__name__}: {exc})")
    for sec in builder.sections:
        sec.category = _categorize(sec)
    reader = _Reader(doc, builder, tax)
    body = reader.body()
    reader.body_info = body
    clauses = reader.duty_clauses()
    units = reader.units()
    staffing = reader.staffing()
    demarcations = reader.demarcations()
    provisions = reader.provisions(clauses)

    all_clauses = [*clauses, *(c for u in units for c in u.duties)]
    if not clauses and not any(u.duties for u in units):
        reader.warn(None, "no duty clauses found (no article or heading ending in 主要职责是: / 职责: with numbered items)")
    for c in all_clauses:
        if not c.text.rstrip().endswith(_TERMINAL):
            c.truncated = True
        if c.truncated:
            reader.warnings.append(f"{doc.name}:{c.ref}: {c.number}: the text seems cut off; check it against the source")
    return SandingResult(document=doc, body=body, clauses=clauses, units=units, staffing=staffing,
                         demarcations=demarcations, provisions=provisions, warnings=reader.warnings,
                         adjustment=reader.adjustment, skipped=builder.skipped)
