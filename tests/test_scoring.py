"""Set-based matching and bulk BM25 against Whoosh's own matchers (under the same weighting
model, search.scoring.weighting()), on a real index built from seeds/ plus the shared corpus."""
from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import query as wq

from conftest import corpus
from search import ingest
from search.query.archive import Archive
from search.engine.whoosh.build import build
from search.engine.whoosh.matching import match_docs
from search.query.params import SearchRequest
from search.query.parse import parse_query
from search.engine.whoosh import scoring
from search.engine.whoosh.scoring import BulkScorer
from search.engine.whoosh.translate import to_whoosh
from search.query import ast
from search.settings import DEFAULT

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
QUERIES = ["sanksi", "sanksi PBB", "korea utara", "rusia OR china", "sanksi NOT rusia", "-rusia",
           "NOT korea", "presiden (seoul OR pyongyang)", "kunjung*", '"sanksi PBB"', "s?nksi",
           "Siapa yang memveto sanksi terhadap Korea Utara di Dewan Keamanan", "zzzz", "korea zzzz",
           "rusia OR zzzz", "siapa yang memveto sanksi terhadap rusia di pertemuan itu",
           '"korea utara"', '"Dewan Keamanan PBB"', '"sanksi sanksi"', '"korea selatan" rusia',
           '"utara korea"', "korea utara --exact"]
T = lambda w: wq.Term("body", w)  # noqa: E731


@pytest.fixture(scope="module")
def state(tmp_path_factory):
    root = tmp_path_factory.mktemp("ix")
    build(list(ingest.load([SEEDS])) + corpus(), root)
    arc = Archive(root)
    arc.search(SearchRequest())
    yield arc.engine.reader()
    arc.close()


def whoosh_scores(st, q) -> dict[int, float]:
    with st.ix.searcher(weighting=scoring.weighting()) as s:
        return {doc: score for score, doc in s.search(q, limit=None).top_n}


def has_dismax(q) -> bool:
    return isinstance(q, wq.DisjunctionMax) or any(has_dismax(c) for c in q.children())


def whoosh_query(text: str) -> wq.Query | None:
    q = parse_query(text).query
    return to_whoosh(q) if q is not None else None


@pytest.mark.parametrize("text", QUERIES)
def test_match_set_equals_whooshs(state, text):
    q = whoosh_query(text)
    assert match_docs(state.searcher, q, state.table.live) == set(whoosh_scores(state, q))


@pytest.mark.parametrize("partial_ratio", [DEFAULT.partial_ratio, 1])
@pytest.mark.parametrize("text", QUERIES)
def test_bulk_scores_equal_whooshs_without_disjunction_max(state, text, partial_ratio):
    """Also with partial_ratio 1, so that every term with more postings than matches is
    scored for the matching documents only."""
    settings = DEFAULT.with_(partial_ratio=partial_ratio)
    q = whoosh_query(text)
    if has_dismax(q):
        pytest.skip("Whoosh's DisjunctionMax scores are not a reference (see search.scoring)")
    if isinstance(q, wq.Or) and q.scale and any(c.children() for c in q.subqueries):
        # Whoosh's coordination counts every term of a compound clause (an exact twin); ours
        # counts each clause once (search.scoring). Compare the BM25 sums without it.
        q = wq.Or(q.subqueries)
    scores = BulkScorer(state.searcher, settings).bm25(q, match_docs(state.searcher, q, state.table.live))
    if scores is None:
        assert isinstance(q, (wq.Prefix, wq.Wildcard)), repr(q)
        return
    expected = whoosh_scores(state, q)
    assert scores.keys() == expected.keys()
    for d, s in expected.items():
        assert scores[d] == pytest.approx(s, rel=1e-9, abs=1e-9), d


def test_disjunction_max_takes_each_documents_best_alternative(state):
    scorer = BulkScorer(state.searcher)
    a, b = T("rusia"), wq.Phrase("body", ["korea", "utara"])
    q = wq.DisjunctionMax([a, b])
    docs = match_docs(state.searcher, q, state.table.live)
    got = scorer.bm25(q, docs)
    sa, sb = whoosh_scores(state, a), whoosh_scores(state, b)
    assert docs and got == pytest.approx({d: max(sa.get(d, 0.0), sb.get(d, 0.0)) for d in docs})


def test_coordination_counts_a_synonym_clause_once(state):
    scorer = BulkScorer(state.searcher)
    q = wq.Or([T("rusia"), wq.DisjunctionMax([T("korut"), wq.Phrase("body", ["korea", "utara"])])], scale=0.9)
    plain = wq.Or([T("rusia"), wq.Phrase("body", ["korea", "utara"])], scale=0.9)
    docs = match_docs(state.searcher, plain, state.table.live)
    # No document says "korut", so the expansion must not change a single score.
    assert scorer.bm25(q, docs) == pytest.approx(scorer.bm25(plain, docs))


def test_bag_of_words_queries_are_supported(state):
    scorer = BulkScorer(state.searcher)
    for text in QUERIES:
        q = whoosh_query(text)
        if q is None or isinstance(q, (wq.Prefix, wq.Wildcard)):
            continue
        assert scorer.score(q, match_docs(state.searcher, q, state.table.live)) is not None, text


def test_rare_words_weigh_more_than_whooshs_default_idf_makes_them(state):
    n = state.searcher.doc_count_all()
    # Robertson-Sparck Jones: a word in one document in ten weighs ~2.3x one in every other.
    assert scoring._idf(n, n // 10) / scoring._idf(n, n // 2) > 2.2
    assert scoring._idf(n, n) > 0  # never negative, however common


def test_parsed_long_queries_keep_their_coordination_bonus():
    q = parse_query("sanksi PBB Rusia Korea Utara").query
    assert isinstance(q, ast.Or) and q.scale  # Query.apply() used to drop it
    assert to_whoosh(q).scale == q.scale


def test_best_scores_order_by_score_then_lower_docnum():
    """scoring.best against a plain sort, with ties at and around the cut."""
    import random

    from search.engine.whoosh.scoring import best

    rng = random.Random(3)
    for n, end in ((0, 10), (5, 10), (50, 10), (2000, 30), (300, 1)):
        scores = {d: float(rng.choice([1, 2, 2.5, 3, rng.random()])) for d in rng.sample(range(5000), n)}
        expected = sorted(((v, d) for d, v in scores.items()), key=lambda t: (-t[0], t[1]))[:end]
        assert best(scores, end) == expected
