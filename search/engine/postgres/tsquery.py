"""Which documents a query node (search.query.ast) matches on the PostgreSQL engine, as SQL.

A node becomes one `tsquery` over the `terms` column (search.engine.postgres.schema), answered
by the GIN index of each shard: a term is its lexeme, a phrase `a <-> b`, a prefix or wildcard
the OR of the lexicon's terms it expands to, NOT `!`, AND `&`, OR `|`. `a REQUIRE b` matches as
`a ANDNOT b`, and `a ANDMAYBE b` as `a`, as Whoosh 2.7.4 reads them. A node holding a metadata
filter or a proximity node is matched in SQL instead (`where`): the filters as conditions on
the documents' columns, each proximity node as the ids found for it (search.engine.postgres.near).
Also the SQL text helpers the scoring SQL (search.engine.postgres.query) and the reader share.
"""
from __future__ import annotations

from collections.abc import Iterable
from itertools import product

from search.engine.postgres.schema import ANSWER_MARK, EXACT_MARK, TITLE_MARK
from search.query import ast
from search.query.fields import value_matches

TRUE, FALSE = "TRUE", "FALSE"  # a node that matches every document, or none
MAX_SLOP_FORMS = 64  # a sloppy phrase is matched as at most this many exact-distance phrases
FIELD_MARK = {ast.BODY: "", ast.EXACT: EXACT_MARK, ast.ANSWER: ANSWER_MARK, ast.TITLE: TITLE_MARK}
#: metadata fields (search.query.fields.META) -> docs column; a plural name is an array
FIELD_COLUMNS = {"outlet": "outlet", "source": "source", "author": "authors", "editor": "editors", "tag": "tags"}


def lexeme(field_name: str, text: str) -> str:
    return FIELD_MARK[field_name] + text


def quote(lex: str) -> str:
    return "'" + lex.replace("\\", "\\\\").replace("'", "''") + "'"


def sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def as_typed(node: ast.Node | None) -> ast.Node | None:
    """The node with each fuzzy word not resolved above the seam (search.query.resolve; a
    did-you-mean check runs one) read as the word as typed, as the Whoosh engine reads it."""
    if node is None or not any(type(n) is ast.Fuzzy for n in ast.leaves(node)):
        return node
    if type(node) is ast.Fuzzy:
        return ast.Term(ast.EXACT, node.text)
    return ast.rebuild(node, as_typed)


def text_array(values) -> str:
    """A text[] literal of `values` (possibly none)."""
    return "ARRAY[" + ", ".join(map(sql_literal, values)) + "]::text[]"


def expansions(node: ast.Node) -> list[tuple[str, str, bool]]:
    """(field, pattern, is_prefix) of every prefix and wildcard of a node: what to look up in
    the lexicon before compiling."""
    return [(n.field, n.text if isinstance(n, ast.Prefix) else n.pattern, isinstance(n, ast.Prefix))
            for n in ast.leaves(node) if isinstance(n, (ast.Prefix, ast.Wildcard))]


def like_pattern(field_name: str, pattern: str, is_prefix: bool) -> str:
    """The LIKE pattern of a prefix or a Whoosh glob (`*` any run, `?` one character)."""
    esc = pattern.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    if is_prefix:
        return FIELD_MARK[field_name] + esc + "%"
    return FIELD_MARK[field_name] + esc.replace("*", "%").replace("?", "_")


def special(node: ast.Node) -> bool:
    """Whether a node holds a filter or a proximity node (matched in SQL, not by a tsquery)."""
    return isinstance(node, ast.FILTERS + ast.PROXIMITY) or any(special(c) for c in ast.children(node))


def _sql_and(parts: Iterable[str]) -> str:
    parts = [p for p in parts if p != TRUE]
    if FALSE in parts:
        return FALSE
    return TRUE if not parts else parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"


def _sql_or(parts: Iterable[str]) -> str:
    parts = [p for p in parts if p != FALSE]
    if TRUE in parts:
        return TRUE
    return FALSE if not parts else parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"


def _sql_not(part: str) -> str:
    return FALSE if part == TRUE else TRUE if part == FALSE else f"(NOT {part})"


# -- the tsquery's operators ---------------------------------------------------------------------
def _conj(parts: Iterable[str]) -> str:
    parts = [p for p in parts if p != TRUE]
    if FALSE in parts:
        return FALSE
    if not parts:
        return TRUE
    return parts[0] if len(parts) == 1 else "(" + " & ".join(parts) + ")"


def _disj(parts: Iterable[str]) -> str:
    parts = [p for p in parts if p != FALSE]
    if TRUE in parts:
        return TRUE
    if not parts:
        return FALSE
    return parts[0] if len(parts) == 1 else "(" + " | ".join(parts) + ")"


def _neg(part: str) -> str:
    return FALSE if part == TRUE else TRUE if part == FALSE else f"!{part}"


