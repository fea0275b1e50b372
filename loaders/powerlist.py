"""Parse power/responsibility lists and township duty lists (pasted tables, CSV, XLSX) into rows."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from loaders.text import (
    Document,
    SourceLine,
    Taxonomy,
    default_taxonomy,
    derive_role,
    is_gap,
    is_junk,
    normalize,
    squash_cjk_spaces,
)

__all__ = ["PowerRow", "PowerListResult", "parse_powerlist", "power_type_of", "COLUMNS", "POWER_TYPES"]

# Canonical column → the headers that mean it (compared after normalisation, spaces removed).
COLUMNS: dict[str, tuple[str, ...]] = {
    "number": ("序号", "编号", "编码", "事项编码", "权力编码", "项目编码"),
    "power_type": ("权力类型", "职权类型", "事项类型", "权力类别", "职权类别", "类型", "类别"),
    "name": ("项目名称", "权力事项名称", "事项名称", "权力名称", "职权名称", "履职事项", "履职事项名称", "主项名称",
             "事项", "权力事项", "职责事项", "事项内容", "工作事项"),
    "sub_item": ("子项名称", "子项"),
    "basis": ("实施依据", "设定依据", "法律依据", "依据", "法定依据", "政策依据", "实施依据及条款"),
    "responsibility": ("责任事项", "责任事项内容", "具体职责", "乡镇(街道)职责", "乡镇职责", "街道职责", "职责内容",
                       "具体内容"),
    "accountability": ("追责情形", "问责情形", "追责依据", "追责情形及依据", "责任追究"),
    "body": ("实施主体", "责任主体", "承办机构", "实施机构", "行使层级", "主体"),
    "stage": ("运行环节", "环节", "流程环节"),
    "department": ("牵头部门", "主管部门", "配合部门", "县级部门", "责任部门", "县直部门", "部门职责", "县级部门职责",
                   "承接部门", "实施部门", "收回部门", "收回后实施部门"),
    "category": ("事项类别", "清单类别", "履职类别", "事项分类"),
    "remark": ("备注", "说明"),
}
_HEADER_LOOKUP = {normalize(h): key for key, names in COLUMNS.items() for h in names}

# 权力类型 → bundle ``power_types`` notation; first match wins, so specific names come first.
POWER_TYPES: list[tuple[str, str]] = [
    ("行政许可", "licensing"), ("行政处罚", "penalty"), ("行政检查", "inspection"), ("行政强制", "coercion"),
    ("行政征收", "levy"), ("行政征用", "levy"), ("行政确认", "confirmation"), ("行政给付", "payment"),
    ("行政奖励", "reward"), ("行政裁决", "ruling"), ("行政审批", "approval"), ("其他行政权力", "other"),
    ("其他权力", "other"), ("许可", "licensing"), ("处罚", "penalty"), ("检查", "inspection"), ("强制", "coercion"),
    ("征收", "levy"), ("确认", "confirmation"), ("给付", "payment"), ("奖励", "reward"), ("裁决", "ruling"),
    ("审批", "approval"), ("备案", "other"), ("公共服务", "other"), ("其他", "other"),
]
# Role a row gives the body, by power type: sanctioning powers enforce, checks supervise.
_ROLE_OF_POWER = {"penalty": "enforce", "coercion": "enforce", "inspection": "supervise", "licensing": "approve",
                  "approval": "approve", "confirmation": "approve", "ruling": "approve"}
_CATEGORY_HEADINGS = [
    (re.compile(r"上级(?:部门|机关)?收回|收回事项|收回的事项"), "withdrawn"),
    (re.compile(r"配合履职|配合事项|配合类"), "assisting"),
    (re.compile(r"基本履职|基本事项|基本类"), "basic"),
]


def power_type_of(text: str) -> str | None:
    """The ``power_types`` notation for a 权力类型 cell, or None when none fits.

    Examples
    --------
    >>> [power_type_of(t) for t in ["行政处罚", "行政强制措施", "行政审批", "其他行政权力", "公共服务", "抽查"]]
    ['penalty', 'coercion', 'approval', 'other', 'other', None]
    """
    norm = normalize(text).replace(" ", "")
    for word, notation in POWER_TYPES:
        if word in norm:
            return notation
    return None


def _category_of(text: str) -> str | None:
    norm = normalize(text)
    for pat, cat in _CATEGORY_HEADINGS:
        if pat.search(norm):
            return cat
    return None


@dataclass
class PowerRow:
    """One row of a list: number, power type (notation and as written), item name, basis,
    responsibility items, accountability situations, township list category, line."""

    number: str
    line: int
    ref: str
    power_type: str | None = None
    power_type_text: str | None = None
    name: str | None = None
    sub_item: str | None = None
    basis: str | None = None
    responsibility: str | None = None
    accountability: str | None = None
    body: str | None = None
    stage: str | None = None
    department: str | None = None
    remark: str | None = None
    list_category: str | None = None
    role: str = "lead"
    matters: list[str] = field(default_factory=list)
    matters_from_context: str | None = None
    truncated: bool = False
    carried: list[str] = field(default_factory=list)
    power_type_inferred: bool = False

    @property
    def text(self) -> str:
        """The duty as one sentence: item name (or stage) and responsibility."""
        head = self.name or self.stage or ""
        if self.sub_item:
            head = f"{head}({self.sub_item})" if head else self.sub_item
        if self.responsibility and self.responsibility != head:
            return f"{head}:{self.responsibility}" if head else self.responsibility
        return head


@dataclass
class PowerListResult:
    """Rows of one list document, its metadata (发布机构, 发文日期…), header columns and warnings."""

    document: Document
    rows: list[PowerRow]
    columns: list[str | None]
    metadata: dict[str, str]
    warnings: list[str]
    township: bool = False
    default_power_type: str | None = None
    skipped: list[tuple[str, str]] = field(default_factory=list)


def _cells(line: SourceLine) -> list[str] | None:
    """A line's cells: given for XLSX/CSV/.docx tables; split on | or tabs for a pasted table."""
    if line.cells is not None:
        return list(line.cells)
    if "|" in line.text:
        parts = [c.strip() for c in line.text.split("|")]
        if parts and parts[-1] == "" and line.text.rstrip().endswith("|"):
            parts = parts[:-1]
        if parts and parts[0] == "" and line.text.lstrip().startswith("|"):
            parts = parts[1:]
        return parts
    if "\t" in line.text:
        return [c.strip() for c in line.text.split("\t")]
    return None


