"""Echo precision on IndoSum against hand verdicts, and recall on the clusters judged right.

    .venv/bin/python bench/eval_echoes.py [--index DIR] [--labels bench/labels/echoes-indosum.tsv]
                                          [--pending]

Reads the echoes of an IndoSum index (built with `--map outlet=source,url=source_url,
date=date_from_id_timestamp,tags=category`; without --index one is built into
bench/work/indosum-echoes). A cross-outlet echo cluster is a set of paragraphs joined by echo
links. The verdicts (bench/labels/echoes-indosum.tsv; rules in bench/labels/README.md) judge
each link `right` or `wrong`; a cluster is right when all its links are. The file also lists the
links Kliping showed before issue 17 (`before`), so both are measured on one pool:

- clusters: how many the index has, and their sizes;
- precision: right clusters / judged clusters, over 50 drawn at random (all if fewer);
- recall: of the right clusters of either system (the pool), the share whose paragraphs the
  index still joins in one cluster, beside the share the links before issue 17 joined.

`--pending` prints the links of the index that have no verdict yet, as TSV rows to judge.
"""
from __future__ import annotations

import argparse
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from search.engine.whoosh import store
from search.engine.whoosh.reader import WhooshReader
from search.stories.echoes import stored

INDOSUM = HERE.parent.parent / "shared" / "corpora" / "indosum" / "articles.jsonl"
MAP = "outlet=source,url=source_url,date=date_from_id_timestamp,tags=category"
SAMPLE, SEED = 50, 17

Para = tuple[str, int]


def links_of(index: Path) -> set[frozenset[Para]]:
    """Every echo link the index's store shows (search.stories.echostore), both ways as one."""
    gen = store.current_generation(index)
    out = set()
    for aid, paras in stored(gen).items():
        for n, lst in paras.items():
            for oid, m, _ in lst:
                out.add(frozenset([(aid, n), (oid, m)]))
    return out


def components(links) -> list[frozenset[Para]]:
    parent: dict[Para, Para] = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for link in links:
        a, b = tuple(link)
        parent[find(a)] = find(b)
    groups: dict[Para, set] = {}
    for x in parent:
        groups.setdefault(find(x), set()).add(x)
    return [frozenset(g) for g in groups.values()]


def read_labels(path: Path) -> tuple[dict[frozenset, str], set[frozenset]]:
    verdicts, before = {}, set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        a, n, b, m, verdict, seen = line.split("\t")[:6]
        link = frozenset([(a, int(n)), (b, int(m))])
        verdicts[link] = verdict
        if "before" in seen:
            before.add(link)
    return verdicts, before


def verdict_of(cluster: frozenset, links: set[frozenset], verdicts: dict) -> str:
    inside = [lk for lk in links if lk <= cluster]
    vs = {verdicts.get(lk, "?") for lk in inside}
    return "?" if "?" in vs else "wrong" if "wrong" in vs else "right"


def found(pool: list[frozenset], clusters: list[frozenset]) -> int:
    where = {p: i for i, c in enumerate(clusters) for p in c}
    return sum(1 for c in pool if len({where.get(p, -1 - k) for k, p in enumerate(c)}) == 1)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path)
    ap.add_argument("--labels", type=Path, default=HERE / "labels" / "echoes-indosum.tsv")
    ap.add_argument("--pending", action="store_true")
    args = ap.parse_args(argv)
    index = args.index or HERE / "work" / "indosum-echoes"
    if args.index is None:
        subprocess.run([sys.executable, "-m", "search", "build", str(INDOSUM), "--map", MAP,
                        "--index", str(index)], check=True, cwd=HERE.parent, stdout=subprocess.DEVNULL)
    links = links_of(index)
    verdicts, before = read_labels(args.labels)
    if args.pending:
        for link in sorted(links - verdicts.keys(), key=sorted):
            (a, n), (b, m) = sorted(link)
            print(f"{a}\t{n}\t{b}\t{m}\t?\tafter")
        return 0
    now = components(links)
    old = components(before)
    sizes = Counter(len(c) for c in now)
    print(f"Echoes of {index}: {len(links)} cross-outlet links, {len(now)} clusters "
          f"(sizes: {', '.join(f'{n}x{s}' for s, n in sorted(sizes.items()))})")
    sample = sorted(now, key=sorted)
    if len(sample) > SAMPLE:
        sample = random.Random(SEED).sample(sample, SAMPLE)
    judged = Counter(verdict_of(c, links, verdicts) for c in sample)
    done = judged["right"] + judged["wrong"]
    print(f"  judged {done} of {len(sample)} clusters drawn: right {judged['right']}, wrong {judged['wrong']}"
          + (f", no verdict {judged['?']}" if judged["?"] else ""))
    print(f"  precision {judged['right'] / done:.3f}" if done else "  precision: nothing judged")
    old_verdicts = Counter(verdict_of(c, before, verdicts) for c in old)
    print(f"  before issue 17: {len(before)} links, {len(old)} clusters, right {old_verdicts['right']}, "
          f"wrong {old_verdicts['wrong']} (precision {old_verdicts['right'] / max(1, len(old)):.3f})")
    pool = {c for c in old if verdict_of(c, before, verdicts) == "right"}
    pool |= {c for c in now if verdict_of(c, links, verdicts) == "right"}
    pool_list = sorted(pool, key=sorted)
    r_now, r_old = found(pool_list, now), found(pool_list, old)
    print(f"  recall on the {len(pool)} clusters judged right (either system): now {r_now / len(pool):.3f} "
          f"({r_now}), before issue 17 {r_old / len(pool):.3f} ({r_old})")
    _ = WhooshReader  # the reader that serves these files (imported to fail early if it moved)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
