"""Totals and top-10 ids of bench/queries.txt on one engine, with the time budget lifted.

    python bench/unhurried.py LOCATION [--budget 600]   # LOCATION: an index folder or postgresql://…

Prints one JSON object: {query label: {"total", "ids", "partial"}}. bench/pg_bench.py compares
engines with it: a served search stops at its time budget (search.settings.Limits.budget) and
answers in part, which is the serving policy, not the matching; this pass lets every search run
to its end, so that equal totals mean equal matching.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from servers import label_of, read_queries, request_of

from search.engine import open_engine
from search.query.archive import Archive
from search.settings import DEFAULT, Limits


def answers(location: str, budget: float) -> dict[str, dict]:
    archive = Archive(open_engine(location, DEFAULT.with_(limits=Limits(budget=budget))))
    out = {}
    try:
        for pairs in read_queries():
            res = archive.search(request_of(pairs))
            out[label_of(pairs)] = {"total": res.total, "ids": [r.id for r in res.results],
                                    "partial": bool(res.partial)}
    finally:
        archive.close()
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("location")
    ap.add_argument("--budget", type=float, default=600.0, help="seconds a search may take (default 600)")
    args = ap.parse_args(argv)
    json.dump(answers(args.location, args.budget), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
