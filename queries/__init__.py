"""The Cypher query library: one .cypher file per query, read by a registry."""
