"""Parsers on small invented inputs: numbering styles, staffing forms, 分工 forms, lists, files, no crash."""

from __future__ import annotations

import csv
import re

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.bundle import read_records
from loaders.fengong import parse_fengong
from loaders.ingest import PLACEHOLDER_DATE, ingest, write_bundle_part
from loaders.powerlist import parse_powerlist, power_type_of
from loaders.sanding import parse_sanding
from loaders.text import (
    clean,
    derive_role,
    document_from_text,
    find_dates,
    load_taxonomy,
    normalize,
    parse_cn_int,
    read_document,
    split_items,
)

ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]*$")


def sd(text: str, name: str = "t.txt"):
    return parse_sanding(document_from_text(text, name))


# -- text utilities -------------------------------------------------------------------------------
@pytest.mark.parametrize("text, value", [
    ("一", 1), ("九", 9), ("十", 10), ("十一", 11), ("二十", 20), ("三十五", 35), ("九十九", 99), ("两", 2),
    ("一百", 100), ("百", 100), ("一百零五", 105), ("两百", 200), ("〇", 0), ("12", 12), ("１２", 12),
])
def test_chinese_numerals(text, value):
    assert parse_cn_int(text) == value


@pytest.mark.parametrize("text", ["", "名", "三名", "abc", "十x"])
def test_not_numerals(text):
    assert parse_cn_int(text) is None


def test_clean_strips_pinyin_but_keeps_bracketed_chinese():
    assert clean("制【zhì】定【dìng】并【bìng】监督【dū】") == "制定并监督"
    assert clean("【编辑:宋宇晟】") == "【编辑:宋宇晟】"
    assert clean("负责\u200b 统筹  协调 ") == "负责 统筹 协调"


def test_normalize_keeps_offsets_and_maps_width_and_script():
    src = "第三條（一）負責監督管理：１２名；"
    out = normalize(src)
    assert out == "第三条(一)负责监督管理:12名;"
    assert len(out) == len(src)


def test_split_items_with_aliases_and_tail():
    assert split_items("办公室(人事科、财务科)、法规科,执法大队等单位") == [
        ("办公室", ["人事科", "财务科"]), ("法规科", []), ("执法大队", [])]
    assert split_items("区政府日常工作") == [("区政府日常工作", [])]


def test_find_dates():
    assert find_dates("二〇一九年三月十五日印发") == [("2019-03-15", True)]
    assert find_dates("2021年13月") == []


@pytest.mark.parametrize("text, role", [
    ("负责全县森林资源的监督管理。", "supervise"),
    ("负责林业行政执法,依法查处违法行为。", "enforce"),
    ("负责林木采伐许可。", "approve"),
    ("指导乡镇林业站开展工作。", "guide"),
    ("配合县公安局打击盗伐林木行为。", "coordinate"),
    ("协助县政府做好护林防火工作。", "assist"),
    ("牵头组织全县植树造林。", "lead"),
])
def test_role_from_verbs(text, role):
    assert derive_role(text) == (role, False)


def test_taxonomy_longest_match_and_broader():
    tax = load_taxonomy()
    assert tax.classify("指导重污染天气应急工作") == ["m_air", "m_emergency"]
    assert tax.classify("贯彻上级人民政府的决议") == []  # 人民政府 holds 民政 without meaning it
    assert tax.with_ancestors(["m_coal"]) == ["m_coal", "m_air", "m_eco"]
    assert 35 <= len(tax) <= 70


# -- 三定 -----------------------------------------------------------------------------------------
SANDING = """青禾县林业局职能配置、内设机构和人员编制规定
第一条　根据《青禾县机构改革方案》，制定本规定。
第二条　县林业局是县政府工作部门，为正科级，加挂县森林防火指挥部办公室牌子。
第三条　县林业局的主要职责是：
（一）负责全县森林资源保护和林业发展。
（二）负责林业行政执法，依法查处破坏森林资源的违法行为。
（三）指导乡镇林业站的业务工作。
第四条　县林业局设下列内设机构（股级）：
（一）办公室。负责机关日常运转。
（二）资源管理股（加挂行政审批股牌子）。负责林木采伐许可的审批。
第五条　县林业局机关行政编制十二名。设局长1名，副局长两名。股级领导职数2正5副。
第六条　职责分工。
（一）与县自然资源局的有关职责分工。县自然资源局负责林地的确权登记，县林业局负责林地保护。
"""


