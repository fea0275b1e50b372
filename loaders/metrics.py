"""Measure clause, unit, 分工 and list-row extraction against the hand-labelled gold data of the corpus."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import yaml

from loaders.fengong import parse_fengong
from loaders.powerlist import parse_powerlist
from loaders.sanding import parse_sanding
from loaders.text import normalize, read_document

__all__ = ["Score", "CORPUS_DIR", "GOLD_PATH", "evaluate", "markdown_table", "main"]

CORPUS_DIR = Path(os.environ.get("QUANZE_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus"))
"""The corpus of real mandate texts (``$QUANZE_CORPUS``, else ``/work/shared/corpus`` beside the project)."""
GOLD_PATH = Path(__file__).resolve().parents[1] / "tests" / "loaders" / "gold.yaml"


@dataclass
class Score:
    """Counts for one measure; precision and recall are 1.0 when there is nothing to find or claim."""

    name: str
    true_pos: int = 0
    predicted: int = 0
    expected: int = 0

    @property
    def precision(self) -> float:
        return self.true_pos / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_pos / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, predicted: Iterable[Any], expected: Iterable[Any]) -> None:
        pset, eset = set(predicted), set(expected)
        self.true_pos += len(pset & eset)
        self.predicted += len(pset)
        self.expected += len(eset)


def _key(text: str | None) -> str:
    """Compare numbers and names as normalised text without spaces (full/half width, 繁/简 alike)."""
    return normalize(text or "").replace(" ", "")


def evaluate(corpus: Path = CORPUS_DIR, gold_path: Path = GOLD_PATH) -> dict[str, Score]:
    """Run the parsers on every gold-labelled corpus file and score them.

    Returns
    -------
    dict of Score
        ``clauses`` (found by file and number), ``clause_lines``, ``roles`` and ``matters`` (on
        the clauses found), ``units`` (by name), ``staffing`` (each establishment, post and quota
        number), ``fengong_entries`` (person, post, mode and item list all equal), ``fengong_items``
        (person, mode, item), ``rows`` (list rows by number) and ``row_types`` (power type).
    """
    gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
    s = {name: Score(name) for name in ("clauses", "clause_lines", "roles", "matters", "units", "staffing",
                                        "fengong_entries", "fengong_items", "rows", "row_types")}
    for fname, g in (gold.get("sanding") or {}).items():
        r = parse_sanding(read_document(corpus / fname))
        found = {_key(c.number): c for c in r.all_clauses()}
        wanted = {_key(c["number"]): c for c in g.get("clauses") or []}
        s["clauses"].add(((fname, k) for k in found), ((fname, k) for k in wanted))
        for k in set(found) & set(wanted):
            c, w = found[k], wanted[k]
            s["clause_lines"].add([(fname, k, c.line)], [(fname, k, w["line"])])
            s["roles"].add([(fname, k, c.role)], [(fname, k, w["role"])])
            s["matters"].add(((fname, k, m) for m in c.matters), ((fname, k, m) for m in w.get("matters") or []))
        s["units"].add(((fname, _key(u.name)) for u in r.units), ((fname, _key(u["name"])) for u in g.get("units") or []))
        if "staffing" in g:
            st, gs = r.staffing, g["staffing"]
            predicted = {("est", k, v) for k, v in st.establishment.items()}
            predicted |= {("post", _key(p.title), p.count) for p in st.leader_posts}
            predicted |= {("quota", q.level or q.scope, q.total) for q in st.quotas}
            if st.unit_count is not None:
                predicted.add(("units", "", st.unit_count))
            expected = {("est", k, v) for k, v in (gs.get("establishment") or {}).items()}
            expected |= {("post", _key(k), v) for k, v in (gs.get("posts") or {}).items()}
            expected |= {("quota", k, v) for k, v in (gs.get("quotas") or {}).items()}
            if gs.get("unit_count") is not None:
                expected.add(("units", "", gs["unit_count"]))
            s["staffing"].add(((fname, *x) for x in predicted), ((fname, *x) for x in expected))
    for fname, entries in (gold.get("fengong") or {}).items():
        r = parse_fengong(read_document(corpus / fname))
        predicted = {(fname, e.person, _key(e.post), e.mode, tuple(_key(n) for n in e.names)) for e in r.entries}
        expected = {(fname, e["person"], _key(e["post"]), e["mode"], tuple(_key(n) for n in e["items"])) for e in entries}
        s["fengong_entries"].add(predicted, expected)
        s["fengong_items"].add({(fname, e.person, e.mode, _key(n)) for e in r.entries for n in e.names},
                               {(fname, e["person"], e["mode"], _key(n)) for e in entries for n in e["items"]})
    for fname, rows in (gold.get("powerlist") or {}).items():
        r = parse_powerlist(read_document(corpus / fname))
        s["rows"].add(((fname, x.number) for x in r.rows), ((fname, str(x["number"])) for x in rows))
        s["row_types"].add(((fname, x.number, x.power_type) for x in r.rows),
                           ((fname, str(x["number"]), x.get("power_type")) for x in rows))
    return s


_LABELS = {
    "clauses": "duty clauses found (by file + number)",
    "clause_lines": "… with the right line",
    "roles": "… with the right role",
    "matters": "matters on found clauses (micro)",
    "units": "internal units (by name)",
    "staffing": "staffing numbers (编制, posts, 职数)",
    "fengong_entries": "分工 entries (person, post, mode, items all equal)",
    "fengong_items": "分工 items (person, mode, item)",
    "rows": "list rows (by 序号)",
    "row_types": "… with the right power type",
}


def markdown_table(scores: dict[str, Score]) -> str:
    """The scores as a Markdown table."""
    out = ["| measure | gold | predicted | correct | precision | recall | F1 |", "|---|---:|---:|---:|---:|---:|---:|"]
    for key, sc in scores.items():
        out.append(f"| {_LABELS.get(key, key)} | {sc.expected} | {sc.predicted} | {sc.true_pos} | "
                   f"{sc.precision:.3f} | {sc.recall:.3f} | {sc.f1:.3f} |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """``python -m loaders.metrics [--corpus DIR] [--gold FILE]``: print the Markdown table."""
    ap = argparse.ArgumentParser(prog="python -m loaders.metrics", description=__doc__)
    ap.add_argument("--corpus", type=Path, default=CORPUS_DIR, help="folder of corpus texts (default: %(default)s)")
    ap.add_argument("--gold", type=Path, default=GOLD_PATH, help="hand-labelled gold YAML (default: %(default)s)")
    args = ap.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"corpus folder not found: {args.corpus} (set QUANZE_CORPUS or pass --corpus)", file=sys.stderr)
        return 2
    print(markdown_table(evaluate(args.corpus, args.gold)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
