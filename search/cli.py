"""The command line: build, add, remove, optimize, query, stats, stem and analyze.

Every domain error becomes one line on stderr saying what to do next, and a non-zero exit
status; never a traceback. It speaks English, or Indonesian when LANG (LANGUAGE, LC_ALL,
LC_MESSAGES) says so: its words are the catalog's (search/present/words/cli.py); argparse's
own few words ("the following arguments are required") stay English.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from search.engine import default_location, open_engine
from search.engine.base import ADDED, MISSING, REMOVED, UNCHANGED, UPDATED, Engine
from search.errors import IndexMissing, IndexVersionMismatch, KlipingError
from search.present import i18n
from search.settings import DEFAULT

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _t(key: str, **kw) -> str:
    """A catalog message in the command line's language (i18n.env_lang)."""
    return i18n.t(key, i18n.env_lang(), **kw)


def _say(*parts: str, err: bool = False) -> None:
    print(*parts, file=sys.stderr if err else sys.stdout)


def _seconds(s: float) -> str:
    return i18n.format_number(s, i18n.env_lang(), 2)


def _engine(args) -> Engine:
    memory = getattr(args, "memory", None)
    location = getattr(args, "engine", None) or args.index or default_location()
    return open_engine(location, DEFAULT.with_(memory_mb=memory) if memory else DEFAULT)


def _field_map(pairs: list[str] | None) -> dict[str, str] | None:
    if not pairs:
        return None
    out = {}
    for item in ",".join(pairs).split(","):
        if not item.strip():
            continue
        if "=" not in item:
            raise KlipingError(f"--map takes FIELD=SOURCE_FIELD pairs, e.g. outlet=source; got '{item}'.",
                               key="bad_map", item=item)
        k, v = item.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def cmd_build(args) -> int:
    from search.indexing.progress import BUILD, Progress

    engine = _engine(args)
    root = engine.location
    sources = args.sources or [str(SEEDS)]
    if args.if_missing:
        try:
            engine.check()
            if not args.quiet:
                _say(_t("cli_ready", root=root))
            return 0
        except IndexMissing:
            pass
        except IndexVersionMismatch as e:
            if [str(Path(s).resolve()) for s in engine.built_from()] != [str(SEEDS)]:
                raise KlipingError(e.message, key=e.key, **e.params) from None
            _say(_t("cli_rebuild_seeds"), err=True)
    outcomes = []

    def on_item(item):
        if args.report:  # kept only for the report (a build may read millions of inputs)
            outcomes.append(_outcome(item))
        if args.verbose:
            _report_item(item)

    progress = Progress(BUILD)
    report = build_sources(engine, sources, field_map=_field_map(args.map), progress=progress,
                           on_item=on_item, wait=args.wait)
    progress.close()
    for skipped in report.skipped:
        if not args.verbose:
            _say(_t("cli_skipped", origin=skipped.origin, reason=skipped.reason), err=True)
    _say(_t("cli_built", added=_articles(report.added), root=report.index_dir, seconds=_seconds(report.seconds),
            skipped=_t("cli_built_skipped", n=len(report.skipped)) if report.skipped else "",
            removals=_pieces(report.removals)))
    if args.report:
        _write_report(args.report, {"command": "build", "index_dir": str(root),
                                    "seconds": round(report.seconds, 3),
                                    "counts": {"added": report.added, "skipped": len(report.skipped)},
                                    "items": outcomes})
    return 0


def build_sources(engine: Engine, sources: list[str], *, field_map: dict | None = None, progress=None,
                  on_item=None, wait: float = 0.0):
    """A full build from files as `build` runs it: reading and cleaning in a forked child
    (search.indexing.reading), the progress of every phase told to `progress` (phases
    search.indexing.progress.BUILD). bench/progress_eta.py runs builds through here too."""
    from search import ingest
    from search.indexing import reading
    from search.stories import storybook
    from search.text.analysis import analyzer

    if progress is not None:
        progress.start("index", ingest.total_bytes(sources))
    relay = reading.Relay(None if progress is None else (lambda n: progress.advance("index", n)))
    # the stories' and echoes' per-article reading (quotes, paragraph shapes, compounds) is done
    # in the child too: it has the time, this process's indexing has not
    an = analyzer(engine.settings)
    items = reading.prefetch(ingest.load(sources, field_map=field_map, progress=relay), relay,
                             prepare=lambda a: storybook.read_ahead(a, an))
    try:
        return engine.build(items, sources=[str(Path(s).resolve()) for s in sources], on_item=on_item,
                            wait=wait, allow_empty=False, progress=progress)
    finally:
        if hasattr(items, "close"):
            items.close()


def _articles(n: int) -> str:
    return _t("cli_articles_one" if n == 1 else "cli_articles", n=n)


def _pieces(n: int) -> str:
    return _t("cli_pieces_one" if n == 1 else "cli_pieces", n=n)


