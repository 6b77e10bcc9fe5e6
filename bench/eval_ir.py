"""Retrieval evaluation: MRR@10 and Recall@10 on ../shared/eval/ir, three stemmers, one run.

Each set's passages are written as a JSONL file that search.ingest reads, built into a real
index, and searched through search.query.archive.Archive with a SearchRequest, exactly as the
web does. The stemmer (none, snowball = plain PyStemmer as in Elasticsearch's `indonesian`
analyzer, kliping = ours) and every tuning knob are passed as search.settings.Settings, each
stemmer in its own subprocess (in parallel). Not a unit test: it prints a table.

    .venv/bin/python bench/eval_ir.py [--sets facqa-dev tydiqa-id] [--limit N] [--jobs 2]
    .venv/bin/python bench/eval_ir.py --tune tydiqa-id   # sweep query-side and ranking knobs, ours only
    .venv/bin/python bench/eval_ir.py --engine postgres  # Kliping's analysis on the Whoosh and the
                                                         # PostgreSQL engine (a throwaway local server)
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

SHARED = Path(os.environ.get("KLIPING_SHARED") or Path(__file__).resolve().parents[2] / "shared")  # ../shared beside the repo

ROOT = Path(__file__).resolve().parent.parent
DATA = SHARED / "eval/ir"
SETS = ("facqa-dev", "tydiqa-id")
CONFIGS = (("none", "no stemming"), ("snowball", "PyStemmer (ES `indonesian`)"), ("kliping", "Kliping"))
K = 10


def read_tsv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return rows[1:]


#: Short names of the knobs a variant may set (`coord=0.5,prox=0`), for search.settings.Settings.
KNOBS = {"coord": "coord_scale", "twins": "exact_twins", "prox": "proximity", "top": "proximity_top",
         "coverage": "coverage_power", "answer": "answer_weight", "nearness": "answer_nearness"}


def variant_settings(base, variant: str):
    """`base` with a variant's knobs: `questions=off` drops no question framing, `phrases=off`
    drops question words only; the other names are KNOBS or Settings fields."""
    changes = []
    for knob in filter(None, variant.split(",")):
        key, value = knob.split("=")
        if key == "phrases":
            changes.append(f"questions={'words' if value == 'off' else 'phrases'}")
        elif key == "questions":
            changes.append(f"questions={'off' if value == 'off' else 'phrases'}")
        else:
            changes.append(f"{KNOBS.get(key, key)}={value}")
    return base.with_(",".join(changes))


def worker(name: str, stemmer: str, limit: int | None, variants: list[str] | None = None,
           engine: str = "whoosh") -> list[dict]:
    """Build and query one set with one stemmer; the metrics as dicts, one for each query-side
    variant (`coord=0.5`, `questions=off`; tuning only), on one index."""
    sys.path.insert(0, str(ROOT))

    from search import ingest
    from search.engine import open_engine
    from search.settings import Settings

    base = Settings(stemmer=stemmer)
    d = DATA / name
    qrels: dict[str, set[str]] = {}
    for qid, docid, rel in read_tsv(d / "qrels.tsv"):
        if int(rel) > 0:
            qrels.setdefault(qid, set()).add(docid)
    qs = [(qid, text) for qid, text in read_tsv(d / "queries.tsv") if qid in qrels][:limit]
    with tempfile.TemporaryDirectory(prefix=f"eval-{name}-") as tmp:
        src = Path(tmp) / "docs.jsonl"
        with (d / "docs.jsonl").open(encoding="utf-8") as f, src.open("w", encoding="utf-8") as out:
            for line in f:
                doc = json.loads(line)
                out.write(json.dumps({"id": doc["docid"], "paragraphs": [doc["text"]]}, ensure_ascii=False) + "\n")
        server = None
        location = str(Path(tmp) / "index")
        if engine == "postgres":
            from search.engine.postgres.local import LocalServer

            server = LocalServer.start()
            location = server.dsn
        try:
            t0 = time.perf_counter()
            report = open_engine(location, base).build(ingest.load([src]))
            build_s = time.perf_counter() - t0
            return _evaluate(name, stemmer, engine, location, base, qs, qrels, report, build_s, variants)
        finally:
            if server is not None:
                server.stop()


def _evaluate(name, stemmer, engine, location, base, qs, qrels, report, build_s, variants) -> list[dict]:
    """The metrics of one built archive, one dict per query-side variant."""
    from search.engine import open_engine
    from search.query.archive import Archive
    from search.query.params import SearchRequest

    out = []
    for variant in variants or [""]:
        settings = variant_settings(base, variant)
        arc = Archive(open_engine(location, settings), settings)
        rr = hits = empty = 0.0
        ranks: dict[str, int | None] = {}
        t0 = time.perf_counter()
        for qid, text in qs:
            resp = arc.search(SearchRequest(q=text, per_page=K))
            ranked = [r.id for r in resp.results]
            empty += not ranked
            rel = qrels[qid]
            first = next((i for i, doc in enumerate(ranked, 1) if doc in rel), None)
            ranks[qid] = first
            rr += 1.0 / first if first else 0.0
            hits += len(rel & set(ranked)) / len(rel)
        query_s = time.perf_counter() - t0
        arc_version = arc.stats()["schema_version"]
        arc.close()
        n = len(qs)
        if os.environ.get("KLIPING_EVAL_RANKS"):  # --ranks: one file per set and analysis
            tag = f"{stemmer}{'.' + engine if engine != 'whoosh' else ''}{variant and '.' + variant}"
            where = Path(os.environ["KLIPING_EVAL_RANKS"]) / f"{name}.{tag}.json"
            where.write_text(json.dumps(ranks, indent=0), encoding="utf-8")
        out.append({"set": name, "stemmer": stemmer, "engine": engine, "version": arc_version,
                    "variant": variant, "queries": n, "docs": report.added,
                    "skipped": len(report.skipped), "mrr": rr / n, "recall": hits / n,
                    "empty": int(empty), "build_s": round(build_s, 1),
                    "ms_per_query": round(1000 * query_s / max(1, n), 1)})
    return out


def run_one(name: str, config: str, limit: int | None, variants: list[str] | None = None,
            engine: str = "whoosh") -> list[dict]:
    cmd = [sys.executable, __file__, "--worker", name, "--stemmer", config, "--engine", engine] \
        + (["--limit", str(limit)] if limit else [])
    cmd += ["--variants", *variants] if variants else []
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if out.returncode:
        raise SystemExit(f"{name}/{config} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


TUNING = ["", "questions=off", "phrases=off", "coord=0", "twins=off", "prox=0", "prox=2",
          "coverage=0", "k1=1.2,b=0.75", "k1=0.9,b=0.75", "k1=1.2,b=0.6",
          "answer=0,nearness=0", "answer=0", "nearness=0", "answer=1,nearness=1", "answer=2,nearness=2",
          "answer=4,nearness=4", "answer=3,nearness=4", "answer=6,nearness=2"]


def tune(name: str, limit: int | None) -> None:
    """Sweep the query-side and ranking knobs on one set with our stemmer (the default first)."""
    print(f"tuning on {name} (Kliping stemmer), MRR@10 / R@10 per variant; default = shipped settings")
    for r in run_one(name, "kliping", limit, TUNING):
        print(f"  {r['variant'] or 'default':16} {r['mrr']:.4f} {r['recall']:.4f}  empty={r['empty']}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sets", nargs="+", default=list(SETS), choices=SETS)
    ap.add_argument("--limit", type=int, help="first N queries of each set (a quick look)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--tune", metavar="SET", choices=SETS, help="sweep query-side and ranking knobs on SET")
    ap.add_argument("--ranks", metavar="DIR", type=Path,
                    help="write each query's rank of its first relevant passage (null: not in the top 10) to DIR")
    ap.add_argument("--worker", metavar="SET", help=argparse.SUPPRESS)
    ap.add_argument("--variants", nargs="+", help=argparse.SUPPRESS)
    ap.add_argument("--stemmer", default="kliping", help=argparse.SUPPRESS)
    ap.add_argument("--engine", choices=("whoosh", "postgres"), default="whoosh",
                    help="postgres: Kliping's analysis on both engines, side by side")
    args = ap.parse_args()
    if args.ranks:
        args.ranks.mkdir(parents=True, exist_ok=True)
        os.environ["KLIPING_EVAL_RANKS"] = str(args.ranks.resolve())
    if args.worker:
        print(json.dumps(worker(args.worker, args.stemmer, args.limit, args.variants, args.engine)))
        return
    if args.engine == "postgres":
        compare_engines(args)
        return
    if args.tune:
        tune(args.tune, args.limit)
        return
    jobs = [(s, c) for s in args.sets for c, _ in CONFIGS]
    with ThreadPoolExecutor(args.jobs) as pool:
        results = [r[0] for r in pool.map(lambda job: run_one(*job, args.limit), jobs)]
    labels = dict(CONFIGS)
    print(f"{'set':11} {'analysis':29} {'MRR@10':>7} {'R@10':>7} {'empty':>6} {'queries':>8} "
          f"{'docs':>6} {'build s':>8} {'ms/q':>6}")
    for r in results:
        print(f"{r['set']:11} {labels[r['stemmer']]:29} {r['mrr']:7.4f} {r['recall']:7.4f} {r['empty']:6d} "
              f"{r['queries']:8d} {r['docs']:6d} {r['build_s']:8.1f} {r['ms_per_query']:6.1f}")
    for s in args.sets:
        rows = {r["stemmer"]: r for r in results if r["set"] == s}
        best = max(rows.values(), key=lambda r: r["mrr"])["stemmer"]
        print(f"{s}: best MRR@10 is {labels[best]}" + ("" if best == "kliping" else "  <-- Kliping does not win"))


def compare_engines(args) -> None:
    """Kliping's analysis and ranking on the Whoosh engine and on the PostgreSQL engine."""
    jobs = [(s, e) for s in args.sets for e in ("whoosh", "postgres")]
    with ThreadPoolExecutor(args.jobs) as pool:
        results = [r[0] for r in pool.map(lambda job: run_one(job[0], "kliping", args.limit, None, job[1]), jobs)]
    print(f"{'set':11} {'engine':10} {'MRR@10':>7} {'R@10':>7} {'empty':>6} {'queries':>8} {'docs':>6} "
          f"{'build s':>8} {'ms/q':>6}")
    for r in results:
        print(f"{r['set']:11} {r['engine']:10} {r['mrr']:7.4f} {r['recall']:7.4f} {r['empty']:6d} {r['queries']:8d} "
              f"{r['docs']:6d} {r['build_s']:8.1f} {r['ms_per_query']:6.1f}")
    for s in args.sets:
        w, p = (next(r for r in results if r["set"] == s and r["engine"] == e) for e in ("whoosh", "postgres"))
        delta = p["mrr"] - w["mrr"]
        print(f"{s}: MRR@10 postgres - whoosh = {delta:+.4f}" + ("" if abs(delta) <= 0.01 else "  <-- more than 0.01"))


if __name__ == "__main__":
    main()
