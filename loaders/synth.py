"""Seeded synthetic bundles of realistic shape, from one county up to a whole nation, for scale tests."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

__all__ = ["SCALES", "ScaleSpec", "MATTERS", "DEPARTMENTS", "GENERATOR_VERSION", "synthesize", "scale_spec"]

GENERATOR_VERSION = "1"


@dataclass(frozen=True)
class ScaleSpec:
    """How many divisions of each level a scale has, and how many incidents and 40-target cases.

    ``full_from`` is the highest level that gets a full set of departments; levels above it are
    context only (government, party committee, discipline body and the environment bureau that
    vertically manages county branch offices).
    """

    name: str
    provinces: int
    cities: int
    counties: int
    townships: int
    villages: int
    incidents: int
    big_cases: int
    full_from: str


SCALES: dict[str, ScaleSpec] = {
    "county": ScaleSpec("county", 1, 1, 1, 15, 200, 250, 3, "county"),
    "city": ScaleSpec("city", 1, 1, 9, 117, 1_500, 600, 5, "city"),
    "province": ScaleSpec("province", 1, 16, 130, 1_700, 22_000, 2_500, 10, "province"),
    "nation": ScaleSpec("nation", 31, 333, 2_844, 38_000, 490_000, 5_000, 20, "province"),
}

# -- the fixed taxonomy of matters (id, name, broader, aliases) ----------------------------------
# Ids of the first ones follow examples/demo so a synthetic bundle reads like the demo.
MATTERS: list[tuple[str, str, str | None, tuple[str, ...]]] = [
    ("m_party", "党的建设", None, ("党建",)),
    ("m_party_grassroots", "基层党组织建设", "m_party", ("基层党建", "党组织建设")),
    ("m_party_conduct", "党风廉政建设", "m_party", ("党风廉政", "作风建设")),
    ("m_publicity", "宣传思想文化", None, ("宣传",)),
    ("m_eco", "生态环境保护", None, ("生态环境", "环境保护", "环保")),
    ("m_air", "大气污染防治", "m_eco", ("大气", "废气", "重污染天气")),
    ("m_coal", "散煤经营污染防治", "m_air", ("散煤", "售煤点")),
    ("m_dust", "扬尘污染防治", "m_air", ("扬尘",)),
    ("m_water_pollution", "水污染防治", "m_eco", ("水污染", "黑臭水体")),
    ("m_soil", "土壤和固体废物污染防治", "m_eco", ("土壤污染", "固体废物")),
    ("m_natural_resources", "自然资源管理", None, ("自然资源",)),
    ("m_land", "土地资源管理", "m_natural_resources", ("土地", "国土")),
    ("m_land_illegal", "违法占地查处", "m_land", ("违法用地", "违法占地")),
    ("m_farmland", "耕地保护", "m_land", ("耕地", "基本农田")),
    ("m_mineral", "矿产资源管理", "m_natural_resources", ("矿产", "采矿")),
    ("m_forest", "林业和草原", "m_natural_resources", ("林业", "森林", "草原")),
    ("m_forest_fire", "森林防火", "m_forest", ("森林火灾", "护林防火")),
    ("m_agri", "农业农村", None, ("农业", "农村")),
    ("m_irrigation", "农田水利设施管护", "m_agri", ("喷灌", "农田水利", "灌溉设备")),
    ("m_animal_epidemic", "动物防疫", "m_agri", ("动物疫病", "畜禽防疫")),
    ("m_farm_subsidy", "惠农补贴发放", "m_agri", ("惠农补贴", "种粮补贴")),
    ("m_rural_env", "农村人居环境整治", "m_agri", ("人居环境", "村容村貌")),
    ("m_water", "水利", None, ("水利",)),
    ("m_flood", "防汛抗旱", "m_water", ("防汛", "抗旱")),
    ("m_river", "河湖管理", "m_water", ("河长制", "河道")),
    ("m_safety", "安全生产", None, ("安全生产",)),
    ("m_hazchem", "危险化学品安全", "m_safety", ("危险化学品", "危化品")),
    ("m_construction_safety", "建筑施工安全", "m_safety", ("建筑施工", "工地安全")),
    ("m_road_safety", "道路交通安全", "m_safety", ("交通事故", "道路交通")),
    ("m_fire", "消防安全", "m_safety", ("消防", "火灾")),
    ("m_market", "市场监管", None, ("市场监管",)),
    ("m_food", "食品安全", "m_market", ("食品",)),
    ("m_drug", "药品安全", "m_market", ("药品",)),
    ("m_product", "产品质量", "m_market", ("产品质量",)),
    ("m_health", "卫生健康", None, ("卫生",)),
    ("m_epidemic", "传染病防控", "m_health", ("疫情", "传染病")),
    ("m_civil", "民政", None, ("民政",)),
    ("m_assistance", "社会救助", "m_civil", ("低保", "救助")),
    ("m_charity", "慈善项目管理", "m_civil", ("慈善",)),
    ("m_elderly", "养老服务", "m_civil", ("养老",)),
    ("m_labour", "劳动保障", None, ("劳动",)),
    ("m_wage", "欠薪治理", "m_labour", ("欠薪", "拖欠工资")),
    ("m_education", "教育", None, ("教育",)),
    ("m_school_safety", "校园安全", "m_education", ("校园",)),
    ("m_urban", "城乡建设管理", None, ("城乡建设",)),
    ("m_illegal_building", "违法建设查处", "m_urban", ("违法建设", "违章建筑")),
    ("m_housing", "住房保障", "m_urban", ("保障房",)),
    ("m_finance", "财政资金管理", None, ("财政",)),
    ("m_fund", "专项资金使用", "m_finance", ("专项资金",)),
    ("m_transport", "交通运输", None, ("交通运输",)),
    ("m_public_security", "社会治安", None, ("治安",)),
    ("m_industry", "工业和信息化", None, ("工业",)),
    ("m_petition", "信访", None, ("信访",)),
]
_MATTER_NAME = {mid: name for mid, name, _, _ in MATTERS}
_MATTER_BROADER = {mid: b for mid, _, b, _ in MATTERS}

# -- the ~40 departments of a city or county government ------------------------------------------
# (key, name, kind, duties [(matter, role)], units [(unit name, matter or None, role)])
Duty = tuple[str, str]
DEPARTMENTS: list[tuple[str, str, str, list[Duty], list[tuple[str, str | None, str]]]] = [
    ("eco", "生态环境局", "department", [("m_eco", "supervise"), ("m_air", "enforce"), ("m_water_pollution", "enforce"), ("m_soil", "supervise")],
     [("大气环境科", "m_air", "supervise"), ("水生态环境科", "m_water_pollution", "supervise"), ("生态环境执法大队", "m_eco", "enforce")]),
    ("nr", "自然资源局", "department", [("m_natural_resources", "supervise"), ("m_land_illegal", "enforce"), ("m_farmland", "supervise"), ("m_mineral", "supervise")],
     [("耕地保护科", "m_farmland", "supervise"), ("执法监察大队", "m_land_illegal", "enforce"), ("矿产资源科", "m_mineral", "supervise")]),
    ("forestry", "林业局", "department", [("m_forest", "supervise"), ("m_forest_fire", "lead")],
     [("森林防火办公室", "m_forest_fire", "lead"), ("林政资源科", "m_forest", "supervise")]),
    ("agri", "农业农村局", "department", [("m_agri", "lead"), ("m_animal_epidemic", "supervise"), ("m_irrigation", "guide"), ("m_farm_subsidy", "lead")],
     [("畜牧兽医科", "m_animal_epidemic", "supervise"), ("农田建设管理科", "m_irrigation", "lead"), ("计划财务科", "m_farm_subsidy", "lead")]),
    ("water", "水利局", "department", [("m_water", "lead"), ("m_flood", "lead"), ("m_river", "supervise"), ("m_irrigation", "supervise")],
     [("防汛抗旱办公室", "m_flood", "lead"), ("河湖管理科", "m_river", "supervise"), ("农村水利科", "m_irrigation", "supervise")]),
    ("emergency", "应急管理局", "department", [("m_safety", "supervise"), ("m_hazchem", "enforce"), ("m_flood", "coordinate")],
     [("危险化学品安全监管科", "m_hazchem", "supervise"), ("安全生产执法大队", "m_safety", "enforce")]),
    ("housing", "住房和城乡建设局", "department", [("m_urban", "lead"), ("m_construction_safety", "supervise"), ("m_housing", "lead")],
     [("建筑安全监管站", "m_construction_safety", "supervise"), ("住房保障科", "m_housing", "lead")]),
    ("urban", "城市管理综合执法局", "department", [("m_illegal_building", "enforce"), ("m_dust", "enforce")],
     [("综合执法大队", "m_illegal_building", "enforce"), ("市容环卫科", "m_dust", "supervise")]),
    ("transport", "交通运输局", "department", [("m_transport", "lead"), ("m_road_safety", "supervise")],
     [("运输管理科", "m_transport", "lead"), ("交通执法大队", "m_road_safety", "enforce")]),
    ("police", "公安局", "department", [("m_public_security", "lead"), ("m_road_safety", "enforce")],
     [("治安管理大队", "m_public_security", "enforce"), ("交通警察大队", "m_road_safety", "enforce")]),
    ("fire", "消防救援大队", "other", [("m_fire", "enforce")], [("防火监督科", "m_fire", "enforce")]),
    ("market", "市场监督管理局", "department", [("m_market", "supervise"), ("m_food", "enforce"), ("m_drug", "enforce"), ("m_product", "enforce")],
     [("食品安全监管科", "m_food", "supervise"), ("药品医疗器械监管科", "m_drug", "supervise"), ("市场监管执法大队", "m_market", "enforce")]),
    ("health", "卫生健康局", "department", [("m_health", "lead"), ("m_epidemic", "lead")],
     [("疾病预防控制科", "m_epidemic", "supervise"), ("医政医管科", "m_health", "lead")]),
    ("civil", "民政局", "department", [("m_civil", "lead"), ("m_assistance", "lead"), ("m_charity", "supervise"), ("m_elderly", "supervise")],
     [("社会救助科", "m_assistance", "lead"), ("慈善事业促进科", "m_charity", "supervise"), ("养老服务科", "m_elderly", "supervise")]),
    ("hrss", "人力资源和社会保障局", "department", [("m_labour", "lead"), ("m_wage", "enforce")],
     [("劳动保障监察大队", "m_wage", "enforce"), ("劳动关系科", "m_labour", "lead")]),
    ("education", "教育局", "department", [("m_education", "lead"), ("m_school_safety", "supervise")],
     [("安全稳定科", "m_school_safety", "supervise"), ("基础教育科", "m_education", "lead")]),
    ("finance", "财政局", "department", [("m_finance", "lead"), ("m_fund", "supervise"), ("m_farm_subsidy", "assist")],
     [("农业农村科", "m_farm_subsidy", "assist"), ("预算科", "m_finance", "lead")]),
    ("audit", "审计局", "department", [("m_fund", "supervise")], [("财政审计科", "m_fund", "supervise")]),
    ("drc", "发展和改革局", "department", [("m_fund", "approve"), ("m_industry", "guide")], [("投资科", "m_fund", "approve")]),
    ("industry", "工业和信息化局", "department", [("m_industry", "lead")], [("产业发展科", "m_industry", "lead")]),
    ("commerce", "商务局", "department", [("m_market", "assist")], [("市场运行科", "m_market", "assist")]),
    ("culture", "文化和旅游局", "department", [("m_publicity", "assist")], [("文化市场科", "m_publicity", "assist")]),
    ("justice", "司法局", "department", [("m_public_security", "assist")], [("人民调解科", "m_public_security", "assist")]),
    ("veterans", "退役军人事务局", "department", [("m_assistance", "assist")], [("优抚科", "m_assistance", "assist")]),
    ("medical", "医疗保障局", "department", [("m_health", "assist")], [("基金监管科", "m_health", "assist")]),
    ("petition", "信访局", "department", [("m_petition", "lead")], [("督查科", "m_petition", "lead")]),
    ("stats", "统计局", "department", [], [("综合科", None, "lead")]),
    ("science", "科学技术局", "department", [], [("科技管理科", None, "lead")]),
    ("sports", "体育局", "department", [("m_education", "assist")], [("群众体育科", "m_education", "assist")]),
    ("archives", "档案馆", "public_institution", [], [("档案管理科", None, "lead")]),
    ("grain", "粮食和物资储备局", "department", [("m_agri", "assist")], [("储备管理科", "m_agri", "assist")]),
    ("approval", "行政审批服务局", "department", [("m_construction_safety", "approve")], [("建设项目审批科", "m_construction_safety", "approve")]),
    ("sasac", "国有资产监督管理局", "department", [("m_industry", "supervise")], [("企业监管科", "m_industry", "supervise")]),
    ("rural", "乡村振兴局", "department", [("m_rural_env", "lead"), ("m_farm_subsidy", "supervise")],
     [("村庄建设科", "m_rural_env", "lead"), ("项目资金科", "m_farm_subsidy", "supervise")]),
    ("weather", "气象局", "public_institution", [("m_flood", "assist")], [("气象服务科", "m_flood", "assist")]),
    ("defense", "人民防空办公室", "department", [], [("工程科", None, "lead")]),
    ("org", "组织部", "party_department", [("m_party_grassroots", "guide")], [("组织科", "m_party_grassroots", "guide")]),
    ("propaganda", "宣传部", "party_department", [("m_publicity", "lead")], [("宣传科", "m_publicity", "lead")]),
    ("united", "统战部", "party_department", [], [("综合科", None, "lead")]),
    ("law", "政法委员会", "party_department", [("m_public_security", "guide")], [("综治科", "m_public_security", "guide")]),
]

# The township duty list (乡镇履职事项清单): (category, matter, role, text).
TOWNSHIP_ITEMS: list[tuple[str, str, str, str]] = [
    ("basic", "m_rural_env", "lead", "组织开展农村人居环境整治和村庄清洁行动。"),
    ("basic", "m_irrigation", "lead", "负责农田水利设施和灌溉设备的集中保管与日常管护。"),
    ("basic", "m_party_grassroots", "lead", "抓好村级党组织建设，落实基层党建工作责任。"),
    ("basic", "m_assistance", "lead", "负责社会救助申请的受理、调查和初审。"),
    ("basic", "m_forest_fire", "lead", "组织森林防火宣传、巡查和火源管控。"),
    ("basic", "m_flood", "lead", "组织辖区防汛抗旱和群众转移避险。"),
    ("assisting", "m_air", "assist", "配合生态环境部门开展大气污染防治网格化巡查，发现问题及时报告。"),
    ("assisting", "m_land_illegal", "assist", "配合自然资源部门开展违法占地巡查，发现问题及时制止和报告。"),
    ("assisting", "m_food", "assist", "配合市场监管部门开展食品安全隐患排查。"),
    ("assisting", "m_animal_epidemic", "assist", "配合农业农村部门开展动物强制免疫和疫情排查。"),
    ("assisting", "m_safety", "assist", "配合应急管理部门开展安全生产隐患排查。"),
    ("assisting", "m_illegal_building", "assist", "配合城管执法部门开展违法建设巡查。"),
    ("assisting", "m_wage", "assist", "配合人社部门开展欠薪问题排查和调处。"),
    ("assisting", "m_river", "assist", "配合水利部门落实河湖日常巡查。"),
    ("withdrawn", "m_coal", "enforce", "对违规经营散煤行为的行政处罚（由生态环境部门实施）。"),
    ("withdrawn", "m_land_illegal", "enforce", "对违法占地行为的行政处罚（由自然资源部门实施）。"),
    ("withdrawn", "m_food", "enforce", "对食品经营违法行为的行政处罚（由市场监管部门实施）。"),
]
# Township deputies' 分工 by matter, one list per deputy post.
TOWNSHIP_DEPUTY_MATTERS = [["m_agri", "m_water"], ["m_eco", "m_safety", "m_natural_resources"], ["m_civil", "m_health", "m_labour", "m_urban"]]

# Matters an incident can be about (each has a responsible county department).
INCIDENT_MATTERS = [
    "m_coal", "m_dust", "m_air", "m_water_pollution", "m_soil", "m_land_illegal", "m_farmland", "m_forest_fire",
    "m_irrigation", "m_animal_epidemic", "m_farm_subsidy", "m_rural_env", "m_flood", "m_river", "m_hazchem",
    "m_construction_safety", "m_road_safety", "m_fire", "m_food", "m_drug", "m_product", "m_epidemic",
    "m_assistance", "m_charity", "m_elderly", "m_wage", "m_school_safety", "m_illegal_building", "m_fund",
]

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红玲建国志宏海波鹏飞俊峰辉文斌宇浩凯健林亮成龙婷雪琳晨阳欣怡思远博雅振兴永春立新保安德胜慧兰桂芝"
_PLACE = "青川临江云溪东岭白沙石门柳河清源安平长乐永宁兴隆宝丰龙泉凤鸣金华玉山南湖北塘西坪东关新城广福太和顺昌福安泰来嘉禾双桥三河五里桃源杏花梨园松林竹溪梅岭兰亭荷塘枫桥柏树榆林槐荫桑园麻城茶陵盐井铁山铜鼓银川锦屏绣江翠屏碧水丹霞紫阳红岩黄岗黑石蓝田绿洲明月清风朝阳晓星启明光华宏伟昌盛富强和平友谊团结胜利前进红旗"
_STAMP = "synth.json"

_LEVEL_ORDER = ("nation", "province", "city", "county", "township", "village")
_D0 = dt.date(2012, 1, 1).toordinal()
_END = dt.date(2025, 6, 30).toordinal()
_SANCTIONS = ["reminder_talk", "criticism", "written_self_examination", "circulated_criticism", "admonishment", "warning", "serious_warning"]
_ORG_SANCTIONS = ["org_inspection", "org_circulated"]
_FAILURE_KINDS = ["inaction", "poor_execution", "supervision_failure", "misconduct"]

# Columns of every CSV table, in the order written (the loader reads them by header name).
COLUMNS: dict[str, list[str]] = {
    "divisions": ["id", "name", "level", "within"],
    "bodies": ["id", "name", "kind", "located_in", "sub_organization_of", "led_by", "guided_by", "vertically_managed_by", "stationed_in", "rank"],
    "units": ["id", "name", "unit_of"],
    "posts": ["id", "name", "post_in", "principal", "leading", "rank"],
    "people": ["id", "name"],
    "tenures": ["id", "person", "post", "start", "end", "source"],
    "mandates": ["id", "title", "kind", "governs", "issued_by", "issued", "valid_from", "valid_to", "source"],
    "clauses": ["id", "mandate", "number", "text", "assigned_to", "matters", "role", "power_types", "list_category", "scope"],
    "assignments": ["id", "post", "person", "mode", "bodies", "matters", "valid_from", "valid_to", "source"],
    "decisions": ["id", "title", "date", "decided_by", "participants", "matters", "documented"],
    "incidents": ["id", "title", "matters", "place", "conduct_date", "conduct_end", "discovered", "consequence"],
    "failures": ["id", "incident", "by_body", "by_person", "kind", "date", "causal", "description"],
    "cases": ["id", "title", "incident", "proposed_by", "reviewed_by", "date"],
    "actions": ["id", "in_case", "target_person", "target_post", "target_body", "responsibility_kind", "degree", "sanction", "status"],
    "exemptions": ["id", "action", "grounds", "note"],
}


@lru_cache(maxsize=None)
def _iso(ordinal: int) -> str:
    return dt.date.fromordinal(ordinal).isoformat()


def _cn(n: int) -> str:
    """Chinese numeral for clause numbers up to 99 (第三条（十二）)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def _year(ordinal: int) -> int:
    return dt.date.fromordinal(ordinal).year


