"""Incremental updates of the served index: add new articles, update changed ones, remove ids.

This module owns `add` and `remove`. Unlike `indexer.build`, it changes the served generation
in place, through Whoosh's own atomic commit (a reader sees the index before or after, never
half), under the same one-writer lock. A changed article carries the paragraph history of the
one it replaces (search.present.anchors.carry, read through the batch's reader), so permalinks
taken before still land. It decides by content hash, and costs the batch, not the archive:
- one reader per batch looks each incoming id up in the `id` field (a term look-up) and reads
  that one document's stored `hash`; nothing reads the whole archive;
- a new id is simply added (no delete); a changed one's old document is deleted by its number,
  found by that same reader, and the new version added: no per-document searcher, which is
  what Whoosh's `update_document` opens for every document (74% of an `add` before);
- the batch is one commit, one new segment, merged with others by the tiered policy of
  search.engine.whoosh.merging; echoes, fingerprints and the manifest are updated once, after it.
A writer is opened only when some article is new or changed. Adding the same files again
therefore writes nothing at all: no segment, no commit, no manifest change. An id repeated
within one batch keeps its first version; a later, different one is skipped with the reason.

Given what `ingest.load` returns, it first checks each input's fingerprint
(`search.fingerprints`): an input that made the indexed article is counted unchanged without
being cleaned at all. Same outcomes, only cheaper; `on_item` (add --verbose, which shows what
the cleaner did) turns that off. Inputs without a known fingerprint are cleaned and compared by
content hash as above.
"""
from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from search.engine.base import ADDED, MISSING, REMOVED, UNCHANGED, UPDATED, Outcome, UpdateReport
from search.engine.whoosh import merging, store
from search.engine.whoosh.build import document
from search.engine.whoosh.reader import article_from_stored
from search.engine.whoosh.writer import open_writer
from search.indexing.parallel import Ahead
from search.ingest import fingerprints
from search.models import Article, Skipped
from search.present import anchors
from search.settings import DEFAULT, Settings
from search.stories import storybook
from search.text.analysis import analyzer


def lookup(reader, article_id: str) -> tuple[int | None, str | None]:
    """(document number, stored content hash) of the live document with this id, or (None,
    None): one term look-up and one document's stored fields."""
    try:
        m = reader.postings("id", article_id)
    except Exception:  # the term is not in the index
        return None, None
    if not m.is_active():
        return None, None
    doc = m.id()
    return doc, reader.stored_fields(doc).get("hash")


def stored_articles(ix) -> list[Article]:
    """Every live article of the index, as committed."""
    with ix.searcher() as s:
        return [article_from_stored(f) for _, f in s.reader().iter_docs()]


def _repair(gen: Path, ix, settings: Settings) -> int:
    """The served commit, with its side files repaired first if a writer died after its commit
    and before them: the echoes and stories (search.stories.storybook.repair) and the manifest's
    count. (Fingerprints of another commit are ignored, and rewritten by the next run that cleans.)"""
    stamp = ix.latest_generation()
    storybook.repair(gen, analyzer(settings), stamp, lambda: stored_articles(ix))
    manifest = store.read_manifest(gen)
    if manifest.get("commit") != stamp:
        _touch_manifest(gen, ix.doc_count(), stamp, when=False)
    return stamp


def _open(root: Path, settings: Settings):
    gen = store.current_generation(root)
    store.check_version(gen, settings)
    # Without mmap, as the server reads: Whoosh 2.7.4 wraps a mapped compound file's parts in
    # BytesIO, which copies each segment's whole term file into memory every time a reader
    # opens it (an add opens three: 4.7 GB of the add's peak at a million articles); read
    # through the file instead, it costs the pages read.
    return gen, store.open_index(gen, mmap=False)


