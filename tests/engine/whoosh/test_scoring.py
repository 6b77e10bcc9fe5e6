"""Set-based matching and bulk BM25 against Whoosh's own matchers (under the same weighting
model, search.scoring.weighting()), on a real index built from seeds/ plus the shared corpus."""
from __future__ import annotations

import pytest
from whoosh import query as wq

from conftest import SEEDS, corpus
from search import ingest
from search.engine.whoosh import scoring
from search.engine.whoosh.build import build
from search.engine.whoosh.matching import match_docs
from search.engine.whoosh.scoring import BulkScorer
from search.engine.whoosh.translate import to_whoosh
from search.query import ast
from search.query.archive import Archive
from search.query.params import SearchRequest
from search.query.parse import parse_query
from search.settings import DEFAULT

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


def reference_scores(st, q) -> dict[int, float]:
    """What search.scoring promises, built from Whoosh's own scores of the parts: Whoosh's
    scores where the query has no disjunction-max; a disjunction-max scores each document by
    its best alternative (Whoosh 2.7.4's DisjunctionMaxMatcher compares a child's score on
    another document); AND and OR add their clauses' scores; a scaled OR's coordination bonus
    is Whoosh's CoordMatcher._sqr formula with each top-level clause counted once."""
    if not has_dismax(q):
        return whoosh_scores(st, q)
    if isinstance(q, wq.DisjunctionMax):
        out: dict[int, float] = {}
        for c in q.subqueries:
            for d, v in reference_scores(st, c).items():
                out[d] = max(out.get(d, v), v)
        return out
    if isinstance(q, wq.And):
        negated = set().union(*(whoosh_scores(st, c.query) for c in q.subqueries if isinstance(c, wq.Not)))
        parts = [reference_scores(st, c) for c in q.subqueries if not isinstance(c, wq.Not)]
        docs = set.intersection(*(set(p) for p in parts)) - negated
        return {d: sum(p[d] for p in parts) for d in docs}
    assert isinstance(q, wq.Or), repr(q)
    parts = [reference_scores(st, c) for c in q.subqueries]
    out = {}
    for d in set().union(*parts):
        total, matching = sum(p.get(d, 0.0) for p in parts), sum(d in p for p in parts)
        if q.scale and len(parts) > 1:
            n = len(parts)
            total = (total + (matching - 1) / (n - q.scale) ** 2) * ((n - 1) / n)
        out[d] = total
    return out


@pytest.mark.parametrize("partial_ratio", [DEFAULT.partial_ratio, 1])
@pytest.mark.parametrize("text", QUERIES)
def test_bulk_scores_equal_the_reference(state, text, partial_ratio):
    """Whoosh's own scores, or for disjunction-max queries (synonyms) the reference built from
    Whoosh's scores of their parts. Also with partial_ratio 1, so that every term with more
    postings than matches is scored for the matching documents only."""
    settings = DEFAULT.with_(partial_ratio=partial_ratio)
    q = whoosh_query(text)
    if isinstance(q, wq.Or) and q.scale and any(c.children() for c in q.subqueries) and not has_dismax(q):
        # Whoosh's coordination counts every term of a compound clause (an exact twin); ours
        # counts each clause once (search.scoring). Compare the BM25 sums without it.
        q = wq.Or(q.subqueries)
    scores = BulkScorer(state.searcher, settings).bm25(q, match_docs(state.searcher, q, state.table.live))
    if scores is None:
        assert isinstance(q, (wq.Prefix, wq.Wildcard)), repr(q)
        return
    expected = reference_scores(state, q)
    assert expected and scores.keys() == expected.keys() or not expected and not scores
    for d, s in expected.items():
        assert scores[d] == pytest.approx(s, rel=1e-9, abs=1e-9), d


def test_the_reference_covers_synonyms(state):
    """The reference is not vacuous: four of the queries hold synonyms (a disjunction-max), and
    three of them match documents (`korea utara --exact` asks for the word `exact` too)."""
    dismax = [t for t in QUERIES if (q := whoosh_query(t)) is not None and has_dismax(q)]
    assert len(dismax) == 4
    assert sum(bool(reference_scores(state, whoosh_query(t))) for t in dismax) == 3


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


@pytest.fixture(scope="module")
def common(tmp_path_factory):
    """600 articles all saying `harga`, some of them twice, of different lengths."""
    from search.models import Article

    root = tmp_path_factory.mktemp("common")
    words = ["cabai", "beras", "minyak", "gula", "bawang"]
    build([Article(id=f"a{i}", title=f"Berita {i}",
                   paragraphs=["Harga " + " ".join(words[: 1 + i % 5]) + (" harga naik" if i % 3 == 0 else "") + "."])
           for i in range(600)], root)
    arc = Archive(root)
    yield arc.engine.reader()
    arc.close()


@pytest.mark.parametrize("asked", [1, 3, 40, 200, None])
def test_a_word_scored_for_some_documents_gives_the_floats_of_its_whole_table(common, asked):
    """Few documents are found by bisection in the word's list, more through a dict of it
    (LOOKUP_RATIO): both give exactly the scores of scoring every posting."""
    scorer = BulkScorer(common.searcher)
    whole = scorer._term("body", "harga")
    assert len(whole) == 600
    live = sorted(common.table.live)
    docs = set(live if asked is None else live[7::max(1, len(live) // asked)][:asked]) | {0, 599}
    got = scorer._term("body", "harga", docs)
    assert got == {d: whole[d] for d in docs} and len(set(got.values())) > 1
