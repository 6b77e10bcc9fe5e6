"""How bench/run.py measures: its log line, nearest-rank percentiles and their summary, sizes on
disk, a command's wall time and peak RSS (`run_measured`, also bench/pg_parts.py's) and a
process's RSS (`rss_mb`, bench/pg_bench.py's); and, for one size, the summary of a system's
builds, `add` of 100 articles into a copy of the built index, and the A/B of the Whoosh
internals (bench/ab_whoosh.py, whose results go to bench/out/, OUT).
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import proctree
from corpora import MAP, WORK, add_batch

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"


def log(*a) -> None:
    print(f"[{time.strftime('%H:%M:%S')}]", *a, file=sys.stderr, flush=True)


def pct(xs: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    s = sorted(xs)
    if not s:
        return float("nan")
    k = max(0, min(len(s) - 1, int(-(-p * len(s) // 100)) - 1))
    return s[k]


def summary(xs: list[float]) -> dict:
    if not xs:
        return {}
    return {"n": len(xs), "p50": statistics.median(xs), "p95": pct(xs, 95), "p99": pct(xs, 99),
            "min": min(xs), "max": max(xs)}


def dir_size(p: Path) -> int:
    if p.is_file():
        return p.stat().st_size
    return sum(f.stat().st_size for f in p.rglob("*") if f.is_file())


def run_measured(cmd: list[str], cwd: Path, env: dict | None = None) -> dict:
    """Run a command; its wall time, peak RSS (this child and its children) and exit status."""
    started = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # Drain pipes in threads so a chatty child never blocks; wait4 gives this child's own rusage.
    import threading
    bufs = {"out": b"", "err": b""}

    def drain(name, stream):
        bufs[name] = stream.read()

    ts = [threading.Thread(target=drain, args=("out", p.stdout)), threading.Thread(target=drain, args=("err", p.stderr))]
    for t in ts:
        t.start()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - started
    for t in ts:
        t.join()
    p.returncode = os.waitstatus_to_exitcode(status)
    return {"seconds": wall, "peak_rss_mb": ru.ru_maxrss / 1024, "rc": p.returncode,
            "stdout": bufs["out"].decode(errors="replace")[-2000:], "stderr": bufs["err"].decode(errors="replace")[-2000:]}


def rss_mb(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) of a process, in MB."""
    kb = proctree.status_kb(pid, "VmRSS", "VmHWM")
    return tuple(kb[k] / 1024 if k in kb else float("nan") for k in ("VmRSS", "VmHWM"))


def build_summary(runs: list[dict], n: int, size: int) -> dict:
    secs = [r["seconds"] for r in runs]
    med = statistics.median(secs)
    return {"seconds": med, "min": min(secs), "max": max(secs), "runs": len(runs),
            "articles_per_s": n / med if med else None,
            "peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in runs), "size_mb": size / 1e6,
            "peak_tree_pss_mb": statistics.median(r["peak_tree_pss_mb"] for r in runs),
            "peak_tree_rss_mb": statistics.median(r["peak_tree_rss_mb"] for r in runs),
            "cpu_s": statistics.median(r["cpu_s"] for r in runs),
            "load_before": [round(r.get("load", 0), 1) for r in runs]}


def add_available(repo: Path) -> bool:
    r = subprocess.run([sys.executable, "-m", "search", "add", "--help"], cwd=repo, capture_output=True)
    return r.returncode == 0


def measure_add(name: str, repo: Path, idx: Path, label: str, env: dict) -> dict:
    if not add_available(repo):
        return {"available": False, "note": "`python -m search add` is not available in this checkout"}
    batch = add_batch(label)
    # Work on a copy so the built index stays as built (and --reuse stays honest).
    copy = WORK / f"add-{name}-{label}"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(idx, copy, symlinks=True)
    cmd = [sys.executable, "-m", "search", "add", str(batch), "--map", MAP, "--index", str(copy)]
    r = run_measured(cmd, repo, env)
    out = {"available": True, "seconds": r["seconds"], "peak_rss_mb": r["peak_rss_mb"], "rc": r["rc"]}
    if r["rc"] != 0:
        out["error"] = (r["stderr"] or r["stdout"]).strip().splitlines()[-1:] or ["failed"]
    shutil.rmtree(copy, ignore_errors=True)
    return out


def measure_ab(repo: Path, args) -> dict:
    """bench/ab_whoosh.py against the checkout `repo`, in its own process: its results, or
    {"error": ...} when it fails (say, a checkout from before search/engine/whoosh/compat.py)."""
    out = OUT / "ab_whoosh.json"
    out.unlink(missing_ok=True)
    reps = args.ab_reps or (2 if args.quick else 5)
    cmd = [sys.executable, str(HERE / "ab_whoosh.py"), "--repo", str(repo), "--sizes", args.ab_sizes,
           "--reps", str(reps), "--work", str(WORK / "ab"), "--json", str(out)]
    log(f"A/B of the Whoosh internals: {' '.join(cmd[1:])}")
    env = dict(os.environ, PYTHONPATH=str(repo))
    env.pop("KLIPING_WHOOSH_PUBLIC", None)
    p = subprocess.run(cmd, cwd=repo, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    shutil.rmtree(WORK / "ab", ignore_errors=True)
    if p.returncode != 0 or not out.exists():
        lines = (p.stderr or "").strip().splitlines()
        return {"error": lines[-1] if lines else f"exit status {p.returncode}"}
    return json.loads(out.read_text(encoding="utf-8"))
