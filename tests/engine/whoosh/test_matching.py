"""Patterns expanded within the limits, and matching under a time budget, on a real index built
from seeds/ plus the shared corpus (search.engine.whoosh.matching)."""
from __future__ import annotations

import re

import pytest
from whoosh import query as wq

from conftest import SEEDS, corpus, search
from search import ingest
from search.engine.base import Budget
from search.engine.whoosh import postings
from search.engine.whoosh.build import build
from search.engine.whoosh.matching import (
    Expansion,
    capped_patterns,
    expand,
    match_docs,
    phrase_docs,
    positions_decoder,
    term_docs,
)
from search.query.archive import Archive
from search.settings import DEFAULT, Limits


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = tmp_path_factory.mktemp("ix")
    build(list(ingest.load([SEEDS])) + corpus(), root)
    return root


@pytest.fixture(scope="module")
def reader(root):
    arc = Archive(root)
    yield arc.engine.reader()
    arc.close()


def words(reader, pattern: str) -> list[str]:
    """Every body word matching a regular expression, alphabetically (the reference)."""
    rx = re.compile(pattern)
    return sorted(w.decode() if isinstance(w, bytes) else w
                  for w in reader.searcher.reader().lexicon("body")
                  if rx.fullmatch(w.decode() if isinstance(w, bytes) else w))


def test_a_pattern_stands_for_its_first_words_alphabetically_up_to_the_limit(reader):
    r = reader.searcher.reader()
    every = words(reader, r".*a.*")
    assert len(every) > 20
    q = expand(r, wq.Wildcard("body", "*a*"), Limits(expansions=20))
    assert isinstance(q, Expansion) and q.capped
    assert [t.text for t in q.subqueries] == every[:20]
    assert capped_patterns(q) == [("*a*", 20)]
    few = expand(r, wq.Prefix("body", "sank"), Limits(expansions=20))
    assert not few.capped and [t.text for t in few.subqueries] == words(reader, r"sank.*")
    assert capped_patterns(few) == []


def test_all_the_patterns_of_a_query_share_the_total(reader):
    r = reader.searcher.reader()
    q = expand(r, wq.Or([wq.Wildcard("body", "*a*"), wq.Wildcard("body", "*e*"), wq.Term("body", "pbb")],
                        scale=0.9), Limits(expansions=20, expansions_total=30))
    a, e, term = q.subqueries
    assert (len(a.subqueries), len(e.subqueries)) == (20, 10) and a.capped and e.capped
    assert term == wq.Term("body", "pbb") and q.scale == 0.9  # the rest as it was, scale kept


def test_expansion_leaves_a_query_without_patterns_as_it_is(reader):
    q = wq.And([wq.Term("body", "sanksi"), wq.Not(wq.Term("body", "rusia"))])
    assert expand(reader.searcher.reader(), q) is q


def test_an_expanded_pattern_matches_what_whooshs_own_matcher_matches_when_not_capped(reader):
    s = reader.searcher
    live = reader.table.live
    for pattern in (wq.Prefix("body", "kunjung"), wq.Wildcard("body", "s?nksi"), wq.Wildcard("body", "k*a")):
        expected = set(pattern.matcher(s).all_ids()) & live
        assert expected and match_docs(s, expand(s.reader(), pattern), live) == expected


def test_an_or_stops_taking_alternatives_once_the_budget_is_spent(reader):
    s, live = reader.searcher, reader.table.live
    q = wq.Or([wq.Term("body", w) for w in ("minyak", "pameran", "rusia", "korea")])
    whole = match_docs(s, q, live)
    spent = Budget(0)
    part = match_docs(s, q, live, spent)
    assert spent.partial and part == term_docs(s.reader(), "body", "minyak") and part < whole
    assert match_docs(s, q, live, Budget(60)) == whole


def test_an_and_is_never_cut_by_the_budget(reader):
    """Every part of an AND is needed for a right answer, so it runs whatever the budget."""
    s, live = reader.searcher, reader.table.live
    q = wq.And([wq.Term("body", "sanksi"), wq.Term("body", "pbb")])
    assert match_docs(s, q, live, Budget(0)) == match_docs(s, q, live)


