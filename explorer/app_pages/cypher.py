"""Cypher page: the query library as forms built from the query headers, and a read-only free query box."""

from __future__ import annotations


import streamlit as st

from explorer import views
from explorer.app_pages._layout import start_page
from explorer.network import network_html
from queries.registry import get

__all__: list[str] = []

state = st.session_state
loaded = start_page("Cypher 查询", need_bundle=st.session_state.get("store") is None or st.session_state.store.kind != "neo4j")
g = loaded.graph if loaded is not None else None

try:
    with st.spinner("Loading the bundle into the query engine…"):
        store = views.store_for(state.store, loaded)
except views.StoreUnavailable as exc:
    st.error(str(exc))
    st.page_link("app_pages/load.py", label="Choose the store on the Load page", icon=":material/upload_file:")
    st.stop()
st.caption(f"Queries run on **{store.description}** (engine `{store.engine}`), read-only. "
           "Choose the store on the Load page.")


def show(result: views.QueryResult, key: str) -> None:
    """A result as a table and as the part of the loaded graph its ids name."""
    if result.error:
        st.error(result.error)
        return
    st.markdown(f"**{len(result.rows)} row(s)** · `{result.title}` on {result.store}")
    if result.rows:
        st.dataframe(result.rows, hide_index=True, key=f"{key}_table")
    else:
        st.info("No rows returned.")
        if result.columns:  # the columns the query's header promises, empty
            st.dataframe({c: [] for c in result.columns}, hide_index=True, key=f"{key}_table")
    if g is None:
        st.caption("No graph is loaded in the session, so the result is not drawn: pull it on the Load page.")
        return
    bridges = st.checkbox("Also draw the records that join result nodes (tenures, 分工 …)", value=True,
                          key=f"{key}_bridges")
    sub = views.result_subgraph(g, result.raw, bridges=bridges)
    if sub.number_of_nodes() == 0:
        st.caption("No id in the result names a node of the loaded graph.")
        return
    page = network_html(sub, height="560px")
    if hasattr(st, "iframe"):  # st.components.v1.html is deprecated from Streamlit 1.5x on
        st.iframe(page, height=580, alt="查询结果网络 query result network")
    else:
        import streamlit.components.v1 as components

        components.html(page, height=580)
    st.caption(f"{sub.number_of_nodes()} nodes, {sub.number_of_edges()} edges of the loaded graph.")


library, free = st.tabs(["Query library 查询库", "Free query 自由查询 (read-only)"])

with library:
    choices = views.query_choices(store.engine)
    names = list(choices)
    first = views.default_query()
    name = st.selectbox("Query 查询", names, index=names.index(first), format_func=choices.get, key="cypher_query")
    q = get(name)
    st.markdown(q.purpose)
    fields = views.param_fields(q, g)
    with st.form(f"cypher_form_{name}"):
        raw = {}
        for f in fields:
            key = f"cypher_{name}_{f.name}"
            if f.kind == "select":
                ids = list(f.options)
                # accept_new_options: an id the loaded graph lacks may still be in the Neo4j database
                raw[f.name] = st.selectbox(f.label, ids, index=ids.index(f.default), help=f.help,
                                           format_func=lambda i, o=f.options: o.get(i, i),
                                           accept_new_options=True, key=key)
            elif f.kind == "date":
                raw[f.name] = st.date_input(f.label, value=f.default, help=f.help, key=key)
            elif f.kind == "float":
                raw[f.name] = st.number_input(f.label, value=f.default, help=f.help, key=key)
            elif f.kind == "integer":
                raw[f.name] = st.number_input(f.label, value=f.default, step=1, help=f.help, key=key)
            elif f.kind == "checkbox":
                raw[f.name] = st.checkbox(f.label, value=f.default, help=f.help, key=key)
            else:
                raw[f.name] = st.text_input(f.label, value=f.default, help=f.help, key=key)
        if not fields:
            st.caption("This query takes no parameters.")
        run = st.form_submit_button("Run 运行", type="primary", disabled=store.engine not in q.engines,
                                    key=f"cypher_run_{name}")
    if store.engine not in q.engines:
        st.warning(f"{name} does not run on {store.engine} (engines: {', '.join(q.engines)}).")
    if run:
        with st.spinner("Running…"):
            state.cypher_library_result = views.run_library(store, name, views.form_values(fields, raw))
    result = state.get("cypher_library_result")
    if result is not None and result.query == name:
        show(result, "cypher_library")
    with st.expander("Query text"):
        st.code(q.text(store.engine) if store.engine in q.engines else q.text("neo4j"), language="cypher")

with free:
    with st.form("cypher_free_form"):
        text = st.text_area("Cypher", value="MATCH (p:Person) RETURN p.id AS id, p.name AS name LIMIT 10", height=140,
                            key="cypher_free_text",
                            help="Read-only: CREATE, MERGE, SET, DELETE and other write clauses are refused.")
        go = st.form_submit_button("Run query 运行", type="primary", key="cypher_free_run")
    if go:
        with st.spinner("Running…"):
            state.cypher_free_result = views.run_free(store, text)
    result = state.get("cypher_free_result")
    if result is not None:
        show(result, "cypher_free")
