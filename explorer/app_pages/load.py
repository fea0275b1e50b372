"""Load page: pick a shipped example or upload a bundle (every problem as file:line); choose the graph store."""

from __future__ import annotations

import sys

import streamlit as st

from explorer import views
from loaders.demo import example_bundles
from loaders.records import BundleError

__all__: list[str] = []

# Set the session up even when this page is the first thing a browser opens.
views.init_session(st.session_state, sys.argv[1:])

state = st.session_state
st.title("Load a case bundle 载入案卷")


def _loaded(loaded, source: str) -> None:
    state.loaded, state.bundle_source, state.load_problems, state.problem_source = loaded, source, [], ""


def _failed(source: str, rows: list[dict]) -> None:
    # the bundle loaded before, if any, stays: a failed load loads nothing
    state.load_problems, state.problem_source = rows, source


source_kind = st.radio("Source", ["Example 示例", "Upload 上传"], horizontal=True, key="load_source")
shacl = st.checkbox("Also validate against the SHACL shapes", value=True, key="load_shacl")

if source_kind.startswith("Example"):
    examples = example_bundles()
    names = list(examples)
    default = names.index("demo") if "demo" in names else 0
    name = st.selectbox("Example bundle", names, index=default, key="load_example")
    if st.button("Load example", type="primary", key="load_example_button") and name:
        try:
            _loaded(views.open_path(examples[name], shacl=shacl), str(examples[name]))
        except BundleError as exc:
            _failed(str(examples[name]), views.problem_rows(exc))
else:
    upload = st.file_uploader("Bundle: a YAML file, or a .zip of a bundle folder with its CSV files",
                              type=list(views.UPLOAD_SUFFIXES), key="load_upload")
    if st.button("Load upload", type="primary", disabled=upload is None, key="load_upload_button") and upload:
        try:
            _loaded(views.open_upload(upload.name, upload.getvalue(), shacl=shacl), upload.name)
        except BundleError as exc:
            _failed(upload.name, views.problem_rows(exc))
        except ValueError as exc:
            _failed(upload.name, [{"location": upload.name, "field": "(file)", "message": str(exc)}])

if state.get("load_problems"):
    problems = state.load_problems
    st.error(f"{state.problem_source}: {len(problems)} problem(s); nothing was loaded")
    st.dataframe(problems, hide_index=True, key="load_problem_table")
    st.code("\n".join(f"{p['location']}: {p['field']}: {p['message']}" for p in problems), language=None)

loaded = state.get("loaded")
if loaded is not None:
    st.success(f"Current bundle: **{loaded.bundle.name}** from `{state.bundle_source}` ({len(loaded.bundle)} records)")
    if loaded.bundle.description:
        st.caption(loaded.bundle.description)
    st.dataframe(views.summary_table(loaded), hide_index=True, key="load_summary")
    cols = st.columns(4)
    cols[0].page_link("app_pages/trace.py", label="Trace an incident →", icon=":material/hub:")
    cols[1].page_link("app_pages/audit.py", label="Audit a case →", icon=":material/gavel:")
    cols[2].page_link("app_pages/bodies.py", label="Browse bodies →", icon=":material/account_balance:")
    cols[3].page_link("app_pages/cypher.py", label="Query with Cypher →", icon=":material/terminal:")

st.divider()
# -- store: where the pages read the graph from (kept apart from the bundle above) -------------------
st.subheader("Store 存储")
kinds = list(views.STORE_KINDS)
current = state.store.kind if state.store.kind in kinds else kinds[0]
kind = st.radio("Graph store", kinds, index=kinds.index(current), format_func=views.STORE_KINDS.get, key="store_kind")
if kind != state.store.kind:
    state.store = views.StoreChoice(kind=kind)
if kind == "neo4j":
    cols = st.columns([4, 2, 2])
    uri = cols[0].text_input("URI", value=state.store.uri or "", key="store_uri", help="bolt://HOST:7687")
    user = cols[1].text_input("User 用户", value=state.store.user or "", key="store_user",
                              help="Empty: connect without authentication.")
    password = cols[2].text_input("Password 密码", value=state.store.password or "", type="password",
                                  key="store_password")
    state.store = views.with_connection(state.store, uri, user, password)
    cols = st.columns([1, 3])
    if cols[0].button("Connect 连接", key="store_connect"):
        try:
            state.store.status = views.check_neo4j(state.store)
        except views.StoreUnavailable as exc:
            state.store.status = ""
            st.error(str(exc))
    if cols[1].button("Pull the graph from Neo4j 从 Neo4j 拉取图", key="store_pull",
                      help="Replace the loaded bundle with the graph the server holds."):
        try:
            with st.spinner("Pulling the graph…"):
                pulled = views.pull_from_neo4j(state.store)
        except views.StoreUnavailable as exc:
            st.error(str(exc))
        else:
            _loaded(pulled, str(state.store.uri))
            state.store.status = f"Pulled {pulled.graph.number_of_nodes():,} nodes from {state.store.uri}."
            st.rerun()  # the bundle summary above shows the pulled graph
    if state.store.status:
        st.success(state.store.status)
    st.caption("The Cypher page runs its queries on this server. The trace, audit and body pages read the "
               "loaded graph: pull it to work on what the server holds.")
else:
    st.caption("The pages read the embedded graph built from the loaded bundle; the Cypher page queries it "
               "in an embedded LadybugDB.")