def _outcome(item) -> dict:
    from search.models import Skipped

    if isinstance(item, Skipped):
        return {"origin": item.origin, "outcome": "skipped", "reason": item.reason}
    flags = item.flags()
    for flag in flags:
        _say(_t("cli_warning", origin=item.origin, flag=flag), err=True)
    return {"origin": item.origin, "outcome": "added", "id": item.id, **({"flags": flags} if flags else {})}


def _write_report(path: str, data: dict) -> None:
    Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    _say(_t("cli_report", path=path), err=True)


def cmd_add(args) -> int:
    from search import ingest
    from search.indexing.progress import ADD, Progress

    progress = Progress(ADD)
    total = ingest.total_bytes(args.sources)
    progress.start("read", total)

    def read(n: int) -> None:
        progress.advance("read", n)
        if progress.state["read"].done >= total:  # every input read: the rest is the update
            progress.finish("read")
            progress.start("update")

    items = ingest.load(args.sources, field_map=_field_map(args.map), progress=read)
    report = _engine(args).add(items, wait=args.wait, on_item=_report_item if args.verbose else None)
    progress.finish("update")
    progress.close()
    _finish_update(args, report, "add")
    return 0


def cmd_remove(args) -> int:
    report = _engine(args).remove(args.ids, wait=args.wait)
    for o in report.outcomes:
        if o.outcome == MISSING:
            _say(_t("cli_not_found", id=o.id), err=True)
    _finish_update(args, report, "remove")
    return 0


def cmd_optimize(args) -> int:
    engine = _engine(args)
    done = engine.optimize(wait=args.wait)
    segments, deleted = done["segments"], done["deleted"]
    if segments <= 1 and not deleted:
        _say(_t("cli_optimized_nothing", root=engine.location))
    else:
        _say(_t("cli_optimized", segments=segments, deleted=deleted, seconds=_seconds(done["seconds"]),
                root=engine.location))
    return 0


def _finish_update(args, report, command: str) -> None:
    if not getattr(args, "verbose", False):
        for o in report.skipped:
            _say(_t("cli_skipped", origin=o.origin, reason=o.reason), err=True)
    for o in report.outcomes:
        for flag in o.flags or ():
            _say(_t("cli_warning", origin=o.origin, flag=flag), err=True)
    counts = [_t("cli_n_" + k.replace(" ", "_"), n=report.count(k))
              for k in (ADDED, UPDATED, UNCHANGED, REMOVED, MISSING)
              if report.count(k) or k in (ADDED, UPDATED, UNCHANGED)]
    counts.append(_t("cli_n_skipped", n=len(report.skipped)))
    _say(_t("cli_updated", counts=", ".join(counts), seconds=_seconds(report.seconds), root=report.index_dir)
         + ("" if report.committed else _t("cli_unwritten")))
    if args.report:
        _write_report(args.report, {"command": command, **report.as_dict()})


def _report_item(item) -> None:
    from search.models import Skipped

    if isinstance(item, Skipped):
        _say(_t("cli_skipped", origin=item.origin, reason=item.reason), err=True)
        return
    _say(_t("cli_item", id=item.id, n=len(item.paragraphs), origin=item.origin))
    for r in item.removed:
        text = r.text if len(r.text) <= 100 else r.text[:97] + "..."
        _say(_t("cli_item_removed", kind=r.kind, text=text))


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
    lang = i18n.env_lang()
    read = resp.query.describe()
    found = _t("cli_found_one" if resp.total == 1 else "cli_found", n=i18n.format_number(resp.total, lang))
    if read:
        found = _t("cli_found_for", found=found, read=read)
    _say(f"{found} ({i18n.format_number(resp.took_ms, lang, 1)} ms)")
    for i, r in enumerate(resp.results, (req.page - 1) * req.per_page + 1):
        meta = " · ".join(x for x in (r.outlet, format_date(r.date, lang) if r.date else None) if x)
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
        lang = i18n.env_lang()
        labels = {k: _t("stat_" + k) if i18n.MESSAGES["en"].get("stat_" + k) else k for k in stats}
        width = max(map(len, labels.values())) + 1
        for k, v in stats.items():
            if k in ("first_date", "last_date") and v:
                v = i18n.format_date(v, lang)
            elif k in ("built_at", "updated_at"):
                v = i18n.format_datetime(v, lang) if v else _t("about_never")
            elif isinstance(v, int):
                v = i18n.format_number(v, lang)
            print(f"{labels[k]:{width}} {v}")
    return 0


