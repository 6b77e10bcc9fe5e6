"""Which paragraphs of the shown articles hold the query, read off the body field's positions.

A body position's paragraph is `position >> PARA_SHIFT` (search.text.analysis), the title
being paragraph 0 when the article has one. So the paragraphs a term or a stemmed phrase
occurs in, and the phrase's occurrences, come from the positions of a few documents' postings
(search.engine.spans.paragraph_hits), where the highlighter would analyse every paragraph
holding a probe of the query: the "see all N paragraphs" count and the snippets' ranking of
a result cost a few position reads, and only the paragraphs shown are marked
(search.query.snippets). The body's terms are the analyzer's stems of the tokens the
highlighter marks, so both agree (tests/engine/test_paragraphs.py compares them over IndoSum).
"""
from __future__ import annotations

from search.engine import spans
from search.engine.base import ParagraphHits
from search.engine.whoosh.matching import term_positions

FIELD = "body"


def paragraph_hits(reader, docs: list[int], titled: list[bool], terms: frozenset[str],
                   phrases: tuple[tuple[str, ...], ...]) -> list[ParagraphHits]:
    """Reader.paragraph_hits over Whoosh document numbers (search.engine.base)."""
    wanted = set(docs)
    where = {w: term_positions(reader, FIELD, w, wanted) for w in set(terms).union(*phrases)}
    return [spans.paragraph_hits({w: at.get(d, ()) for w, at in where.items()}, t, terms, phrases)
            for d, t in zip(docs, titled)]