def test_a_capped_search_says_so_and_a_spent_one_is_partial_and_not_cached(root):
    capped = Archive(root, DEFAULT.with_(limits=Limits(expansions=5)))
    try:
        resp = search(capped, "*a*")
        assert resp.total > 0 and [n.key for n in resp.notices] == ["pattern_capped"]
        assert not resp.partial
    finally:
        capped.close()
    hurried = Archive(root, DEFAULT.with_(limits=Limits(budget=1e-9)))
    try:
        resp = search(hurried, "sanksi OR rusia OR korea")
        assert resp.partial and "partial" in [n.key for n in resp.notices]
        assert all("<mark>" not in p.html for r in resp.results for p in r.paragraphs)  # plain ledes
        assert not search(hurried, "sanksi OR rusia OR korea").cached
    finally:
        hurried.close()
    calm = Archive(root)
    try:
        resp = search(calm, "sanksi OR rusia OR korea")
        assert not resp.partial and not resp.notices and search(calm, "sanksi OR rusia OR korea").cached
    finally:
        calm.close()


def test_positions_decode_as_whooshs_own_decoder_does(reader):
    r = reader.searcher.reader()
    fast, own = positions_decoder(r, "body"), r.schema["body"].format.decode_positions
    checked = 0
    for word in ("sanksi", "dewan", "aman", "pbb", "indonesia"):
        for value in postings.read(r, "body", word, values=True)[2]:
            assert fast(value) == own(value)
            checked += 1
    assert checked > 10


@pytest.mark.parametrize("words", [("dewan", "aman"), ("aman", "dewan"), ("dewan", "aman", "bangsa"),
                                   ("dewan", "dewan")])
def test_a_phrase_matches_what_whooshs_phrase_matcher_matches(reader, words):
    searcher = reader.searcher
    r = searcher.reader()
    r.__dict__.pop("_kliping_postings", None), r.__dict__.pop("_kliping_phrases", None)  # read afresh
    live = reader.table.live
    q = wq.Phrase("body", list(words))
    m = q.matcher(searcher)
    expected = set(m.all_ids()) & live if m.is_active() else set()
    assert phrase_docs(r, "body", list(words), live) == expected
    assert phrase_docs(r, "body", list(words), live) == expected  # remembered
    assert expected or words != ("dewan", "aman")


def test_an_or_never_holds_a_deleted_document(tmp_path):
    """Even asked with every document number as `live` (as scoring asks), an OR of words leaves
    out the documents an update deleted, like each word alone does."""
    from search.engine.whoosh import update
    from search.models import Article

    arts = [Article(id=f"a{i}", title=f"Berita {i}", paragraphs=["Harga cabai dan beras naik."]) for i in range(10)]
    build(arts, tmp_path)
    update.remove(["a1", "a4"], tmp_path)
    arc = Archive(tmp_path)
    try:
        searcher = arc.engine.reader().searcher
        r = searcher.reader()
        everything = frozenset(range(r.doc_count_all()))
        assert r.has_deletions()
        q = wq.Or([wq.DisjunctionMax([wq.Term("body", "cabai"), wq.Term("exact", "cabai")]), wq.Term("body", "beras")])
        found = match_docs(searcher, q, everything)
        assert found == term_docs(r, "body", "cabai") and len(found) == 8
        assert not any(r.is_deleted(d) for d in found)
    finally:
        arc.close()


def _six_articles_reads_counted(tmp_path, monkeypatch) -> list[tuple[str, str]]:
    """Six articles with the same words built at tmp_path, a postings cache of 2, and the
    (field, word) of every posting list read from disk from now on."""
    from search.engine.whoosh import matching
    from search.models import Article

    build([Article(id=f"a{i}", title=f"Berita {i}", paragraphs=["Harga cabai dan beras naik."]) for i in range(6)],
          tmp_path)
    monkeypatch.setattr(matching, "POSTINGS_CACHE", 2)
    reads: list[tuple[str, str]] = []
    real = postings.read

    def counted(reader, field, text, *args, **kw):
        reads.append((field, text))
        return real(reader, field, text, *args, **kw)

    monkeypatch.setattr(postings, "read", counted)
    return reads


def test_within_holding_each_posting_list_is_read_once_whatever_the_cache_drops(tmp_path, monkeypatch):
    """A broad query reads more postings than the bounded cache keeps: within `holding` (one
    search) a list is read once; outside it, a cache of 2 postings reads it again."""
    from search.engine.whoosh import matching

    reads = _six_articles_reads_counted(tmp_path, monkeypatch)
    arc = Archive(tmp_path)
    try:
        r = arc.engine.reader().searcher.reader()
        with matching.holding():
            first = matching.term_postings(r, "body", "cabai")
            matching.term_postings(r, "body", "beras")  # drops cabai from the cache of 2
            with matching.holding():  # nested: the outer one holds
                assert matching.term_postings(r, "body", "cabai") is first
        assert reads.count(("body", "cabai")) == 1 and len(first[0]) == 6
        matching.term_postings(r, "body", "beras")
        matching.term_postings(r, "body", "cabai")  # held no more, and dropped by the cache
        assert reads.count(("body", "cabai")) == 2
    finally:
        arc.close()


