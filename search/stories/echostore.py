"""Where echoes live: one SQLite file per generation (`echoes.sqlite`), read a row at a time.

The rules of what echoes what are search.stories.echoes'; this module stores their state so
that nothing has to be loaded whole, neither by a reader (one article's row per page) nor by
an `add` (the rows its batch touches):
- `meta`: the format version, the index commit the file describes (`stamp`), counters;
- `terms` (term -> rarity rank, rarest first; words first seen by an update count as rarest,
  with negative ranks), `groups` (a passage shape: the sorted ranks of a paragraph's term set,
  as packed int32, and how many distinct articles hold it, counted up to CAP),
  `prefix` (rank -> groups indexed under it, at most MAX_POSTINGS a rank), `links` (pairs of
  groups at or above the threshold, both ways, with their similarity);
- `paras` (article id, paragraph number, group) and `articles` (id -> outlet, date, label);
- `echoes`: per article with echoes, what its page shows: [(n, [(other id, m, similarity
  x 1000, outlet, date, label)])], pickled.
Writers change it in one transaction that also sets the stamp; readers open it read-only and
show nothing when the stamp is not their index commit (a writer died between its index commit
and its echoes; its next run repairs them). A rollback journal (not WAL, whose read-only
readers leave files behind) lets readers read while a writer works, until its short commit.
"""
from __future__ import annotations

import os
import pickle
import sqlite3
import threading
from array import array
from collections.abc import Iterable
from pathlib import Path

FILE = "echoes.sqlite"
VERSION = 5  # 3: SQLite rows (2 was a pair of pickles stamped with the index commit); 4: links
# judged for formula (search.stories.formulaic, issue 17); 5: groups keyed by echo signatures,
# a compound one word (search.stories.signature)

SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE terms(term TEXT PRIMARY KEY, rank INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE groups(gid INTEGER PRIMARY KEY, key BLOB NOT NULL, articles INTEGER NOT NULL);
CREATE TABLE prefix(rank INTEGER NOT NULL, gid INTEGER NOT NULL, PRIMARY KEY(rank, gid)) WITHOUT ROWID;
CREATE TABLE links(a INTEGER NOT NULL, b INTEGER NOT NULL, sim REAL NOT NULL, PRIMARY KEY(a, b)) WITHOUT ROWID;
CREATE TABLE paras(aid TEXT NOT NULL, n INTEGER NOT NULL, gid INTEGER NOT NULL);
CREATE TABLE articles(aid TEXT PRIMARY KEY, outlet TEXT, date TEXT, label TEXT) WITHOUT ROWID;
CREATE TABLE echoes(aid TEXT PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID;
"""
INDEXES = ("CREATE UNIQUE INDEX groups_key ON groups(key)",
           "CREATE INDEX paras_aid ON paras(aid)",
           "CREATE INDEX paras_gid ON paras(gid, aid)")


def pack_key(ranks) -> bytes:
    return array("i", ranks).tobytes()


def unpack_key(blob: bytes) -> tuple[int, ...]:
    a = array("i")
    a.frombytes(blob)
    return tuple(a)


def path(gen: Path) -> Path:
    return Path(gen) / FILE


def create(target: Path) -> sqlite3.Connection:
    """A new, empty store at `target` (replaced if there), tuned for one bulk write."""
    target.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    con = sqlite3.connect(target, isolation_level=None)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA cache_size=-65536")  # 64 MB of page cache, at most
    con.executescript(SCHEMA)
    con.execute("BEGIN")
    return con


def index(con: sqlite3.Connection) -> None:
    """The indexes, made once the bulk rows are in (sorting once beats inserting in order)."""
    for statement in INDEXES:
        con.execute(statement)


def finish(con: sqlite3.Connection, tmp: Path, final: Path) -> None:
    """Commit, switch to a rollback journal for later updates, and move into place."""
    con.execute("COMMIT")
    con.execute("PRAGMA journal_mode=DELETE")
    con.close()
    os.replace(tmp, final)


def open_rw(gen: Path) -> sqlite3.Connection | None:
    """The generation's store for an update (None when there is none of this format)."""
    p = path(gen)
    if not p.is_file():
        return None
    con = sqlite3.connect(p, isolation_level=None, timeout=30)
    try:
        if meta(con, "version") != VERSION:
            con.close()
            return None
    except sqlite3.DatabaseError:
        con.close()
        return None
    con.execute("PRAGMA cache_size=-32768")
    return con


def meta(con: sqlite3.Connection, key: str, default=None):
    row = con.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
    return default if row is None else row[0]


def articles_of(con: sqlite3.Connection, gid: int) -> int:
    """How many articles hold group `gid` (capped at echoes.CAP); 0 for a group not stored."""
    row = con.execute("SELECT articles FROM groups WHERE gid=?", (gid,)).fetchone()
    return row[0] if row else 0


def set_meta(con: sqlite3.Connection, **values) -> None:
    con.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", values.items())


def stamp_of(gen: Path) -> int | None:
    """The index commit the generation's store describes, None without a readable one."""
    return file_stamp(path(gen), VERSION)


def file_stamp(p: Path, version: int) -> int | None:
    """The `stamp` in the meta table of the SQLite file `p`, if its `version` is this one."""
    if not p.is_file():
        return None
    try:
        con = sqlite3.connect(f"file:{p}?mode=ro", uri=True, timeout=30)
        try:
            return meta(con, "stamp") if meta(con, "version") == version else None
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return None


def dump_row(lst: list) -> bytes:
    return pickle.dumps(lst, protocol=pickle.HIGHEST_PROTOCOL)


class Rows:
    """The readers' side: one article's echo row at a time, from a read-only connection per
    thread. `stamp`: the index commit the reader serves; rows of another commit are not shown."""

    def __init__(self, gen: Path, stamp: int | None):
        self.file, self.stamp = path(gen), stamp
        self._local = threading.local()

    def _con(self) -> sqlite3.Connection | None:
        """This thread's connection to the file now at the path (a repair replaces the file:
        the inode tells)."""
        try:
            inode = os.stat(self.file).st_ino
        except FileNotFoundError:
            return None
        con, seen = getattr(self._local, "con", None), getattr(self._local, "inode", None)
        if con is None or seen != inode:
            if con is not None:
                con.close()
            try:
                con = sqlite3.connect(f"file:{self.file}?mode=ro", uri=True, timeout=30,
                                      isolation_level=None, check_same_thread=False)
            except sqlite3.DatabaseError:
                return None
            self._local.con, self._local.inode = con, inode
        return con

    def row(self, article_id: str) -> list | None:
        con = self._con()
        if con is None:
            return None
        try:
            con.execute("BEGIN")
            try:
                if meta(con, "version") != VERSION or (self.stamp is not None and meta(con, "stamp") != self.stamp):
                    return None
                found = con.execute("SELECT data FROM echoes WHERE aid=?", (article_id,)).fetchone()
            finally:
                con.execute("COMMIT")
        except sqlite3.DatabaseError:
            return None
        return pickle.loads(found[0]) if found else []

    def count(self) -> int:
        con = self._con()
        if con is None:
            return 0
        try:
            return con.execute("SELECT count(*) FROM echoes").fetchone()[0]
        except sqlite3.DatabaseError:
            return 0


def all_rows(gen: Path, only: Iterable[str] | None = None):
    """(article id, row) of every article with echoes in the generation's store (`only`:
    of those of these articles that have some, in their order)."""
    p = path(gen)
    if not p.is_file():
        return
    con = sqlite3.connect(f"file:{p}?mode=ro", uri=True, timeout=30)
    try:
        if only is None:
            for aid, data in con.execute("SELECT aid, data FROM echoes"):
                yield aid, pickle.loads(data)
            return
        for aid in only:
            found = con.execute("SELECT data FROM echoes WHERE aid=?", (aid,)).fetchone()
            if found is not None:
                yield aid, pickle.loads(found[0])
    finally:
        con.close()


class Shapes:
    """What a judge of links (search.stories.formulaic.Judge) reads of a store: the groups'
    term ranks, where they are, the articles' dates, and how many groups hold each rank
    (counted in one pass when first asked: 4 bytes a term of the build, a dict for the few
    an update added)."""

    def __init__(self, con: sqlite3.Connection):
        self.con = con
        self._n: int | None = None
        self._df = array("I")
        self._new: dict[int, int] = {}  # ranks first seen by an update (negative)
        self._dates: dict[str, str | None] = {}

    def _count(self) -> None:
        df, new, n = array("I"), self._new, 0
        for (blob,) in self.con.execute("SELECT key FROM groups"):
            n += 1
            for r in unpack_key(blob):
                if r < 0:
                    new[r] = new.get(r, 0) + 1
                else:
                    if r >= len(df):
                        df.extend([0] * (r + 1 - len(df)))
                    df[r] += 1
        self._df, self._n = df, n

    def group_count(self) -> int:
        if self._n is None:
            self._count()
        return self._n

    def df(self, rank: int) -> int:
        if self._n is None:
            self._count()
        return (self._new.get(rank, 0) if rank < 0 else self._df[rank] if rank < len(self._df) else 0) or 1

    def terms(self, gid: int) -> tuple[int, ...]:
        row = self.con.execute("SELECT key FROM groups WHERE gid=?", (gid,)).fetchone()
        return unpack_key(row[0]) if row else ()

    def term_sets(self):
        for gid, blob in self.con.execute("SELECT gid, key FROM groups"):
            yield gid, unpack_key(blob)

    def where(self, gid: int) -> list[tuple[str, int]]:
        return self.con.execute("SELECT aid, n FROM paras WHERE gid=?", (gid,)).fetchall()

    def date_of(self, aid: str) -> str | None:
        if aid not in self._dates:
            row = self.con.execute("SELECT date FROM articles WHERE aid=?", (aid,)).fetchone()
            self._dates[aid] = row[0] if row else None
        return self._dates[aid]