def _header_columns(cells: list[str]) -> list[str | None] | None:
    cols = [_HEADER_LOOKUP.get(normalize(c).replace(" ", "")) for c in cells]
    if sum(1 for c in cols if c) >= 2 and len({c for c in cols if c}) >= 2:
        return cols
    return None


_STAGE = re.compile(r"^\s*\(\s*[一二三四五六七八九十]{1,3}\s*\)\s*[\u4e00-\u9fff]{1,8}\s*$")


class _Parser:
    def __init__(self, doc: Document, taxonomy: Taxonomy):
        self.doc = doc
        self.tax = taxonomy
        self.rows: list[PowerRow] = []
        self.warnings: list[str] = []
        self.skipped: list[tuple[str, str]] = []
        self.metadata: dict[str, str] = {}
        self.columns: list[str | None] | None = None
        self.category: str | None = None
        self.township = False
        title = normalize(doc.title)
        self.default_power_type = power_type_of(title)
        if re.search(r"履职事项|乡镇.*清单|街道.*职责清单", title):
            self.township = True
        self.context_matters = self.tax.classify(doc.title)

    def warn(self, line: SourceLine, message: str) -> None:
        self.warnings.append(f"{self.doc.where(line)}: {message}")

    def run(self) -> None:
        for line in self.doc.lines:
            try:
                self.feed(line)
            except Exception as exc:  # a malformed row must not cost the rest of the list
                self.warn(line, f"could not parse this line ({type(exc).__name__}: {exc})")
        if self.columns is None:
            self.warnings.append(f"{self.doc.name}: no header row found (序号 | 权力类型 | 项目名称 | …); no rows read")
        for row in self.rows:
            self._finish(row)

    def feed(self, line: SourceLine) -> None:
        if is_gap(line.text):
            if self.rows:
                self.rows[-1].truncated = True
            self.warn(line, "gap in the text ([…gap…]): rows after it are missing; the row before it may be cut off")
            return
        if is_junk(line.text):
            return
        cells = _cells(line)
        category = _category_of(line.text) if (cells is None or len([c for c in cells if c]) <= 1) else None
        if category and len(line.norm) <= 40:
            self.category, self.township = category, True
            return
        if cells is None:
            if self.rows and self.columns is not None:
                # a cell's text broken over lines in a paste: it belongs to the last row's last cell
                self._append_to_last(line)
            else:
                self.skipped.append((self.doc.where(line), line.text))
            return
        header = _header_columns(cells)
        if header is not None:
            self.columns = header
            if any(c == "category" for c in header):
                self.township = True
            return
        if self.columns is None:
            self._metadata(cells)
            return
        self._row(line, cells)

    def _metadata(self, cells: list[str]) -> None:
        # "发布机构 | 汪溪街道办事处 | 发文日期 | 2022-09-15": key/value pairs before the header
        for key, value in zip(cells[0::2], cells[1::2]):
            if key and value and len(key) <= 12:
                self.metadata[normalize(key).replace(" ", "")] = value

    def _append_to_last(self, line: SourceLine) -> None:
        row = self.rows[-1]
        for key in ("remark", "accountability", "responsibility", "basis", "name"):
            if getattr(row, key):
                setattr(row, key, getattr(row, key) + line.text)
                return
        self.skipped.append((self.doc.where(line), line.text))

    def _row(self, line: SourceLine, cells: list[str]) -> None:
        cols = self.columns or []
        values: dict[str, str] = {}
        for key, cell in zip(cols, cells):
            if key and cell and key not in values:
                values[key] = cell
        extra = cells[len(cols):]
        number = values.get("number", "")
        prev = self.rows[-1] if self.rows else None
        if not number and prev is not None and not values.get("name") and not values.get("power_type"):
            # no number and no item: the rest of the previous row (a merged cell spread over lines)
            for key, value in values.items():
                old = getattr(prev, key, None)
                setattr(prev, key, f"{old};{value}" if old else value)
            return
        row = PowerRow(number=number or str(len(self.rows) + 1), line=line.number, ref=line.ref)
        if not number:
            self.warn(line, f"row without 序号; numbered {row.number} by position")
        for key, value in values.items():
            if key == "number":
                continue
            setattr(row, key if key != "power_type" else "power_type_text", value)
        if extra and any(extra):
            self.warn(line, f"{len(extra)} cell(s) beyond the header ignored: {' | '.join(extra)[:40]}")
        if "stage" in cols and row.stage and not _STAGE.match(normalize(row.stage)) and prev is not None:
            # 运行环节 spans several rows: a row whose stage cell holds a sentence lost its stage cell,
            # and the sentence belongs to the 责任事项 column
            if not row.responsibility:
                row.responsibility, row.stage = row.stage, prev.stage
                row.carried.append("stage")
                self.warn(line, f"row {row.number}: 运行环节 cell missing (merged cell); carried {prev.stage!r} from the row above")
        # merged 权力类型 / 事项名称 cells leave later rows empty: carry them down
        for key in ("power_type_text", "name", "stage", "body"):
            col = "power_type" if key == "power_type_text" else key
            if col in cols and not getattr(row, key) and prev is not None and getattr(prev, key):
                setattr(row, key, getattr(prev, key))
                row.carried.append(key)
        filled = sum(1 for key, cell in zip(cols, cells) if key and cell)
        wanted = sum(1 for c in cols if c and c != "remark")
        if filled < wanted and not row.carried:
            missing = [COLUMNS[c][0] for c in cols if c and c != "remark" and not values.get(c)]
            row.truncated = True
            self.warn(line, f"row {row.number}: {', '.join(missing)} missing (row cut off or cells merged)")
        if self.category:
            row.list_category = self.category
        elif values.get("category"):
            row.list_category = _category_of(values["category"])
        self.rows.append(row)

    def _finish(self, row: PowerRow) -> None:
        if row.power_type_text:
            row.power_type = power_type_of(row.power_type_text)
            if row.power_type is None:
                row.power_type = "other"
                self.warnings.append(f"{self.doc.name}:{row.ref}: 权力类型 {row.power_type_text!r} not recognised; recorded as other")
        elif self.default_power_type and not self.township:
            row.power_type = self.default_power_type
        elif row.name and (m := re.search(r"行政(许可|处罚|检查|强制|征收|征用|确认|给付|奖励|裁决|审批)", normalize(row.name))):
            # "对违规经营散煤行为的行政处罚": the item names its power even without a 权力类型 column
            row.power_type = power_type_of(m.group(0))
            row.power_type_inferred = True
        for key in ("name", "basis", "responsibility", "accountability", "stage", "sub_item"):
            value = getattr(row, key)
            if value:
                setattr(row, key, squash_cjk_spaces(value.strip()))
        role_text = row.text or ""
        if row.list_category == "assisting":
            role, _ = derive_role(role_text)
            row.role = role if role in ("assist", "coordinate") else "coordinate"
        elif row.power_type in _ROLE_OF_POWER:
            row.role = _ROLE_OF_POWER[row.power_type]
        else:
            row.role, _ = derive_role(role_text)
        row.matters = self.tax.classify(" ".join(filter(None, [row.name, row.sub_item, row.stage, row.responsibility])))
        if not row.matters:
            # a procedural row ("依法调查和保存证据") concerns whatever the list as a whole is about
            if self.context_matters:
                row.matters = list(self.context_matters)
                row.matters_from_context = self.doc.title


