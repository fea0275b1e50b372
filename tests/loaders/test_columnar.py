"""The columnar loader reads what the record loader reads and reports exactly the same problems."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from loaders.bundle import load_bundle, read_records
from loaders.columnar import hash_id, hash_strings, load_columnar, read_columnar
from loaders.demo import example_bundles
from loaders.records import BundleError
from loaders.synth import synthesize


@pytest.fixture(scope="module")
def county_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("county")
    synthesize("county", d, seed=0)
    return d


def _problems(path: Path) -> tuple[list, list]:
    _, col = read_columnar(path)
    _, rec = read_records(path)
    return sorted(set(col)), sorted(set(rec))


@pytest.mark.parametrize("name", sorted(example_bundles()))
def test_examples_read_the_same_records(name):
    path = example_bundles()[name]
    b = load_columnar(path)
    rb = load_bundle(path, shacl=False)
    assert b.ids.to_pylist() == list(rb.records)
    assert b.name == rb.name and b.description == rb.description


def test_county_reads_the_same_records(county_dir):
    b = load_columnar(county_dir)
    rb = load_bundle(county_dir, shacl=False)
    assert b.ids.to_pylist() == list(rb.records)
    assert [b.classes[c] for c in b.node_cls] == [r.cls for r in rb.records.values()]


def test_hash_is_the_same_vectorised_and_per_id():
    import pyarrow as pa

    ids = ["a", "b1", "长", "d110101006001", "x" * 40, ""]
    assert hash_strings(pa.array(ids)).tolist() == [hash_id(s) for s in ids]


def _edit(path: Path, fn) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join(fn(lines)), encoding="utf-8")


def _set_cell(lines: list[str], row_id: str, col: str, value: str) -> list[str]:
    header = lines[0].split(",")
    i = header.index(col)
    for k, line in enumerate(lines):
        cells = line.split(",")
        if cells and cells[0] == row_id:
            cells[i] = value
            lines[k] = ",".join(cells)
            return lines
    raise AssertionError(row_id)


def _first_id(lines: list[str], pred=lambda cells: True) -> str:
    for line in lines[1:]:
        cells = line.split(",")
        if line and pred(cells):
            return cells[0]
    raise AssertionError("no row")


# each mutation injects a different kind of error (or an input the fast reader must hand over)
MUTATIONS = {
    "bad_date": ("tenures.csv", lambda ls: _set_cell(ls, "t4", "start", "2020-13-01")),
    "odd_date_form": ("tenures.csv", lambda ls: _set_cell(ls, "t4", "end", "20240101")),
    "unknown_enum": ("bodies.csv", lambda ls: _set_cell(ls, "b11_party", "kind", "committee_x")),
    "bad_boolean": ("posts.csv", lambda ls: _set_cell(ls, "p11_gov_head", "principal", "maybe")),
    "unknown_column": ("people.csv", lambda ls: [ls[0] + ",nickname"] + [l + ",x" if l else l for l in ls[1:]]),
    "duplicate_id": ("people.csv", lambda ls: ls[:3] + [ls[1]] + ls[3:]),
    "duplicate_across_files": ("people.csv", lambda ls: ls + ["t4,某人"]),
    "dangling_ref": ("tenures.csv", lambda ls: _set_cell(ls, "t4", "person", "n_nobody")),
    "wrong_class_ref": ("tenures.csv", lambda ls: _set_cell(ls, "t4", "post", "n1")),
    "bad_ref_syntax": ("tenures.csv", lambda ls: _set_cell(ls, "t4", "person", "9bad")),
    "missing_required": ("posts.csv", lambda ls: _set_cell(ls, "p11_gov_head", "name", "  ")),
    "overlap": ("tenures.csv", lambda ls: _set_cell(ls, "t4", "start", "2019-01-01")),
    "date_order": ("tenures.csv", lambda ls: _set_cell(ls, "t2", "end", "2010-01-01")),
    "division_cycle": ("divisions.csv", lambda ls: _set_cell(ls, "d0", "within", "d110101")),
    "org_cycle": ("bodies.csv", lambda ls: _set_cell(_set_cell(ls, "b11_party", "sub_organization_of", "b11_gov"),
                                                      "b11_gov", "sub_organization_of", "b11_party")),
    "bad_id": ("people.csv", lambda ls: _set_cell(ls, "n3", "id", "3n")),
    "missing_id": ("people.csv", lambda ls: _set_cell(ls, "n3", "id", "")),
    "multi_bad_part": ("incidents.csv", lambda ls: _set_cell(ls, _first_id(ls), "matters", "m_eco; m_nothing ;;Bad id")),
    "action_without_target": ("actions.csv", lambda ls: _set_cell(_set_cell(ls, _first_id(ls), "target_person", ""),
                                                                  _first_id(ls), "target_body", "")),
    "village_enforce": ("clauses.csv", lambda ls: _set_cell(_set_cell(ls, _first_id(ls), "assigned_to", "b110101001001_c"),
                                                            _first_id(ls), "role", "enforce")),
    "ragged_row": ("people.csv", lambda ls: ls[:5] + ["n_extra,某,多余"] + ls[5:]),
    "blank_lines": ("people.csv", lambda ls: ls[:5] + ["", ",", "   "] + ls[5:] + ["n_after_blank,林"]),
    "quoted_multiline": ("people.csv", lambda ls: ls[:5] + ['n_quoted,"两行\n名字"', "n_q2,x"] + ls[5:] + ["9after,y"]),
    "all_blank_row": ("people.csv", lambda ls: ls[:5] + [" , "] + ls[5:] + ["7late,z"]),
    "unit_without_body": ("units.csv", lambda ls: _set_cell(ls, _first_id(ls), "unit_of", "b_nowhere")),
}


@pytest.mark.parametrize("kind", sorted(MUTATIONS))
def test_mutated_county_reports_the_record_loaders_problems(kind, county_dir, tmp_path):
    d = tmp_path / "b"
    shutil.copytree(county_dir, d)
    file, fn = MUTATIONS[kind]
    _edit(d / file, fn)
    col, rec = _problems(d)
    assert col == rec
    if kind in ("odd_date_form", "quoted_multiline_valid"):
        return
    if rec:
        with pytest.raises(BundleError) as e1:
            load_columnar(d)
        with pytest.raises(BundleError) as e2:
            load_bundle(d, shacl=False)
        assert e1.value.problems == e2.value.problems


def test_many_errors_at_once(county_dir, tmp_path):
    d = tmp_path / "b"
    shutil.copytree(county_dir, d)
    for kind in ("bad_date", "unknown_enum", "duplicate_id", "wrong_class_ref", "division_cycle", "missing_required",
                 "village_enforce", "date_order"):
        file, fn = MUTATIONS[kind]
        _edit(d / file, fn)
    col, rec = _problems(d)
    assert len(rec) >= 8
    assert col == rec


def test_a_valid_quoted_multiline_field_keeps_lines(county_dir, tmp_path):
    from graph.build import build_graph
    from graph.compact import load_compact

    d = tmp_path / "b"
    shutil.copytree(county_dir, d)
    _edit(d / "people.csv", lambda ls: ls[:5] + ['n_quoted,"两行\n名字"'] + ls[5:])
    cg = load_compact(d)
    g = build_graph(load_bundle(d, shacl=False).records.values())
    for nid in ("n_quoted", _first_id((d / "people.csv").read_text(encoding="utf-8").split("\n")[8:])):
        assert dict(cg._quanze_index.nodes[nid]) == g.nodes[nid]


def test_missing_csv_and_bad_yaml(tmp_path):
    d = tmp_path / "b"
    d.mkdir()
    (d / "bundle.yaml").write_text("csv:\n  people: people.csv\n  posts: nothere.csv\n  nosection: x.csv\n", encoding="utf-8")
    (d / "people.csv").write_text("id,name\np1,甲\n", encoding="utf-8")
    col, rec = _problems(d)
    assert col == rec and rec


def test_units_of_units_take_places_in_record_order(tmp_path):
    from graph.build import build_graph
    from graph.compact import load_compact

    text = """divisions:
  - {id: d1, name: 甲, level: county}
bodies:
  - {id: b1, name: 局, kind: department, located_in: d1}
units:
  - {id: u1, name: 科, unit_of: b1}
  - {id: u2, name: 组, unit_of: u1}
  - {id: u4, name: 组4, unit_of: u2}
"""
    ok = tmp_path / "ok.yaml"
    ok.write_text(text, encoding="utf-8")
    cg = load_compact(ok)
    g = build_graph(load_bundle(ok, shacl=False).records.values())
    from graph.index import index_for

    for nid in g.nodes:
        assert dict(index_for(cg).nodes[nid]) == g.nodes[nid]
        assert dict(index_for(cg).out[nid]) == dict(index_for(g).out[nid])
        assert dict(index_for(cg).inc[nid]) == dict(index_for(g).inc[nid])
    bad = tmp_path / "bad.yaml"  # a unit before the unit it belongs to gets no place (as the record loader)
    bad.write_text(text.replace("units:\n", "units:\n  - {id: u0, name: 组0, unit_of: u2}\n"), encoding="utf-8")
    col, rec = _problems(bad)
    assert col == rec and rec
