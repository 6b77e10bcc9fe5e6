"""The Whoosh engine: an index directory of generations (search.engine.whoosh.store), built,
updated and read through the seam of search.engine.base.

It keeps one `WhooshReader` of the served generation and swaps it when a build publishes a new
generation or an update commits in place (checked at most every `refresh` seconds), closing
the old one's files. Only this folder imports Whoosh.

A server may open and warm the engine once and then fork its workers (gunicorn --preload):
they share, copy-on-write, everything loaded so far (the stemmer's cache of the commonest words,
the facet table, field lengths). Each child reopens the files themselves on its first use
(`WhooshReader.reopened`): processes must not share file offsets.
"""
from __future__ import annotations

import os
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from pathlib import Path

from search.engine.base import BuildReport, Engine, UpdateReport
from search.engine.whoosh import build as builder
from search.engine.whoosh import store
from search.engine.whoosh import update as updater
from search.engine.whoosh.reader import WhooshReader
from search.settings import DEFAULT, Settings
from search.text.analysis import analyzer

REFRESH_SECONDS = 1.0


class WhooshEngine(Engine):
    def __init__(self, root: str | Path, settings: Settings = DEFAULT, refresh: float = REFRESH_SECONDS):
        self.root, self.settings, self.refresh = Path(root), settings, refresh
        self.location = str(self.root)
        self._reader: WhooshReader | None = None
        self._stamp: tuple = (None,)
        self._checked = 0.0
        self._lock = threading.Lock()
        self._pid = os.getpid()  # the process whose files _reader reads
        # The index is read through open files (no mmap): close them when the engine goes.
        weakref.finalize(self, _close, self.__dict__)

    # -- reading ------------------------------------------------------------------------------
    def reader(self) -> WhooshReader:
        rd, now = self._reader, time.monotonic()
        if self._pid != os.getpid():
            self._forked()
            rd = self._reader
        if rd is not None and now - self._checked < self.refresh:
            return rd
        with self._lock:
            rd = self._reader
            stamp = store.pointer_stamp(self.root)
            if rd is None or stamp != self._stamp:
                new = self._open()  # a new generation
                self._stamp = stamp
            elif not rd.up_to_date():
                new = WhooshReader(rd.gen, rd.manifest, rd.ix, self.settings)  # an update committed
            else:
                self._checked = now
                return rd
            self._reader, self._checked = new, now
            if rd is not None:
                rd.close()
            return new

    def _forked(self) -> None:
        """In a forked child: the same reader through this process's own file handles."""
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            if self._reader is not None:
                self._reader = self._reader.reopened()  # the parent's handles stay the parent's

    def _open(self) -> WhooshReader:
        gen = store.current_generation(self.root)
        manifest = store.check_version(gen, self.settings)
        # Without mmap: Whoosh maps the whole compound segment file, and every page it touches
        # counts against the server's memory (255 MB of RSS at 35k articles); reading through
        # ordinary file reads costs +1 MB and no measurable latency.
        ix = store.open_index(gen, mmap=False)
        try:
            return WhooshReader(gen, manifest, ix, self.settings)
        except Exception as e:  # a segment that opens but cannot be read through
            raise store.unreadable(gen, e) from None

    def warm(self) -> bool:
        if not super().warm():
            return False
        self.reader().warm(analyzer(self.settings).stem)
        return True

    def close(self) -> None:
        with self._lock:
            if self._reader is not None:
                self._reader.close()
                self._reader = None

    def check(self) -> None:
        store.check_version(store.current_generation(self.root), self.settings)

    def built_from(self) -> list[str]:
        return store.read_manifest(store.current_generation(self.root)).get("sources", [])

    # -- writing ------------------------------------------------------------------------------
    def build(self, items: Iterable, *, sources: list[str] | None = None, on_item: Callable | None = None,
              wait: float = 0.0, allow_empty: bool = True, progress=None) -> BuildReport:
        with self._writing("Nothing was published: the served index is as it was."):
            return builder.build(items, self.root, sources=sources, on_item=on_item, wait=wait,
                                 allow_empty=allow_empty, settings=self.settings, progress=progress)

    def add(self, items: Iterable, *, wait: float = 0.0, on_item: Callable | None = None) -> UpdateReport:
        with self._writing("Nothing was committed: the served index is as it was."):
            return updater.add(items, self.root, wait=wait, on_item=on_item, settings=self.settings,
                               memory=int(self.settings.memory_mb * builder.POOL_SHARE) << 20)

    def remove(self, ids: Iterable[str], *, wait: float = 0.0) -> UpdateReport:
        with self._writing("Nothing was committed: the served index is as it was."):
            return updater.remove(ids, self.root, wait=wait, settings=self.settings)

    def optimize(self, *, wait: float = 0.0) -> dict:
        with self._writing(None):
            return updater.optimize(self.root, wait=wait, settings=self.settings)

    @contextmanager
    def _writing(self, unchanged: str | None):
        """One of this engine's writes: storage errors said plainly (`unchanged`: what they left
        as it was), and afterwards its next `reader()` looks for the new commit at once, not
        after `refresh` (an old reader would find the stories and echoes files describing the
        new commit, not its own, and show none)."""
        try:
            if unchanged is None:
                yield
            else:
                with store.storage_errors(self.root, unchanged):
                    yield
        finally:
            self._checked = float("-inf")


def _close(attrs: dict) -> None:
    rd = attrs.get("_reader")
    if rd is not None:
        rd.close()