@pytest.mark.parametrize("text", ["sanksi terhadap korea utara", "siapa yang memveto sanksi rusia",
                                  "kunjungan presiden korea selatan ke pyongyang pekan lalu",
                                  "Dewan Keamanan menjatuhkan sanksi baru kepada Korea Utara"])
def test_a_covered_twin_matches_by_its_stem_alone_and_matches_the_same(reader, text):
    """Where the written form stems to the stem, the twin is matched by the stem's postings
    alone (its form's documents all hold the stem), and the match set is the same."""
    from search.engine.whoosh.translate import ExactTwin, cover_twins, to_whoosh
    from search.query.parse import parse_query
    from search.text.analysis import analyzer

    stem = analyzer(DEFAULT).stem
    plain = to_whoosh(parse_query(text).query)
    covered = cover_twins(to_whoosh(parse_query(text).query), stem)
    twins = [c for c in covered.subqueries if isinstance(c, ExactTwin)]
    assert twins and all(t.kliping_cover is t.subqueries[0] for t in twins)
    assert all(getattr(c, "kliping_cover", None) is None for c in plain.subqueries)
    live = reader.table.live
    assert match_docs(reader.searcher, covered, live) == match_docs(reader.searcher, plain, live)


def test_a_twin_whose_form_stems_elsewhere_is_not_covered():
    from search.engine.whoosh.translate import ExactTwin, cover_twins

    twin = ExactTwin([wq.Term("body", "naik"), wq.Term("exact", "kenaikan")])
    assert cover_twins(twin, lambda w: "naik" if w == "kenaikan" else w).kliping_cover is twin.subqueries[0]
    other = ExactTwin([wq.Term("body", "naik"), wq.Term("exact", "kenaikan")])
    assert cover_twins(other, lambda w: w).kliping_cover is None


def test_postings_for_some_documents_read_only_their_blocks_once_in_a_search(tmp_path, monkeypatch):
    """Not remembered, a word's postings for a few documents come from the blocks holding them
    (the frequencies of the whole list), held for the search and asked again for fewer."""
    from search.engine.whoosh import matching
    from search.models import Article

    build([Article(id=f"a{i}", title=f"Berita {i}", paragraphs=["Harga cabai naik." + " harga" * (i % 4)])
           for i in range(2000)], tmp_path)
    reads: list[int | None] = []
    real = postings.read

    def counted(reader, field, text, *args, only=None, **kw):
        reads.append(None if only is None else len(only))
        return real(reader, field, text, *args, only=only, **kw)

    monkeypatch.setattr(postings, "read", counted)
    arc = Archive(tmp_path)
    try:
        r = arc.engine.reader().searcher.reader()
        docs = {3, 700, 1999}
        with matching.holding():
            ids, tfs = matching.postings_for(r, "body", "harga", docs)
            assert docs <= set(ids) and len(ids) < 2000
            assert matching.postings_for(r, "body", "harga", {700})[0] is ids
            assert reads == [3]
        whole = dict(zip(*matching.term_postings(r, "body", "harga")))
        assert {d: tf for d, tf in zip(ids, tfs)} == {d: whole[d] for d in ids}
        assert matching.postings_for(r, "body", "harga", docs)[0] is matching.term_postings(r, "body", "harga")[0]
    finally:
        arc.close()


def test_a_search_holds_at_most_hold_limit_postings(tmp_path, monkeypatch):
    """Past HOLD_LIMIT postings held, a list read is left to the bounded cache alone."""
    from search.engine.whoosh import matching

    reads = _six_articles_reads_counted(tmp_path, monkeypatch)
    monkeypatch.setattr(matching, "HOLD_LIMIT", 8)
    arc = Archive(tmp_path)
    try:
        r = arc.engine.reader().searcher.reader()
        with matching.holding():
            for _ in range(2):
                matching.term_postings(r, "body", "cabai")  # 6 postings: held
                matching.term_postings(r, "body", "beras")  # 6 more would pass 8: not held
        assert reads == [("body", "cabai"), ("body", "beras"), ("body", "beras")]
    finally:
        arc.close()
