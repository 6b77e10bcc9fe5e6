"""The server's memory under many distinct queries: `make serve` on 127.0.0.1 over IndoSum, fed
--queries searches never sent before (pages and JSON, with filters), its RSS (master and
workers, from /proc) read every tenth of the way.

    python bench/memory.py [--index DIR] [--queries 20000]

Target: flat. Every cache is bounded (README "Settings and caches"), so once they are full the
RSS should stop growing whatever the number of queries.
"""
from __future__ import annotations

import argparse
import os
import threading
import time
from pathlib import Path

from load import Mix, vocabulary
from serving import Server, indosum_index, load_average, request


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", type=Path)
    ap.add_argument("--queries", type=int, default=20_000)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    args = ap.parse_args()
    index = args.index or indosum_index()
    words, ids, tags = vocabulary()
    server = Server(index, args.workers)
    done, errors, lock = [0], [0], threading.Lock()
    samples = []
    started = time.monotonic()
    try:
        time.sleep(1)
        samples.append((0, server.rss_mb()))
        step = args.queries // 10

        def client(k: int):
            mix = Mix(50_000 + k, words, ids, tags, unseen=True)
            while True:
                with lock:
                    if done[0] >= args.queries:
                        return
                    done[0] += 1
                    n = done[0]
                _, path = mix.next()
                if k % 2:
                    path = path.replace("/api/search?", "/?")
                status, _ = request(server.port, path)
                if status >= 500:
                    with lock:
                        errors[0] += 1
                if n % step == 0:
                    samples.append((n, server.rss_mb()))

        threads = [threading.Thread(target=client, args=(k,)) for k in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.stop()
    print(f"index {index}; workers {args.workers}; {args.queries:,} distinct searches in "
          f"{time.monotonic() - started:.0f} s; server errors {errors[0]}; load average {load_average()}")
    print("\n| searches | RSS total MB | master, workers MB |\n|---|---|---|")
    for n, mb in sorted(samples, key=lambda s: s[0]):
        print(f"| {n:,} | {sum(mb.values()):.0f} | {', '.join(f'{v:.0f}' for v in mb.values())} |")
    first_full = [s for s in samples if s[0] >= args.queries // 2]
    if first_full:
        half, last = first_full[0], max(samples, key=lambda s: s[0])
        print(f"\nRSS at {half[0]:,} searches: {sum(half[1].values()):.0f} MB; at {last[0]:,}: "
              f"{sum(last[1].values()):.0f} MB ({sum(last[1].values()) - sum(half[1].values()):+.0f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
