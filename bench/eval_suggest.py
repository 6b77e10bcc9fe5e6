"""Did-you-mean accuracy on 100 realistic misspellings (bench/data/misspellings.tsv, written by
hand for issue 16: swapped, dropped, doubled and neighbouring-key letters, vowels confused, in
words and names that IndoSum's articles use), through search.query.archive.Archive as the web
calls it. Not a unit test: it prints a table.

    .venv/bin/python bench/eval_suggest.py [--index DIR]   # default: builds IndoSum in a temp dir

A query counts as corrected when its `did_you_mean` query equals the expected one (case
ignored); `none` is no suggestion, `wrong` another one.
"""
from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = Path(os.environ.get("KLIPING_SHARED") or ROOT.parent / "shared")
INDOSUM = SHARED / "corpora/indosum/articles.jsonl"
MAP = {"outlet": "source", "url": "source_url", "date": "date_from_id_timestamp", "tags": "category"}


def main() -> None:
    from search import ingest
    from search.engine.whoosh.build import build
    from search.query.archive import Archive
    from search.query.params import SearchRequest

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--index", type=Path, help="an index of IndoSum (default: build one)")
    ap.add_argument("--data", type=Path, default=ROOT / "bench/data/misspellings.tsv")
    args = ap.parse_args()
    with args.data.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t"))[1:]
    with tempfile.TemporaryDirectory(prefix="suggest-") as tmp:
        root = args.index
        if root is None:
            root = Path(tmp) / "index"
            build(ingest.load([INDOSUM], field_map=MAP), root)
        arc = Archive(root)
        arc.warm()
        right = none = 0
        wrong, times = [], []
        for q, expected in rows:
            t0 = time.perf_counter()
            resp = arc.search(SearchRequest(q=q))
            times.append((time.perf_counter() - t0) * 1000)
            got = resp.did_you_mean.q if resp.did_you_mean else None
            if got is None:
                none += 1
                wrong.append((q, expected, "-"))
            elif got.lower() == expected.lower():
                right += 1
            else:
                wrong.append((q, expected, got))
        arc.close()
    n = len(rows)
    print(f"did-you-mean on {n} misspellings ({args.data.name}), IndoSum {'index ' + str(args.index) if args.index else 'built here'}")
    print(f"  corrected: {right}/{n} = {right / n:.1%}   no suggestion: {none}   another suggestion: {n - right - none}")
    print(f"  search with suggestion, ms: median {statistics.median(times):.1f}, p95 "
          f"{sorted(times)[int(0.95 * (n - 1))]:.1f} (the first builds the lexicon: {times[0]:.0f})")
    for q, e, g in wrong:
        print(f"  miss: {q!r} -> expected {e!r}, got {g!r}")


if __name__ == "__main__":
    main()
