"""What the server's worker processes share of one index commit: the facet table and the field
lengths that every reader derives from it, made by one process and loaded by the others.

A new commit (a build, or an `add` committed in place) makes every worker open a new reader. At
35k articles deriving its facet table and lengths took 1.5 s a worker (1.1 s the table, 0.35 s
the lengths) and loading them from this file 0.3 s: so the first worker to open a commit makes
`reader-state.pickle` beside it, under an flock of `reader-state.lock`, and the others wait for
it and load it. The file's header names the commit it describes; a file of another commit is
ignored and replaced. A folder the server cannot write just means each worker derives its own.
Nothing here is needed for correctness: it only saves the other workers the work.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import pickle
from collections.abc import Callable
from pathlib import Path

FILE = "reader-state.pickle"
LOCK = "reader-state.lock"
VERSION = 2  # 2: the facet table holds the documents' article ids


def derived(gen: Path, stamp: int, make: Callable[[], dict]) -> dict:
    """The derived state of index commit `stamp` in generation `gen`: loaded when another process
    made it, else made here by `make()` (one process at a time; the others wait, then load it)."""
    path = Path(gen) / FILE
    found = _load(path, stamp)
    if found is not None:
        return found
    try:
        lock = open(Path(gen) / LOCK, "a+")  # noqa: SIM115 (closed below)
    except OSError:  # a read-only folder: derive it here
        return make()
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another worker making it: wait for it
        found = _load(path, stamp)
        if found is None:
            found = make()
            with contextlib.suppress(OSError):  # a full disk, a folder gone: the next one makes it
                _dump(path, stamp, found)
        return found


def _dump(path: Path, stamp: int, data: dict) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            pickle.dump({"version": VERSION, "stamp": stamp}, fh, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _load(path: Path, stamp: int) -> dict | None:
    try:
        with open(path, "rb") as fh:
            head = pickle.load(fh)
            if not isinstance(head, dict) or head.get("version") != VERSION or head.get("stamp") != stamp:
                return None
            data = pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError):
        return None
    return data if isinstance(data, dict) else None
