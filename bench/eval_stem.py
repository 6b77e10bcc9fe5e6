"""Stemming accuracy and speed: Kliping's stemmer against PyStemmer (Snowball) and, when it is
installed (requirements-bench.txt), PySastrawi, all measured in the same run.

Usage: .venv/bin/python bench/eval_stem.py [--misses SET] [--runs N]
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import os

import stem_holdout

from search.text import stemmer

SHARED = Path(os.environ.get("KLIPING_SHARED") or Path(__file__).resolve().parents[2] / "shared")  # ../shared beside the repo

INDOSUM = SHARED / "corpora/indosum/articles.jsonl"
TOKEN = re.compile(r"\w+(?:-\w+)*")
SETS = ("sastrawi_functional", "sastrawi_integration", "lucene_full", "mpstemmer_nonstandard60")


def load_sets() -> dict[str, list[tuple[str, str]]]:
    sets = {name: stem_holdout.read_pairs(stem_holdout.SHARED_STEM / f"{name}.tsv") for name in SETS}
    sets["spacy_heldout3000"] = stem_holdout.spacy_split()[1]
    return sets


def sastrawi_factory():
    try:
        from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
    except ImportError:
        return None
    return StemmerFactory()


def per_token(fn):
    """A text stemmer from a token stemmer: gold lines may hold several words."""
    return lambda text: " ".join(fn(t) for t in text.split())


def accuracy(fn, pairs) -> tuple[float, list[tuple[str, str, str]]]:
    misses = [(w, r, got) for w, r in pairs if (got := fn(w)) != r]
    return 1 - len(misses) / len(pairs), misses


def indosum_vocab() -> list[str]:
    vocab: set[str] = set()
    with INDOSUM.open(encoding="utf-8") as f:
        for line in f:
            for para in json.loads(line)["paragraphs"]:
                vocab.update(TOKEN.findall(para.lower()))
    return sorted(vocab)


def timed(make_fn, vocab, runs) -> float:
    """Median seconds to stem `vocab` once, each run starting from a cold cache."""
    times = []
    for _ in range(runs):
        fn = make_fn()
        t0 = time.perf_counter()
        fn(vocab)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--misses", help="print the misses of our stemmer on this set")
    ap.add_argument("--runs", type=int, default=5, help="timing runs for our stemmer and Snowball")
    ap.add_argument("--sastrawi-runs", type=int, default=3)
    args = ap.parse_args()

    factory = sastrawi_factory()
    systems = {"pystemmer": per_token(stemmer.snowball), "kliping": per_token(stemmer.get("kliping").stem)}
    if factory is not None:
        sastrawi = factory.create_stemmer()
        systems["sastrawi"] = sastrawi.stem
    print(f"LEXICON_VERSION {stemmer.LEXICON_VERSION}, {len(stemmer.ROOTS)} roots")
    print("accuracy (exact match after lowercasing)")
    print(f"{'set':<26}{'n':>6}" + "".join(f"{s:>12}" for s in systems))
    for name, pairs in load_sets().items():
        pairs = [(w.lower(), r) for w, r in pairs]
        row = f"{name:<26}{len(pairs):>6}"
        for sys_name, fn in systems.items():
            acc, misses = accuracy(fn, pairs)
            row += f"{acc:>12.3f}"
            if sys_name == "kliping" and args.misses == name:
                missed = misses
        print(row)
        if args.misses == name:
            for w, r, got in missed:
                print(f"    miss {w!r}: want {r!r}, got {got!r}")

    vocab = indosum_vocab()
    print(f"\nspeed: IndoSum vocabulary, {len(vocab)} distinct lowercased tokens, cold cache, "
          f"median of runs")

    def ours():
        ours = stemmer.get("kliping")
        ours.clear_cache()
        return ours.stem_words

    def snow():
        s = stemmer.PyStemmer.Stemmer("indonesian")
        return s.stemWords

    results = {"kliping": timed(ours, vocab, args.runs), "pystemmer": timed(snow, vocab, args.runs)}
    if factory is not None:
        results["sastrawi"] = timed(
            lambda: (lambda ws, st=factory.create_stemmer(): [st.stem(w) for w in ws]),  # noqa: B008
            vocab, args.sastrawi_runs)
    for name, secs in results.items():
        print(f"  {name:<10} {secs:8.3f} s  {len(vocab) / secs:>12,.0f} words/s")
    if "sastrawi" in results:
        print(f"  kliping is {results['sastrawi'] / results['kliping']:.1f}x faster than sastrawi")


if __name__ == "__main__":
    main()