def test_sanding_full_width_document():
    r = sd(SANDING)
    assert [c.number for c in r.clauses] == ["第三条（一）", "第三条（二）", "第三条（三）"]
    assert [c.role for c in r.clauses] == ["lead", "enforce", "guide"]
    assert [c.path for c in r.clauses] == [(3, 1), (3, 2), (3, 3)]
    assert (r.body.name, r.body.rank) == ("青禾县林业局", "正科级")
    assert [p.name for p in r.body.plaques] == ["县森林防火指挥部办公室"]
    assert [(u.name, u.rank, u.plaques) for u in r.units] == [("办公室", "股级", []), ("资源管理股", "股级", ["行政审批股"])]
    assert [(c.number, c.role, c.unit) for u in r.units for c in u.duties] == [
        ("第四条（一）办公室", "lead", "办公室"), ("第四条（二）资源管理股", "approve", "资源管理股")]
    st_ = r.staffing
    assert st_.establishment == {"行政编制": 12}
    assert [(p.title, p.count) for p in st_.leader_posts] == [("局长", 1), ("副局长", 2)]
    assert [(q.level, q.principal, q.deputy, q.total) for q in st_.quotas] == [("股级", 2, 5, 7)]
    assert [(d.number, d.counterpart) for d in r.demarcations] == [("第六条（一）", "县自然资源局")]


def test_half_and_full_width_give_the_same_structure():
    full = sd(SANDING)
    half = sd(SANDING.replace("（", "(").replace("）", ")").replace("：", ":").replace("　", " "))
    assert [normalize(c.number) for c in full.all_clauses()] == [c.number for c in half.all_clauses()]
    assert [c.path for c in full.all_clauses()] == [c.path for c in half.all_clauses()]


def test_no_space_after_article_number():
    r = sd("第三条县文化局的主要职责:(一)负责文物保护。(二)负责文化市场执法。")
    assert [c.number for c in r.clauses] == ["第三条(一)", "第三条(二)"]
    assert [c.role for c in r.clauses] == ["lead", "enforce"]


def test_inline_paren_items():
    r = sd("一、党委职责:(1)负责本镇党建工作。(2)负责宣传工作。(3)完成上级交办的其他任务。")
    assert [c.number for c in r.clauses] == ["一、(1)", "一、(2)", "一、(3)"]
    assert r.clauses[0].text == "负责本镇党建工作。"


def test_inline_arabic_items():
    r = sd("白沙镇主要职责是:1.负责辖区农村人居环境整治。2.配合生态环境部门开展大气污染防治巡查。3.协助做好动物防疫。")
    assert [c.number for c in r.clauses] == ["1.", "2.", "3."]
    assert [c.role for c in r.clauses] == ["lead", "coordinate", "assist"]
    assert r.clauses[0].matters == ["m_rural_env"]
    assert "m_animal_epidemic" in r.clauses[2].matters


def test_arabic_items_on_lines_with_mixed_punctuation():
    r = sd("第三条 主要职责:\n1、负责森林防火。\n2．负责林木采伐许可的审批。\n3)查处破坏森林资源的违法行为。")
    assert [c.path for c in r.clauses] == [(3, 1), (3, 2), (3, 3)]
    assert [c.role for c in r.clauses] == ["lead", "approve", "enforce"]


def test_old_style_headings_with_units():
    r = sd("一、主要职责\n根据上述职能,县信访局的主要职责是:\n(一)受理群众来信来访。\n(二)协调处理重要信访问题。\n"
           "二、内设机构\n县信访局内设2个股(副科级):\n(一)综合股\n负责文电、会务。\n(二)督查股\n负责信访事项督查督办。\n"
           "三、人员编制\n县信访局行政编制6名,其中局长1名,副局长1名。")
    assert [c.number for c in r.clauses] == ["一、(一)", "一、(二)"]
    assert all("m_petition" in c.matters for c in r.clauses)
    assert [(u.name, u.rank) for u in r.units] == [("综合股", "副科级"), ("督查股", "副科级")]
    assert r.staffing.unit_count == 2
    assert r.staffing.establishment == {"行政编制": 6}
    assert [(p.title, p.count) for p in r.staffing.leader_posts] == [("局长", 1), ("副局长", 1)]


