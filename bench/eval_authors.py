"""Author and editor extraction measured on a hand-labelled sample of IndoSum articles (not a
unit test). Run: .venv/bin/python bench/eval_authors.py [--corpus PATH] [--show]

The labels are bench/labels/authors.jsonl (the rules were tuned on it) and
bench/labels/authors-heldout.jsonl (labelled after they were frozen); how: bench/labels/README.md. Each
labelled article is read through Kliping's real ingest (the same `--map` as the README's IndoSum
example) and its `authors` and `editors` are compared with the labels, name by name (case and
spacing folded). Prints precision and recall of authors (targets: precision >= 0.95, recall >=
0.85) and of editors, over the whole sample and per stratum, and every disagreement.

`--sample NAME` prints a set's raw text for labelling (the first two and last three paragraphs,
and any short paragraph), without any extraction, so a labeller is not led by the extractor.
IndoSum (CC BY-SA 4.0, Kurniawan and Louvan) is read from shared/, never copied into the repo.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search import ingest
from search.models import Article

SHARED = Path(os.environ.get("KLIPING_SHARED") or ROOT.parent / "shared")
CORPUS = SHARED / "corpora/indosum/articles.jsonl"
MAP = {"outlet": "source", "url": "source_url", "date": "date_from_id_timestamp", "tags": "category"}
LABELS = ROOT / "bench/labels/authors.jsonl"
SEED, PER_STRATUM = 15, 30
#: A broad cue that an article may credit someone (role words, a report line, a closing tag
#: with a capitalized word), looked for in its first two and last three paragraphs. It only
#: chooses which articles are sampled; it is not the extractor's rule.
CUE = re.compile(r"\b(?:Penulis|Pewarta|Reporter|Editor|Redaktur|Kontributor|Wartawan|Rep|Red)\s*:"
                 r"|^\W*(?:Berdasarkan\s+)?Laporan\s|^Oleh\s+[A-Z]|[\[(][^()\[\]]*[A-Z][a-z][^()\[\]]*[\])]\s*$",
                 re.M)


#: The label sets: (file, seed, articles with a cue, without), each drawn from what the sets before
#: it left. The second was labelled after the extractor was frozen on the first: a held-out test.
SETS = (("authors.jsonl", SEED, PER_STRATUM, PER_STRATUM), ("authors-heldout.jsonl", 16, 30, 20))


def sample(corpus: Path, seed: int = SEED, cued_n: int = PER_STRATUM, plain_n: int = PER_STRATUM,
           exclude: frozenset = frozenset()) -> list[tuple[str, dict]]:
    """(stratum, record): `cued_n` articles with a cue and `plain_n` without, at random."""
    cued, plain = [], []
    with corpus.open(encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            if rec["id"] in exclude:
                continue
            ends = rec["paragraphs"][:2] + rec["paragraphs"][-3:]
            (cued if any(CUE.search(p.strip()) for p in ends) else plain).append(rec)
    rng = random.Random(seed)
    return [("cue", r) for r in rng.sample(cued, cued_n)] + \
           [("random", r) for r in rng.sample(plain, plain_n)]


def samples(corpus: Path) -> list[tuple[str, list[tuple[str, dict]]]]:
    """(label file name, its sample) for every set of SETS."""
    out, seen = [], frozenset()
    for name, seed, cued_n, plain_n in SETS:
        picked = sample(corpus, seed, cued_n, plain_n, seen)
        out.append((name, picked))
        seen = seen | {r["id"] for _, r in picked}
    return out


def show(picked: list[tuple[str, dict]]) -> None:
    for stratum, rec in picked:
        paras = rec["paragraphs"]
        print(f"=== {rec['id']} [{rec['source']}, {stratum}] {rec['source_url']}")
        for i, p in enumerate(paras):
            if i < 2 or i >= len(paras) - 3 or len(p.split()) <= 12:
                print(f"  {i + 1:>2}: {p if len(p) <= 420 else p[:260] + ' […] ' + p[-150:]}")


def fold(names) -> set[str]:
    return {" ".join(n.split()).casefold() for n in names or ()}


def score(pairs) -> tuple[float, float, int, int, int]:
    """(precision, recall, true positives, extracted, labelled) over (got, want) name sets."""
    tp = sum(len(g & w) for g, w in pairs)
    got = sum(len(g) for g, _ in pairs)
    want = sum(len(w) for _, w in pairs)
    return (tp / got if got else 1.0, tp / want if want else 1.0, tp, got, want)


def read_labels(path: Path) -> dict[str, dict]:
    labels = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rec = json.loads(line)
                labels[rec["id"]] = rec
    return labels


def report(title: str, picked, labels: dict[str, dict], arts: dict[str, Article]) -> None:
    strata = {rec["id"]: s for s, rec in picked}
    missing = set(labels) - set(strata)
    if missing:
        sys.exit(f"labels for articles outside the sample: {sorted(missing)[:3]}")
    print(f"## {title}: {len(labels)} hand-labelled IndoSum articles "
          f"({sum(1 for i in labels if strata[i] == 'cue')} with a credit cue, "
          f"{sum(1 for i in labels if strata[i] == 'random')} without)")
    print(f"labelled: {sum(1 for r in labels.values() if r['authors'])} articles name an author "
          f"({sum(len(r['authors']) for r in labels.values())} names), "
          f"{sum(1 for r in labels.values() if r['editors'])} an editor")
    for field in ("authors", "editors"):
        for name, keep in (("all", lambda s: True), ("cue", lambda s: s == "cue"),
                           ("random", lambda s: s == "random")):
            pairs = [(fold(getattr(arts[i], field)), fold(labels[i][field]))
                     for i in labels if keep(strata[i])]
            p, r, tp, got, want = score(pairs)
            print(f"{field:8} {name:7} precision {p:.3f} ({tp}/{got})  recall {r:.3f} ({tp}/{want})")
    print("disagreements:")
    for i in labels:
        a, want = arts[i], labels[i]
        for field in ("authors", "editors"):
            if fold(getattr(a, field)) != fold(want[field]):
                print(f"  {i[:48]:48} {field:7} got {getattr(a, field)} labelled {want[field]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--labels", type=Path, default=LABELS.parent, help="the folder of the label files")
    ap.add_argument("--sample", choices=[name for name, *_ in SETS],
                    help="print that set's text for labelling")
    args = ap.parse_args()
    sets = samples(args.corpus)
    if args.sample:
        show(dict(sets)[args.sample])
        return
    found = [(name, picked, read_labels(args.labels / name)) for name, picked in sets
             if (args.labels / name).is_file()]
    wanted = {i for _, _, labels in found for i in labels}
    arts = {a.id: a for a in ingest.load([args.corpus], field_map=MAP)
            if isinstance(a, Article) and a.id in wanted}
    for name, picked, labels in found:
        title = "held out (labelled after the rules were frozen)" if "heldout" in name else \
            "tuning set (the rules were tuned on it)"
        report(f"{name}, {title}", picked, labels, arts)


if __name__ == "__main__":
    main()
