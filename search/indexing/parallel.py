"""Running one step of a build in a forked child while the parent does another, and the fork
helpers the build's processes share (is a fork safe, the child dying with its parent, memory).

A build has two independent CPU-bound steps at the end: Whoosh's commit (sorting terms, writing
postings) and the echo join (search.echoes). On a machine with two or more cores they run side by
side: the child is forked with the collected data already in memory (copy-on-write, nothing is
pickled across), writes its own files, and exits; the parent waits for it and raises if it failed.

Forking is only safe in a single-threaded process (another thread could hold a lock the child
needs), so with other threads alive, one core, or no fork() (not POSIX), `Background` runs the
step inline, at `wait()`, with the same result. `Ahead` hands a forked step's result back (a
batch's quotes during an add). The build's reading child is search.indexing.reading.
"""
from __future__ import annotations

import contextlib
import gc
import os
import pickle
import select
import struct
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable

from search.errors import IngestError, KlipingError


def trim() -> None:
    """Give the memory Python has freed back to the system (glibc's malloc_trim), so a child
    forked next does not share, and later own, pages of garbage."""
    gc.collect()
    try:
        import ctypes
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def can_fork() -> bool:
    return (hasattr(os, "fork") and threading.active_count() == 1
            and (os.cpu_count() or 1) > 1 and not os.environ.get("KLIPING_NO_FORK"))


def rss_mb() -> float:
    """This process's resident memory in MB (0 where /proc is not there)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def die_with_parent(parent: int) -> None:
    """Linux: the child is killed when the parent dies (a killed build leaves no orphan holding
    the writer lock's file descriptor)."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


class Background:
    """`fn()` started now in a child process when that is safe (and `fork`), else run at
    `wait()`.

    With `on_progress`, `fn` is called as `fn(report)`: `report(done, total)` reaches
    `on_progress` in this process (through a pipe from a child, a few times a second), when the
    parent calls `poll()` or waits."""

    def __init__(self, fn: Callable[..., None], label: str,
                 on_progress: Callable[[int, int], None] | None = None, fork: bool = True,
                 quiet: bool = False):
        """`quiet`: a child that fails says nothing (its caller works the step out itself);
        otherwise a Kliping error is one line and anything else, a bug, its traceback."""
        self.fn, self.label, self.pid = fn, label, None
        self.on_progress = on_progress
        self._pipe: int | None = None
        self._pending = b""
        if fork and can_fork():
            # (the caller trims first, see `trim`, when what the child would share matters)
            # Objects made so far are left out of cyclic collection until the step ends: a
            # collection writes to every object it visits, which would copy each page the
            # child shares with this process, in both (unfrozen by wait or cancel).
            gc.freeze()
            sys.stdout.flush()
            sys.stderr.flush()
            parent = os.getpid()
            rfd, wfd = os.pipe() if on_progress is not None else (None, None)
            pid = os.fork()
            if pid == 0:  # the child: run, report, and leave without running the parent's cleanup
                code = 0
                try:
                    die_with_parent(parent)
                    if rfd is not None:
                        os.close(rfd)
                        os.set_blocking(wfd, False)  # a report the pipe has no room for is dropped
                        fn(_PipeReport(wfd))
                    else:
                        fn()
                except KlipingError as e:
                    if not quiet:
                        print(f"kliping: {e}", file=sys.stderr)
                    code = 1
                except BaseException:
                    if not quiet:
                        traceback.print_exc()
                    code = 1
                finally:
                    sys.stderr.flush()
                    os._exit(code)
            self.pid = pid
            self.fn = None  # this process keeps nothing of the step's data alive for it
            if wfd is not None:
                os.close(wfd)
                os.set_blocking(rfd, False)
                self._pipe = rfd

    def poll(self) -> None:
        """Pass on the child's latest progress, without waiting for it."""
        if self._pipe is None:
            return
        try:
            chunk = os.read(self._pipe, 1 << 16)
        except BlockingIOError:
            return
        if not chunk:  # the child closed its end
            os.close(self._pipe)
            self._pipe = None
        data = self._pending + chunk
        whole = len(data) - len(data) % _REPORT.size
        self._pending = data[whole:]
        if whole and self.on_progress is not None:
            self.on_progress(*_REPORT.unpack_from(data, whole - _REPORT.size))

    def wait(self, tick: Callable[[], None] | None = None) -> None:
        """Block until the step is done (calling `tick` a few times a second meanwhile, and
        passing on progress); IngestError if it failed."""
        if self.pid is None:
            if self.on_progress is not None:
                self.fn(self.on_progress)
            else:
                self.fn()
            return
        while self._pipe is not None:
            select.select([self._pipe], [], [], 0.2)
            self.poll()
            if tick is not None:
                tick()
        pid, self.pid = self.pid, None
        _, status = os.waitpid(pid, 0)
        gc.unfreeze()
        if os.waitstatus_to_exitcode(status) != 0:
            raise IngestError(f"The {self.label} step of the build failed (see the message above); "
                              "nothing was published. Run the build again.")

    def cancel(self) -> None:
        """Stop a running child (the build is being abandoned)."""
        if self._pipe is not None:
            os.close(self._pipe)
            self._pipe = None
        if self.pid is not None:
            try:
                os.kill(self.pid, 9)
                os.waitpid(self.pid, 0)
            except OSError:
                pass
            self.pid = None
            gc.unfreeze()


class Ahead:
    """`fn()` worked out in a forked child while this process goes on (when that is safe),
    its result handed back through a temporary file at `result()`; else worked out there."""

    def __init__(self, fn: Callable[[], object], label: str):
        self.fn = fn
        fd, self.path = tempfile.mkstemp(prefix="kliping-ahead-")
        os.close(fd)

        def run() -> None:
            with open(self.path, "wb") as f:
                pickle.dump(fn(), f, pickle.HIGHEST_PROTOCOL)
        self.step = Background(run, label, quiet=True)  # a failure here is worked out again

    def result(self):
        """The result (worked out here after all when the child failed: its error, if any, is
        then this process's)."""
        try:
            if self.step.pid is None:
                return self.fn()
            try:
                self.step.wait()
                with open(self.path, "rb") as f:
                    return pickle.load(f)
            except (IngestError, OSError, pickle.UnpicklingError, EOFError):
                return self.fn()
        finally:
            self.cancel()

    def cancel(self) -> None:
        self.step.cancel()
        with contextlib.suppress(OSError):
            os.unlink(self.path)


_REPORT = struct.Struct("<qq")  # (done, total), one report


class _PipeReport:
    """A child's `report(done, total)`: written to the parent at most every 0.1 s, and always
    the last one."""

    def __init__(self, fd: int):
        self.fd, self._last = fd, 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last >= 0.1 or done >= total:
            self._last = now
            try:
                os.write(self.fd, _REPORT.pack(int(done), int(total)))
            except OSError:  # the parent stopped listening: keep working
                pass
