"""The graph: building, stores, tracing and verdicts, exporters."""
