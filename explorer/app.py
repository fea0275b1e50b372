"""The Streamlit entry of the Quanze explorer: the page list and the session's bundle and store."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

from explorer import views

__all__ = ["PAGES"]

HERE = Path(__file__).resolve().parent

# An emoji icon: a material-icon favicon would be fetched from fonts.gstatic.com, and the explorer runs offline.
st.set_page_config(page_title="Quanze 权责 explorer", page_icon="⚖️", layout="wide")

# The loaded bundle and the store choice live in the session; see views.init_session.
state = st.session_state
views.init_session(state, sys.argv[1:])
state[views.ENTRY_RAN] = True

PAGES = [
    st.Page(HERE / "app_pages" / "load.py", title="Load 载入", icon=":material/upload_file:", url_path="load", default=True),
    st.Page(HERE / "app_pages" / "trace.py", title="Incident trace 责任链", icon=":material/hub:", url_path="trace"),
    st.Page(HERE / "app_pages" / "audit.py", title="Audit report 问责审查", icon=":material/gavel:", url_path="audit"),
    st.Page(HERE / "app_pages" / "bodies.py", title="Body browser 机关", icon=":material/account_balance:", url_path="bodies"),
    st.Page(HERE / "app_pages" / "cypher.py", title="Cypher 查询", icon=":material/terminal:", url_path="cypher"),
]

with st.sidebar:
    if state.loaded is not None:
        st.caption(f"Bundle: **{state.loaded.bundle.name}**  \n{len(state.loaded.bundle)} records · store: {state.store.kind}")
    else:
        st.caption("No bundle loaded")
    if state.store.kind == "neo4j":
        st.caption(f"Neo4j: `{state.store.uri}`")

st.navigation(PAGES).run()
