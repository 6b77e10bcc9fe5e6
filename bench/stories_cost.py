"""What echoes' judge, story clusters and quotes cost at build time, as a share of the build.

    .venv/bin/python bench/stories_cost.py [--sizes indosum,100k] [--reps 3] [--write BENCHMARKS.md]

For each corpus (IndoSum, and a 100k-article corpus re-dealt from it by bench/redeal.py into
bench/work/), in one run and one process: the articles are read and cleaned once; a build of
them (search.engine.whoosh.build, the one `python -m search build` runs) is timed, wall clock and
CPU of this process and its forked children; then each step of issue 17 is timed again on its
own, in CPU seconds (it runs inside the build, partly in the forked child beside the commit):

- quotes and features: search.stories.storybook.StoryTable.collect over every article (quote
  extraction, speakers, paragraph features for the judge);
- echo signatures: search.stories.signature over every paragraph, given the indexer's term sets
  (what seeing a compound as one word adds to the echoes' collect);
- judge: search.stories.echoes.EchoTable.echoes with search.stories.formulaic's judge, less the
  same without it;
- quote links: QuoteIndex.join; clusters: search.stories.clusters.cluster; quote book: the
  readers' records.
The share is their sum over the build's CPU. IndoSum is repeated (--reps) and medians are shown;
the machine is shared, so the 1-minute load average is printed with the figures.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from search.engine.whoosh.build import build
from search.ingest import load
from search.models import Article
from search.stories import echoes
from search.stories.clusters import cluster
from search.stories.signature import signature
from search.stories.storybook import StoryTable
from search.text.analysis import analyzer, join_paragraphs

INDOSUM = HERE.parent.parent / "shared" / "corpora" / "indosum" / "articles.jsonl"
MAP = {"outlet": "source", "url": "source_url", "date": "date_from_id_timestamp", "tags": "category"}
BEGIN, END = "<!-- stories_cost -->", "<!-- /stories_cost -->"
STEPS = ("quotes and features", "echo signatures", "judge", "quote links", "clusters", "quote book")


def corpus(size: str) -> Path:
    if size == "indosum":
        return INDOSUM
    n = int(float(size.rstrip("k")) * 1000)
    path = HERE / "work" / f"redeal-{size}.jsonl"
    if not path.exists():
        import subprocess
        subprocess.run([sys.executable, str(HERE / "redeal.py"), "--n", str(n), "--out", str(path)], check=True)
    return path


def cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def timed_build(arts: list[Article]) -> tuple[float, float]:
    root = Path(tempfile.mkdtemp(prefix="kliping-cost-"))
    try:
        w, c = time.perf_counter(), cpu()
        build(arts, root)
        return time.perf_counter() - w, cpu() - c
    finally:
        shutil.rmtree(root, ignore_errors=True)


def steps(arts: list[Article]) -> tuple[dict[str, float], dict]:
    an = analyzer()
    out: dict[str, float] = {}
    c = time.process_time()
    table = StoryTable()
    for a in arts:
        table.collect(a, an)
    out["quotes and features"] = time.process_time() - c
    spent = 0.0
    for a in arts:  # article by article: the term sets of a large corpus do not fit in memory
        sets = an.paragraph_stems(join_paragraphs(a.paragraphs), count=len(a.paragraphs))
        c = time.process_time()
        for text, terms in zip(a.paragraphs, sets):
            signature(an, text, terms)
        spent += time.process_time() - c
    out["echo signatures"] = spent
    echo_table = echoes.EchoTable.build(arts, an)
    c = time.process_time()
    raw = echo_table.echoes()
    plain = time.process_time() - c
    c = time.process_time()
    found = echo_table.echoes(table.judge)
    out["judge"] = max(0.0, time.process_time() - c - plain)
    c = time.process_time()
    table.quotes.join()
    out["quote links"] = time.process_time() - c
    c = time.process_time()
    stories = cluster(table.meta, found, table.titles)
    out["clusters"] = time.process_time() - c
    c = time.process_time()
    q = table.quotes
    aliases = q.aliases()
    records = [q.record(nodes, table.meta.get, aliases) for nodes in q.groups()]
    out["quote book"] = time.process_time() - c
    links = lambda e: sum(len(lst) for p in e.values() for lst in p.values()) // 2  # noqa: E731
    counts = {"echo links before the judge": links(raw), "echo links kept": links(found),
              "stories of 2+ articles": len({s.id for s in stories.values() if s.size > 1}),
              "quotes": len(table.quotes.units),
              "quotes appearing in 2+ articles": sum(1 for r in records
                                                     if len({o.article for o in r.occurrences}) > 1)}
    return out, counts


def measure(size: str, reps: int) -> dict:
    path = corpus(size)
    arts = [a for a in load([path], field_map=MAP) if isinstance(a, Article)]
    runs, loads = [], []
    for _ in range(reps):
        loads.append(os.getloadavg()[0])
        wall, build_cpu = timed_build(arts)
        step, counts = steps(arts)
        runs.append((wall, build_cpu, step))
    med = lambda xs: statistics.median(xs)  # noqa: E731
    step = {k: med([r[2][k] for r in runs]) for k in STEPS}
    return {"size": size, "articles": len(arts), "reps": reps, "wall": med([r[0] for r in runs]),
            "cpu": med([r[1] for r in runs]), "steps": step, "counts": counts,
            "load": (min(loads), max(loads))}


def section(results: list[dict], commit: str) -> str:
    lines = [BEGIN, "## Stories: echo judge, clusters and quotes (issue 17)", "",
             f"`bench/stories_cost.py` at {commit}: a build of each corpus (wall and CPU, forked children "
             "included), then each step of issue 17 on its own in CPU seconds; medians of the runs shown.",
             "", "| corpus | articles | runs | build wall s | build CPU s | " + " | ".join(STEPS)
             + " | stories total | share of build CPU |",
             "|---|---|---|---|---|" + "---|" * len(STEPS) + "---|---|"]
    for r in results:
        total = sum(r["steps"].values())
        lines.append(f"| {r['size']} | {r['articles']:,} | {r['reps']} | {r['wall']:.1f} | {r['cpu']:.1f} | "
                     + " | ".join(f"{r['steps'][k]:.2f}" for k in STEPS)
                     + f" | {total:.1f} | {100 * total / r['cpu']:.0f}% |")
    lines.append("")
    for r in results:
        lines.append(f"- {r['size']}: " + ", ".join(f"{k} {v:,}" for k, v in r["counts"].items())
                     + f"; load average {r['load'][0]:.1f} to {r['load'][1]:.1f}.")
    if any(r["size"] != "indosum" for r in results):
        lines += ["", "The 100k corpus re-deals IndoSum's paragraphs within each outlet (bench/redeal.py), so each "
                  "paragraph, and each quote, appears about 29 times: copies of one quote are one node of the "
                  "quote join (search.stories.quotebook), which keeps that case linear."]
    lines.append(END)
    return "\n".join(lines)


def write(path: Path, text: str) -> None:
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if BEGIN in old and END in old:
        new = old[:old.index(BEGIN)] + text + old[old.index(END) + len(END):]
    elif "## Method" in old:
        new = old.replace("## Method", text + "\n\n## Method", 1)
    else:
        new = old.rstrip() + "\n\n" + text + "\n"
    path.write_text(new, encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="indosum,100k")
    ap.add_argument("--reps", type=int, default=3, help="runs at IndoSum (one at larger sizes)")
    ap.add_argument("--write", type=Path)
    args = ap.parse_args(argv)
    import subprocess
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=HERE.parent).stdout.strip() or "?"
    results = []
    for size in args.sizes.split(","):
        r = measure(size, args.reps if size == "indosum" else 1)
        results.append(r)
        total = sum(r["steps"].values())
        print(f"{size}: {r['articles']} articles, build {r['wall']:.1f} s wall, {r['cpu']:.1f} s CPU; "
              + ", ".join(f"{k} {v:.2f} s" for k, v in r["steps"].items())
              + f"; stories {total:.1f} s = {100 * total / r['cpu']:.0f}% of the build CPU; {r['counts']}",
              flush=True)
        if args.write:  # after each corpus: a long run stopped later keeps what it measured
            write(args.write, section(results, commit))
    print(section(results, commit))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
