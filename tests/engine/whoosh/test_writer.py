"""The faster segment writer reads back exactly like Whoosh's own writer."""
from __future__ import annotations

from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from conftest import SEEDS, corpus
from search import ingest
from search.engine.whoosh.build import document
from search.engine.whoosh.schema import schema
from search.engine.whoosh.termpool import TermPool
from search.engine.whoosh.writer import FastWriter, _BulkFieldWriter, release_pool
from search.models import Article
from search.settings import DEFAULT

SCHEMA = schema(DEFAULT)


def articles() -> list[Article]:
    """The seeds, the test corpus and 300 extra articles that share words, so posting lists
    span several 128-posting blocks."""
    extra = [Article(id=f"x{i}", paragraphs=[f"Sanksi umum nomor {i} " + "kata " * (i % 7)])
             for i in range(300)]
    return [a for a in ingest.load([SEEDS]) if not hasattr(a, "reason")] + corpus() + extra


def write(root: Path, writer_class, limitmb: int = 128) -> None:
    root.mkdir()
    ix = whoosh_index.create_in(str(root), SCHEMA)
    w = writer_class(ix, limitmb=limitmb)
    for article in articles():
        w.add_document(**document(article))
    w.commit()


def dump(root: Path) -> dict:
    ix = whoosh_index.open_dir(str(root))
    with ix.searcher() as s:
        r = s.reader()
        out = {}
        for field in ("body", "exact", "answer"):
            for text in r.lexicon(field):
                m = r.postings(field, text)
                postings = []
                while m.is_active():
                    postings.append((m.id(), m.weight(), m.value()))
                    m.next()
                ti = r.term_info(field, text)
                out[field, text] = (postings, ti.doc_frequency(), ti.weight(), ti.max_weight(),
                                    ti.min_length(), ti.max_length())
        lengths = [(d, r.doc_field_length(d, "body"), r.doc_field_length(d, "exact"),
                    r.doc_field_length(d, "answer"))
                   for d in range(r.doc_count_all())]
        return {"postings": out, "lengths": lengths, "stored": list(r.all_stored_fields())}


def test_fast_writer_reads_back_like_whooshs_writer(tmp_path):
    write(tmp_path / "whoosh", SegmentWriter)
    write(tmp_path / "fast", FastWriter)
    plain, fast = dump(tmp_path / "whoosh"), dump(tmp_path / "fast")
    assert len(plain["postings"]) > 500
    assert max(len(v[0]) for v in plain["postings"].values()) > 256  # multi-block lists covered
    assert {text for field, text in plain["postings"] if field == "answer"} == {b"angka", b"waktu"}
    assert fast == plain


def test_fast_writer_really_uses_the_bulk_posting_writer(tmp_path):
    ix = whoosh_index.create_in(str(tmp_path), SCHEMA)
    w = FastWriter(ix)
    assert isinstance(w.fieldwriter, _BulkFieldWriter)
    assert isinstance(w.pool, TermPool)
    w.cancel()


