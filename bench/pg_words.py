"""What fuzzy words and did-you-mean cost on the PostgreSQL engine, against the Whoosh engine's.

    python bench/pg_words.py [--size 3.5k] [--index DIR]

Both readers index the written words once per generation (search.text.spelling.Lexicon): the
Whoosh reader from its `exact` field, the PostgreSQL reader from the lexicon table's `=word`
rows (search.engine.postgres.layers). Printed, from one run: that load's time and the words
indexed, then the median and p95 of `similar_words` over typos of common words, and whether
both engines give the same candidates. PostgreSQL: a throwaway server on 127.0.0.1, one node,
built from bench/run.py's corpus of the size (or the Whoosh index given by --index is used as
is, and built when missing).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from corpora import MAP, WORK, corpus

from search import ingest
from search.engine import open_engine
from search.engine.postgres.local import LocalServer
from search.models import Article

TYPOS = ["presidne", "indonseia", "pemerintha", "jakrta", "ekonmi", "koruspi", "sanski", "mentri", "polsi",
         "pemilihna", "banjri", "harag", "minyka", "perushaan", "sepakbloa", "teknolgoi", "pendidkan",
         "kesehatna", "investsi", "pasar"]


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", default="3.5k")
    ap.add_argument("--index", type=Path, help="a Whoosh index of the same corpus")
    args = ap.parse_args(argv)
    c = corpus(args.size, ROOT)
    arts = [a for a in ingest.load([Path(s) for s in c.sources], field_map=dict(p.split("=", 1) for p in MAP.split(","))) if isinstance(a, Article)]
    index = args.index or WORK / f"pgwords-whoosh-{args.size}"
    whoosh = open_engine(str(index))
    if not (index / "CURRENT").exists() and not any(index.glob("gen-*")):
        whoosh.build(arts)
    server = LocalServer.start()
    try:
        pg = open_engine(server.dsn)
        pg.build(arts)
        readers = {"whoosh": whoosh.reader(), "postgresql": pg.reader()}
        load = {"whoosh": lambda r: r._words(), "postgresql": lambda r: r.layers.words()}
        answers = {}
        for name, r in readers.items():
            lexicon, secs = timed(lambda: load[name](r))
            calls, answers[name] = [], []
            for word in TYPOS * 3:
                found, t = timed(lambda: r.similar_words(word, 2, 20))
                calls.append(t * 1000)
                answers[name].append(found)
            calls.sort()
            print(f"{name}: words indexed {len(lexicon.words):,} in {secs:.2f} s; similar_words p50 "
                  f"{statistics.median(calls):.2f} ms, p95 {calls[int(len(calls) * 0.95)]:.2f} ms")
        same = sum(a == b for a, b in zip(answers["whoosh"], answers["postgresql"]))
        print(f"same candidates, in the same order: {same}/{len(answers['whoosh'])}")
        pg.close()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
