"""Kliping's own SQLite files (search.stories.storybook's echo store and stories' file) kept in
PostgreSQL as content-addressed parts: what an update changed moves, what it did not stays.

Two tables per generation (search.engine.postgres.schema): `kliping_parts_<gen>` holds each
distinct part once, keyed by its digest (BLAKE2b of its bytes); `kliping_files_<gen>` lists, per
commit of the generation and per file, its size and its parts' digests in order (one `bytea`).
A file is cut at fixed offsets PART bytes apart, SQLite's page size: SQLite changes a file in
place, page by page, so an `add` changes only the parts holding the pages it wrote (at 35k
articles, an add of 1,000 writes about a quarter of the stories' pages; larger parts would
each hold one of them far more often). `save` uploads the parts whose digests no list holds
yet and lists the others again. Files are read and written a part (or a batch of parts) at a
time, the digests taken while streaming: no file is ever whole in memory.

The lists of the last KEEP_COMMITS commits are kept (as store.KEEP_GENERATIONS keeps
generations): a reader on the commit before still reads that commit's bytes while an `add`
writes the next one. Older lists go when a commit is saved, and with them the parts no kept
list refers to. A reader reads a list and its parts in one REPEATABLE READ transaction (one
snapshot, whatever commits meanwhile). A reader whose commit's list is gone gets the newest
(the stories' file says which commit it describes, and search.stories.storystore.StoryView
accepts a newer one).
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from search.engine.postgres.schema import table

PART = 4096  # bytes a part: SQLite's page (search.stories' files keep its default, 4 KB)
DIGEST = 20  # bytes of a part's digest
BATCH = 4 << 20  # bytes of parts read in one statement
KEEP_COMMITS = 2  # the commit saved and the one before, for readers still on it
KEEP_CACHED = 2  # files of each name a writer keeps on local disk (`keep`)


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=DIGEST).digest()


class Corrupt(Exception):
    """A part read back does not match its digest, or is missing."""


@dataclass
class Saved:
    """What `save` moved: parts and bytes uploaded, and those listed in all."""
    parts_new: int = 0
    bytes_new: int = 0
    parts: int = 0
    bytes: int = 0
    lists: dict[str, bytes] = field(default_factory=dict)  # {file name: its parts' digests}


# -- writing ------------------------------------------------------------------------------------------
def save(conn, gen: int, commit: int, folder: Path) -> Saved:
    """The files in `folder` as the generation's commit `commit`: new parts uploaded, each file
    listed, and the lists (and then parts) of commits older than the kept ones removed."""
    files, parts = table("files", gen), table("parts", gen)
    lists = {(name, c): bytes(blob) for name, c, blob in conn.execute(f"SELECT name, commit, digests FROM {files}")}
    known = {d for blob in lists.values() for d in split(blob)}
    conn.execute(f"DELETE FROM {files} WHERE commit = %s", (commit,))
    saved, listed = Saved(), {}
    with conn.cursor().copy(f"COPY {parts} (digest, data) FROM STDIN (FORMAT BINARY)") as cp:
        cp.set_types(["bytea", "bytea"])
        for path in sorted(Path(folder).iterdir()):
            if not path.is_file():
                continue
            found = bytearray()
            for data in _chunks(path):
                d = digest(data)
                if d not in known:
                    cp.write_row((d, data))
                    known.add(d)
                    saved.parts_new += 1
                    saved.bytes_new += len(data)
                found += d
                saved.parts += 1
                saved.bytes += len(data)
            listed[path.name] = (path.stat().st_size, bytes(found))
    for name, (size, blob) in listed.items():
        conn.execute(f"INSERT INTO {files} (name, commit, size, digests) VALUES (%s, %s, %s, %s)",
                     (name, commit, size, blob))
        saved.lists[name] = blob
    lists = {k: v for k, v in lists.items() if k[1] != commit}
    lists.update({(name, commit): blob for name, (_, blob) in listed.items()})
    forget(conn, gen, lists, commit - KEEP_COMMITS + 1)
    return saved


def _chunks(path: Path) -> Iterator[bytes]:
    """The file's parts in order (an empty file is one empty part)."""
    with open(path, "rb") as fh:
        data = fh.read(PART)
        yield data
        while data := fh.read(PART):
            yield data


def split(blob: bytes) -> list[bytes]:
    """A list's digests, in order."""
    return [blob[i:i + DIGEST] for i in range(0, len(blob), DIGEST)]


def forget(conn, gen: int, lists: dict[tuple[str, int], bytes], oldest: int) -> None:
    """Lists (`lists`: all the generation holds, {(name, commit): digests}) of commits before
    `oldest` go, and the parts no list left refers to."""
    gone = [k for k in lists if k[1] < oldest]
    if not gone:
        return
    conn.execute(f"DELETE FROM {table('files', gen)} WHERE commit < %s", (oldest,))
    kept = {d for k, blob in lists.items() if k[1] >= oldest for d in split(blob)}
    unused = sorted({d for k in gone for d in split(lists[k])} - kept)
    for i in range(0, len(unused), 10_000):
        conn.execute(f"DELETE FROM {table('parts', gen)} WHERE digest = ANY(%s)", (unused[i:i + 10_000],))


# -- reading ------------------------------------------------------------------------------------------
@contextmanager
def _snapshot(conn):
    """A read-only REPEATABLE READ transaction: a list and its parts read from one snapshot."""
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def listing(conn, gen: int, commit: int | None, name: str) -> list[bytes] | None:
    """The digests of a file's parts at `commit` (None: the newest), else at the newest commit
    listed; None when the generation has no file of that name."""
    found = conn.execute(f"SELECT digests FROM {table('files', gen)} WHERE name = %s "
                         "ORDER BY commit = %s DESC, commit DESC LIMIT 1", (name, commit)).fetchone()
    return None if found is None else split(bytes(found[0]))


