"""Kliping's benchmark harness: builds, `add`, HTTP latency, article pages, memory, side by side with
a SQLite FTS5 reference (bench/fts5_ref.py) and Datasette, all measured in one run.

    make bench                                   # full run -> BENCHMARKS.md + bench/scaling.svg
    python bench/run.py --sizes 3.5k --quick     # fast subset -> bench/out/BENCHMARKS-quick.md
    python bench/run.py --only kliping --sizes 3.5k \\
        --kliping before=../main-before --kliping after=.   # two Kliping checkouts, one run
    python bench/run.py --only kliping --sizes 35k --reuse  # reuse indexes already in bench/work/
    python bench/run.py --skip-ab                # without the Whoosh internals A/B (bench/ab_whoosh.py)

Sizes: seeds, 3.5k (IndoSum), 35k (bench/redeal.py, 34,630), 100k, or any Nk; default from
$BENCH_SIZES or "seeds,3.5k,35k". Corpora and indexes go to bench/work/ (git-ignored).

Latency is measured from this process over HTTP against servers started as subprocesses on
127.0.0.1 (`make serve`'s gunicorn line with one worker for Kliping, and the same line for the
FTS5 reference's app; Datasette's own uvicorn server). Requests are interleaved: every round sends each query to each
server in turn (the server order rotates every round), so drift on this noisy machine hits every
system alike. "Cold" is the first time each query reaches a freshly started server (its first
request also opens the index and is reported on its own); "warm" is every later round.
No figure from an earlier run is ever compared with one from this run.

After the sizes, bench/ab_whoosh.py measures the measured checkout's fast path over Whoosh's
internals against Whoosh's public path (--ab-sizes, default 3.5k), in a subprocess; its section
goes into the report between `<!-- ab_whoosh -->` markers. --skip-ab leaves it out.
"""
# This file keeps the command line and what is measured at each size, in which order; the rest is
# in modules beside it: corpora.py (the corpora, bench/work/), servers.py (the servers started and
# the requests sent), measuring.py (statistics, builds, `add`, the A/B, bench/out/) and
# provenance.py (the machine, git revisions, the export of --at).
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))  # `search` is put on the path in main(), from the checkout measured

import living
import proctree
import redeal
from corpora import INDOSUM, MAP, WORK, corpus
from measuring import OUT, build_summary, dir_size, log, measure_ab, measure_add, summary
from provenance import export, git_rev, machine
from servers import (
    FTS5_SERVER,
    KLIPING_SERVER,
    VENV_BIN,
    Server,
    datasette_path,
    fetch,
    kliping_path,
    label_of,
    read_queries,
    total_of,
)

BARE = "fts5-bare"  # the bare FTS5 build (fts5_ref.py build --bare): build ratios of issue 13


