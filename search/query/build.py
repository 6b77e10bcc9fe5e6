"""From a syntax tree (search.query.syntax) to query nodes (search.query.ast): the meaning.

- a word is analysed by the shared analyzer into its index terms: none (a stop word), one
  (a Term that keeps the word as typed), or several (`sanksi/PBB`: all of them in an ALL
  query, any of them in a ranked one);
- a quoted phrase reads the written forms: no form, one form (a Term of EXACT) or an
  ExactPhrase; with `exact` (the "exact words" option) every word reads EXACT too;
- a wildcard word keeps its marks (lowercased, and stemmed in BODY): a lone `*` is Every of
  the field, a word without marks a Term, one `*` at the end a Prefix, else a Wildcard;
- a synonym slot reads as its match's forms (`expansion`);
- groups and operators become And, Or (`scale` for the ranked top level and its brackets),
  Not, AndNot, AndMaybe and Require.
The result is then put in its canonical form by search.query.simplify.
"""
from __future__ import annotations

from search.query import ast
from search.query.simplify import NULL, simplify
from search.query.syntax import ALL, ANY, Group, Op, Slot, Text
from search.text import synonyms
from search.text.analysis import Analyzer

_BINARY = {"andnot": ast.AndNot, "andmaybe": ast.AndMaybe, "require": ast.Require}


def build(top: Group, exact: bool, an: Analyzer, matches=(), scale: float | None = None):
    """The query nodes of a syntax tree, simplified; None when nothing is left to search."""
    q = _Builder(exact, an, matches, scale, top.kind).node(top)
    q = simplify(q) if q is not None else NULL
    return None if q is NULL else q


def _form(form: str, field: str, an: Analyzer):
    """One written form (of a synonym group) as a Term, a phrase, or None (stop words only)."""
    words = tuple(t.text for t in an.tokens(form, stem=field == ast.BODY))
    if not words:
        return None
    if len(words) == 1:
        return ast.Term(field, words[0])
    return ast.ExactPhrase(words, tuple(map(an.stem, words))) if field == ast.EXACT else ast.Phrase(field, words)


def expansion(m: synonyms.Match, an: Analyzer, field: str = ast.BODY):
    """One match as Alternatives of its forms (multi-word forms as phrases), plus the And of its
    parts' own expansions: the forms of one word count once, so a document saying both `AS`
    and `Amerika Serikat` is not counted twice. None if no form has a word to search."""
    alts = [_form(f, field, an) for f in (m.typed,) + m.alternatives]
    if m.parts:
        parts = [expansion(p, an, field) if p else _form(t, field, an) for t, p in m.parts]
        parts = [q for q in parts if q is not None]
        if parts:
            alts.append(ast.And(tuple(parts)) if len(parts) > 1 else parts[0])
    alts = [q for q in alts if q is not None]
    return ast.Alternatives(tuple(alts)) if len(alts) > 1 else (alts[0] if alts else None)


def _untyped(q):
    return ast.Term(q.field, q.text) if type(q) is ast.Term else q


def _truthy(q) -> bool:
    """Whether a group's operand counts: an empty And/Or does not (a wrapped `()`)."""
    return q is not None and not (isinstance(q, ast.COMPOUNDS) and not q.children)


class _Builder:
    def __init__(self, exact: bool, an: Analyzer, matches, scale: float | None, kind: str):
        self.field = ast.EXACT if exact else ast.BODY
        self.an, self.matches, self.scale = an, matches, scale
        self.several = ast.And if kind == ALL else ast.Or  # the terms of one word

    def node(self, n):
        if isinstance(n, Text):
            return getattr(self, n.kind)(n)
        if isinstance(n, Group):
            return self.group(n)
        if isinstance(n, Slot):
            m = expansion(self.matches[n.index], self.an, self.field)
            return NULL if m is None else m
        assert isinstance(n, Op)
        return None  # not reached: every operator binds or is dropped (search.query.syntax)

    def group(self, g: Group):
        kind = g.kind
        if kind == "not":
            q = self.node(g.nodes[0]) if g.nodes else None  # `NOT ANDNOT x`: nothing to negate
            return ast.Not(q) if _truthy(q) else None
        if kind in _BINARY:
            # Two operands, unless an operator beside it was dropped (`a ANDNOT ANDMAYBE b`).
            a, b = ([self.node(n) for n in g.nodes[:2]] + [None, None])[:2]
            if a is None and b is None:
                return NULL
            if a is None or b is None:  # the operator joins nothing: the other side alone,
                return _untyped(b if a is None else a)  # read as more than a typed word (no exact twin)
            return _BINARY[kind](a, b)
        children = tuple(q for q in map(self.node, g.nodes) if q is not None)
        if kind == ANY:
            return ast.Or(children, self.scale)
        return ast.Or(children) if kind == "or" else ast.And(children)

    def word(self, n: Text):
        field = self.field
        terms = list(self.an.tokens(n.text, stem=field == ast.BODY))
        if not terms:
            return None
        if len(terms) == 1:
            return ast.Term(field, terms[0].text, typed=terms[0].surface)
        return self.several(tuple(ast.Term(field, t.text) for t in terms))

    def quote(self, n: Text):
        forms = tuple(t.text for t in self.an.tokens(n.text, stem=False))
        if not forms:
            return NULL
        if len(forms) == 1:
            return ast.Term(ast.EXACT, forms[0], typed=forms[0])
        return ast.ExactPhrase(forms, tuple(map(self.an.stem, forms)), n.slop)

    def _pattern(self, text: str) -> str:
        text = text.lower()
        return self.an.stem(text) if self.field == ast.BODY else text

    def prefix(self, n: Text):
        return ast.Prefix(self.field, self._pattern(n.text))

    def wild(self, n: Text):
        text = self._pattern(n.text)
        if text == "*":
            return ast.Every(self.field)
        if "*" not in text and "?" not in text:
            return ast.Term(self.field, text)
        if "?" not in text and text.find("*") == len(text) - 1:
            return ast.Prefix(self.field, text[:-1])
        return ast.Wildcard(self.field, text)
