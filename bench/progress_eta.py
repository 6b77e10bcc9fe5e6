"""How honest the build's progress line is: run real builds as `python -m search build` runs
them (search.cli_ingest.build_sources, with search.indexing.progress.BUILD), record every progress
line's ETA, and compare it with the time the build really had left.

    .venv/bin/python bench/progress_eta.py [--sizes 3.5k,35k] [--every 0.5]

Prints, per corpus: each phase's share of the build and its time over the indexing phase's (the
`prior`s progress.BUILD assumes before a phase starts), how long the old byte-count bar would
have sat at 100% "ETA 0s", and for the ETAs shown in each phase the median and 90th-percentile
error against the real time left (positive: the line promised more time than was needed),
how often the line said the time left was unknown, and how often it said "nearly done" (or
100%) with more than 2 s to go. 35k is IndoSum re-dealt (bench/redeal.py, written to
bench/work/ when missing). The machine is shared: read the ratios, not the seconds.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from search.cli_ingest import build_sources
from search.engine import open_engine
from search.indexing.progress import BUILD, Progress

INDOSUM = HERE.parent.parent / "shared" / "corpora" / "indosum" / "articles.jsonl"
MAP = {"outlet": "source", "url": "source_url", "date": "date_from_id_timestamp", "tags": "category"}
SIZES = {"3.5k": None, "35k": 34630}


def corpus(size: str) -> Path:
    n = SIZES[size]
    if n is None:
        return INDOSUM
    out = HERE / "work" / f"redeal-{size}.jsonl"
    if not out.exists():
        subprocess.run([sys.executable, str(HERE / "redeal.py"), "--n", str(n), "--out", str(out)], check=True)
    return out


class Recorder(Progress):
    """The CLI's progress, drawing nothing: every snapshot and when each phase starts and ends."""

    def __init__(self, every: float):
        super().__init__(BUILD, lang="en", every=every)
        self.samples: list[dict] = []
        self.on_draw = self.samples.append

    def _draw(self, now: float) -> None:
        snap = self.snapshot(now)
        snap["line"] = self.line(snap)
        self.on_draw(snap)


def run(size: str, every: float) -> dict:
    src = corpus(size)
    with tempfile.TemporaryDirectory(prefix="kliping-eta-") as tmp:
        engine = open_engine(Path(tmp) / "index")
        rec = Recorder(every)
        t0 = time.monotonic()
        report = build_sources(engine, [str(src)], field_map=MAP, progress=rec)
        total = time.monotonic() - t0
        engine.close()
    phases = {name: (st.started - rec.started, min(st.ended, st.reached or st.ended) - rec.started)
              for name, st in rec.state.items()}
    units = {name: st.total for name, st in rec.state.items()}
    return {"size": size, "articles": report.added, "total": total, "phases": phases, "samples": rec.samples,
            "concurrent": rec.concurrent, "units": units, "join_pace": join_pace(rec)}


def join_pace(rec: Recorder) -> float | None:
    """The echo join's pace once the commit has ended over its pace beside it (groups a second,
    from its first reported group; progress.ALONE_SPEEDUP)."""
    seen, commit_end = rec.state["echoes"].seen, rec.state["commit"].ended
    beside = [(t, d) for t, d in seen if d > 0 and t <= commit_end]
    alone = [(t, d) for t, d in seen if t >= commit_end]
    if len(beside) < 2 or len(alone) < 2:
        return None
    pace = lambda pts: (pts[-1][1] - pts[0][1]) / max(pts[-1][0] - pts[0][0], 1e-9)  # noqa: E731
    return pace(alone) / pace(beside) if pace(beside) else None


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def summarize(r: dict) -> None:
    total, ph = r["total"], r["phases"]
    index_time = ph["index"][1] - ph["index"][0]
    print(f"\n## {r['size']}: {r['articles']} articles, build {total:.1f} s "
          f"(commit and echoes side by side: {r['concurrent']})")
    units = r["units"]
    print("phase      starts   ends   share  time / indexing       units  cost of a unit / an indexing byte's")
    for name, (a, b) in ph.items():
        cost = ((b - a) / units[name]) / (index_time / units["index"]) if units.get(name) else float("nan")
        print(f"{name:9} {a:7.1f} {b:7.1f} {100 * (b - a) / total:6.1f}%  {(b - a) / index_time:6.2f}  "
              f"{units.get(name) or 0:14,.0f}  {cost:6.2f}")
    print("(a phase ends when its last unit was reported: a join beside the commit may end before the build waits)")
    if r["join_pace"]:
        print(f"the echo join went {r['join_pace']:.2f}x as fast once the commit had ended (ALONE_SPEEDUP)")
    after_index = total - ph["index"][1]
    print(f"the old bar (bytes read) sat at 100% 'ETA 0s' for the last {after_index:.1f} s, "
          f"{100 * after_index / total:.0f}% of the build")
    groups = {"index": [], "finish": [], "publish": []}
    for s in r["samples"]:
        names = [n for n, _ in s["running"]]
        group = "index" if "index" in names else "publish" if names == ["publish"] else "finish"
        groups[group].append(s)
    print("ETAs shown while  lines  unknown  median error  median |error|  p90 |error|  'nearly done' with >2 s left")
    for group, samples in groups.items():
        if not samples:
            continue
        known = [s for s in samples if s["eta"] is not None]
        errors = [s["eta"] - (total - s["elapsed"]) for s in known]
        rel = [abs(e) / max(1.0, total - s["elapsed"]) for e, s in zip(errors, known)]
        soon = sum(1 for s in samples if s["eta"] is not None and s["eta"] < 1 and total - s["elapsed"] > 2)
        print(f"{group:16} {len(samples):6} {len(samples) - len(known):8}  "
              f"{statistics.median(errors) if errors else float('nan'):+8.1f} s   "
              f"{pct([abs(e) for e in errors], 0.5):6.1f} s ({100 * pct(rel, 0.5):.0f}% of the time left)  "
              f"{pct([abs(e) for e in errors], 0.9):6.1f} s ({100 * pct(rel, 0.9):.0f}%)  {soon}")
    print("the ETA along the build (elapsed, shown, really left):")
    step = max(1, len(r["samples"]) // 12)
    print("   " + "  ".join(f"{s['elapsed']:.0f}s:{'?' if s['eta'] is None else f'{s[chr(101) + chr(116) + chr(97)]:.0f}'}"
                            f"/{total - s['elapsed']:.0f}" for s in r["samples"][::step]))
    print("a line from each phase:")
    seen = set()
    for s in r["samples"]:
        key = tuple(n for n, _ in s["running"])
        if key not in seen:
            seen.add(key)
            print("   ", s["line"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="3.5k", help="comma-separated: 3.5k, 35k")
    ap.add_argument("--every", type=float, default=0.5, help="seconds between recorded lines")
    args = ap.parse_args()
    for size in args.sizes.split(","):
        summarize(run(size.strip(), args.every))


if __name__ == "__main__":
    main()
