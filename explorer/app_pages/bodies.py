"""Body browser page: a body's mandate clauses, units, posts, holders over time and 分工."""

from __future__ import annotations


import streamlit as st

from explorer import views
from explorer.app_pages._layout import start_page

__all__: list[str] = []

loaded = start_page("Body browser 机关")
state = st.session_state
g = loaded.graph

bodies = views.body_choices(g)
if not bodies:
    st.warning("This bundle has no body.")
    st.stop()
ids = list(bodies)
first = views.default_body(g)
body = st.selectbox("Body or unit 机关/内设机构", ids, index=ids.index(first) if first in ids else 0,
                    format_func=bodies.get, key="body_choice")

facts = views.body_facts(g, body)
st.markdown("  \n".join(f"**{k}:** {v}" for k, v in facts.items()))
chain = views.chain_rows(g, body)
if chain:
    st.caption("Chain of authority upward 上级链条")
    st.dataframe(chain, hide_index=True, key="body_chain")

clauses, units_posts, holders, assignments = st.tabs(
    ["Mandate clauses 职责条款", "Units and posts 内设机构与职务", "Holders over time 任职", "分工 leadership assignments"]
)
with clauses:
    rows = views.clause_rows(g, body)
    if rows:
        st.dataframe(rows, hide_index=True, key="body_clauses")
    else:
        st.caption("No duty clauses recorded for this body.")
with units_posts:
    units = views.unit_rows(g, body)
    if units:
        st.dataframe(units, hide_index=True, key="body_units")
    posts = views.post_rows(g, body)
    if posts:
        st.dataframe(posts, hide_index=True, key="body_posts")
    if not units and not posts:
        st.caption("No units or posts recorded.")
with holders:
    rows = views.tenure_rows(g, body)
    if rows:
        st.vega_lite_chart(views.timeline_spec(rows), width="stretch", key="body_timeline")
        st.dataframe([{k: v for k, v in r.items() if k not in ("post_id", "bar_end")} for r in rows],
                     hide_index=True, key="body_tenures")
    else:
        st.caption("No tenures recorded.")
with assignments:
    rows = views.assignment_rows(g, body)
    if rows:
        st.dataframe(rows, hide_index=True, key="body_assignments")
    else:
        st.caption("No 分工 entries recorded.")
