"""The builder: Articles in, a published generation with a manifest out."""
from __future__ import annotations

import json

import pytest
from whoosh import index as whoosh_index

from search.engine.base import BuildReport
from search.engine.whoosh import build as build_module
from search.engine.whoosh import store
from search.engine.whoosh.build import build, document
from search.engine.whoosh.reader import article_from_stored
from search.engine.whoosh.schema import schema_version
from search.indexing import parallel
from search.models import Article, Removal, Skipped
from search.query.params import SearchRequest
from search.settings import DEFAULT
from search.text.analysis import PARA_SEP, analyze

SCHEMA_VERSION = schema_version(DEFAULT)


def test_build_reports_and_writes_a_manifest(tmp_path, articles):
    report = build(articles + [Skipped("x.txt", "empty file")], tmp_path / "ix", sources=["seeds"])
    assert (report.added, [s.origin for s in report.skipped]) == (5, ["x.txt"])
    gen = store.current_generation(tmp_path / "ix")
    manifest = store.read_manifest(gen)
    assert manifest["schema_version"] == SCHEMA_VERSION
    assert manifest["articles"] == 5 and manifest["sources"] == ["seeds"]
    ix = whoosh_index.open_dir(str(gen))
    assert ix.doc_count() == 5


def test_summary_counts_everything(tmp_path):
    arts = [Article(id="a", paragraphs=["x"], removed=[Removal("baca-juga", "Baca Juga: y")]),
            Article(id="b", paragraphs=["z"])]
    report = build(arts + [Skipped("c.txt", "binary")], tmp_path)
    assert report.removals == 1
    s = report.summary()
    assert s.startswith("Indexed 2 articles, skipped 1, removed 1 boilerplate piece in ")
    assert s.endswith(f"-> {tmp_path}")
    assert BuildReport("d", added=1).summary().startswith("Indexed 1 article, removed 0 boilerplate pieces")


def test_on_item_sees_every_input(tmp_path, articles):
    seen = []
    build(articles + [Skipped("bad", "why")], tmp_path, on_item=seen.append)
    assert [getattr(i, "id", None) or i.origin for i in seen] == ["a1", "a2", "a3", "a4", "a5", "bad"]


def test_document_body_holds_title_and_paragraphs_separated(articles):
    doc = document(articles[0])
    assert doc["id"] == "a1"
    assert doc["body"].split(PARA_SEP) == [articles[0].title] + articles[0].paragraphs
    assert json.loads(doc["facets"]) == ["Kontan", "2024-06-18", ["Rina Sari"], "Reuters",
                                        ["sanksi", "korea"], "Seoul", len(articles[0].paragraphs), [], "a1"]
    assert doc["hash"] == articles[0].content_hash


def test_untitled_document_body_is_just_the_paragraphs(articles):
    assert document(articles[3])["body"].split(PARA_SEP) == articles[3].paragraphs


def test_stored_article_round_trips(articles):
    for art in articles:
        art.basis["date"] = "inferred"
        art.notes["outlet"] = "dari nama file"
        art.origin = "seeds/x.txt"
        art.removed = [Removal("editor-tag", "[jm/lt]")]
        back = article_from_stored({"article": document(art)["article"]})
        art.removed = []
        assert back == art


def test_title_words_are_searchable(make_index, articles):
    arc = make_index(articles)
    resp = arc.search(SearchRequest.from_args({"q": "diperluas"}))
    assert [r.id for r in resp.results] == ["a5"]
    assert "<mark>diperluas</mark>" in resp.results[0].title_html


def test_index_terms_are_the_analyzer_terms(make_index, tmp_path, articles):
    make_index(articles)
    ix = whoosh_index.open_dir(str(store.current_generation(tmp_path / "index")))
    with ix.searcher() as s:
        lexicon = {t.decode() for t in s.reader().lexicon("body")}
    expected = set()
    for art in articles:
        expected |= set(analyze(document(art)["body"]))
    assert lexicon == expected
    assert "yang" not in lexicon and "7.000" in lexicon


def test_content_hash_changes_with_indexed_content_only(articles):
    a = articles[0]
    h = a.content_hash
    a.origin, a.removed = "elsewhere", [Removal("x", "y")]
    assert a.content_hash == h
    a.paragraphs = a.paragraphs + ["Paragraf baru."]
    assert a.content_hash != h


def test_failed_build_leaves_the_served_index_untouched(make_index, articles, tmp_path):
    arc = make_index(articles)
    served = (tmp_path / "index" / "CURRENT").read_text()

    def dying():
        yield articles[0]
        raise RuntimeError("killed mid-build")

    with pytest.raises(RuntimeError):
        build(dying(), tmp_path / "index")
    assert (tmp_path / "index" / "CURRENT").read_text() == served
    assert arc.search(SearchRequest()).total == 5
    # and the lock was released: the next build works
    assert build(articles[:2], tmp_path / "index").added == 2
    assert arc.search(SearchRequest()).total == 2


def test_empty_build_gives_an_empty_but_usable_index(make_index):
    arc = make_index([])
    assert arc.search(SearchRequest()).total == 0
    assert arc.stats()["articles"] == 0


def test_a_build_with_a_tiny_memory_budget_makes_the_same_index(tmp_path, monkeypatch):
    """`--memory 1` spills the postings after every document (a run file each), writes the last
    pool out before the echo step, and runs that step after the commit rather than in a child
    beside it: the index, its stories and its echoes are the same as a build without a budget's."""
    from test_writer import dump

    from conftest import seeds_and_indosum
    from search.engine.whoosh.writer import FastWriter

    arts = seeds_and_indosum(tmp_path, 60)
    spills = []
    spill = FastWriter.spill

    def counting(self):
        spills.append(len(self.runs))
        spill(self)
    monkeypatch.setattr(FastWriter, "spill", counting)
    forked = []

    class Step(parallel.Background):  # which way the echo step ran
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            forked.append(self.pid is not None)
    monkeypatch.setattr(build_module, "Background", Step)
    build(arts, tmp_path / "whole")
    assert not spills
    build(arts, tmp_path / "tiny", settings=DEFAULT.with_(memory_mb=1))
    assert len(spills) >= len(arts)
    # two of the build's process do not fit in 1 MB: the step ran after the commit, not beside it
    assert forked == [parallel.can_fork(), False]
    gens = [store.current_generation(tmp_path / n) for n in ("whole", "tiny")]
    assert dump(gens[1]) == dump(gens[0])
    for name in ("stories.sqlite", "echoes.sqlite"):
        dumps = [_rows(g / name) for g in gens]
        assert dumps[0] and dumps[1] == dumps[0], name
    # the stories file was shared in WAL mode while the child joined the echoes: it is back in
    # rollback-journal mode, which read-only readers need, with no WAL file left beside it
    for g in gens:
        assert _journal_mode(g / "stories.sqlite") == "delete"
        assert not [p.name for p in g.iterdir() if p.name.endswith(("-wal", "-shm"))]


def _journal_mode(path) -> str:
    import sqlite3
    con = sqlite3.connect(path)
    try:
        return con.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        con.close()


def _rows(path):
    """Every row of an SQLite file's tables (the stories' or echoes' store)."""
    import sqlite3
    con = sqlite3.connect(path)
    try:
        tables = [t for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {t: sorted(con.execute(f"SELECT * FROM {t}"), key=repr) for t in tables}
    finally:
        con.close()
