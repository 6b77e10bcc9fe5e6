"""Incremental updates of a PostgreSQL archive: add new articles, replace changed ones, remove ids.

The rules are the Whoosh engine's (search.engine.whoosh.update): decided by content hash, read
once from the served generation; a changed article carries the paragraph history of the one it
replaces (search.present.anchors.carry), so permalinks taken before still land; inputs whose
fingerprint (search.ingest.fingerprints) made the stored article are counted unchanged without
being cleaned; re-adding unchanged files writes nothing. Everything one update changes (rows on
the shards through postgres_fdw, the lexicon's document frequencies, the echo table and its
links, the stories and quotes (search.stories.storybook.update, the Whoosh engine's step), the
fingerprints, the meta row's counts and commit) is written in one transaction of the
coordinator, so readers see it all or none of it; with shards, postgres_fdw commits their part
when the coordinator commits. The echo store's and the stories' files are copied to a
temporary folder (from the writer's cache when it holds them, else downloaded), changed there
in place, and saved as the next commit's: only their parts the batch changed are uploaded, and
only the echo links of the articles whose echo rows it rewrote are written again
(search.engine.postgres.files, build.save_echoes).
"""
from __future__ import annotations

import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from search.engine.base import ADDED, MISSING, REMOVED, UNCHANGED, UPDATED, Outcome, UpdateReport
from search.engine.postgres import files, store
from search.engine.postgres.build import COPY_DOCS, save_echoes
from search.engine.postgres.connect import connect, redact
from search.engine.postgres.schema import DOC_COLUMNS, article_from_json, lexeme_field, row, table
from search.ingest import fingerprints
from search.models import Article, Skipped
from search.present import anchors
from search.settings import Settings
from search.stories import storybook
from search.text.analysis import analyzer


def _open(conn, dsn: str, settings: Settings) -> dict:
    return store.check_version(store.read_meta(conn, dsn), settings, dsn)


def read_prints(conn, meta: dict) -> dict[str, str]:
    """{id: fingerprint}, or {} when the cleaning rules changed since they were recorded."""
    if meta.get("rules") != fingerprints.RULES_KEY:
        return {}
    return dict(conn.execute(f"SELECT id, fp FROM {table('prints', meta['gen'])}").fetchall())


def add(dsn: str, items: Iterable[Article | Skipped], settings: Settings, *, wait: float = 0.0,
        on_item: Callable | None = None) -> UpdateReport:
    started = time.perf_counter()
    report = UpdateReport(index_dir=redact(dsn))
    with connect(dsn) as conn, store.WriterLock(conn, dsn, wait):
        meta = _open(conn, dsn, settings)
        docs = table("docs", meta["gen"])
        prints_of = read_prints(conn, meta)
        prints_before = dict(prints_of)
        loaded = items if isinstance(items, fingerprints.Loaded) else None
        if loaded is not None and on_item is None:
            loaded.skip_unchanged(prints_of)
        known: dict[str, str] | None = None
        written: dict[str, Article] = {}
        cleaned: list[str] = []
        for item in report.articles(items, on_item):
            cleaned.append(item.id)
            if known is None:
                known = dict(conn.execute(f"SELECT id, hash FROM {docs}").fetchall())
            digest, old = item.content_hash, known.get(item.id)
            if old == digest:
                report.outcomes.append(Outcome(item.origin, UNCHANGED, item.id))
                continue
            if old is not None:  # paragraph links keep their targets (search.present.anchors)
                item = anchors.carry(_stored_article(conn, docs, item.id), item)
            written[item.id] = item
            known[item.id] = digest
            report.outcomes.append(Outcome(item.origin, ADDED if old is None else UPDATED, item.id))
        if written:
            seen = loaded.prints.seen if loaded is not None else {}
            for i in written:
                prints_of.pop(i, None)
            for i in cleaned:
                if i in seen:
                    prints_of[i] = seen[i]
            _commit(conn, meta, settings, list(written.values()), [], prints_of, prints_before)
            report.committed = True
    report.cleaned = len(cleaned)
    report.seconds = time.perf_counter() - started
    return report


def remove(dsn: str, ids: Iterable[str], settings: Settings, *, wait: float = 0.0) -> UpdateReport:
    started = time.perf_counter()
    report = UpdateReport(index_dir=redact(dsn))
    with connect(dsn) as conn, store.WriterLock(conn, dsn, wait):
        meta = _open(conn, dsn, settings)
        wanted = list(dict.fromkeys(ids))
        present = {r[0] for r in conn.execute(f"SELECT id FROM {table('docs', meta['gen'])} WHERE id = ANY(%s)",
                                              (wanted,)).fetchall()}
        for i in wanted:
            report.outcomes.append(Outcome(i, REMOVED if i in present else MISSING, i))
        if present:
            gone = [i for i in wanted if i in present]
            prints_before = read_prints(conn, meta)
            prints_of = {i: fp for i, fp in prints_before.items() if i not in present}
            _commit(conn, meta, settings, [], gone, prints_of, prints_before)
            report.committed = True
    report.seconds = time.perf_counter() - started
    return report


