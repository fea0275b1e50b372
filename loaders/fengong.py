"""Parse a leadership division of duties (领导班子分工) into entries: who, which post, which mode, what."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from loaders.text import (
    Document,
    SourceLine,
    Taxonomy,
    default_taxonomy,
    is_gap,
    is_junk,
    normalize,
    split_items,
    squash_cjk_spaces,
)

__all__ = ["NamedItem", "FengongEntry", "FengongResult", "parse_fengong", "MODES"]

MODES = ("overall", "in_charge", "liaison", "assist")
"""Assignment modes, as the bundle's ``assignments.mode``: 主持全面, 分管/负责, 联系, 协助/协管."""


@dataclass
class NamedItem:
    """A body, unit or area of work as written in the list, with the aliases given in brackets."""

    name: str
    aliases: list[str] = field(default_factory=list)

    @property
    def looks_like_body(self) -> bool:
        """True when the name ends like an organisation (局, 委, 办, 公司, 中心…), not an area of work."""
        return normalize(self.name).endswith(_BODY_SUFFIXES)


@dataclass
class FengongEntry:
    """One statement of a leader's duties: 主持…全面工作 (overall), 负责/分管 (in_charge), 联系 (liaison),
    协助/协管 (assist), with the bodies or areas it lists and the matters recognised in it."""

    person: str | None
    post: str | None
    mode: str
    bodies: list[NamedItem]
    matters: list[str]
    text: str
    line: int
    ref: str
    concurrent: list[str] = field(default_factory=list)
    leader: int = 0

    @property
    def names(self) -> list[str]:
        return [b.name for b in self.bodies]


@dataclass
class FengongResult:
    """The entries of one 分工 document, the leaders found, and warnings with line numbers."""

    document: Document
    entries: list[FengongEntry]
    warnings: list[str]
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def leaders(self) -> list[tuple[int, str | None, str | None]]:
        """``(leader index, person, post)`` in document order, one per leader."""
        seen: dict[int, tuple[int, str | None, str | None]] = {}
        for e in self.entries:
            seen.setdefault(e.leader, (e.leader, e.person, e.post))
        return list(seen.values())


_TITLE_SUFFIXES = (
    "常务副省长", "常务副市长", "常务副区长", "常务副县长", "省长", "市长", "区长", "县长", "州长", "旗长", "镇长", "乡长",
    "主任", "书记", "局长", "厅长", "部长", "主席", "秘书长", "组长", "党组成员", "党委委员", "委员", "常委", "调研员",
    "巡视员", "专员", "处长", "科长", "所长", "站长", "队长", "院长", "行长", "总经理", "经理", "总监", "总师",
    "总工程师", "助理", "主任科员", "检察长", "庭长", "社长", "台长", "馆长", "校长",
)
_TITLE = r"(?:[\u4e00-\u9fff]{0,12}?(?:" + "|".join(sorted(map(re.escape, _TITLE_SUFFIXES), key=len, reverse=True)) + r"))"
_TITLE_AT_START = re.compile(r"^(?:新任)?(" + _TITLE + r")(?=[,:;。\s(兼]|$)")
_BODY_SUFFIXES = ("局", "委", "办", "厅", "室", "院", "公司", "中心", "队", "大队", "部", "部队", "所", "站", "会", "政府",
                  "政协", "人大", "法院", "检察院", "分局", "集团", "银行", "总公司", "办事处", "街道", "镇", "乡")
_MODE_VERBS = r"(?:主持|负责|分管|协管|协助|联系|主管|兼任|兼管)"
_LABELLED = re.compile(r"^(分管|联系|协管|负责|主持|主管|协助)\s*(?:领域|单位|部门|工作)?\s*:\s*")
_OVERALL = re.compile(r"主持(.*?)(?:的)?全面工作")
_ASSIST = re.compile(r"^协助(.{0,10}?)(?:负责|分管|抓好|做好|主管)(.*)$")
_ASSIST_PLAIN = re.compile(r"^(?:协助|协管)(.*)$")
_IN_CHARGE = re.compile(r"^(?:负责|分管|主管)(.*)$")
_LIAISON = re.compile(r"^联系(.*)$")
_CONCURRENT = re.compile(r"兼(?:任)?([^,。;:]{2,30}?)(?=[,。;:]|$)")
_SUMMARY_END = re.compile(r"(具体)?分工(情况)?(调整)?如下")

