"""Set-based matching and bulk BM25 give exactly what Whoosh's own matchers give, on a real
index built from seeds/ plus the shared corpus."""
from __future__ import annotations

from pathlib import Path

import pytest

from search import ingest
from search.archive import Archive
from search.indexer import build
from search.matching import match_docs
from search.params import SearchRequest
from search.queries import parse_query
from search.scoring import BulkScorer

from conftest import corpus

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
QUERIES = ["sanksi", "sanksi PBB", "korea utara", "rusia OR china", "sanksi NOT rusia", "-rusia",
           "NOT korea", "presiden (seoul OR pyongyang)", "kunjung*", '"sanksi PBB"', "s?nksi",
           "Siapa yang memveto sanksi terhadap Korea Utara di Dewan Keamanan", "zzzz", "korea zzzz",
           "rusia OR zzzz"]


@pytest.fixture(scope="module")
def state(tmp_path_factory):
    root = tmp_path_factory.mktemp("ix")
    items = list(ingest.load([SEEDS])) + corpus()
    build(items, root)
    arc = Archive(root)
    arc.search(SearchRequest())
    yield arc._current()
    arc.close()


def whoosh_scores(st, q) -> dict[int, float]:
    return {doc: score for score, doc in st.searcher.search(q, limit=None).top_n}


@pytest.mark.parametrize("text", QUERIES)
def test_match_set_equals_whooshs(state, text):
    q = parse_query(text).query
    assert match_docs(state.searcher, q, state.table.live) == set(whoosh_scores(state, q))


@pytest.mark.parametrize("text", QUERIES)
def test_bulk_scores_equal_whooshs_where_supported(state, text):
    q = parse_query(text).query
    docs = match_docs(state.searcher, q, state.table.live)
    scores = BulkScorer(state.searcher).score(q, docs)
    if scores is None:
        assert not isinstance(q, type(parse_query("sanksi").query)), "a single term must be supported"
        return
    expected = whoosh_scores(state, q)
    assert scores.keys() == expected.keys()
    for d, s in expected.items():
        assert scores[d] == pytest.approx(s, rel=1e-9, abs=1e-9), d


def test_bag_of_words_queries_are_supported(state):
    scorer = BulkScorer(state.searcher)
    for text in ("sanksi", "sanksi PBB", "rusia OR china", "sanksi NOT rusia",
                 "siapa yang memveto sanksi terhadap rusia di pertemuan itu"):
        q = parse_query(text).query
        assert scorer.score(q, match_docs(state.searcher, q, state.table.live)) is not None, text
