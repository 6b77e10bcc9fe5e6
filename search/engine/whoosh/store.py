"""Where an index lives on disk: generations, the CURRENT pointer, the manifest and the lock.

An index directory (default `index/`, or $KLIPING_INDEX, or --index) holds:
- `gen-<stamp>/`: complete Whoosh indexes, one per full build;
- `CURRENT`: the name of the generation being served; replaced atomically with os.replace,
  so a reader sees the old index or the new one, never half of one;
- `gen-*/kliping.json`: the manifest (schema version, when, from what);
- `.lock`: held by the one writer allowed at a time.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
from pathlib import Path

from search.engine.whoosh.schema import schema_version
from search.errors import IndexBusy, IndexMissing, IndexVersionMismatch
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
    return json.loads((Path(gen) / MANIFEST).read_text(encoding="utf-8"))


def check_version(gen: Path, settings: Settings = DEFAULT) -> dict:
    manifest = read_manifest(gen)
    found, needed = manifest.get("schema_version"), schema_version(settings)
    if found != needed:
        raise IndexVersionMismatch(
            f"The index in {gen.parent} was built with schema {found}, but this Kliping needs "
            f"{needed}. Rebuild it with: python -m search build --index {gen.parent}",
            key="index_old", root=str(gen.parent), found=found, needed=needed)
    return manifest


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
                    raise IndexBusy(
                        f"Another build or update is writing to {root}. Wait for it to finish, "
                        "or pass --wait SECONDS.", key="index_locked", root=str(root)) from None
                time.sleep(0.2)
        fh.seek(0)
        fh.truncate()
        fh.write(f"{os.getpid()}\n")
        fh.flush()
        yield
    finally:
        fh.close()
