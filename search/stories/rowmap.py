"""Dicts kept as rows of a SQLite table, so that an update reads and writes only the keys its
batch touches (search.stories.storybook keeps its story table and quote index this way).

`RowMap` is a MutableMapping over a two-column table (`k` primary key, `v` a pickled value).
A key is read from its row the first time it is asked for and stays in memory until `flush()`
writes back the keys set or deleted; in a `mutable` map (values such as lists and dicts changed
in place) every key read is written back too. `RowCounter` is the same for counts, with
a missing key counting 0 and no row kept for 0.

Iterating or sizing a RowMap reads the whole table: an update does neither (the build works on
plain dicts and saves them with `save_rows`).
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
