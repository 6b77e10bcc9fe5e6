"""The PostgreSQL builder: Article records in, a new generation of tables out, published at once.

Rows are streamed with COPY as articles arrive: into the coordinator's own table on one node, or
straight into each shard's table, routed by PostgreSQL's own hash partitioning
(`satisfies_hash_partition`, asked of the coordinator a batch at a time), so the shards load in
parallel instead of one row at a time through postgres_fdw. Indexes are made after the load,
on every shard at once. The echo join, judged, with the story clusters and the quote book
(search.stories.storybook: the Whoosh engine's very steps, run in a temporary folder whose
files are then kept in the `files` table), the lexicon and the input fingerprints go to the
coordinator; then one update of the meta row publishes the generation.
A failed or interrupted build drops its tables; the served generation never changes under it.
"""
from __future__ import annotations

import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from pathlib import Path

import psycopg

from search.engine.base import BuildReport
from search.engine.postgres import files, store
from search.engine.postgres.connect import connect, redact
from search.engine.postgres.schema import (
    DOC_COLUMNS,
    coordinator_ddl,
    docs_ddl,
    docs_indexes,
    lexeme_field,
    row,
    schema_version,
    table,
)
from search.errors import IngestError
from search.indexing.licences import licences
from search.indexing.reading import prepared
from search.ingest import fingerprints
from search.models import Article, Skipped
from search.settings import Settings
from search.stories import echoes, storybook
from search.text.analysis import analyzer

BATCH = 2000  # rows routed to shards per look-up of their partitions
COPY_DOCS = f"COPY {{}} ({', '.join(DOC_COLUMNS)}) FROM STDIN"


def build(dsn: str, items: Iterable[Article | Skipped], settings: Settings, *, sources=None,
          on_item: Callable | None = None, wait: float = 0.0, allow_empty: bool = True) -> BuildReport:
    started = time.perf_counter()
    report = BuildReport(index_dir=redact(dsn))
    with connect(dsn) as conn, store.WriterLock(conn, dsn, wait):
        store.ensure_meta(conn)
        old = _current(conn)
        gen = conn.execute("SELECT nextval('kliping_generation')").fetchone()[0]
        shard_list = store.shards(conn)
        shard_conns = [connect(d) for _, _, d in shard_list]
        try:
            meta = _load(conn, shard_conns, shard_list, gen, items, settings, report, on_item)
            if not report.added and not allow_empty:
                reasons = "; ".join(f"{s.origin}: {s.reason}" for s in report.skipped[:3])
                raise IngestError(f"Nothing to index ({len(report.skipped)} input(s) skipped"
                                  + (f": {reasons}" if reasons else "")
                                  + f"). The archive in {redact(dsn)} is unchanged.")
            meta.update(sources=[str(s) for s in (sources or [])], built_at=store.now(),
                        licences=licences(sources or []))
            with conn.transaction():
                store.write_meta(conn, meta)
            keep = [gen] + ([old["gen"]] if old else [])
            store.prune([conn, *shard_conns], keep[:store.KEEP_GENERATIONS])
        except BaseException:
            for c in [conn, *shard_conns]:
                try:
                    store.drop_generation(c, gen)
                except psycopg.Error:
                    pass
            raise
        finally:
            for c in shard_conns:
                c.close()
    report.seconds = time.perf_counter() - started
    return report


def _current(conn) -> dict | None:
    try:
        return store.read_meta(conn, "")
    except Exception:
        return None


