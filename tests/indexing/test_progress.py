"""Progress through named phases (search.indexing.progress): what the line says, and an ETA that
counts every phase and says "unknown" rather than guess. A clock of our own makes it exact; a
real build reports every phase, in order, with its units."""
from __future__ import annotations

import io
import math

import pytest

from conftest import SEEDS
from search import ingest
from search.cli_ingest import build_sources
from search.engine import open_engine
from search.engine.whoosh.build import build
from search.indexing.progress import ADD, ALONE_SPEEDUP, BUILD, WINDOW_SECONDS, Phase, Progress, Quiet, clock_time

PRIOR = {p.name: p.prior for p in BUILD}


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def progress(phases=BUILD, lang="en", every=1e9, stream=None):
    clock = Clock()
    return Progress(phases, stream=stream or io.StringIO(), lang=lang, every=every, clock=clock), clock


def test_the_eta_counts_the_phases_still_to_come():
    p, clock = progress()
    p.start("index", 1000)
    clock.now = 10
    p.update("index", 500)  # 10 s for half: 10 s more, then commit and echoes side by side
    first = 20  # nothing expected of the later phases: their priors, shares of the first's time
    assert p.eta() == pytest.approx(10 + max(PRIOR["commit"], PRIOR["echoes"]) * first + PRIOR["publish"] * first)
    p.concurrent = False  # the join could not run beside the commit: one after the other
    assert p.eta() == pytest.approx(10 + (PRIOR["commit"] + PRIOR["echoes"] + PRIOR["publish"]) * first)


def test_expected_work_prices_the_phases_to_come():
    p, clock = progress([Phase("a"), Phase("b", prior=9, cost=2.0)])
    p.start("a", 1000)
    clock.now = 10
    p.update("a", 250)  # 4 s for 100 units of a; 30 s more
    p.expect("b", (50, 1.0))  # b has 50 units so far: 200 by the end of a, at 2 x 0.04 s
    assert p.eta() == pytest.approx(30 + 200 * 2 * 0.04)
    p.expect("b", (50, 1.0), (16, 0.5))  # and 16 that grow as the square root: 32 by the end
    assert p.eta() == pytest.approx(30 + (200 + 32) * 2 * 0.04)


def test_work_is_projected_as_it_has_grown():
    """Paragraph groups that grow with the articles are projected in proportion; ones that
    stopped growing (a corpus of re-dealt paragraphs) are not."""
    p, clock = progress([Phase("a"), Phase("b", cost=1.0), Phase("c", cost=1.0)])
    p.start("a", 1000)
    for done, b, c in ((100, 10, 50), (200, 20, 50), (500, 50, 51)):
        clock.now = done / 100
        p.update("a", done)
        p.expect("b", (b, 0.5))  # grows in proportion, whatever was guessed
        p.expect("c", (c, 1.0))  # stopped growing, whatever was guessed
    head = 10 / 1000  # seconds a unit of a: 10 s for the 1000
    left_a = 5
    b_end, c_end = 100, 51 * (1000 / 500) ** (math.log(51 / 50) / math.log(500 / 200))
    assert p.eta() == pytest.approx(left_a + b_end * head + c_end * head)


def test_the_join_speeds_up_once_the_commit_beside_it_ends():
    """The echo join measured beside the commit keeps that pace until the commit's end, then
    goes ALONE_SPEEDUP times faster; the commit beside a join is not assumed to speed up."""
    p, clock = progress()
    p.start("index", 100)
    clock.now = 20
    p.finish("index")
    p.start("commit")
    p.start("echoes")
    clock.now = 30
    p.update("commit", 80, 100)  # 10 s for 80%: 2.5 s more
    p.update("echoes", 60, 100)  # 10 s for 60%: 2.5 s more at this pace, then the rest alone
    publish = PRIOR["publish"] * 20
    beside = 2.5 * 6  # groups done by the commit's end
    assert p.eta() == pytest.approx(2.5 + (40 - beside) / (6 * ALONE_SPEEDUP) + publish)
    p.concurrent = False  # one after the other: nothing speeds up
    assert p.eta() == pytest.approx(2.5 + 40 / 6 + publish)


def test_no_eta_before_the_first_phase_has_a_rate():
    p, clock = progress()
    p.start("index", 1000)
    assert p.eta() is None
    clock.now = 5
    p.update("index", 10)  # 1%: too little to go on
    assert p.eta() is None
    assert "time left not known yet" in p.line(p.snapshot())


def test_a_running_phase_moves_from_its_prior_to_its_own_rate():
    p, clock = progress()
    p.start("index", 100)
    clock.now = 20
    p.finish("index")
    p.start("commit")
    p.start("echoes")
    publish = PRIOR["publish"] * 20
    assert p.eta() == pytest.approx(max(PRIOR["commit"], PRIOR["echoes"]) * 20 + publish)  # priors only
    clock.now = 30
    p.update("commit", 50, 100)  # half the commit in 10 s: 10 s more, trusted fully at 50%
    p.update("echoes", 90, 100)  # 90% in 10 s: 1.1 s more
    assert p.eta() == pytest.approx(10 + publish)
    clock.now = 32
    p.update("commit", 100, 100)
    p.finish("commit")
    p.update("echoes", 100, 100)
    p.finish("echoes")
    p.start("publish")
    assert p.eta() == pytest.approx(publish)


