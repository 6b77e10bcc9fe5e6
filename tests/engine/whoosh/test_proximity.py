"""The proximity bonus of search.scoring on a small real index: words side by side beat the same
words apart, nearness counts in proportion to the query weight a page holds, and only the best
`proximity_top` documents are rescored."""
from __future__ import annotations

import pytest

from conftest import ids, search
from search.engine import bm25
from search.engine.whoosh.matching import match_docs, term_positions
from search.engine.whoosh.scoring import BulkScorer
from search.engine.whoosh.translate import to_whoosh
from search.models import Article
from search.query.parse import parse_query
from search.settings import DEFAULT

FILLER = "tiba di lokasi banjir bersama rombongan pejabat daerah pada pagi hari"
DOCS = [
    # The same words in both, so BM25 ties: only their order differs. `far` comes first, so
    # without the bonus the tie would put it on top.
    ("far", f"Menteri {FILLER} sosial Bachtiar."),
    ("near", f"Menteri sosial Bachtiar {FILLER}."),
    ("common", "Luas wilayah provinsi itu tercatat dalam data resmi pemerintah daerah."),
    ("rare", "Myanmar berbatasan dengan Thailand, dan luas daratannya mencakup banyak wilayah."),
] + [(f"x{i}", f"Menteri sosial meninjau {FILLER} ke-{i}.") for i in range(6)]


ARTICLES = [Article(id=i, paragraphs=[text], outlet="Kompas") for i, text in DOCS]


@pytest.fixture
def archive(make_index):
    return make_index(ARTICLES)


def scorer_and_docs(archive, text, settings=DEFAULT):
    st = archive.engine.reader()
    q = to_whoosh(parse_query(text).query)
    return BulkScorer(st.searcher, settings), q, match_docs(st.searcher, q, st.table.live)


def test_words_side_by_side_rank_above_the_same_words_apart(archive):
    scorer, q, docs = scorer_and_docs(archive, "menteri sosial bachtiar")
    bm25, scores = scorer.bm25(q, docs), scorer.score(q, docs)
    st = archive.engine.reader()
    near, far = (st.searcher.document_number(id=i) for i in ("near", "far"))
    assert bm25[near] == pytest.approx(bm25[far])  # BM25 alone cannot tell them apart
    assert scores[near] > scores[far]
    assert ids(search(archive, "menteri sosial bachtiar"))[:2] == ["near", "far"]


def test_without_the_bonus_the_tie_stays(make_index):
    off = make_index(ARTICLES, settings=DEFAULT.with_(proximity=0.0))
    assert ids(search(off, "menteri sosial bachtiar"))[:2] == ["far", "near"]


def test_nearness_counts_in_proportion_to_the_query_weight_held(archive):
    scorer, _, _ = scorer_and_docs(archive, "luas")
    st = archive.engine.reader()
    common = st.searcher.document_number(id="common")
    words = [parse_query(w).query.text for w in ("myanmar", "luas", "wilayah")]
    gated = scorer.proximity(words, [common])[common]
    ungated_scorer, _, _ = scorer_and_docs(archive, "luas", DEFAULT.with_(coverage_power=0))
    ungated = ungated_scorer.proximity(words, [common])[common]
    idf = [bm25.idf(scorer.n, st.searcher.doc_frequency("body", w)) for w in words]
    held = (idf[1] + idf[2]) / sum(idf)  # `common` lacks the rarest word, myanmar
    assert gated == pytest.approx(ungated * held ** 4) and gated < ungated / 5
    assert ids(search(archive, "Berapa luas wilayah Myanmar?"))[0] == "rare"


def test_only_the_best_documents_are_rescored(archive):
    scorer, q, docs = scorer_and_docs(archive, "menteri sosial bachtiar", DEFAULT.with_(proximity_top=2))
    bm25, scores = scorer.bm25(q, docs), scorer.score(q, docs)
    changed = [d for d in docs if scores[d] != bm25[d]]
    assert 0 < len(changed) <= 2
    assert set(changed) <= set(sorted(docs, key=bm25.get, reverse=True)[:2])


def test_a_single_word_or_a_phrase_gets_no_bonus(archive):
    for text in ("bachtiar", '"menteri sosial"'):
        scorer, q, docs = scorer_and_docs(archive, text)
        assert scorer.score(q, docs) == scorer.bm25(q, docs)


def test_positions_are_read_for_the_given_documents_only(archive):
    st = archive.engine.reader()
    near = st.searcher.document_number(id="near")
    got = term_positions(st.searcher.reader(), "body", parse_query("bachtiar").query.text, [near])
    assert list(got) == [near] and got[near] == [2]
