"""What a PostgreSQL reader loads once per generation for Kliping's own layers, as the Whoosh
reader does from its files: the stories and the quote book, and the written words for fuzzy
words and did-you-mean.

- Stories and quotes: the build and every update run search.stories.storybook (the Whoosh
  engine's steps) and keep its file, `stories.sqlite` (search.stories.storystore), as
  content-addressed parts listed per commit (search.engine.postgres.files). It is streamed,
  a part at a time, once per generation and commit into a local copy on disk (the parts an
  update left alone copied from the copy of the commit before, the others downloaded), one per commit
  shared by the web processes (named by its parts' digests, so a process finding it there
  reads nothing; read through the page cache, not held by each), behind a `StoryView`, so
  `/kutipan`, `/api/quotes`, `collapse=story` (`collapse`) and the quote marks give the Whoosh
  engine's answers. A reader keeps its commit's bytes while an `add` writes the next.
- Written words: the lexicon table's `exact` lexemes (`=word`) with their document
  frequencies, indexed once per generation and commit by search.text.spelling.Lexicon, the
  very index the Whoosh reader makes of its `exact` field: the same candidates, in the same
  order.
"""
from __future__ import annotations

import functools
import hashlib
import os
import tempfile
import threading
from pathlib import Path

from search.engine.postgres import files
from search.engine.postgres.connect import Servers
from search.engine.postgres.schema import EXACT_MARK, table
from search.stories.storybook import FILE as STORIES_FILE
from search.stories.storybook import StoryView
from search.text.spelling import MAX_LENGTH, Lexicon


class Layers:
    def __init__(self, servers: Servers, gen: int, commit: int):
        self.servers, self.gen, self.commit = servers, gen, commit
        self._lock = threading.Lock()
        self._view: StoryView | None = None
        self._words: Lexicon | None = None

    def stories(self) -> StoryView:
        """The generation's StoryView at this commit (none when its file describes another)."""
        with self._lock:
            if self._view is None:
                # the copy of an earlier commit, if any: its unchanged parts need no download
                seed = max(self._copies(f"{self.gen}-*"), key=files.mtime, default=None)
                copy = self.servers.read(lambda c: files.copy_out(c, self.gen, self.commit, STORIES_FILE,
                                                                  self._copy, seed=seed))
                for old in self._copies("*"):  # (a process still reading one keeps it open)
                    if old != copy:
                        old.unlink(missing_ok=True)
                self._view = StoryView.from_copy(copy, self.commit)
            return self._view

    @functools.cached_property
    def _place(self) -> tuple[Path, str]:
        """The folder of the stories copies (made once) and this archive's prefix there."""
        folder = Path(os.environ.get("KLIPING_STORIES_COPIES")
                      or Path(tempfile.gettempdir()) / f"kliping-stories-{os.getuid()}")
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return folder, hashlib.sha1(self.servers.primary.dsn.encode()).hexdigest()[:16]

    def _copies(self, pattern: str) -> list[Path]:
        """This archive's stories copies on local disk whose names end as `pattern`."""
        folder, archive = self._place
        return list(folder.glob(f"{archive}-{pattern}.sqlite"))

    def _copy(self, key: str) -> Path:
        """Where a commit's stories file is copied on local disk, shared by the processes
        serving it: $KLIPING_STORIES_COPIES, else the system's temporary folder, named by the
        archive, the generation and `key` (search.engine.postgres.files.key: the digest of its
        parts' digests). Once it is there, the archive's other copies are removed."""
        folder, archive = self._place
        return folder / f"{archive}-{self.gen}-{key}.sqlite"

    def words(self) -> Lexicon:
        """The written words and their document frequencies (bench/pg_words.py measures it)."""
        with self._lock:
            if self._words is None:
                # In the Whoosh field's order (byte order: ties among candidates fall the same
                # way); the Lexicon keeps only words up to MAX_LENGTH, so the rest stay here.
                sql = (f"SELECT substr(term, 2), df FROM {table('lexicon', self.gen)} "
                       "WHERE field = 'e' AND length(term) <= %s ORDER BY term COLLATE \"C\"")
                rows = self.servers.read(lambda c: c.execute(sql, (MAX_LENGTH + len(EXACT_MARK),)).fetchall())
                self._words = Lexicon(rows)
            return self._words

    def collapse(self, top: list[tuple], limit: int) -> tuple[list[tuple], int]:
        """The first `limit` ranked rows, one per story, and how many stories all the rows make
        (an article without a story is its own)."""
        found = self.stories().stories_of([r[2] for r in top])
        out, seen = [], set()
        for r in top:
            story = found.get(r[2])
            key = story.id if story is not None else (None, r[2])
            if key not in seen:
                seen.add(key)
                if len(out) < limit:
                    out.append(r)
        return out, len(seen)