def test_updates_merge_segments_through_the_term_pool(tmp_path):
    """Adding to an existing index and optimizing merges the old segment's postings item by
    item through the pool; the result reads back like Whoosh's own writer's."""
    def build(root, writer_class):
        root.mkdir()
        ix = whoosh_index.create_in(str(root), SCHEMA)
        articles = corpus()
        for chunk in (articles[:len(articles) // 2], articles[len(articles) // 2:]):
            w = writer_class(ix)
            for article in chunk:
                w.add_document(**document(article))
            w.commit()
        w = writer_class(ix)
        w.delete_by_term("id", articles[0].id)
        w.commit(optimize=True)
    build(tmp_path / "whoosh", SegmentWriter)
    build(tmp_path / "fast", FastWriter)
    plain = dump(tmp_path / "whoosh")
    assert plain["postings"] and dump(tmp_path / "fast") == plain


def test_a_tiny_memory_budget_spills_runs_and_writes_the_same_index(tmp_path, monkeypatch):
    """A budget of a few postings spills the pool into dozens of run files, which the commit
    joins term by term: the index reads back exactly as one written in one go."""
    runs = []
    spill = FastWriter.spill

    def counting(self):
        spill(self)
        runs.append(len(self.runs))
    monkeypatch.setattr(FastWriter, "spill", counting)
    write(tmp_path / "whole", FastWriter)
    assert not runs
    write(tmp_path / "chunked", lambda ix, limitmb: FastWriter(ix, memory=20_000))
    assert len(runs) > 30
    assert dump(tmp_path / "chunked") == dump(tmp_path / "whole")
    totals = [whoosh_index.open_dir(str(tmp_path / n)).reader().field_length("body") for n in ("whole", "chunked")]
    assert totals[0] == totals[1]


def test_release_pool_writes_a_spilling_writers_pool_out_and_keeps_a_small_ones(tmp_path):
    """Before a build forks its echo step, a writer that has spilled runs writes its pool out
    too (the child must not inherit it); the commit reads it like any run, so the index is the
    same. A writer with no runs keeps its pool in memory."""
    def write_released(root, memory):
        root.mkdir()
        ix = whoosh_index.create_in(str(root), SCHEMA)
        w = FastWriter(ix, memory=memory)
        for article in articles():
            w.add_document(**document(article))
        runs, pooled = len(w.runs), w.pool.postings
        release_pool(w)
        state = (runs, pooled, len(w.runs), w.pool.postings)
        w.commit()
        return state
    runs, pooled, after, left = write_released(tmp_path / "chunked", 20_000)
    assert runs > 30 and pooled > 0 and (after, left) == (runs + 1, 0)
    runs, pooled, after, left = write_released(tmp_path / "small", None)
    assert runs == after == 0 and left == pooled > 0
    assert dump(tmp_path / "chunked") == dump(tmp_path / "small")


def test_merging_keeps_every_document_and_every_deletion(tmp_path):
    """Three segments, two with deletions, merged by the streaming merge: every live document
    is there once with its postings, no deleted one is, and it reads back like Whoosh's merge."""
    def build(root, writer_class):
        root.mkdir()
        ix = whoosh_index.create_in(str(root), SCHEMA)
        arts = articles()
        third = len(arts) // 3
        for chunk in (arts[:third], arts[third:2 * third], arts[2 * third:]):
            w = writer_class(ix)
            for article in chunk:
                w.add_document(**document(article))
            w.commit(merge=False)
        gone = {arts[1].id, arts[third + 2].id, arts[third + 5].id}
        w = writer_class(ix)
        for i in gone:
            w.delete_by_term("id", i)
        w.commit(merge=False)
        assert len(ix._segments()) == 3
        w = writer_class(ix)
        w.commit(optimize=True)
        assert len(ix._segments()) == 1
        return {a.id for a in arts} - gone
    live = build(tmp_path / "whoosh", SegmentWriter)
    build(tmp_path / "fast", FastWriter)
    plain, fast = dump(tmp_path / "whoosh"), dump(tmp_path / "fast")
    assert sorted(f["id"] for f in fast["stored"]) == sorted(live)
    assert fast == plain
    # ... and like a fresh build of the live articles, in the same order
    (tmp_path / "fresh").mkdir()
    ix = whoosh_index.create_in(str(tmp_path / "fresh"), SCHEMA)
    w = FastWriter(ix)
    for article in articles():
        if article.id in live:
            w.add_document(**document(article))
    w.commit()
    assert dump(tmp_path / "fresh") == fast
    totals = {}
    for name in ("fresh", "fast", "whoosh"):
        with whoosh_index.open_dir(str(tmp_path / name)).searcher() as s:
            assert s.doc_count_all() == s.doc_count() == len(live)
            totals[name] = s.reader().field_length("body")
    # Field length totals: the segments' exact ones, less the three deleted documents' stored
    # (one-byte) lengths; Whoosh's merge sums every document's one-byte length instead.
    assert abs(totals["fast"] - totals["fresh"]) <= 3
    assert abs(totals["fast"] - totals["fresh"]) <= abs(totals["whoosh"] - totals["fresh"])
