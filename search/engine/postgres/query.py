"""Query nodes (search.query.ast) as PostgreSQL SQL that scores: the Compiler the reader uses.

What a node matches (its tsquery; its filters and proximity nodes in SQL) is the part of
search.engine.postgres.tsquery, mixed into the Compiler; this module owns the scores.

Scoring reproduces the Whoosh engine's (search.engine.whoosh.scoring): BM25 of each term with
the settings' B and K1, Kliping's idf (search.engine.bm25) from the lexicon's document
frequencies, and Whoosh's stored lengths; a phrase scores the sum of its words; alternatives
their best; a nested OR its sum; an AND the sum of its positive parts where all are present;
each NOT at the top adds 1; a scaled OR adds the coordination bonus per clause. A prefix or a
wildcard stands for the lexicon's words it matches, the first `Limits.expansions` in byte order
(`Limits.expansions_total` for the whole query), scored as alternatives: each document by its best
word, as the Whoosh engine expands them (search.engine.whoosh.matching.expand). As there, a query
with ANDMAYBE, REQUIRE or a lone `*` gets no answer mark and no proximity bonus. A term's frequency is
read from the tsvector by `ts_rank` with equal weights, which returns sum(1/j^2) over the term's
positions divided by pi^2/6: inverted exactly for 1 to 256 positions (tested), and made of
built-in functions only, so postgres_fdw ships it to the shards with the GROUP BY of
search.engine.postgres.statement.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from search.engine.bm25 import idf as _idf
from search.engine.postgres.schema import ANSWER_MARK, TITLE_MARK
from search.engine.postgres.tsquery import Matching, lexeme, phrase_tsquery, quote, sql_literal
from search.query import ast
from search.settings import Settings

_ZETA2 = math.pi ** 2 / 6


def tf_sql(lex: str, column: str = "terms") -> str:
    """A term's frequency in a tsvector column, from ts_rank (see the module docstring); 0 if
    absent."""
    return (f"round(1.0::float8 / ({_ZETA2!r}::float8 - ts_rank('{{1,1,1,1}}'::float4[], {column}, "
            f"{sql_literal(quote(lex))}::tsquery, 0)::float8 * 1.64493406685::float8) - 0.5::float8)")


@dataclass
class Compiler(Matching):
    """Compiles one node against the lexicon's answers (document frequencies, expansions): where
    it matches (`where`, `match`: Matching) and its score (`score`, `clause`, `bm25`)."""

    settings: Settings
    docs: int  # N
    avg_length: float
    df: Callable[[str], int]
    expanded: dict[tuple[str, str, bool], list[str]] = field(default_factory=dict)
    tfs: dict[str, str] = field(default_factory=dict)  # lexeme -> column alias
    phrases: dict[str, str] = field(default_factory=dict)  # tsquery -> column alias
    capped: list[tuple[str, int]] = field(default_factory=list)  # (pattern, words searched) cut short
    avg_title: float = 1.0  # the headlines' average length (title terms)
    #: ids each proximity node holds for (search.engine.postgres.near, found by the reader first)
    sets: dict[ast.Node, list[str]] = field(default_factory=dict)
    #: a metadata field's distinct values (the reader's, cached per generation), for Field nodes
    values: Callable[[str], list[str]] = lambda name: []

    # -- scores ------------------------------------------------------------------------------
    def tf(self, lex: str) -> str:
        alias = self.tfs.get(lex)
        if alias is None:
            alias = self.tfs[lex] = f"t{len(self.tfs)}"
        return alias

    def phrase_flag(self, tsq: str) -> str:
        alias = self.phrases.get(tsq)
        if alias is None:
            alias = self.phrases[tsq] = f"p{len(self.phrases)}"
        return alias

    def bm25(self, lex: str, weight: float = 1.0) -> str:
        """BM25 of one lexeme over m's columns (0 where it is absent)."""
        s = self.settings
        idf = _idf(self.docs, self.df(lex)) * weight
        title = lex.startswith(TITLE_MARK)  # the headline's own lengths (Whoosh's `title` field)
        k0, norm, top = s.k1 * (1 - s.b), s.k1 * s.b / ((self.avg_title if title else self.avg_length) or 1.0), s.k1 + 1
        t, length = self.tf(lex), "tblen" if title else "blen"
        return f"({idf!r}::float8 * {t} * {top!r}::float8 / ({t} + {k0!r}::float8 + {norm!r}::float8 * {length}))"

    def clause(self, node: ast.Node) -> tuple[str, str]:
        """(presence, value) of a clause, as SQL over m: where it matches, and its score there
        (0 elsewhere)."""
        kind = type(node)
        if kind is ast.Term:
            lex = lexeme(node.field, node.text)
            return f"({self.tf(lex)} > 0)", self.bm25(lex)
        if kind is ast.Phrase:
            lexes = tuple(lexeme(node.field, w) for w in node.words)
            flag = self.phrase_flag(phrase_tsquery(lexes, node.slop))
            total = " + ".join(self.bm25(w) for w in lexes)
            if node.weight != 1.0:  # a variant longer than the form typed, as the Whoosh engine's boost
                total = f"({total}) * {node.weight!r}::float8"
            return flag, f"(CASE WHEN {flag} THEN {total} ELSE 0 END)"
        if kind in (ast.Prefix, ast.Wildcard):  # the words it stands for, as alternatives
            return self._union([(f"({self.tf(lex)} > 0)", self.bm25(lex)) for lex in self._expanded(node)], "max")
        if kind is ast.Alternatives:
            return self._union([self.clause(c) for c in node.children], "max")
        if kind is ast.Or:
            return self._union([self.clause(c) for c in node.children], "+")
        if kind is ast.ExactTwin:
            return self._union([self.clause(node.stem), self.clause(node.exact)], "+")
        if kind is ast.ExactPhrase:
            parts = [ast.Phrase(ast.BODY, node.stems)] + [ast.Term(ast.EXACT, f) for f in dict.fromkeys(node.forms)]
            return self._all([self.clause(p) for p in parts])
        if kind is ast.And:
            return self._all([self.clause(c) for c in node.children if not isinstance(c, ast.Not)])
        if kind in (ast.AndNot, ast.Require):
            return self.clause(node.a)
        if kind is ast.AndMaybe:
            (pa, va), (_, vb) = self.clause(node.a), self.clause(node.b)
            return pa, f"({va} + {vb})"
        if kind in (ast.Not, ast.Every):
            return "TRUE", "1.0"
        if kind in (ast.Field, ast.DateRange):  # matches, scores nothing
            return self.filter_sql(node), "0"
        if kind in ast.PROXIMITY:  # scored as the And of its parts
            presence, value = self._all([self.clause(c) for c in node.children if not isinstance(c, ast.Not)])
            where = self.where(node)
            return f"({where})", f"(CASE WHEN {where} THEN {value} ELSE 0 END)"
        raise TypeError(f"not a query node: {node!r}")

    @staticmethod
    def _union(parts: list[tuple[str, str]], how: str) -> tuple[str, str]:
        if not parts:
            return "FALSE", "0"
        presence = "(" + " OR ".join(p for p, _ in parts) + ")"
        values = [v for _, v in parts]
        value = ("GREATEST(" + ", ".join(values) + ")") if how == "max" else "(" + " + ".join(values) + ")"
        return presence, value

    @staticmethod
    def _all(parts: list[tuple[str, str]]) -> tuple[str, str]:
        if not parts:
            return "TRUE", "0"
        presence = "(" + " AND ".join(p for p, _ in parts) + ")"
        return presence, f"(CASE WHEN {presence} THEN {' + '.join(v for _, v in parts)} ELSE 0 END)"

    def score(self, node: ast.Node, answer: str | None = None) -> tuple[str, list[str]]:
        """The score of a matched document (SQL over m), and the presence of each positive
        top-level clause (the coordination bonus needs how many clauses match anywhere)."""
        if isinstance(node, ast.Not):
            return "1.0::float8", []
        if isinstance(node, (ast.And, ast.Or) + ast.PROXIMITY):  # a proximity node: its matches, scored as an And
            clauses = list(node.children)
        elif isinstance(node, ast.ExactTwin):
            clauses = [node.stem, node.exact]
        elif isinstance(node, ast.ExactPhrase):
            clauses = [ast.Phrase(ast.BODY, node.stems)] + [ast.Term(ast.EXACT, f) for f in dict.fromkeys(node.forms)]
        elif isinstance(node, (ast.AndNot, ast.Require)):
            clauses = [node.a]
        else:
            clauses = [node]
        constant = float(sum(isinstance(c, ast.Not) for c in clauses))
        parts = [self.clause(c) for c in clauses if not isinstance(c, ast.Not)]
        total = " + ".join([repr(constant)] + [v for _, v in parts])
        presences = [p for p, _ in parts]
        scale = node.scale if isinstance(node, ast.Or) else None
        if scale and len(parts) > 1:
            matching = " + ".join(f"({p})::int" for p in presences)
            # `count`: the clauses matching some document, computed over m (see the reader)
            total = (f"(CASE WHEN count_ > 1 THEN (({total}) + (({matching}) - 1) / power(count_ - {scale!r}, 2))"
                     f" * ((count_ - 1)::float8 / count_) ELSE {total} END)")
        if answer and self.settings.answer_weight:
            total = f"({total}) + {self.settings.answer_weight!r} * {self.bm25(ANSWER_MARK + answer)}"
        return f"({total})::float8", presences if scale and len(parts) > 1 else []


