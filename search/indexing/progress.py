"""Progress for long runs: a bar with rate and ETA on a terminal, plain log lines otherwise."""
from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, label: str, total: int | None = None, stream=None, every: float = 2.0):
        self.label, self.total = label, total
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.every = 0.1 if self.tty else every
        self.done = 0
        self.started = self._last = time.monotonic()

    def advance(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if now - self._last >= self.every:
            self._last = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        elapsed = max(now - self.started, 1e-9)
        rate = self.done / elapsed
        if self.total:
            frac = min(1.0, self.done / self.total)
            eta = (self.total - self.done) / rate if rate else 0
            bar = "#" * int(frac * 24)
            text = (f"{self.label} [{bar:<24}] {self.done}/{self.total} "
                    f"{rate:,.0f}/s ETA {eta:,.0f}s")
        else:
            text = f"{self.label}: {self.done} {rate:,.0f}/s {elapsed:,.0f}s"
        if self.tty:
            self.stream.write("\r" + text.ljust(78))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.tty and self.done:
            self._draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()
