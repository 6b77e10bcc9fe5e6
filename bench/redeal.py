"""Make a larger, reproducible benchmark corpus by re-dealing IndoSum's paragraphs.

    python bench/redeal.py --n 34630 --out bench/work/redeal-35k.jsonl

Within each outlet, every new article borrows an original article as a template (its category
and its number of paragraphs), then takes its lead paragraph from the outlet's pool of lead
paragraphs and the rest from the outlet's pool of other paragraphs, at random, with a fixed seed.
So vocabulary, paragraph lengths, outlets and categories keep IndoSum's proportions, while
every article is a new mix. The outlets keep their share of the corpus.

Ids are unique and begin with a Unix timestamp like IndoSum's (`<ts>-redeal-<n>`); dates are
spread uniformly between END and a start that moves back one year per multiple of IndoSum's
size (at least IndoSum's own 19 months, never before 2005), so the month histogram keeps
growing like a real archive's. The output has the same fields as IndoSum's JSONL and builds
with the same `--map`.

The input is IndoSum (CC BY-SA 4.0, Kurniawan and Louvan); the output is an adaptation under the
same licence: an ATTRIBUTION.md is written beside it. Write it under bench/work/ (git-ignored).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SRC = HERE.parent.parent / "shared" / "corpora" / "indosum" / "articles.jsonl"
END = dt.datetime(2018, 2, 28, 23, 0, tzinfo=dt.UTC)
EARLIEST = dt.datetime(2005, 1, 1, tzinfo=dt.UTC)
SEED = 20240617


def _plan(rows: list[dict], n: int, seed: int):
    """The deal, as indices into the outlets' pools (no text is copied): per new article, in
    output order, (outlet, template, lead, other paragraphs, timestamp). The random calls are
    the same as dealing the paragraphs themselves (choice and sample only look at lengths), so
    a corpus is the same whichever way it is written."""
    rng = random.Random(seed)
    by_outlet: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_outlet[r["source"]].append(r)
    scale = n / len(rows)
    years = max(19 / 12, scale)
    start = max(EARLIEST, END - dt.timedelta(days=365.25 * years))
    span = (END - start).total_seconds()

    # How many articles each outlet gets: its share, rounded, with the remainder to the largest.
    outlets = sorted(by_outlet)
    quota = {o: int(len(by_outlet[o]) * n / len(rows)) for o in outlets}
    for o in sorted(outlets, key=lambda o: -len(by_outlet[o]))[: n - sum(quota.values())]:
        quota[o] += 1

    pools, plan = {}, []
    for oi, o in enumerate(outlets):
        arts = by_outlet[o]
        leads = [a["paragraphs"][0] for a in arts if a["paragraphs"]]
        rest = [p for a in arts for p in a["paragraphs"][1:]]
        pools[oi] = (o, arts, leads, rest)
        for _ in range(quota[o]):
            tpl = rng.choice(range(len(arts)))
            k = max(1, len(arts[tpl]["paragraphs"]))
            lead = rng.choice(range(len(leads)))
            others = rng.sample(range(len(rest)), min(k - 1, len(rest))) if rest else []
            when = start + dt.timedelta(seconds=rng.uniform(0, span))
            plan.append((oi, tpl, lead, array("I", others), int(when.timestamp()), when))
    rng.shuffle(plan)
    return pools, plan


def redeal(src: Path, n: int, seed: int = SEED, id_tag: str = "redeal") -> Iterator[dict]:
    """The `n` re-dealt articles, in order, one at a time (a million fit in a few hundred MB)."""
    rows = [json.loads(line) for line in src.open(encoding="utf-8") if line.strip()]
    rows.sort(key=lambda r: r["id"])  # independent of the file's line order
    pools, plan = _plan(rows, n, seed)
    for i, (oi, tpl, lead, others, ts, when) in enumerate(plan):
        o, arts, leads, rest = pools[oi]
        template = arts[tpl]
        tpl_url = template.get("source_url") or ""
        yield {"id": f"{ts}-{id_tag}-{i:06d}", "source": o, "category": template["category"],
               "date_from_id_timestamp": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
               "paragraphs": [leads[lead]] + [rest[j] for j in others],
               "source_url": f"{tpl_url}#{id_tag}-{i:06d}" if tpl_url else ""}


def write(articles: Iterable[dict], out: Path, src: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for a in articles:
            fh.write(json.dumps(a, ensure_ascii=False) + "\n")
    tmp.replace(out)
    copy_attribution(src, out.parent)


def copy_attribution(src: Path, dest_dir: Path) -> None:
    """ATTRIBUTION.md in `dest_dir`, for every corpus this script writes there (one folder holds
    several, so the note names none of them: a build's manifest takes its title from it)."""
    attribution = src.with_name("ATTRIBUTION.md")
    note = ("# IndoSum, re-dealt by bench/redeal.py\n\nThe JSONL corpora in this folder that "
            f"bench/redeal.py wrote were made from IndoSum ({src.name}) by re-dealing its paragraphs "
            "within each outlet. They are adaptations of IndoSum and carry IndoSum's licence.\n\n"
            "Licence: CC BY-SA 4.0 (Kurniawan and Louvan). IndoSum's attribution follows.\n\n")
    if attribution.exists():
        note += attribution.read_text(encoding="utf-8")
    dest_dir.mkdir(parents=True, exist_ok=True)
    (dest_dir / "ATTRIBUTION.md").write_text(note, encoding="utf-8")


def ensure(n: int, out: Path, src: Path = DEFAULT_SRC, seed: int = SEED, id_tag: str = "redeal") -> Path:
    """Write the corpus unless an identical one (same n, seed, source size) is already there."""
    stamp = out.with_suffix(".stamp")
    key = json.dumps({"n": n, "seed": seed, "src": str(src), "src_size": src.stat().st_size, "tag": id_tag,
                      "version": 1})
    if out.exists() and stamp.exists() and stamp.read_text() == key:
        return out
    write(redeal(src, n, seed, id_tag), out, src)
    stamp.write_text(key)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--src", type=Path, default=DEFAULT_SRC)
    ap.add_argument("--n", type=int, default=34630)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--tag", default="redeal", help="word inside every id (use another for extra articles)")
    ap.add_argument("--out", type=Path, default=HERE / "work" / "redeal-35k.jsonl")
    args = ap.parse_args()
    ensure(args.n, args.out, args.src, args.seed, args.tag)
    print(f"wrote {args.n} articles to {args.out}")


if __name__ == "__main__":
    main()
