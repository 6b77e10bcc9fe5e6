"""`a w/5 b` and `a SEPARAGRAF b` on the PostgreSQL engine: their documents, by positions.

A tsquery has no "within N positions, either order" and no paragraphs, so a proximity node is
answered in two steps, as the Whoosh engine's (search.engine.whoosh.near) does: the documents
holding all its parts (one statement on the GIN index, `Compiler.where` of their And), then,
in Python, the positions of their body terms, read back in Kliping's numbering (search.engine.
postgres.schema.unpack), narrowed by the same rule: each part's occurrences are spans (a word is
one position, a phrase its first to last), two parts are near when a span of one is within
`distance` positions of a span of the other, and in one paragraph when their spans share
`position >> PARA_SHIFT`. Parts without positions (a written form, a filter) do not narrow.
The reader then matches the node as the set of those ids (`Compiler.sets`). The same
positions tell the snippets which paragraphs of a result hold the query (`paragraph_hits`).
"""
from __future__ import annotations

from collections.abc import Callable, Hashable

from search.engine import spans as spans_of
from search.engine.base import ParagraphHits
from search.engine.postgres.schema import MAX_POSITION, MAX_POSITIONS, unpack
from search.query import ast

MAX_EXPANSION = 200  # words of a prefix or pattern whose positions a part reads (as Whoosh's)

Spans = dict[str, list[tuple[int, int]]]  # id -> (first, last) occurrences


def body_lexemes(node: ast.Node, expanded: Callable[[ast.Node], list[str]]) -> set[str]:
    """The body lexemes whose positions the parts of a proximity node need."""
    out: set[str] = set()
    for leaf in ast.leaves(node):
        if isinstance(leaf, ast.Term) and leaf.field == ast.BODY:
            out.add(leaf.text)
        elif isinstance(leaf, ast.Phrase) and leaf.field == ast.BODY:
            out.update(leaf.words)
        elif isinstance(leaf, ast.ExactPhrase):
            out.update(leaf.stems)
        elif isinstance(leaf, (ast.Prefix, ast.Wildcard)) and leaf.field == ast.BODY:
            out.update(expanded(leaf)[:MAX_EXPANSION])
    return out


def positions_of(rows) -> dict[str, dict[str, list[int]]]:
    """id -> lexeme -> Kliping positions, from rows (id, paras, lexeme, packed positions);
    every candidate id is a key, with or without positions."""
    out: dict[str, dict[str, list[int]]] = {}
    for key, starts, lex, packed in rows:
        found = out.setdefault(key, {})
        if lex is not None:
            found[lex] = sorted(unpack(p, starts) for p in packed)
    return out


def spans(node: ast.Node, pos: dict[str, dict[str, list[int]]],
          expanded: Callable[[ast.Node], list[str]]) -> Spans:
    """id -> the occurrences of one part in `body` (search.engine.whoosh.near.operand_spans)."""
    out: Spans = {}

    def add(found: Spans) -> None:
        for d, s in found.items():
            out.setdefault(d, []).extend(s)

    kind = type(node)
    if kind is ast.Term:
        if node.field == ast.BODY:
            add({d: [(p, p) for p in ps[node.text]] for d, ps in pos.items() if ps.get(node.text)})
    elif kind is ast.Phrase:
        if node.field == ast.BODY:
            add(_phrase_spans(node.words, node.slop, pos))
    elif kind is ast.ExactPhrase:
        add(_phrase_spans(node.stems, node.slop, pos))
    elif kind in (ast.Prefix, ast.Wildcard):
        if node.field == ast.BODY:
            for lex in expanded(node)[:MAX_EXPANSION]:
                add({d: [(p, p) for p in ps[lex]] for d, ps in pos.items() if ps.get(lex)})
    elif kind in (ast.Not, ast.Field, ast.DateRange, ast.Every):
        return {}
    elif kind in (ast.AndNot, ast.Require, ast.AndMaybe):
        add(spans(node.a, pos, expanded))
    else:
        for c in ast.children(node):
            add(spans(c, pos, expanded))
    return out


def _phrase_spans(words: tuple[str, ...], slop: int, pos) -> Spans:
    out: Spans = {}
    for d, ps in pos.items():
        lists = [ps.get(w) for w in words]
        if not all(lists):
            continue
        found = spans_of.phrase(lists, slop)
        if found:
            out[d] = found
    return out


def holds(node: ast.Near | ast.SameParagraph, parts: list[list[tuple[int, int]] | None]) -> bool:
    """Whether one document's parts' spans satisfy the node (None: a part without positions)."""
    if isinstance(node, ast.Near):
        return spans_of.near(parts, node.distance)
    return spans_of.same_paragraph(parts)


def kept(node: ast.Near | ast.SameParagraph, pos: dict[str, dict[str, list[int]]],
         expanded: Callable[[ast.Node], list[str]]) -> list[str]:
    """The candidates (keys of `pos`) the node holds for."""
    per_part = [spans(c, pos, expanded) for c in node.children]
    return sorted(d for d in pos if holds(node, [s.get(d) for s in per_part]))


def paragraph_hits(rows, keys: list[Hashable], titled: list[bool], terms: frozenset[str],
                   phrases: tuple[tuple[str, ...], ...]) -> list[ParagraphHits | None]:
    """Reader.paragraph_hits from rows (id, paras, body lexeme, packed positions) of the keys;
    an article where a lexeme met the tsvector's bounds (its positions cut, see
    search.engine.postgres.schema.tsvector_text) is left to the highlighter (None)."""
    cut = {r[0] for r in rows if r[3] and (len(r[3]) >= MAX_POSITIONS or max(r[3]) >= MAX_POSITION)}
    pos = positions_of(rows)
    return [None if k in cut else spans_of.paragraph_hits(pos.get(k, {}), t, terms, phrases)
            for k, t in zip(keys, titled)]
