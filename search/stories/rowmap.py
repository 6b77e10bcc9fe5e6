"""Dicts kept as rows of a SQLite table, so that an update reads and writes only the keys its
batch touches (search.stories.storybook keeps its story table and quote index this way).

`RowMap` is a MutableMapping over a two-column table (`k` primary key, `v` a pickled value).
A key is read from its row the first time it is asked for and stays in memory until `flush()`
writes back the keys set or deleted; in a `mutable` map (values such as lists and dicts changed
in place) every key read is written back too. `RowCounter` is the same for counts, with
a missing key counting 0 and no row kept for 0.

Iterating or sizing a RowMap reads the whole table: an update does neither.

A build writes its table once and reads it back by key. `SpoolMap` keeps such a dict in a
`Spool` (the build's new file) as it grows: writes are batched, and reads go through a small
cache, so the build's memory does not grow with the corpus. Plain dicts are saved whole with
`save_rows`.
"""
from __future__ import annotations

import pickle
import sqlite3
from collections.abc import Iterable, Iterator, MutableMapping

_GONE = object()
_P = pickle.HIGHEST_PROTOCOL


def create_table(con: sqlite3.Connection, name: str, key: str = "TEXT") -> None:
    con.execute(f"CREATE TABLE IF NOT EXISTS {name}(k {key} PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID")


def save_rows(con: sqlite3.Connection, name: str, items: Iterable[tuple]) -> None:
    """Bulk write of a plain dict's items (the build's path)."""
    con.executemany(f"INSERT OR REPLACE INTO {name}(k, v) VALUES (?, ?)",
                    ((k, pickle.dumps(v, _P)) for k, v in items))


class RowMap(MutableMapping):
    def __init__(self, con: sqlite3.Connection, name: str, mutable: bool = False):
        self.con, self.name, self.mutable = con, name, mutable
        self._seen: dict = {}  # key -> value, or _GONE (no row, or deleted)
        self._dirty: set = set()  # keys set or deleted
        self._size: int | None = None

    def _row(self, k):
        if k not in self._seen:
            row = self.con.execute(f"SELECT v FROM {self.name} WHERE k=?", (k,)).fetchone()
            self._seen[k] = pickle.loads(row[0]) if row else _GONE
        return self._seen[k]

    def __getitem__(self, k):
        v = self._row(k)
        if v is _GONE:
            raise KeyError(k)
        return v

    def __contains__(self, k) -> bool:
        return self._row(k) is not _GONE

    def __setitem__(self, k, v) -> None:
        if self._size is not None and self._row(k) is _GONE:
            self._size += 1
        self._seen[k] = v
        self._dirty.add(k)

    def __delitem__(self, k) -> None:
        if self._row(k) is _GONE:
            raise KeyError(k)
        if self._size is not None:
            self._size -= 1
        self._seen[k] = _GONE
        self._dirty.add(k)

    def __len__(self) -> int:
        if self._size is None:
            stored = self.con.execute(f"SELECT count(*) FROM {self.name}").fetchone()[0]
            new = sum(1 for k, v in self._seen.items() if v is not _GONE and not self._stored(k))
            gone = sum(1 for k, v in self._seen.items() if v is _GONE and self._stored(k))
            self._size = stored + new - gone
        return self._size

    def _stored(self, k) -> bool:
        return self.con.execute(f"SELECT 1 FROM {self.name} WHERE k=?", (k,)).fetchone() is not None

    def __iter__(self) -> Iterator:
        for (k,) in self.con.execute(f"SELECT k FROM {self.name}").fetchall():
            if self._seen.get(k) is not _GONE:
                yield k
        for k, v in list(self._seen.items()):
            if v is not _GONE and not self._stored(k):
                yield k

    def flush(self) -> None:
        """Write the keys set or deleted (every key read, if `mutable`) back: the value, or no
        row for a deleted (or zero) one."""
        keys = self._seen if self.mutable else self._dirty
        items = [(k, self._seen[k]) for k in keys]
        gone = [(k,) for k, v in items if v is _GONE or self._empty(v)]
        kept = [(k, pickle.dumps(v, _P)) for k, v in items if v is not _GONE and not self._empty(v)]
        self.con.executemany(f"DELETE FROM {self.name} WHERE k=?", gone)
        self.con.executemany(f"INSERT OR REPLACE INTO {self.name}(k, v) VALUES (?, ?)", kept)
        self._dirty = set()

    def _empty(self, v) -> bool:
        return False


