"""search.indexing.parallel: a build step in a forked child, or inline when forking is not safe."""
from __future__ import annotations

import os
import threading

import pytest

from conftest import SEEDS
from search import ingest
from search.engine.whoosh.build import build
from search.errors import IngestError
from search.indexing import parallel
from search.stories import echoes


def test_step_runs_in_a_child_process_and_its_files_are_there_after_wait(tmp_path):
    out = tmp_path / "pid"
    step = parallel.Background(lambda: out.write_text(str(os.getpid())), "test")
    step.wait()
    if parallel.can_fork():
        assert int(out.read_text()) != os.getpid()
    else:
        assert int(out.read_text()) == os.getpid()


def test_a_failing_step_raises_a_domain_error_in_the_parent(tmp_path, capfd):
    def boom():
        raise RuntimeError("echo join broke")
    step = parallel.Background(boom, "echoes")
    with pytest.raises((IngestError, RuntimeError)) as err:
        step.wait()
    if parallel.can_fork():
        assert "echoes step of the build failed" in str(err.value)
        assert "echo join broke" in capfd.readouterr().err


def test_a_step_failing_with_a_kliping_error_says_it_in_one_line(capfd):
    """What a reader can act on (a disk full, a bad file) reads as a message, not a traceback."""
    def full():
        raise IngestError("No space left on /tmp: free some and build again.")
    step = parallel.Background(full, "echoes")
    with pytest.raises(IngestError) as err:
        step.wait()
    if parallel.can_fork():
        printed = capfd.readouterr().err
        assert "kliping: No space left on /tmp" in printed and "Traceback" not in printed
        assert "echoes step of the build failed" in str(err.value)


def test_no_fork_while_other_threads_run(tmp_path):
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert not parallel.can_fork()
        out = tmp_path / "pid"
        parallel.Background(lambda: out.write_text(str(os.getpid())), "test").wait()
        assert int(out.read_text()) == os.getpid()
    finally:
        stop.set()
        t.join()


def test_forked_and_inline_builds_write_the_same_echoes(tmp_path, monkeypatch):
    seeds = SEEDS
    articles = [a for a in ingest.load([seeds]) if not hasattr(a, "reason")]
    build(articles, tmp_path / "forked")
    monkeypatch.setenv("KLIPING_NO_FORK", "1")
    build(articles, tmp_path / "inline")

    def gen(root):
        (g,) = [p for p in root.iterdir() if p.name.startswith("gen-")]
        return g

    def echoes_of(root):
        return echoes.EchoTable.load(gen(root), None).echoes()
    assert echoes_of(tmp_path / "forked")  # 002/003 echo
    assert echoes_of(tmp_path / "forked") == echoes_of(tmp_path / "inline")


@pytest.mark.parametrize("fork", [True, False], ids=["forked", "inline"])
def test_a_step_reports_its_progress_to_the_parent(monkeypatch, fork):
    if not fork:
        monkeypatch.setenv("KLIPING_NO_FORK", "1")
    heard, ticks = [], []

    def work(report):
        for i in range(0, 2001, 100):
            report(i, 2000)
            if i % 500 == 0:
                import time
                time.sleep(0.12)  # a child reports at most every 0.1 s

    step = parallel.Background(work, "test", on_progress=lambda done, total: heard.append((done, total)))
    assert (step.pid is not None) == (fork and parallel.can_fork())
    step.wait(tick=lambda: ticks.append(1))
    assert heard and heard[-1] == (2000, 2000)  # the last report always arrives
    assert [d for d, _ in heard] == sorted(d for d, _ in heard)
    if fork and parallel.can_fork():
        assert ticks  # the parent kept drawing while it waited


def test_ahead_works_a_result_out_in_a_child_and_hands_it_back(monkeypatch, capfd):
    """`Ahead`: the result comes from the child (its pid, not ours), its temporary file goes;
    a child that fails (silently), or no fork at all, gives the same result worked out here."""
    ahead = parallel.Ahead(lambda: {"pid": os.getpid(), "quotes": [("a1", 3)]}, "test")
    forked = ahead.step.pid is not None
    got = ahead.result()
    assert got["quotes"] == [("a1", 3)]
    assert (got["pid"] != os.getpid()) == forked == parallel.can_fork()
    assert not os.path.exists(ahead.path)

    parent = os.getpid()

    def fails_in_a_child():
        if os.getpid() != parent:
            raise RuntimeError("child only")
        return "here"
    capfd.readouterr()
    assert parallel.Ahead(fails_in_a_child, "test").result() == "here"
    assert "Traceback" not in capfd.readouterr().err  # worked out again here: the child's error is no news
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    inline = parallel.Ahead(lambda: os.getpid(), "test")
    assert inline.step.pid is None and inline.result() == os.getpid()
