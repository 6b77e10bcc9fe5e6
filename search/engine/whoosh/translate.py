"""Query nodes (search.query.ast) as Whoosh queries: the only place a query becomes Whoosh's.

`to_whoosh` maps node for node: Term, Phrase, Prefix, Wildcard, And, Not, AndNot, AndMaybe,
Require and Every to Whoosh's own; Or to Or (with its `scale`, the coordination bonus);
Alternatives to DisjunctionMax; and the two nodes Whoosh has no word for to the classes here:
ExactPhrase (the phrase of the stems in `body` AND each written form in `exact`, which has no
positions: search.engine.whoosh.schema) and ExactTwin (an Or of a stem and its written form);
Near and SameParagraph to search.engine.whoosh.near's; the filters Field and DateRange to a
DocSet of the documents `resolve` gives for them (the reader's facet table). Fuzzy words are
resolved above the seam and never reach an engine.
search.engine.whoosh.matching and .scoring read these queries.
"""
from __future__ import annotations

from whoosh import query as wq

from search.engine.whoosh import near
from search.query import ast


class ExactPhrase(wq.And):
    """A phrase of exact forms: the stemmed phrase in `body` AND every written form in `exact`."""

    def __init__(self, forms, stems, boost: float = 1.0, slop: int = 1):
        self.words, self.slop = tuple(forms), slop
        super().__init__([wq.Phrase(ast.BODY, list(stems), slop=slop)]
                         + [wq.Term(ast.EXACT, w) for w in dict.fromkeys(self.words)], boost=boost)

    def normalize(self):
        return self

    def __eq__(self, other):
        return isinstance(other, ExactPhrase) and self.words == other.words and self.boost == other.boost \
            and getattr(self, "slop", 1) == getattr(other, "slop", 1)

    def __hash__(self):
        return hash((ExactPhrase, self.words, getattr(self, "slop", 1)))

    def __repr__(self):
        slop = getattr(self, "slop", 1)
        return f"ExactPhrase({list(self.words)!r}{f', slop={slop}' if slop != 1 else ''})"


class ExactTwin(wq.Or):
    """A word's stem in `body` OR its written form in `exact` (read as the stem alone).

    `kliping_cover`, set by `cover_twins`, is the stem's term when every document holding the
    written form holds the stem: search.engine.whoosh.matching then reads only the stem's
    postings to match it (scoring still reads both)."""

    kliping_cover = None


def cover_twins(q: wq.Query, stem) -> wq.Query:
    """Marks each ExactTwin of `q` (made by `to_whoosh`, not shared) whose written form stems to
    its stem (`stem`: the index's stemmer): both fields hold the same words at the same
    positions, `body` each one's stem (search.engine.whoosh.build), so a document holding the
    form holds its stem."""
    if isinstance(q, ExactTwin) and len(q.subqueries) == 2:
        st, ex = q.subqueries
        if isinstance(st, wq.Term) and isinstance(ex, wq.Term) and st.fieldname == ast.BODY \
                and ex.fieldname == ast.EXACT and stem(ex.text) == st.text:
            q.kliping_cover = st
        return q
    for c in q.children():
        cover_twins(c, stem)
    return q


def to_whoosh(node: ast.Node, resolve=None) -> wq.Query:
    """The Whoosh query of a node; `resolve(filter node)` gives a filter's documents (a filter
    without it matches nothing)."""
    kind = type(node)
    if resolve is not None or kind in ast.FILTERS:
        return _Translator(resolve).query(node)
    return _translate(node, to_whoosh)


class _Translator:
    def __init__(self, resolve):
        self.resolve = resolve

    def query(self, node):
        if isinstance(node, ast.FILTERS):
            return near.DocSet(node, frozenset(self.resolve(node)) if self.resolve else frozenset())
        return _translate(node, self.query)


def _translate(node: ast.Node, sub) -> wq.Query:
    kind = type(node)
    to_whoosh = sub  # children through the same translation (and resolver)
    if kind is ast.Term:
        return wq.Term(node.field, node.text)
    if kind is ast.And:
        return wq.And([to_whoosh(c) for c in node.children])
    if kind is ast.Or:
        return wq.Or([to_whoosh(c) for c in node.children], scale=node.scale)
    if kind is ast.Alternatives:
        return wq.DisjunctionMax([to_whoosh(c) for c in node.children])
    if kind is ast.ExactTwin:
        return ExactTwin([to_whoosh(node.stem), to_whoosh(node.exact)])
    if kind is ast.ExactPhrase:
        return ExactPhrase(node.forms, node.stems, slop=node.slop)
    if kind is ast.Near:
        return near.Near([to_whoosh(c) for c in node.children], node.distance)
    if kind is ast.SameParagraph:
        return near.SameParagraph([to_whoosh(c) for c in node.children])
    if kind is ast.Phrase:
        return wq.Phrase(node.field, list(node.words), slop=node.slop, boost=node.weight)
    if kind is ast.Not:
        return wq.Not(to_whoosh(node.child))
    if kind is ast.Prefix:
        return wq.Prefix(node.field, node.text)
    if kind is ast.Wildcard:
        return wq.Wildcard(node.field, node.pattern)
    if kind in _BINARY:
        return _BINARY[kind](to_whoosh(node.a), to_whoosh(node.b))
    if kind is ast.Every:
        return wq.Every(node.field)
    if kind is ast.Fuzzy:  # not resolved above the seam (search.query.archive does): the word as typed
        return wq.Term(ast.EXACT, node.text)
    raise TypeError(f"not a query node: {node!r}")


_BINARY = {ast.AndNot: wq.AndNot, ast.AndMaybe: wq.AndMaybe, ast.Require: wq.Require}
