"""Quote extraction against hand labels: precision, recall and speaker accuracy.

    .venv/bin/python bench/eval_quotes.py [--labels bench/labels/quotes-indosum-50.tsv] [--show]

The labels (bench/labels/quotes-indosum-50.tsv, written by reading each article; see
bench/labels/README.md for the rules) list, for 50 IndoSum articles, every statement quoted
directly or reported with a speaking verb: the paragraph, the speaker as the article names
them (alternatives with |, ? for nobody in particular) and a few words of the quote.

The articles are read from IndoSum with the same cleaning as `build` (paragraph numbers are the
index's). A found quote matches a labelled one in the same paragraph when it holds at least half
of the label's words; each label matches once. Speaker accuracy is over the matched quotes: the
speaker found equals one of the label's alternatives (case and spacing aside; ? means none).
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from search.ingest import load
from search.models import Article
from search.stories.quotes import extract

INDOSUM = HERE.parent.parent / "shared" / "corpora" / "indosum" / "articles.jsonl"
MAP = {"outlet": "source", "url": "source_url", "date": "date_from_id_timestamp", "tags": "category"}


def words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"\w+", text)}


def norm(name: str | None) -> str:
    return " ".join(re.findall(r"\w+", (name or "").lower()))


def read_labels(path: Path) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        aid, n, kind, speaker, snippet = line.split("\t")
        out.setdefault(aid, [])
        if kind == "none":  # an article read and found without quotes
            continue
        out[aid].append({"n": int(n), "kind": kind, "speakers": speaker.split("|"), "snippet": snippet})
    return out


def articles(ids: set[str]) -> dict[str, Article]:
    found = {}
    for item in load([INDOSUM], field_map=MAP):
        if isinstance(item, Article) and item.id in ids:
            found[item.id] = item
    return found


def evaluate(labels: dict[str, list[dict]], arts: dict[str, Article], show: bool = False) -> dict:
    tp = fp = fn = right_speaker = 0
    kinds = defaultdict(lambda: [0, 0])  # kind -> [labelled, found]
    for aid, gold in sorted(labels.items()):
        found = extract(arts[aid])
        used = set()
        for q in found:
            match = None
            for i, g in enumerate(gold):
                if i in used or g["n"] != q.n:
                    continue
                sw = words(g["snippet"])
                if len(sw & words(q.text)) >= 0.5 * len(sw):
                    match = i
                    break
            if match is None:
                fp += 1
                if show:
                    print(f"FP  {aid[:40]} ¶{q.n} [{q.speaker}] {q.text[:90]!r}")
                continue
            used.add(match)
            tp += 1
            g = gold[match]
            ok = norm(q.speaker) in {norm(s) for s in g["speakers"] if s != "?"} or \
                (q.speaker is None and "?" in g["speakers"])
            right_speaker += ok
            if show and not ok:
                print(f"SPK {aid[:40]} ¶{q.n} found [{q.speaker}] want {g['speakers']} {q.text[:60]!r}")
        for i, g in enumerate(gold):
            kinds[g["kind"]][0] += 1
            if i in used:
                kinds[g["kind"]][1] += 1
            else:
                fn += 1
                if show:
                    print(f"FN  {aid[:40]} ¶{g['n']} [{g['speakers'][0]}] {g['snippet']!r}")
    return {"labelled": tp + fn, "found": tp + fp, "matched": tp,
            "precision": tp / (tp + fp) if tp + fp else 0.0, "recall": tp / (tp + fn) if tp + fn else 0.0,
            "speaker_accuracy": right_speaker / tp if tp else 0.0,
            "recall_by_kind": {k: v[1] / v[0] for k, v in sorted(kinds.items())}}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--labels", type=Path, default=HERE / "labels" / "quotes-indosum-50.tsv")
    ap.add_argument("--show", action="store_true", help="print every miss, extra and wrong speaker")
    args = ap.parse_args(argv)
    labels = read_labels(args.labels)
    arts = articles(set(labels))
    missing = set(labels) - set(arts)
    if missing:
        print(f"articles not found in {INDOSUM}: {sorted(missing)}", file=sys.stderr)
        return 1
    r = evaluate(labels, arts, args.show)
    print(f"Quote extraction on {len(labels)} hand-labelled IndoSum articles ({args.labels.name}):")
    print(f"  labelled quotes {r['labelled']}, found {r['found']}, matched {r['matched']}")
    print(f"  precision {r['precision']:.3f}  recall {r['recall']:.3f}  "
          f"speaker accuracy {r['speaker_accuracy']:.3f} (on the {r['matched']} matched)")
    print("  recall by kind: " + ", ".join(f"{k} {v:.3f}" for k, v in r["recall_by_kind"].items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