def phrase_tsquery(words: tuple[str, ...], slop: int = 1) -> str:
    """Stems side by side (`a <-> b`); with a slop, each next word 1 to `slop` positions on
    (Whoosh's ordered SpanNear), as the OR of exact distances while they are few."""
    if len(words) == 1:
        return quote(words[0])
    if slop <= 1:
        return "(" + " <-> ".join(map(quote, words)) + ")"
    gaps = list(product(range(1, slop + 1), repeat=len(words) - 1))
    if len(gaps) > MAX_SLOP_FORMS:  # too many forms: every word, in any order
        return _conj(map(quote, words))
    forms = []
    for gap in gaps:
        s = quote(words[0])
        for g, w in zip(gap, words[1:]):
            s += f" <{g}> {quote(w)}"
        forms.append("(" + s + ")")
    return _disj(forms)


class Matching:
    """Where a node matches: mixed into search.engine.postgres.query's Compiler, whose
    `expanded` (each pattern's lexemes), `sets` (each proximity node's ids) and `values` (a
    metadata field's distinct values) it reads."""

    # -- SQL over the docs table (and over m: the same columns) ----------------------------
    def where(self, node: ast.Node) -> str:
        """Where a node matches, as SQL: its tsquery on the GIN index, combined in SQL with
        the filters (Field, DateRange) and proximity nodes' id sets it holds."""
        if not special(node):
            tsq = self.match(node)
            return tsq if tsq in (TRUE, FALSE) else f"terms @@ {sql_literal(tsq)}::tsquery"
        kind = type(node)
        if kind in (ast.Field, ast.DateRange):
            return self.filter_sql(node)
        if kind in ast.PROXIMITY:
            ids = self.sets.get(node, [])
            return f"id = ANY(ARRAY[{', '.join(map(sql_literal, ids))}]::text[])" if ids else FALSE
        if kind is ast.And:
            return _sql_and(_sql_not(self.where(c.child)) if isinstance(c, ast.Not) else self.where(c)
                            for c in node.children)
        if kind in (ast.Or, ast.Alternatives):
            return _sql_or(self.where(c) for c in node.children)
        if kind is ast.ExactTwin:
            return _sql_or([self.where(node.stem), self.where(node.exact)])
        if kind is ast.Not:
            return _sql_not(self.where(node.child))
        if kind in (ast.AndNot, ast.Require):
            return _sql_and([self.where(node.a), _sql_not(self.where(node.b))])
        if kind is ast.AndMaybe:
            return self.where(node.a)
        raise TypeError(f"not a query node: {node!r}")

    def filter_sql(self, node: ast.Field | ast.DateRange) -> str:
        """A metadata filter as SQL (search.query.fields' rule: the values holding every typed
        word, found among the field's distinct values)."""
        if isinstance(node, ast.DateRange):
            span = ["day IS NOT NULL"] + [f"day >= {sql_literal(node.lo)}"] * bool(node.lo) \
                + [f"day <= {sql_literal(node.hi)}"] * bool(node.hi)
            return "(" + " AND ".join(span) + ")"
        column = FIELD_COLUMNS.get(node.name)
        if column is None:
            return FALSE
        found = [v for v in self.values(node.name) if value_matches(node.value, v)]
        if not found:
            return FALSE
        arr = "ARRAY[" + ", ".join(map(sql_literal, found)) + "]::text[]"
        return f"({column} && {arr})" if column.endswith("s") else f"({column} = ANY({arr}))"

    # -- the tsquery -------------------------------------------------------------------------
    def match(self, node: ast.Node) -> str:
        kind = type(node)
        if kind is ast.Term:
            return quote(lexeme(node.field, node.text))
        if kind is ast.Phrase:
            return phrase_tsquery(tuple(lexeme(node.field, w) for w in node.words), node.slop)
        if kind is ast.ExactPhrase:
            return _conj([phrase_tsquery(node.stems)]
                         + [quote(EXACT_MARK + f) for f in dict.fromkeys(node.forms)])
        if kind in (ast.Prefix, ast.Wildcard):
            return _disj(quote(lex) for lex in self._expanded(node))
        if kind is ast.And:
            return _conj(_neg(self.match(c.child)) if isinstance(c, ast.Not) else self.match(c)
                         for c in node.children)
        if kind in (ast.Or, ast.Alternatives):
            return _disj(self.match(c) for c in node.children)
        if kind is ast.ExactTwin:
            return _disj([self.match(node.stem), self.match(node.exact)])
        if kind is ast.Not:
            return _neg(self.match(node.child))
        if kind in (ast.AndNot, ast.Require):
            return _conj([self.match(node.a), _neg(self.match(node.b))])
        if kind is ast.AndMaybe:
            return self.match(node.a)
        if kind is ast.Every:
            if node.field in (ast.EXACT, ast.ANSWER, ast.TITLE):
                return quote(FIELD_MARK[node.field]) + ":*"
            return TRUE
        if special(node):
            raise TypeError(f"a filter or proximity node has no tsquery (use where): {node!r}")
        raise TypeError(f"not a query node: {node!r}")

    def _expanded(self, node) -> list[str]:
        key = expansions(node)[0]
        return self.expanded.get(key, [])

    def expanded_of(self, node: ast.Node) -> list[str]:
        """The lexemes a prefix or wildcard node stands for."""
        return self._expanded(node)
