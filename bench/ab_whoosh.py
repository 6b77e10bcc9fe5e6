"""A/B of Kliping's fast path over Whoosh 2.7.4's internals against Whoosh's public path
(search.engine.whoosh.compat), every figure from one run in one process.

    python bench/ab_whoosh.py                        # IndoSum (3.5k): prints the Markdown section
    python bench/ab_whoosh.py --sizes 3.5k,35k       # also the 35k re-deal (bench/redeal.py)
    python bench/ab_whoosh.py --write BENCHMARKS.md  # and puts it between the section's markers
    python bench/ab_whoosh.py --json FILE            # the results, for bench/run.py and report.py

Per corpus:
- build: the same Whoosh documents (build.document of each article, loaded and cleaned
  beforehand) written through writer.open_writer on each path: FastWriter, or Whoosh's own
  SegmentWriter (its pool spilling past writer.PUBLIC_POOL_MB); add_document for each, then
  commit(optimize=True). Wall time and index size. One untimed build per path comes first (the
  stemmer's word cache is then equally warm for both), then the paths alternate.
- postings: the whole posting lists of the terms of bench/queries.txt, and of the 20 commonest
  body terms, read with postings.read on each path (block decoder / Whoosh's matcher).
- match + BM25 top 10: every distinct query of bench/queries.txt (filters left out):
  matching.match_docs + scoring.BulkScorer.bm25 + scoring.best, on each path, against Whoosh's
  own searcher.search(q, limit=10) under scoring.weighting(). Queries BulkScorer cannot score
  (prefixes) are ranked by Whoosh as search.archive does. Each pass opens a fresh searcher
  untimed and loads the field lengths untimed (a server does both once), so every pass starts
  with empty caches; the query list is one pass.
Times are medians of --reps passes (min-max); the order of the paths rotates every pass.
Only the standard library is imported at module level: bench/report.py renders `markdown`.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BEGIN, END = "<!-- ab_whoosh -->", "<!-- /ab_whoosh -->"
INDOSUM = HERE.parent.parent / "shared" / "corpora" / "indosum" / "articles.jsonl"
MAP = {"outlet": "source", "url": "source_url", "date": "date_from_id_timestamp", "tags": "category"}
PATHS = ("fast", "public")


def log(*a) -> None:
    print(f"[{time.strftime('%H:%M:%S')}]", *a, file=sys.stderr, flush=True)


def stats(xs: list[float]) -> dict:
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs), "n": len(xs)}


def dir_size(p: Path) -> int:
    return sum(f.stat().st_size for f in p.rglob("*") if f.is_file())


def query_texts(path: Path) -> list[str]:
    """The distinct non-empty `q` values of bench/queries.txt, in order."""
    out: dict[str, None] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            for part in line.split("&"):
                k, _, v = part.partition("=")
                if k.strip() == "q" and v.strip():
                    out[v.strip()] = None
    return list(out)


# ------------------------------------------------------------------------------ measuring
def measure(label: str, source: Path, reps: int, work: Path) -> dict:
    from whoosh import index as whoosh_index
    from whoosh import query as wq
    from whoosh.filedb.filestore import FileStorage

    from search import ingest
    from search.engine.whoosh import compat, postings, scoring
    from search.engine.whoosh.build import document
    from search.engine.whoosh.matching import match_docs
    from search.engine.whoosh.schema import schema
    from search.engine.whoosh.translate import to_whoosh
    from search.engine.whoosh.writer import FastWriter, open_writer
    from search.query.parse import parse_query
    from search.settings import DEFAULT

    if not compat.SUPPORTED:
        raise SystemExit(f"no fast path to compare: {compat.REASON}")
    res: dict = {"label": label, "source": source.name, "reps": reps}
    log(f"{label}: loading {source}")
    docs = [document(a) for a in ingest.load([source], field_map=MAP) if not hasattr(a, "reason")]
    res["articles"] = len(docs)
    loads: list[float] = []  # the 1-minute load average before each timed step

    def build(path: str, root: Path) -> float:
        loads.append(os.getloadavg()[0])
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        ix = whoosh_index.create_in(str(root), schema(DEFAULT))
        gc.collect()
        with compat.use_public(path == "public"):
            started = time.perf_counter()
            w = open_writer(ix)
            for d in docs:
                w.add_document(**d)
            w.commit(optimize=True)
            took = time.perf_counter() - started
        assert (type(w) is FastWriter) == (path == "fast"), type(w)
        return took

    # -- builds
    roots = {p: work / f"ab-{label}-{p}" for p in PATHS}
    for p in PATHS:
        log(f"{label}: untimed {p} build")
        build(p, roots[p])
    times: dict[str, list[float]] = {p: [] for p in PATHS}
    for i in range(reps):
        for p in PATHS[i % 2:] + PATHS[:i % 2]:
            times[p].append(build(p, roots[p]))
            log(f"{label}: {p} build {i + 1}/{reps}: {times[p][-1]:.2f} s")
    res["build"] = {p: stats(times[p]) for p in PATHS}
    res["size_mb"] = {p: dir_size(roots[p]) / 1e6 for p in PATHS}

    ixs = {p: FileStorage(str(roots[p]), supports_mmap=False).open_index() for p in PATHS}
    readers = {p: ixs[p].reader() for p in PATHS}
    r = readers["fast"]
    res["same_postings"] = r.doc_count_all() == readers["public"].doc_count_all() and all(
        postings.read(r, f, t.decode("utf-8"), values=True)
        == postings.read(readers["public"], f, t.decode("utf-8"), values=True)
        for f in ("body", "exact", "answer") for t in r.lexicon(f))
    readers["public"].close()

    # -- whole posting lists
    texts = query_texts(HERE / "queries.txt")
    parsed = [(t, parse_query(t)) for t in texts]
    terms = sorted({(f, x if isinstance(x, str) else x.decode("utf-8"))
                    for _, pq in parsed if pq.query is not None
                    for f, x in to_whoosh(pq.query).iter_all_terms(phrases=True)
                    if (f, x) in r and f in ("body", "exact")})
    common = [("body", t.decode("utf-8")) for _, t in r.most_frequent_terms("body", 20)]
    sets = {"query": terms, "common": common}
    res["postings"] = {}
    for name, ts in sets.items():
        n = sum(len(postings.read(r, f, t)[0]) for f, t in ts)
        took: dict[str, list[float]] = {p: [] for p in PATHS}
        for i in range(reps + 1):  # the first pass warms the page cache, untimed
            for p in PATHS[i % 2:] + PATHS[:i % 2]:
                gc.collect()
                loads.append(os.getloadavg()[0])
                with compat.use_public(p == "public"):
                    started = time.perf_counter()
                    for f, t in ts:
                        postings.read(r, f, t)
                    if i:
                        took[p].append((time.perf_counter() - started) * 1000)
        res["postings"][name] = {"terms": len(ts), "postings": n, **{p: stats(took[p]) for p in PATHS}}
    r.close()

    # -- match + BM25 top 10
    queries = [(t, to_whoosh(pq.query)) for t, pq in parsed if pq.query is not None and not pq.is_browse]
    weighting = scoring.weighting()

    def kliping_pass(p: str) -> tuple[float, dict]:
        with compat.use_public(p == "public"), ixs["fast"].searcher(weighting=weighting) as s:
            scorer = scoring.BulkScorer(s)
            for f in ("body", "exact"):
                scorer.warm(f)
            live = frozenset(s.reader().all_doc_ids())
            tops = {}
            gc.collect()
            started = time.perf_counter()
            for t, q in queries:
                matched = match_docs(s, q, live)
                scores = scorer.bm25(q, matched)
                if scores is not None:
                    tops[t] = scoring.best(scores, 10)
                elif matched:  # a prefix: Whoosh ranks it, as search.archive does
                    tops[t] = s.search(q, limit=10, filter=set(matched), terms=False).top_n
                else:
                    tops[t] = []
            return (time.perf_counter() - started) * 1000, tops

    def whoosh_pass() -> tuple[float, dict]:
        with ixs["fast"].searcher(weighting=weighting) as s:
            tops = {}
            gc.collect()
            started = time.perf_counter()
            for t, q in queries:
                tops[t] = s.search(q, limit=10).top_n
            return (time.perf_counter() - started) * 1000, tops

    systems = {"fast": lambda: kliping_pass("fast"), "public": lambda: kliping_pass("public"),
               "whoosh": whoosh_pass}
    order = list(systems)
    took = {k: [] for k in systems}
    tops: dict[str, dict] = {}
    for i in range(reps + 1):  # the first pass warms the page cache, untimed
        for k in order[i % 3:] + order[:i % 3]:
            loads.append(os.getloadavg()[0])
            ms, tops[k] = systems[k]()
            if i:
                took[k].append(ms)
    if tops["fast"] != tops["public"]:
        raise SystemExit("the fast and public paths ranked differently: a bug")
    with ixs["fast"].searcher(weighting=weighting) as s:  # untimed: Whoosh's full ranking
        tops["full"] = {t: s.search(q, limit=None).top_n[:10] for t, q in queries}
    docs = {k: {t: [d for _, d in top] for t, top in v.items()} for k, v in tops.items()}
    differ = {t: _why(q, wq, tops["fast"][t], tops["whoosh"][t], tops["full"][t])
              for t, q in queries if docs["fast"][t] != docs["whoosh"][t]}
    res["search"] = {"queries": len(queries), **{k: stats(v) for k, v in took.items()}, "differ": differ,
                     "same_as_full": sum(docs["fast"][t] == docs["full"][t] for t, _ in queries)}
    res["load"] = [min(loads), max(loads)]
    for ix in ixs.values():
        ix.close()
    for root in roots.values():
        shutil.rmtree(root, ignore_errors=True)
    return res


def _why(q, wq, ours: list, top: list, full: list) -> str:
    """Why Kliping's top 10 (score, doc) of `q` differs from Whoosh's search(limit=10), as far as
    this can tell: Whoosh's full ranking (limit=None) agrees with Kliping, the scores are equal
    and only ties are ordered otherwise, or `q` holds what Kliping scores differently on purpose
    (search/engine/whoosh/scoring.py); "" if none of these."""
    def has_dismax(x):
        return isinstance(x, wq.DisjunctionMax) or any(has_dismax(c) for c in x.children())
    if [d for _, d in ours] == [d for _, d in full]:
        return "Whoosh's own full ranking (`limit=None`) has Kliping's top 10"
    if len(ours) == len(top) and all(abs(a - b) <= 1e-9 * max(1.0, abs(a)) for (a, _), (b, _) in zip(ours, top)):
        return "equal scores, ties in another order"
    if has_dismax(q):
        return "a synonym's disjunction-max, which Kliping scores by each document's best alternative"
    if isinstance(q, wq.Or) and q.scale and any(c.children() for c in q.subqueries):
        return "a coordination bonus over compound clauses, which Kliping counts per clause"
    return ""


def run(sizes: list[str], reps: int, work: Path) -> dict:
    from importlib import metadata

    import redeal

    out = {"date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"), "rev": git_rev(),
           "python": platform.python_version(), "whoosh": metadata.version("Whoosh"),
           "cores": os.cpu_count(), "sizes": []}
    started = time.time()
    for label in sizes:
        if label in ("3.5k", "indosum"):
            src = INDOSUM
        else:
            n = 34630 if label == "35k" else int(float(label.rstrip("k")) * (1000 if label.endswith("k") else 1))
            src = redeal.ensure(n, HERE / "work" / f"redeal-{label}.jsonl")  # shared with bench/run.py
        out["sizes"].append(measure(label, src, reps, work))
    out["minutes"] = (time.time() - started) / 60
    return out


def git_rev() -> str:
    import search
    repo = Path(search.__file__).resolve().parent.parent
    if repo.name.startswith("src-"):
        return repo.name[4:] + " (clean export)"
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=repo, capture_output=True,
                             text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "search"],
                               cwd=repo, capture_output=True, text=True).stdout.strip()
        return rev + (" (search/ modified)" if dirty else "")
    except OSError:
        return "?"


# ------------------------------------------------------------------------------ reporting
def _mm(s: dict, nd: int = 1) -> str:
    return f"{s['median']:,.{nd}f} ({s['min']:,.{nd}f}–{s['max']:,.{nd}f})"


def _r(a: dict, b: dict) -> str:
    return f"{a['median'] / b['median']:.2f}×" if b["median"] else "–"


def markdown(res: dict) -> str:
    """The section, markers included."""
    L = [BEGIN, "## Whoosh internals: fast path against Whoosh's public path (A/B)\n"]
    if "error" in res:
        return "\n".join(L + [f"Not measured in this run: {res['error']}\n", END])
    L.append(f"Written by `bench/ab_whoosh.py` on {res['date']} (Kliping {res['rev']}, Whoosh "
             f"{res['whoosh']}, Python {res['python']}); the A/B took {res['minutes']:.1f} min. Both "
             "sides of every row come from this one run, in one process. The fast path reaches into "
             "Whoosh 2.7.4's internals (`search/engine/whoosh/compat.py` checks them at import); the "
             "public path is what Kliping falls back to when they differ (`KLIPING_WHOOSH_PUBLIC=1` "
             "forces it). Times are medians (min–max) of the passes; ratio = fast ÷ other.\n")
    for s in res["sizes"]:
        b, p, q = s["build"], s["postings"], s["search"]
        L.append(f"### {s['label']}: {s['articles']:,} articles, {b['fast']['n']} builds and "
                 f"{p['query'][PATHS[0]]['n']} read/search passes per side\n")
        L.append("| measurement | fast path | other | other is | fast ÷ other |")
        L.append("|---|---|---|---|---|")
        L.append(f"| build s (add_document ×{s['articles']:,} + commit) | {_mm(b['fast'], 2)} | "
                 f"{_mm(b['public'], 2)} | Whoosh's SegmentWriter | {_r(b['fast'], b['public'])} |")
        L.append(f"| index size MB | {s['size_mb']['fast']:.1f} | {s['size_mb']['public']:.1f} | "
                 f"Whoosh's SegmentWriter | {s['size_mb']['fast'] / s['size_mb']['public']:.2f}× |")
        for key, title in (("query", "terms of the bench queries"), ("common", "commonest body terms")):
            x = p[key]
            L.append(f"| read whole posting lists, ms: {x['terms']} {title} ({x['postings']:,} "
                     f"postings) | {_mm(x['fast'], 2)} | {_mm(x['public'], 2)} | Whoosh's matcher | "
                     f"{_r(x['fast'], x['public'])} |")
        L.append(f"| match + BM25 top 10, ms: {q['queries']} bench queries | {_mm(q['fast'])} | "
                 f"{_mm(q['whoosh'])} | Whoosh's `searcher.search(q, limit=10)` | {_r(q['fast'], q['whoosh'])} |")
        L.append(f"| the same, Kliping on the public path | {_mm(q['fast'])} | {_mm(q['public'])} | "
                 f"`match_docs` + `BulkScorer` via the matcher | {_r(q['fast'], q['public'])} |")
        L.append("")
        same = "the same postings" if s["same_postings"] else "**DIFFERENT postings**"
        notes = [f"Both writers' indexes hold {same} (every term of body, exact and answer read "
                 "back and compared)", "the fast and public paths rank every query identically"]
        n_diff = len(q["differ"])
        notes.append(f"Kliping's top 10 equals that of Whoosh's `search(limit=10)` for {q['queries'] - n_diff} "
                     f"of {q['queries']} queries and that of Whoosh's full ranking (`limit=None`) for "
                     f"{q['same_as_full']}" + (" (differing: " + ", ".join(
                         f"`{t}`" + (f": {why}" if why else ": no reason found")
                         for t, why in q["differ"].items()) + ")" if n_diff else ""))
        L.append("; ".join(notes) + ". Whoosh's `search(limit=10)` counts matches only as far as "
                 "it needs them; Kliping's match set is complete (its total is exact). Machine load "
                 f"(1-minute average; {res.get('cores', '?')} cores, shared with other work) before the timed "
                 f"steps: {s['load'][0]:.1f}–{s['load'][1]:.1f}.\n")
    L.append(END)
    return "\n".join(L)


def put_section(text: str, section: str) -> str:
    """`text` with the section between the markers replaced, or inserted before `## Method`
    (or at the end) when it has none."""
    found = re.search(re.escape(BEGIN) + r".*?" + re.escape(END), text, flags=re.S)
    if found:
        return text[:found.start()] + section + text[found.end():]
    i = text.find("\n## Method")
    if i < 0:
        return text.rstrip("\n") + "\n\n" + section + "\n"
    return text[:i + 1] + section + "\n\n" + text[i + 1:]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--sizes", default="3.5k", help="comma list: 3.5k (IndoSum), 35k or Nk (re-deals)")
    ap.add_argument("--reps", type=int, default=5, help="timed builds and passes per side (default 5)")
    ap.add_argument("--repo", type=Path, default=HERE.parent, help="the Kliping checkout to measure")
    ap.add_argument("--work", type=Path, default=None, help="where indexes go (default: a temporary dir)")
    ap.add_argument("--json", type=Path, help="write the results here")
    ap.add_argument("--write", type=Path, metavar="MD", help="put the section into this Markdown file")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(args.repo.resolve()))
    sys.path.insert(1, str(HERE))
    work = args.work or Path(tempfile.mkdtemp(prefix="ab_whoosh-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        res = run([s.strip() for s in args.sizes.split(",") if s.strip()], args.reps, work)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(res, indent=1, ensure_ascii=False), encoding="utf-8")
    section = markdown(res)
    if args.write:
        args.write.write_text(put_section(args.write.read_text(encoding="utf-8"), section), encoding="utf-8")
        log(f"wrote the section into {args.write}")
    print(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
