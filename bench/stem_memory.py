"""The stemmer's memory stays bounded however many distinct words users type.

Each size runs in a fresh process: the default stemmer is fed N distinct made-up words (the
shapes of real query words: prefixes, suffixes, names), then the process's peak and current RSS
are read. Issue 12's target: 300,000 words stay within 30 MB of 3,000.

    .venv/bin/python bench/stem_memory.py [--sizes 3000 30000 300000]
"""
from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB, from /proc."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        k, _, v = line.partition(":")
        fields[k] = v
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def words(n: int, seed: int = 7):
    rng = random.Random(seed)
    prefixes = ["", "me", "mem", "men", "meng", "di", "ber", "ter", "pe", "pen", "ke", "se", "memper"]
    suffixes = ["", "kan", "an", "i", "nya", "lah", "kah"]
    letters = "abcdefghijklmnoprstuwy"
    for i in range(n):
        root = "".join(rng.choice(letters) for _ in range(rng.randint(4, 8)))
        yield f"{rng.choice(prefixes)}{root}{rng.choice(suffixes)}{i % 97 if i % 5 == 0 else ''}"


def child(n: int) -> None:
    sys.path.insert(0, str(ROOT))
    from search.text import stemmer

    stem = stemmer.get("kliping").stem
    stem("mengunjungi")
    base = rss_mb()[0]
    for w in words(n):
        stem(w)
    now, peak = rss_mb()
    cache = stemmer.get("kliping").cache
    print(json.dumps({"words": n, "rss_before": base, "rss": now, "peak": peak, "cached": len(cache)}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[3000, 30000, 300000])
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child)
        return
    rows = []
    for n in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--child", str(n)], capture_output=True, text=True, check=True)
        rows.append(json.loads(out.stdout))
    small = rows[0]
    print(f"{'words':>9} {'RSS MB':>8} {'peak MB':>8} {'cached':>8} {'peak - peak at ' + format(small['words'], ','):>22}")
    for r in rows:
        print(f"{r['words']:>9,} {r['rss']:8.1f} {r['peak']:8.1f} {r['cached']:8,} {r['peak'] - small['peak']:22.1f}")
    worst = rows[-1]["peak"] - small["peak"]
    print(f"target: within 30 MB -> {worst:.1f} MB, {'MET' if worst <= 30 else 'NOT MET'}")


if __name__ == "__main__":
    main()