def test_two_named_in_chinese_numerals():
    r = sd("第五条 县水利局行政编制九名。设局长一名,副局长两名,总工程师一名。")
    assert r.staffing.establishment == {"行政编制": 9}
    assert [(p.title, p.count) for p in r.staffing.leader_posts] == [("局长", 1), ("副局长", 2), ("总工程师", 1)]


def test_numbering_jump_is_warned():
    r = sd("第三条 主要职责是:\n(一)负责甲。\n(三)负责丙。")
    assert [c.number for c in r.clauses] == ["第三条(一)", "第三条(三)"]
    assert any("numbering jumps" in w for w in r.warnings)


def test_truncated_and_garbled_input_keeps_what_parses():
    text = "第三条 主要职责是:\n(一)负责全县应急管理工作。\n(二)负责安全生产监督\n[…gap…]\n%%%|||\n第X条 ？？"
    r = sd(text)
    assert [c.number for c in r.clauses] == ["第三条(一)", "第三条(二)"]
    assert r.clauses[1].truncated
    assert any("gap" in w for w in r.warnings)
    assert any("line ignored" in w for w in r.warnings)


def test_no_duties_is_a_warning_not_an_error():
    r = sd("这是一段与三定无关的文字。")
    assert r.all_clauses() == [] and any("no duty clauses" in w for w in r.warnings)


def test_unclassified_clause_is_kept_and_flagged(tmp_path):
    (tmp_path / "x.txt").write_text("第三条 主要职责是:(一)负责大气污染防治。(二)完成交办的其他任务。", encoding="utf-8")
    r = ingest(tmp_path / "x.txt", "sanding", "b1")
    clauses = r.clauses()
    assert len(clauses) == 2 and "matters" not in clauses[1]
    assert "待核实: 未归入任何事项" in clauses[1]["note"]
    assert r.unclassified and r.unclassified[0].startswith("b1.sanding.3.2 ")
    assert any("unclassified (1)" in line for line in r.report)


# -- 分工 -----------------------------------------------------------------------------------------
def test_fengong_paragraph_forms():
    text = ("张伟（局长）：主持局全面工作，分管办公室、财务科。\n"
            "副局长 李娜：负责大气污染防治工作；协管法规科；联系执法大队（环境监察支队）。\n"
            "王强，副局长兼任执法大队队长，分管执法大队。\n")
    r = parse_fengong(document_from_text(text, "fg.txt"))
    assert [(e.person, e.post, e.mode, e.names) for e in r.entries] == [
        ("张伟", "局长", "overall", ["局"]),
        ("张伟", "局长", "in_charge", ["办公室", "财务科"]),
        ("李娜", "副局长", "in_charge", ["大气污染防治工作"]),
        ("李娜", "副局长", "assist", ["法规科"]),
        ("李娜", "副局长", "liaison", ["执法大队"]),
        ("王强", "副局长", "in_charge", ["执法大队"]),
    ]
    assert r.entries[4].bodies[0].aliases == ["环境监察支队"]
    assert r.entries[5].concurrent == ["执法大队队长"]
    assert r.entries[2].matters == ["m_air"]


def test_fengong_labelled_lines_and_name_lines():
    text = "赵敏\n镇长,主持镇政府全面工作。\n分管:党政办、财政所;联系:派出所。\n钱进\n副镇长,协助镇长负责农业农村工作。"
    r = parse_fengong(document_from_text(text, "fg.txt"))
    assert [(e.person, e.post, e.mode, e.names) for e in r.entries] == [
        ("赵敏", "镇长", "overall", ["镇政府"]),
        ("赵敏", "镇长", "in_charge", ["党政办", "财政所"]),
        ("赵敏", "镇长", "liaison", ["派出所"]),
        ("钱进", "副镇长", "assist", ["农业农村工作"]),
    ]
    assert r.entries[3].matters == ["m_agri"]


def test_fengong_line_without_verb_is_reported():
    r = parse_fengong(document_from_text("孙浩\n副镇长,负责民政工作。\n这一行没有分工动词。", "fg.txt"))
    assert len(r.entries) == 1
    assert any("no 分工 verb" in w and ":3:" in w for w in r.warnings)


