"""The command line: build, add, remove, optimize, query, stats, stem and analyze.

Every domain error becomes one line on stderr saying what to do next, and a non-zero exit
status; never a traceback.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from search.engine import default_location, open_engine
from search.engine.base import MISSING, Engine
from search.errors import IndexMissing, IndexVersionMismatch, KlipingError
from search.settings import DEFAULT

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _engine(args) -> Engine:
    memory = getattr(args, "memory", None)
    return open_engine(args.index or default_location(), DEFAULT.with_(memory_mb=memory) if memory else DEFAULT)


def _field_map(pairs: list[str] | None) -> dict[str, str] | None:
    if not pairs:
        return None
    out = {}
    for item in ",".join(pairs).split(","):
        if not item.strip():
            continue
        if "=" not in item:
            raise KlipingError(f"--map takes FIELD=SOURCE_FIELD pairs, e.g. outlet=source; got '{item}'.")
        k, v = item.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def cmd_build(args) -> int:
    from search import ingest
    from search.indexing import parallel
    from search.indexing.progress import Progress

    engine = _engine(args)
    root = engine.location
    sources = args.sources or [str(SEEDS)]
    if args.if_missing:
        try:
            engine.check()
            if not args.quiet:
                print(f"Index in {root} is ready; not rebuilding.")
            return 0
        except IndexMissing:
            pass
        except IndexVersionMismatch as e:
            if [str(Path(s).resolve()) for s in engine.built_from()] != [str(SEEDS)]:
                raise KlipingError(e.message) from None
            print("The seed index was built by an older Kliping; rebuilding it.", file=sys.stderr)
    progress = Progress("Indexing (bytes)", total=ingest.total_bytes(sources))
    verbose = args.verbose
    outcomes = []

    def on_item(item):
        if args.report:  # kept only for the report (a build may read millions of inputs)
            outcomes.append(_outcome(item))
        if verbose:
            _report_item(item)

    # Reading and cleaning run in a forked child, overlapping with indexing (search.parallel).
    relay = parallel.Relay(progress.advance)
    items = parallel.prefetch(ingest.load(sources, field_map=_field_map(args.map), progress=relay), relay)
    try:
        report = engine.build(items, sources=[str(Path(s).resolve()) for s in sources],
                              on_item=on_item, wait=args.wait, allow_empty=False)
    finally:
        if hasattr(items, "close"):
            items.close()
    progress.close()
    for skipped in report.skipped:
        if not verbose:
            print(f"skipped {skipped.origin}: {skipped.reason}", file=sys.stderr)
    print(report.summary())
    if args.report:
        _write_report(args.report, {"command": "build", "index_dir": str(root),
                                    "seconds": round(report.seconds, 3),
                                    "counts": {"added": report.added, "skipped": len(report.skipped)},
                                    "items": outcomes})
    return 0


def _outcome(item) -> dict:
    from search.models import Skipped

    if isinstance(item, Skipped):
        return {"origin": item.origin, "outcome": "skipped", "reason": item.reason}
    return {"origin": item.origin, "outcome": "added", "id": item.id}


def _write_report(path: str, data: dict) -> None:
    Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"report written to {path}", file=sys.stderr)


def cmd_add(args) -> int:
    from search import ingest
    from search.indexing.progress import Progress

    progress = Progress("Adding (bytes)", total=ingest.total_bytes(args.sources))
    items = ingest.load(args.sources, field_map=_field_map(args.map), progress=progress.advance)
    report = _engine(args).add(items, wait=args.wait, on_item=_report_item if args.verbose else None)
    progress.close()
    _finish_update(args, report, "add")
    return 0


def cmd_remove(args) -> int:
    report = _engine(args).remove(args.ids, wait=args.wait)
    for o in report.outcomes:
        if o.outcome == MISSING:
            print(f"not found: {o.id}", file=sys.stderr)
    _finish_update(args, report, "remove")
    return 0


def cmd_optimize(args) -> int:
    engine = _engine(args)
    done = engine.optimize(wait=args.wait)
    segments, deleted = done["segments"], done["deleted"]
    if segments <= 1 and not deleted:
        print(f"{engine.location} is already one segment without deleted articles; nothing to do.")
    else:
        print(f"Merged {segments} segment{'s' if segments != 1 else ''} into one and dropped {deleted} "
              f"deleted article{'s' if deleted != 1 else ''} in {done['seconds']:.2f}s -> {engine.location}")
    return 0


def _finish_update(args, report, command: str) -> None:
    if not getattr(args, "verbose", False):
        for o in report.skipped:
            print(f"skipped {o.origin}: {o.reason}", file=sys.stderr)
    print(report.summary())
    if args.report:
        _write_report(args.report, {"command": command, **report.as_dict()})


def _report_item(item) -> None:
    from search.models import Skipped

    if isinstance(item, Skipped):
        print(f"skipped {item.origin}: {item.reason}", file=sys.stderr)
        return
    print(f"{item.id}: {len(item.paragraphs)} paragraphs from {item.origin}")
    for r in item.removed:
        text = r.text if len(r.text) <= 100 else r.text[:97] + "..."
        print(f"  removed {r.kind}: {text}")


def cmd_query(args) -> int:
    from search.present.i18n import format_date
    from search.present.jsonview import search_json
    from search.query.archive import Archive
    from search.query.params import SearchRequest

    raw = {"q": args.text, "outlet": args.outlet or [], "editor": args.editor or [], "tag": args.tag or [],
           "source": args.source or [], "from": args.date_from or "", "to": args.date_to or "",
           "sort": args.sort or "", "page": str(args.page), "per_page": str(args.per_page),
           "exact": "1" if args.exact else ""}
    req = SearchRequest.from_args(raw)
    resp = Archive(_engine(args)).search(req)
    if args.json:
        print(json.dumps(search_json(resp), ensure_ascii=False, indent=2))
        return 0
    read = resp.query.describe()
    found = f"{resp.total} article{'' if resp.total == 1 else 's'}" + (f" for {read}" if read else "")
    print(f"{found} ({resp.took_ms:.1f} ms)")
    for i, r in enumerate(resp.results, (req.page - 1) * req.per_page + 1):
        meta = " · ".join(x for x in (r.outlet, format_date(r.date, "en") if r.date else None) if x)
        print(f"\n{i}. {r.title}" + (f"  [{meta}]" if meta else "") + f"  {r.id}")
        for p in r.paragraphs:
            print(f"   ¶{p.n}: {_terminal(p.html)}")
    return 0


def _terminal(html_text: str) -> str:
    import html
    import re

    bold = sys.stdout.isatty()
    text = html_text.replace("<mark>", "\x1b[1m" if bold else "[").replace("</mark>", "\x1b[0m" if bold else "]")
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def cmd_stats(args) -> int:
    from search.query.archive import Archive

    stats = Archive(_engine(args)).stats()
    if args.json:
        print(json.dumps(stats, ensure_ascii=False, indent=2))
    else:
        for k, v in stats.items():
            print(f"{k:15} {v}")
    return 0


def cmd_stem(args) -> int:
    from search.text.stemmer import stem

    words = args.words or (w for line in sys.stdin for w in line.split())
    for w in words:
        print(f"{w}\t{stem(w.lower())}")
    return 0


def cmd_analyze(args) -> int:
    from search.text.analysis import analyze

    print(" ".join(analyze(args.text)))
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m search", description="Kliping: search an archive of Indonesian news.")
    sub = p.add_subparsers(dest="command", required=True)

    def with_index(sp):
        sp.add_argument("--index", metavar="DIR", help="index directory (default: $KLIPING_INDEX or index/)")
        return sp

    b = with_index(sub.add_parser("build", help="rebuild the index from files or directories (default: seeds/)"))
    b.add_argument("sources", nargs="*", metavar="SOURCE")
    b.add_argument("--map", action="append", metavar="FIELD=SRC", help="read FIELD from SRC in JSONL records")
    b.add_argument("--verbose", "-v", action="store_true", help="list each article and what cleaning removed")
    b.add_argument("--if-missing", action="store_true", help="build only when there is no usable index")
    b.add_argument("--quiet", "-q", action="store_true")
    b.add_argument("--wait", type=float, default=0.0, metavar="SECONDS", help="wait for another writer")
    b.add_argument("--report", metavar="FILE", help="write each input's outcome to FILE as JSON")
    b.add_argument("--memory", type=int, metavar="MB", help=f"about how much memory the build may use, all its "
                   f"processes together (default {DEFAULT.memory_mb}); postings past a share of it go to disk")
    b.set_defaults(func=cmd_build)

    ad = with_index(sub.add_parser("add", help="add new and update changed articles, without a rebuild"))
    ad.add_argument("sources", nargs="+", metavar="SOURCE")
    ad.add_argument("--map", action="append", metavar="FIELD=SRC", help="read FIELD from SRC in records")
    ad.add_argument("--verbose", "-v", action="store_true", help="list each article and what cleaning removed")
    ad.add_argument("--wait", type=float, default=0.0, metavar="SECONDS", help="wait for another writer")
    ad.add_argument("--report", metavar="FILE", help="write each input's outcome to FILE as JSON")
    ad.add_argument("--memory", type=int, metavar="MB", help=f"about how much memory the add may use "
                    f"(default {DEFAULT.memory_mb})")
    ad.set_defaults(func=cmd_add)

    rm = with_index(sub.add_parser("remove", help="delete articles by id"))
    rm.add_argument("ids", nargs="+", metavar="ID")
    rm.add_argument("--wait", type=float, default=0.0, metavar="SECONDS", help="wait for another writer")
    rm.add_argument("--report", metavar="FILE", help="write each id's outcome to FILE as JSON")
    rm.set_defaults(func=cmd_remove)

    op = with_index(sub.add_parser("optimize", help="merge the index into one segment (never needed for "
                                   "speed: adds merge segments as they go)"))
    op.add_argument("--wait", type=float, default=0.0, metavar="SECONDS", help="wait for another writer")
    op.set_defaults(func=cmd_optimize)

    q = with_index(sub.add_parser("query", help="search the index"))
    q.add_argument("text", nargs="?", default="")
    q.add_argument("--outlet", action="append")
    q.add_argument("--editor", action="append")
    q.add_argument("--tag", action="append")
    q.add_argument("--source", action="append")
    q.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
    q.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD")
    q.add_argument("--sort", choices=("relevance", "newest", "oldest"))
    q.add_argument("--page", type=int, default=1)
    q.add_argument("--per-page", type=int, default=10)
    q.add_argument("--exact", action="store_true", help="match every word exactly as typed (no stemming)")
    q.add_argument("--json", action="store_true", help="print the same JSON as GET /api/search")
    q.set_defaults(func=cmd_query)

    s = with_index(sub.add_parser("stats", help="what the index holds"))
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_stats)

    st = sub.add_parser("stem", help="print word<TAB>root (words from stdin when none are given)")
    st.add_argument("words", nargs="*")
    st.set_defaults(func=cmd_stem)

    an = sub.add_parser("analyze", help="print the index terms of a text")
    an.add_argument("text")
    an.set_defaults(func=cmd_analyze)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except KlipingError as e:
        print(f"error: {e.message}", file=sys.stderr)
        return 2 if e.status < 500 else 3
    except KeyboardInterrupt:
        print("interrupted; the served index is unchanged.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
