"""Fuzzy words resolved against an archive's lexicon, between reading a query and running it.

`sanski~` reads as a Fuzzy node (search.query.ast); here it becomes the Alternatives of the
stems of the written words within its edits that the reader knows (Reader.similar_words, the
nearest and most frequent first, at most `fuzzy_max_terms`), the word itself included when the
archive holds it. The reading keeps saying `sanski~1`, its "Juga dicari" lists the words found,
and the highlight marks them. A fuzzy word that finds no word matches nothing.
"""
from __future__ import annotations

from dataclasses import replace

from search.engine.base import Reader
from search.query import ast
from search.query.highlight import highlight_of
from search.query.parse import ParsedQuery
from search.query.simplify import NULL, simplify
from search.settings import Settings
from search.text.analysis import analyzer


def has_fuzzy(node) -> bool:
    return any(type(n) is ast.Fuzzy for n in ast.leaves(node)) if node is not None else False


def resolve(parsed: ParsedQuery, reader: Reader, settings: Settings) -> ParsedQuery:
    """The reading with every Fuzzy node replaced by the words it stands for."""
    if not has_fuzzy(parsed.query):
        return parsed
    stem = analyzer(settings).stem
    found: dict[ast.Fuzzy, tuple[str, ...]] = {}

    def words(f: ast.Fuzzy) -> tuple[str, ...]:
        if f not in found:
            near = [w for w, _d, _n in reader.similar_words(f.text, f.distance, settings.fuzzy_max_terms)]
            own = [f.text] if reader.word_frequency(f.text) else []
            found[f] = tuple(dict.fromkeys(own + near))[:settings.fuzzy_max_terms]
        return found[f]

    def walk(node):
        if type(node) is ast.Fuzzy:
            stems = tuple(dict.fromkeys(stem(w) for w in words(node)))
            if not stems:
                return ast.Term(ast.EXACT, node.text)  # not in the archive: matches nothing
            terms = tuple(ast.Term(ast.BODY, s) for s in stems)
            return ast.Alternatives(terms, f"{node.text}~{node.distance}") if len(terms) > 1 else \
                ast.Term(ast.BODY, stems[0], typed=f"{node.text}~{node.distance}")
        return ast.rebuild(node, walk)

    q = simplify(walk(parsed.query))
    q = None if q is NULL else q
    expansions = parsed.expansions + tuple((f"{f.text}~{f.distance}", w) for f, w in found.items() if w)
    return replace(parsed, query=q, expansions=expansions,
                   highlight=highlight_of(q, settings.stemmer) if q is not None else parsed.highlight)