# -- lists ----------------------------------------------------------------------------------------
TOWNSHIP = """石门镇履职事项清单
一、基本履职事项
序号 | 事项名称 | 具体内容 | 法律依据
1 | 农村人居环境整治 | 组织开展村庄清洁行动 | 《农村人居环境整治提升五年行动方案》
二、配合履职事项
序号 | 事项名称 | 乡镇职责 | 牵头部门
1 | 大气污染防治 | 配合开展网格化巡查,发现散煤违规经营及时报告 | 县生态环境分局
三、上级部门收回事项
序号 | 事项名称 | 承接部门
1 | 对违规经营散煤行为的行政处罚 | 县生态环境分局
"""


def test_township_duty_list_categories():
    r = parse_powerlist(document_from_text(TOWNSHIP, "list.txt"))
    assert r.township
    assert [(x.list_category, x.role, x.power_type) for x in r.rows] == [
        ("basic", "lead", None), ("assisting", "coordinate", None), ("withdrawn", "enforce", "penalty")]
    assert r.rows[1].department == "县生态环境分局"
    assert r.rows[2].matters == ["m_coal"]


def test_township_list_ingests_with_demo_style_ids(tmp_path):
    (tmp_path / "list.txt").write_text(TOWNSHIP, encoding="utf-8")
    r = ingest([tmp_path / "list.txt"], "quanze", "town")
    m = r.records["mandates"][0]
    assert m["kind"] == "duty_list"
    assert [(c["id"], c["number"], c["list_category"]) for c in m["clauses"]] == [
        ("town.duties.b01", "基本履职事项1", "basic"),
        ("town.duties.p01", "配合履职事项1", "assisting"),
        ("town.duties.w01", "上级部门收回事项1", "withdrawn")]


def test_power_types_and_unknown_type():
    assert power_type_of("行政许可") == "licensing" and power_type_of("行政征收") == "levy"
    text = "序号 | 权力类型 | 项目名称\n1 | 行政奖励 | 对护林有功人员的奖励\n2 | 行政监督 | 奇怪的事项\n"
    r = parse_powerlist(document_from_text(text, "p.txt"))
    assert [x.power_type for x in r.rows] == ["reward", "other"]
    assert any("not recognised" in w for w in r.warnings)


def test_list_without_header_warns():
    r = parse_powerlist(document_from_text("1 | 行政处罚 | 某事项", "p.txt"))
    assert r.rows == [] and any("no header row" in w for w in r.warnings)


def test_csv_list(tmp_path):
    path = tmp_path / "powers.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["序号", "权力类型", "项目名称", "实施依据", "责任事项", "追责情形"])
        w.writerow(["1", "行政处罚", "对露天焚烧秸秆的处罚", "《大气污染防治法》", "立案、调查、决定", "不依法处罚的"])
        w.writerow(["2", "", "对违规堆放散煤的处罚", "", "责令改正", ""])
    r = parse_powerlist(read_document(path))
    assert [(x.number, x.line, x.power_type) for x in r.rows] == [("1", 2, "penalty"), ("2", 3, "penalty")]
    assert r.rows[1].carried == ["power_type_text"]  # a merged 权力类型 cell carried down
    assert r.rows[0].accountability == "不依法处罚的"
    assert r.rows[0].matters == ["m_air"]


# -- files ----------------------------------------------------------------------------------------
def test_docx_round_trip(tmp_path):
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_paragraph("青禾县气象局职能配置、内设机构和人员编制规定")
    d.add_paragraph("第二条　县气象局为正科级。")
    d.add_paragraph("第三条　县气象局的主要职责是：")
    d.add_paragraph("（一）负责人工影响天气作业管理。")
    d.add_paragraph("（二）负责雷电防护装置检测的监督管理。")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "编制", "行政编制5名"
    table.cell(1, 0).text, table.cell(1, 1).text = "领导", "设局长1名,副局长1名"
    path = tmp_path / "sanding.docx"
    d.save(str(path))
    doc = read_document(path)
    assert [l.number for l in doc.lines[:5]] == [1, 2, 3, 4, 5]
    assert doc.lines[5].cells == ("编制", "行政编制5名")
    r = parse_sanding(doc)
    assert [(c.number, c.line, c.role) for c in r.clauses] == [("第三条（一）", 4, "lead"), ("第三条（二）", 5, "supervise")]
    assert r.clauses[0].matters == ["m_weather_modification"] and r.clauses[1].matters == ["m_lightning"]
    assert r.staffing.establishment == {"行政编制": 5}
    assert [(p.title, p.count) for p in r.staffing.leader_posts] == [("局长", 1), ("副局长", 1)]


