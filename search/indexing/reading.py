"""The build's reading child: the inputs read and cleaned in a forked process while the parent
indexes them.

`prefetch` forks a child that runs the `ingest.load` iterator (and, per article, the build's
`prepare`, whose results `prepared` hands over) and sends what it read down a pipe in pickled
batches of BATCH items: ("items", batch, progress, fingerprints, prepared), then ("end",
fingerprints) or ("error", exception). `Prefetched` is the parent's side; `Relay` carries the
child's byte progress back with each batch. Without a safe fork (search.indexing.parallel's
`can_fork`) the items are read here.
"""
from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Callable

from search.errors import IngestError
from search.indexing.parallel import can_fork, die_with_parent


class Relay:
    """A progress callback that a forked reader can reroute: in the parent it calls `target`;
    in the reading child it counts, and the count travels to the parent with each batch."""

    def __init__(self, target: Callable[[int], None] | None):
        self.target = target
        self._child_count: int | None = None

    def __call__(self, n: int = 1) -> None:
        if self._child_count is not None:
            self._child_count += n
        elif self.target is not None:
            self.target(n)

    def _take(self) -> int:
        n, self._child_count = self._child_count or 0, 0
        return n


BATCH = 32  # items per message from the reading child
PIPE_BYTES = 1 << 20  # the reading child's pipe (Linux's default pipe-max-size): several batches


def _widen(fd: int) -> None:
    """Let the pipe hold PIPE_BYTES (Linux; elsewhere, or when refused, it keeps its size). With
    the default 64 KB, less than one batch, the child blocks on every batch until the parent
    has read it, and the parent waits for every next one: they take turns instead of overlapping
    (a 1M build sampled: the parent idle at its read a fifth of the time, the child at its write
    a quarter)."""
    try:
        import fcntl
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass


def prefetch(items, relay: Relay | None = None, prepare: Callable | None = None):
    """`items` (for instance an `ingest.load` iterator) read in a forked child, so reading and
    cleaning the inputs overlaps with indexing in this process; the same items, in the same
    order. A `fingerprints.Loaded` comes back with the fingerprints the child recorded: each
    batch's arrive with it, in `prints.seen` (a consumer may take them as it goes).
    `prepare(article)`, when given, runs in the child too, for each item with an `id` and
    `paragraphs` (an Article); a consumer takes its result with `prepared(items, id)`.
    Without a safe fork (see `can_fork`) this is just `iter(items)`."""
    if not can_fork():
        return iter(items)

    rfd, wfd = os.pipe()
    _widen(wfd)
    sys.stdout.flush()
    sys.stderr.flush()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: read everything, send it in batches, leave
        os.close(rfd)
        code = 0
        with os.fdopen(wfd, "wb", buffering=1 << 16) as out:
            try:
                die_with_parent(parent)
                if relay is not None:
                    relay._child_count = 0
                batch, ready = [], {}
                prints = getattr(items, "prints", None)
                for item in items:
                    batch.append(item)
                    if prepare is not None and hasattr(item, "paragraphs"):
                        ready[item.id] = prepare(item)
                    if len(batch) >= BATCH:
                        pickle.dump(("items", batch, relay._take() if relay else 0, _taken(prints), ready), out, 5)
                        batch, ready = [], {}
                pickle.dump(("items", batch, relay._take() if relay else 0, _taken(prints), ready), out, 5)
                pickle.dump(("end", prints), out, 5)
            except BaseException as e:  # the parent re-raises it
                code = 1
                try:
                    pickle.dump(("error", e), out, 5)
                except Exception:
                    pickle.dump(("error", RuntimeError(repr(e))), out, 5)
            finally:
                try:
                    out.flush()
                except OSError:
                    pass
        os._exit(code)
    os.close(wfd)
    return Prefetched(items, pid, os.fdopen(rfd, "rb", buffering=1 << 16), relay)


def prepared(items, article_id: str):
    """What `prefetch`'s `prepare` made of the article `article_id` in the reading child
    (forgotten here once taken), or None: not prefetched, no `prepare`, or not that article."""
    ready = getattr(items, "ready", None)
    return ready.pop(article_id, None) if ready else None


def _taken(prints) -> dict | None:
    """The fingerprints recorded since the last batch, handed over with it (and forgotten here,
    so the reading child holds one batch of them, not one per article read)."""
    seen = getattr(prints, "seen", None)
    if not seen:
        return None
    out = dict(seen)
    seen.clear()
    return out


class Prefetched:
    """The parent's side of `prefetch`: iterates the child's items; `prints` is the source's
    (the fingerprints the child recorded, once it has finished). `close()` (also on garbage
    collection) stops the child if it is still reading."""

    def __init__(self, source, pid: int, inp, relay: Relay | None):
        self.source, self._pid, self._inp, self._relay = source, pid, inp, relay
        self._batch: list = []
        self._at = 0
        self._done = False
        self.ready: dict = {}  # what `prepare` made of each article of the batches (see `prepared`)

    def __iter__(self):
        return self

    def __next__(self):
        while self._at >= len(self._batch):
            if self._done or self._inp is None:
                raise StopIteration
            try:
                msg = pickle.load(self._inp)
            except EOFError:
                self.close()
                raise IngestError("Reading the inputs stopped unexpectedly; nothing was published. "
                                  "Run the build again.") from None
            if msg[0] == "items":
                if self._relay is not None and msg[2]:
                    self._relay(msg[2])
                if msg[3] and hasattr(self.source, "prints"):
                    self.source.prints.seen.update(msg[3])
                self.ready.update(msg[4])
                self._batch, self._at = msg[1], 0
            elif msg[0] == "end":
                if msg[1] is not None and hasattr(self.source, "prints"):
                    seen = self.source.prints.seen  # what came with the batches (and was not taken)
                    self.source.prints = msg[1]
                    self.source.prints.seen.update(seen)
                self._done = True
                self.close()
            else:
                self.close()
                raise msg[1]
        item = self._batch[self._at]
        self._at += 1
        return item

    @property
    def prints(self):
        return getattr(self.source, "prints", None)

    def close(self) -> None:
        if self._inp is None:
            return
        inp, self._inp = self._inp, None
        inp.close()
        if not self._done:
            try:
                os.kill(self._pid, 9)
            except OSError:
                pass
        try:
            os.waitpid(self._pid, 0)
        except OSError:
            pass

    def __del__(self):
        self.close()
