"""Progress of long runs through named phases: one line rewritten in place on a terminal, a log
line every few seconds elsewhere, in the command line's language (search/present/words/progress.py).

A run is a sequence of `Phase`s; phases with the same `together` tag run side by side (a build
commits while a forked child joins the echoes), unless the run says they could not. Each phase
reports its own units (bytes read and indexed, postings written, paragraph groups joined) as
`update(name, done, total)`, and the line names the phase or phases running.

The ETA is the sum over what is left (side-by-side phases count as the longest of them). The
first phase goes at its rate so far; a later running phase with units at its recent rate (its
last tenth, at least 2 s: a join speeds up when the commit beside it ends). A phase still to
come is priced by the work the builder expects of it (`expect`: the writer's postings, the
join's paragraph groups, projected to the end of the first phase) at its `cost` per unit,
relative to a unit of the first phase; without that, by its `prior` share of the first phase's
time. Once started, it moves from that price to its own rate by halfway. Before the first phase
has 3% and 2 s behind it, or once a phase without units has outrun its price, the line says the
time left is unknown rather than print a number it cannot back; it never claims 100% or "0 s"
while work remains. bench/progress_eta.py measures the costs and prints how right the ETA was.
"""
from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from search.present import i18n

COMMIT_COST = 1.5  # a commit unit over an indexing byte: 1.25 to 1.95 at 3.5k, 1.11 and 1.42 at 35k
ECHO_COST = 270.0  # a group of the join over an indexing byte: 218 to 292 at 3.5k (398 at 35k re-dealt)
ALONE_SPEEDUP = 2.7  # the echo join's pace alone over its pace beside the commit: 2.65 and 2.9 at 3.5k


@dataclass(frozen=True)
class Phase:
    name: str  # the catalog's `progress_<name>` names it
    prior: float = 0.0  # expected duration before it starts, as a multiple of the first phase's
    together: str = ""  # phases with the same tag run side by side
    cost: float = 0.0  # with `expect`ed units: seconds a unit, as a multiple of the first phase's
    alone: float = 1.0  # how many times faster it goes once the phases beside it have ended


#: A build: reading and indexing the inputs (bytes; they overlap: a forked child reads and cleans
#: while the parent indexes), then the commit (postings, and each term as TERM_WORK postings)
#: beside the echo join (paragraph groups), then publishing. While it indexes, the builder says
#: how much work the commit and the join will have (`expect`); a unit of each costs `cost` times
#: a byte of indexing, as measured by bench/progress_eta.py on IndoSum (3,463 articles) and its
#: 35k re-deal; `prior` (a share of the indexing's time) stands in when no work was expected.
BUILD = (
    Phase("index"),
    Phase("commit", prior=0.45, together="finish", cost=COMMIT_COST),
    Phase("echoes", prior=0.60, together="finish", cost=ECHO_COST, alone=ALONE_SPEEDUP),
    Phase("publish", prior=0.002),  # writing the fingerprints: 0.1 s after 221 s of indexing at 35k
)
#: `add`: reading and cleaning the inputs, then updating the index in place.
ADD = (Phase("read"), Phase("update", prior=0.5))


FIRST_SHARE, FIRST_SECONDS = 0.03, 2.0  # the first phase's rate counts from 3% done and 2 s in
WINDOW, WINDOW_SECONDS = 0.1, 2.0  # a phase's rate: over its last tenth, and at least 2 s


@dataclass
class _State:
    started: float | None = None
    ended: float | None = None
    done: float = 0
    total: float | None = None
    seen: list[tuple[float, float]] = field(default_factory=list)  # (time, done), newest last
    expected: list[tuple[float, tuple[tuple[float, float], ...]]] = field(default_factory=list)
    # (the first phase's done, ((units, growth), ...)) at each `expect`, oldest first
    reached: float | None = None  # when done first reached total (a side-by-side phase may end later)

    def rate(self, now: float, recent: bool = True) -> float:
        """Units a second: over the recent past (the last WINDOW of the phase, at least
        WINDOW_SECONDS; a phase sharing the machine speeds up when its neighbour ends), or
        since the phase began (steadier, for the long first phase)."""
        if not recent:
            return self.done / max(now - self.started, 1e-9)
        span = max(WINDOW_SECONDS, WINDOW * (now - self.started))
        old = next(((t, d) for t, d in self.seen if t >= now - span), None)
        if old is None or now - old[0] < WINDOW_SECONDS or self.done <= old[1]:
            old = (self.started, 0.0)
        return (self.done - old[1]) / max(now - old[0], 1e-9)