def scale_spec(scale: str) -> ScaleSpec:
    """The :class:`ScaleSpec` of a scale name; ValueError naming the known scales otherwise."""
    try:
        return SCALES[scale]
    except KeyError:
        raise ValueError(f"unknown scale {scale!r} (known: {', '.join(SCALES)})") from None


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """Share ``total`` children among ``parts`` parents, unevenly but each at least one."""
    if parts <= 0:
        return []
    if total < parts:
        raise ValueError(f"cannot share {total} children among {parts} parents, one each at least")
    weights = [rng.uniform(0.6, 1.4) for _ in range(parts)]
    spare = total - parts
    scale = spare / sum(weights)
    shares = [1 + int(w * scale) for w in weights]
    for i in rng.sample(range(parts), total - sum(shares)) if total > sum(shares) else []:
        shares[i] += 1
    return shares


def _join(values: list[str] | tuple[str, ...] | None) -> str:
    return ";".join(values) if values else ""


@dataclass
class _Post:
    """A post as the generator remembers it: its id, body, and tenures as (start, end, person)."""

    id: str
    body: str
    tenures: list[tuple[int, int | None, str]]

    def holder(self, day: int) -> str | None:
        for start, end, person in self.tenures:
            if start <= day and (end is None or end > day):
                return person
        return None

    def earlier(self, day: int) -> str | None:
        """Someone who held the post but had left before ``day``."""
        for start, end, person in self.tenures:
            if end is not None and end <= day:
                return person
        return None


