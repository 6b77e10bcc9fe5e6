"""The paragraphs a query occurs in, read off the body's positions, against the highlighter."""
from __future__ import annotations

import itertools
from collections import Counter

import pytest

from conftest import search, seeds_and_indosum
from search.engine.whoosh.matching import term_docs
from search.query.highlight import Highlight
from search.query.snippets import _marked, best_paragraphs, indexed, matching_paragraphs
from search.settings import DEFAULT
from search.text.analysis import analyzer, join_paragraphs


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from search.engine.whoosh.build import build
    from search.query.archive import Archive

    tmp = tmp_path_factory.mktemp("paragraphs")
    arts = seeds_and_indosum(tmp, 250)
    build(arts, tmp / "index")
    arc = Archive(tmp / "index", DEFAULT, refresh=0)
    yield arc, arts
    arc.close()


def _highlights(arts) -> list[Highlight]:
    """Stemmed terms common and rare, pairs of them, and stemmed phrases of words that follow
    each other in the corpus (the forms a query's terms and name variants take)."""
    an = analyzer(DEFAULT)
    counts: Counter = Counter()
    pairs: Counter = Counter()
    for a in arts:
        for para in a.paragraphs:
            stems = [t[0] for t in an.index_terms(para)]
            counts.update(set(stems))
            pairs.update(zip(stems, stems[1:]))
    ranked = [w for w, _ in counts.most_common()]
    terms = ranked[:25] + ranked[200:215] + [w for w in ranked if "-" in w or w.isdigit()][:5]
    phrases = [p for p, n in pairs.most_common(60) if p[0] != p[1]][::3]
    out = [Highlight(terms=frozenset({t})) for t in terms]
    out += [Highlight(terms=frozenset(p)) for p in itertools.islice(zip(terms[::2], terms[1::2]), 10)]
    out += [Highlight(phrases=(p,)) for p in phrases]
    out += [Highlight(terms=frozenset({t}), phrases=(p,)) for t, p in zip(terms[5:], phrases)]
    return out


def test_the_index_finds_the_paragraphs_the_highlighter_marks(built):
    """For every highlight the index can read (stemmed terms and phrases), the paragraphs,
    the roots matched and the phrase hits per paragraph are the highlighter's own."""
    arc, arts = built
    reader = arc.engine.reader()
    ix = reader.searcher.reader()
    by_doc = {d: reader.articles([d])[0] for d in range(ix.doc_count_all())}
    checked = paragraphs_seen = 0
    for hl in _highlights(arts):
        assert indexed(hl)
        words = set(hl.terms).union(*hl.phrases)
        docs = sorted(set().union(*(term_docs(ix, "body", w) for w in words)))[:40]
        assert docs, hl
        found = reader.paragraph_hits(docs, [bool(by_doc[d].title) for d in docs], hl.terms, hl.phrases)
        for d, hits in zip(docs, found):
            art = by_doc[d]
            want = {}
            for n, text in enumerate(art.paragraphs, 1):
                spans, matched, phrase_hits = _marked(text, hl)
                if spans:
                    want[n] = (frozenset(matched), phrase_hits)
            assert hits == want, (hl, art.id)
            assert matching_paragraphs(art.paragraphs, hl, hits) == matching_paragraphs(art.paragraphs, hl)
            checked += 1
            paragraphs_seen += len(want)
    assert checked > 800 and paragraphs_seen > 1500


def test_a_title_is_not_a_paragraph(built):
    """A word of a title alone gives no paragraph hit, and the first paragraph is number 1
    with a title and without one."""
    arc, arts = built
    reader = arc.engine.reader()
    titled = next(a for a in arts if a.title and join_paragraphs(a.paragraphs))
    word = next(t[0] for t in analyzer(DEFAULT).index_terms(titled.title)
                if not any(t[0] in {s[0] for s in analyzer(DEFAULT).index_terms(p)} for p in titled.paragraphs))
    doc = reader.searcher.document_number(id=titled.id)
    assert reader.paragraph_hits([doc], [True], frozenset({word}), ()) == [{}]
    first = analyzer(DEFAULT).index_terms(titled.paragraphs[0])[0][0]
    assert 1 in reader.paragraph_hits([doc], [True], frozenset({first}), ())[0]


def test_search_results_count_and_rank_paragraphs_as_the_highlighter_does(built):
    """Through the archive: each result's "see all N" count is the highlighter's, and its
    snippets are the best-scored paragraphs the highlighter would choose."""
    arc, _ = built
    for q in ("korupsi", "pemerintah daerah", "jokowi", "harga minyak", "korea utara", "presiden"):
        resp = search(arc, q)
        assert resp.results, q
        hl = resp.query.highlight
        assert indexed(hl)
        arts = arc.engine.reader().articles([arc.engine.reader().searcher.document_number(id=r.id)
                                               for r in resp.results])
        idf = arc.engine.reader().idf()
        for r, a in zip(resp.results, arts):
            assert r.matching == len(matching_paragraphs(a.paragraphs, hl)), (q, a.id)
            shown = [(s.n, s.html) for s in r.paragraphs]
            exact = best_paragraphs(a.paragraphs, hl, idf, len(shown), _highlighter_hits(a, hl))
            assert shown == exact, (q, a.id)


def _highlighter_hits(article, hl):
    out = {}
    for n, text in enumerate(article.paragraphs, 1):
        spans, matched, phrase_hits = _marked(text, hl)
        if spans:
            out[n] = (frozenset(matched), phrase_hits)
    return out
