"""Hostile and pathological requests against `make serve` on 127.0.0.1 over IndoSum, each while
an ordinary search runs over and over beside it.

    python bench/pathological.py [--index DIR] [--rounds 3]

For each request: its status and time (the worst of --rounds, each with a query made new so the
response cache cannot answer), and the worst and median time of the ordinary searches sent
meanwhile by another client. Targets: each answers within 2 s, the ordinary search stays under
200 ms. Also the server's memory before and after.
"""
from __future__ import annotations

import argparse
import os
import statistics
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from serving import Server, indosum_index, load_average, request

LETTERS = "abcdefghijklmnopqrst"


def cases(n: int) -> list[tuple[str, str]]:
    """(name, path) of the pathological requests; `n` varies them so no response is cached."""
    v = f"{n}"
    many_prefixes = " ".join(f"{c}{d}*" for c in LETTERS for d in "aeiouybkmn")
    return [
        ("*a* *e* *i* *o* *u*", "/?" + urlencode({"q": f"*a* *e* *i* *o* *u* x{v}"})),
        ("*a*", "/api/search?" + urlencode({"q": "*a*", "page": str(1 + n % 3)})),
        ("200 prefixes", "/api/search?" + urlencode({"q": many_prefixes + f" z{v}"})),
        ("300 terms", "/api/search?" + urlencode({"q": " ".join(f"kata{i}" for i in range(300)) + v})),
        ("300 common words", "/?" + urlencode({"q": " ".join(["presiden", "jakarta", "indonesia", "menteri", "polisi",
                                                            "kota", "bank", "harga", "pemerintah", "rakyat"] * 30)
                                              + f" x{v}"})),
        ("a~ b~ c~", "/api/search?" + urlencode({"q": f"a~ b~ c~ {v}"})),
        ("k?t?* ??a*", "/api/search?" + urlencode({"q": f"k?t?* ??a* {v}"})),
        ("page 10,000", "/?" + urlencode({"q": f"indonesia {v}", "page": "10000"})),
        ("per_page 100, page 100", "/api/search?" + urlencode({"page": "100", "per_page": "100", "q": v})),
        ("2,000 outlet= values", "/?" + urlencode([("q", "indonesia")] + [("outlet", f"o{i}") for i in range(2000)])),
        ("50 outlet= values", "/?" + urlencode([("q", f"indonesia {v}")] + [("outlet", f"o{i}") for i in range(50)])),
        ("10 kB query", "/api/search?" + urlencode({"q": ("sanksi PBB " * 900) + v})),
        ("NOT + OR x", "/?" + urlencode({"q": f"NOT + OR x{v}"})),
        ("((((( nested", "/api/search?" + urlencode({"q": "(" * 200 + "sanksi" + ")" * 200 + v})),
        ('unbalanced """', "/api/search?" + urlencode({"q": '"' * 51 + "sanksi" + v})),
        ("browse, every filter", "/?" + urlencode({"outlet": "kumparan", "tag": "tekno", "from": "2016", "to": "2018",
                                                   "sort": "oldest", "page": str(2 + n)})),
    ]


ORDINARY = ["sanksi PBB", "presiden jokowi", "harga minyak", "timnas indonesia", "gempa bumi", "bank indonesia"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", type=Path)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    args = ap.parse_args()
    index = args.index or indosum_index()
    server = Server(index, args.workers)
    print(f"index {index}; workers {args.workers}; load average {load_average()}")
    print("\n| request | status | worst of rounds (s) | ordinary meanwhile: median / worst (ms) |\n|---|---|---|---|")
    worst_all, ordinary_all, fails = 0.0, [], 0
    try:
        before = server.rss_mb()
        for name, _ in cases(0):
            times, statuses, ordinary = [], set(), []
            for n in range(args.rounds):
                path = dict(cases(n + 1))[name]
                done = threading.Event()

                def beside():
                    k = 0
                    while not done.is_set():
                        q = ORDINARY[k % len(ORDINARY)] + f" {k % 7}"  # a few distinct ones
                        t = time.perf_counter()
                        request(server.port, "/api/search?" + urlencode({"q": q, "page": str(1 + k % 3)}))
                        ordinary.append((time.perf_counter() - t) * 1000)
                        k += 1
                        time.sleep(0.02)

                side = threading.Thread(target=beside)
                side.start()
                time.sleep(0.05)
                t = time.perf_counter()
                status, _ = request(server.port, path, timeout=60)
                times.append(time.perf_counter() - t)
                statuses.add(status)
                done.set()
                side.join()
            worst = max(times)
            worst_all = max(worst_all, worst)
            ordinary_all += ordinary
            fails += sum(1 for s in statuses if s >= 500) + (worst > 2)
            print(f"| `{name}` | {', '.join(map(str, sorted(statuses)))} | {worst:.3f} | "
                  f"{statistics.median(ordinary):.1f} / {max(ordinary):.1f} |", flush=True)
        after = server.rss_mb()
    finally:
        server.stop()
    slow = sum(1 for t in ordinary_all if t >= 200)
    print(f"\nslowest pathological request: {worst_all:.3f} s (target < 2 s); server errors or over 2 s: {fails}")
    print(f"ordinary searches meanwhile: {len(ordinary_all)}, median {statistics.median(ordinary_all):.1f} ms, "
          f"worst {max(ordinary_all):.1f} ms, {slow} at or over 200 ms (target: none)")
    print(f"server RSS (MB, master first) before: {', '.join(f'{v:.0f}' for v in before.values())}; "
          f"after: {', '.join(f'{v:.0f}' for v in after.values())}")
    print(f"load average (1 min) at the end: {load_average()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