def test_a_phase_without_units_that_outruns_its_prior_makes_the_eta_unknown():
    p, clock = progress(ADD)
    p.start("read", 100)
    clock.now = 10
    p.finish("read")
    p.start("update")
    clock.now = 12
    assert p.eta() == pytest.approx(0.5 * 10 - 2)
    clock.now = 16  # past the 5 s expected: no number can be backed
    assert p.eta() is None


def test_never_100_percent_nor_nearly_done_while_work_remains():
    p, clock = progress()
    p.start("index", 100)
    clock.now = 10
    p.update("index", 100)  # every byte read, not yet finished: the rest is still to come
    snap = p.snapshot()
    assert snap["running"] == [("index", 99)]
    assert snap["eta"] >= 0.6 * 10
    assert "nearly done" not in p.line(snap)


def test_the_line_names_the_phases_in_the_command_lines_language():
    p, clock = progress(lang="id")
    p.start("index", 100)
    clock.now = 4
    p.update("index", 40)
    left = clock_time(6 + (max(PRIOR["commit"], PRIOR["echoes"]) + PRIOR["publish"]) * 10)
    assert p.line(p.snapshot()) == f"[1/3] membaca dan mengindeks 40% · 0:04 berlalu · sisa ±{left}"
    p.finish("index")
    p.start("commit")
    p.start("echoes")
    p.update("commit", 10, 100)
    line = p.line(p.snapshot())
    assert line.startswith("[2/3] menulis indeks 10% · mencari gema antarmedia · 0:04 berlalu")


def test_lines_are_written_when_due():
    stream = io.StringIO()
    p, clock = progress(every=2.0, stream=stream)
    p.start("index", 100)
    for t in range(1, 10):
        clock.now = t
        p.update("index", t * 10)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 4 and all(line.startswith("[1/3] reading and indexing") for line in lines)


def test_clock_time():
    assert [clock_time(s) for s in (0, 12, 75, 3725)] == ["0:00", "0:12", "1:15", "1:02:05"]


class Recorder(Quiet):
    def __init__(self):
        super().__init__(BUILD)
        self.events: list[tuple] = []

    def start(self, name, total=None):
        self.events.append(("start", name))
        super().start(name, total)

    def update(self, name, done, total=None):
        self.events.append(("update", name, done, total))
        super().update(name, done, total)

    def finish(self, name):
        self.events.append(("finish", name))
        super().finish(name)


@pytest.mark.parametrize("fork", [True, False], ids=["forked", "inline"])
def test_a_build_reports_every_phase_in_order(tmp_path, monkeypatch, fork):
    if not fork:
        monkeypatch.setenv("KLIPING_NO_FORK", "1")
    rec = Recorder()
    report = build_sources(open_engine(tmp_path / "ix"), [str(SEEDS)], progress=rec)
    assert report.added == 5
    firsts = {}
    for i, e in enumerate(rec.events):
        firsts.setdefault((e[0], e[1]), i)
    order = [firsts[("finish", name)] for name in ("index", "commit", "echoes", "publish")]
    assert order == sorted(order)
    assert firsts[("start", "commit")] > firsts[("finish", "index")]
    for name in ("index", "commit", "echoes"):
        ups = [e for e in rec.events if e[:2] == ("update", name)]
        assert ups, name
        done = [e[2] for e in ups]
        assert done == sorted(done), name  # never backwards
    commit = [e for e in rec.events if e[:2] == ("update", "commit")]
    assert commit[-1][2] == commit[-1][3] > 0  # every posting written
    assert rec.state["index"].done == ingest.total_bytes([SEEDS])
    assert all(st.ended is not None for st in rec.state.values())


def test_a_build_without_progress_still_works(tmp_path):
    assert build(ingest.load([SEEDS]), tmp_path / "ix").added == 5


def test_phases_side_by_side_are_one_step():
    p, _ = progress([Phase("a"), Phase("b", 1, "x"), Phase("c", 1, "x")])
    p.start("a", 1)
    p.finish("a")
    p.start("b")
    p.start("c")
    assert (p.snapshot()["step"], p.snapshot()["steps"]) == (2, 2)


def test_the_rate_is_the_recent_one():
    """The echo join speeds up when the commit beside it ends: its ETA follows."""
    p, clock = progress([Phase("a"), Phase("b", 1.0)])
    p.start("a", 100)
    for t in range(0, 11):  # 1 unit a second for 10 s
        clock.now = t
        p.update("a", t)
    for t in range(11, 13):  # then 10 units a second
        clock.now = t
        p.update("a", 10 + 10 * (t - 10))
    assert WINDOW_SECONDS == 2
    assert p.state["a"].rate(12) == pytest.approx((30 - 10) / 2)  # over the last 2 s, not 30 / 12
