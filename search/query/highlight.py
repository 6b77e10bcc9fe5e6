"""What a query marks in a snippet (search.query.snippets): `Highlight`, read off query nodes.

Negated parts mark nothing (NOT, and the right side of ANDNOT); every other term, phrase,
prefix and pattern does, a written form (EXACT) only as written.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from search.query import ast
from search.settings import DEFAULT


@dataclass(frozen=True)
class Highlight:
    """What a snippet marks: stemmed terms and phrases, prefixes, and exact (unstemmed) terms
    and phrases, which only mark the very form written."""

    terms: frozenset[str] = frozenset()
    phrases: tuple[tuple[str, ...], ...] = ()
    prefixes: tuple[str, ...] = ()
    exact_terms: frozenset[str] = frozenset()
    exact_phrases: tuple[tuple[str, ...], ...] = ()
    patterns: tuple[str, ...] = ()  # wildcard terms such as `s?nksi`, matched whole
    stemmer: str = field(default_factory=lambda: DEFAULT.stemmer)  # whose stems the terms are

    def __bool__(self) -> bool:
        return bool(self.terms or self.phrases or self.prefixes or self.exact_terms or self.exact_phrases
                    or self.patterns)


def highlight_of(q: ast.Node, stemmer: str) -> Highlight:
    terms, phrases, prefixes, exact_terms, exact_phrases, patterns = set(), [], [], set(), [], []

    def walk(node):
        kind = type(node)
        if kind is ast.Not:
            return
        if kind is ast.AndNot:
            walk(node.a)
            return
        if kind is ast.ExactPhrase:
            exact_phrases.append(node.forms)
        elif kind is ast.Phrase:
            (exact_phrases if node.field == ast.EXACT else phrases).append(node.words)
        elif kind is ast.Prefix:
            prefixes.append(node.text)
        elif kind is ast.Term:
            if node.field != ast.ANSWER:
                (exact_terms if node.field == ast.EXACT else terms).add(node.text)
        elif kind is ast.Wildcard:
            patterns.append(node.pattern)
        else:
            for child in ast.children(node):
                walk(child)

    walk(q)
    return Highlight(frozenset(terms), tuple(dict.fromkeys(phrases)), tuple(p for p in prefixes if p),
                     frozenset(exact_terms), tuple(dict.fromkeys(exact_phrases)),
                     tuple(dict.fromkeys(patterns)), stemmer)
