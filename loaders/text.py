"""Shared text utilities for mandate documents: cleaning, normalisation, numerals, reading files, classification."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import yaml

__all__ = [
    "TAXONOMY_PATH",
    "SourceLine",
    "Document",
    "Matter",
    "Taxonomy",
    "clean",
    "normalize",
    "to_simplified",
    "squash_cjk_spaces",
    "parse_cn_int",
    "split_items",
    "find_dates",
    "document_date",
    "read_document",
    "document_from_text",
    "document_from_rows",
    "derive_role",
    "load_taxonomy",
    "default_taxonomy",
    "is_gap",
    "is_junk",
]

TAXONOMY_PATH = Path(__file__).with_name("taxonomy.yaml")

# --------------------------------------------------------------------------------------------------
# Traditional → simplified, restricted to characters met in mandate texts. Each pair is one
# character to one character, so normalisation keeps offsets and a slice of the normalised text
# is the same slice of the original: records keep the source's own characters as evidence.
_TRAD_SIMP_PAIRS = """
條条 職职 責责 機机 構构 設设 內内 員员 編编 製制 規规 負负 導导 協协 調调 監监 執执 處处 罰罚 許许
審审 牽牵 頭头 長长 個个 級级 掛挂 劃划 應应 環环 護护 氣气 農农 業业 衛卫 動动 場场 黨党 訪访 維维
穩稳 識识 產产 權权 務务 項项 數数 領领 資资 災灾 為为 於于 與与 種种 檢检 徵征 確确 認认 給给 獎奖
勵励 決决 強强 總总 會会 縣县 區区 鎮镇 鄉乡 廳厅 辦办 門门 組组 織织 實实 際际 標标 準准 體体 築筑
醫医 療疗 藥药 糧粮 財财 稅税 統统 計计 節节 漁渔 獸兽 險险 礦矿 態态 擔担 揮挥 轉转 報报 預预 練练
評评 綜综 發发 訊讯 電电 議议 專专 題题 關关 對对 們们 國国 時时 間间 類类 據据 書书 傳传 訓训 開开
別别 較较 緊紧 並并 舉举 選选 歷历 壓压 驗验 證证 質质 裝装 備备 輸输 運运 遞递 郵邮 鐵铁 車车 軍军
戰战 屬属 歸归 當当 點点 線线 邊边 圍围 聯联 絡络 網网 營营 銷销 價价 貨货 費费 貿贸 經经 濟济 齊齐
團团 婦妇 兒儿 殘残 舊旧 檔档 圖图 館馆 劇剧 藝艺 術术 學学 師师 試试 歲岁 養养 殯殡 濕湿 鄰邻 漢汉
華华 僑侨 臺台 灣湾 戶户 號号 碼码 請请 願愿 訟讼 復复 複复 賠赔 償偿 損损 壞坏 廢废 棄弃 爐炉 塵尘
揚扬 聲声 輻辐 殺杀 蟲虫 噴喷 園园 綠绿 畝亩 範范 則则 細细 視视 詢询 問问 訴诉 糾纠 紛纷 難难 貧贫
雙双 雜杂 幹干 稱称 銜衔 額额 餘余 須须 該该 將将 從从 後后 這这 來来 過过 還还 進进 紀纪 隊队 倉仓
儲储 飲饮 購购 買买 賣卖 採采 樹树 貫贯 徹彻 義义 約约 擬拟 訂订 佈布 頒颁 參参 籌筹 記记 錄录 聽听
達达 沒没 暫暂 凍冻 結结 毀毁 違违 陣阵 幫帮 勞劳 懲惩 潔洁 風风 敗败 廣广 誌志 紙纸 聞闻 穀谷 鹽盐
雲云 颱台 澇涝 塊块 橋桥 樓楼 層层 麼么 週周 單单 轄辖 歐欧 亞亚 東东 蘇苏 遼辽 龍龙 寧宁 陝陕 貴贵
蘭兰 烏乌 魯鲁 陽阳 誰谁 無无 禮礼 覺觉 見见 現现 親亲 觀观 測测 況况 狀状 帶带 擴扩 鬥斗 爭争 礙碍
懷怀 歡欢 樂乐 興兴 傷伤 斷断 繼继 續续 終终 紅红 藍蓝 黃黄 錢钱 銀银 鋼钢 銅铜 錯错 誤误 鎖锁 閱阅
閉闭 閣阁 習习 寫写 幾几 廠厂 慶庆 優优 儀仪 億亿 倫伦 偉伟 側侧 僅仅 債债 劑剂 勢势 勝胜 卻却 變变
啟启 喪丧 嚴严 堅坚 墳坟 壇坛 壯壮 夠够 奪夺 奮奋 孫孙 寬宽 屆届 嶺岭 島岛 峽峡 帥帅 帳帐 幣币 庫库
張张 彈弹 彙汇 徑径 憑凭 懸悬 戲戏 擊击 擇择 擠挤 攝摄 晉晋 曆历 極极 槍枪 樣样 橫横 殼壳 淨净 減减
湧涌 溝沟 滅灭 滬沪 滿满 澤泽 濱滨 濫滥 煙烟 熱热 燈灯 爾尔 牆墙 獨独 獄狱 獲获 畫画 盜盗 盡尽 盤盘
眾众 礎础 禦御 離离 積积 窮穷 競竞 筆笔 簡简 簽签 純纯 紹绍 絕绝 綱纲 緒绪 締缔 緣缘 績绩 罷罢 羅罗
聖圣 聰聪 職职 肅肃 脅胁 腦脑 臨临 艦舰 艱艰 補补 覽览 觸触 討讨 診诊 証证 詞词 詳详 語语 誠诚 說说
課课 談谈 論论 諮咨 諾诺 謀谋 講讲 謝谢 譯译 讀读 讓让 豐丰 貝贝 貢贡 販贩 貸贷 賓宾 賦赋 賽赛 贊赞
趕赶 跡迹 踐践 軌轨 軟软 載载 輔辅 輕轻 辭辞 連连 遠远 適适 遲迟 遷迁 遺遗 釋释 裡里 裏里 針针 鉛铅
鋪铺 鍵键 閒闲 閘闸 陸陆 陰阴 陳陈 階阶 隨随 隱隐 雞鸡 霧雾 靜静 響响 頁页 頂顶 順顺 頻频 顏颜 顧顾
顯显 飛飞 飯饭 騰腾 魚鱼 鳥鸟 麥麦 齒齿 兩两 亂乱 係系 偵侦 冊册 剛刚 創创 劉刘 匯汇 厲厉 吳吴 壩坝
墾垦 夥伙 奧奥 嬰婴 寶宝 尋寻 崗岗 嶽岳 恆恒 惡恶 愛爱 慣惯 憂忧 拋抛 捨舍 掃扫 換换 搶抢 撥拨 擁拥
擾扰 攔拦 攜携 敵敌 曉晓 暢畅 毆殴 沖冲 洩泄 淺浅 溫温 濁浊 瀕濒 犧牺 猶犹 畢毕 疊叠 磚砖 禍祸 窩窝
紡纺 絲丝 緩缓 縮缩 繩绳 繳缴 膽胆 臟脏 葉叶 萬万 蓋盖 薦荐 虧亏 衝冲 襲袭 託托 誇夸 謹谨 豬猪 賬账
贈赠 趨趋 蹤踪 輛辆 輪轮 迴回 鄭郑 鋒锋 鏡镜 鑑鉴 鑒鉴 閃闪 闊阔 隸隶 雖虽 韓韩 頓顿 顆颗 飄飘 駐驻
駕驾 騙骗 驅驱 驚惊 鬧闹 鮮鲜 麗丽 齡龄 擬拟
攤摊 歎叹 灑洒 濾滤 燒烧 牽牵 癒愈 礙碍 祕秘 禿秃 稟禀 穌稣 竊窃 篩筛 糞粪 縱纵 繫系 纖纤 羈羁
舖铺 蔭荫 蘆芦 處处 衆众 裊袅 覈核 譽誉 贓赃 醞酝 鈞钧 銳锐 鍊炼 鍾钟 鐘钟 闆板 闡阐 韌韧 頃顷 頗颇
頸颈 餓饿 驛驿 骯肮 髒脏 鬆松 鹵卤 黴霉
"""
_FULLWIDTH_PUNCT = {
    "（": "(", "）": ")", "：": ":", "；": ";", "，": ",", "！": "!", "？": "?", "　": " ",
    "．": ".", "［": "[", "］": "]", "｛": "{", "｝": "}", "︰": ":", "﹕": ":", "﹔": ";",
    "﹙": "(", "﹚": ")", "\u00a0": " ", "\t": " ", "｜": "|", "∶": ":",
}


def _build_char_map() -> dict[int, str]:
    table: dict[int, str] = {}
    for pair in _TRAD_SIMP_PAIRS.split():
        if len(pair) != 2:
            raise ValueError(f"bad traditional/simplified pair {pair!r}")
        table[ord(pair[0])] = pair[1]
    # full-width ASCII (digits, letters, signs) → half-width; brackets and colons after that
    for code in range(0xFF01, 0xFF5F):
        table[code] = chr(code - 0xFEE0)
    for src, dst in _FULLWIDTH_PUNCT.items():
        table[ord(src)] = dst
    return table


_CHAR_MAP = _build_char_map()
_TRAD_ONLY = {k: v for k, v in _CHAR_MAP.items() if "\u4e00" <= chr(k) <= "\u9fff"}

# Pinyin glosses that mirror sites insert after a character: 【dìng】, 【gōng】; also (dìng).
_TONE_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜêńňǹḿ"
_PINYIN_BRACKETED = re.compile(r"【\s*[a-zA-Zü" + _TONE_VOWELS + r"'’·\- ]{1,40}\s*】")
_PINYIN_PAREN = re.compile(r"[（(]\s*(?=[^）)]*[" + _TONE_VOWELS + r"])[a-zü" + _TONE_VOWELS + r" ]{1,30}\s*[）)]")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\u3000\u00a0]+")
_CJK_SPACE = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")
_GAP = re.compile(r"^\s*[\[【]\s*(?:…|\.\.\.)*\s*gap\s*(?:…|\.\.\.)*\s*[\]】]\s*$", re.IGNORECASE)
_HAS_WORD = re.compile(r"[0-9A-Za-z\u3400-\u9fff]")


def clean(text: str) -> str:
    """Remove what is not the document's text: pinyin glosses, invisible characters, extra spaces.

    Examples
    --------
    >>> clean("制定【dìng】本规定。 ")
    '制定本规定。'
    >>> clean("【编辑:宋宇晟】")
    '【编辑:宋宇晟】'
    """
    text = _PINYIN_BRACKETED.sub("", text)
    text = _PINYIN_PAREN.sub("", text)
    text = _INVISIBLE.sub("", text)
    return _SPACES.sub(" ", text).strip()


def normalize(text: str) -> str:
    """Map to the form the parsers read: half-width brackets and punctuation, simplified characters.

    One character maps to one character, so offsets in the result are offsets in ``text``.

    Examples
    --------
    >>> normalize("第三條（一）負責")
    '第三条(一)负责'
    >>> len(normalize("應急管理辦公室：")) == len("應急管理辦公室：")
    True
    """
    return text.translate(_CHAR_MAP)


def to_simplified(text: str) -> str:
    """Only the traditional → simplified part of :func:`normalize` (punctuation left as written).

    Examples
    --------
    >>> to_simplified("綜合管理科（副科級）")
    '综合管理科（副科级）'
    """
    return text.translate(_TRAD_ONLY)


def squash_cjk_spaces(text: str) -> str:
    """Drop spaces between two Chinese characters (an artefact of web copies: "本乡 党建工作").

    Examples
    --------
    >>> squash_cjk_spaces("负责抓好本乡 党建工作")
    '负责抓好本乡党建工作'
    """
    return _CJK_SPACE.sub("", text)


def is_gap(text: str) -> bool:
    """True for the corpus marker of an omitted passage, ``[…gap…]``."""
    return bool(_GAP.match(text))


def is_junk(text: str) -> bool:
    """True for a line with no letter, digit or Chinese character (a stray ``|``, a rule line)."""
    return not _HAS_WORD.search(text)


# --------------------------------------------------------------------------------------------------
_CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9, "壹": 1, "贰": 2, "貳": 2, "叁": 3, "肆": 4, "伍": 5,
              "陆": 6, "陸": 6, "柒": 7, "捌": 8, "玖": 9}
_CN_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CN_NUMERAL_CHARS = "".join(_CN_DIGITS) + "".join(_CN_UNITS)


def parse_cn_int(text: str) -> int | None:
    """Read a Chinese or Arabic numeral (一…九十九, 两, 百, 〇; full-width digits); None if it is not one.

    Examples
    --------
    >>> [parse_cn_int(s) for s in ["三", "十", "十五", "二十三", "九十九", "两", "一百零五", "25", "２５"]]
    [3, 10, 15, 23, 99, 2, 105, 25, 25]
    >>> parse_cn_int("三名") is None
    True
    """
    s = normalize(text.strip())
    if not s:
        return None
    if s.isascii() and s.isdigit():
        return int(s)
    if all(ch in _CN_DIGITS for ch in s) and len(s) > 1 and not s.startswith(("两",)):
        # digit-by-digit writing such as 二〇一九
        return int("".join(str(_CN_DIGITS[ch]) for ch in s))
    total, current = 0, None
    for ch in s:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (1 if current is None else current) * _CN_UNITS[ch]
            current = None
        else:
            return None
    return total + (current or 0)


# --------------------------------------------------------------------------------------------------
_OPEN, _CLOSE = "(（[【〔", ")）]】〕"
_ITEM_SEPARATORS = "、,，;；"
_ITEM_TAIL = re.compile(r"(?:等)?(?:方面的?|有关)?(?:工作|单位|企业|部门|事项)?$")


def split_items(text: str, *, strip_tail: bool = True) -> list[tuple[str, list[str]]]:
    """Split a 、-separated list into ``(name, aliases)``; bracketed text after a name is its aliases.

    Separators inside brackets do not split. With ``strip_tail`` the list's closing words (等单位,
    方面工作, 等工作) are removed from the last item.

    Examples
    --------
    >>> split_items("区政府办公室、发改委,区委深改办(督查局)等单位")
    [('区政府办公室', []), ('发改委', []), ('区委深改办', ['督查局'])]
    >>> split_items("外事、港澳事务、对台方面工作")
    [('外事', []), ('港澳事务', []), ('对台', [])]
    """
    parts: list[str] = []
    depth, buf = 0, []
    for ch in text:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        if depth == 0 and ch in _ITEM_SEPARATORS:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    parts.append("".join(buf))
    parts = [p.strip().rstrip("。.") for p in parts]
    parts = [p for p in parts if p]
    if strip_tail and parts:
        last = parts[-1]
        if re.search(r"(等|方面)", last) or len(parts) > 1:
            trimmed = re.sub(r"(?:等|方面的?)(?:工作|单位|企业|部门|事项)?$|(?:等|方面的?)?(?:工作|单位|企业|部门)$", "", last)
            if trimmed and (len(parts) > 1 or trimmed != last):
                parts[-1] = trimmed
    out: list[tuple[str, list[str]]] = []
    for p in parts:
        m = re.match(r"^(.*?)[(（]([^()（）]*)[)）]\s*$", p)
        if m and m.group(1).strip():
            aliases = [a.strip() for a in re.split(r"[、,，;；]", m.group(2)) if a.strip()]
            out.append((m.group(1).strip(), aliases))
        else:
            out.append((p, []))
    return out


# --------------------------------------------------------------------------------------------------
_DATE_FULL = re.compile(r"((?:19|20)\d{2})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})\s*日?")
_DATE_MONTH = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月")
_DATE_CN = re.compile(r"([一二三四五六七八九〇零○]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日")


def find_dates(text: str) -> list[tuple[str, bool]]:
    """Every date in ``text`` as ``(YYYY-MM-DD, exact)``; a month without a day gives day 1, inexact.

    Examples
    --------
    >>> find_dates("(2023年9月24日) 发布时间:2024-11-22")
    [('2023-09-24', True), ('2024-11-22', True)]
    >>> find_dates("分工(2017年8月)")
    [('2017-08-01', False)]
    """
    norm = normalize(text)
    found: list[tuple[int, str, bool]] = []
    taken: list[tuple[int, int]] = []
    for m in _DATE_FULL.finditer(norm):
        try:
            d = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
        found.append((m.start(), d.isoformat(), True))
        taken.append(m.span())
    for m in _DATE_CN.finditer(norm):
        y, mo, da = parse_cn_int(m.group(1)), parse_cn_int(m.group(2)), parse_cn_int(m.group(3))
        try:
            d = dt.date(y or 0, mo or 0, da or 0)
        except ValueError:
            continue
        found.append((m.start(), d.isoformat(), True))
        taken.append(m.span())
    for m in _DATE_MONTH.finditer(norm):
        if any(a <= m.start() < b for a, b in taken):
            continue
        try:
            d = dt.date(int(m.group(1)), int(m.group(2)), 1)
        except ValueError:
            continue
        found.append((m.start(), d.isoformat(), False))
    return [(d, exact) for _, d, exact in sorted(found)]


# --------------------------------------------------------------------------------------------------
@dataclass
class SourceLine:
    """One line of a source document: its number, cleaned text and normalised twin (same length).

    ``cells`` holds the cells when the line is a table row (XLSX, CSV, a .docx table); ``ref`` is
    how the line is cited after the file name (the line number, or ``Sheet!row`` for a workbook).
    """

    number: int
    text: str
    norm: str = ""
    cells: tuple[str, ...] | None = None
    ref: str = ""
    blank_before: bool = False

    def __post_init__(self) -> None:
        if not self.norm:
            self.norm = normalize(self.text)
        if len(self.norm) != len(self.text):  # pragma: no cover - guarded by the 1:1 map
            raise ValueError("normalised text must keep offsets")
        if not self.ref:
            self.ref = str(self.number)


@dataclass
class Document:
    """A source document read into lines; ``header`` holds the corpus ``title:/url:/kind:`` lines."""

    name: str
    lines: list[SourceLine]
    header: dict[str, str] = field(default_factory=dict)
    path: str = ""

    @property
    def title(self) -> str:
        """The header title, else the first line of text."""
        if self.header.get("title"):
            return self.header["title"]
        return self.lines[0].text if self.lines else ""

    @property
    def kind(self) -> str:
        return self.header.get("kind", "")

    def where(self, line: SourceLine | int) -> str:
        """``file:line`` for citing a line."""
        ref = line.ref if isinstance(line, SourceLine) else str(line)
        return f"{self.name}:{ref}"

    def full_text(self) -> str:
        return "\n".join(l.text for l in self.lines)


_HEADER_LINE = re.compile(r"^(title|url|kind|date|source|body)\s*:\s*(.*)$")


def _split_header(raw_lines: list[str]) -> tuple[dict[str, str], int]:
    """Read leading ``key: value`` header lines; return them and the index of the first body line."""
    header: dict[str, str] = {}
    i = 0
    while i < len(raw_lines):
        m = _HEADER_LINE.match(raw_lines[i].strip())
        if not m:
            break
        header[m.group(1)] = m.group(2).strip()
        i += 1
    if not header:
        return {}, 0
    return header, i


def document_from_text(text: str, name: str = "<text>", *, header: bool = True) -> Document:
    """Split plain text into numbered, cleaned lines (blank lines dropped, but remembered).

    Examples
    --------
    >>> doc = document_from_text("title: 某局\\nkind: sanding\\n\\n第一条 根据…\\n\\n第二条 为正科级。", "x.txt")
    >>> doc.header["kind"], [(l.number, l.text) for l in doc.lines]
    ('sanding', [(4, '第一条 根据…'), (6, '第二条 为正科级。')])
    """
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    head, start = _split_header(raw) if header else ({}, 0)
    lines: list[SourceLine] = []
    blank = False
    for idx in range(start, len(raw)):
        cleaned = clean(raw[idx])
        if not cleaned:
            blank = True
            continue
        lines.append(SourceLine(idx + 1, cleaned, blank_before=blank))
        blank = False
    return Document(name=name, lines=lines, header=head)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()[:10]
    return clean(str(value).replace("\n", " "))


def document_from_rows(rows: Iterable[tuple[int, str, Sequence[Any]]], name: str) -> Document:
    """Build a document from table rows given as ``(number, ref, cells)``; each row becomes one line."""
    lines = []
    for number, ref, cells in rows:
        texts = tuple(_cell_text(c) for c in cells)
        while texts and not texts[-1]:
            texts = texts[:-1]
        if not any(texts):
            continue
        lines.append(SourceLine(number, " | ".join(texts), cells=texts, ref=ref))
    return Document(name=name, lines=lines)


def _read_text_file(path: Path) -> str:
    data = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def _read_docx(path: Path) -> Document:
    import docx  # python-docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    d = docx.Document(str(path))
    lines: list[SourceLine] = []
    n = 0
    blank = False
    # body order matters: a 三定 may interleave paragraphs and tables
    for child in d.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            para = Paragraph(child, d)
            for piece in para.text.split("\n"):
                n += 1
                cleaned = clean(piece)
                if not cleaned:
                    blank = True
                    continue
                lines.append(SourceLine(n, cleaned, blank_before=blank))
                blank = False
        elif tag == "tbl":
            table = Table(child, d)
            for row in table.rows:
                n += 1
                cells: list[str] = []
                previous = None
                for cell in row.cells:
                    # a horizontally merged cell is returned once per grid column it spans
                    if cell._tc is previous:
                        continue
                    previous = cell._tc
                    cells.append(_cell_text(cell.text))
                texts = tuple(cells)
                while texts and not texts[-1]:
                    texts = texts[:-1]
                if any(texts):
                    lines.append(SourceLine(n, " | ".join(texts), cells=texts, blank_before=blank))
                    blank = False
    head, start = _split_header([l.text for l in lines])
    if head:
        lines = lines[start:]
    return Document(name=path.name, lines=lines, header=head, path=str(path))


def _read_xlsx(path: Path) -> Document:
    import openpyxl

    wb = openpyxl.load_workbook(str(path), read_only=True, data_only=True)
    rows: list[tuple[int, str, Sequence[Any]]] = []
    several = len(wb.sheetnames) > 1
    offset = 0
    for ws in wb.worksheets:
        count = 0
        for idx, row in enumerate(ws.iter_rows(values_only=True), start=1):
            ref = f"{ws.title}!{idx}" if several else str(idx)
            rows.append((offset + idx, ref, list(row)))
            count = idx
        offset += count
    wb.close()
    doc = document_from_rows(rows, path.name)
    doc.path = str(path)
    return doc


def _read_csv(path: Path) -> Document:
    text = _read_text_file(path)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    rows = [(reader.line_num, str(reader.line_num), row) for row in reader]
    doc = document_from_rows(rows, path.name)
    doc.path = str(path)
    return doc


def read_document(path: str | Path) -> Document:
    """Read a .txt/.md, .docx, .xlsx or .csv file into a :class:`Document` of numbered lines.

    Line numbers are the file's own: text lines, paragraphs (and table rows) in body order for
    .docx, rows for .xlsx (``Sheet!row`` when the workbook has several sheets) and .csv.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".docx":
        return _read_docx(p)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(p)
    if suffix in (".csv", ".tsv"):
        return _read_csv(p)
    doc = document_from_text(_read_text_file(p), p.name)
    doc.path = str(p)
    return doc


