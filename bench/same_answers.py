"""Do two Kliping checkouts give the same answers? Every request of bench/queries.txt, through
the Flask test client on one index, as /api/search JSON (less `took_ms`) and as the search page.

    python bench/same_answers.py --index bench/work/index-kliping-3.5k \
        --repo before=/path/to/old/checkout --repo after=.
    python bench/same_answers.py --repo before=../old:bench/work/index-before-3.5k \
        --repo after=.:bench/work/index-after-3.5k   # each its own index (another schema version)

Each checkout runs in its own process (its own imports) and answers every request once, on a
fresh app (no response cache). Prints how many answers are identical and, for each that is not,
the request and the first lines that differ; exits 1 if any differ. --pages leaves out the
HTML page (JSON only). A speed-up must not change what users get: run this before and after.
"""
from __future__ import annotations

import argparse
import difflib
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from servers import read_queries  # bench/ is not a package: servers.py is found beside this file


def dump(repo: Path, index: Path, out: Path, pages: bool) -> None:
    """Answer every bench request with the checkout at `repo`; one JSON line per answer."""
    sys.path.insert(0, str(repo.resolve()))
    import search
    from app import create_app
    print(f"{repo}: search from {Path(search.__file__).parent}", file=sys.stderr)
    client = create_app({"INDEX_DIR": str(index), "ACCESS_LOG": ""}).test_client()
    with out.open("w", encoding="utf-8") as f:
        for pairs in read_queries():
            qs = urlencode(pairs)
            r = client.get("/api/search?" + qs)
            body = r.get_json()
            body.pop("took_ms", None)
            f.write(json.dumps({"url": "/api/search?" + qs, "status": r.status_code, "body": body},
                               ensure_ascii=False, sort_keys=True) + "\n")
            if pages:
                r = client.get("/?" + qs)
                f.write(json.dumps({"url": "/?" + qs, "status": r.status_code,
                                    "body": r.get_data(as_text=True)}, ensure_ascii=False) + "\n")


def lines_of(body) -> list[str]:
    text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True)
    return text.splitlines()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", type=Path, help="the index both checkouts read (unless each names its own)")
    ap.add_argument("--repo", action="append", default=[], help="NAME=CHECKOUT[:INDEX] (twice)")
    ap.add_argument("--no-pages", dest="pages", action="store_false", help="JSON only, not the HTML page")
    ap.add_argument("--dump", type=Path, help=argparse.SUPPRESS)  # internal: one checkout's answers
    args = ap.parse_args(argv)
    if args.dump:
        dump(Path(args.repo[0]), args.index, args.dump, args.pages)
        return 0
    if len(args.repo) != 2:
        ap.error("give two --repo NAME=CHECKOUT")
    answers = {}
    for spec in args.repo:
        name, _, repo = spec.partition("=")
        repo, _, index = repo.partition(":")
        if not (index or args.index):
            ap.error(f"{spec}: give --index or CHECKOUT:INDEX")
        out = HERE / "out" / f"answers-{name}.jsonl"
        out.parent.mkdir(exist_ok=True)
        cmd = [sys.executable, __file__, "--index", str(Path(index or args.index).resolve()), "--repo", repo,
               "--dump", str(out)]
        if not args.pages:
            cmd.append("--no-pages")
        subprocess.run(cmd, check=True, cwd=repo)
        answers[name] = [json.loads(line) for line in out.open(encoding="utf-8")]
    (a_name, a), (b_name, b) = answers.items()
    differ = 0
    for x, y in zip(a, b):
        if x == y:
            continue
        differ += 1
        print(f"DIFFERS: {x['url']}")
        diff = difflib.unified_diff(lines_of(x["body"]), lines_of(y["body"]), a_name, b_name, n=1, lineterm="")
        for line in list(diff)[:20]:
            print("   " + line)
    n = min(len(a), len(b))
    if len(a) != len(b):
        differ += 1
        print(f"DIFFERS: {a_name} gave {len(a)} answers, {b_name} {len(b)}")
    kinds = "JSON and pages" if args.pages else "JSON"
    print(f"{n} answers ({kinds} of {len(read_queries())} bench requests): {n - differ if differ <= n else 0} "
          f"identical, {differ} differ ({a_name} vs {b_name})")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