class Progress:
    """Report with `start(name, total)`, `update(name, done[, total])` or `advance(name, n)`,
    `finish(name)`; `tick()` redraws when due (while waiting on a child); `close()` at the end."""

    def __init__(self, phases: Sequence[Phase] = BUILD, stream=None, lang: str | None = None,
                 every: float = 2.0, clock: Callable[[], float] = time.monotonic,
                 on_draw: Callable[[dict], None] | None = None):
        self.phases = list(phases)
        self.state = {p.name: _State() for p in self.phases}
        self.stream = stream or sys.stderr
        self.lang = lang or i18n.env_lang()
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.every = 0.2 if self.tty else every
        self.clock = clock
        self.on_draw = on_draw  # gets every snapshot drawn (bench/progress_eta.py records them)
        self.concurrent = True  # False: phases "together" run one after another after all
        self.started = self._last = clock()
        self._drawn = False

    # -- reporting ------------------------------------------------------------------------------
    def start(self, name: str, total: float | None = None) -> None:
        st = self.state[name]
        if st.started is None:
            st.started = self.clock()
        if total is not None:
            st.total = total
        self._maybe_draw()

    def update(self, name: str, done: float, total: float | None = None) -> None:
        st = self.state[name]
        if st.started is None:
            st.started = self.clock()
        if total is not None:
            st.total = total
        st.done = done
        now = self.clock()
        if st.reached is None and st.total and done >= st.total:
            st.reached = now
        if not st.seen or now - st.seen[-1][0] >= 0.25:
            st.seen.append((now, done))
            if len(st.seen) > 4096:
                del st.seen[::2]
        self._maybe_draw()

    def expect(self, name: str, *parts: tuple[float, float]) -> None:
        """A phase still to come has this much work so far, in (units, growth) parts: a part
        grows as the first phase's share done to the power `growth` (1: in proportion; new
        words grow slower, about as its 0.6th power on IndoSum). Projected to the first phase's
        end, it prices the phase (its `cost`)."""
        self.state[name].expected.append((self.state[self.phases[0].name].done, parts))

    def advance(self, name: str, n: float = 1) -> None:
        self.update(name, self.state[name].done + n)

    def finish(self, name: str) -> None:
        st = self.state[name]
        now = self.clock()
        if st.started is None:
            st.started = now
        st.ended = now
        if st.total is not None:
            st.done = st.total

    def tick(self) -> None:
        self._maybe_draw()

    def close(self) -> None:
        if self.tty and self._drawn:
            self._draw(self.clock())
            self.stream.write("\n")
            self.stream.flush()

    # -- estimating -----------------------------------------------------------------------------
    def running(self) -> list[str]:
        return [p.name for p in self.phases if self.state[p.name].started is not None
                and self.state[p.name].ended is None]

    def _expected(self, phase: Phase, first: float | None) -> float | None:
        """The seconds a later phase should take: its expected units at its cost, else its prior."""
        if phase is self.phases[0] or first is None:
            return None
        st, head = self.state[phase.name], self.state[self.phases[0].name]
        if phase.cost and head.total and (st.total or st.expected):
            units = st.total or _projected(st.expected, head.total)
            return phase.cost * units * first / head.total
        return phase.prior * first

    def _left(self, phase: Phase, now: float, first: float | None, alone_after: float | None = None) -> float | None:
        """Seconds this phase still needs; None when nothing can back a number. A later phase
        moves from what was expected of it to its own rate as it goes (its first units carry
        its start-up); a rate measured beside other phases that end in `alone_after` seconds
        holds until then, and is the phase's `alone` times faster after."""
        st = self.state[phase.name]
        if st.ended is not None:
            return 0.0
        expected = self._expected(phase, first)
        spent = 0.0 if st.started is None else now - st.started
        if st.started is not None and st.total and st.done > 0:
            first_phase = phase is self.phases[0]
            measured = max(0.0, (st.total - st.done) / max(st.rate(now, recent=not first_phase), 1e-9))
            if first_phase:  # its own rate, once there is enough of it
                return measured if st.done >= FIRST_SHARE * st.total and spent >= FIRST_SECONDS else None
            if alone_after is not None and measured > alone_after:
                measured = alone_after + (measured - alone_after) / phase.alone
            if expected is None:
                return measured
            trust = min(1.0, 2 * st.done / st.total)
            return trust * measured + (1 - trust) * max(0.0, expected - spent)
        if expected is None:
            return None
        return expected - spent if spent < expected else None

    def eta(self, now: float | None = None) -> float | None:
        """Seconds left for the whole run, or None when it cannot be estimated yet."""
        now = self.clock() if now is None else now
        head = self.phases[0]
        first_left = self._left(head, now, None)
        st = self.state[head.name]
        if st.ended is not None:
            first = st.ended - st.started
        elif first_left is not None and st.started is not None:
            first = (now - st.started) + first_left
        else:
            return None
        total, groups = 0.0, {}
        for phase in self.phases:
            left = first_left if phase is head else self._left(phase, now, first)
            if left is None:
                return None
            if phase.together and self.concurrent:
                groups.setdefault(phase.together, []).append((left, phase))
            else:
                total += left
        for beside in groups.values():
            beside.sort(key=lambda lp: lp[0])
            left, last = beside[-1]
            if len(beside) > 1 and last.alone != 1.0 and self.state[last.name].started is not None \
                    and beside[-2][0] > 0:
                left = self._left(last, now, first, alone_after=beside[-2][0])  # alone at the end
            total += left
        return total

    def snapshot(self, now: float | None = None) -> dict:
        now = self.clock() if now is None else now
        parts = []
        for name in self.running():
            st = self.state[name]
            pct = min(99, int(100 * st.done / st.total)) if st.total else None
            parts.append((name, pct))
        steps = list(dict.fromkeys(p.together or p.name for p in self.phases))  # side by side: one step
        started = [p.together or p.name for p in self.phases if self.state[p.name].started is not None]
        return {"elapsed": now - self.started, "eta": self.eta(now), "running": parts,
                "step": max((steps.index(s) + 1 for s in started), default=0), "steps": len(steps)}

    # -- drawing ------------------------------------------------------------------------------
    def _maybe_draw(self) -> None:
        now = self.clock()
        if now - self._last >= self.every:
            self._last = now
            self._draw(now)

    def line(self, snap: dict) -> str:
        t = lambda key, **kw: i18n.t(key, self.lang, **kw)  # noqa: E731
        doing = " · ".join(t("progress_" + name) + (f" {pct}%" if pct is not None else "")
                           for name, pct in snap["running"]) or t("progress_between")
        eta = snap["eta"]
        if eta is None:
            left = t("progress_eta_unknown")
        elif eta < 1:
            left = t("progress_eta_soon")
        else:
            left = t("progress_eta", left=clock_time(eta))
        return t("progress_line", step=snap["step"], steps=snap["steps"], doing=doing,
                 elapsed=clock_time(snap["elapsed"]), left=left)

    def _draw(self, now: float) -> None:
        snap = self.snapshot(now)
        if self.on_draw:
            self.on_draw(snap)
        text = self.line(snap)
        self._drawn = True
        if self.tty:
            self.stream.write("\r" + text[:119].ljust(79))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()


