"""search.updater on a REAL index: add, update, unchanged (writes nothing), remove, the lock."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from search import store, updater
from search.archive import Archive
from search.errors import IndexBusy
from search.indexer import build
from search.models import Article
from search.params import SearchRequest

ROOT = Path(__file__).resolve().parent.parent


def art(i: str, text: str, **kw) -> Article:
    return Article(id=i, paragraphs=[text], outlet="Kontan", **kw)


@pytest.fixture
def index(tmp_path):
    root = tmp_path / "ix"
    build([art("b1", "Harga cabai naik di Jakarta."), art("b2", "Banjir melanda Bekasi.")], root)
    return root


def files(root: Path) -> list:
    gen = store.current_generation(root)
    return sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in gen.iterdir())


def ids(root: Path, q: str) -> set[str]:
    a = Archive(root)
    try:
        return {r.id for r in a.search(SearchRequest.from_args({"q": q})).results}
    finally:
        a.close()


def test_add_new_and_changed_by_content_hash(index):
    rep = updater.add([art("b1", "Harga cabai turun di Jakarta."), art("b3", "Gempa di Palu.")], index)
    assert (rep.count("added"), rep.count("updated"), rep.count("unchanged")) == (1, 1, 0)
    assert rep.committed
    assert ids(index, "gempa") == {"b3"}
    assert ids(index, "turun") == {"b1"} and ids(index, "naik") == set()
    assert store.read_manifest(store.current_generation(index))["articles"] == 3


def test_adding_the_same_articles_again_writes_nothing(index):
    before = files(index)
    rep = updater.add([art("b1", "Harga cabai naik di Jakarta."), art("b2", "Banjir melanda Bekasi.")], index)
    assert (rep.count("added"), rep.count("updated"), rep.count("unchanged")) == (0, 0, 2)
    assert not rep.committed and "nothing changed" in rep.summary()
    assert files(index) == before  # no new segment, no commit, no manifest change


def test_a_metadata_change_alone_is_an_update(index):
    rep = updater.add([art("b2", "Banjir melanda Bekasi.", date="2024-06-18")], index)
    assert rep.count("updated") == 1
    a = Archive(index)
    assert a.article("b2").date == "2024-06-18"
    a.close()


def test_skipped_items_are_reported_with_reasons(index):
    from search.models import Skipped
    rep = updater.add([Skipped("x.txt", "empty file")], index)
    assert [(o.origin, o.reason) for o in rep.skipped] == [("x.txt", "empty file")]
    assert rep.as_dict()["counts"]["skipped"] == 1


def test_remove(index):
    rep = updater.remove(["b1", "nope"], index)
    assert [(o.id, o.outcome) for o in rep.outcomes] == [("b1", "removed"), ("nope", "not found")]
    assert ids(index, "cabai") == set() and ids(index, "banjir") == {"b2"}
    before = files(index)
    again = updater.remove(["b1"], index)
    assert not again.committed and files(index) == before


def test_an_open_reader_sees_the_update(index):
    a = Archive(index)
    assert {r.id for r in a.search(SearchRequest.from_args({"q": "gempa"})).results} == set()
    updater.add([art("b3", "Gempa di Palu.")], index)
    time.sleep(1.1)  # Archive checks for changes at most once a second
    assert {r.id for r in a.search(SearchRequest.from_args({"q": "gempa"})).results} == {"b3"}
    a.close()


HOLD = """
import sys, time
from search import store
with store.writer_lock(sys.argv[1]):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def hold_lock(root: Path, seconds: float) -> subprocess.Popen:
    p = subprocess.Popen([sys.executable, "-c", HOLD, str(root), str(seconds)], cwd=ROOT,
                         stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "locked"
    return p


def test_a_second_writer_in_another_process_is_refused_or_waits(index):
    p = hold_lock(index, 2.0)
    try:
        with pytest.raises(IndexBusy, match="Another build or update is writing"):
            updater.add([art("b3", "Gempa di Palu.")], index)
        rep = updater.add([art("b3", "Gempa di Palu.")], index, wait=10)
        assert rep.count("added") == 1
    finally:
        p.wait(timeout=10)
        p.stdout.close()