# Common surnames, to tell a name line ("马兴瑞") from a two- to four-character heading.
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施"
    "文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷"
    "盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷"
    "晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆"
    "乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平"
    "计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公"
    "哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
)
_COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "令狐")
_NOT_NAME = re.compile(r"工作|分工|如下|负责|分管|联系|主持|协助|同志|领导|政府|班子|单位|部门|具体|附件|备注|说明|日期|来源")


def _looks_like_name(text: str) -> bool:
    t = text.replace("·", "")
    if not re.fullmatch(r"[\u4e00-\u9fff]{2,4}", t) or _NOT_NAME.search(t):
        return False
    if t.endswith(_TITLE_SUFFIXES):
        return False
    return t[0] in _SURNAMES or t.startswith(_COMPOUND_SURNAMES)


def _title_from_document_title(title: str) -> str | None:
    norm = normalize(title)
    for m in re.finditer(r"\(([^()]{2,20})\)", norm):
        if re.fullmatch(_TITLE, m.group(1)):
            return title[m.start(1): m.end(1)]
    m = re.search(r"(" + _TITLE + r")(?:同志)?(?:工作)?分工", norm)
    if m:
        return title[m.start(1): m.end(1)]
    return None


class _Parser:
    def __init__(self, doc: Document, taxonomy: Taxonomy):
        self.doc = doc
        self.tax = taxonomy
        self.entries: list[FengongEntry] = []
        self.warnings: list[str] = []
        self.skipped: list[tuple[str, str]] = []
        self.person: str | None = None
        self.post: str | None = None
        self.concurrent: list[str] = []
        self.leader = 0
        self.pending_name_line: SourceLine | None = None
        self.default_post = _title_from_document_title(doc.title)

    def warn(self, line: SourceLine, message: str) -> None:
        self.warnings.append(f"{self.doc.where(line)}: {message}")

    def new_leader(self, person: str | None, post: str | None) -> None:
        self.leader += 1
        self.person, self.post, self.concurrent = person, post, []

    def run(self) -> None:
        lines = self.doc.lines
        start = 0
        for i, line in enumerate(lines):
            if _SUMMARY_END.search(line.norm) and len(line.norm) <= 30:
                start = i + 1
                for skipped in lines[:i]:
                    self.skipped.append((self.doc.where(skipped), skipped.text))
                if i:
                    self.warnings.append(f"{self.doc.where(lines[0])}-{lines[i - 1].ref}: text before "
                                         f"'{line.text}' read as a summary and not parsed into entries")
                break
        for line in lines[start:]:
            try:
                self.feed(line)
            except Exception as exc:  # a malformed line must not cost the rest of the document
                self.warn(line, f"could not parse this line ({type(exc).__name__}: {exc})")
        if self.pending_name_line is not None:
            self.warn(self.pending_name_line, f"{self.person}: name without any duties after it")

    def feed(self, line: SourceLine) -> None:
        text, norm = line.text, line.norm
        if is_gap(text):
            self.warn(line, "gap in the text ([…gap…]): entries after it are missing")
            return
        if is_junk(text):
            self.skipped.append((self.doc.where(line), text))
            return
        if _looks_like_name(norm.strip()):
            if self.pending_name_line is not None:
                self.warn(self.pending_name_line, f"{self.person}: name without any duties after it")
            self.new_leader(text.strip(), None)
            self.pending_name_line = line
            return
        pos = self._leader_prefix(line)
        self.pending_name_line = None
        self._statements(line, pos)

    def _leader_prefix(self, line: SourceLine) -> int:
        """Read "张三(局长):", "局长 张三:", "张三,局长," or "副省长兼任…," at the start; return where duties begin."""
        norm = line.norm
        m = re.match(r"^([\u4e00-\u9fff·]{2,4})\s*\(\s*(" + _TITLE + r")\s*\)\s*[:,]?\s*", norm)
        if m and _looks_like_name(m.group(1)):
            self.new_leader(line.text[m.start(1):m.end(1)], line.text[m.start(2):m.end(2)])
            return m.end()
        m = re.match(r"^(" + _TITLE + r")\s*[:,\s]?\s*([\u4e00-\u9fff·]{2,4})\s*[:]\s*", norm)
        if m and _looks_like_name(m.group(2)) and not re.match(_MODE_VERBS, m.group(1)):
            self.new_leader(line.text[m.start(2):m.end(2)], line.text[m.start(1):m.end(1)])
            return m.end()
        m = re.match(r"^([\u4e00-\u9fff·]{2,4})\s*[:,\s]\s*", norm)
        if m and _looks_like_name(m.group(1)):
            self.new_leader(line.text[m.start(1):m.end(1)], None)
            pos = m.end()
            t = _TITLE_AT_START.match(norm[pos:])
            if t:
                self.post = line.text[pos + t.start(1): pos + t.end(1)]
                pos += t.end()
            return self._concurrent(line, pos)
        t = _TITLE_AT_START.match(norm)
        if t and not re.match(_MODE_VERBS, t.group(1)):
            title = line.text[t.start(1):t.end(1)]
            if self.person is None or self.post is not None:
                # a post line without a name line before it starts a new leader
                self.new_leader(None, title)
            else:
                self.post = title
            return self._concurrent(line, t.end())
        return 0

    def _concurrent(self, line: SourceLine, pos: int) -> int:
        m = re.match(r"^\s*兼(?:任)?([^,。;:]{2,30}?)(?=[,。;:]|$)", line.norm[pos:])
        if m:
            self.concurrent.append(line.text[pos + m.start(1): pos + m.end(1)])
            pos += m.end()
        return pos

    def _statements(self, line: SourceLine, pos: int) -> None:
        norm = line.norm
        # sentences, and a comma followed by a new verb ("主持…全面工作,负责…")
        bounds: list[tuple[int, int]] = []
        start = pos
        for m in re.finditer(r"[。;]|,(?=" + _MODE_VERBS + ")", norm[pos:]):
            end = pos + m.start()
            bounds.append((start, end))
            start = pos + m.end()
        bounds.append((start, len(norm)))
        found = False
        for s, e in bounds:
            stmt = norm[s:e].strip(" ,:")
            if not stmt:
                continue
            lead = len(norm[s:e]) - len(norm[s:e].lstrip(" ,:"))
            if self._statement(line, s + lead, stmt):
                found = True
        if not found:
            stripped = norm[pos:].strip(" ,:。")
            if stripped and not _SUMMARY_END.search(stripped):
                self.skipped.append((self.doc.where(line), line.text))
                self.warn(line, f"no 分工 verb (主持/负责/分管/协助/联系) found: {line.text[:40]!r}")

    def _statement(self, line: SourceLine, offset: int, stmt: str) -> bool:
        """Turn one statement into an entry; False when it holds no 分工 verb."""
        original = line.text[offset: offset + len(stmt)]
        mode: str | None = None
        items_at: int | None = None  # offset of the item list within stmt
        m = _LABELLED.match(stmt)
        if m:
            mode = {"分管": "in_charge", "负责": "in_charge", "主管": "in_charge", "联系": "liaison",
                    "协管": "assist", "协助": "assist", "主持": "overall"}[m.group(1)]
            items_at = m.end()
        if mode is None:
            m = _OVERALL.search(stmt)
            if m:
                self._news_prefix(line, offset, stmt[: m.start()])
                bodies = [NamedItem(original[m.start(1):m.end(1)])] if m.group(1).strip() else []
                self._add(line, "overall", bodies, original, extra_text=original)
                return True
        if mode is None:
            for pat, md in ((_ASSIST, "assist"), (_LIAISON, "liaison"), (_IN_CHARGE, "in_charge"), (_ASSIST_PLAIN, "assist")):
                m = pat.match(stmt)
                if m:
                    mode, items_at = md, m.start(m.lastindex or 1)
                    break
        if mode is None:
            # news style: "新任副省长黄宁生负责…" — the verb is not at the start
            m = re.search(_MODE_VERBS, stmt)
            if m and m.start() > 0 and m.group(0) not in ("兼任", "兼管"):
                self._news_prefix(line, offset, stmt[: m.start()])
                return self._statement(line, offset + m.start(), stmt[m.start():])
            m = _CONCURRENT.search(stmt)
            if m:
                self.concurrent.append(original[m.start(1):m.end(1)])
                return True
            return False
        listed = original[items_at:]
        bodies = [NamedItem(n, a) for n, a in split_items(listed)]
        self._add(line, mode, bodies, original)
        return True

    def _news_prefix(self, line: SourceLine, offset: int, prefix: str) -> None:
        """"省长马兴瑞" / "新任副省长黄宁生" before the verb names the leader of this statement."""
        p = prefix.strip(" ,")
        if not p:
            return
        m = re.match(r"^(?:新任)?(" + _TITLE + r")([\u4e00-\u9fff·]{2,3})$", p)
        if m and _looks_like_name(m.group(2)):
            self.new_leader(m.group(2), m.group(1))

    def _add(self, line: SourceLine, mode: str, bodies: list[NamedItem], original: str, extra_text: str = "") -> None:
        if self.leader == 0:
            self.new_leader(None, self.default_post)
        if self.post is None and self.default_post and self.person is None:
            self.post = self.default_post
        text = squash_cjk_spaces(original.strip())
        matters: list[str] = []
        for source in [text, *(b.name for b in bodies)]:
            for mid in self.tax.classify(source):
                if mid not in matters:
                    matters.append(mid)
        self.entries.append(FengongEntry(person=self.person, post=self.post, mode=mode, bodies=bodies, matters=matters,
                                         text=text, line=line.number, ref=line.ref, concurrent=list(self.concurrent),
                                         leader=self.leader))


