"""The commands that write an archive: build, add, remove and optimize, and `postgres init`,
which readies a PostgreSQL server for one; with what they print (summaries, skipped inputs,
warnings, --verbose items) and their --report files. `build_sources` is a build from files as
`build` runs it.
"""
from __future__ import annotations

import json
from pathlib import Path

from search.cli_common import engine_of, message, say
from search.engine.base import ADDED, MISSING, REMOVED, UNCHANGED, UPDATED, Engine
from search.errors import IndexMissing, IndexVersionMismatch, KlipingError
from search.present import i18n

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _seconds(s: float) -> str:
    return i18n.format_number(s, i18n.env_lang(), 2)


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

    engine = engine_of(args)
    root = engine.location
    sources = args.sources or [str(SEEDS)]
    if args.if_missing:
        try:
            engine.check()
            if not args.quiet:
                say(message("cli_ready", root=root))
            return 0
        except IndexMissing:
            pass
        except IndexVersionMismatch as e:
            if [str(Path(s).resolve()) for s in engine.built_from()] != [str(SEEDS)]:
                raise KlipingError(e.message, key=e.key, **e.params) from None
            say(message("cli_rebuild_seeds"), err=True)
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
            say(message("cli_skipped", origin=skipped.origin, reason=skipped.reason), err=True)
    say(message("cli_built", added=_articles(report.added), root=report.index_dir, seconds=_seconds(report.seconds),
            skipped=message("cli_built_skipped", n=len(report.skipped)) if report.skipped else "",
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
    return message("cli_articles_one" if n == 1 else "cli_articles", n=n)


def _pieces(n: int) -> str:
    return message("cli_pieces_one" if n == 1 else "cli_pieces", n=n)


def _outcome(item) -> dict:
    from search.models import Skipped

    if isinstance(item, Skipped):
        return {"origin": item.origin, "outcome": "skipped", "reason": item.reason}
    flags = item.flags()
    for flag in flags:
        say(message("cli_warning", origin=item.origin, flag=flag), err=True)
    return {"origin": item.origin, "outcome": "added", "id": item.id, **({"flags": flags} if flags else {})}


def _write_report(path: str, data: dict) -> None:
    Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    say(message("cli_report", path=path), err=True)


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
    report = engine_of(args).add(items, wait=args.wait, on_item=_report_item if args.verbose else None)
    progress.finish("update")
    progress.close()
    _finish_update(args, report, "add")
    return 0


def cmd_remove(args) -> int:
    report = engine_of(args).remove(args.ids, wait=args.wait)
    for o in report.outcomes:
        if o.outcome == MISSING:
            say(message("cli_not_found", id=o.id), err=True)
    _finish_update(args, report, "remove")
    return 0


def cmd_optimize(args) -> int:
    engine = engine_of(args)
    done = engine.optimize(wait=args.wait)
    segments, deleted = done["segments"], done["deleted"]
    if segments <= 1 and not deleted:
        say(message("cli_optimized_nothing", root=engine.location))
    else:
        say(message("cli_optimized", segments=segments, deleted=deleted, seconds=_seconds(done["seconds"]),
                root=engine.location))
    return 0


def _finish_update(args, report, command: str) -> None:
    if not getattr(args, "verbose", False):
        for o in report.skipped:
            say(message("cli_skipped", origin=o.origin, reason=o.reason), err=True)
    for o in report.outcomes:
        for flag in o.flags or ():
            say(message("cli_warning", origin=o.origin, flag=flag), err=True)
    counts = [message("cli_n_" + k.replace(" ", "_"), n=report.count(k))
              for k in (ADDED, UPDATED, UNCHANGED, REMOVED, MISSING)
              if report.count(k) or k in (ADDED, UPDATED, UNCHANGED)]
    counts.append(message("cli_n_skipped", n=len(report.skipped)))
    say(message("cli_updated", counts=", ".join(counts), seconds=_seconds(report.seconds), root=report.index_dir)
         + ("" if report.committed else message("cli_unwritten")))
    if args.report:
        _write_report(args.report, {"command": command, **report.as_dict()})


def _report_item(item) -> None:
    from search.models import Skipped

    if isinstance(item, Skipped):
        say(message("cli_skipped", origin=item.origin, reason=item.reason), err=True)
        return
    say(message("cli_item", id=item.id, n=len(item.paragraphs), origin=item.origin))
    for r in item.removed:
        text = r.text if len(r.text) <= 100 else r.text[:97] + "..."
        say(message("cli_item_removed", kind=r.kind, text=text))


def cmd_postgres_init(args) -> int:
    from search.engine.postgres.shards import init

    for line in init(args.dsn, args.shard or []):
        print(line)
    return 0
