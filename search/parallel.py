"""Running one step of a build in a forked child while the parent does another.

A build has two independent CPU-bound steps at the end: Whoosh's commit (sorting terms, writing
postings) and the echo join (search.echoes). On a machine with two or more cores they run side by
side: the child is forked with the collected data already in memory (copy-on-write, nothing is
pickled across), writes its own files, and exits; the parent waits for it and raises if it failed.

Forking is only safe in a single-threaded process (another thread could hold a lock the child
needs), so with other threads alive, one core, or no fork() (not POSIX), `Background` runs the
step inline, at `wait()`, with the same result.
"""
from __future__ import annotations

import os
import sys
import threading
import traceback
from typing import Callable

from .errors import IngestError


def can_fork() -> bool:
    return (hasattr(os, "fork") and threading.active_count() == 1
            and (os.cpu_count() or 1) > 1 and not os.environ.get("KLIPING_NO_FORK"))


def _die_with_parent(parent: int) -> None:
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
    """`fn()` started now in a child process when that is safe, else run at `wait()`."""

    def __init__(self, fn: Callable[[], None], label: str):
        self.fn, self.label, self.pid = fn, label, None
        if can_fork():
            sys.stdout.flush()
            sys.stderr.flush()
            parent = os.getpid()
            pid = os.fork()
            if pid == 0:  # the child: run, report, and leave without running the parent's cleanup
                code = 0
                try:
                    _die_with_parent(parent)
                    fn()
                except BaseException:
                    traceback.print_exc()
                    code = 1
                finally:
                    sys.stderr.flush()
                    os._exit(code)
            self.pid = pid

    def wait(self) -> None:
        """Block until the step is done; IngestError if it failed."""
        if self.pid is None:
            self.fn()
            return
        pid, self.pid = self.pid, None
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise IngestError(f"The {self.label} step of the build failed (see the message above); "
                              "nothing was published. Run the build again.")

    def cancel(self) -> None:
        """Stop a running child (the build is being abandoned)."""
        if self.pid is not None:
            try:
                os.kill(self.pid, 9)
                os.waitpid(self.pid, 0)
            except OSError:
                pass
            self.pid = None
