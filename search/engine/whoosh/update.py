"""Incremental updates of the served index: add new articles, update changed ones, remove ids.

This module owns `add` and `remove`. A changed article carries the paragraph history of the
one it replaces (search.present.anchors.carry), so permalinks taken before still land. Unlike
`indexer.build`, it changes the served generation in place, through Whoosh's own atomic
commit (a reader sees the index before or after, never half), under the same one-writer lock.
It decides by content hash: the index's stored `hash` field (`Article.content_hash`) is read
once into {id: hash} before anything is written, and a writer is opened only when some article
is new or changed. Adding the same files again
therefore writes nothing at all: no segment, no commit, no manifest change.

Given what `ingest.load` returns, it first checks each input's fingerprint
(`search.fingerprints`): an input that made the indexed article is counted unchanged without
being cleaned at all. Same outcomes, only cheaper; `on_item` (add --verbose, which shows what
the cleaner did) turns that off. Inputs without a known fingerprint are cleaned and compared by
content hash as above.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

from whoosh import index as whoosh_index

from search.engine.base import ADDED, MISSING, REMOVED, UNCHANGED, UPDATED, Outcome, UpdateReport
from search.engine.whoosh import store
from search.engine.whoosh.build import document
from search.engine.whoosh.reader import article_from_stored
from search.engine.whoosh.writer import open_writer
from search.ingest import fingerprints
from search.models import Article, Skipped
from search.present import anchors
from search.settings import DEFAULT, Settings
from search.stories import storybook
from search.text.analysis import analyzer


def stored_hashes(ix) -> dict[str, str]:
    """{id: content hash} of every live document, read once from the stored fields."""
    with ix.searcher() as s:
        reader = s.reader()
        return {f["id"]: f.get("hash") for _, f in reader.iter_docs()}


def stored_articles(ix) -> list[Article]:
    """Every live article of the index, as committed."""
    with ix.searcher() as s:
        return [article_from_stored(f) for _, f in s.reader().iter_docs()]


def _stored_article(ix, article_id: str) -> Article | None:
    """The committed article with this id, or None."""
    with ix.searcher() as s:
        fields = s.document(id=article_id)
    return article_from_stored(fields) if fields else None


def _repair(gen: Path, ix, settings: Settings) -> int:
    """The served commit, with its echoes and stories repaired first if a writer died after its
    commit and before them (search.stories.storybook.repair)."""
    stamp = ix.latest_generation()
    storybook.repair(gen, analyzer(settings), stamp, lambda: stored_articles(ix))
    return stamp


def _open(root: Path, settings: Settings):
    gen = store.current_generation(root)
    store.check_version(gen, settings)
    return gen, whoosh_index.open_dir(str(gen))


def add(items: Iterable[Article | Skipped], root: str | Path, *, wait: float = 0.0,
        on_item: Callable[[Article | Skipped], None] | None = None,
        settings: Settings = DEFAULT) -> UpdateReport:
    """Add new and update changed articles in the served index; unchanged ones are left alone."""
    root = Path(root)
    started = time.perf_counter()
    report = UpdateReport(index_dir=str(root))
    with store.writer_lock(root, wait=wait):
        gen, ix = _open(root, settings)
        before = _repair(gen, ix, settings)
        known: dict[str, str] | None = None  # read when the first cleaned article needs it
        prints_of = fingerprints.read(gen, ix)  # {id: fingerprint}, {} when missing or stale
        loaded = items if isinstance(items, fingerprints.Loaded) else None
        if loaded is not None and on_item is None:
            loaded.skip_unchanged(prints_of)
        writer = None
        written: list[Article] = []
        cleaned: list[str] = []  # ids
        try:
            for item in items:
                if isinstance(item, fingerprints.Unchanged):
                    report.outcomes.append(Outcome(item.origin, UNCHANGED, item.id))
                    report.fingerprinted += 1
                    continue
                if on_item:
                    on_item(item)
                if isinstance(item, Skipped):
                    report.outcomes.append(Outcome(item.origin, "skipped", reason=item.reason))
                    continue
                cleaned.append(item.id)
                if known is None:
                    known = stored_hashes(ix)
                digest = item.content_hash
                old = known.get(item.id)
                if old == digest:
                    report.outcomes.append(Outcome(item.origin, UNCHANGED, item.id))
                    continue
                if old is not None:  # paragraph links keep their targets (search.present.anchors)
                    item = anchors.carry(_stored_article(ix, item.id), item)
                if writer is None:
                    writer = open_writer(ix)
                writer.update_document(**document(item))
                written.append(item)
                known[item.id] = digest
                report.outcomes.append(Outcome(item.origin, ADDED if old is None else UPDATED,
                                               item.id))
            if writer is not None:
                writer.commit()
                report.committed = True
        except BaseException:
            if writer is not None:
                writer.cancel()
            raise
        if report.committed:
            storybook.update(gen, written, (), analyzer(settings), before=before,
                             after=ix.latest_generation(), everything=lambda: stored_articles(ix))
            _touch_manifest(gen, len(known))
            _update_prints(gen, ix, prints_of, cleaned, written, loaded)
    report.cleaned = len(cleaned)
    report.seconds = time.perf_counter() - started
    return report


def _update_prints(gen: Path, ix, prints_of: dict[str, str], cleaned: list[str],
                   written: list[Article], loaded) -> None:
    """After a commit: each cleaned article's input fingerprint (written or not, the index now
    holds what it makes); a written article without one forgets the old one."""
    seen = loaded.prints.seen if loaded is not None else {}
    for art in written:
        prints_of.pop(art.id, None)
    for i in cleaned:
        if i in seen:
            prints_of[i] = seen[i]
    fingerprints.write(gen, ix, prints_of)


def remove(ids: Iterable[str], root: str | Path, *, wait: float = 0.0,
           settings: Settings = DEFAULT) -> UpdateReport:
    """Delete articles by id from the served index; unknown ids are reported, not an error."""
    root = Path(root)
    started = time.perf_counter()
    report = UpdateReport(index_dir=str(root))
    with store.writer_lock(root, wait=wait):
        gen, ix = _open(root, settings)
        before = _repair(gen, ix, settings)
        known = stored_hashes(ix)
        prints_of = fingerprints.read(gen, ix)
        present = [i for i in dict.fromkeys(ids) if i in known]
        for i in dict.fromkeys(ids):
            report.outcomes.append(Outcome(i, REMOVED if i in known else MISSING, i))
        if present:
            writer = ix.writer()
            try:
                for i in present:
                    writer.delete_by_term("id", i)
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
            report.committed = True
            storybook.update(gen, [], present, analyzer(settings), before=before,
                             after=ix.latest_generation(), everything=lambda: stored_articles(ix))
            _touch_manifest(gen, len(known) - len(present))
            if prints_of:
                gone = set(present)
                fingerprints.write(gen, ix, {i: fp for i, fp in prints_of.items() if i not in gone})
    report.seconds = time.perf_counter() - started
    return report


def _touch_manifest(gen: Path, articles: int) -> None:
    manifest = store.read_manifest(gen)
    manifest["articles"] = articles
    manifest["updated_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    store.write_manifest(gen, manifest)
