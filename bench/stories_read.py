"""What readers pay for stories and quotes on a built index (search.stories.storystore): the
first request of a fresh process and the warm median, through the Flask test client, for the
quote book (/kutipan, a word, a speaker), /api/quotes, an article page with quote marks, and a
search collapsed by story.

    python bench/stories_read.py INDEX [--reps 20]

Each page's cold time is its first request in a fresh process (the index already opened by one
`/api/search?q=` request, which is not counted), median over `--cold` processes.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from app import create_app
app = create_app({"INDEX_DIR": sys.argv[2], "TESTING": True})
c = app.test_client()
c.get("/api/search?q=")
paths, reps = json.loads(sys.argv[3]), int(sys.argv[4])
out = {}
for p in paths:
    t = time.perf_counter(); r = c.get(p); cold = time.perf_counter() - t
    assert r.status_code == 200, (p, r.status_code)
    warm = []
    for _ in range(reps):
        t = time.perf_counter(); c.get(p); warm.append(time.perf_counter() - t)
    warm.sort()
    out[p] = [cold * 1000, warm[len(warm) // 2] * 1000]
print(json.dumps(out))
"""


def pick(index: str) -> dict:
    """A speaker, a word, an article with quotes and a query, from the index itself."""
    sys.path.insert(0, str(ROOT))
    from search.query.archive import Archive
    from search.query.params import QuoteRequest

    a = Archive(Path(index))
    try:
        page = a.quotes(QuoteRequest(per_page=50))
        with_more = max(page.results, key=lambda r: len(r.occurrences))
        speaker = next(s for s, _ in page.speakers)
        word = next(w for w in with_more.text.split() if len(w) > 5).strip(".,\"'").lower()
        return {"speaker": speaker, "word": word, "article": with_more.first.article}
    finally:
        a.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("index")
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--cold", type=int, default=3)
    args = ap.parse_args()
    p = pick(args.index)
    from urllib.parse import quote
    paths = ["/kutipan", f"/kutipan?q={quote(p['word'])}", f"/kutipan?speaker={quote(p['speaker'])}",
             f"/api/quotes?q={quote(p['word'])}", f"/articles/{p['article']}",
             f"/api/search?q={quote(p['word'])}&collapse=story"]
    runs = []
    for _ in range(args.cold):
        r = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), args.index, json.dumps(paths), str(args.reps)],
                           capture_output=True, text=True, check=True)
        runs.append(json.loads(r.stdout.strip().splitlines()[-1]))
    print(f"# {args.index}, {time.strftime('%Y-%m-%d %H:%M')}, {args.cold} processes, {args.reps} warm reps")
    print("| request | cold ms (median) | warm ms (median) |\n|---|---|---|")
    for path in paths:
        cold = statistics.median(r[path][0] for r in runs)
        warm = statistics.median(r[path][1] for r in runs)
        print(f"| `{path}` | {cold:.1f} | {warm:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