def stream(conn, gen: int, digests: list[bytes]) -> Iterator[bytes]:
    """The parts' bytes in order, BATCH bytes a statement, each checked against its digest."""
    parts = table("parts", gen)
    step = max(1, BATCH // PART)
    cur = conn.cursor(binary=True)
    for i in range(0, len(digests), step):
        batch = digests[i:i + step]
        got = dict(cur.execute(f"SELECT digest, data FROM {parts} WHERE digest = ANY(%s)",
                               (list(set(batch)),)).fetchall())
        for d in batch:
            data = got.get(d)
            if data is None or digest(data) != d:
                raise Corrupt(f"part {d.hex()} of {parts} is {'missing' if data is None else 'damaged'}")
            yield data


def key(digests: list[bytes]) -> str:
    """A name for a file's bytes, from its parts' digests (equal names, equal bytes)."""
    return digest(b"".join(digests)).hex()[:24]


def copy_out(conn, gen: int, commit: int | None, name: str, target: Callable[[str], Path],
             seed: Path | None = None) -> Path | None:
    """The file at `commit` (see `listing`) on local disk, at `target(key)`: written there a part
    at a time (through a temporary file, then renamed), or found there already, written before
    by this or another process. None when the generation has no such file or it is empty.

    `seed`: a local copy of the file at an earlier commit. SQLite changes a file page by page in
    place, so part i of the new file is mostly part i of the old: each part of the seed that
    matches the new list at its place is copied from local disk, and only the others are
    downloaded (a web machine moves what an `add` changed, not the whole file)."""
    with _snapshot(conn):
        digests = listing(conn, gen, commit, name)
        if not digests or digests == [digest(b"")]:
            return None
        out = target(key(digests))
        if not out.is_file():
            _write(out, _seeded(conn, gen, digests, seed) if seed is not None else stream(conn, gen, digests))
    return out


def _seeded(conn, gen: int, digests: list[bytes], seed: Path) -> Iterator[bytes]:
    """The parts of `digests` in order: from `seed` where its part at the same place has that
    digest (checked as the seed is read: it is only a shortcut), else downloaded. The seed is
    held open throughout, so another process removing it meanwhile changes nothing here; no
    copy is ever changed in place (`_write` renames a finished file over its name)."""
    try:
        fh = open(seed, "rb")  # noqa: SIM115 (held open across the yields below)
    except OSError:  # gone meanwhile (another process moved on): download everything
        yield from stream(conn, gen, digests)
        return
    with fh:
        same = bytearray(len(digests))
        for i, want in enumerate(digests):
            data = fh.read(PART)
            if not data:
                break
            same[i] = digest(data) == want
        missing = [d for d, s in zip(digests, same) if not s]
        fetched = stream(conn, gen, missing) if missing else iter(())
        for i, s in enumerate(same):
            if s:
                fh.seek(i * PART)
                yield fh.read(PART)
            else:
                yield next(fetched)


def restore(conn, gen: int, commit: int, folder: Path, cache: Path | None = None) -> None:
    """Every file the generation lists at `commit` (else at its newest listed one), written into
    `folder` (search.stories reads and updates them there). Each is seeded from the writer's
    `cache` (`_cached`): a part that matches the list at its place is copied from local disk, the
    others are downloaded (a damaged cached file costs its damaged parts; a copy of an earlier
    commit, what another writer's add changed). Runs in the caller's transaction: the writer's,
    which no other writer changes under it."""
    files = table("files", gen)
    held = {c for (c,) in conn.execute(f"SELECT DISTINCT commit FROM {files}")}
    at = commit if commit in held else max(held, default=None)
    for name, blob in conn.execute(f"SELECT name, digests FROM {files} WHERE commit = %s", (at,)).fetchall():
        digests = split(bytes(blob))
        seed = _cached(cache, name, digests) if cache is not None else None
        _write(Path(folder) / name, _seeded(conn, gen, digests, seed) if seed else stream(conn, gen, digests))


def _cached(cache: Path, name: str, digests: list[bytes]) -> Path | None:
    """The cached file to seed `name` from: the copy saved with this very list, else the newest
    copy of that name (an earlier commit's); None when the cache holds none."""
    exact = cache / f"{key(digests)}-{name}"
    if exact.is_file():
        return exact
    return max(cache.glob(f"*-{name}"), key=mtime, default=None)


# -- the writer's cache -------------------------------------------------------------------------------
def cache_folder() -> Path:
    """Where a writer keeps the files it last saved, named by their lists (`key`), so that the
    next `add` or `remove` copies them from local disk instead of downloading them:
    $KLIPING_WRITER_CACHE, else `kliping-writer-<uid>` in the system's temporary folder."""
    folder = Path(os.environ.get("KLIPING_WRITER_CACHE")
                  or Path(tempfile.gettempdir()) / f"kliping-writer-{os.getuid()}")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def keep(folder: Path, cache: Path, lists: dict[str, bytes]) -> None:
    """The files `save` listed (moved out of `folder`) into the cache; of each name, the
    KEEP_CACHED newest stay. The cache is only a shortcut: whatever it holds is checked."""
    for name, blob in lists.items():
        target = cache / f"{key(split(blob))}-{name}"
        tmp = cache / f".{target.name}.{os.getpid()}.tmp"
        shutil.move(Path(folder) / name, tmp)
        os.replace(tmp, target)
        older = sorted(cache.glob(f"*-{name}"), key=mtime, reverse=True)[KEEP_CACHED:]
        for old in older:
            old.unlink(missing_ok=True)


def mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _write(path: Path, data: Iterator[bytes]) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            for part in data:
                fh.write(part)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
