"""The verdict engine on the demo (seed case 1) and on variants that change one fact at a time."""

from __future__ import annotations

from graph.verdict import audit, chain_of_authority, jurisdiction, review, trace


def _cited(v, clause_id):
    return any(e.kind == "clause" and e.id == clause_id for e in v.evidence)


def test_environment_branch_has_basis_citing_lead_enforcement_clause(demo_graph):
    v = jurisdiction(demo_graph, "inc_coal", "eco_branch")
    assert v.verdict == "basis"
    assert _cited(v, "md_branch.3.2")  # 第三条（二）: enforcement
    ev = next(e for e in v.evidence if e.id == "md_branch.3.2")
    assert "第三条（二）" in ev.citation and "临环发〔2019〕20号" in ev.citation and ev.origin.endswith("bundle.yaml:106")


def test_enforcement_team_leader_is_directly_responsible(demo_graph):
    v = audit(demo_graph, "case_coal").verdict_of("a_wu")
    assert (v.verdict, v.degree) == ("basis", "direct")
    assert _cited(v, "md_branch.4.1") and any(e.kind == "failure" and e.id == "f_branch" for e in v.evidence)


def test_town_deputy_basis_is_limited_to_the_assisting_item(demo_graph):
    v = audit(demo_graph, "case_coal").verdict_of("a_sun")
    assert v.verdict == "basis" and v.limited
    assert [e.id for e in v.evidence if e.kind == "clause"] == ["md_town_list.p12"]
    assert "assisting" in v.reason
    # the withdrawn item (上级部门收回事项) gives the town no enforcement duty
    t = trace(demo_graph, "inc_coal")
    town = next(b for b in t.bodies if b["body"] == "town")
    assert any("taken back by the department" in r for r in town["not_applicable"])
    assert town["roles"] == ["assist"] and not town["responsible"]


def test_village_secretary_has_no_jurisdiction(demo_graph):
    v = audit(demo_graph, "case_coal").verdict_of("a_li")
    assert v.verdict == "no_jurisdiction"
    assert v.reason.startswith("village has no administrative enforcement power; no duty on the matter")
    assert v.missing_link == "duty"


def test_leader_who_left_after_conduct_date_is_still_responsible(demo_graph):
    a = audit(demo_graph, "case_coal")
    han = next(o for o in a.omitted if o.person == "han_li")
    assert han.role == "in_charge" and han.later_posts and "法规科科长" in han.later_posts[0]
    v = jurisdiction(demo_graph, "inc_coal", "han_li")
    assert v.verdict == "basis" and v.target_post == "p_branch_deputy_enf" and v.degree == "principal_leadership"


def test_leader_who_arrived_after_is_outside_tenure(demo_graph):
    v = audit(demo_graph, "case_coal").verdict_of("a_zheng")
    assert v.verdict == "outside_tenure"
    assert [h["person"] for h in v.held_at_conduct] == ["han_li"]


def test_omitted_and_findings(demo_graph):
    a = audit(demo_graph, "case_coal")
    assert {o.person for o in a.omitted} == {"han_li", "zhou_mingyuan", "feng_lei", "yang_fan"}
    # 联系 (liaison) with the branch does not make the vice district head responsible for it
    yang = next(o for o in a.omitted if o.person == "yang_fan")
    assert yang.body == "dist_nr"
    assert a.grassroots_share == 0.4 and "grassroots_share" not in a.finding_kinds()
    assert any(f.kind == "no_causal_link" and f.subjects == ["a_li"] for f in a.findings)
    assert "omitted" in a.finding_kinds()


def test_grassroots_threshold_is_configurable(demo_graph):
    a = audit(demo_graph, "case_coal", grassroots_threshold=0.3)
    assert "grassroots_share" in a.finding_kinds()


def test_matter_found_through_taxonomy(demo_graph, variant):
    # the town's assisting item is on 大气污染防治, broader than the incident's 散煤经营污染防治
    assert jurisdiction(demo_graph, "inc_coal", "town").verdict == "basis"
    # take the broader link away and the item no longer reaches the incident
    g = variant({"m_coal": {"broader": None}})
    v = jurisdiction(g, "inc_coal", "town")
    assert v.verdict == "no_jurisdiction"


def test_duty_whose_validity_ended_before_conduct_date(variant):
    g = variant({"md_nr": {"valid_to": "2022-12-31"}})
    v = jurisdiction(g, "inc_coal", "dist_nr")
    assert v.verdict == "no_jurisdiction"
    assert "valid until 2022-12-31" in v.reason
    assert audit(g, "case_coal").verdict_of("a_chen").verdict == "no_jurisdiction"


def test_duty_scope_not_covering_the_place(variant):
    g = variant({"md_branch.3.1": {"scope": ["d_dist2"]}, "md_branch.3.2": {"scope": ["d_dist2"]},
                 "md_branch.4.1": {"scope": ["d_dist2"]}})
    v = jurisdiction(g, "inc_coal", "eco_branch")
    assert v.verdict == "no_jurisdiction" and "东岭区" in v.reason and "柳河村" in v.reason


