"""Presentation: the CLI, the Streamlit explorer and the pyvis network rendering."""
