"""Every file of the real corpus (/work/shared/corpus) parsed, checked against hand-counted values."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from loaders.bundle import read_records
from loaders.fengong import parse_fengong
from loaders.ingest import ingest, write_bundle_part
from loaders.metrics import evaluate
from loaders.powerlist import parse_powerlist
from loaders.sanding import parse_sanding
from loaders.text import document_date, normalize, read_document

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"

# Each corpus file and the test below that covers it; a new file fails test_every_file_is_covered.
COVERED = {
    "A01_shengtaihuanjingbu_sanding.txt",
    "A02_shengtaihuanjingbu_tiaozheng_2023.txt",
    "A05_shandong_shengtaihuanjingting_sanding.txt",
    "A07_anyi_xian_ziranziyuanju_sanding.txt",
    "A09_foshan_shi_yingji_guanli_bangongshi_sanding.txt",
    "A11_zhongwei_shi_qixiang_xitong_jigou_bianzhi_tiaozheng.txt",
    "A13_xiang_dangzheng_jigou_zhineng.txt",
    "A15_jiedao_banshichu_zhuyao_gongzuo_zhize.txt",
    "B02_guangdong_sheng_zhengfu_lingdao_fengong_2017.txt",
    "B04_liangyuan_qu_changwu_fuquzhang_fengong.txt",
    "C01_beijing_zhishichanquanju_zerenqingdan.txt",
    "C05_ningguo_wangxi_jiedao_quanli_zeren_qingdan_2022.txt",
    "E02_wenze_tiaoli_2016.txt",
    "E03_changchun_shengtai_huanjing_baohu_gongzuo_zhize_guiding.txt",
}


@pytest.fixture(scope="module")
def corpus() -> Path:
    if not CORPUS.is_dir():
        if os.environ.get("CI", "").strip().lower() == "true":
            pytest.fail(f"corpus folder missing: {CORPUS} (CI=true, not skipping)", pytrace=False)
        pytest.skip(f"corpus folder missing: {CORPUS}")
    return CORPUS


def sanding(corpus: Path, name: str):
    return parse_sanding(read_document(corpus / name))


def numbers(result) -> list[str]:
    return [normalize(c.number) for c in result.all_clauses()]


def test_every_file_is_covered(corpus):
    assert {p.name for p in corpus.iterdir() if p.is_file()} == COVERED


# -- 三定 -----------------------------------------------------------------------------------------
def test_a01_ministry_sanding(corpus):
    r = sanding(corpus, "A01_shengtaihuanjingbu_sanding.txt")
    assert numbers(r) == ["第三条(一)", "第三条(二)", "第三条(三)"]
    assert [c.line for c in r.clauses] == [10, 11, 12]
    assert r.body.name == "生态环境部" and r.body.rank == "正部级"
    assert [(p.name, p.mode) for p in r.body.plaques] == [("国家核安全局", "保留"), ("国家消耗臭氧层物质进出口管理办公室", "加挂")]
    # the pinyin glosses are gone from the clause text
    assert r.clauses[1].text.startswith("负责重大生态环境问题的统筹协调和监督管理。牵头协调")
    assert not any("【" in c.text for c in r.clauses)
    assert [c.role for c in r.clauses] == ["lead", "supervise", "supervise"]
    assert r.clauses[2].truncated and not r.clauses[0].truncated
    assert any(":13: gap" in w for w in r.warnings)
    assert r.units == [] and r.staffing.establishment == {}


def test_a02_adjustment_notice(corpus):
    r = sanding(corpus, "A02_shengtaihuanjingbu_tiaozheng_2023.txt")
    assert r.adjustment
    # only item 一 moves a duty into the ministry; 二 (abolition) and 三 (renaming) are not duties
    assert numbers(r) == ["一、"] and r.clauses[0].line == 15 and r.clauses[0].transferred
    assert r.body.name == "生态环境部"
    st = r.staffing
    # the totals after the adjustment, not the "4名行政编制" moved in by item 一
    assert st.establishment == {"行政编制": 504}
    assert st.unit_count == 21
    assert [(q.level, q.total) for q in st.quotas] == [("司局级", 79)]
    assert st.leader_posts == []
    assert {p.number for p in r.provisions} >= {"二、", "三、"}


def test_a05_provincial_sanding(corpus):
    doc = read_document(corpus / "A05_shandong_shengtaihuanjingting_sanding.txt")
    r = parse_sanding(doc)
    assert numbers(r) == ["第三条(一)", "第三条(二)", "第三条(三)"]
    assert [c.line for c in r.clauses] == [14, 16, 18]
    assert (r.body.name, r.body.short_name, r.body.rank) == ("山东省生态环境厅", "省生态环境厅", "正厅级")
    assert r.body.plaques == []
    assert document_date(doc)[:2] == ("2019-03-04", True)


def test_a07_county_sanding_without_space_after_article(corpus):
    r = sanding(corpus, "A07_anyi_xian_ziranziyuanju_sanding.txt")
    assert numbers(r) == ["第三条(一)", "第三条(二)", "第三条(三)", "第三条(四)"]
    assert [c.line for c in r.clauses] == [8, 9, 10, 11]
    assert (r.body.name, r.body.rank) == ("安义县自然资源局", "正科级")
    assert r.body.basis.startswith("根据《省委办公厅")
    assert r.clauses[0].text.startswith("履行全民所有土地")
    assert "m_natural_resources" in r.clauses[1].matters
    assert r.clauses[3].truncated


def test_a09_traditional_old_style(corpus):
    r = sanding(corpus, "A09_foshan_shi_yingji_guanli_bangongshi_sanding.txt")
    assert [normalize(c.number) for c in r.clauses] == [f"二、({n})" for n in "一二三四五六"]
    assert [c.line for c in r.clauses] == [9, 10, 11, 12, 13, 14]
    assert [c.role for c in r.clauses] == ["lead", "lead", "lead", "assist", "guide", "lead"]
    # texts keep the source's characters; matching works on the simplified twin
    assert r.clauses[0].text.startswith("承擔市政府總值班室工作")
    assert all(c.matters == ["m_emergency"] for c in r.clauses)
    assert r.body.name == "佛山市应急管理办公室" and r.body.rank is None
    assert [(normalize(u.name), u.rank, u.line) for u in r.units] == [("综合管理科", "副科级", 17), ("应急指挥协调科", "副科级", 19)]
    assert [normalize(p) for p in r.units[1].plaques] == ["市政府总值班室"]
    assert [len(u.duties) for u in r.units] == [1, 1]
    assert r.units[0].duties[0].text.startswith("負責組織編制全市突發公共事件總體應急預案")
    assert r.staffing.unit_count == 2
    assert [p.number for p in r.provisions] == ["一、"]


def test_a11_units_and_staffing_in_running_text(corpus):
    r = sanding(corpus, "A11_zhongwei_shi_qixiang_xitong_jigou_bianzhi_tiaozheng.txt")
    assert r.clauses == []
    assert (r.body.name, r.body.rank) == ("中卫市气象局", "正处级")
    # the observatory's plaque (挂沙坡头区气象局牌子) is not the bureau's
    assert r.body.plaques == []
    assert [(u.name, u.rank, u.aliases) for u in r.units] == [
        ("办公室", "正科级", ["人事教育科", "中卫市气象局应急管理办公室"]),
        ("业务科技科", "正科级", ["政策法规科"]),
        ("计划财务科", "正科级", []),
    ]
    st = r.staffing
    assert st.establishment == {"人员编制": 76}
    assert [(p.title, p.count, p.line) for p in st.leader_posts] == [("局长", 1, 9), ("副局长", 1, 9)]
    assert [(q.level, q.total) for q in st.quotas] == [("科级", 6)]


def test_a13_township_inline_items(corpus):
    r = sanding(corpus, "A13_xiang_dangzheng_jigou_zhineng.txt")
    assert numbers(r) == [f"一、({n})" for n in range(1, 7)] + [f"二、({n})" for n in range(1, 7)]
    assert [c.line for c in r.clauses] == [6] * 6 + [7] * 6
    assert r.clauses[4].text == "负责抓好本乡党建工作、群团工作、精神文明建设工作、新闻宣传工作。"
    assert r.clauses[-1].text == "完成上级政府交办的其它事项。"  # the stray "|" of line 8 is not glued on
    assert any(":8: line ignored" in w for w in r.warnings)
    assert {"m_party", "m_mass_org", "m_publicity"} <= set(r.clauses[4].matters)


def test_a15_street_office_top_level_items(corpus):
    r = sanding(corpus, "A15_jiedao_banshichu_zhuyao_gongzuo_zhize.txt")
    assert numbers(r) == [f"{n}、" for n in "一二三四五六七八九"]
    assert [c.line for c in r.clauses] == list(range(6, 15))
    assert r.body.name == "某街道办事处"
    assert r.clauses[3].role == "guide"  # 负责指导、帮助辖区社区居民委员会
    assert r.clauses[5].role == "lead"  # 接受…业务指导 is not this body guiding anyone
    assert r.clauses[8].unclassified


def test_e02_accountability_rule_has_no_duties(corpus):
    r = sanding(corpus, "E02_wenze_tiaoli_2016.txt")
    assert r.all_clauses() == []
    assert any("no duty clauses found" in w for w in r.warnings)
    assert [p.number for p in r.provisions if p.number.startswith("第六条")] == ["第六条", "第六条(一)", "第六条(二)"]


def test_e03_duty_regulation(corpus):
    doc = read_document(corpus / "E03_changchun_shengtai_huanjing_baohu_gongzuo_zhize_guiding.txt")
    r = parse_sanding(doc)
    assert numbers(r) == ["第六条(一)"] and r.clauses[0].line == 26 and r.clauses[0].truncated
    assert r.clauses[0].matters == ["m_eco"] and r.clauses[0].matters_from_context
    assert document_date(doc)[0] == "2020-12-28"


# -- 分工 -----------------------------------------------------------------------------------------
def test_b02_provincial_government_fengong(corpus):
    r = parse_fengong(read_document(corpus / "B02_guangdong_sheng_zhengfu_lingdao_fengong_2017.txt"))
    got = [(e.person, e.post, e.mode, e.line, len(e.bodies)) for e in r.entries]
    assert got == [
        ("马兴瑞", "省长", "overall", 8, 1),
        ("马兴瑞", "省长", "in_charge", 8, 6),
        ("林少春", "常务副省长", "in_charge", 10, 15),
        ("许瑞生", "副省长", "in_charge", 12, 5),
        ("邓海光", "副省长", "in_charge", 14, 8),
        ("李春生", "副省长", "in_charge", 16, 3),
        ("袁宝成", "副省长", "in_charge", 18, 6),
        ("黄宁生", "副省长", "in_charge", 20, 11),
        ("陈云贤", "省政府党组成员", "assist", 22, 5),
    ]
    assert r.entries[0].names == ["省政府"]
    assert r.entries[1].names == ["省政府机关", "编制", "审计", "外事", "港澳事务", "对台"]
    assert r.entries[5].concurrent == ["省公安厅厅长"]
    assert r.entries[8].names == ["商务", "口岸", "自贸", "侨务", "金融"]
    assert {"m_eco", "m_natural_resources", "m_nuclear"} <= set(r.entries[3].matters)
    # the news summary before "具体分工如下" is not counted twice
    assert [w for w in r.warnings if "summary" in w]
    assert len(r.leaders()) == 8


def test_b04_single_leader_page(corpus):
    r = parse_fengong(read_document(corpus / "B04_liangyuan_qu_changwu_fuquzhang_fengong.txt"))
    assert [(e.post, e.mode, e.line, len(e.bodies)) for e in r.entries] == [
        ("常务副区长", "assist", 5, 1),
        ("常务副区长", "in_charge", 5, 12),
        ("常务副区长", "in_charge", 6, 16),
        ("常务副区长", "assist", 6, 1),
        ("常务副区长", "liaison", 7, 20),
    ]
    assert all(e.person is None for e in r.entries)
    assert r.entries[2].names[:3] == ["区政府办公室", "发改委", "财政局"] and r.entries[2].names[-1] == "金融服务中心"
    assert r.entries[3].names == ["审计工作"]
    deepening = [b for b in r.entries[4].bodies if b.name == "区委深改办"]
    assert deepening and deepening[0].aliases == ["督查局"]
    assert r.entries[4].names[-3:] == ["金融", "保险", "证券"]


# -- lists ----------------------------------------------------------------------------------------
def test_c01_responsibility_list_with_merged_stage_cells(corpus):
    r = parse_powerlist(read_document(corpus / "C01_beijing_zhishichanquanju_zerenqingdan.txt"))
    assert [x.number for x in r.rows] == [str(n) for n in range(1, 12)]
    assert [x.line for x in r.rows] == list(range(6, 17))
    assert [normalize(x.stage) for x in r.rows] == [
        "(一)立案", "(二)调查", "(二)调查", "(二)调查", "(三)告知", "(三)告知", "(四)决定", "(四)决定", "(五)送达", "(六)执行", "(六)执行"]
    assert {x.power_type for x in r.rows} == {"penalty"}  # from the title: 行政处罚运行环节
    assert r.rows[2].responsibility == "应当有2名以上(含2名)行政执法人员共同参加调查取证。"
    assert r.rows[10].responsibility.startswith("实施行政处罚时")
    assert sum("merged cell" in w for w in r.warnings) == 5
    assert all(x.role == "enforce" for x in r.rows)


def test_c05_township_power_list_with_metadata(corpus):
    doc = read_document(corpus / "C05_ningguo_wangxi_jiedao_quanli_zeren_qingdan_2022.txt")
    r = parse_powerlist(doc)
    assert len(r.rows) == 1
    row = r.rows[0]
    assert (row.number, row.line, row.power_type, row.power_type_text) == ("1", 11, "approval", "行政审批")
    assert row.name == "农民集体所有土地由本集体经济组织以外的单位或者个人承包经营的批准"
    assert row.basis.startswith("1、《中华人民共和国土地管理法》第十五条第一款")
    assert row.responsibility is None and row.truncated
    assert "m_land" in row.matters and row.role == "approve"
    assert r.metadata["发布机构"] == "汪溪街道办事处"
    assert document_date(doc)[0] == "2022-09-15"


# -- the whole corpus through ingest --------------------------------------------------------------
def test_whole_corpus_ingests_into_a_valid_bundle(corpus, tmp_path):
    files = sorted(corpus.glob("*.txt"))
    result = ingest(files, "auto", "body1")
    counts = result.counts()
    assert counts["clauses"] == 41 + 12  # 三定/rule clauses + list rows
    assert counts["assignments"] == 14 and counts["people"] == 8 and counts["units"] == 5
    for clause in result.clauses():
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_.\-]*", clause["id"])
        assert re.fullmatch(r".+\.txt:\d+", clause["source"])
    write_bundle_part(result, tmp_path / "part.yaml")
    (tmp_path / "bundle.yaml").write_text(
        "bundle: {name: corpus}\n"
        "divisions: [{id: d1, name: 某市, level: city}]\n"
        "bodies: [{id: body1, name: 某机关, kind: department, located_in: d1}]\n"
        "include: [part.yaml]\n", encoding="utf-8")
    bundle, problems = read_records(tmp_path)
    assert problems == []
    assert bundle.counts()["DutyClause"] == 53


def test_metrics_on_gold(corpus):
    scores = evaluate(corpus)
    for key in ("clauses", "units", "fengong_entries", "rows", "staffing"):
        assert scores[key].precision >= 0.95 and scores[key].recall >= 0.95, key
    assert scores["matters"].f1 >= 0.8
