"""Query nodes as the SQL that says which documents match on the PostgreSQL engine
(search.engine.postgres.tsquery): the tsquery's operators, filters and proximity nodes in SQL,
and the text helpers. SQL text only: no server (tests/engine/postgres/test_engine.py runs it
against the Whoosh engine's answers)."""
from __future__ import annotations

import pytest

from search.engine.postgres.query import Compiler
from search.engine.postgres.tsquery import (
    FALSE,
    TRUE,
    as_typed,
    expansions,
    like_pattern,
    phrase_tsquery,
    quote,
    special,
    sql_literal,
    text_array,
)
from search.query import ast
from search.settings import DEFAULT

SANKSI, PBB = ast.Term(ast.BODY, "sanksi"), ast.Term(ast.BODY, "pbb")


def compiler(**kw) -> Compiler:
    return Compiler(DEFAULT, 10, 5.0, lambda lex: 1, **kw)


@pytest.mark.parametrize("node, tsq", [
    (SANKSI, "'sanksi'"),
    (ast.Term(ast.EXACT, "o'k"), "'=o''k'"),
    (ast.And((SANKSI, ast.Not(PBB))), "('sanksi' & !'pbb')"),
    (ast.Or((SANKSI, PBB)), "('sanksi' | 'pbb')"),
    (ast.AndNot(SANKSI, PBB), "('sanksi' & !'pbb')"),
    (ast.Require(SANKSI, PBB), "('sanksi' & !'pbb')"),  # as Whoosh 2.7.4 reads it
    (ast.AndMaybe(SANKSI, PBB), "'sanksi'"),
    (ast.Phrase(ast.TITLE, ("sanksi", "pbb")), "('^sanksi' <-> '^pbb')"),
    (ast.ExactPhrase(("Sanksi", "PBB", "Sanksi"), ("sanksi", "pbb")), "(('sanksi' <-> 'pbb') & '=Sanksi' & '=PBB')"),
    (ast.Every(ast.EXACT), "'=':*"),
    (ast.Every(), TRUE),
    (ast.And((SANKSI, ast.Every())), "'sanksi'"),
])
def test_a_node_is_one_tsquery(node, tsq):
    assert compiler().match(node) == tsq


def test_a_pattern_is_the_or_of_the_lexemes_it_expands_to():
    node = ast.Prefix(ast.BODY, "sank")
    assert expansions(node) == [(ast.BODY, "sank", True)]
    comp = compiler(expanded={(ast.BODY, "sank", True): ["sanksi", "sanksikan"]})
    assert comp.match(node) == "('sanksi' | 'sanksikan')"
    assert comp.expanded_of(node) == ["sanksi", "sanksikan"]
    assert compiler().match(node) == FALSE  # expands to nothing: matches nothing
    assert compiler().where(ast.And((SANKSI, node))) == FALSE


def test_sloppy_phrases_are_the_or_of_exact_distances_while_they_are_few():
    assert phrase_tsquery(("a",), 3) == "'a'"
    assert phrase_tsquery(("a", "b", "c"), 2) == ("(('a' <1> 'b' <1> 'c') | ('a' <1> 'b' <2> 'c') | "
                                                  "('a' <2> 'b' <1> 'c') | ('a' <2> 'b' <2> 'c'))")
    assert phrase_tsquery(("a", "b", "c", "d"), 5) == "('a' & 'b' & 'c' & 'd')"  # 125 forms: every word


def test_filters_and_proximity_nodes_are_matched_in_sql():
    comp = compiler(values=lambda name: {"outlet": ["Kontan", "Tempo"], "tag": ["ekonomi makro"]}.get(name, []))
    near = ast.Near((SANKSI, PBB), 5)
    assert special(ast.And((SANKSI, near))) and not special(ast.And((SANKSI, PBB)))
    assert comp.where(ast.And((SANKSI, ast.Field("outlet", "kontan")))) == \
        "(terms @@ '''sanksi'''::tsquery AND (outlet = ANY(ARRAY['Kontan']::text[])))"
    assert comp.where(ast.Field("tag", "makro")) == "(tags && ARRAY['ekonomi makro']::text[])"
    assert comp.where(ast.Field("outlet", "kompas")) == FALSE
    assert comp.where(ast.And((ast.DateRange(lo="2024-06-01"), ast.Not(ast.Field("outlet", "tempo"))))) == \
        "((day IS NOT NULL AND day >= '2024-06-01') AND (NOT (outlet = ANY(ARRAY['Tempo']::text[]))))"
    assert comp.where(near) == FALSE  # no ids found (yet) for it
    comp.sets[near] = ["a1", "b'2"]
    assert comp.where(ast.Or((near, PBB))) == "(id = ANY(ARRAY['a1', 'b''2']::text[]) OR terms @@ '''pbb'''::tsquery)"
    with pytest.raises(TypeError):
        comp.match(near)


def test_text_helpers_escape_what_they_quote():
    assert quote("o'k\\") == "'o''k\\\\'"  # a tsquery lexeme
    assert sql_literal("o'k\\") == "'o''k\\'"
    assert text_array([]) == "ARRAY[]::text[]" and text_array(["a'b"]) == "ARRAY['a''b']::text[]"
    assert like_pattern(ast.EXACT, "a_b%*?", False) == "=a\\_b\\%%_"
    assert like_pattern(ast.BODY, "sank", True) == "sank%"


def test_an_unresolved_fuzzy_word_is_read_as_typed():
    node = ast.And((SANKSI, ast.Fuzzy("sanksy")))
    assert as_typed(node) == ast.And((SANKSI, ast.Term(ast.EXACT, "sanksy")))
    assert as_typed(SANKSI) is SANKSI and as_typed(None) is None