def parse_powerlist(doc: Document, taxonomy: Taxonomy | None = None) -> PowerListResult:
    """Parse a power/responsibility list or a township duty list.

    Rows come from table cells (XLSX, CSV, .docx tables) or from pasted lines split on ``|`` or
    tabs. The header row is the first with two known column names (序号, 权力类型, 项目名称/事项名称,
    实施依据, 责任事项, 追责情形, 实施主体, 运行环节…); key/value lines above it are metadata. Headings
    such as "一、基本履职事项" / "配合履职事项" / "上级部门收回事项" set each following row's
    ``list_category``. Merged cells (a 运行环节 or 权力类型 spanning rows) are carried down, with a warning.

    Examples
    --------
    >>> from loaders.text import document_from_text
    >>> doc = document_from_text('''序号 | 权力类型 | 项目名称 | 实施依据
    ... 1 | 行政处罚 | 对违规经营散煤的处罚 | 《大气污染防治法》第一百零七条
    ... 2 | 行政检查 | 扬尘污染防治检查 | ''', "q.txt")
    >>> r = parse_powerlist(doc)
    >>> [(x.number, x.power_type, x.role, x.matters) for x in r.rows]
    [('1', 'penalty', 'enforce', ['m_coal']), ('2', 'inspection', 'supervise', ['m_air', 'm_eco'])]
    """
    p = _Parser(doc, taxonomy or default_taxonomy())
    p.run()
    return PowerListResult(document=doc, rows=p.rows, columns=p.columns or [], metadata=p.metadata,
                           warnings=p.warnings, township=p.township, default_power_type=p.default_power_type,
                           skipped=p.skipped)