def _projected(expected: list[tuple[float, tuple[tuple[float, float], ...]]], total: float) -> float:
    """The units a phase will have once the first phase is done. Each part grows as the first
    phase's share done to a power: the one it has shown since the first phase was at most half
    as far (clamped to 0..1: a corpus whose paragraphs repeat stops adding groups), or, with
    nothing to compare, the one it was given."""
    at, parts = expected[-1]
    share = at / total if at and total else 1.0
    earlier = [(a, p) for a, p in expected if 0 < a < at]
    halfway = [(a, p) for a, p in earlier if a <= at / 2]
    ref = halfway[-1] if halfway else earlier[0] if earlier else None
    out = 0.0
    for i, (n, growth) in enumerate(parts):
        if ref is not None and n > 0 and ref[1][i][0] > 0:
            growth = min(1.0, max(0.0, math.log(n / ref[1][i][0]) / math.log(at / ref[0])))
        out += n / share ** growth
    return out


class Quiet(Progress):
    """Progress that keeps count and says nothing (a build without a terminal to talk to)."""

    def __init__(self, phases: Sequence[Phase] = BUILD):
        super().__init__(phases, stream=None, lang="en", every=float("inf"))

    def _draw(self, now: float) -> None:
        pass

    def close(self) -> None:
        pass


def clock_time(seconds: float) -> str:
    """12 -> '0:12'; 3725 -> '1:02:05'."""
    s = int(round(seconds))
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