def test_xlsx_round_trip(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "权责清单"
    ws.append(["某区生态环境分局权责清单"])
    ws.append(["序号", "权力类型", "项目名称", "实施依据", "责任事项", "追责情形"])
    ws.append([1, "行政处罚", "对违规经营散煤的处罚", "《大气污染防治法》第一百零七条", "立案、调查、处罚", "不履行职责的"])
    ws.append([2, "行政检查", "对排污单位的现场检查", None, "检查、处理", None])
    ws.append([3, None, "对超标排放的检查", None, None, None])
    path = tmp_path / "powers.xlsx"
    wb.save(str(path))
    r = ingest([path], "quanze", "eco_branch")
    clauses = r.clauses()
    assert [(c["id"], c["number"], c["power_types"], c["role"], c["source"]) for c in clauses] == [
        ("eco_branch.powers.r01", "序号1", ["penalty"], "enforce", "powers.xlsx:3"),
        ("eco_branch.powers.r02", "序号2", ["inspection"], "supervise", "powers.xlsx:4"),
        ("eco_branch.powers.r03", "序号3", ["inspection"], "supervise", "powers.xlsx:5"),
    ]
    assert clauses[0]["matters"] == ["m_coal"]
    assert "追责情形: 不履行职责的" in clauses[0]["note"]


# -- ingest and the written part -------------------------------------------------------------------
def test_ingest_records_follow_the_bundle_format(tmp_path):
    (tmp_path / "sanding.txt").write_text(SANDING, encoding="utf-8")
    (tmp_path / "fengong.txt").write_text("周明\n局长,主持局全面工作,分管办公室。\n吴兰\n副局长,负责林业行政执法工作;协管资源管理股。",
                                          encoding="utf-8")
    r = ingest([tmp_path / "sanding.txt", tmp_path / "fengong.txt"], "auto", "forestry")
    assert set(r.records) == {"matters", "units", "posts", "people", "mandates", "assignments"}
    m = r.records["mandates"][0]
    assert list(m)[:6] == ["id", "title", "kind", "governs", "valid_from", "source"]
    assert m["valid_from"] == PLACEHOLDER_DATE and m["note"].startswith("待核实")
    assert [c["id"] for c in m["clauses"]] == ["forestry.sanding.3.1", "forestry.sanding.3.2", "forestry.sanding.3.3",
                                               "forestry.sanding.4.1", "forestry.sanding.4.2",
                                               "forestry.sanding.demarcation1"]
    unit_ids = {u["name"]: u["id"] for u in r.records["units"]}
    assert m["clauses"][4]["assigned_to"] == unit_ids["资源管理股"]
    staffing_posts = {p["name"]: p for p in r.records["posts"] if p["note"].startswith("领导职数")}
    posts = {p["name"]: p for p in r.records["posts"]}
    assert staffing_posts["局长"]["principal"] is True and staffing_posts["局长"]["rank"] == "正科级"
    assert staffing_posts["副局长"]["single_holder"] is False and staffing_posts["副局长"]["rank"] == "副科级"
    # a deputy of a two-holder staffing post gets a post of their own, as in the demo bundle
    assert posts["副局长"]["id"] == "forestry.leader02.post"
    # the 分工 of the director reuses the staffing post 局长 (one holder); the units named resolve
    director = [a for a in r.records["assignments"] if a["mode"] == "overall"][0]
    assert director["post"] == posts["局长"]["id"] and director["bodies"] == ["forestry"]
    assist = [a for a in r.records["assignments"] if a["mode"] == "assist"][0]
    assert assist["bodies"] == [unit_ids["资源管理股"]]
    all_ids = [x["id"] for sec in r.records.values() for x in sec] + [c["id"] for c in r.clauses()]
    assert len(all_ids) == len(set(all_ids)) and all(ID.match(i) for i in all_ids)
    # stable: the same input gives the same records
    again = ingest([tmp_path / "sanding.txt", tmp_path / "fengong.txt"], "auto", "forestry")
    assert again.records == r.records


def test_written_part_is_readable_yaml_and_loads(tmp_path):
    (tmp_path / "sanding.txt").write_text(SANDING, encoding="utf-8")
    r = ingest([tmp_path / "sanding.txt"], "sanding", "forestry")
    part = write_bundle_part(r, tmp_path / "out" / "part.yaml")
    text = part.read_text(encoding="utf-8")
    assert "负责林业行政执法" in text and "\\u" not in text
    assert text.startswith("# Bundle part written by `quanze ingest`")
    assert yaml.safe_load(text) == r.records
    (tmp_path / "out" / "bundle.yaml").write_text(
        "bundle: {name: t}\ndivisions: [{id: d1, name: 青禾县, level: county}]\n"
        "bodies: [{id: forestry, name: 青禾县林业局, kind: department, located_in: d1}]\ninclude: [part.yaml]\n",
        encoding="utf-8")
    _, problems = read_records(tmp_path / "out")
    assert problems == []


def test_user_taxonomy_and_known_bodies_from_a_bundle(tmp_path):
    bundle = tmp_path / "bundle.yaml"
    bundle.write_text(yaml.safe_dump({
        "matters": [{"id": "x_fire", "name": "森林防火", "aliases": ["护林防火", "防火"]}],
        "bodies": [{"id": "office", "name": "青禾县林业局办公室"}],
    }, allow_unicode=True), encoding="utf-8")
    (tmp_path / "fg.txt").write_text("周明\n局长,分管办公室,负责护林防火工作。", encoding="utf-8")
    r = ingest([tmp_path / "fg.txt"], "fengong", "forestry", taxonomy=bundle)
    assert "matters" not in r.records  # a user taxonomy lives in the user's bundle
    a = r.records["assignments"]
    assert a[0]["bodies"] == ["office"] and a[1]["matters"] == ["x_fire"]


def test_bad_arguments():
    with pytest.raises(ValueError, match="bad body id"):
        ingest([], "sanding", "县林业局")
    with pytest.raises(ValueError, match="unknown kind"):
        ingest([], "minutes", "b1")


def test_unreadable_file_is_reported(tmp_path):
    r = ingest([tmp_path / "missing.txt"], "sanding", "b1")
    assert r.records == {} and any("could not be read" in line for line in r.report)


# -- never crash ----------------------------------------------------------------------------------
_FRAGMENTS = ["第三条", "第", "条", "(一)", "（二）", "(1)", "1.", "2、", "一、", "二、", "主要职责是:", "内设机构:", "设下列内设机构:",
              "行政编制", "12名", "两名", "局长1名", "2正5副", "领导职数", "负责", "分管:", "联系", "主持全面工作", "协助",
              "兼任", "|", " | ", "序号 | 权力类型 | 项目名称", "行政处罚", "基本履职事项", "【dìng】", "[…gap…]", "\n", "\n\n",
              "。", ",", "、", "(", ")", "牌子", "加挂", "为正科级", "张伟", "局长", "副局长", "职责分工", "与", "\t", "①"]
_TEXT = st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=6)), max_size=40).map("".join)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXT)
def test_parsers_never_crash(text):
    doc = document_from_text(text, "random.txt")
    for parse in (parse_sanding, parse_fengong, parse_powerlist):
        result = parse(doc)
        assert isinstance(result.warnings, list)
    s = parse_sanding(doc)
    for c in s.all_clauses():
        assert c.role in {"lead", "supervise", "enforce", "approve", "guide", "coordinate", "assist"}
        assert c.number


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(_TEXT, st.sampled_from(["sanding", "fengong", "quanze", "auto"]))
def test_ingest_never_crashes_and_ids_stay_valid(tmp_path, text, kind):
    path = tmp_path / "random.txt"
    path.write_text(text, encoding="utf-8")
    r = ingest([path], kind, "b1")
    ids = [x["id"] for sec in r.records.values() for x in sec] + [c["id"] for c in r.clauses()]
    assert len(ids) == len(set(ids)) and all(ID.match(i) for i in ids)


def test_demarcation_becomes_a_clause_of_the_body(tmp_path):
    from loaders.ingest import ingest

    path = tmp_path / "sanding.txt"
    path.write_text(SANDING, encoding="utf-8")
    result = ingest([path], "sanding", "qinghe_forestry")
    clauses = [c for md in result.records["mandates"] for c in md["clauses"]]
    dem = [c for c in clauses if ".demarcation" in c["id"]]
    assert len(dem) == 1 and dem[0]["number"] == "第六条（一）" and dem[0]["assigned_to"] == "qinghe_forestry"
    assert "县自然资源局" in dem[0]["note"] and dem[0]["source"].startswith("sanding.txt:")
    assert any("demarcation → clause of qinghe_forestry" in line for line in result.report)