def bulk_scored(node: ast.Node, top: bool = True) -> bool:
    """Whether the Whoosh engine ranks this node with its bulk BM25, and so adds a question's
    answer mark and the proximity bonus (search.engine.whoosh.scoring._supported; a pattern is
    its words as alternatives). ANDMAYBE, REQUIRE and a lone `*` it leaves to Whoosh's own
    scoring, which has neither: so does this engine."""
    kind = type(node)
    if kind in (ast.Term, ast.Phrase, ast.Not, ast.Prefix, ast.Wildcard, ast.Field, ast.DateRange):
        return True
    if kind is ast.AndNot:
        return bulk_scored(node.a, False) and bulk_scored(node.b, False)
    if kind in (ast.And, ast.ExactPhrase, ast.Near, ast.SameParagraph):
        kids = ast.children(node) if kind is not ast.ExactPhrase else ()
        return kind is ast.ExactPhrase or (any(not isinstance(c, ast.Not) for c in kids)
                                           and all(bulk_scored(c, False) for c in kids))
    if kind in (ast.Or, ast.Alternatives, ast.ExactTwin):
        if kind is ast.Or and node.scale and not top:
            return False
        return all(bulk_scored(c, False) and not isinstance(c, ast.Not) for c in ast.children(node))
    return False


def proximity_words(node: ast.Node, expanded: Callable[[ast.Node], list[str]] = lambda n: []) -> list[str]:
    """The body terms whose nearness counts, as the Whoosh engine picks them: the positional
    term of each top-level clause of an AND or an OR (a word, or the first form of its exact
    twin or alternatives, or the first word a pattern stands for: `expanded(node)`)."""
    words: dict[str, None] = {}
    if isinstance(node, (ast.And, ast.Or) + ast.PROXIMITY):
        clauses = node.children
    elif isinstance(node, ast.ExactTwin):
        clauses = (node.stem, node.exact)
    elif isinstance(node, ast.ExactPhrase):
        clauses = (ast.Phrase(ast.BODY, node.stems),)
    else:
        clauses = ()
    for c in clauses:
        while isinstance(c, (ast.Or, ast.Alternatives, ast.ExactTwin)):
            kids = ast.children(c)
            if not kids:
                break
            c = kids[0]
        if isinstance(c, (ast.Prefix, ast.Wildcard)) and c.field == ast.BODY and expanded(c):
            c = ast.Term(ast.BODY, expanded(c)[0])
        if isinstance(c, ast.Term) and c.field == ast.BODY:
            words[c.text] = None
    return list(words)
