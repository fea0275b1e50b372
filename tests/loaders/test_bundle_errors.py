"""Bad bundles: every problem is reported as file:line: field: message, and nothing is loaded."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from loaders.bundle import load_bundle, read_records
from loaders.records import BundleError

BASE = """\
bundle: {name: 最小示例}
divisions:
  - {id: d1, name: 甲市, level: city}
  - {id: d2, name: 乙区, level: county, within: d1}
matters:
  - {id: m1, name: 大气污染防治}
bodies:
  - {id: b1, name: 甲市生态环境局, kind: department, located_in: d1}
  - {id: v1, name: 丙村民委员会, kind: village_committee, located_in: d2}
posts:
  - {id: p1, name: 局长, post_in: b1, principal: true}
people:
  - {id: x1, name: 张三}
  - {id: x2, name: 李四}
tenures:
  - {id: t1, person: x1, post: p1, start: 2020-01-01, end: 2022-01-01}
mandates:
  - id: md1
    title: 甲市生态环境局三定
    kind: sanding
    valid_from: 2019-01-01
    source: 甲办发〔2019〕1号
    clauses:
      - {id: c1, number: 第三条（一）, text: 负责大气污染防治监督管理。, assigned_to: b1, matters: [m1], role: supervise}
"""


def write(tmp_path: Path, text: str, name: str = "bundle.yaml") -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def problems_of(path: Path) -> list[str]:
    with pytest.raises(BundleError) as exc:
        load_bundle(path)
    return [str(p) for p in exc.value.problems]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_base_bundle_is_valid(tmp_path):
    b = load_bundle(write(tmp_path, BASE))
    assert b.counts()["DutyClause"] == 1
    assert b.records["c1"].values["mandate"] == "md1"  # nested records get their parent's id


# Each case: a change to BASE, the line marker to expect, the field, and a phrase of the message.
CASES = [
    ("unknown id", ("post: p1, start: 2020", "post: p9, start: 2020"), "post: p9", "post", "unknown id 'p9'"),
    ("bad date", ("start: 2020-01-01", "start: 2020-13-01"), "start: 2020-13-01", "start", "bad date"),
    ("duplicate id", ("  - {id: x2, name: 李四}", "  - {id: x1, name: 李四}"), "{id: x1, name: 李四}", "id", "duplicate id 'x1'"),
    ("unknown field", ("{id: p1, name: 局长, post_in: b1, principal: true}", "{id: p1, name: 局长, post_in: b1, principle: true}"),
     "principle: true", "principle", "unknown field"),
    ("unknown enum", ("role: supervise}", "role: oversee}"), "role: oversee", "role", "unknown DutyRole 'oversee'"),
    ("bad boolean", ("principal: true}", "principal: maybe}"), "principal: maybe", "principal", "bad boolean"),
    ("wrong target class", ("post: p1, start: 2020", "post: b1, start: 2020"), "post: b1", "post", "'b1' is a Organization, expected a Post"),
    ("tenure start after end", ("end: 2022-01-01", "end: 2019-01-01"), "end: 2019-01-01", "end", "tenure starts after it ends"),
    ("missing mandate source", ("    source: 甲办发〔2019〕1号\n", ""), "  - id: md1", "source", "every mandate cites its source"),
    ("village enforcement duty", ("assigned_to: b1, matters: [m1], role: supervise", "assigned_to: v1, matters: [m1], role: enforce"),
     "assigned_to: v1", "role", "no administrative enforcement power"),
    ("missing required name", ("{id: x2, name: 李四}", "{id: x2}"), "{id: x2}", "name", "missing required field"),
    ("bad id", ("{id: x2, name: 李四}", "{id: 2x, name: 李四}"), "{id: 2x", "id", "bad id '2x'"),
    ("list for a single field", ("located_in: d1}", "located_in: [d1, d2]}"), "located_in: [d1, d2]", "located_in", "takes one value"),
    ("unknown section", ("people:\n", "persons:\n"), "persons:", "persons", "unknown section"),
    ("cycle in divisions", ("{id: d1, name: 甲市, level: city}", "{id: d1, name: 甲市, level: city, within: d2}"),
     "within: d2}", "within", "cycle"),
]


@pytest.mark.parametrize("label,change,marker,field,phrase", CASES, ids=[c[0] for c in CASES])
def test_bad_input_names_file_line_and_field(tmp_path, label, change, marker, field, phrase):
    old, new = change
    assert old in BASE, label
    text = BASE.replace(old, new, 1)
    path = write(tmp_path, text)
    found = problems_of(path)
    expected_prefix = f"{path.name}:{line_of(text, marker)}: {field}: "
    hits = [p for p in found if p.startswith(f"{tmp_path}/{expected_prefix}") and phrase in p]
    assert hits, f"{label}: expected '{expected_prefix}…{phrase}…' in {found}"


def test_overlapping_tenure_on_single_holder_post(tmp_path):
    text = BASE.replace(
        "  - {id: t1, person: x1, post: p1, start: 2020-01-01, end: 2022-01-01}",
        "  - {id: t1, person: x1, post: p1, start: 2020-01-01, end: 2022-01-01}\n"
        "  - {id: t2, person: x2, post: p1, start: 2021-06-01}",
    )
    path = write(tmp_path, text)
    found = problems_of(path)
    line = line_of(text, "{id: t2")
    assert any(p.endswith(f"bundle.yaml:{line}: start: " + p.split(": start: ", 1)[1]) and "overlaps t1" in p for p in found), found
    # a handover on the same day is not an overlap (the end is the day the holder left)
    ok = BASE.replace(
        "  - {id: t1, person: x1, post: p1, start: 2020-01-01, end: 2022-01-01}",
        "  - {id: t1, person: x1, post: p1, start: 2020-01-01, end: 2022-01-01}\n"
        "  - {id: t2, person: x2, post: p1, start: 2022-01-01}",
    )
    assert load_bundle(write(tmp_path, ok)).counts()["Tenure"] == 2


def test_yaml_syntax_error_is_located(tmp_path):
    text = BASE.replace("  - {id: m1, name: 大气污染防治}", "  - {id: m1, name: [大气污染防治}")
    path = write(tmp_path, text)
    found = problems_of(path)
    assert len(found) == 1 and ": (yaml): " in found[0]
    assert found[0].split(":")[1].isdigit() and int(found[0].split(":")[1]) >= line_of(text, "{id: m1")


def test_csv_errors_name_the_csv_row(tmp_path):
    (tmp_path / "tenures.csv").write_text(
        "id,person,post,start,end\nt1,x1,p1,2020-01-01,\nt2,x2,p1,2020-02-30,\n", encoding="utf-8"
    )
    text = BASE.replace("tenures:\n  - {id: t1, person: x1, post: p1, start: 2020-01-01, end: 2022-01-01}\n", "csv: {tenures: tenures.csv}\n")
    path = write(tmp_path, text)
    found = problems_of(path)
    assert any(p.endswith("tenures.csv:3: start: bad date '2020-02-30' (expected YYYY-MM-DD)") for p in found), found


def test_csv_unknown_column(tmp_path):
    (tmp_path / "people.csv").write_text("id,name,gender\nx3,王五,男\n", encoding="utf-8")
    path = write(tmp_path, BASE + "csv: {people: people.csv}\n")
    found = problems_of(path)
    assert any("people.csv:1: gender: unknown column" in p for p in found), found


def test_every_problem_is_reported_not_just_the_first(tmp_path):
    text = BASE.replace("start: 2020-01-01", "start: 2020-01-32").replace("role: supervise}", "role: oversee}")
    found = problems_of(write(tmp_path, text))
    assert any(": start: bad date" in p for p in found) and any(": role: unknown DutyRole" in p for p in found)


def test_missing_include_file(tmp_path):
    path = write(tmp_path, BASE + "include: [more.yaml]\n")
    found = problems_of(path)
    assert any("more.yaml:0: (file): file not found" in p for p in found), found


def test_nested_record_naming_another_parent(tmp_path):
    text = BASE.replace("{id: c1, number:", "{id: c1, mandate: md9, number:")
    found = problems_of(write(tmp_path, text))
    assert any(": mandate: nested under 'md1' but names 'md9'" in p for p in found), found


def test_read_records_returns_problems_without_raising(tmp_path):
    bundle, problems = read_records(write(tmp_path, BASE.replace("level: city", "level: metropolis")))
    assert problems and problems[0].field == "level"
    assert "d1" in bundle.records  # the record is kept for display, but load_bundle refuses the bundle
