"""The canonical form of query nodes: nested groups of one kind flattened, repeats and empty
parts removed, one-child groups replaced by their child.

search.query.build makes nodes straight from the syntax, with NULL for a part that can match
nothing (a quoted stop word, a synonym of stop words) and empty groups for `()`. `simplify`
then, bottom up:
- And, Or and Alternatives take in the children of a child of their own kind (an Or keeps its
  own `scale`), keep the first of equal children (an Or's scale aside), drop NULL children,
  and give NULL when none is left and their only child when one is;
- a group holding Every of a field (a lone `*`) drops its other children of that field;
- Not of NULL is NULL; `a ANDNOT b` and `a ANDMAYBE b` are NULL without `a`, and `a` without
  `b`; `a REQUIRE b` is NULL without either.
These are the rules of Whoosh 2.7.4's `Query.normalize()`, which Kliping's queries have always
been read with, so a query means what it meant.
"""
from __future__ import annotations

from search.query import ast


class _Null:
    """The part of a query that matches nothing; never left in a simplified query."""

    __slots__ = ()

    def __repr__(self):
        return "NULL"


NULL = _Null()


def simplify(q):
    """The canonical form of `q`: a node, or NULL."""
    kind = type(q)
    if kind in (ast.And, ast.Or, ast.Alternatives):
        return _group(q)
    if kind is ast.Not:
        child = simplify(q.child)
        return NULL if child is NULL else ast.Not(child)
    if kind in (ast.AndNot, ast.AndMaybe):
        a = simplify(q.a)
        if a is NULL:
            return NULL
        b = simplify(q.b)
        return a if b is NULL else kind(a, b)
    if kind is ast.Require:
        a, b = simplify(q.a), simplify(q.b)
        return NULL if a is NULL or b is NULL else kind(a, b)
    if kind in ast.PROXIMITY:  # a part that matches nothing leaves the others
        kids = tuple(c for c in map(simplify, q.children) if c is not NULL)
        if len(kids) < 2:
            return kids[0] if kids else NULL
        return ast.Near(kids, q.distance) if kind is ast.Near else ast.SameParagraph(kids)
    return q  # leaves are made in their canonical form


def _group(q):
    kind = type(q)
    subs = []
    for c in q.children:
        c = simplify(c)
        if type(c) is kind:
            subs.extend(c.children)
        else:
            subs.append(c)
    if all(c is NULL for c in subs):
        return NULL
    if any(type(c) is ast.Every for c in subs):
        if any(type(c) is ast.Every and c.field is None for c in subs):
            return ast.Every()
        subs = _without_every_fields(subs)
    out, seen = [], set()
    for c in subs:
        key = ast.Or(c.children) if type(c) is ast.Or else c  # equal whatever their scale
        if c is not NULL and key not in seen:
            seen.add(key)
            out.append(c)
    if not out:
        return NULL
    if len(out) == 1:
        return out[0]
    if kind is ast.Alternatives:
        return ast.Alternatives(tuple(out), q.typed)
    return ast.Or(tuple(out), q.scale) if kind is ast.Or else kind(tuple(out))


def _without_every_fields(subs: list) -> list:
    """A group with Every of a field keeps the first such Every and nothing else of that field."""
    fields, kept = set(), []
    for c in subs:
        f = field_of(c)
        if f in fields:
            continue
        if type(c) is ast.Every:
            fields.add(c.field)
        kept.append(c)
    return [c for c in kept if type(c) is ast.Every or field_of(c) not in fields]


def field_of(q) -> str | None:
    """The one field a node searches, or None (several, or a negation)."""
    kind = type(q)
    if kind is ast.ExactPhrase:
        return ast.EXACT
    if kind in (ast.Term, ast.Phrase, ast.Prefix, ast.Wildcard, ast.Every):
        return q.field
    if kind in (ast.And, ast.Or, ast.Alternatives):
        fields = {field_of(c) for c in q.children}
        return fields.pop() if len(fields) == 1 else None
    if kind in (ast.AndNot, ast.AndMaybe, ast.Require):
        f = field_of(q.a)
        return f if field_of(q.b) == f else None
    return None
