"""The living-archive measurements of bench/run.py (issue 13): adds into a built index, 30
successive adds, and cold search latency after them against the fresh build, in one run.

- `adds`: `python -m search add` of 100 and of 1,000 new articles (re-dealt with another seed,
  ids of their own), each into a fresh copy of the built index; wall time, CPU and the peak
  memory of the process tree (bench/proctree.py). The marginal cost of an article is
  (t(1,000) - t(100)) / 900: what one more article of a batch costs, without the fixed part
  (opening the index, reading the echo store's header, writing the commit).
- `successive`: 30 adds of 100 new articles one after another into one copy: each add's time
  and the index's segment count after it (the merge policy, search.engine.whoosh.merging).
- `cold_pair`: cold /api/search latency of the fresh build and of the index after the 30 adds,
  measured side by side: both servers are started afresh `restarts` times, and each time every
  request of bench/queries.txt goes once to each (order alternating); a request's first arrival
  at a fresh server is its cold time. p95 and p99 over all those samples, and their ratio.
"""
from __future__ import annotations

import json
import shutil
import statistics
import sys
from pathlib import Path

import proctree
import redeal
from measuring import pct

HERE = Path(__file__).resolve().parent


def batch(work: Path, n: int, tag: str) -> Path:
    """`n` new articles, ids `<ts>-<tag>-<i>` (never in a re-deal of the benchmark corpora)."""
    return redeal.ensure(n, work / f"{tag}-{n}.jsonl", seed=redeal.SEED + 1, id_tag=tag)


def split(path: Path, parts: int, work: Path) -> list[Path]:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    size = len(lines) // parts
    out = []
    for i in range(parts):
        p = work / f"{path.stem}-part{i:02d}.jsonl"
        p.write_text("".join(lines[i * size:(i + 1) * size]), encoding="utf-8")
        out.append(p)
    return out


def add_cmd(index: Path, source: Path, field_map: str) -> list[str]:
    return [sys.executable, "-m", "search", "add", str(source), "--map", field_map, "--index", str(index)]


def segments(index: Path) -> int:
    gen = index / (index / "CURRENT").read_text().strip()
    return len(list(gen.glob("*.seg")))


def adds(repo: Path, index: Path, work: Path, field_map: str, env: dict, log) -> dict:
    out = {}
    for n in (100, 1000):
        src = batch(work, n, "add")
        copy = work / f"add{n}-copy"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(index, copy, symlinks=True)
        r = proctree.measure(add_cmd(copy, src, field_map), cwd=repo, env=env)
        shutil.rmtree(copy, ignore_errors=True)
        if r["rc"] != 0:
            return {"error": (r["stderr"] or r["stdout"]).strip().splitlines()[-1:]}
        out[str(n)] = {k: r[k] for k in ("seconds", "cpu_s", "peak_tree_pss_mb")}
        log(f"add {n}: {r['seconds']:.1f} s, {r['peak_tree_pss_mb']:.0f} MB")
    out["marginal_ms"] = (out["1000"]["seconds"] - out["100"]["seconds"]) / 900 * 1000
    return out


def successive(repo: Path, index: Path, work: Path, field_map: str, env: dict, log, times: int = 30,
               size: int = 100) -> tuple[dict, Path]:
    """30 adds of 100 into a copy of `index`; returns the figures and the copy (for cold_pair)."""
    src = batch(work, times * size, "daily")
    parts = split(src, times, work)
    copy = work / "successive-copy"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(index, copy, symlinks=True)
    rows = []
    for i, part in enumerate(parts):
        r = proctree.measure(add_cmd(copy, part, field_map), cwd=repo, env=env)
        if r["rc"] != 0:
            raise RuntimeError(f"add {i + 1} failed: {r['stderr'][-500:]}")
        rows.append({"seconds": r["seconds"], "segments": segments(copy)})
    secs = [x["seconds"] for x in rows]
    log(f"{times} adds of {size}: median {statistics.median(secs):.1f} s, segments after: {rows[-1]['segments']}")
    return {"adds": rows, "median_s": statistics.median(secs), "max_s": max(secs),
            "segments_before": segments(index), "segments_after": rows[-1]["segments"],
            "most_segments": max(x["segments"] for x in rows)}, copy


def cold_pair(repo: Path, indexes: dict[str, Path], queries: list, start_server, fetch, path_of, log,
              restarts: int = 3) -> dict:
    """Cold latency of each index, side by side (see the module docstring)."""
    samples: dict[str, list[float]] = {name: [] for name in indexes}
    per_query: dict[str, dict[str, list[float]]] = {name: {} for name in indexes}
    for r in range(restarts):
        servers = {name: start_server(name, idx) for name, idx in indexes.items()}
        try:
            names = list(indexes)
            for s in servers.values():  # the first request opens the index: not counted
                fetch(s.port, "/api/search?q=")
            for qi, pairs in enumerate(queries):
                order = names if (qi + r) % 2 == 0 else names[::-1]
                for name in order:
                    status, _, secs = fetch(servers[name].port, path_of(pairs))
                    if status != 200:
                        raise RuntimeError(f"{name}: {pairs} -> {status}")
                    samples[name].append(secs * 1000)
                    per_query[name].setdefault("&".join(f"{k}={v}" for k, v in pairs), []).append(secs * 1000)
        finally:
            for s in servers.values():
                s.stop()
        log(f"cold pair, restart {r + 1}/{restarts} done")
    out = {name: {"p50": statistics.median(xs), "p95": pct(xs, 95), "p99": pct(xs, 99), "n": len(xs),
                  "per_query": {q: statistics.median(v) for q, v in per_query[name].items()}}
           for name, xs in samples.items()}
    return out


def index_size(index: Path) -> float:
    return sum(f.stat().st_size for f in index.rglob("*") if f.is_file()) / 1e6


def main() -> int:  # a quick stand-alone check: python bench/living.py INDEX
    index = Path(sys.argv[1])
    work = HERE / "work"
    r = adds(Path.cwd(), index, work, "outlet=source,url=source_url,date=date_from_id_timestamp,tags=category",
             None, lambda *a: print(*a, file=sys.stderr))
    print(json.dumps(r, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
