"""Ingest figures on IndoSum (not a unit test): cleaning, outlet/dateline extraction, speed,
incremental updates. Run: .venv/bin/python bench/ingest_report.py [--corpus PATH] [--quick]

IndoSum (CC BY-SA 4.0, Kurniawan and Louvan) is read from shared/, never copied into the repo.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import os

from search import ingest
from search.engine.whoosh import store
from search.engine.whoosh import update as updater
from search.engine.whoosh.build import build
from search.ingest.extract import display_outlet
from search.models import Article

SHARED = Path(os.environ.get("KLIPING_SHARED") or Path(__file__).resolve().parents[2] / "shared")  # ../shared beside the repo

CORPUS = SHARED / "corpora/indosum/articles.jsonl"
MAP = {"outlet": "source", "url": "source_url", "date": "date_from_id_timestamp", "tags": "category"}
#: What counts as boilerplate still left in a body paragraph.
BACA = re.compile(r"^\W*(?:Baca|Simak)\s+juga\b|[.!?\"”]\s+[\[(]?(?:Baca|Simak)\s+juga\s*:", re.I)
TAG = re.compile(r"(?:^|[.!?\"”’]\s*)[\[(]\s*(?:[a-z]{1,10}|\*)(?:\s*/\s*(?:[a-z]{1,10}|\*))*\s*[\])]$"
                 r"|[.!?\"”’]\s*[\[(]\s*[A-Za-z][A-Za-z0-9.]*\d[A-Za-z0-9.]*(?:\s*/\s*[A-Za-z0-9.-]+)*\s*[\])]$")


def load(path: Path, fm: dict) -> list[Article]:
    return [a for a in ingest.load([path], field_map=fm) if isinstance(a, Article)]


def cleaning(arts: list[Article]) -> None:
    left = [a.id for a in arts if any(BACA.search(p) or TAG.search(p) for p in a.paragraphs)]
    kinds = Counter(r.kind for a in arts for r in a.removed)
    print("## Cleaning")
    print(f"articles: {len(arts)}; with a 'Baca juga' line or an editor tag left in the body: "
          f"{len(left)} ({len(left) / len(arts):.4f})" + (f" e.g. {left[:5]}" if left else ""))
    print(f"pieces removed: {sum(kinds.values())} ({', '.join(f'{k} {v}' for k, v in kinds.most_common())})")
    rng = random.Random(20170327)
    sample = rng.sample([(a.id, r) for a in arts for r in a.removed], 20)
    print("sample of 20 removals for a person to check:")
    for aid, r in sample:
        print(f"  {aid[:40]:40} {r.kind:14} {r.text[:90]!r}")


def outlets(path: Path, work: Path) -> None:
    truth, stamps, lines = {}, {}, []
    with path.open(encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            truth[rec["id"]] = display_outlet(rec.pop("source"))  # the text and URL only
            stamps[rec["id"]] = rec["date_from_id_timestamp"][:10]
            lines.append(json.dumps(rec, ensure_ascii=False) + "\n")
    bare = work / "no-source.jsonl"
    bare.write_text("".join(lines), encoding="utf-8")
    arts = load(bare, {"url": "source_url", "reference_date": "date_from_id_timestamp"})
    ok = sum(a.outlet == truth[a.id] for a in arts)
    text_only = [a for a in arts if a.basis.get("outlet") == "stated"]
    ok_text = sum(a.outlet == truth[a.id] for a in text_only)
    wrong = Counter((truth[a.id], a.outlet) for a in arts if a.outlet != truth[a.id])
    print("## Outlet and dateline extraction (without the `source` field)")
    print(f"outlet accuracy from text and URL: {ok}/{len(arts)} = {ok / len(arts):.4f}")
    print(f"  stated by the text's dateline: {len(text_only)} articles, {ok_text} agree "
          f"({ok_text / max(1, len(text_only)):.4f}); the rest from the URL host (inferred)")
    if wrong:
        print(f"  disagreements (truth, found): {wrong.most_common(6)}")
    datelines = Counter(a.dateline for a in arts if a.dateline)
    print(f"datelines: {sum(datelines.values())} articles, top {datelines.most_common(6)}")
    print(f"editors stated: {sum(1 for a in arts if a.editors)} articles; wire/source credits "
          f"stated: {sum(1 for a in arts if a.source)}")
    dated = [a for a in arts if a.basis.get("date") == "stated"]
    near = sum(abs(date.fromisoformat(a.date) - date.fromisoformat(stamps[a.id])) <= timedelta(days=7)
               for a in dated)
    unknown = sum(1 for a in arts if a.date is None and "date" in a.notes)
    print(f"dates stated by the text (year from the crawl timestamp when omitted): {len(dated)}; "
          f"within 7 days of the crawl timestamp: {near}; claims left unknown with a note: {unknown}")


def speed(path: Path, work: Path) -> float:
    """The CLI build in a child process: wall time, peak RSS of the child, index size."""
    cmd = [sys.executable, "-m", "search", "build", str(path), "--index", str(work / "ix"),
           "--map", ",".join(f"{k}={v}" for k, v in MAP.items())]
    t = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    gen = store.current_generation(work / "ix")
    size = sum(p.stat().st_size for p in gen.rglob("*") if p.is_file())
    n = store.read_manifest(gen)["articles"]
    print("## Speed (python -m search build, JSONL)")
    print(done.stdout.strip().splitlines()[-1])
    print(f"articles: {n}; wall {wall:.2f}s; {n / wall:.0f} articles/s; peak RSS {peak:.0f} MiB; "
          f"index {size / 2**20:.1f} MiB")
    return wall


def incremental(path: Path, work: Path, rebuild: float) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    base, extra = lines[:-100], lines[-100:]
    (work / "base.jsonl").write_text("".join(base), encoding="utf-8")
    (work / "new.jsonl").write_text("".join(extra), encoding="utf-8")
    t = time.perf_counter()
    build(ingest.load([work / "base.jsonl"], field_map=MAP), work / "inc")
    base_build = time.perf_counter() - t
    t = time.perf_counter()
    rep = updater.add(ingest.load([work / "new.jsonl"], field_map=MAP), work / "inc")
    add100 = time.perf_counter() - t
    gen = store.current_generation(work / "inc")
    before = sorted((p.name, p.stat().st_mtime_ns) for p in gen.iterdir())
    t = time.perf_counter()
    again = updater.add(ingest.load([path], field_map=MAP), work / "inc")
    readd = time.perf_counter() - t
    after = sorted((p.name, p.stat().st_mtime_ns) for p in gen.iterdir())
    prints = gen / "fingerprints.json"  # the same re-add as an index built before fingerprints
    prints.rename(work / "prints.json")
    t = time.perf_counter()
    slow = updater.add(ingest.load([path], field_map=MAP), work / "inc")
    readd_slow = time.perf_counter() - t
    (work / "prints.json").rename(prints)
    print("## Incremental")
    print(f"build of {len(base)} articles: {base_build:.2f}s; full rebuild of {len(lines)}: {rebuild:.2f}s")
    print(f"add 100 new: {add100:.2f}s ({rep.count('added')} added) = {add100 / rebuild:.3f} of a rebuild")
    print(f"re-add all {len(lines)} unchanged: {readd:.2f}s = {readd / rebuild:.3f} of a rebuild; "
          f"{again.count('unchanged')} unchanged, {again.count('added') + again.count('updated')} written; "
          f"index files untouched: {before == after}; committed: {again.committed}; "
          f"{again.fingerprinted} known by input fingerprint, {again.cleaned} cleaned")
    print(f"  the same without fingerprints (cleaning and hashing every article): {readd_slow:.2f}s "
          f"= {readd_slow / rebuild:.3f} of a rebuild; {slow.count('unchanged')} unchanged, "
          f"{slow.cleaned} cleaned; committed: {slow.committed}; same outcomes: "
          f"{[o.as_dict() for o in slow.outcomes] == [o.as_dict() for o in again.outcomes]}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    args = ap.parse_args()
    arts = load(args.corpus, MAP)
    cleaning(arts)
    print()
    work = Path(tempfile.mkdtemp(prefix="kliping-bench-"))
    try:
        outlets(args.corpus, work)
        print()
        rebuild = speed(args.corpus, work)
        print()
        incremental(args.corpus, work, rebuild)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
