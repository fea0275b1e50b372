"""Incident trace page: the chain of authority as an interactive network coloured by verdict."""

from __future__ import annotations


import streamlit as st

from explorer import views
from explorer.app_pages._layout import start_page
from explorer.network import network_html, trace_subgraph
from graph.report import trace_markdown
from graph.verdict import audit, trace

__all__: list[str] = []

loaded = start_page("Incident trace 责任链")
state = st.session_state
g = loaded.graph

incidents = views.incident_choices(g)
if not incidents:
    st.warning("This bundle has no incident.")
    st.stop()
top = st.columns([3, 3, 2])
incident = top[0].selectbox("Incident 事件", list(incidents), format_func=incidents.get, key="trace_incident")
cases = views.cases_of_incident(g, incident)
case_labels = views.case_choices(g)
NO_CASE = ""  # a string, not None: None in a selectbox means "nothing selected"
case = top[1].selectbox(
    "Colour by the audit of case", [*cases, NO_CASE], index=0,
    format_func=lambda c: case_labels[c] if c else "— none: duty paths only —", key=f"trace_case_{incident}",
)
start, end = views.conduct_period(g, incident)
as_of = top[2].date_input("As of 截至日期", value=start, key=f"trace_as_of_{incident}",
                          help=f"Who holds each post on this day. Conduct period: {start} – {end}.")

kinds = views.kind_choices()
nodes = views.node_choices(g)
row = st.columns([3, 3])
chosen_kinds = row[0].multiselect("Responsibility kinds 责任类型", list(kinds), default=list(kinds),
                                  format_func=kinds.get, key="trace_kinds")
expand = row[1].multiselect("Expand neighbours of 展开邻居", list(nodes), format_func=nodes.get, key="trace_expand")

the_audit = audit(g, case) if case else None
sub = trace_subgraph(g, incident, as_of=as_of, audit=the_audit, kinds=chosen_kinds, expand=expand)

st.markdown(views.legend_markdown(), unsafe_allow_html=True)
if as_of < start or as_of > end:
    st.caption(f"Showing holders on {as_of}, outside the conduct period {start} – {end}: "
               "dashed edges lead to who held the post when the failure happened (终身问责).")
page = network_html(sub, height="720px", legend=False)  # the legend is above, in the page
if hasattr(st, "iframe"):
    st.iframe(page, height=740, alt="责任链网络 responsibility network")
else:  # Streamlit before st.iframe
    import streamlit.components.v1 as components

    components.html(page, height=740)
st.caption(f"{sub.number_of_nodes()} nodes, {sub.number_of_edges()} edges. Hover a node or edge for its evidence; "
           "drag to rearrange; a thick border marks a target of the case.")

rows = views.subgraph_rows(sub)
if the_audit is not None:
    st.subheader("Case targets and omitted parties 问责对象与遗漏")
    # a static table: its text is in the page, not drawn on a canvas like st.dataframe
    st.table([r for r in rows if r["target"] or r["verdict"] == views.VERDICT_STYLE["omitted"][1]], hide_index=True)
with st.expander("Everyone in the network 全部人员与机关", expanded=the_audit is None):
    st.dataframe(rows, hide_index=True, key="trace_rows")
with st.expander("Trace report 责任链报告 (Markdown)"):
    text = trace_markdown(trace(g, incident))
    st.download_button("Download Markdown", text, file_name=f"trace-{incident}.md", mime="text/markdown",
                       key="trace_download")
    st.markdown(text)