def _commit(conn, meta: dict, settings: Settings, new: list[Article], gone: list[str],
            prints_of: dict[str, str], prints_before: dict[str, str]) -> None:
    """Replace `new` articles (added or changed) and delete `gone` ids, in one transaction;
    the fingerprints become `prints_of` (only those that differ from `prints_before` are written)."""
    gen, commit = meta["gen"], int(meta.get("commit", 0))
    docs, lexicon, prints = table("docs", gen), table("lexicon", gen), table("prints", gen)
    an = analyzer(settings)
    replaced = [a.id for a in new] + gone
    df: Counter = Counter()
    with conn.transaction():
        old = conn.execute(f"SELECT len, tlen, tsvector_to_array(terms) FROM {docs} WHERE id = ANY(%s)",
                           (replaced,)).fetchall()
        total_len, count = int(meta.get("total_len", 0)), int(meta.get("docs", 0))
        total_tlen = int(meta.get("total_tlen", 0))
        for length, tlen, terms in old:
            total_len -= length
            total_tlen -= tlen
            count -= 1
            df.subtract(terms)
        conn.execute(f"DELETE FROM {docs} WHERE id = ANY(%s)", (replaced,))
        seq = int(meta.get("next_seq", 0))
        with conn.cursor().copy(COPY_DOCS.format(docs)) as cp:
            for a in new:
                values, found, _ = row(an, a, seq)
                seq += 1
                cp.write_row(values)
                df.update(found.keys())
                total_len += values[DOC_COLUMNS.index("len")]
                total_tlen += values[DOC_COLUMNS.index("tlen")]
                count += 1
        _lexicon(conn, lexicon, df)
        with tempfile.TemporaryDirectory() as tmp:
            # The echo store and story table as this commit left them; those that do not describe
            # it (none, or an older format) are made again from the rows as this transaction sees.
            files.restore(conn, gen, commit, Path(tmp), files.cache_folder())
            rewritten = storybook.update(Path(tmp), new, gone, an, before=commit, after=commit + 1,
                                         everything=lambda: _everything(conn, docs))
            save_echoes(conn, gen, commit + 1, Path(tmp), rewritten)
        _prints(conn, prints, prints_before, prints_of)
        meta.update(commit=commit + 1, docs=count, total_len=total_len, total_tlen=total_tlen, next_seq=seq,
                    updated_at=store.now(), rules=fingerprints.RULES_KEY)
        store.write_meta(conn, meta)


def _prints(conn, prints: str, before: dict[str, str], after: dict[str, str]) -> None:
    """The fingerprints table goes from `before` to `after`, changing only the rows that differ
    (all of them when `before` is empty: the rules changed, or none were kept)."""
    if not before:
        conn.execute(f"DELETE FROM {prints}")
    else:
        stale = [i for i, fp in before.items() if after.get(i) != fp]
        if stale:
            conn.execute(f"DELETE FROM {prints} WHERE id = ANY(%s)", (stale,))
    fresh = [(i, fp) for i, fp in after.items() if before.get(i) != fp]
    if fresh:
        with conn.cursor().copy(f"COPY {prints} (id, fp) FROM STDIN") as cp:
            for r in fresh:
                cp.write_row(r)


def _lexicon(conn, lexicon: str, df: Counter) -> None:
    """Add the changes of document frequencies; terms no document holds any more go."""
    changes = [(t, lexeme_field(t), n) for t, n in df.items() if n]
    if not changes:
        return
    conn.execute("CREATE TEMP TABLE kliping_df (term text, field \"char\", df integer) ON COMMIT DROP")
    with conn.cursor().copy("COPY kliping_df (term, field, df) FROM STDIN") as cp:
        for change in changes:
            cp.write_row(change)
    conn.execute(f"INSERT INTO {lexicon} (term, field, df) SELECT term, field, df FROM kliping_df "
                 f"ON CONFLICT (term) DO UPDATE SET df = {lexicon}.df + excluded.df")
    conn.execute(f"DELETE FROM {lexicon} WHERE df <= 0")


def _stored_article(conn, docs: str, article_id: str) -> Article | None:
    """The served article with this id, or None."""
    found = conn.execute(f"SELECT article FROM {docs} WHERE id = %s", (article_id,)).fetchone()
    return article_from_json(found[0]) if found else None


def _everything(conn, docs: str) -> list[Article]:
    """Every article as this transaction sees it, in arrival order."""
    return [article_from_json(a) for (a,) in conn.execute(f"SELECT article FROM {docs} ORDER BY seq").fetchall()]