def _load(conn, shard_conns, shard_list, gen: int, items, settings: Settings, report: BuildReport,
          on_item) -> dict:
    an = analyzer(settings)
    docs = table("docs", gen)
    for stmt in coordinator_ddl(gen):
        conn.execute(stmt)
    if shard_conns:
        for c in shard_conns:
            c.execute(docs_ddl(docs))
        conn.execute(docs_ddl(docs) + " PARTITION BY HASH (id)")
        for n, server, _ in shard_list:
            conn.execute(f"CREATE FOREIGN TABLE {docs}_p{n} PARTITION OF {docs} FOR VALUES WITH "
                         f"(MODULUS {len(shard_list)}, REMAINDER {n}) SERVER {server} "
                         f"OPTIONS (table_name '{docs}')")
    else:
        conn.execute(docs_ddl(docs))
    df: Counter = Counter()
    total_len, total_tlen, seq = 0, 0, 0
    echo_table = echoes.EchoTable(an)
    work = tempfile.TemporaryDirectory()  # the layers' files, made here and saved into tables
    folder = Path(work.name)
    story_table = storybook.StoryTable.spooled(folder)  # quotes, paragraph features, headlines
    try:
        targets = shard_conns or [conn]
        with ExitStack() as stack:
            copies = [stack.enter_context(c.cursor().copy(COPY_DOCS.format(docs))) for c in targets]
            pending: list[tuple] = []

            def flush():
                if not pending:
                    return
                where = _route(conn, docs, [r[0] for r in pending], len(targets)) if shard_conns else [0] * len(pending)
                for r, t in zip(pending, where):
                    copies[t].write_row(r)
                pending.clear()

            for item in items:
                if isinstance(item, Skipped):
                    report.skipped.append(item)
                else:
                    values, found, text = row(an, item, seq)
                    seq += 1
                    pending.append(values)
                    df.update(found.keys())
                    total_len += values[DOC_COLUMNS.index("len")]
                    total_tlen += values[DOC_COLUMNS.index("tlen")]
                    ahead = prepared(items, item.id)  # what the reading child worked out, if it did
                    echo_table.collect(item, an.paragraph_stems(text, skip=1 if item.title else 0,
                                                                count=len(item.paragraphs)),
                                       ahead and ahead.compounds)
                    story_table.collect(item, an, ahead)
                    report.added += 1
                    report.removals += len(item.removed)
                    if len(pending) >= BATCH:
                        flush()
                if on_item:
                    on_item(item)
            flush()
        indexing = _index(targets, docs)  # on the servers, while the echo join runs here
        try:
            storybook.finish_build(echo_table, story_table, folder, 0)
        finally:
            indexing()
        save_echoes(conn, gen, 0, folder)
    finally:
        work.cleanup()
    with conn.cursor().copy(f"COPY {table('lexicon', gen)} (term, field, df) FROM STDIN") as cp:
        for term, n in df.items():
            cp.write_row((term, lexeme_field(term), n))
    prints = getattr(items, "prints", None)
    if isinstance(prints, fingerprints.Prints) and prints.seen:
        with conn.cursor().copy(f"COPY {table('prints', gen)} (id, fp) FROM STDIN") as cp:
            for i, fp in prints.seen.items():
                cp.write_row((i, fp))
    conn.execute(f"ANALYZE {table('lexicon', gen)}")
    return {"gen": gen, "commit": 0, "schema_version": schema_version(settings), "docs": report.added,
            "total_len": total_len, "total_tlen": total_tlen, "next_seq": seq, "shards": [s for _, s, _ in shard_list],
            "rules": fingerprints.RULES_KEY, "updated_at": None}


def _route(conn, docs: str, ids: list[str], modulus: int) -> list[int]:
    """The shard of each id under the coordinator's hash partitioning, in order."""
    rows = conn.execute(
        "SELECT x.o, r FROM unnest(%s::text[]) WITH ORDINALITY AS x(id, o) CROSS JOIN generate_series(0, %s) r "
        "WHERE satisfies_hash_partition(%s::regclass, %s, r, x.id) ORDER BY x.o",
        (ids, modulus - 1, docs, modulus)).fetchall()
    return [r for _, r in rows]


def _index(conns, docs: str) -> Callable[[], None]:
    """Primary key, GIN and date indexes, and statistics, on every server holding rows, at once
    and in the background; the function returned waits for them (and raises what failed)."""
    errors: list[BaseException] = []

    def run(c):
        try:
            c.execute("SET maintenance_work_mem = '256MB'")
            for stmt in docs_indexes(docs):
                c.execute(stmt)
            c.execute(f"ANALYZE {docs}")
        except BaseException as e:  # re-raised below, in the caller's thread
            errors.append(e)

    threads = [threading.Thread(target=run, args=(c,), daemon=True) for c in conns]
    for t in threads:
        t.start()

    def wait() -> None:
        for t in threads:
            t.join()
        if errors:
            raise errors[0]

    return wait


# -- the echo store, kept in tables -----------------------------------------------------------------
def save_echoes(conn, gen: int, commit: int, folder: Path, rewritten: set[str] | None = None) -> files.Saved:
    """The files search.stories.storybook wrote into `folder` (the echo store's and the stories'
    SQLite files), as the generation's commit `commit` (search.engine.postgres.files: only the
    parts not held yet move), and the echo links, one row each: those of the articles whose
    echo rows were `rewritten` (None: every article's, replacing what the generation held).
    The files then move from `folder` to the writer's cache (files.keep)."""
    saved = files.save(conn, gen, commit, folder)
    links = table("echoes", gen)
    if rewritten is None:
        conn.execute(f"DELETE FROM {links}")
    elif rewritten:
        conn.execute(f"DELETE FROM {links} WHERE article_id = ANY(%s)", (sorted(rewritten),))
    if rewritten is None or rewritten:
        with conn.cursor().copy(f"COPY {links} (article_id, n, rank, other_id, m, sim) FROM STDIN") as cp:
            for aid, paras in echoes.stored_rows(Path(folder), None if rewritten is None else sorted(rewritten)):
                for n, lst in paras.items():
                    for rank, (oid, m, sim) in enumerate(lst):
                        cp.write_row((aid, n, rank, oid, m, sim))
    files.keep(folder, files.cache_folder(), saved.lists)  # the next add copies them from here
    return saved
