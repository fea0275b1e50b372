"""Where the shipped example bundles live."""

from pathlib import Path

__all__ = ["EXAMPLES_DIR", "DEMO_BUNDLE", "example_bundles"]

EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples"
DEMO_BUNDLE = EXAMPLES_DIR / "demo"


def example_bundles() -> dict[str, Path]:
    """Every shipped example bundle (a folder with bundle.yaml, or a single .yaml file), by name."""
    out = {}
    for p in sorted(EXAMPLES_DIR.iterdir()):
        if p.is_dir() and (p / "bundle.yaml").exists():
            out[p.name] = p
        elif p.suffix in (".yaml", ".yml"):
            out[p.stem] = p
    return out
