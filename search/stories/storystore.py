"""Where stories and quotes live: one SQLite file per generation (`stories.sqlite`), beside the
echoes' (search.stories.echostore), read and written a row at a time.

Tables:
- `meta`: format version, the index commit the file describes (`stamp`), the quote index's
  next unit id, the speakers' full names (pickled);
- the story table of search.stories.storybook, for `add` and `remove` (search.stories.rowmap
  tables, a pickled value per key): `t_meta`, `t_titles`, `t_features` per article, and the
  quote index's (search.stories.quotebook) `q_*` maps, with `q_group_of` (node -> record id)
  and `q_group_nodes` (record id -> nodes);
- `title_terms` (headline term, article): the headlines that share a term;
- what readers read: `story_of` (article -> story id), `stories` (story id -> pickled Story),
  `records` (quote id, first appearance's date, appearances, speaker, pickled QuoteRecord),
  `record_terms` and `record_speakers` (for finding quotes by term and by a speaker's name),
  `marks` (article -> [(n, quote id)]).

Writers change it in one transaction that also sets the stamp. Readers (`StoryView`) open it
read-only and show what it holds when it describes their commit or a newer one (an `add` by
another process moved it on; the reader's own refresh follows); a file of an older commit (a
writer died between its index commit and this file; its next run repairs it) shows nothing.
"""
from __future__ import annotations

import os
import pickle
import sqlite3
import threading
from collections import Counter
from contextlib import contextmanager, nullcontext
from pathlib import Path

from search.models import QuoteMark, QuotePage, QuoteResult, Story
from search.stories import echostore, rowmap
from search.stories.echostore import meta, set_meta

FILE = "stories.sqlite"
VERSION = 5  # 2: pickles (QuoteBook.aliases); 3: SQLite rows, updated per batch; 4: marks (n, quote id);
# 5: paragraph features pickled as their fields (formulaic.Features has slots)

MAPS = {"t_meta": "TEXT", "t_titles": "TEXT", "t_features": "TEXT",
        "q_units": "INTEGER", "q_by_article": "TEXT", "q_canon": "TEXT", "q_node_of": "INTEGER",
        "q_same": "INTEGER", "q_df": "TEXT", "q_postings": "TEXT", "q_links": "INTEGER",
        "q_speakers": "TEXT", "q_group_of": "INTEGER", "q_group_nodes": "TEXT", "marks": "TEXT"}

SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE title_terms(term TEXT NOT NULL, aid TEXT NOT NULL, PRIMARY KEY(term, aid)) WITHOUT ROWID;
CREATE TABLE story_of(aid TEXT PRIMARY KEY, sid TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE stories(sid TEXT PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE records(qid TEXT PRIMARY KEY, date TEXT NOT NULL, n INTEGER NOT NULL, speaker TEXT,
                     speaker_cf TEXT, data BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE record_terms(term TEXT NOT NULL, qid TEXT NOT NULL, PRIMARY KEY(term, qid)) WITHOUT ROWID;
CREATE TABLE record_speakers(name TEXT NOT NULL, qid TEXT NOT NULL, PRIMARY KEY(name, qid)) WITHOUT ROWID;
CREATE INDEX records_order ON records(date, n, qid);
CREATE INDEX records_speaker ON records(speaker);
CREATE INDEX records_cf ON records(speaker_cf);
"""

_P = pickle.HIGHEST_PROTOCOL
_IN_BATCH = 500  # article ids per `IN (…)` of one statement (SQLite bounds its parameters)


def path(gen: Path) -> Path:
    return Path(gen) / FILE


def create(target: Path) -> sqlite3.Connection:
    """A new, empty file at `target` (replaced if there), in a transaction for the bulk write."""
    target.unlink(missing_ok=True)
    Path(str(target) + "-journal").unlink(missing_ok=True)
    con = sqlite3.connect(target, isolation_level=None)
    con.execute("PRAGMA synchronous=OFF")
    con.executescript(SCHEMA)
    for name, key in MAPS.items():
        rowmap.create_table(con, name, key)
    con.execute("BEGIN")
    return con


def open_rw(gen: Path, stamp: int | None) -> sqlite3.Connection | None:
    """The generation's file in a write transaction, if it describes index commit `stamp`."""
    p = path(gen)
    if not p.is_file():
        return None
    con = sqlite3.connect(p, isolation_level=None, timeout=30)
    try:
        con.execute("PRAGMA cache_size=-32768")
        con.execute("BEGIN IMMEDIATE")
        if meta(con, "version") == VERSION and (stamp is None or meta(con, "stamp") == stamp):
            return con
        con.execute("ROLLBACK")
    except sqlite3.DatabaseError:
        pass
    con.close()
    return None


def commit(con: sqlite3.Connection, stamp: int) -> None:
    set_meta(con, version=VERSION, stamp=stamp)
    con.execute("COMMIT")
    con.close()


def finish(con: sqlite3.Connection, tmp: Path, final: Path, stamp: int) -> None:
    """The build's file: committed (back in rollback-journal mode, if it was shared in WAL
    mode) and moved into place."""
    set_meta(con, version=VERSION, stamp=stamp)
    con.execute("COMMIT")
    con.execute("PRAGMA journal_mode=DELETE")
    con.close()
    os.replace(tmp, final)


def stamp_of(gen: Path) -> int | None:
    """The index commit the generation's file describes, None without a readable one."""
    return echostore.file_stamp(path(gen), VERSION)


# -- what readers read -------------------------------------------------------------------------------
def write_story(con: sqlite3.Connection, story: Story) -> None:
    con.execute("INSERT OR REPLACE INTO stories(sid, data) VALUES (?, ?)", (story.id, pickle.dumps(story, _P)))
    con.executemany("INSERT OR REPLACE INTO story_of(aid, sid) VALUES (?, ?)", ((a, story.id) for a in story.members))


def write_record(con: sqlite3.Connection, r, old=None) -> None:
    """A quote record (search.stories.quotebook.QuoteRecord), findable by its terms and by the
    casefolded names its appearances give; `old`: the record of the same id it replaces, whose
    terms and names it keeps (only those it adds are written)."""
    con.execute("INSERT OR REPLACE INTO records(qid, date, n, speaker, speaker_cf, data) VALUES (?, ?, ?, ?, ?, ?)",
                (r.id, r.first.date or "", len(r.occurrences), r.speaker,
                 r.speaker.casefold() if r.speaker else None, pickle.dumps(r, _P)))
    terms, names = (r.terms, r.names) if old is None else (r.terms - old.terms, r.names - old.names)
    con.executemany("INSERT OR IGNORE INTO record_terms(term, qid) VALUES (?, ?)", ((t, r.id) for t in terms))
    con.executemany("INSERT OR IGNORE INTO record_speakers(name, qid) VALUES (?, ?)", ((s, r.id) for s in names))


def delete_record(con: sqlite3.Connection, r) -> None:
    """A record write_record wrote, with its term and name rows (found by their keys)."""
    con.execute("DELETE FROM records WHERE qid=?", (r.id,))
    con.executemany("DELETE FROM record_terms WHERE term=? AND qid=?", ((t, r.id) for t in r.terms))
    con.executemany("DELETE FROM record_speakers WHERE name=? AND qid=?", ((s, r.id) for s in r.names))


class StoryView:
    """The readers' side: an article's story, a story's articles, the quote book (`book`).
    Reads the file at a path (a read-only connection per thread) or, for an engine that keeps
    the file elsewhere, a local copy of it (`from_copy`) through one connection."""

    def __init__(self, file: Path | None, stamp: int | None, held: sqlite3.Connection | None = None):
        self.file, self.stamp = file, stamp
        self._local = threading.local()
        self._lock = threading.Lock()
        self._memory = held  # the one connection of a copy (used under the lock)
        self.book = StoredBook(self)

    @classmethod
    def load(cls, gen: Path, stamp: int | None) -> StoryView:
        return cls(path(gen), stamp)

    @classmethod
    def from_copy(cls, copy: Path | None, stamp: int | None) -> StoryView:
        """A view of a copy of the file that no one changes (None: no file), read from disk so
        that processes share the page cache rather than each holding the file. The connection
        is opened at once and kept: removing the copy later does not take it away."""
        if copy is None:
            return cls(None, stamp)
        con = sqlite3.connect(f"file:{copy}?mode=ro&immutable=1", uri=True, isolation_level=None,
                              check_same_thread=False)
        return cls(None, stamp, con)

    def _connect(self) -> sqlite3.Connection | None:
        if self._memory is not None:
            return self._memory
        try:
            inode = os.stat(self.file).st_ino if self.file is not None else None
        except FileNotFoundError:
            inode = None
        if inode is None:
            return None
        con, seen = getattr(self._local, "con", None), getattr(self._local, "inode", None)
        if con is None or seen != inode:
            if con is not None:
                con.close()
            con = sqlite3.connect(f"file:{self.file}?mode=ro", uri=True, timeout=30,
                                  isolation_level=None, check_same_thread=False)
            self._local.con, self._local.inode = con, inode
        return con

    @contextmanager
    def reading(self):
        """A connection in a read transaction, or None when the file shows nothing for this
        reader (none, another format, or an older commit than the reader's)."""
        with self._lock if self._memory is not None else nullcontext():
            try:
                con = self._connect()
                if con is None:
                    yield None
                    return
                con.execute("BEGIN")
            except sqlite3.DatabaseError:
                yield None
                return
            try:
                stamp = meta(con, "stamp")
                good = meta(con, "version") == VERSION and (
                    self.stamp is None or (stamp is not None and stamp >= self.stamp))
                yield con if good else None
            finally:
                con.execute("COMMIT")

    def story_of(self, article_id: str) -> Story | None:
        return self.stories_of([article_id]).get(article_id)

    def stories_of(self, article_ids) -> dict[str, Story]:
        """{article id: its story} of those that have one, in one read."""
        out: dict[str, Story] = {}
        with self.reading() as con:
            if con is None:
                return out
            ids = list(dict.fromkeys(article_ids))
            loaded: dict[str, Story] = {}
            for start in range(0, len(ids), _IN_BATCH):
                part = ids[start:start + _IN_BATCH]
                rows = con.execute("SELECT o.aid, o.sid, s.data FROM story_of o JOIN stories s ON s.sid = o.sid"
                                   f" WHERE o.aid IN ({','.join('?' * len(part))})", part).fetchall()
                for aid, sid, data in rows:
                    story = loaded.get(sid)
                    if story is None:
                        story = loaded[sid] = pickle.loads(data)
                    out[aid] = story
        return {aid: out[aid] for aid in ids if aid in out}  # in the order asked

    def story(self, story_id: str) -> Story | None:
        with self.reading() as con:
            if con is None:
                return None
            row = con.execute("SELECT data FROM stories WHERE sid=?", (story_id,)).fetchone()
            return pickle.loads(row[0]) if row else None

    def story_ids(self) -> dict[str, str]:
        """{article id: story id} of every article, in one read."""
        with self.reading() as con:
            return dict(con.execute("SELECT aid, sid FROM story_of").fetchall()) if con is not None else {}



class StoredBook:
    """The quote book's reads (the same answers as search.stories.quotebook.QuoteBook's)."""

    def __init__(self, view: StoryView):
        self.view = view

    def __len__(self) -> int:
        with self.view.reading() as con:
            return con.execute("SELECT count(*) FROM records").fetchone()[0] if con is not None else 0

    def aliases(self) -> dict[str, str]:
        with self.view.reading() as con:
            blob = meta(con, "aliases") if con is not None else None
            return pickle.loads(blob) if blob else {}

    def search(self, terms: frozenset[str] = frozenset(), speaker: str = "", page: int = 1,
               per_page: int = 20, facet_size: int = 30) -> QuotePage:
        with self.view.reading() as con:
            if con is None:
                return QuotePage(0, [], [], page, per_page)
            where, args = ["1"], []
            if terms:
                each = ["SELECT qid FROM record_terms WHERE term=?"] * len(terms)
                where.append("qid IN (" + " INTERSECT ".join(each) + ")")
                args += sorted(terms)
            cond = " AND ".join(where)
            counts = con.execute(f"SELECT speaker, count(*) AS c FROM records WHERE {cond} AND speaker IS NOT NULL "
                                 "GROUP BY speaker ORDER BY c DESC, speaker LIMIT ?", (*args, facet_size)).fetchall()
            if speaker:
                blob = meta(con, "aliases")
                aliases = pickle.loads(blob) if blob else {}
                cond += " AND speaker_cf = ?"
                args.append(aliases.get(speaker.casefold(), speaker).casefold())
            total = con.execute(f"SELECT count(*) FROM records WHERE {cond}", args).fetchone()[0]
            rows = con.execute(f"SELECT data FROM records WHERE {cond} ORDER BY date DESC, n DESC, qid DESC "
                               "LIMIT ? OFFSET ?", (*args, per_page, (page - 1) * per_page)).fetchall()
            return QuotePage(total, [pickle.loads(d).result() for (d,) in rows], [tuple(c) for c in counts],
                             page, per_page)

    def for_article(self, article_id: str) -> dict[int, list[QuoteMark]]:
        with self.view.reading() as con:
            if con is None:
                return {}
            row = con.execute("SELECT v FROM marks WHERE k=?", (article_id,)).fetchone()
            out: dict[int, list[QuoteMark]] = {}
            records: dict = {}
            for n, qid in (pickle.loads(row[0]) if row else ()):
                if qid not in records:
                    found = con.execute("SELECT data FROM records WHERE qid=?", (qid,)).fetchone()
                    records[qid] = pickle.loads(found[0]) if found else None
                if records[qid] is not None:
                    out.setdefault(n, []).extend(records[qid].marks_in(article_id, n))
            for marks in out.values():  # in reading order
                marks.sort(key=lambda m: (m.spans[0] if m.spans else (0, 0), m.quote))
            return {n: marks for n, marks in out.items() if marks}

    def get(self, quote_id: str) -> QuoteResult | None:
        with self.view.reading() as con:
            if con is None:
                return None
            row = con.execute("SELECT data FROM records WHERE qid=?", (quote_id,)).fetchone()
            return pickle.loads(row[0]).result() if row else None


def speaker_counts(con: sqlite3.Connection) -> Counter:
    """How many articles quote each speaker name (the quote index's `q_speakers`)."""
    return Counter({k: pickle.loads(v) for k, v in con.execute("SELECT k, v FROM q_speakers")})
