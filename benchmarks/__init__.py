"""Benchmarks that report figures (load throughput, memory, query latency); they are not tests."""

__all__: list[str] = []
