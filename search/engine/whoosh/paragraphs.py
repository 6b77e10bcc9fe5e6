"""Which paragraphs of the shown articles hold the query, read off the body field's positions.

A body position's paragraph is `position >> PARA_SHIFT` (search.text.analysis), the title
being the first when the article has one. So the paragraphs a term or a stemmed phrase
occurs in, and the phrase's occurrences, come from the positions of a few documents' postings,
where the highlighter would analyse every paragraph holding a probe of the query: the
"see all N paragraphs" count and the snippets' ranking of a result cost a few position reads,
and only the paragraphs shown are marked (search.query.snippets). The body's terms are the
analyzer's stems of the tokens the highlighter marks, so both agree (tests/engine/whoosh/
test_paragraphs.py compares them over IndoSum).
"""
from __future__ import annotations

from search.engine.base import ParagraphHits
from search.engine.whoosh.matching import term_positions
from search.text.analysis import PARA_SHIFT

FIELD = "body"


def paragraph_hits(reader, docs: list[int], titled: list[bool], terms: frozenset[str],
                   phrases: tuple[tuple[str, ...], ...]) -> list[ParagraphHits]:
    """Reader.paragraph_hits over Whoosh document numbers (search.engine.base)."""
    wanted = set(docs)
    words = set(terms).union(*phrases) if phrases else set(terms)
    where = {w: term_positions(reader, FIELD, w, wanted) for w in words}
    out = []
    for d, has_title in zip(docs, titled):
        shift = 0 if has_title else 1  # the title is paragraph 0: not one of the article's
        found: dict[int, tuple[set[str], list[int]]] = {}
        for t in terms:
            for p in where[t].get(d, ()):
                found.setdefault((p >> PARA_SHIFT) + shift, (set(), [0]))[0].add(t)
        for phrase in phrases:
            starts = where[phrase[0]].get(d)
            if not starts:
                continue
            later = [set(where[w].get(d, ())) for w in phrase[1:]]
            for p in starts:
                if all(p + k in at for k, at in enumerate(later, 1)):
                    roots, hits = found.setdefault((p >> PARA_SHIFT) + shift, (set(), [0]))
                    roots.update(phrase)
                    hits[0] += 1
        out.append({n: (frozenset(roots), hits[0]) for n, (roots, hits) in sorted(found.items()) if n >= 1})
    return out
