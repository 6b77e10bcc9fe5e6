"""The paragraphs a query occurs in, read off the body's positions (Reader.paragraph_hits), against
the highlighter, on both engines."""
from __future__ import annotations

import itertools
from collections import Counter

import pytest

from conftest import ENGINES, new_location, require_indosum, search, seeds_and_indosum
from search.engine.base import Plan
from search.query import ast
from search.query.highlight import Highlight
from search.query.marking import marked
from search.query.snippets import best_paragraphs, highlight, indexed, matching_paragraphs
from search.settings import DEFAULT
from search.text.analysis import analyzer, join_paragraphs


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    require_indosum()
    return seeds_and_indosum(tmp_path_factory.mktemp("paragraphs"), 250)


@pytest.fixture(scope="module", params=ENGINES)
def built(request, tmp_path_factory, corpus):
    from search.engine import open_engine
    from search.query.archive import Archive

    root = new_location(request.param, request, tmp_path_factory)
    engine = open_engine(root)
    engine.build(corpus)
    engine.close()
    arc = Archive(root, DEFAULT, refresh=0)
    yield arc, corpus
    arc.close()


def _query(hl: Highlight) -> ast.Node:
    """Any of the highlight's terms and phrases, in the body."""
    parts = [ast.Term(ast.BODY, t) for t in sorted(hl.terms)] + [ast.Phrase(ast.BODY, p) for p in hl.phrases]
    return parts[0] if len(parts) == 1 else ast.Or(tuple(parts))


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
    checked = paragraphs_seen = 0
    for hl in _highlights(arts):
        assert indexed(hl)
        keys = [k for _, k in reader.search(Plan(query=_query(hl), limit=40)).top]
        assert keys, hl
        found_arts = reader.articles(keys)
        found = reader.paragraph_hits(keys, [bool(a.title) for a in found_arts], hl.terms, hl.phrases)
        for art, hits in zip(found_arts, found):
            assert hits == _highlighter_hits(art, hl), (hl, art.id)
            assert matching_paragraphs(art.paragraphs, hl, hits) == matching_paragraphs(art.paragraphs, hl)
            checked += 1
            paragraphs_seen += len(hits)
    assert checked > 800 and paragraphs_seen > 1500


def test_a_title_is_paragraph_0(built):
    """A word of a title alone is found in paragraph 0 only, and the first paragraph is
    number 1."""
    arc, arts = built
    reader = arc.engine.reader()
    an = analyzer(DEFAULT)
    titled = next(a for a in arts if a.title and join_paragraphs(a.paragraphs))
    word = next(t[0] for t in an.index_terms(titled.title)
                if not any(t[0] in {s[0] for s in an.index_terms(p)} for p in titled.paragraphs))
    key = next(k for _, k in reader.search(Plan(query=ast.Term(ast.BODY, word), limit=1000)).top
               if reader.articles([k])[0].id == titled.id)
    assert reader.paragraph_hits([key], [True], frozenset({word}), ()) == [{0: (frozenset({word}), 0)}]
    first = an.index_terms(titled.paragraphs[0])[0][0]
    assert 1 in reader.paragraph_hits([key], [True], frozenset({first}), ())[0]


def test_search_results_count_and_rank_paragraphs_as_the_highlighter_does(built):
    """Through the archive: each result's "see all N" count is the highlighter's, and its
    snippets are the best-scored paragraphs the highlighter would choose."""
    arc, _ = built
    for q in ("korupsi", "pemerintah daerah", "jokowi", "harga minyak", "korea utara", "presiden"):
        resp = search(arc, q)
        assert resp.results, q
        hl = resp.query.highlight
        assert indexed(hl)
        arts = [arc.engine.reader().article(r.id) for r in resp.results]
        idf = arc.engine.reader().idf()
        for r, a in zip(resp.results, arts):
            assert r.matching == len(matching_paragraphs(a.paragraphs, hl)), (q, a.id)
            shown = [(s.n, s.html) for s in r.paragraphs]
            exact = best_paragraphs(a.paragraphs, hl, idf, len(shown), _highlighter_hits(a, hl))
            assert shown == exact, (q, a.id)
            assert r.title_html == highlight(a.title or r.title, hl), (q, a.id)


def _highlighter_hits(article, hl):
    """What the highlighter marks, as Reader.paragraph_hits tells it (the title is 0)."""
    out = {}
    for n, text in enumerate(([article.title] if article.title else [""]) + list(article.paragraphs)):
        spans, matched, phrase_hits = marked(text, hl)
        if spans:
            out[n] = (frozenset(matched), phrase_hits)
    return out
