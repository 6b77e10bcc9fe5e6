"""The PostgreSQL engine: a Kliping archive in PostgreSQL tables, on one server or a coordinator
with shards (search.engine.postgres.shards), read from streaming replicas when there are some.

Selected by a DSN: `KLIPING_ENGINE=postgresql://…`, `--engine postgresql://…`, or the app's
ENGINE config; read replicas by KLIPING_PG_READ=dsn,dsn. It keeps one `PostgresReader` of the
served generation, and checks the meta row on the primary at most every `refresh` seconds: a
build or a committed update makes a new reader (new caches, and a new key for the archive's
response cache). When the primary cannot be reached, the reader it has keeps serving from the
replicas. Only this folder imports the PostgreSQL driver.
"""
from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Iterable

import psycopg

from search.engine.base import BuildReport, Engine, UpdateReport
from search.engine.postgres import build as builder
from search.engine.postgres import store
from search.engine.postgres import update as updater
from search.engine.postgres.connect import Servers, read_replicas
from search.engine.postgres.reader import PostgresReader
from search.errors import IndexMissing
from search.settings import DEFAULT, Settings

REFRESH_SECONDS = 1.0


class PostgresEngine(Engine):
    def __init__(self, dsn: str, settings: Settings = DEFAULT, refresh: float = REFRESH_SECONDS,
                 read: list[str] | None = None):
        self.location, self.settings, self.refresh = dsn, settings, refresh
        self.servers = Servers(dsn, read_replicas() if read is None else read)
        self._reader: PostgresReader | None = None
        self._checked = 0.0
        self._lock = threading.Lock()
        weakref.finalize(self, self.servers.close)  # pooled connections go with the engine

    def reader(self) -> PostgresReader:
        rd, now = self._reader, time.monotonic()
        if rd is not None and now - self._checked < self.refresh:
            return rd
        with self._lock:
            try:
                meta = self.servers.write(lambda c: store.read_meta(c, self.location))
            except (IndexMissing, psycopg.OperationalError):
                if self._reader is None:
                    raise
                # The primary is unreachable: the replicas keep serving what this reader knows.
                self._checked = time.monotonic()
                return self._reader
            store.check_version(meta, self.settings, self.location)
            rd = self._reader
            if rd is None or (rd.gen, rd.meta.get("commit")) != (meta["gen"], meta.get("commit")):
                if self.servers.replicas:  # replicas serve it once they have replayed this far
                    self.servers.need_lsn = self.servers.primary_lsn()
                rd = self._reader = PostgresReader(self.servers, meta, self.settings)
            self._checked = time.monotonic()
            return rd

    def warm(self) -> bool:
        if not super().warm():
            return False
        self.reader().warm()
        return True

    def close(self) -> None:
        self.servers.close()

    def built_from(self) -> list[str]:
        return self.reader().meta.get("sources", [])

    def build(self, items: Iterable, *, sources: list[str] | None = None, on_item: Callable | None = None,
              wait: float = 0.0, allow_empty: bool = True, progress=None) -> BuildReport:
        """`progress` hears the steps after indexing as done when the build returns: the
        servers' indexing and the echo join are not followed one by one."""
        report = builder.build(self.location, items, self.settings, sources=sources, on_item=on_item,
                               wait=wait, allow_empty=allow_empty)
        if progress is not None:
            for phase in ("index", "commit", "echoes", "publish"):
                progress.finish(phase)
        self._checked = 0.0
        return report

    def add(self, items: Iterable, *, wait: float = 0.0, on_item: Callable | None = None) -> UpdateReport:
        report = updater.add(self.location, items, self.settings, wait=wait, on_item=on_item)
        self._checked = 0.0
        return report

    def remove(self, ids: Iterable[str], *, wait: float = 0.0) -> UpdateReport:
        report = updater.remove(self.location, ids, self.settings, wait=wait)
        self._checked = 0.0
        return report
