"""Loaders: case bundles and real mandate documents into validated records."""