def document_date(doc: Document) -> tuple[str, bool, str] | None:
    """The document's date: ``(YYYY-MM-DD, exact, where)`` from the title, else the first in the text.

    A labelled date (发文日期, 成文日期, 印发) wins over other dates in the text; a date given only to
    the month is returned with ``exact`` False.
    """
    title_dates = find_dates(doc.header.get("title", ""))
    exact_title = [d for d in title_dates if d[1]]
    if exact_title:
        return exact_title[0][0], True, "title"
    for line in doc.lines:
        if re.search(r"(发文日期|成文日期|印发日期|发布日期|印发时间)", line.norm):
            ds = [d for d in find_dates(line.text) if d[1]]
            if ds:
                return ds[0][0], True, doc.where(line)
    for line in doc.lines[:40]:
        ds = [d for d in find_dates(line.text) if d[1]]
        if ds:
            return ds[0][0], True, doc.where(line)
    if title_dates:
        return title_dates[0][0], False, "title"
    return None


# --------------------------------------------------------------------------------------------------
# Words that contain a keyword without meaning it: 人民政府 holds 民政.
_BLOCKERS = ("人民政府",)


@dataclass(frozen=True)
class Matter:
    """One matter of the taxonomy (a SKOS concept): id, preferred name, broader ids, aliases."""

    id: str
    name: str
    broader: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