class RowCounter(RowMap):
    """Counts: a missing key is 0, and a count that falls to 0 (or below) keeps no row."""

    def __getitem__(self, k) -> int:
        v = self._row(k)
        return 0 if v is _GONE else v

    def __missing__(self, k) -> int:
        return 0

    def update(self, keys: Iterable = (), **_) -> None:
        for k in keys:
            self[k] = self[k] + 1

    def subtract(self, keys: Iterable = ()) -> None:
        for k in keys:
            self[k] = self[k] - 1

    def _empty(self, v) -> bool:
        return v <= 0


class Spool:
    """A build's SQLite file that dicts are spooled into (`SpoolMap`): open in one write
    transaction; `close()` commits and closes it (before a fork), and the next use opens it
    again in whichever process makes it."""

    def __init__(self, path, con: sqlite3.Connection):
        self.path, self._con = path, con
        self.maps: list[SpoolMap] = []

    @property
    def con(self) -> sqlite3.Connection:
        if self._con is None:
            self._con = sqlite3.connect(self.path, isolation_level=None)
            self._con.execute("PRAGMA synchronous=OFF")
            self._con.execute("BEGIN")
        return self._con

    def flush(self) -> None:
        for m in self.maps:
            m.flush()

    def close(self, wal: bool = False) -> None:
        """Commit and close; `wal`: leave the file in WAL mode, so that a reader in another
        process and a writer here do not block each other (the file's owner switches it back)."""
        if self._con is not None:
            self.flush()
            self._con.execute("COMMIT")
            if wal:
                self._con.execute("PRAGMA journal_mode=WAL")
            self._con.close()
            self._con = None

    def take(self) -> sqlite3.Connection:
        """The open connection, every map flushed, for the caller to finish; the spool lets go."""
        self.flush()
        con, self._con = self.con, None
        return con


class SpoolMap(MutableMapping):
    """A build's dict kept as rows, so memory stays flat as the corpus grows: values set are
    buffered and written `batch` at a time; a read looks in the buffer, then in a small cache
    of recent reads, then in the table. Values are replaced, never changed in place (a value
    read may be a fresh copy)."""

    def __init__(self, spool: Spool, name: str, batch: int = 4096, cache: int = 4096):
        self.spool, self.name, self.batch, self.cache_size = spool, name, batch, cache
        self._buf: dict = {}
        self._cache: dict = {}  # insertion-ordered: the oldest read goes first
        spool.maps.append(self)

    def _load(self, k):
        if k in self._buf:
            return self._buf[k]
        v = self._cache.pop(k, _GONE)
        if v is _GONE:
            row = self.spool.con.execute(f"SELECT v FROM {self.name} WHERE k=?", (k,)).fetchone()
            if row is None:
                return _GONE
            v = pickle.loads(row[0])
        self._cache[k] = v  # (again) the newest
        if len(self._cache) > self.cache_size:
            del self._cache[next(iter(self._cache))]
        return v

    def __getitem__(self, k):
        v = self._load(k)
        if v is _GONE:
            raise KeyError(k)
        return v

    def __contains__(self, k) -> bool:
        return self._load(k) is not _GONE

    def __setitem__(self, k, v) -> None:
        if len(self._buf) >= self.batch:  # before, so the value set stays in the buffer a while
            self.flush()
        self._cache.pop(k, None)
        self._buf[k] = v

    def __delitem__(self, k) -> None:
        if self._load(k) is _GONE:
            raise KeyError(k)
        self._buf.pop(k, None)
        self._cache.pop(k, None)
        self.spool.con.execute(f"DELETE FROM {self.name} WHERE k=?", (k,))

    def flush(self) -> None:
        if self._buf:
            save_rows(self.spool.con, self.name, self._buf.items())
            self._buf = {}

    def __len__(self) -> int:
        self.flush()
        return self.spool.con.execute(f"SELECT count(*) FROM {self.name}").fetchone()[0]

    def __iter__(self) -> Iterator:
        self.flush()
        for (k,) in self.spool.con.execute(f"SELECT k FROM {self.name}"):
            yield k

    def items(self) -> Iterator[tuple]:  # type: ignore[override]  (streamed, not a view)
        self.flush()
        for k, v in self.spool.con.execute(f"SELECT k, v FROM {self.name}"):
            yield k, pickle.loads(v)