def parse_fengong(doc: Document, taxonomy: Taxonomy | None = None) -> FengongResult:
    """Parse a 分工 notice or page into entries, one per mode statement.

    Understands "姓名\\n职务,负责…" pairs, "姓名(职务):…" and "职务 姓名:…" paragraphs, labelled
    "分管:" / "联系:" lines, "主持…全面工作", "协助…负责…", "兼任…", and 、-separated lists whose
    bracketed text gives aliases. A page about one leader without a name takes the post from the
    document title ("…(常务副区长)工作分工").

    Examples
    --------
    >>> from loaders.text import document_from_text
    >>> doc = document_from_text('''周明
    ... 局长,主持局全面工作,分管办公室、法规科(行政审批科)。
    ... 吴兰
    ... 副局长,负责大气污染防治、扬尘治理工作;联系执法大队。''', "fg.txt")
    >>> r = parse_fengong(doc)
    >>> [(e.person, e.post, e.mode, e.names) for e in r.entries]  # doctest: +NORMALIZE_WHITESPACE
    [('周明', '局长', 'overall', ['局']), ('周明', '局长', 'in_charge', ['办公室', '法规科']),
     ('吴兰', '副局长', 'in_charge', ['大气污染防治', '扬尘治理']), ('吴兰', '副局长', 'liaison', ['执法大队'])]
    >>> r.entries[1].bodies[1].aliases
    ['行政审批科']
    """
    p = _Parser(doc, taxonomy or default_taxonomy())
    p.run()
    if not p.entries:
        p.warnings.append(f"{doc.name}: no 分工 entries found")
    return FengongResult(document=doc, entries=p.entries, warnings=p.warnings, skipped=p.skipped)
