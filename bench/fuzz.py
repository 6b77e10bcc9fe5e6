"""Generated hostile requests against `make serve` on 127.0.0.1 over IndoSum, and the server's
memory under thousands of distinct queries.

    python bench/fuzz.py [--index DIR] [--requests 6000]

Hypothesis generates the requests: query texts mixing IndoSum words, operators (AND OR NOT
ANDNOT REQUIRE, -, +), brackets, quotes, wildcards, fuzzy marks, control and non-Latin
characters; every parameter of the search with valid, invalid and repeated values; article ids,
paragraph numbers, citation formats and paths of every route, raw bytes in the query string. Prints the count of
requests, of each status, of server errors (5xx: target 0) and of responses that are not what
their route promises (JSON under /api/, HTML pages); and the server's RSS before, after the
first half and at the end (target: flat).
"""
from __future__ import annotations

import argparse
import json
import os
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urlencode

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from serving import Server, indosum_index, load_average, request

WORDS = ["sanksi", "PBB", "presiden", "jakarta", "korea", "utara", "harga", "minyak", "gempa", "timnas",
         "indonesia", "kunjungan", "mengunjungi", "AS", "DK", "11.000", "2017", "kapan", "berapa", "siapa"]
OPS = ["AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "REQUIRE", "-", "+", "(", ")", '"', "*", "?", "~", "~2",
       "\\", "%", "&", "=", ":", "'", "<", ">", "\u2983", "\u2984"]
PARAMS = ["q", "outlet", "tag", "editor", "source", "date", "from", "to", "sort", "page", "per_page", "exact",
          "lang", "v", "x"]

token = st.one_of(st.sampled_from(WORDS), st.sampled_from(OPS),
                  st.text(min_size=1, max_size=12),  # any unicode, control characters included
                  st.from_regex(r"[a-z]{1,6}[*?~][a-z*?]{0,4}", fullmatch=True))
query_text = st.lists(token, max_size=40).map(" ".join)
value = st.one_of(query_text, st.integers(-10**12, 10**12).map(str), st.sampled_from(
    ["", "relevance", "newest", "oldest", "2024", "2024-06", "2024-13", "2024-02-30", "kumparan", "0", "1",
     "100", "101", "10000", "en", "id", "true", "null", "[]"]))
search_args = st.lists(st.tuples(st.sampled_from(PARAMS), value), max_size=12)
cite_args = st.lists(st.tuples(st.sampled_from(["lang", "format", "download"]), st.one_of(value, st.sampled_from(
    ["text", "csl-json", "ris", "biblatex", "bibtex"]))), max_size=4)
article_id = st.one_of(st.text(max_size=30), st.sampled_from(["..", "%2e%2e", "a/b", "1495645200-x", ""]))


@st.composite
def paths(draw) -> str:
    kind = draw(st.sampled_from(["page", "api", "search_cite", "article", "api_article", "cite", "article_cite",
                                 "raw", "other"]))
    if kind in ("page", "api", "search_cite"):
        route = {"page": "/?", "api": "/api/search?", "search_cite": "/api/search/cite?"}[kind]
        return route + urlencode(draw(search_args))
    aid = quote(draw(article_id), safe="")
    if kind == "article":
        return f"/articles/{aid}?" + urlencode(draw(search_args))
    if kind == "api_article":
        return f"/api/articles/{aid}"
    if kind == "cite":
        return f"/api/articles/{aid}/paragraphs/{draw(st.integers(-5, 10**20))}/cite?" + urlencode(draw(cite_args))
    if kind == "article_cite":
        return f"/api/articles/{aid}/cite?" + urlencode(draw(cite_args))
    if kind == "raw":  # bytes the encoder would never make
        raw = draw(st.binary(max_size=60))
        return "/?q=" + "".join(chr(b) if 0x21 <= b < 0x7f and chr(b) not in "#% " else f"%{b:02X}" for b in raw)
    return draw(st.sampled_from(["/help", "/healthz", "/api/openapi.json", "/static/kliping.css?v=x",
                                 "/api/", "/api/search/", "/articles/", "/nope", "/static/../app.py"]))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", type=Path)
    ap.add_argument("--requests", type=int, default=6000)
    ap.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    ap.add_argument("--seed", type=int, default=14)
    args = ap.parse_args()
    index = args.index or indosum_index()
    server = Server(index, args.workers)
    statuses: Counter = Counter()
    wrong: list[str] = []
    errors: list[str] = []
    rss: list[tuple[str, dict]] = []
    started = time.monotonic()
    try:
        time.sleep(1)
        rss.append(("before", server.rss_mb()))

        @settings(max_examples=args.requests, database=None, deadline=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck), derandomize=False)
        @given(paths())
        def one(path):
            try:
                status, body = request(server.port, path, timeout=30)
            except OSError as e:
                status, body = type(e).__name__, b""
            statuses[status] += 1
            n = sum(statuses.values())
            if n == args.requests // 2:
                rss.append(("half", server.rss_mb()))
            if not isinstance(status, int) or status >= 500:
                errors.append(f"{status} {path[:200]}")
                return
            if path.startswith("/api/") and "/cite" not in path and status not in (308, 414):  # a redirect
                # (Werkzeug's, of a path with doubled slashes) and gunicorn's 414 are not the app's
                try:
                    json.loads(body)
                except ValueError:
                    wrong.append(f"{status} not JSON: {path[:200]}")

        import random

        random.seed(args.seed)
        one()
        rss.append(("after", server.rss_mb()))
    finally:
        server.stop()
    total = sum(statuses.values())
    print(f"index {index}; workers {args.workers}; {time.monotonic() - started:.0f} s; load average {load_average()}")
    print(f"generated requests: {total:,}")
    print("statuses: " + ", ".join(f"{k}: {v:,}" for k, v in sorted(statuses.items(), key=lambda kv: str(kv[0]))))
    print(f"server errors (5xx or no answer): {len(errors)} (target 0)")
    for e in errors[:10]:
        print("  ", e)
    print(f"API responses that were not JSON: {len(wrong)}")
    for w in wrong[:5]:
        print("  ", w)
    for label, mb in rss:
        print(f"server RSS {label}: total {sum(mb.values()):.0f} MB (master first: {', '.join(f'{v:.0f}' for v in mb.values())})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
