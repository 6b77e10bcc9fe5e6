"""Load test of `make serve` on 127.0.0.1 over IndoSum: how many readers at once it serves.

    python bench/load.py [--index DIR] [--one 30] [--many 60] [--clients 16] [--unseen 30]

1. The mix: 1 client for --one seconds, then --clients clients for --many seconds, each client
   sending requests back to back (--think 0), or pausing between them as a reader does (--think
   MS: a random pause of that mean), drawn from a mix of searches (pages and JSON, with
   outlet, tag and date filters and later pages), article pages, article JSON and citations.
   The searches come from a pool of 400 (readers repeat queries), so some are answered from
   the response cache. The clients are threads of 4 forked processes (so the load generator
   is not the bottleneck). Prints req/s, p50/p95/p99 (ms) and errors of each phase, and the
   ratio of the p95s.
2. Unseen queries: --clients clients for --unseen seconds sending searches never sent before
   (two or three words of IndoSum's vocabulary, a random filter), against a server of ONE worker
   process and against `make serve`'s default workers, in one run: req/s of each and the ratio,
   and the cores the server kept busy (its CPU seconds over the phase's seconds).
Also the load average before each phase (this machine is shared). Requests go to 127.0.0.1 only,
bounded in time.
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import re
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urlencode

from serving import INDOSUM, Server, indosum_index, load_average, percentile, request

OUTLETS = ["cnn indonesia", "kumparan", "antaranews", "merdeka", "suara", "juara.net", "rimanews",
           "goal indonesia", "poskotanews", "dailysocial.id"]


def vocabulary(n_articles: int = 800) -> tuple[list[str], list[str], list[str]]:
    """Words for queries (IndoSum's, neither too rare nor too common), article ids and categories."""
    counts: Counter = Counter()
    ids, tags = [], set()
    with open(INDOSUM, encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            rec = json.loads(line)
            ids.append(rec["id"])
            if rec.get("category"):
                tags.add(rec["category"])
            if i < n_articles:
                for p in rec["paragraphs"]:
                    counts.update(w.lower() for w in re.findall(r"[A-Za-z]{4,}", p))
    words = [w for w, c in counts.items() if 5 <= c <= 400]
    return sorted(words), ids, sorted(tags)


class Mix:
    """Requests of the mix; `unseen=True` for searches never sent before."""

    def __init__(self, seed: int, words, ids, tags, unseen: bool = False):
        self.rng = random.Random(seed)
        self.words, self.ids, self.tags, self.unseen = words, ids, tags, unseen
        self.pool = [self._search() for _ in range(400)]

    def _search(self) -> str:
        r = self.rng
        args = [("q", " ".join(r.sample(self.words, r.choice((1, 2, 2, 3)))))]
        roll = r.random()
        if roll < 0.2:
            args.append(("outlet", r.choice(OUTLETS)))
        elif roll < 0.3:
            args.append(("tag", r.choice(self.tags)))
        elif roll < 0.4:
            args += [("from", "2017-0" + str(r.randint(1, 9)))]
        if r.random() < 0.2:
            args.append(("page", str(r.randint(2, 4))))
        return urlencode(args)

    def next(self) -> tuple[str, str]:
        r = self.rng
        if self.unseen:
            return "search", "/api/search?" + self._search()
        roll = r.random()
        if roll < 0.35:
            return "search page", "/?" + r.choice(self.pool)
        if roll < 0.55:
            return "search json", "/api/search?" + r.choice(self.pool)
        aid = quote(r.choice(self.ids), safe="")
        if roll < 0.75:
            return "article page", f"/articles/{aid}"
        if roll < 0.9:
            return "article json", f"/api/articles/{aid}"
        return "citation", f"/api/articles/{aid}/paragraphs/1/cite"


def run_phase(port: int, clients: int, seconds: float, make_mix, think: float = 0.0) -> dict:
    """`clients` clients sending requests for `seconds`: latencies and errors. The clients are
    threads of up to CLIENT_PROCESSES forked processes, so that the load generator itself is
    not what limits the rate on a busy machine."""
    procs = max(1, min(clients, CLIENT_PROCESSES))
    stop = time.monotonic() + seconds
    started = time.monotonic()
    pipes = []
    for p in range(procs):
        mine = list(range(p, clients, procs))
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # a client process
            os.close(r)
            code = 0
            try:
                out = _clients(port, mine, stop, make_mix, think)
                with os.fdopen(w, "wb") as fh:
                    pickle.dump(out, fh)
            except BaseException:
                code = 1
            os._exit(code)
        os.close(w)
        pipes.append((pid, r))
    lat: list[float] = []
    errors: Counter = Counter()
    kinds: Counter = Counter()
    for pid, r in pipes:
        with os.fdopen(r, "rb") as fh:
            part_lat, part_err, part_kinds = pickle.load(fh)
        os.waitpid(pid, 0)
        lat += part_lat
        errors.update(part_err)
        kinds.update(part_kinds)
    took = time.monotonic() - started
    return {"clients": clients, "requests": len(lat), "rps": len(lat) / took, "p50": percentile(lat, 50),
            "p95": percentile(lat, 95), "p99": percentile(lat, 99), "errors": sum(errors.values()),
            "error_kinds": dict(errors), "kinds": dict(kinds)}


CLIENT_PROCESSES = 4


def _clients(port: int, which: list[int], stop: float, make_mix, think: float):
    """Threads of one client process, one a client; (latencies, errors, kinds)."""
    lat: list[float] = []
    errors: Counter = Counter()
    kinds: Counter = Counter()
    lock = threading.Lock()

    def client(k: int):
        mix = make_mix(k)
        pause = random.Random(k)
        mine, bad, seen = [], Counter(), Counter()
        while time.monotonic() < stop:
            if think:
                time.sleep(pause.expovariate(1000 / think))
            kind, path = mix.next()
            t = time.perf_counter()
            try:
                status, _ = request(port, path, headers={"Accept-Encoding": "gzip"})
            except OSError as e:
                status = type(e).__name__
            mine.append((time.perf_counter() - t) * 1000)
            seen[kind] += 1
            if status != 200:
                bad[f"{kind}: {status}"] += 1
        with lock:
            lat.extend(mine)
            errors.update(bad)
            kinds.update(seen)

    threads = [threading.Thread(target=client, args=(k,)) for k in which]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return lat, dict(errors), dict(kinds)


def line(name: str, r: dict) -> str:
    return (f"| {name} | {r['clients']} | {r['requests']:,} | {r['rps']:.1f} | {r['p50']:.1f} | {r['p95']:.1f} | "
            f"{r['p99']:.1f} | {r['errors']} |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", type=Path, help="index directory (default: IndoSum, built under bench/work/)")
    ap.add_argument("--one", type=float, default=30, help="seconds of the 1-client phase")
    ap.add_argument("--many", type=float, default=60, help="seconds of the many-client phase")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--think", type=float, default=0.0, help="mean pause of a client between requests, ms")
    ap.add_argument("--unseen", type=float, default=30, help="seconds of each unseen-query phase (0: skip)")
    ap.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1), help="make serve's default")
    args = ap.parse_args()
    index = args.index or indosum_index()
    words, ids, tags = vocabulary()
    print(f"index {index}; {os.cpu_count()} cores; {len(words):,} query words; workers {args.workers}; "
          f"think time {args.think:g} ms")
    print("\n| phase | clients | requests | req/s | p50 ms | p95 ms | p99 ms | errors |\n|---|---|---|---|---|---|---|---|")
    server = Server(index, args.workers)
    try:
        run_phase(server.port, 2, 3, lambda k: Mix(1000 + k, words, ids, tags))  # warm every worker a little
        loads = [load_average()]
        one = run_phase(server.port, 1, args.one, lambda k: Mix(k, words, ids, tags), args.think)
        print(line("mix", one), flush=True)
        loads.append(load_average())
        many = run_phase(server.port, args.clients, args.many, lambda k: Mix(100 + k, words, ids, tags), args.think)
        print(line("mix", many), flush=True)
        rss = server.rss_mb()
    finally:
        server.stop()
    results = {"one": one, "many": many}
    cores: dict[int, float] = {}
    if args.unseen:
        for workers in (1, args.workers):
            server = Server(index, workers)
            try:
                run_phase(server.port, 2, 2, lambda k: Mix(5000 + k, words, ids, tags, unseen=True))
                loads.append(load_average())
                cpu = server.cpu_seconds()
                results[f"unseen{workers}"] = r = run_phase(
                    server.port, args.clients, args.unseen,
                    lambda k, w=workers: Mix(10_000 * w + k, words, ids, tags, unseen=True))
                cores[workers] = (server.cpu_seconds() - cpu) / args.unseen
                print(line(f"unseen searches, {workers} worker{'s' if workers > 1 else ''}", r), flush=True)
            finally:
                server.stop()
    print()
    print(f"p95 at {args.clients} clients / p95 at 1 client: {many['p95'] / one['p95']:.2f}x (target <= 3x)")
    print(f"throughput at {args.clients} clients / 1 client (mix): {many['rps'] / one['rps']:.2f}x")
    if args.unseen:
        ratio = results[f"unseen{args.workers}"]["rps"] / results["unseen1"]["rps"]
        print(f"unseen searches, {args.workers} workers / 1 worker: {ratio:.2f}x req/s (target >= 1.7x)")
        print("server CPU during the unseen searches (cores busy): "
              + ", ".join(f"{w} worker{'s' if w > 1 else ''} {c:.2f}" for w, c in cores.items()))
    print(f"errors: {sum(r['errors'] for r in results.values())} "
          f"{[r['error_kinds'] for r in results.values() if r['errors']]}")
    print(f"server RSS after the mix (MB, master first): {', '.join(f'{v:.0f}' for v in rss.values())}")
    print(f"load average (1 min) before each phase: {', '.join(loads)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
