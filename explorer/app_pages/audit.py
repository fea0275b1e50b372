"""Audit report page: the verdict on every proposed target with its evidence, the case findings, downloads."""

from __future__ import annotations


import streamlit as st

from explorer import views
from explorer.app_pages._layout import start_page
from graph.report import VERDICT_LABELS
from graph.verdict import audit

__all__: list[str] = []

loaded = start_page("Audit report 问责精准性审查")
state = st.session_state
g = loaded.graph

cases = views.case_choices(g)
if not cases:
    st.warning("This bundle has no accountability case.")
    st.stop()
case = st.selectbox("Case 案件", list(cases), format_func=cases.get, key="audit_case")
a = audit(g, case)

st.caption(f"Incident `{a.incident}` {a.incident_title} · conduct period {a.period[0]} – {a.period[1]}")
cols = st.columns(4)
cols[0].metric("Targets 问责对象", len(a.verdicts))
cols[1].metric("With a basis 有依据", sum(v.verdict == "basis" for v in a.verdicts))
cols[2].metric("Omitted 遗漏", len(a.omitted))
cols[3].metric("Grassroots share 基层占比", f"{a.grassroots_share:.0%}")

st.subheader("Verdicts 结论")
rows = views.verdict_rows(a)
st.dataframe(rows, hide_index=True, key="audit_verdicts",
             column_order=["action", "target", "post at conduct", "verdict", "degree", "kinds", "proposed", "sanction",
                           "causal link", "reason", "evidence"])
for v, r in zip(a.verdicts, rows):
    with st.expander(f"{v.action} · {r['target']} — {VERDICT_LABELS[v.verdict]}"):
        st.markdown(f"**Reason:** {v.reason}")
        if r["exemption grounds"]:
            st.markdown(f"**Exemption grounds:** {r['exemption grounds']}")
        st.markdown("\n".join(f"- {line}" for line in r["evidence"].splitlines()) or "_no evidence recorded_")

st.subheader("Findings 案件发现")
st.dataframe(views.finding_rows(a), hide_index=True, key="audit_findings")
st.subheader("Omitted parties 遗漏的责任人")
omitted = views.omitted_rows(a)
if omitted:
    st.dataframe(omitted, hide_index=True, key="audit_omitted")
else:
    st.caption("None found.")

st.subheader("Download 下载")
cols = st.columns(3)
for col, d in zip(cols, views.downloads(a)):
    col.download_button(d["label"], d["data"], file_name=d["file_name"], mime=d["mime"], key=f"audit_dl_{d['label']}")
