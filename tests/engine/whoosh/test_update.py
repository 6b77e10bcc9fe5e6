"""search.updater on a REAL index: add, update, unchanged (writes nothing), remove, readers after
an add, the lock, the facet table after adds, and how a writer opens segments. The input
fingerprints' fast path is in test_update_fingerprints.py, an add against a fresh build in
test_update_equivalence.py; both import their articles and look-ups (`art`, `files`, `ids`) from here."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT
from search.engine.whoosh import store
from search.engine.whoosh import update as updater
from search.engine.whoosh.build import build
from search.errors import IndexBusy
from search.models import Article
from search.query.archive import Archive
from search.query.params import SearchRequest
from search.settings import DEFAULT


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


def test_the_engine_that_wrote_reads_its_write_at_once(index):
    """No `refresh` wait after the engine's own add: its reader is of the new commit, so the
    stories and quotes files (which describe that commit) are read, not shown as none."""
    from search.engine import open_engine

    engine = open_engine(index, refresh=3600)
    assert engine.reader().stories(["b1"])  # every article has its story, of size 1
    quote = "“Kami akan menaikkan harga beras tahun depan,” kata Budi Santoso, Menteri Pertanian."
    engine.add([art("b3", quote)])
    reader = engine.reader()
    assert reader.stories(["b1", "b3"]).keys() == {"b1", "b3"}
    assert reader.quotes(frozenset(), page=1, per_page=10).total == 1
    engine.remove(["b1"])
    assert engine.reader().stories(["b1", "b3"]).keys() == {"b3"}
    engine.close()


def test_a_reader_keeps_stories_when_another_process_adds(index):
    """An add from elsewhere updates the stories file for the new commit; a reader of the
    commit before still shows stories (the newer commit's rows: search.stories.storystore), not
    none, until the engine moves to the new commit."""
    from search.engine import open_engine

    engine = open_engine(index, refresh=3600)
    reader = engine.reader()
    assert reader.stories(["b1", "b2"]).keys() == {"b1", "b2"}
    updater.add([art("b3", "Gempa di Palu.")], index)  # not through this engine
    assert engine.reader() is reader  # within `refresh`: still the old commit's reader
    assert reader.stories(["b1", "b2", "b3"]).keys() == {"b1", "b2", "b3"}
    engine.close()


def test_a_stories_file_older_than_the_readers_commit_shows_nothing(index):
    """A writer that died between its index commit and the stories leaves a file of the commit
    before: readers of the new commit show no stories rather than stale ones."""
    from search.engine.whoosh import store
    from search.stories import storystore

    gen = store.current_generation(index)
    saved = (gen / storystore.FILE).read_bytes()
    updater.add([art("b3", "Gempa di Palu.")], index)
    (gen / storystore.FILE).write_bytes(saved)  # as the dead writer left it
    from search.engine import open_engine

    engine = open_engine(index, refresh=0)
    assert engine.reader().stories(["b1", "b2"]) == {}
    updater.add([art("b4", "Banjir di Medan.")], index)  # the next writer repairs it
    assert engine.reader().stories(["b1", "b2", "b4"]).keys() == {"b1", "b2", "b4"}
    engine.close()


HOLD = """
import sys, time
from search.engine.whoosh import store
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


def test_the_facet_table_knows_each_documents_article(index):
    """Its `ids` (from the facets column) name each live document's article, and a replaced
    article's old document (c0's, still in its segment) none: what collapse=story labels
    documents by."""
    from search.engine import open_engine
    from search.settings import DEFAULT

    kept = DEFAULT.with_(merge_floor=1)  # small segments left unmerged: the old c0 stays, deleted
    updater.add([art(f"c{i}", f"Berita ke-{i} tentang pasar.") for i in range(4)], index, settings=kept)
    updater.add([art("c0", "Berita pasar diperbarui."), art("b3", "Gempa di Palu.")], index, settings=kept)
    engine = open_engine(index, kept, refresh=0)
    reader = engine.reader()
    r = reader.searcher.reader()
    got = {doc: aid for doc, aid in enumerate(reader.table.ids) if aid is not None}
    want = {doc: fields["id"] for doc, fields in r.iter_docs()}
    assert got == want and sorted(got.values()) == ["b1", "b2", "b3", "c0", "c1", "c2", "c3"]
    assert len(reader.table.ids) == r.doc_count_all() > len(got)  # the old c0 is deleted
    engine.close()


def test_a_writer_reads_segments_through_the_file_not_a_copy_in_memory(index, monkeypatch):
    """Whoosh 2.7.4 wraps each part of a memory-mapped segment in BytesIO, a copy of the whole
    part (a segment's term file: gigabytes at a million articles), every time a reader opens;
    `add` opens the index as the server does, without mmap, so no part is copied."""
    from whoosh.filedb import structfile

    copies = []
    real = structfile.BufferFile.__init__

    def counted(self, buf, *a, **kw):
        copies.append(len(buf))
        real(self, buf, *a, **kw)
    monkeypatch.setattr(structfile.BufferFile, "__init__", counted)
    _, ix = updater._open(index, DEFAULT)
    ix.reader().close()
    assert copies == []
    store.open_index(store.current_generation(index)).reader().close()  # mapped: the parts copied
    assert copies
    report = updater.add([art("b3", "Gempa di Cianjur.")], index)
    assert report.committed and ids(index, "gempa") == {"b3"}