# ------------------------------------------------------------------------------------- one size
def measure_size(label: str, args, klipings: list[tuple[str, Path, Path | None]]) -> dict:
    res: dict = {"label": label, "builds": {}, "latency": {}, "cold": {}, "first_request": {},
                 "articles": {}, "rss": {}, "add": {}, "totals": {}}
    main_repo = klipings[0][1]
    c = corpus(label, main_repo)
    res["articles_n"] = c.articles
    log(f"== {label}: {c.articles} articles from {c.sources[0]}")
    env = dict(os.environ)
    env.pop("KLIPING_INDEX", None)
    small = c.articles < 10_000
    reps = args.build_reps if args.build_reps else (1 if args.quick or not small else 3)
    index_dirs = {}

    # -- builds: interleaved (Kliping, FTS5, Kliping, FTS5, ...) so load from other work on this
    # machine falls on both; the 1-minute load average before each build is recorded.
    jobs = []
    for name, repo, given in klipings:
        idx = given or WORK / f"index-{name}-{label}"
        index_dirs[name] = idx
        if args.reuse and (idx / "CURRENT").exists():
            res["builds"][name] = {"reused": True, "size_mb": dir_size(idx) / 1e6}
            log(f"{name}: reusing {idx}")
            continue
        cmd = [sys.executable, "-m", "search", "build", *c.sources, "--index", str(idx)]
        if c.field_map:
            cmd += ["--map", c.field_map]
        jobs.append((name, idx, cmd, repo, env))
    if not args.only_kliping:
        db = WORK / f"fts5-{label}.sqlite"
        index_dirs["fts5"] = db
        if args.reuse and db.exists():
            res["builds"]["fts5"] = {"reused": True, "size_mb": dir_size(db) / 1e6}
        else:
            cmd = [sys.executable, str(HERE / "fts5_ref.py"), "build", *c.sources, "--db", str(db)]
            if c.field_map:
                cmd += ["--map", c.field_map]
            jobs.append(("fts5", db, cmd, main_repo, dict(env, PYTHONPATH=str(main_repo))))
        if c.sources[0].endswith(".jsonl"):  # the bare reference reads JSONL only
            bare = WORK / f"fts5bare-{label}.sqlite"
            cmd = [sys.executable, str(HERE / "fts5_ref.py"), "build", "--bare", *c.sources, "--db", str(bare)]
            jobs.append((BARE, bare, cmd, main_repo, dict(env, PYTHONPATH=str(main_repo))))
    runs: dict[str, list] = {j[0]: [] for j in jobs}
    for i in range(reps):
        for name, idx, cmd, cwd, e in jobs:
            if name != "fts5":
                shutil.rmtree(idx, ignore_errors=True)
            load = os.getloadavg()[0]
            r = proctree.measure(cmd, cwd, e)
            if r["rc"] != 0:
                raise RuntimeError(f"{name} build failed: {r['stderr']}")
            r["load"] = load
            log(f"{name} build {i + 1}/{reps}: {r['seconds']:.1f} s, {r['cpu_s']:.0f} s CPU, "
                f"{r['peak_tree_pss_mb']:.0f} MB tree PSS (load before: {load:.1f})")
            runs[name].append(r)
    for name, idx, *_ in jobs:
        res["builds"][name] = build_summary(runs[name], c.articles, dir_size(idx))

    # -- servers
    servers: list[Server] = []
    try:
        for name, repo, _ in klipings:
            s = Server(name, "kliping", kliping_path)
            e = dict(env, KLIPING_INDEX=str(index_dirs[name]), PYTHONPATH=str(repo))
            s.start(KLIPING_SERVER, repo, e)
            servers.append(s)
        if not args.only_kliping:
            s = Server("fts5", "fts5", kliping_path)
            s.start(FTS5_SERVER, main_repo, dict(env, PYTHONPATH=str(main_repo), KLIPING_REF_DB=str(index_dirs["fts5"])))
            servers.append(s)
            s = Server("datasette", "datasette", datasette_path, ready_path="/-/versions.json")
            link = WORK / f"kliping-{label}"  # Datasette names the database after the file: /kliping/
            link.mkdir(exist_ok=True)
            dbl = link / "kliping.db"
            dbl.unlink(missing_ok=True)
            os.link(index_dirs["fts5"], dbl)
            s.start([str(VENV_BIN / "datasette"), "serve", "-i", str(dbl), "--host", "127.0.0.1", "--port", "{port}",
                     "--setting", "suggest_facets", "off", "--setting", "sql_time_limit_ms", "20000",
                     "--setting", "facet_time_limit_ms", "20000", "--setting", "num_sql_threads", "1"],
                    main_repo, env)
            servers.append(s)
        for s in servers:
            # A server's memory: its processes' summed PSS (gunicorn's master, which loaded the app,
            # and its worker, which shares those pages and serves every request).
            res["rss"][s.name] = {"idle_mb": proctree.tree_pss_mb(s.proc.pid)}
        peaks = {s.name: res["rss"][s.name]["idle_mb"] for s in servers}  # sampled after each round

        queries = read_queries()
        samples = {s.name: [] for s in servers}
        cold = {s.name: [] for s in servers}
        per_query = {s.name: {} for s in servers}
        rounds = (args.reps if c.articles < 500_000 else min(args.reps, 3)) + 1  # FTS5 is slow at 1M
        res["rounds"] = rounds - 1
        for rnd in range(rounds):
            order = servers[rnd % len(servers):] + servers[:rnd % len(servers)]
            for qi, pairs in enumerate(queries):
                for s in order:
                    body, ms = s.ask(pairs)
                    if rnd == 0:
                        if qi == 0:
                            res["first_request"][s.name] = ms
                        else:
                            cold[s.name].append(ms)
                        res["totals"].setdefault(label_of(pairs), {})[s.name] = total_of(s.kind, body)
                    else:
                        samples[s.name].append(ms)
                        per_query[s.name].setdefault(label_of(pairs), []).append(ms)
            for s in servers:
                peaks[s.name] = max(peaks[s.name], proctree.tree_pss_mb(s.proc.pid))
            res.setdefault("load", []).append(round(os.getloadavg()[0], 1))
            log(f"round {rnd + 1}/{rounds} done (load {os.getloadavg()[0]:.1f})")
        for s in servers:
            res["latency"][s.name] = summary(samples[s.name])
            res.setdefault("per_query", {})[s.name] = {q: statistics.median(v) for q, v in per_query[s.name].items()}

        # -- article page, article JSON and citation (Kliping only)
        rng = random.Random(7)
        ids = rng.sample(c.ids, min(30, len(c.ids))) if c.ids else []
        if not ids:  # seeds: ask the index for its ids
            _, body, _ = fetch(servers[0].port, "/api/search?per_page=30")
            ids = [r["id"] for r in json.loads(body)["results"]]
        for s in servers:
            if s.kind != "kliping":
                continue
            for kind, make in (("article_page", lambda i: f"/articles/{quote(i)}?q=indonesia"),
                               ("article_json", lambda i: f"/api/articles/{quote(i)}"),
                               ("cite", lambda i: f"/api/articles/{quote(i)}/paragraphs/1/cite")):
                xs = []
                for rnd in range(max(2, args.reps // 2 + 1)):
                    for i in ids:
                        status, body, secs = fetch(s.port, make(i))
                        if status != 200:
                            raise RuntimeError(f"{s.name} {make(i)} -> {status}")
                        if rnd:
                            xs.append(secs * 1000)
                res["articles"].setdefault(s.name, {})[kind] = summary(xs)
        for s in servers:
            now = proctree.tree_pss_mb(s.proc.pid)
            res["rss"][s.name].update({"after_mb": now, "peak_mb": max(peaks[s.name], now)})
        # More cold passes, each on freshly restarted servers (one sample per request and start is
        # noisy: one pass's p50 ratio to Datasette has ranged from 0.56 to 0.90 on this machine),
        # after the memory above was read from the servers that served every warm round.
        passes = [{s.name: list(cold[s.name]) for s in servers}]
        for extra in range(1, args.cold_passes):
            for s in servers:
                s.restart()
            order = servers[extra % len(servers):] + servers[:extra % len(servers)]
            this = {s.name: [] for s in servers}
            for qi, pairs in enumerate(queries):
                for s in order:
                    ms = s.ask(pairs)[1]
                    if qi:  # the first request opens the index
                        this[s.name].append(ms)
            for s in servers:
                cold[s.name].extend(this[s.name])
            passes.append(this)
            log(f"cold pass {extra + 1}/{args.cold_passes} done (load {os.getloadavg()[0]:.1f})")
        res["cold_passes"] = [{name: summary(xs)["p50"] for name, xs in p.items()} for p in passes]
        for s in servers:
            res["cold"][s.name] = summary(cold[s.name])
            res.setdefault("cold_per_query", {})[s.name] = {  # the median of its passes
                label_of(q): statistics.median(p[s.name][i] for p in passes) for i, q in enumerate(queries[1:])}
    finally:
        for s in servers:
            s.stop()

    # -- add 100 articles to the built index (every checkout), and the living archive (the first)
    for name, repo, _ in klipings:
        res["add"][name] = measure_add(name, repo, index_dirs[name], label, env)
    name, repo, _ = klipings[0]
    if c.sources[0].endswith(".jsonl") and not args.skip_living:
        e = dict(env, PYTHONPATH=str(repo))
        res["living"] = {"adds": living.adds(repo, index_dirs[name], WORK, MAP, e, log)}
        if label == args.successive_at:
            figures, after = living.successive(repo, index_dirs[name], WORK, MAP, e, log)

            def start(tag, idx):
                s = Server(f"{name}-{tag}", "kliping", kliping_path)
                s.start(KLIPING_SERVER,
                        repo, dict(env, KLIPING_INDEX=str(idx), PYTHONPATH=str(repo)))
                return s
            figures["cold"] = living.cold_pair(repo, {"fresh": index_dirs[name], "after": after}, read_queries(),
                                               start, fetch, kliping_path, log, restarts=args.cold_restarts)
            shutil.rmtree(after, ignore_errors=True)
            res["living"]["successive"] = figures
    return res


# ------------------------------------------------------------------------------------- main
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Kliping benchmarks", formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__)
    ap.add_argument("--sizes", default=None, help="comma list: seeds,3.5k,35k,100k (default $BENCH_SIZES or seeds,3.5k,35k)")
    ap.add_argument("--quick", action="store_true", help="3 warm rounds, one build each, output to bench/out/")
    ap.add_argument("--reps", type=int, default=None, help="warm rounds over the query list (default 10, quick 3)")
    ap.add_argument("--build-reps", type=int, default=0, help="builds per system (default 3 under 10k articles, else 1)")
    ap.add_argument("--only", choices=("kliping",), help="measure only Kliping (no FTS5 reference, no Datasette)")
    ap.add_argument("--kliping", action="append", metavar="NAME=REPO[:INDEX]",
                    help="a Kliping checkout to measure (repeatable); INDEX reuses a built index dir")
    ap.add_argument("--at", metavar="REV", help="measure a clean export of git REV (e.g. HEAD) instead of the "
                    "work tree, so edits made during the run cannot change it (make bench uses --at HEAD)")
    ap.add_argument("--reuse", action="store_true", help="reuse indexes already built in bench/work/")
    ap.add_argument("--out", type=Path, default=None, help="Markdown report (default BENCHMARKS.md; quick/only: bench/out/)")
    ap.add_argument("--no-plot", action="store_true")
    ap.add_argument("--skip-ab", action="store_true", help="leave out bench/ab_whoosh.py (the Whoosh internals A/B)")
    ap.add_argument("--ab-sizes", default="3.5k", help="corpora of the A/B (default 3.5k; e.g. 3.5k,35k)")
    ap.add_argument("--ab-reps", type=int, default=0, help="A/B builds and passes per side (default 5, quick 2)")
    ap.add_argument("--skip-living", action="store_true", help="leave out the adds of 100 and 1,000 and the 30 adds")
    ap.add_argument("--successive-at", default=None, help="corpus of the 30 successive adds and the cold "
                    "comparison (default: 100k if measured, else 35k)")
    ap.add_argument("--cold-passes", type=int, default=5, help="cold passes over the requests, each on freshly "
                    "started servers; cold percentiles pool them (default 5)")
    ap.add_argument("--cold-restarts", type=int, default=3, help="server restarts of that cold comparison")
    args = ap.parse_args(argv)
    args.only_kliping = args.only == "kliping"
    args.reps = args.reps if args.reps is not None else (3 if args.quick else 10)
    sizes = [s.strip() for s in (args.sizes or os.environ.get("BENCH_SIZES") or "seeds,3.5k,35k").split(",") if s.strip()]
    if args.successive_at is None:
        args.successive_at = "100k" if "100k" in sizes else "35k"
    klipings = []
    for spec in args.kliping or ["kliping=" + str(ROOT)]:
        name, _, rest = spec.partition("=")
        repo, _, idx = rest.partition(":")
        klipings.append((name, Path(repo).resolve(), Path(idx).resolve() if idx else None))
    if args.at:
        klipings = [(klipings[0][0], export(args.at), klipings[0][2])] + klipings[1:]
    sys.path.insert(0, str(klipings[0][1]))  # parse_query for Datasette's requests: the measured checkout's
    partial = args.quick or args.only_kliping or len(klipings) > 1
    out = args.out or (OUT / "BENCHMARKS-quick.md" if partial else ROOT / "BENCHMARKS.md")
    WORK.mkdir(parents=True, exist_ok=True)
    OUT.mkdir(parents=True, exist_ok=True)
    redeal.copy_attribution(INDOSUM, WORK)

    started = time.time()
    run = {"machine": machine(), "kliping": {n: {"repo": str(r), "rev": git_rev(r)} for n, r, _ in klipings},
           "args": {"sizes": sizes, "quick": args.quick, "reps": args.reps, "only": args.only},
           "sizes": []}
    for label in sizes:
        run["sizes"].append(measure_size(label, args, klipings))
        (OUT / "results.json").write_text(json.dumps(run, indent=1, ensure_ascii=False))
    if not args.skip_ab:
        run["ab_whoosh"] = measure_ab(klipings[0][1], args)
    run["minutes"] = (time.time() - started) / 60
    (OUT / "results.json").write_text(json.dumps(run, indent=1, ensure_ascii=False))
    import report

    svg = None
    if not args.no_plot and len(sizes) > 1:
        import plot
        svg = (HERE / "scaling.svg") if not partial else (OUT / "scaling.svg")
        svg.write_text(plot.svg(run), encoding="utf-8")
    out.write_text(report.markdown(run, svg_rel=os.path.relpath(svg, out.parent) if svg else None), encoding="utf-8")
    if not partial:
        shutil.copy(OUT / "results.json", HERE / "results.json")
    log(f"wrote {out} in {run['minutes']:.1f} min")
    print(out.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
