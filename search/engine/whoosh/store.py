"""Where an index lives on disk: generations, the CURRENT pointer, the manifest and the lock.

An index directory (default `index/`, or $KLIPING_INDEX, or --index) holds:
- `gen-<stamp>/`: complete Whoosh indexes, one per full build;
- `CURRENT`: the name of the generation being served; replaced atomically with os.replace,
  so a reader sees the old index or the new one, never half of one;
- `gen-*/kliping.json`: the manifest (schema version, when, from what, how many articles and
  the index commit they were counted at);
- `.lock`: held by the one writer allowed at a time (an flock: the kernel releases it when its
  holder dies; the file names the holder's pid, for the message when it is busy).

Failures of the disk are one clear line (`storage_errors`: StorageError saying what to do), and
the next writer sweeps what a failed or killed one left (`sweep`): half-built and unpublished
generations, segment files no commit names, temporary files. Nothing committed is touched.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
import time
from pathlib import Path

from search.engine.whoosh.schema import schema_version
from search.errors import IndexBusy, IndexMissing, IndexUnreadable, IndexVersionMismatch, StorageError
from search.settings import DEFAULT, Settings

MANIFEST = "kliping.json"
KEEP_GENERATIONS = 2  # the served one and the one before, for readers still holding it


def current_generation(root: Path) -> Path:
    """The generation being served, or IndexMissing with what to run."""
    root = Path(root)
    try:
        name = (root / "CURRENT").read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise IndexMissing(
            f"No index in {root}. Build it with: python -m search build --index {root}",
            key="no_index", root=str(root)) from None
    gen = root / name
    if not name or not (gen / MANIFEST).is_file():
        raise IndexMissing(f"The index in {root} is incomplete. Rebuild it with: python -m search build --index {root}",
                           key="index_incomplete", root=str(root))
    return gen


def read_manifest(gen: Path) -> dict:
    try:
        return json.loads((Path(gen) / MANIFEST).read_text(encoding="utf-8"))
    except ValueError as e:
        raise unreadable(gen, e) from None


def check_version(gen: Path, settings: Settings = DEFAULT) -> dict:
    manifest = read_manifest(gen)
    found, needed = manifest.get("schema_version"), schema_version(settings)
    if found != needed:
        raise IndexVersionMismatch(
            f"The index in {gen.parent} was built with schema {found}, but this Kliping needs "
            f"{needed}. Rebuild it with: python -m search build --index {gen.parent}",
            key="index_old", root=str(gen.parent), found=found, needed=needed)
    return manifest


def open_index(gen: Path, mmap: bool = True):
    """The Whoosh index of a generation, or IndexUnreadable saying to rebuild (a corrupt or
    truncated file, files gone, no permission to read)."""
    from whoosh.filedb.filestore import FileStorage

    try:
        ix = FileStorage(str(gen), supports_mmap=mmap).open_index()
        ix.reader().close()  # every segment opens
        return ix
    except Exception as e:  # Whoosh raises whatever its unpickling or reading met
        raise unreadable(gen, e) from None


def unreadable(gen: Path, e: BaseException) -> IndexUnreadable:
    root = Path(gen).parent
    return IndexUnreadable(f"The index in {root} cannot be read ({type(e).__name__}: {e}). "
                           f"Rebuild it with: python -m search build --index {root}",
                           key="index_unreadable")


def new_generation(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    now = time.time_ns()
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now / 1e9)) + f"-{now // 1000 % 1_000_000:06d}"
    gen = root / f"gen-{stamp}"
    gen.mkdir()
    return gen


def write_manifest(gen: Path, manifest: dict) -> None:
    tmp = gen / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, gen / MANIFEST)


def publish(root: Path, gen: Path) -> None:
    """Make `gen` the served generation atomically, then prune old ones."""
    tmp = root / "CURRENT.tmp"
    tmp.write_text(gen.name + "\n", encoding="utf-8")
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, root / "CURRENT")
    prune(root, keep=gen)


def prune(root: Path, keep: Path) -> None:
    """Keep `keep` and the newest earlier complete generation (readers may still hold it); drop
    the rest, including half-built ones (no manifest) left by a killed build. Called under the
    writer lock, so no other build is in progress."""
    gens = sorted((p for p in root.glob("gen-*") if p.is_dir() and p != keep), key=lambda p: p.name)
    complete = [p for p in gens if (p / MANIFEST).is_file()]
    spared = set(complete[len(complete) - (KEEP_GENERATIONS - 1):]) if KEEP_GENERATIONS > 1 else set()
    for old in gens:
        if old not in spared:
            shutil.rmtree(old, ignore_errors=True)


def served_name(root: Path) -> str:
    """The name CURRENT gives ("" when there is none)."""
    try:
        return (Path(root) / "CURRENT").read_text(encoding="utf-8").strip()
    except (FileNotFoundError, UnicodeDecodeError):
        return ""


def sweep(root: Path) -> list[str]:
    """What failed or killed writers left, removed (under the writer lock): generations without a
    manifest (half built) or newer than the served one (built, never published), temporary files
    in the served generation, and its segment files that no commit names. Returns what went."""
    root = Path(root)
    gone = []
    served = served_name(root)
    for gen in sorted(p for p in root.glob("gen-*") if p.is_dir() and p.name != served):
        if not (gen / MANIFEST).is_file() or (served and gen.name > served):
            shutil.rmtree(gen, ignore_errors=True)
            gone.append(gen.name)
    gone += _remove_tmp(root)
    if served and (root / served).is_dir():
        gone += _sweep_generation(root / served)
    return gone


def _remove_tmp(folder: Path) -> list[str]:
    """Temporary files and folders (`*.tmp`: ours, and the Whoosh writer's pool) of a writer
    that did not finish."""
    gone = []
    for tmp in folder.glob("*.tmp"):
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            tmp.unlink(missing_ok=True)
        gone.append(tmp.name)
    return gone


def _sweep_generation(gen: Path) -> list[str]:
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC, EmptyIndexError, clean_files

    gone = _remove_tmp(gen)
    storage = FileStorage(str(gen))
    try:
        toc = TOC.read(storage, "MAIN")
    except (EmptyIndexError, OSError, ValueError, EOFError):
        return gone
    before = set(storage.list())
    clean_files(storage, "MAIN", toc.generation, toc.segments)  # Whoosh's own: unnamed segments, old TOCs
    return gone + sorted(before - set(storage.list()))


@contextlib.contextmanager
def storage_errors(root: Path, what: str = "Nothing was changed: the served index is as it was."):
    """OSError of the disk -> StorageError, one line saying what to do; what was committed
    before stays served."""
    try:
        yield
    except OSError as e:
        where = getattr(e, "filename", None) or root
        if e.errno in (errno.ENOSPC, errno.EDQUOT):
            msg = f"The disk holding {root} is full (writing {where}). Free some space and run it again."
        elif e.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            msg = (f"{root} cannot be written ({e.strerror}: {where}). Make it writable, or use another "
                   "folder with --index.")
        else:
            raise
        raise StorageError(f"{msg} {what}") from None


def pointer_stamp(root: Path) -> tuple:
    """Cheap change detector for readers: CURRENT's inode and mtime."""
    try:
        st = os.stat(Path(root) / "CURRENT")
    except FileNotFoundError:
        return (None,)
    return (st.st_ino, st.st_mtime_ns)


@contextlib.contextmanager
def writer_lock(root: Path, wait: float = 0.0):
    """Hold the one-writer lock, waiting up to `wait` seconds, else IndexBusy."""
    root = Path(root)
    with storage_errors(root):
        root.mkdir(parents=True, exist_ok=True)
        fh = open(root / ".lock", "a+")  # noqa: SIM115 (held until the lock is released)
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    message, key = _busy(root, fh)
                    raise IndexBusy(message, key=key, root=str(root)) from None
                time.sleep(0.2)
        with storage_errors(root):
            fh.seek(0)
            fh.truncate()
            fh.write(f"{os.getpid()}\n")
            fh.flush()
            sweep(root)
        yield
    finally:
        fh.close()


def _busy(root: Path, fh) -> tuple[str, str | None]:
    """Who holds the lock, as far as its file tells: a live writer, or one that died while a
    process it started still holds the lock (say which, to stop). (message, i18n key or None)"""
    fh.seek(0)
    text = fh.read().strip()
    pid = int(text) if text.isdigit() else None
    base = f"Another build or update is writing to {root}"
    if pid is None or Path(f"/proc/{pid}").exists() or not Path("/proc").is_dir():
        who = f" (process {pid})" if pid else ""
        return f"{base}{who}. Wait for it to finish, or pass --wait SECONDS.", "index_locked"
    return (f"{base}: process {pid} took the lock and is gone, but a process it started still holds it. "
            f"Stop that process (see: fuser {root / '.lock'}) and run again."), None
