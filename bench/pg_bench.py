"""The PostgreSQL engine against the Whoosh engine and Datasette, measured in one run.

    python bench/pg_bench.py --sizes 3.5k,35k [--reps 5] [--write BENCHMARKS.md]

For each size (bench/run.py's corpora: 3.5k is IndoSum, larger ones its re-deal), throwaway
PostgreSQL servers on 127.0.0.1 (search.engine.postgres.local): one node, and a coordinator with
two shards (`python -m search postgres init`). Then, in this order and in one process:
- build time and the builder's peak memory, for Whoosh (`--index`), PostgreSQL one node and
  coordinator + 2 shards (`--engine`), and SQLite FTS5 for Datasette (bench/fts5_ref.py);
- /api/search over bench/queries.txt on a Flask server per Kliping engine and on Datasette,
  interleaved (each round sends every query to every server, the order rotating): "cold" is a
  query's first request to a fresh server, "warm" every later round; p50/p95/p99;
- memory: each web server's RSS after the run, plus the PostgreSQL servers' (every process);
- equivalence on the 40 queries: the same totals as Whoosh, and the top-10 overlap, with every
  search run to its end (bench/unhurried.py), and as served under the time budget;
- `add` of 1,000 new articles into each Kliping archive;
- failover (largest size, one node): a streaming replica serves the searches
  (KLIPING_PG_READ); during a bounded load run it is stopped; errors are counted.
Servers are stopped at the end, whatever happens. With --write FILE, the Markdown goes between
<!-- pg_bench --> markers in FILE.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import proctree
import redeal
from corpora import MAP, WORK, corpus
from measuring import rss_mb, run_measured, summary
from servers import VENV_BIN, Server, datasette_path, fetch, kliping_path, label_of, read_queries

from search.engine.postgres.local import LocalServer

SYSTEMS = ("whoosh", "pg-1", "pg-2shards")


def log(*a) -> None:
    print(f"[{time.strftime('%H:%M:%S')}]", *a, file=sys.stderr, flush=True)


def measure_size(label: str, reps: int, failover: bool) -> dict:
    c = corpus(label, ROOT)
    res: dict = {"label": label, "articles": c.articles, "build": {}, "add": {}, "cold": {}, "warm": {},
                 "rss": {}, "pg_rss": {}, "totals": {}, "overlap": {}}
    servers: list[LocalServer] = []
    web: list[Server] = []
    try:
        one = LocalServer.start()
        coord, s1, s2 = LocalServer.start(), LocalServer.start(), LocalServer.start()
        servers += [one, coord, s1, s2]
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        env.pop("KLIPING_INDEX", None)
        env.pop("KLIPING_ENGINE", None)
        init = run_measured([sys.executable, "-m", "search", "postgres", "init", "--dsn", coord.dsn,
                             "--shard", s1.dsn, "--shard", s2.dsn], ROOT, env)
        assert init["rc"] == 0, init["stderr"]
        idx = WORK / f"pgbench-whoosh-{label}"
        shutil.rmtree(idx, ignore_errors=True)
        where = {"whoosh": ["--index", str(idx)], "pg-1": ["--engine", one.dsn], "pg-2shards": ["--engine", coord.dsn]}
        for name in SYSTEMS:
            r = run_measured([sys.executable, "-m", "search", "build", *c.sources, "--map", MAP, *where[name]], ROOT, env)
            if r["rc"] != 0:
                raise RuntimeError(f"{name} build failed: {r['stderr']}")
            res["build"][name] = {"seconds": r["seconds"], "peak_rss_mb": r["peak_rss_mb"],
                                  "load_after": round(os.getloadavg()[0], 1)}
            log(f"{label} {name} build: {r['seconds']:.1f} s")
        db = WORK / f"pgbench-fts5-{label}.sqlite"
        db.unlink(missing_ok=True)
        r = run_measured([sys.executable, str(HERE / "fts5_ref.py"), "build", *c.sources, "--map", MAP, "--db", str(db)],
                         ROOT, env)
        res["build"]["datasette"] = {"seconds": r["seconds"], "peak_rss_mb": r["peak_rss_mb"], "note": "FTS5 database"}
        for name in SYSTEMS:
            s = Server(name, "kliping", kliping_path)
            e = dict(env, KLIPING_INDEX=str(idx)) if name == "whoosh" else dict(env, KLIPING_ENGINE=where[name][1])
            s.start([str(VENV_BIN / "flask"), "--app", "app", "run", "--host", "127.0.0.1", "--port", "{port}"], ROOT, e)
            web.append(s)
        if (VENV_BIN / "datasette").exists():
            s = Server("datasette", "datasette", datasette_path, ready_path="/-/versions.json")
            link = WORK / f"pgbench-kliping-{label}"
            link.mkdir(exist_ok=True)
            (link / "kliping.db").unlink(missing_ok=True)
            os.link(db, link / "kliping.db")
            s.start([str(VENV_BIN / "datasette"), "serve", "-i", str(link / "kliping.db"), "--host", "127.0.0.1",
                     "--port", "{port}", "--setting", "suggest_facets", "off", "--setting", "sql_time_limit_ms",
                     "20000", "--setting", "facet_time_limit_ms", "20000", "--setting", "num_sql_threads", "1"],
                    ROOT, env)
            web.append(s)
        queries = read_queries()
        res["queries"] = len(queries)
        tops: dict[str, dict[str, list[str]]] = {s.name: {} for s in web}
        lat = {s.name: ([], []) for s in web}
        for rnd in range(reps + 1):
            order = web[rnd % len(web):] + web[:rnd % len(web)]
            for pairs in queries:
                for s in order:
                    status, body, secs = fetch(s.port, s.url_for(pairs))
                    if status != 200:
                        raise RuntimeError(f"{s.name} {label_of(pairs)} -> {status}: {body[:300]!r}")
                    lat[s.name][0 if rnd == 0 else 1].append(secs * 1000)
                    if rnd == 0 and s.kind == "kliping":
                        data = json.loads(body)
                        res["totals"].setdefault(label_of(pairs), {})[s.name] = data["total"]
                        tops[s.name][label_of(pairs)] = [r["id"] for r in data["results"]]
                        if data.get("partial"):  # the time budget ran out (a loaded machine)
                            res.setdefault("partial", {}).setdefault(s.name, []).append(label_of(pairs))
            log(f"{label} round {rnd + 1}/{reps + 1}")
        for s in web:
            res["cold"][s.name] = summary(lat[s.name][0])
            res["warm"][s.name] = summary(lat[s.name][1])
            res["rss"][s.name] = rss_mb(s.proc.pid)[0]
        for name, server in (("pg-1", [one]), ("pg-2shards", [coord, s1, s2])):
            # every process of each server (a PostgreSQL server is many): summed PSS, so shared
            # buffers count once; RSS for a process whose PSS cannot be read
            res["pg_rss"][name] = sum(proctree.tree_pss_mb(x.pid(), fallback_rss=True) for x in server)
        res["served_overlap"] = compare(res["totals"], tops)
        for s in web:
            s.stop()
        web.clear()
        # equivalence proper: every search run to its end (a served search stops at its budget)
        full = {name: unhurried(loc, env) for name, loc in
                (("whoosh", str(idx)), ("pg-1", one.dsn), ("pg-2shards", coord.dsn))}
        res["overlap"] = compare({q: {n: full[n][q]["total"] for n in full} for q in full["whoosh"]},
                                 {n: {q: a["ids"] for q, a in full[n].items()} for n in full})
        log(f"{label} equivalence: " + ", ".join(f"{n} {o['same_totals']}/{o['queries']}"
                                                 for n, o in res["overlap"].items()))
        batch = redeal.ensure(1000, WORK / f"add1000-{label}.jsonl", seed=redeal.SEED + 1, id_tag="add")
        for name in SYSTEMS:
            r = run_measured([sys.executable, "-m", "search", "add", str(batch), "--map", MAP, *where[name]], ROOT, env)
            res["add"][name] = {"seconds": r["seconds"], "rc": r["rc"], "peak_rss_mb": r["peak_rss_mb"],
                                "out": r["stdout"].strip().splitlines()[-1:] or r["stderr"].strip().splitlines()[-1:]}
            log(f"{label} {name} add 1000: {r['seconds']:.1f} s")
        (WORK / f"pg_bench-{label}.json").write_text(json.dumps(res, indent=1))
        if failover:
            try:
                res["failover"] = measure_failover(one, env, queries)
            except Exception as e:  # reported, not fatal: the other figures stand
                res["failover"] = {"error": f"{type(e).__name__}: {e}"}
    finally:
        for s in web:
            s.stop()
        for x in servers:
            x.stop()
    return res


def compare(totals: dict[str, dict[str, int]], tops: dict[str, dict[str, list[str]]]) -> dict:
    """Each PostgreSQL set-up against Whoosh: queries with the same total, and top-10 overlap."""
    out = {}
    for name in SYSTEMS[1:]:
        same = [q for q, t in totals.items() if t.get(name) == t.get("whoosh")]
        overlaps = []
        for q, want in tops["whoosh"].items():
            got = tops[name].get(q, [])
            overlaps.append(len(set(want) & set(got)) / len(want) if want else float(not got))
        out[name] = {"same_totals": len(same), "queries": len(totals),
                     "min": min(overlaps), "mean": statistics.mean(overlaps),
                     "differ": [q for q in totals if q not in same]}
    return out


def unhurried(location: str, env: dict) -> dict[str, dict]:
    """bench/unhurried.py on one engine: totals and top-10 ids with the time budget lifted."""
    r = subprocess.run([sys.executable, str(HERE / "unhurried.py"), location], cwd=ROOT, env=env,
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"unhurried.py {location}: {r.stderr[-500:]}")
    return json.loads(r.stdout)


def measure_failover(primary: LocalServer, env: dict, queries, seconds: float = 20.0) -> dict:
    """A replica serves the searches; a third of the way into a bounded load run it is stopped."""
    replica = LocalServer.replica_of(primary)
    try:
        time.sleep(2)
        s = Server("pg-replica", "kliping", kliping_path)
        e = dict(env, KLIPING_ENGINE=primary.dsn, KLIPING_PG_READ=replica.dsn)
        s.start([str(VENV_BIN / "flask"), "--app", "app", "run", "--host", "127.0.0.1", "--port", "{port}"], ROOT, e)
        results: list[tuple[float, int]] = []
        stop_at = time.monotonic() + seconds
        stopped: dict = {}

        def load(worker: int):
            i = worker
            while time.monotonic() < stop_at and len(results) < 20_000:
                # a distinct upper date bound each time: the same matches, but never a cached response
                bound = (datetime.date(2030, 1, 1) + datetime.timedelta(days=i)).isoformat()
                pairs = [(k, v) for k, v in queries[i % len(queries)] if k != "to"] + [("to", bound)]
                i += 2
                try:
                    status = fetch(s.port, kliping_path(pairs))[0]
                except OSError:
                    status = 0
                results.append((time.monotonic(), status))

        threads = [threading.Thread(target=load, args=(w,)) for w in range(2)]
        for t in threads:
            t.start()
        time.sleep(seconds / 3)
        stopped["at"] = time.monotonic()
        replica.halt("immediate")
        for t in threads:
            t.join()
        s.stop()
        before = [st for t, st in results if t < stopped["at"]]
        after = [st for t, st in results if t >= stopped["at"]]
        return {"requests": len(results), "before": len(before), "after": len(after),
                "errors_before": sum(st != 200 for st in before), "errors_after": sum(st != 200 for st in after)}
    finally:
        replica.stop()


def fmt(x) -> str:
    return "-" if x is None or x != x else f"{x:.1f}"


def markdown(run: dict) -> str:
    out = ["<!-- pg_bench -->", "## PostgreSQL engine (bench/pg_bench.py)", "",
           f"One run, {run['date']}, sizes {', '.join(s['label'] for s in run['sizes'])}, {run['reps']} warm rounds "
           "over bench/queries.txt. pg-1: one PostgreSQL 15 server; pg-2shards: a coordinator and two shards "
           "(postgres_fdw hash partitions), all on this 2-core machine. Datasette serves SQLite FTS5. "
           f"Cold: each of the {run['sizes'][0]['queries'] if run['sizes'] and 'queries' in run['sizes'][0] else 40} "
           "requests' first time on a fresh server; warm: the later rounds, which every "
           "Kliping engine answers from its response cache (the web layer, not the engine). Build and add are "
           "`python -m search` runs, timed from outside; the machine is shared (its load is in the run's JSON).",
           ""]
    for s in run["sizes"]:
        names = [n for n in (*SYSTEMS, "datasette") if n in s["cold"] or n in s["build"]]
        out += [f"### {s['label']} ({s['articles']:,} articles)", "",
                "| | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
        out.append("| build s | " + " | ".join(fmt(s["build"].get(n, {}).get("seconds")) for n in names) + " |")
        out.append("| build peak MB (client) | " + " | ".join(fmt(s["build"].get(n, {}).get("peak_rss_mb"))
                                                             for n in names) + " |")
        out.append("| add 1,000 s | " + " | ".join(fmt(s["add"].get(n, {}).get("seconds")) for n in names) + " |")
        for kind in ("cold", "warm"):
            for p in ("p50", "p95", "p99"):
                out.append(f"| {kind} /api/search {p} ms | "
                           + " | ".join(fmt(s[kind].get(n, {}).get(p)) for n in names) + " |")
        out.append("| web server RSS MB | " + " | ".join(fmt(s["rss"].get(n)) for n in names) + " |")
        out.append(f"| PostgreSQL servers {run.get('pg_memory', 'RSS (summed over processes)')} MB | " + " | ".join(fmt(s["pg_rss"].get(n)) for n in names) + " |")
        out.append("")
        for key, how in (("overlap", "every search run to its end (bench/unhurried.py)"),
                         ("served_overlap", "as served, under the 1 s time budget")):
            for n, o in s.get(key, {}).items():
                out.append(f"- {n}, {how}: same totals as Whoosh on {o['same_totals']}/{o['queries']} queries"
                           + (f" (differ: {', '.join(o['differ'])})" if o["differ"] else "")
                           + f"; top-10 overlap min {o['min']:.2f}, mean {o['mean']:.3f}")
        for n, qs in s.get("partial", {}).items():
            out.append(f"- {n}: answered partial (time budget spent) on {len(qs)} cold requests: {', '.join(qs)}")
        if s.get("failover", {}).get("error"):
            out.append(f"- failover: not measured ({s['failover']['error']})")
        elif s.get("failover"):
            f = s["failover"]
            out.append(f"- failover (pg-1 read from a streaming replica, replica stopped a third of the way into "
                       f"the load run): {f['requests']} requests, {f['errors_before']} errors before the stop, "
                       f"{f['errors_after']} errors after it ({f['after']} requests answered by the primary)")
        out.append("")
    out.append("<!-- /pg_bench -->")
    return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="3.5k,35k")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--write", type=Path, help="put the section between <!-- pg_bench --> markers in FILE")
    ap.add_argument("--from-json", type=Path, metavar="FILE", help="render a finished run (bench/work/pg_bench.json)")
    args = ap.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    if args.from_json:
        run = json.loads(args.from_json.read_text(encoding="utf-8"))
    else:
        sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
        run = {"date": time.strftime("%Y-%m-%d %H:%M"), "reps": args.reps, "sizes": [], "pg_memory": "PSS"}
        for i, label in enumerate(sizes):
            run["sizes"].append(measure_size(label, args.reps, failover=i == len(sizes) - 1))
            (WORK / "pg_bench.json").write_text(json.dumps(run, indent=1))
    text = markdown(run)
    if args.write:
        old = args.write.read_text(encoding="utf-8") if args.write.exists() else ""
        start, end = old.find("<!-- pg_bench -->"), old.find("<!-- /pg_bench -->")
        new = (old[:start] + text + old[end + len("<!-- /pg_bench -->"):]) if start >= 0 and end > start \
            else old.rstrip() + "\n\n" + text + "\n"
        args.write.write_text(new, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