def add(items: Iterable[Article | Skipped], root: str | Path, *, wait: float = 0.0,
        on_item: Callable[[Article | Skipped], None] | None = None,
        settings: Settings = DEFAULT, memory: int | None = None) -> UpdateReport:
    """Add new and update changed articles in the served index; unchanged ones are left alone.
    `memory`: the writer's term pool budget in bytes (search.engine.whoosh.writer)."""
    root = Path(root)
    started = time.perf_counter()
    report = UpdateReport(index_dir=str(root))
    with store.writer_lock(root, wait=wait):
        gen, ix = _open(root, settings)
        before = _repair(gen, ix, settings)
        prints_of = fingerprints.read(gen, ix)  # {id: fingerprint}, {} when missing or stale
        loaded = items if isinstance(items, fingerprints.Loaded) else None
        if loaded is not None and on_item is None:
            loaded.skip_unchanged(prints_of)
        writer = ahead = None
        written: list[Article] = []
        cleaned: list[str] = []  # ids
        batch: dict[str, str] = {}  # id -> content hash of this batch's articles
        reader = ix.reader()  # the one reader of this batch: ids -> document numbers and hashes
        try:
            for item in report.articles(items, on_item):
                digest = item.content_hash
                if item.id in batch:
                    if batch[item.id] == digest:
                        report.outcomes.append(Outcome(item.origin, UNCHANGED, item.id))
                    else:
                        report.outcomes.append(Outcome(item.origin, "skipped", item.id,
                                                       reason=f"id {item.id} repeated in this batch"))
                    continue
                batch[item.id] = digest
                cleaned.append(item.id)
                doc, old = lookup(reader, item.id)
                if old == digest:
                    report.outcomes.append(Outcome(item.origin, UNCHANGED, item.id))
                    continue
                if doc is not None:  # paragraph links keep their targets (search.present.anchors)
                    item = anchors.carry(article_from_stored(reader.stored_fields(doc)), item)
                if writer is None:
                    writer = open_writer(ix, memory)
                if doc is not None:
                    writer.delete_document(doc)
                writer.add_document(**document(item))
                written.append(item)
                report.outcomes.append(Outcome(item.origin, ADDED if doc is None else UPDATED,
                                               item.id, flags=item.flags() or None))
            reader.close()
            if writer is not None:
                # the batch's quotes are read in a child while this process commits
                ahead = Ahead(lambda: storybook.quotes_of(written), "quotes")
                writer.commit(mergetype=merging.policy(settings.merge_floor))
                report.committed = True
        except BaseException:
            reader.close()
            if ahead is not None:
                ahead.cancel()
            if writer is not None:
                _abandon(writer, root)
            raise
        if report.committed:
            storybook.update(gen, written, (), analyzer(settings), before=before,
                             after=ix.latest_generation(), everything=lambda: stored_articles(ix),
                             found_of=ahead.result())
            _touch_manifest(gen, ix.doc_count(), ix.latest_generation())
        if report.committed or (cleaned and not prints_of and loaded is not None):
            # after a commit, or when stale fingerprints made every input be cleaned: the index
            # now holds what they make
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
        prints_of = fingerprints.read(gen, ix)
        with ix.reader() as reader:
            docs = {i: lookup(reader, i)[0] for i in dict.fromkeys(ids)}
        present = [i for i, d in docs.items() if d is not None]
        for i, d in docs.items():
            report.outcomes.append(Outcome(i, REMOVED if d is not None else MISSING, i))
        if present:
            writer = open_writer(ix)
            try:
                for i in present:
                    writer.delete_document(docs[i])
                writer.commit(mergetype=merging.policy(settings.merge_floor))
            except BaseException:
                _abandon(writer, root)
                raise
            report.committed = True
            storybook.update(gen, [], present, analyzer(settings), before=before,
                             after=ix.latest_generation(), everything=lambda: stored_articles(ix))
            _touch_manifest(gen, ix.doc_count(), ix.latest_generation())
            if prints_of:
                gone = set(present)
                fingerprints.write(gen, ix, {i: fp for i, fp in prints_of.items() if i not in gone})
    report.seconds = time.perf_counter() - started
    return report


def optimize(root: str | Path, *, wait: float = 0.0, settings: Settings = DEFAULT) -> dict:
    """Merge every segment of the served index into one and drop every deleted document
    (search.engine.whoosh.merging): {"segments": before, "deleted": dropped, "seconds"}."""
    root = Path(root)
    started = time.perf_counter()
    with store.writer_lock(root, wait=wait):
        gen, ix = _open(root, settings)
        before = _repair(gen, ix, settings)
        segments = ix._segments()
        deleted = sum(s.deleted_count() for s in segments)
        prints_of = fingerprints.read(gen, ix)
        if len(segments) > 1 or deleted:
            writer = open_writer(ix)
            try:
                writer.commit(mergetype=merging.everything)
            except BaseException:
                _abandon(writer, root)
                raise
            storybook.update(gen, [], (), analyzer(settings), before=before,
                             after=ix.latest_generation(), everything=lambda: stored_articles(ix))
            if prints_of:
                fingerprints.write(gen, ix, prints_of)
            _touch_manifest(gen, ix.doc_count(), ix.latest_generation())
    return {"segments": len(segments), "deleted": deleted, "seconds": time.perf_counter() - started}


def _abandon(writer, root: Path) -> None:
    """After a failed write: cancel the writer and sweep what the failed commit wrote and no
    commit names; neither may hide the error being raised."""
    with contextlib.suppress(Exception):
        writer.cancel()
    with contextlib.suppress(Exception):
        store.sweep(root)


def _touch_manifest(gen: Path, articles: int, commit: int, when: bool = True) -> None:
    """The manifest's count of articles, and the index commit it was counted at."""
    manifest = store.read_manifest(gen)
    manifest["articles"] = articles
    manifest["commit"] = commit
    if when:
        manifest["updated_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    store.write_manifest(gen, manifest)