@dataclass
class _Dept:
    key: str
    id: str
    name: str
    principal: _Post
    deputies: list[_Post]
    units: list[tuple[str, str | None, _Post, _Post | None]]  # (unit id, matter, chief post, staff post)


@dataclass
class _Township:
    id: str
    division: str
    name: str
    posts: list[_Post]  # secretary, head, deputy secretary, deputies
    villages: list[tuple[str, str, list[_Post]]]  # (division, name, [branch secretary, committee director])
    village_bodies: list[str]


class _Synth:
    """Writes one bundle; the state kept at any time is one county's (plus its city's), so nation fits."""

    def __init__(self, spec: ScaleSpec, out: Path, seed: int):
        self.spec = spec
        self.out = out
        self.rng = random.Random(seed)
        self.counts: dict[str, int] = {k: 0 for k in COLUMNS}
        self.seq = 0
        self._handles: dict[str, Any] = {}
        self._writers: dict[str, Any] = {}
        self._pool: list[tuple[int, str]] = []  # (left on, person) of people free to move to another post
        self._used_names: set[str] = set()
        self.full_index = _LEVEL_ORDER.index(spec.full_from)
        # matter -> county departments with a responsible duty on it (or on a broader matter)
        self.responsible: dict[str, list[str]] = {}
        for mid in INCIDENT_MATTERS:
            up, cur = [], mid
            while cur:
                up.append(cur)
                cur = _MATTER_BROADER[cur]
            keys = [k for k, _, _, duties, _ in DEPARTMENTS if any(mt in up and r in ("lead", "supervise", "enforce") for mt, r in duties)]
            direct = [k for k, _, _, duties, _ in DEPARTMENTS if any(mt == mid and r in ("lead", "supervise", "enforce") for mt, r in duties)]
            self.responsible[mid] = direct or keys

    # -- output --------------------------------------------------------------------------
    def open(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        for section, cols in COLUMNS.items():
            h = (self.out / f"{section}.csv").open("w", encoding="utf-8", newline="")
            w = csv.writer(h, lineterminator="\n")
            w.writerow(cols)
            self._handles[section] = h
            self._writers[section] = w

    def close(self) -> None:
        for h in self._handles.values():
            h.close()

    def row(self, section: str, *values: Any) -> None:
        self._writers[section].writerow(["" if v is None else ("true" if v is True else "false" if v is False else v) for v in values])
        self.counts[section] += 1

    def next_id(self, prefix: str) -> str:
        self.seq += 1
        return f"{prefix}{self.seq}"

    # -- names ---------------------------------------------------------------------------
    def place_name(self, suffix: str) -> str:
        rng = self.rng
        for _ in range(20):
            i, j = rng.randrange(0, len(_PLACE), 2), rng.randrange(0, len(_PLACE), 2)
            name = _PLACE[i : i + 2] if rng.random() < 0.5 else _PLACE[i] + _PLACE[j + 1]
            if name + suffix not in self._used_names or len(self._used_names) > 200_000:
                break
        if len(self._used_names) <= 200_000:
            self._used_names.add(name + suffix)
        return name + suffix

    def person(self) -> str:
        rng = self.rng
        pid = self.next_id("n")
        given = rng.choice(_GIVEN) + (rng.choice(_GIVEN) if rng.random() < 0.7 else "")
        self.row("people", pid, rng.choice(_SURNAMES) + given)
        return pid

    # -- posts and tenures ---------------------------------------------------------------
    def post(self, pid: str, name: str, body: str, *, principal: bool = False, leading: bool = True, rank: str = "") -> _Post:
        """Write a post and its 1–3 successive, non-overlapping tenures."""
        rng = self.rng
        self.row("posts", pid, name, body, principal, leading, rank)
        k = rng.choice((1, 2, 2, 3))
        start = _D0 + rng.randrange(0, 6 * 365)
        cuts = sorted(rng.sample(range(start + 200, _END - 60), k - 1))
        starts = [start, *cuts]
        ends: list[int | None] = [*cuts, None]
        if rng.random() < 0.1:  # vacant today: the last holder left
            ends[-1] = rng.randrange(starts[-1] + 30, _END)
        tenures = []
        movers = []
        for i, (s, e) in enumerate(zip(starts, ends)):
            person = None
            if i == k - 1 and self._pool and rng.random() < 0.25:
                j = rng.randrange(len(self._pool))
                left, who = self._pool[j]
                if left <= s:  # a move, never an overlap: the person left their old post first
                    person = who
                    self._pool[j] = self._pool[-1]
                    self._pool.pop()
            if person is None:
                person = self.person()
                if i < k - 1 and e is not None and rng.random() < 0.5:
                    movers.append((e, person))
            tid = self.next_id("t")
            self.row("tenures", tid, person, pid, _iso(s), _iso(e) if e is not None else None, f"任免〔{_year(s)}〕{rng.randint(1, 99)}号")
            tenures.append((s, e, person))
        # people who left this post may take another one later (never this one again)
        for mover in movers:
            if len(self._pool) < 20_000:
                self._pool.append(mover)
            else:
                self._pool[rng.randrange(len(self._pool))] = mover
        return _Post(pid, body, tenures)

    def assignment_per_tenure(self, post: _Post, mode: str, bodies: list[str], matters: list[str], source: str) -> None:
        """One 分工 entry per holder, in force while they held the post (valid_to is the last day)."""
        for s, e, person in post.tenures:
            self.row("assignments", self.next_id("a"), post.id, person, mode, _join(bodies), _join(matters),
                     _iso(s), _iso(e - 1) if e is not None else None, f"{source}（{_year(s)}年）")

    # -- bodies ----------------------------------------------------------------------------
    def body(self, bid: str, name: str, kind: str, div: str, *, led_by: list[str] | None = None, guided_by: list[str] | None = None,
             sub_of: str | None = None, vertical: str | None = None, stationed_in: str | None = None, rank: str = "") -> str:
        self.row("bodies", bid, name, kind, div, sub_of, _join(led_by), _join(guided_by), vertical, stationed_in, rank)
        return bid

    def mandate(self, mid: str, title: str, kind: str, governs: list[str], issued_by: str | None, valid_from: int,
                valid_to: int | None, source: str) -> str:
        self.row("mandates", mid, title, kind, _join(governs), issued_by, _iso(valid_from - self.rng.randint(5, 40)),
                 _iso(valid_from), _iso(valid_to) if valid_to else None, source)
        return mid

    def clause(self, mandate: str, n: int, number: str, text: str, assigned_to: str, matters: list[str], role: str,
               power_types: list[str] | None = None, category: str | None = None, scope: list[str] | None = None) -> None:
        self.row("clauses", f"{mandate}.{n}", mandate, number, text, assigned_to, _join(matters), role, _join(power_types), category, _join(scope))

    # -- levels ----------------------------------------------------------------------------
    def run(self) -> dict[str, int]:
        spec, rng = self.spec, self.rng
        self.open()
        try:
            self.row("divisions", "d0", "全国", "nation", None)
            self.national_discipline = self.body("b0_discipline", "国家纪委监委", "discipline_body", "d0")
            cities = _split(spec.cities, spec.provinces, rng)
            counties = _split(spec.counties, spec.cities, rng)
            townships = _split(spec.townships, spec.counties, rng)
            villages = _split(spec.villages, spec.townships, rng)
            self.county_incidents = [0] * spec.counties
            for _ in range(spec.incidents):
                self.county_incidents[rng.randrange(spec.counties)] += 1
            self.county_big = [0] * spec.counties
            for _ in range(spec.big_cases):
                self.county_big[rng.randrange(spec.counties)] += 1
            ci = ki = ti = 0
            for p in range(spec.provinces):
                pcode = f"{11 + p:02d}"
                prov = self.level_bodies("province", pcode, "d0", None, self.place_name("省"))
                for c in range(cities[p]):
                    ccode = f"{pcode}{c + 1:02d}"
                    city = self.level_bodies("city", ccode, prov["div"], prov, self.place_name("市"))
                    for k in range(counties[ci]):
                        kcode = f"{ccode}{k + 1:02d}"
                        county = self.level_bodies("county", kcode, city["div"], city, self.place_name(rng.choice("县县区")))
                        n_town = townships[ki]
                        towns = []
                        for t in range(n_town):
                            towns.append(self.township(county, f"{kcode}{t + 1:03d}", villages[ti]))
                            ti += 1
                        self.county_cases(county, towns, self.county_incidents[ki], self.county_big[ki])
                        ki += 1
                    ci += 1
        finally:
            self.close()
        return dict(self.counts)

    def level_bodies(self, level: str, code: str, parent_div: str, parent: dict | None, name: str) -> dict:
        """Division, government, party committee, discipline body and (when full) the departments of one level."""
        rng = self.rng
        div = f"d{code}"
        self.row("divisions", div, name, level, parent_div)
        full = _LEVEL_ORDER.index(level) >= self.full_index
        gov_suffix = {"province": "人民政府", "city": "人民政府", "county": "人民政府"}[level]
        head_title = {"province": "省长", "city": "市长", "county": "区长" if name.endswith("区") else "县长"}[level]
        vice_title = "副" + head_title
        rank = {"province": "正部级", "city": "正厅级", "county": "正处级"}[level]
        party = self.body(f"b{code}_party", f"中共{name}委员会", "party_committee", div, led_by=[parent["party"]] if parent else None)
        gov = self.body(f"b{code}_gov", f"{name}{gov_suffix}", "government", div, led_by=[parent["gov"], party] if parent else [party])
        disc = self.body(f"b{code}_disc", f"{name}纪委监委", "discipline_body", div, led_by=[parent["disc"]] if parent else None)
        info: dict[str, Any] = {"div": div, "name": name, "code": code, "gov": gov, "party": party, "disc": disc, "level": level,
                                "depts": {}, "parent": parent}
        secretary = self.post(f"p{code}_party_sec", f"中共{name}委员会书记", party, principal=True, rank=rank)
        head = self.post(f"p{code}_gov_head", f"{name}{head_title}", gov, principal=True, rank=rank)
        self.assignment_per_tenure(secretary, "overall", [party], [], f"中共{name}委员会常委分工")
        self.assignment_per_tenure(head, "overall", [gov], [], f"{name}{gov_suffix}领导分工")
        info["head"] = head
        self.post(f"p{code}_disc_sec", f"{name}纪委书记", disc, principal=True, rank=rank)
        eco_key = "eco"
        if not full:
            # context only: the environment bureau that county branch offices answer to
            if level == "city":
                eco = self.body(f"b{code}_eco", f"{name}生态环境局", "department", div, led_by=[gov])
                self.post(f"p{code}_eco_dir", f"{name}生态环境局局长", eco, principal=True)
                md = self.mandate(f"md{code}_eco", f"{name}生态环境局职能配置、内设机构和人员编制规定", "sanding", [eco], gov,
                                  dt.date(2019, 3, 1).toordinal(), None, f"{name[:2]}办发〔2019〕{rng.randint(1, 60)}号")
                self.clause(md, 1, "第三条（一）", "负责全市生态环境统一监督管理，指导各分局开展生态环境保护工作。", eco, ["m_eco"], "guide")
                info["depts"][eco_key] = eco
            return info
        # full level: the departments, each with its units, posts, mandate and 分工
        depts: dict[str, _Dept] = {}
        for key, dname, kind, duties, units in DEPARTMENTS:
            depts[key] = self.department(info, key, dname, kind, duties, units)
        info["depts"] = {k: d.id for k, d in depts.items()}
        info["dept_objs"] = depts
        # vice heads of the government, each 分管 a share of the government departments
        gov_depts = [d for k, d in depts.items() if DEPARTMENTS[[x[0] for x in DEPARTMENTS].index(k)][2] != "party_department"]
        n_vice = rng.randint(4, 6)
        vices = []
        for i in range(n_vice):
            vp = self.post(f"p{code}_gov_vice{i + 1}", f"{name}{vice_title}", gov, rank=rank.replace("正", "副"))
            share = gov_depts[i::n_vice]
            self.assignment_per_tenure(vp, "in_charge", [d.id for d in share], [], f"{name}{gov_suffix}领导分工")
            vices.append((vp, share))
        info["vices"] = vices
        # discipline teams stationed in two departments
        for i, key in enumerate(rng.sample([k for k in depts if k not in ("org", "propaganda", "united", "law")], 2)):
            team = self.body(f"b{code}_team{i + 1}", f"{name}纪委监委派驻{depts[key].name}纪检监察组", "stationed_team", div,
                             led_by=[disc], stationed_in=depts[key].id)
            self.post(f"p{code}_team{i + 1}_head", f"{name}纪委监委派驻{depts[key].name}纪检监察组组长", team, principal=True)
            md = self.mandate(f"md{code}_team{i + 1}", f"{name}纪委监委派驻机构工作规则", "regulation", [team], disc,
                              dt.date(2019, 6, 1).toordinal(), None, f"{name[:2]}纪发〔2019〕{rng.randint(1, 30)}号")
            self.clause(md, 1, "第五条", f"对{depts[key].name}领导班子及其成员履行职责和行使权力情况进行监督。", team, ["m_party_conduct"], "supervise")
        return info

    def department(self, info: dict, key: str, dname: str, kind: str, duties: list[Duty], units) -> _Dept:
        rng = self.rng
        code, name, level, div = info["code"], info["name"], info["level"], info["div"]
        bid = f"b{code}_{key}"
        led_by = [info["party"]] if kind == "party_department" else [info["gov"]]
        full_name = f"中共{name}委员会{dname}" if kind == "party_department" else f"{name}{dname}"
        vertical = None
        if key == "eco" and level == "county":
            # county environment offices are branch offices vertically managed by the city bureau (垂直管理)
            city_eco = info["parent"]["depts"].get("eco")
            city_name = info["parent"]["name"]
            full_name = f"{city_name}生态环境局{name[:-1] if len(name) > 2 else name}分局"
            kind, led_by, vertical = "branch_office", [], city_eco
        self.body(bid, full_name, kind, div, led_by=led_by or None, sub_of=vertical, vertical=vertical)
        title = {"party_department": "部长"}.get(kind, "局长" if dname.endswith("局") else "主任" if dname.endswith(("室", "会")) else "负责人")
        principal = self.post(f"p{bid[1:]}_1", f"{full_name}{title}", bid, principal=True)
        deputies = [self.post(f"p{bid[1:]}_{i + 2}", f"{full_name}副{title}", bid) for i in range(rng.randint(2, 5))]
        unit_rows = []
        for i, (uname, umatter, urole) in enumerate(units):
            uid = f"u{bid[1:]}_{i + 1}"
            self.row("units", uid, uname, bid)
            chief_title = "大队长" if uname.endswith("大队") else "站长" if uname.endswith("站") else "主任" if uname.endswith("室") else "科长"
            chief = self.post(f"p{uid[1:]}_1", f"{full_name}{uname}{chief_title}", uid)
            staff = None
            if urole == "enforce":
                staff = self.post(f"p{uid[1:]}_2", f"{full_name}{uname}执法队员", uid, leading=False)
            unit_rows.append((uid, umatter, chief, staff))
        # the mandate (三定); about one in ten departments also has an older one that expired in 2019
        src_prefix = name[:2]
        if rng.random() < 0.1:
            old = self.mandate(f"md{bid[1:]}_old", f"{full_name}主要职责内设机构和人员编制规定（2015年）", "sanding", [bid], led_by[0] if led_by else vertical,
                               dt.date(2015, 3, 1).toordinal(), dt.date(2019, 2, 28).toordinal(), f"{src_prefix}办发〔2015〕{rng.randint(1, 80)}号")
            for n, (mt, role) in enumerate(duties[:2], 1):
                self.clause(old, n, f"第三条（{_cn(n)}）", f"负责{_MATTER_NAME[mt]}相关工作。", bid, [mt], role)
        md = self.mandate(f"md{bid[1:]}", f"{full_name}职能配置、内设机构和人员编制规定", "sanding", [bid], led_by[0] if led_by else vertical,
                          dt.date(2019, 3, 1).toordinal() + rng.randrange(0, 200), None, f"{src_prefix}办发〔2019〕{rng.randint(1, 80)}号")
        upstream = level != "county"  # above the county, departments guide; the county carries duties out
        n = 0
        for mt, role in duties:
            n += 1
            r = "guide" if upstream and role in ("lead", "supervise", "enforce") else role
            self.clause(md, n, f"第三条（{_cn(n)}）", f"负责{_MATTER_NAME[mt]}{'监督管理' if r == 'supervise' else '执法' if r == 'enforce' else '指导' if r == 'guide' else '工作'}。",
                        bid, [mt], r, power_types=["penalty", "inspection"] if r == "enforce" else None)
        for i, (uid, umatter, chief, staff) in enumerate(unit_rows):
            if umatter is None:
                continue
            n += 1
            urole = units[i][2]
            r = "guide" if upstream and urole in ("lead", "supervise", "enforce") else urole
            self.clause(md, n, f"第四条（{_cn(i + 1)}）{units[i][0]}", f"承担{_MATTER_NAME[umatter]}的具体工作。", uid, [umatter], r,
                        power_types=["inspection"] if r == "enforce" else None)
        # 分工: each deputy 分管 one or two units (about one in ten only 联系 them)
        for i, dep in enumerate(deputies):
            covered = [u[0] for u in unit_rows[i::len(deputies)]] or [bid]
            mode = "liaison" if rng.random() < 0.1 else ("assist" if rng.random() < 0.05 else "in_charge")
            self.assignment_per_tenure(dep, mode, covered, [], f"{full_name}领导班子分工")
        return _Dept(key, bid, full_name, principal, deputies, unit_rows)

    def township(self, county: dict, code: str, n_villages: int) -> _Township:
        rng = self.rng
        div = f"d{code}"
        name = self.place_name(rng.choice("镇镇镇乡"))
        self.row("divisions", div, name, "township", county["div"])
        bid = self.body(f"b{code}", f"{name}党委政府", "township", div, led_by=[county["gov"], county["party"]])
        head_title = "乡长" if name.endswith("乡") else "镇长"
        posts = [
            self.post(f"p{code}_1", f"{name}党委书记", bid, principal=True, rank="正科级"),
            self.post(f"p{code}_2", f"{name}{head_title}", bid, principal=True, rank="正科级"),
            self.post(f"p{code}_3", f"{name}党委副书记", bid, rank="副科级"),
        ]
        self.assignment_per_tenure(posts[0], "overall", [bid], [], f"{name}党政班子分工")
        for i, matters in enumerate(TOWNSHIP_DEPUTY_MATTERS):
            p = self.post(f"p{code}_{i + 4}", f"{name}副{head_title}", bid, rank="副科级")
            self.assignment_per_tenure(p, "in_charge", [], matters, f"{name}党政班子分工")
            posts.append(p)
        md = self.mandate(f"md{code}", f"{name}履职事项清单", "duty_list", [bid], county["gov"], dt.date(2021, 1, 1).toordinal() + rng.randrange(0, 500),
                          None, f"{county['name'][:2]}政办〔2021〕{rng.randint(1, 90)}号 附件")
        counters = {"basic": 0, "assisting": 0, "withdrawn": 0}
        label = {"basic": "基本履职事项", "assisting": "配合履职事项", "withdrawn": "上级部门收回事项"}
        for n, (cat, mt, role, text) in enumerate(TOWNSHIP_ITEMS, 1):
            counters[cat] += 1
            self.clause(md, n, f"{label[cat]}{counters[cat]}", text, bid, [mt], role,
                        power_types=["penalty"] if cat == "withdrawn" else None, category=cat)
        villages, village_bodies = [], []
        for v in range(n_villages):
            vcode = f"{code}{v + 1:03d}"
            vdiv = f"d{vcode}"
            vname = self.place_name("村")
            self.row("divisions", vdiv, vname, "village", div)
            branch = self.body(f"b{vcode}_b", f"中共{vname}支部委员会", "village_party_branch", vdiv, led_by=[bid])
            committee = self.body(f"b{vcode}_c", f"{vname}村民委员会", "village_committee", vdiv, guided_by=[bid])
            vposts = [self.post(f"p{vcode}_1", f"{vname}党支部书记", branch, principal=True),
                      self.post(f"p{vcode}_2", f"{vname}村民委员会主任", committee, principal=True)]
            villages.append((vdiv, vname, vposts))
            village_bodies.append(branch)
        return _Township(bid, div, name, posts, villages, village_bodies)

    # -- incidents and cases ------------------------------------------------------------
    def county_cases(self, county: dict, towns: list[_Township], n_incidents: int, n_big: int) -> None:
        rng = self.rng
        depts: dict[str, _Dept] = county.get("dept_objs", {})
        if not depts or not towns:
            return
        big_at = set(rng.sample(range(n_incidents), min(n_big, n_incidents))) if n_incidents else set()
        for i in range(n_incidents):
            self.incident(county, towns, depts, big=i in big_at)

    def incident(self, county: dict, towns: list[_Township], depts: dict[str, _Dept], big: bool) -> None:
        rng = self.rng
        matter = rng.choice(INCIDENT_MATTERS)
        matters = [matter] if rng.random() < 0.8 else [matter, rng.choice(INCIDENT_MATTERS)]
        if len(matters) == 2 and matters[0] == matters[1]:
            matters.pop()
        town = rng.choice(towns)
        where = rng.random()
        if where < 0.6 and town.villages:
            vdiv, vname, vposts = rng.choice(town.villages)
            place, place_name = vdiv, vname
        elif where < 0.9:
            place, place_name, vposts = town.division, town.name, None
        else:
            place, place_name, vposts = county["div"], county["name"], None
        start = dt.date(2019, 6, 1).toordinal() + rng.randrange(0, 5 * 365)
        end = start + rng.randrange(0, 120)
        iid = self.next_id("i")
        title = f"{place_name}{_MATTER_NAME[matter]}问题"
        self.row("incidents", iid, title, _join(matters), place, _iso(start), _iso(end) if end > start else None,
                 _iso(end + rng.randrange(1, 60)), f"{_MATTER_NAME[matter]}方面造成不良影响，群众反映强烈")
        dept = depts[rng.choice(self.responsible[matter])]
        unit = next((u for u in dept.units if u[1] == matter), None) or rng.choice(dept.units)
        chief_holder = unit[2].holder(start)
        self.row("failures", self.next_id("f"), iid, unit[0], chief_holder, rng.choice(_FAILURE_KINDS), _iso(start), True,
                 f"{dept.name}未按职责开展巡查和查处")
        if rng.random() < 0.5:
            self.row("failures", self.next_id("f"), iid, town.id, None, "poor_execution", _iso(start), True, "网格巡查中未及时发现和报告问题")
        if vposts and rng.random() < 0.05:
            who = vposts[0].holder(start)
            if who:
                self.row("failures", self.next_id("f"), iid, vposts[0].body, who, rng.choice(("direct_violation", "minor_lapse")),
                         _iso(start), True, "村干部个人违规")
        if rng.random() < 0.1:
            day = start - rng.randrange(10, 300)
            participants = [p for p in (county["head"].holder(day), *(v.holder(day) for v, share in county["vices"] if any(d is dept for d in share))) if p]
            self.row("decisions", self.next_id("dc"), f"{county['name']}人民政府常务会议关于{_MATTER_NAME[matter]}工作的决定", _iso(day),
                     county["gov"], _join(participants), matter, rng.random() > 0.3)
        if not big and rng.random() > 0.6:
            return
        cid = self.next_id("c")
        self.row("cases", cid, f"关于{title}的问责建议", iid, county["disc"], rng.choice((county["parent"]["disc"], None)),
                 _iso(end + rng.randrange(60, 200)))
        targets: list[tuple[str | None, str | None, str | None]] = []  # (person, post, body)
        if big:
            # the epidemic-prevention pattern: dozens held, most at township level or below
            pool = [p for _, _, vp in town.villages for p in vp] + town.posts
            pool += [p for t in towns if t is not town for _, _, vp in t.villages for p in vp]
            pool += [dept.principal, *dept.deputies] + [u[2] for u in dept.units]
            seen = set()
            for p in pool:
                who = p.holder(start)
                if who and who not in seen:
                    seen.add(who)
                    targets.append((who, p.id, None))
                if len(targets) == 40:
                    break
        else:
            covering = dept.deputies[dept.units.index(unit) % len(dept.deputies)]  # the deputy whose 分工 covers the unit
            for p in (covering, unit[2]):
                who = p.holder(start)
                if who:
                    targets.append((who, p.id, None))
            if rng.random() < 0.2:
                former = dept.principal.earlier(start)
                if former:
                    targets.append((former, dept.principal.id, None))
            if rng.random() < 0.5:
                p = rng.choice(town.posts[3:])
                who = p.holder(start)
                if who:
                    targets.append((who, p.id, None))
            if vposts and rng.random() < 0.5:
                who = vposts[0].holder(start)
                if who:
                    targets.append((who, vposts[0].id, None))
            if rng.random() < 0.15:
                other = depts[rng.choice([k for k in depts if k not in self.responsible[matter]])]
                who = other.principal.holder(start)
                if who:
                    targets.append((who, other.principal.id, None))
            if rng.random() < 0.1:
                targets.append((None, None, town.id))
        seen_people: set[str] = set()
        for person, post, body in targets:
            if person in seen_people:
                continue
            if person:
                seen_people.add(person)
            aid = self.next_id("x")
            if person:
                self.row("actions", aid, cid, person, post, None, rng.choice(("supervision", "execution")),
                         rng.choice(("principal_leadership", "important_leadership", "direct")), rng.choice(_SANCTIONS), "proposed")
                if rng.random() < 0.03:
                    self.row("exemptions", self.next_id("e"), aid, _join(rng.sample(["reform_inexperience", "public_interest", "power_gap"], rng.randint(1, 2))),
                             "当事人提出容错免责申请")
            else:
                self.row("actions", aid, cid, None, None, body, "primary", None, rng.choice(_ORG_SANCTIONS), "proposed")


def _bundle_yaml(spec: ScaleSpec, seed: int, counts: dict[str, int]) -> dict:
    return {
        "bundle": {
            "name": f"合成数据集（{spec.name}，seed {seed}）",
            "description": f"Synthetic bundle generated by loaders/synth.py (generator {GENERATOR_VERSION}): "
                           f"{spec.provinces} provinces, {spec.cities} cities, {spec.counties} counties, {spec.townships} townships, "
                           f"{spec.villages} villages. All names are invented.",
        },
        "csv": {section: f"{section}.csv" for section in COLUMNS if counts.get(section)},
        "matters": [
            {"id": mid, "name": name, **({"broader": [b]} if b else {}), "aliases": list(aliases)} for mid, name, b, aliases in MATTERS
        ],
    }


def synthesize(scale: str, out_dir: str | Path, seed: int = 0) -> Path:
    """Write a synthetic bundle folder of the given scale and return its path.

    The bundle has ``bundle.yaml`` (metadata, the matter taxonomy and the CSV table list) and one CSV
    file per big section. The same scale and seed always give the same files.

    Parameters
    ----------
    scale : str
        ``county`` (1 county, ~15 townships, ~200 villages), ``city`` (1 city of 9 counties),
        ``province`` (16 cities, 130 counties, 1,700 townships, 22,000 villages) or ``nation``
        (31 provinces, 333 cities, 2,844 counties, 38,000 townships, 490,000 villages).
    out_dir : str or Path
        The folder to write (created if missing; files of an earlier run are overwritten).
    seed : int
        Seed of the random generator.

    Returns
    -------
    Path
        ``out_dir``, ready for :func:`loaders.bundle.load_bundle`.

    Examples
    --------
    >>> import tempfile
    >>> from loaders.bundle import load_bundle
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     b = load_bundle(synthesize("county", tmp), shacl=False)
    ...     b.counts()["Division"] > 200
    True
    """
    spec = scale_spec(scale)
    out = Path(out_dir)
    synth = _Synth(spec, out, seed)
    counts = synth.run()
    for section, n in counts.items():
        if not n:
            (out / f"{section}.csv").unlink(missing_ok=True)
    doc = _bundle_yaml(spec, seed, counts)
    text = "# Generated by loaders/synth.py; do not edit. Regenerate with `quanze synth`.\n"
    text += yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=200)
    (out / "bundle.yaml").write_text(text, encoding="utf-8")
    (out / _STAMP).write_text(json.dumps({"scale": scale, "seed": seed, "generator": GENERATOR_VERSION,
                                          "rows": {**counts, "matters": len(MATTERS)}}, indent=1), encoding="utf-8")
    return out
