"""What an `add` writes to PostgreSQL, for two Kliping checkouts in one run (issue 18).

    python bench/pg_parts.py build --code DIR --corpus FILE --snap DIR    # one archive, kept
    python bench/pg_parts.py seed --code . --snap DIR    # its files in DIR/cache, as a build leaves them
    python bench/pg_parts.py add --code old=DIR --snap old=DIR --code new=. --snap new=DIR \\
        --batch FILE --reps 3 [--out FILE.json]

`build` starts a throwaway server (search.engine.postgres.local) in `--snap`, runs
`python -m search build` of the corpus from the checkout `--code` into it (wall time, peak RSS)
and stops the server, keeping its folder (and, in `cache`, what the build left in the writer's
cache). `add` then runs, for each rep and each checkout in
turn (the order rotating), `python -m search add` of the batch into a fresh copy of that
checkout's folder, and records: its wall time and peak RSS (wait4), the WAL the server wrote
during it (pg_current_wal_lsn before and after), and the bytes of the layers' files written
(the old layout rewrites every part; the new one, the parts the new commit lists and the one
before did not). A checkout named `NAME-cold` runs with an empty writer's cache; others with the
files the build left in it (moved to `--snap`/cache by hand after the build). Before the add, a
fresh process opens a reader and copies the stories file out (`first_read_parts` downloaded), as
a web machine serving that commit has; after it, another fresh process reads the new commit's
(`read_stories_s`, its peak RSS, and `read_parts_downloaded`: the parts it did not find in the
copy of the commit before).
Medians are printed at the end.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import psycopg
from measuring import run_measured

from search.engine.postgres.local import LocalServer, free_port

MAP = ["--map", "outlet=source", "--map", "url=source_url", "--map", "date=date_from_id_timestamp",
       "--map", "tags=category"]


def log(*a) -> None:
    print(f"[{time.strftime('%H:%M:%S')}]", *a, file=sys.stderr, flush=True)


def env_for(code: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(code))
    for k in ("KLIPING_INDEX", "KLIPING_ENGINE", "KLIPING_PG_READ"):
        env.pop(k, None)
    return env


def build(code: Path, corpus: Path, snap: Path) -> dict:
    server = LocalServer.start(snap)
    try:
        r = run_measured([sys.executable, "-m", "search", "build", str(corpus), *MAP, "--engine", server.dsn],
                         code, dict(env_for(code), KLIPING_WRITER_CACHE=str(snap / "cache")))
        log(f"build {code}: {r['seconds']:.1f} s, {r['peak_rss_mb']:.0f} MB, rc {r['rc']}", r["stderr"][-400:])
        with psycopg.connect(server.dsn) as c:
            r["db_mb"] = c.execute("SELECT pg_database_size(current_database())").fetchone()[0] / 2**20
    finally:
        server.halt()
    (snap / "build.json").write_text(json.dumps(r, indent=1))
    return r


def _copy(snap: Path, to: Path) -> LocalServer:
    shutil.rmtree(to, ignore_errors=True)
    subprocess.run(["cp", "-a", str(snap), str(to)], check=True)
    (to / "data" / "postmaster.pid").unlink(missing_ok=True)
    server = LocalServer(to, free_port())
    server._configure({})  # the copy's own port (the last line wins)
    server.run()
    return server


def file_bytes(c) -> dict:
    """Bytes of the layers' files the last commit wrote, by layout."""
    gen = json.loads(json.dumps(c.execute("SELECT value FROM kliping_meta WHERE key = 'current'").fetchone()[0]))["gen"]
    tables = {r[0] for r in c.execute("SELECT relname FROM pg_class WHERE relname LIKE %s", (f"kliping_%_{gen}",))}
    if f"kliping_parts_{gen}" in tables:  # content-addressed parts: what the new commit added
        commit = c.execute(f"SELECT max(commit) FROM kliping_files_{gen}").fetchone()[0]
        lists = {n: {bytes(blob[i:i + 20]) for (blob,) in c.execute(
            f"SELECT digests FROM kliping_files_{gen} WHERE commit = %s", (n,)) for i in range(0, len(blob), 20)}
            for n in (commit - 1, commit)}
        new = sorted(lists[commit] - lists[commit - 1])
        row = c.execute(f"SELECT count(*), coalesce(sum(octet_length(data)), 0) FROM kliping_parts_{gen} "
                        "WHERE digest = ANY(%s)", (new,)).fetchone()
        total = c.execute(f"SELECT sum(length(digests)) / 20, sum(size) FROM kliping_files_{gen} WHERE commit = %s",
                          (commit,)).fetchone()
    else:  # whole files: every part rewritten
        row = c.execute(f"SELECT count(*), sum(octet_length(data)) FROM kliping_files_{gen}").fetchone()
        total = row
    return {"parts_written": int(row[0]), "file_mb_written": float(row[1]) / 2**20, "parts_total": int(total[0]),
            "file_mb_total": float(total[1]) / 2**20}


