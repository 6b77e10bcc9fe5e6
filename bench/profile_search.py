"""cProfile of Archive.search (plus the JSON view, as /api/search does) over bench/queries.txt.

    python bench/profile_search.py --index bench/work/index-kliping-35k [--repo .] [--rounds 5] [--top 25]
    python bench/profile_search.py --index bench/work/index-kliping-3.5k --first   # a fresh server's cold pass

The index is opened and every request run once before profiling (warm, like a running server);
then every request runs --rounds times under cProfile, with Archive's response and match caches
cleared before each request unless --cached. Prints the wall time per request
(median, min–max) and the top functions by own time and by cumulative time. --sort picks one.

--first profiles what the benchmark calls cold instead: in this fresh process, the first request
opens the index (not profiled), then every other request arrives once, as at a freshly started
server: the process-wide helpers (stems, compound splits, highlight marks, fingerprints) start
empty too, which clearing the archive's caches between rounds does not reproduce.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def read_queries(path: Path) -> list[dict[str, list[str]]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        args: dict[str, list[str]] = {}
        for part in line.split("&"):
            k, _, v = part.partition("=")
            args.setdefault(k.strip(), []).append(v.strip())
        out.append(args)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", required=True, type=Path)
    ap.add_argument("--repo", type=Path, default=HERE.parent, help="the Kliping checkout to import (default: this one)")
    ap.add_argument("--queries", type=Path, default=HERE / "queries.txt")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--sort", choices=("tottime", "cumulative", "both"), default="both")
    ap.add_argument("--cached", action="store_true",
                    help="keep Archive's per-generation response/match caches (default: clear them before "
                         "every request, so the profile shows the real search work, not cache hits)")
    ap.add_argument("--no-json", action="store_true", help="profile Archive.search alone, without search_json")
    ap.add_argument("--first", action="store_true",
                    help="profile one first-arrival pass in this fresh process (the benchmark's cold requests)")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(args.repo.resolve()))

    from search.present.jsonview import search_json
    from search.query.archive import Archive
    from search.query.params import SearchRequest

    archive = Archive(args.index)
    reqs = [SearchRequest.from_args(q) for q in read_queries(args.queries)]

    def clear():
        """Forget what a request leaves behind for a repeat of it: the archive's responses and
        the reader's match sets, expanded patterns and clause scores (what a server has not
        got the first time a request arrives; word-level caches stay, as they do there)."""
        st = getattr(archive, "_state", None)
        for name in ("responses", "matches"):  # older checkouts: per-generation caches in _state
            cache = getattr(st, name, None)
            if hasattr(cache, "clear"):
                cache.clear()
        if getattr(archive, "_responses", None) is not None:
            archive._responses[1].clear()
        reader = archive.engine.reader() if hasattr(archive, "engine") else None
        for owner, names in ((reader, ("_matches", "_expanded")),
                             (getattr(reader, "scorer", None), ("_cache", "_tf"))):
            for name in names:
                cache = getattr(owner, name, None)
                if hasattr(cache, "clear"):
                    cache.clear()

    def one(req):
        if not args.cached:
            clear()
        resp = archive.search(req)
        if not args.no_json:
            search_json(resp, "http://127.0.0.1/")
        return resp

    if args.first:
        return first_pass(reqs, one, args)
    t0 = time.perf_counter()
    for req in reqs:  # open the index, warm the caches
        one(req)
    print(f"warm-up pass (includes opening the index): {(time.perf_counter() - t0) * 1000:.0f} ms for {len(reqs)} requests")
    # Wall time without the profiler, so its overhead does not distort the per-request figure.
    walls = []
    for _ in range(args.rounds):
        for req in reqs:
            t = time.perf_counter()
            one(req)
            walls.append((time.perf_counter() - t) * 1000)
    walls.sort()
    print(f"unprofiled: {len(walls)} requests, p50 {statistics.median(walls):.1f} ms "
          f"(min {walls[0]:.1f}, p95 {walls[int(0.95 * (len(walls) - 1))]:.1f}, max {walls[-1]:.1f})")
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(args.rounds):
        for req in reqs:
            one(req)
    prof.disable()
    report(prof, len(reqs) * args.rounds, args)
    return 0


def first_pass(reqs, one, args) -> int:
    """--first: the first request opens the index; each other request is profiled on its first
    arrival, once (CPU time per request from the process clock, which this shared machine's
    load disturbs less than wall time)."""
    t0 = time.perf_counter()
    one(reqs[0])
    print(f"first request (opens the index): {(time.perf_counter() - t0) * 1000:.0f} ms")
    prof, cpu = cProfile.Profile(), []
    for req in reqs[1:]:
        t = time.process_time()
        prof.enable()
        one(req)
        prof.disable()
        cpu.append((time.process_time() - t) * 1000)
    cpu.sort()
    print(f"profiled first arrivals: {len(cpu)} requests, CPU p50 {statistics.median(cpu):.1f} ms "
          f"(p95 {cpu[int(0.95 * (len(cpu) - 1))]:.1f}, total {sum(cpu):.0f}; with the profiler's overhead)")
    report(prof, len(cpu), args)
    return 0


def report(prof, n: int, args) -> None:
    for key in (("tottime", "cumulative") if args.sort == "both" else (args.sort,)):
        buf = io.StringIO()
        st = pstats.Stats(prof, stream=buf).strip_dirs().sort_stats(key)
        st.print_stats(args.top)
        text = buf.getvalue()
        start = text.find("   ncalls")
        print(f"\n== top {args.top} by {key} ({n} requests; divide by that for per-request)")
        print(text[start:].rstrip())


if __name__ == "__main__":
    sys.exit(main())