def test_fengong_changed_mid_year(variant):
    # move the conduct into May 2023: the town's environment 分工 passed from 孙浩 to 马超 on 2023-04-01
    g = variant({"inc_coal": {"conduct_date": "2023-05-01", "conduct_end": "2023-05-20", "discovered": "2023-05-25"}})
    v = audit(g, "case_coal").verdict_of("a_sun")
    assert v.verdict == "no_jurisdiction" and v.missing_link == "分工"
    assert any(e.kind == "assignment" and e.id == "as_town_deputy_a_agri" for e in v.evidence)
    ma = jurisdiction(g, "inc_coal", "ma_chao")
    assert ma.verdict == "basis" and any(e.id == "as_town_deputy_b_env" for e in ma.evidence)


def test_vertical_management_district_government_is_not_the_branch_superior(demo_graph):
    ups = {(r["relation"], r["to"]) for r in chain_of_authority(demo_graph, "eco_branch")}
    assert ("VERTICALLY_MANAGED_BY", "city_eco") in ups
    assert all(to != "dist_gov" for _, to in ups)
    t = trace(demo_graph, "inc_coal")
    assert not any(u["from"] == "eco_branch" and u["to"] == "dist_gov" for u in t.upward)
    # the district natural-resources bureau, by contrast, answers to the district government
    assert ("LED_BY", "dist_gov") in {(r["relation"], r["to"]) for r in chain_of_authority(demo_graph, "dist_nr")}


def test_holders_are_taken_at_the_conduct_date_not_today(demo_graph):
    t = trace(demo_graph, "inc_coal")
    branch = next(b for b in t.bodies if b["body"] == "eco_branch")
    deputy = [h["person"] for h in branch["holders"] if h["post"] == "p_branch_deputy_enf"]
    assert deputy == ["han_li"]


def test_ordinary_staff_is_not_an_accountability_target(demo_graph):
    v = jurisdiction(demo_graph, "inc_coal", "qian_yu")  # 执法队员, leading: false
    assert v.verdict == "not_a_target"


def test_organisation_target_and_organisation_without_individual(demo_bundle, variant):
    g = variant({"a_li": {"target_person": None, "target_post": None, "target_body": "village_branch"}})
    a = audit(g, "case_coal")
    v = a.verdict_of("a_li")
    assert v.verdict == "no_jurisdiction" and v.target_body == "village_branch"
    assert "organisation_without_individual" in a.finding_kinds()


def test_evidence_chain_carries_dates_and_origins(demo_graph):
    for v in audit(demo_graph, "case_coal").verdicts:
        assert v.evidence, v.action
        for e in v.evidence:
            if e.kind in ("clause", "tenure", "assignment"):
                assert e.origin and e.dates, (v.action, e)


def test_review_finds_no_inconsistency_in_a_single_case(demo_graph):
    assert review(demo_graph) == []


def test_grassroots_flag_needs_upstream_omissions():
    """Seed case 3 (sound: the deputy town head in charge) is all-grassroots but omits only the town's own
    principals; seed case 2 omits the county environment branch's leaders and must be flagged."""
    from graph.api import open_bundle
    from loaders.demo import EXAMPLES_DIR

    sound = open_bundle(EXAMPLES_DIR / "case3_tailai_irrigation", shacl=False)
    case = sound.bundle.of("AccountabilityCase")[0].id
    a = audit(sound.graph, case)
    assert a.grassroots_share == 1.0 and a.omitted and "grassroots_share" not in a.finding_kinds()
    down = open_bundle(EXAMPLES_DIR / "case2_pingdingshan_air", shacl=False)
    a2 = audit(down.graph, down.bundle.of("AccountabilityCase")[0].id)
    assert "grassroots_share" in a2.finding_kinds()


def test_decisions_are_filtered_by_place(demo_bundle):
    """A decision on the same matter by a body of another district is not evidence for this incident."""
    import copy

    from graph.build import build_graph
    from loaders.records import Record

    b = copy.deepcopy(demo_bundle)
    b.records["other_nr"] = Record("Organization", "other_nr", {"name": "东岭区自然资源局", "kind": "department", "located_in": "d_dist2"})
    for rid, body in (("dec_here", "dist_nr"), ("dec_elsewhere", "other_nr")):
        b.records[rid] = Record("Decision", rid, {"title": f"{rid} 会议", "date": "2022-12-01", "decided_by": body,
                                                  "matters": ["m_land"], "documented": False})
    g = build_graph(b)
    t = trace(g, "inc_coal")
    assert [d.id for d in t.decisions] == ["dec_here"]
    found = [f.subjects for f in audit(g, "case_coal").findings if f.kind == "undocumented_decision"]
    assert found == [["dec_here"]]


def test_no_jurisdiction_cites_the_clause_that_does_not_apply(variant):
    g = variant({"md_nr": {"valid_to": "2022-12-31"}})
    v = jurisdiction(g, "inc_coal", "dist_nr")
    cited = [e for e in v.evidence if e.kind == "clause_not_applicable"]
    assert {e.id for e in cited} == {"md_nr.3.6", "md_nr.4.3"}
    assert all(e.dates.endswith("2022-12-31") and e.origin for e in cited)
