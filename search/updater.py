"""Incremental updates of the served index: add new articles, update changed ones, remove ids.

This module owns `add` and `remove`. Unlike `indexer.build`, it changes the served generation
in place, through Whoosh's own atomic commit (a reader sees the index before or after, never
half), under the same one-writer lock. It decides by content hash: the index's stored `hash`
field (`Article.content_hash`) is read once into {id: hash} before anything is written, and a
writer is opened only when some article is new or changed. Adding the same files again
therefore writes nothing at all: no segment, no commit, no manifest change.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from whoosh import index as whoosh_index

from . import echoes, store
from .indexer import document
from .writer import open_writer
from .models import Article, Skipped

ADDED, UPDATED, UNCHANGED, REMOVED, MISSING = "added", "updated", "unchanged", "removed", "not found"


@dataclass
class Outcome:
    """What happened to one input: an article id or a skipped origin, and why."""

    origin: str
    outcome: str  # added, updated, unchanged, skipped, removed, not found
    id: str | None = None
    reason: str | None = None

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class UpdateReport:
    index_dir: str
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0
    committed: bool = False

    def count(self, outcome: str) -> int:
        return sum(1 for o in self.outcomes if o.outcome == outcome)

    @property
    def skipped(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.outcome == "skipped"]

    def summary(self) -> str:
        parts = [f"{self.count(k)} {k}" for k in (ADDED, UPDATED, UNCHANGED, REMOVED, MISSING)
                 if self.count(k) or k in (ADDED, UPDATED, UNCHANGED)]
        parts.append(f"{len(self.skipped)} skipped")
        tail = "" if self.committed else "; nothing changed, the index was not written"
        return f"{', '.join(parts)} in {self.seconds:.2f}s -> {self.index_dir}{tail}"

    def as_dict(self) -> dict:
        return {"index_dir": self.index_dir, "seconds": round(self.seconds, 3),
                "committed": self.committed,
                "counts": {k: self.count(k) for k in (ADDED, UPDATED, UNCHANGED, REMOVED, MISSING,
                                                      "skipped")},
                "items": [o.as_dict() for o in self.outcomes]}


def stored_hashes(ix) -> dict[str, str]:
    """{id: content hash} of every live document, read once from the stored fields."""
    with ix.searcher() as s:
        reader = s.reader()
        return {f["id"]: f.get("hash") for _, f in reader.iter_docs()}


def _open(root: Path):
    gen = store.current_generation(root)
    store.check_version(gen)
    return gen, whoosh_index.open_dir(str(gen))


def add(items: Iterable[Article | Skipped], root: str | Path, *, wait: float = 0.0,
        on_item: Callable[[Article | Skipped], None] | None = None) -> UpdateReport:
    """Add new and update changed articles in the served index; unchanged ones are left alone."""
    root = Path(root)
    started = time.perf_counter()
    report = UpdateReport(index_dir=str(root))
    with store.writer_lock(root, wait=wait):
        gen, ix = _open(root)
        known = stored_hashes(ix)
        writer = None
        written: list[Article] = []
        try:
            for item in items:
                if on_item:
                    on_item(item)
                if isinstance(item, Skipped):
                    report.outcomes.append(Outcome(item.origin, "skipped", reason=item.reason))
                    continue
                digest = item.content_hash
                old = known.get(item.id)
                if old == digest:
                    report.outcomes.append(Outcome(item.origin, UNCHANGED, item.id))
                    continue
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
            echoes.update(gen, written)
            _touch_manifest(gen, len(known))
    report.seconds = time.perf_counter() - started
    return report


def remove(ids: Iterable[str], root: str | Path, *, wait: float = 0.0) -> UpdateReport:
    """Delete articles by id from the served index; unknown ids are reported, not an error."""
    root = Path(root)
    started = time.perf_counter()
    report = UpdateReport(index_dir=str(root))
    with store.writer_lock(root, wait=wait):
        gen, ix = _open(root)
        known = stored_hashes(ix)
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
            echoes.update(gen, [], present)
            _touch_manifest(gen, len(known) - len(present))
    report.seconds = time.perf_counter() - started
    return report


def _touch_manifest(gen: Path, articles: int) -> None:
    manifest = store.read_manifest(gen)
    manifest["articles"] = articles
    manifest["updated_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    store.write_manifest(gen, manifest)