def cmd_postgres_init(args) -> int:
    from search.engine.postgres.shards import init

    for line in init(args.dsn, args.shard or []):
        print(line)
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


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, _t("cli_usage") if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse in the command line's language: the usage line, section titles, -h, errors."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = _t("cli_positionals")
        self._optionals.title = _t("cli_options")
        self.add_argument("-h", "--help", action="help", help=_t("cli_help"))

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: {_t('cli_error', message=message)}\n")


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m search", description=_t("cli_description"))
    sub = p.add_subparsers(dest="command", required=True)

    def with_index(sp):
        sp.add_argument("--index", metavar=_t("cli_dir_var"), help=_t("cli_index"))
        sp.add_argument("--engine", metavar=_t("cli_location_var"), help=_t("cli_engine"))
        return sp

    def writes(sp, report: str = "cli_report_opt"):
        sp.add_argument("--wait", type=float, default=0.0, metavar=_t("cli_seconds_var"), help=_t("cli_wait"))
        sp.add_argument("--report", metavar=_t("cli_file_var"), help=_t(report))
        return sp

    b = writes(with_index(sub.add_parser("build", help=_t("cli_build"), description=_t("cli_build"))))
    b.add_argument("sources", nargs="*", metavar=_t("cli_source_var"))
    b.add_argument("--map", action="append", metavar=_t("cli_map_var"), help=_t("cli_map"))
    b.add_argument("--verbose", "-v", action="store_true", help=_t("cli_verbose"))
    b.add_argument("--if-missing", action="store_true", help=_t("cli_if_missing"))
    b.add_argument("--quiet", "-q", action="store_true", help=_t("cli_quiet"))
    b.add_argument("--memory", type=int, metavar="MB", help=_t("cli_memory", mb=DEFAULT.memory_mb))
    b.set_defaults(func=cmd_build)

    ad = writes(with_index(sub.add_parser("add", help=_t("cli_add"), description=_t("cli_add"))))
    ad.add_argument("sources", nargs="+", metavar=_t("cli_source_var"))
    ad.add_argument("--map", action="append", metavar=_t("cli_map_var"), help=_t("cli_map"))
    ad.add_argument("--verbose", "-v", action="store_true", help=_t("cli_verbose"))
    ad.add_argument("--memory", type=int, metavar="MB", help=_t("cli_memory", mb=DEFAULT.memory_mb))
    ad.set_defaults(func=cmd_add)

    rm = writes(with_index(sub.add_parser("remove", help=_t("cli_remove"), description=_t("cli_remove"))),
                "cli_remove_report")
    rm.add_argument("ids", nargs="+", metavar="ID")
    rm.set_defaults(func=cmd_remove)

    op = with_index(sub.add_parser("optimize", help=_t("cli_optimize"), description=_t("cli_optimize")))
    op.add_argument("--wait", type=float, default=0.0, metavar=_t("cli_seconds_var"), help=_t("cli_wait"))
    op.set_defaults(func=cmd_optimize)

    q = with_index(sub.add_parser("query", help=_t("cli_query"), description=_t("cli_query")))
    q.add_argument("text", nargs="?", default="")
    for facet in ("outlet", "editor", "tag", "source"):
        q.add_argument("--" + facet, action="append")
    q.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
    q.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD")
    q.add_argument("--sort", choices=("relevance", "newest", "oldest"))
    q.add_argument("--page", type=int, default=1)
    q.add_argument("--per-page", type=int, default=10)
    q.add_argument("--exact", action="store_true", help=_t("cli_exact"))
    q.add_argument("--json", action="store_true", help=_t("cli_json"))
    q.set_defaults(func=cmd_query)

    s = with_index(sub.add_parser("stats", help=_t("cli_stats"), description=_t("cli_stats")))
    s.add_argument("--json", action="store_true", help=_t("cli_stats_json"))
    s.set_defaults(func=cmd_stats)

    pg = sub.add_parser("postgres", help=_t("cli_postgres"), description=_t("cli_postgres"))
    pgsub = pg.add_subparsers(dest="action", required=True)
    pi = pgsub.add_parser("init", help=_t("cli_postgres_init"), description=_t("cli_postgres_init"))
    pi.add_argument("--dsn", required=True, metavar="COORDINATOR", help=_t("cli_pg_dsn"))
    pi.add_argument("--shard", action="append", metavar="DSN", help=_t("cli_pg_shard"))
    pi.set_defaults(func=cmd_postgres_init)

    st = sub.add_parser("stem", help=_t("cli_stem"), description=_t("cli_stem"))
    st.add_argument("words", nargs="*")
    st.set_defaults(func=cmd_stem)

    an = sub.add_parser("analyze", help=_t("cli_analyze"), description=_t("cli_analyze"))
    an.add_argument("text")
    an.set_defaults(func=cmd_analyze)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except KlipingError as e:
        _say(_t("cli_error", message=i18n.error_message(e, i18n.env_lang())), err=True)
        return 2 if e.status < 500 else 3
    except KeyboardInterrupt:
        _say(_t("cli_interrupted"), err=True)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as e:  # a disk failure outside the writers' own handling: still one line
        where = f" ({e.filename})" if getattr(e, "filename", None) else ""
        print(f"error: {e.strerror or e}{where}. Nothing already indexed was changed.", file=sys.stderr)
        return 3
