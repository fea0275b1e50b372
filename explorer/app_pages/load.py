"""Load page: pick a shipped example or upload a bundle; show every validation problem as file:line."""

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
    cols = st.columns(3)
    cols[0].page_link("app_pages/trace.py", label="Trace an incident →", icon=":material/hub:")
    cols[1].page_link("app_pages/audit.py", label="Audit a case →", icon=":material/gavel:")
    cols[2].page_link("app_pages/bodies.py", label="Browse bodies →", icon=":material/account_balance:")

st.divider()
# -- store: where the pages read the graph from (kept apart from the bundle above) -------------------
st.subheader("Store 存储")
kinds = list(views.STORE_KINDS)
current = state.store.kind if state.store.kind in kinds else kinds[0]
kind = st.radio("Graph store", kinds, index=kinds.index(current), format_func=views.STORE_KINDS.get, key="store_kind")
if kind != state.store.kind:
    state.store = views.StoreChoice(kind=kind)
st.caption("The pages read the embedded graph built from the loaded bundle.")
