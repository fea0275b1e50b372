"""The opening every analysis page shares: session set-up, title, and the 'load a bundle first' stop."""

from __future__ import annotations

import sys

import streamlit as st

from explorer import views

__all__ = ["start_page"]


def start_page(title: str, *, need_bundle: bool = True):
    """Set the session up (also when this page is the first one a browser opens), show the title, and
    stop with a link to the Load page when a bundle is needed and none is loaded; return the loaded
    bundle (or None)."""
    views.init_session(st.session_state, sys.argv[1:])
    st.title(title)
    loaded = st.session_state.get("loaded")
    if loaded is None and need_bundle:
        st.info("Load a bundle first.")
        st.page_link("app_pages/load.py", label="Load a bundle", icon=":material/upload_file:")
        st.stop()
    return loaded