# A web process's first read of the stories: seconds, and parts downloaded (the rest, if any,
# copied from the copy of the commit before, in KLIPING_STORIES_COPIES).
READ = ("import sys, time; from search.engine import open_engine; from search.engine.postgres import files; "
        "got = []; real = files.stream; "
        "files.stream = lambda c, g, d: got.append(len(d)) or real(c, g, d); "
        "e = open_engine(sys.argv[1]); "
        "r = e.reader(); t = time.perf_counter(); r.layers.stories(); print(time.perf_counter() - t, sum(got))")


def add(codes: dict[str, Path], snaps: dict[str, Path], batch: Path, reps: int, work: Path) -> dict:
    """A name ending in -cold runs with an empty writer's cache (KLIPING_WRITER_CACHE); others
    with a copy of the snapshot's `cache` folder (what the build left there), if it has one."""
    out: dict[str, list[dict]] = {k: [] for k in codes}
    names = list(codes)
    for rep in range(reps):
        order = names[rep % len(names):] + names[:rep % len(names)]
        for name in order:
            server = _copy(snaps[name], work / f"run-{name}")
            cache, seed = work / f"cache-{name}", snaps[name] / "cache"
            shutil.rmtree(cache, ignore_errors=True)
            if seed.is_dir() and not name.endswith("-cold"):
                shutil.copytree(seed, cache)
            cache.mkdir(exist_ok=True)
            env = dict(env_for(codes[name]), KLIPING_WRITER_CACHE=str(cache),
                       KLIPING_STORIES_COPIES=str(work / f"copies-{name}"))
            copies = work / f"copies-{name}"
            shutil.rmtree(copies, ignore_errors=True)
            try:
                first = run_measured([sys.executable, "-c", READ, server.dsn], codes[name], env)  # the commit before
                with psycopg.connect(server.dsn, autocommit=True) as c:
                    c.execute("CHECKPOINT")
                    before = c.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
                r = run_measured([sys.executable, "-m", "search", "add", str(batch), *MAP, "--engine", server.dsn],
                                 codes[name], env)
                with psycopg.connect(server.dsn, autocommit=True) as c:
                    wal = c.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s)", (before,)).fetchone()[0]
                    rec = {"seconds": r["seconds"], "peak_rss_mb": r["peak_rss_mb"], "rc": r["rc"],
                           "wal_mb": float(wal) / 2**20, **file_bytes(c)}
                rd = run_measured([sys.executable, "-c", READ, server.dsn], codes[name], env)
                secs, parts = (rd["stdout"].split() + ["nan", "nan"])[:2]
                rec.update(read_stories_s=float(secs), read_peak_rss_mb=rd["peak_rss_mb"],
                           read_parts_downloaded=float(parts),
                           first_read_parts=float((first["stdout"].split() + ["nan", "nan"])[1]))
                log(name, rep, rec, r["stderr"][-300:] if r["rc"] else "", rd["stderr"][-300:] if rd["rc"] else "")
                out[name].append(rec)
                (work / "runs.json").write_text(json.dumps(out, indent=1))
            finally:
                server.halt("immediate")
                shutil.rmtree(server.folder, ignore_errors=True)
                shutil.rmtree(cache, ignore_errors=True)
    return out


def seed(snap: Path) -> None:
    """The snapshot's files, named by their lists, in `snap`/cache: what a build by this
    checkout leaves in the writer's cache (search.engine.postgres.files.keep)."""
    from search.engine.postgres import files

    cache = snap / "cache"
    cache.mkdir(exist_ok=True)
    server = _copy(snap, snap.parent / f"{snap.name}-seed")
    try:
        with psycopg.connect(server.dsn, autocommit=True) as c:
            gen = c.execute("SELECT value FROM kliping_meta WHERE key = 'current'").fetchone()[0]["gen"]
            for (name,) in c.execute(f"SELECT DISTINCT name FROM kliping_files_{gen}").fetchall():
                got = files.copy_out(c, gen, 0, name, lambda k, name=name: cache / f"{k}-{name}")
                log("seeded", got)
    finally:
        server.halt("immediate")
        shutil.rmtree(server.folder, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["build", "seed", "add"])
    ap.add_argument("--code", action="append", required=True)
    ap.add_argument("--snap", action="append", required=True)
    ap.add_argument("--corpus")
    ap.add_argument("--batch")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--work", default="/tmp/pg-parts-work")
    ap.add_argument("--out")
    a = ap.parse_args()
    if a.what == "build":
        build(Path(a.code[0]).resolve(), Path(a.corpus), Path(a.snap[0]))
        return
    if a.what == "seed":
        seed(Path(a.snap[0]))
        return
    codes = {k: Path(v).resolve() for k, v in (x.split("=", 1) for x in a.code)}
    snaps = {k: Path(v) for k, v in (x.split("=", 1) for x in a.snap)}
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    res = add(codes, snaps, Path(a.batch), a.reps, work)
    summary = {k: {m: statistics.median(r[m] for r in v) for m in v[0] if m != "rc"} for k, v in res.items() if v}
    print(json.dumps({"runs": res, "median": summary}, indent=1))
    if a.out:
        Path(a.out).write_text(json.dumps({"runs": res, "median": summary}, indent=1))


if __name__ == "__main__":
    main()