class Taxonomy:
    """Matters and the keywords that point to them; classifies a text by longest keyword match.

    Examples
    --------
    >>> t = Taxonomy([Matter("m_air", "大气污染防治", (), ("大气", "重污染天气")),
    ...               Matter("m_meteo", "气象", (), ("天气",))])
    >>> t.classify("指导重污染天气的应急工作")
    ['m_air']
    """

    def __init__(self, matters: Iterable[Matter], source: str = "<memory>"):
        self.matters: dict[str, Matter] = {}
        for m in matters:
            self.matters[m.id] = m
        self.source = source
        terms: dict[str, str] = {}
        for m in self.matters.values():
            for term in (m.name, *m.aliases):
                key = normalize(term).strip()
                # the first matter naming a term keeps it: a user taxonomy decides its own clashes
                if key and key not in terms:
                    terms[key] = m.id
        for blocker in _BLOCKERS:
            terms.setdefault(blocker, "")
        self._terms = sorted(terms.items(), key=lambda kv: (-len(kv[0]), kv[0]))

    def __len__(self) -> int:
        return len(self.matters)

    def __contains__(self, matter_id: object) -> bool:
        return matter_id in self.matters

    def classify(self, text: str) -> list[str]:
        """Matter ids named in ``text``, in order of first mention; longer keywords win overlaps."""
        norm = normalize(text)
        taken = [False] * len(norm)
        hits: list[tuple[int, str]] = []
        for term, mid in self._terms:
            start = norm.find(term)
            while start >= 0:
                end = start + len(term)
                if not any(taken[start:end]):
                    for i in range(start, end):
                        taken[i] = True
                    hits.append((start, mid))
                start = norm.find(term, start + 1)
        out: list[str] = []
        for _, mid in sorted(hits):
            if mid and mid not in out:
                out.append(mid)
        return out

    def with_ancestors(self, ids: Iterable[str]) -> list[str]:
        """``ids`` and every broader matter of them, transitively (for emitting a closed set)."""
        out: list[str] = []
        stack = list(ids)
        while stack:
            mid = stack.pop(0)
            if mid in out or mid not in self.matters:
                continue
            out.append(mid)
            stack.extend(self.matters[mid].broader)
        return out

    def records(self, ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """Bundle ``matters`` records for ``ids`` (all matters when None), in taxonomy order."""
        wanted = set(self.matters) if ids is None else set(ids)
        out = []
        for m in self.matters.values():
            if m.id not in wanted:
                continue
            rec: dict[str, Any] = {"id": m.id, "name": m.name}
            if m.broader:
                rec["broader"] = list(m.broader)
            if m.aliases:
                rec["aliases"] = list(m.aliases)
            out.append(rec)
        return out


def _as_list(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value if v is not None)
    return tuple(s.strip() for s in str(value).split(";") if s.strip())


def load_taxonomy(source: Any = None) -> Taxonomy:
    """A :class:`Taxonomy` from a bundle YAML file (its ``matters:``), a list of matter dicts, a
    loaded :class:`~loaders.records.Bundle`, or None for the default ``loaders/taxonomy.yaml``.

    Examples
    --------
    >>> t = load_taxonomy()
    >>> "m_air" in t and t.matters["m_air"].broader
    ('m_eco',)
    """
    if source is None:
        return default_taxonomy()
    if isinstance(source, Taxonomy):
        return source
    if hasattr(source, "of") and hasattr(source, "records"):  # a loaded Bundle
        matters = [Matter(r.id, r.values["name"], _as_list(r.values.get("broader")), _as_list(r.values.get("aliases")))
                   for r in source.of("Matter")]
        return Taxonomy(matters, getattr(source, "path", "<bundle>"))
    if isinstance(source, (str, Path)):
        p = Path(source)
        if p.is_dir():
            p = p / "bundle.yaml"
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        items = data.get("matters") or []
        where = str(p)
    else:
        items = list(source)
        where = "<memory>"
    matters = []
    for item in items:
        if not isinstance(item, Mapping) or "id" not in item or "name" not in item:
            raise ValueError(f"{where}: each matter needs an id and a name: {item!r}")
        matters.append(Matter(str(item["id"]), str(item["name"]), _as_list(item.get("broader")), _as_list(item.get("aliases"))))
    return Taxonomy(matters, where)


@lru_cache(maxsize=1)
def default_taxonomy() -> Taxonomy:
    """The shipped taxonomy, ``loaders/taxonomy.yaml`` (read once)."""
    t = load_taxonomy(TAXONOMY_PATH)
    t.source = "loaders/taxonomy.yaml"
    return t


# --------------------------------------------------------------------------------------------------
# Roles from verbs. The head phrase (up to the first comma or full stop) carries the duty's main
# verb; later phrases only decide when the head has none, because "…,依法查处…" after "负责…监督
# 管理" elaborates rather than changes the duty.
_ROLE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("coordinate", re.compile(r"^(?:负责|积极)?配合")),
    ("assist", re.compile(r"^(?:负责)?(?:协助|协同|参与|协管)")),
    ("guide", re.compile(r"^(?:负责|组织)?(?:业务)?指导")),
    ("enforce", re.compile(r"执法|行政处罚|处罚|查处|行政强制|稽查|打击|取缔|查封|扣押")),
    ("supervise", re.compile(r"监督管理|监管|监督检查|监督实施|督查|监督|检查")),
    ("approve", re.compile(r"审批|许可|核准|审核|批准")),
    ("guide", re.compile(r"指导")),
    ("lead", re.compile(r"负责|牵头|承担|主持|组织|统筹|协调|办理|承办|管理|贯彻|落实|执行|实施|完成|做好|抓好|搞好|"
                        r"保证|开展|制定|拟订|编制|建立|推进|推动|维护|服务|履行|起草|接待|处置|提出|培育|促进|引进")),
]
_PASSIVE = re.compile(r"^(?:接受|服从|受)")


def derive_role(text: str) -> tuple[str, bool]:
    """The duty role of a clause from its verbs: ``(role, guessed)``; guessed when no verb was found.

    负责/牵头/承担 → lead; 监督管理/监管 → supervise; 执法/处罚/查处 → enforce; 审批/许可 → approve;
    指导 → guide; 配合 → coordinate; 协助 → assist.

    Examples
    --------
    >>> derive_role("负责重大生态环境问题的统筹协调和监督管理。牵头协调…")
    ('supervise', False)
    >>> derive_role("协助市政府领导处置特别重大突发公共事件")
    ('assist', False)
    >>> derive_role("接受上级劳动保障部门的业务指导;综合协调、管理辖区内劳动和社会保障工作")
    ('lead', False)
    >>> derive_role("保证监督职能。")
    ('supervise', False)
    >>> derive_role("教育和管理职能")
    ('lead', False)
    >>> derive_role("党的领导弱化")
    ('lead', True)
    """
    norm = normalize(text)
    for phrase in (p.strip() for p in re.split(r"[。;,:\n]", norm)):
        if not phrase or _PASSIVE.match(phrase):
            continue
        for role, pat in _ROLE_PATTERNS:
            if pat.search(phrase):
                return role, False
    return "lead", True

