"""Kliping's own query parser: the grammar (search.query.syntax), the nodes it builds
(search.query.build, .simplify, .ast) and their Whoosh translation (search.engine.whoosh.translate).
Pure: no index. Matching and scoring of the translated queries are tested in test_scoring.py."""
from __future__ import annotations

import random
import subprocess
import sys

import pytest
from whoosh import query as wq

from search.engine.whoosh.translate import ExactPhrase, ExactTwin, to_whoosh
from search.query import ast
from search.query.ast import (
    BODY,
    EXACT,
    Alternatives,
    And,
    AndMaybe,
    AndNot,
    Every,
    Not,
    Or,
    Prefix,
    Require,
    Term,
    Wildcard,
)
from search.query.parse import parse_query
from search.query.simplify import NULL, simplify
from search.query.syntax import read
from search.settings import DEFAULT
from search.text import stemmer

# (query, exact option, mode, repr of the Whoosh query), as Whoosh's own query parser read
# them before Kliping had its own (commit a88f1b4): the new reading must translate to exactly
# these queries, but for one later change: a variant longer than the form typed weighs as many
# words as were typed (`PBB` -> the phrase `serikat bangsa` at boost 0.5; search.query.build).
WHOOSH_READINGS = [
    ("sanksi PBB", False, "all",
     "And([Term('body', 'sanksi'), DisjunctionMax([Term('body', 'pbb'), Phrase('body', ['serikat', 'bangsa'], slop=1, boost=0.500000)])])"),
    ("Kunjungan PBB AND sanksi", False, "all",
     "And([Term('body', 'kunjung'), DisjunctionMax([Term('body', 'pbb'), Phrase('body', ['serikat', 'bangsa'], slop=1, boost=0.500000)]), Term('body', 'sanksi')])"),
    ("a OR b c", False, "all", "And([Or([Term('body', 'a'), Term('body', 'b')]), Term('body', 'c')])"),
    ("x NOT y NOT z", False, "all", "And([Term('body', 'x'), Not(Term('body', 'y')), Not(Term('body', 'z'))])"),
    ("(a b) OR c", False, "all", "Or([And([Term('body', 'a'), Term('body', 'b')]), Term('body', 'c')])"),
    ("(Rusia OR Korea) AND sanksi", False, "all",
     "And([Or([Term('body', 'rusia'), Term('body', 'korea')]), Term('body', 'sanksi')])"),
    ("sanksi -rusia", False, "all", "And([Term('body', 'sanksi'), Not(Term('body', 'rusia'))])"),
    ("-rusia", False, "all", "Not(Term('body', 'rusia'))"),
    ('"sanksi PBB" -rusia', False, "all", "And([ExactPhrase(['sanksi', 'pbb']), Not(Term('body', 'rusia'))])"),
    ('"a b"~2 "a b" x', False, "all",  # the slop is kept now: "..."~N is a sloppy phrase (issue 16)
     "And([ExactPhrase(['a', 'b'], slop=2), ExactPhrase(['a', 'b']), Term('body', 'x')])"),
    ("sank*", False, "all", "Prefix('body', 'sank')"),
    ("kunjungan*", False, "all", "Prefix('body', 'kunjung')"),
    ("s?nksi", False, "all", "Wildcard('body', 's?nksi')"),
    ("*kunjung* sanksi", False, "all", "And([Wildcard('body', '*kunjung*'), Term('body', 'sanksi')])"),
    ("a ANDNOT b", False, "all", "AndNot((Term('body', 'a'), Term('body', 'b')))"),
    ("a ANDMAYBE b", False, "all", "AndMaybe((Term('body', 'a'), Term('body', 'b')))"),
    ("a REQUIRE b", False, "all", "Require((Term('body', 'a'), Term('body', 'b')))"),
    ("yang ANDNOT rusia", False, "all", "Term('body', 'rusia')"),
    ("sanksi/PBB korea", False, "all",
     "And([Term('body', 'sanksi'), DisjunctionMax([Term('body', 'pbb'), Phrase('body', ['serikat', 'bangsa'], slop=1, boost=0.500000)]), Term('body', 'korea')])"),
    ("DK PBB", False, "all",
     "DisjunctionMax([Phrase('body', ['dk', 'pbb'], slop=1, boost=1.000000), Phrase('body', ['dewan', 'aman', 'pbb'], slop=1, boost=0.666667), And([DisjunctionMax([Term('body', 'dk'), Phrase('body', ['dewan', 'aman'], slop=1, boost=0.500000)]), DisjunctionMax([Term('body', 'pbb'), Phrase('body', ['serikat', 'bangsa'], slop=1, boost=0.500000)])])])"),
    ("kerja sama", False, "all",
     "DisjunctionMax([Phrase('body', ['kerja', 'sama'], slop=1, boost=1.000000), Term('body', 'kerjasama')])"),
    ("11.000 kontainer", False, "all",
     "And([DisjunctionMax([Term('body', '11.000'), Term('body', '11000')]), Term('body', 'kontainer')])"),
    ("sanksi PBB Rusia Korea Utara", False, "any",
     "Or([ExactTwin([Term('body', 'sanksi'), Term('exact', 'sanksi')]), DisjunctionMax([Term('body', 'pbb'), Phrase('body', ['serikat', 'bangsa'], slop=1, boost=0.500000)]), ExactTwin([Term('body', 'rusia'), Term('exact', 'rusia')]), DisjunctionMax([Phrase('body', ['korea', 'utara'], slop=1, boost=1.000000), Term('body', 'korut')])])"),
    ("Kapan Korea Utara diserang?", False, "any",
     "Or([DisjunctionMax([Phrase('body', ['korea', 'utara'], slop=1, boost=1.000000), Term('body', 'korut')]), ExactTwin([Term('body', 'serang'), Term('exact', 'diserang')])])"),
    ("Naik sebesar berapa persenkah tarif tol?", False, "any",
     "Or([ExactTwin([Term('body', 'naik'), Term('exact', 'naik')]), ExactTwin([Term('body', 'besar'), Term('exact', 'sebesar')]), ExactTwin([Term('body', 'persen'), Term('exact', 'persen')]), ExactTwin([Term('body', 'tarif'), Term('exact', 'tarif')]), ExactTwin([Term('body', 'tol'), Term('exact', 'tol')])])"),
    ('Siapa yang menyanyikan lagu "My Heart Will Go On"?', False, "any",
     "Or([ExactTwin([Term('body', 'nyanyi'), Term('exact', 'menyanyikan')]), ExactTwin([Term('body', 'lagu'), Term('exact', 'lagu')]), ExactPhrase(['my', 'heart', 'will', 'go', 'on'])])"),
    ("Berapa ton ekspor batu bara Korea Utara (Korut) per bulan?", False, "any",
     "Or([ExactTwin([Term('body', 'ton'), Term('exact', 'ton')]), ExactTwin([Term('body', 'ekspor'), Term('exact', 'ekspor')]), ExactTwin([Term('body', 'batu'), Term('exact', 'batu')]), ExactTwin([Term('body', 'bara'), Term('exact', 'bara')]), DisjunctionMax([Phrase('body', ['korea', 'utara'], slop=1, boost=1.000000), Term('body', 'korut')]), DisjunctionMax([Term('body', 'korut'), Phrase('body', ['korea', 'utara'], slop=1, boost=0.500000)]), ExactTwin([Term('body', 'bulan'), Term('exact', 'bulan')])])"),
    # A word beside an operator with nothing on its other side is not a whole typed word:
    # no exact twin (`mitologi`).
    ("kutukan hukum mitologi ANDMAYBE yang Yudhoyono Demokrasi", False, "any",
     "Or([ExactTwin([Term('body', 'kutuk'), Term('exact', 'kutukan')]), ExactTwin([Term('body', 'hukum'), Term('exact', 'hukum')]), Term('body', 'mitolog'), ExactTwin([Term('body', 'yudhoyono'), Term('exact', 'yudhoyono')]), ExactTwin([Term('body', 'demokrasi'), Term('exact', 'demokrasi')])])"),
    ("berita pameran", True, "all", "And([Term('exact', 'berita'), Term('exact', 'pameran')])"),
    ("AS berita", True, "all",
     "And([DisjunctionMax([Term('exact', 'as'), ExactPhrase(['amerika', 'serikat'])]), Term('exact', 'berita')])"),
    ('"kantor berita" Korut', True, "all",
     "And([ExactPhrase(['kantor', 'berita']), DisjunctionMax([Term('exact', 'korut'), ExactPhrase(['korea', 'utara'])])])"),
    ("(*) AND sanksi", False, "all", "Every('body', boost=1.0)"),
    ('"yang" sanksi', False, "all", "Term('body', 'sanksi')"),
]


@pytest.mark.parametrize("text, exact, mode, expected", WHOOSH_READINGS, ids=lambda v: str(v)[:30])
def test_translation_is_the_query_whooshs_parser_made(text, exact, mode, expected):
    p = parse_query(text, exact=exact)
    assert p.mode == mode
    q = to_whoosh(p.query)
    assert repr(q) == expected
    if mode == "any":
        assert q.scale == DEFAULT.coord_scale


def T(text: str, field: str = BODY) -> Term:
    return Term(field, stemmer.stem(text) if field == BODY else text)


def test_operator_precedence_and_grouping():
    a, b, c = T("a"), T("b"), T("c")
    assert parse_query("a OR b c").query == And((Or((a, b)), c))
    assert parse_query("a b OR c").query == And((a, Or((b, c))))
    assert parse_query("x NOT y NOT z").query == And((T("x"), Not(T("y")), Not(T("z"))))
    assert parse_query("(a b) OR c").query == Or((And((a, b)), c))
    assert parse_query("a AND b OR c AND d").query == Or((And((a, b)), And((c, T("d")))))
    assert parse_query("a OR b OR c").query == Or((a, b, c))
    assert parse_query("NOT a OR b").query == Or((Not(a), b))
    assert parse_query("a ANDNOT b OR c").query == AndNot(a, Or((b, c)))
    assert parse_query("a ANDMAYBE b").query == AndMaybe(a, b)
    assert parse_query("a REQUIRE b").query == Require(a, b)


def test_quotes_prefixes_and_wildcards():
    p = parse_query('"Kunjungan Putin"~3 sank* s?nksi *x*')
    phrase, prefix, pattern, star = p.query.children
    assert phrase == ast.ExactPhrase(("kunjungan", "putin"), (stemmer.stem("kunjungan"), "putin"), 3)
    assert prefix == Prefix(BODY, "sank") and pattern == Wildcard(BODY, "s?nksi") and star == Wildcard(BODY, "*x*")
    assert parse_query('"Berita"').query == Term(EXACT, "berita")  # a one-word phrase is its form
    assert parse_query("sank*", exact=True).query == Prefix(EXACT, "sank")
    assert parse_query("(*) AND sanksi").query == Every(BODY)  # a lone `*` is every document with a term


def test_terms_keep_the_word_typed_outside_equality():
    t = parse_query("Kunjungan").query
    assert t == Term(BODY, stemmer.stem("kunjungan")) and t.typed == "kunjungan"
    assert hash(t) == hash(Term(BODY, t.text)) and "kunjungan" not in repr(t)
    # `kunjungan` and `berkunjung` are one stem: the first typed form stays.
    assert parse_query("kunjungan AND berkunjung").query.typed == "kunjungan"


@pytest.mark.parametrize("text", [
    "NOT + OR x", "NOT - NOT x", "NOT ANDNOT x", "a ANDNOT ANDMAYBE b", "a REQUIRE ANDNOT",
    "x REQUIRE ANDMAYBE ANDNOT y", "( NOT ) x", "NOT ( ) x",
])
def test_inputs_whooshs_parser_raised_on_are_read(text):
    """Whoosh 2.7.4 raised IndexError (a NOT left with nothing) or AssertionError (ANDNOT,
    ANDMAYBE or REQUIRE left with one side) on these."""
    p = parse_query(text)
    assert p.is_browse or "x" in p.describe() or "a" in p.describe()


def test_never_raises_on_operator_soup():
    rng = random.Random(4)
    parts = ["a", "yang", "PBB", "AS", "x*", "*", "?", "(", ")", '"', "AND", "OR", "NOT", "ANDNOT",
             "ANDMAYBE", "REQUIRE", "-", "+", "~2", "11.000", "Siapa", "\u061f", "\u2983", "\u2984"]
    for _ in range(3000):
        text = "".join(rng.choice(parts) + rng.choice(["", " ", " "]) for _ in range(rng.randint(1, 10)))
        for exact in (False, True):
            p = parse_query(text, exact=exact)
            assert p.is_browse == (p.query is None) and isinstance(p.describe(), str), text
            if p.query is not None:
                assert simplify(p.query) == p.query, text  # already canonical
                to_whoosh(p.query)


def test_syntax_tree_groups_brackets_and_binds_operators():
    top = read("(a OR b) c NOT d")
    assert repr(top) == "all[all[or[word:'a', word:'b']], word:'c', not[word:'d']]"
    assert repr(read(")a (b")) == "all[word:'a', word:'b']"  # stray `)` ignored, open `(` joins the top
    assert repr(read("sank* s?nksi")) == "all[prefix:'sank', wild:'s?nksi']"


def test_simplify_flattens_deduplicates_and_drops_nothing():
    a, b = T("a"), T("b")
    assert simplify(And((a, And((b, a)), NULL))) == And((a, b))
    assert simplify(Or((Or((a,), 0.5), b), 0.9)) == Or((a, b), 0.9)
    assert simplify(And((NULL, And(())))) is NULL
    assert simplify(Not(And(()))) is NULL
    assert simplify(AndNot(NULL, a)) is NULL and simplify(AndNot(a, NULL)) == a
    assert simplify(Require(a, NULL)) is NULL
    assert simplify(And((a, Every(BODY), T("c", EXACT)))) == And((Every(BODY), T("c", EXACT)))
    assert simplify(Alternatives((a, Alternatives((b, a))))) == Alternatives((a, b))


def test_describe_writes_the_reading_in_index_terms():
    assert ast.describe(AndNot(T("a"), Or((T("b"), T("c"))))) == "a NOT (b OR c)"
    assert ast.describe(AndMaybe(T("a"), T("b"))) == "a (+b)" and ast.describe(Require(T("a"), T("b"))) == "a"
    assert ast.describe(And((Alternatives((T("as"), ast.Phrase(BODY, ("amerika", "serikat")))), T("x")))) == \
        '(as OR "amerika serikat") AND x'
    assert ast.describe(Every(BODY)) == "body:*"


def test_to_whoosh_translates_node_for_node():
    stems = (stemmer.stem("kunjungan"), "putin")
    q = to_whoosh(Or((ast.ExactTwin(T("rusia"), T("rusia", EXACT)),
                      ast.ExactPhrase(("kunjungan", "putin", "putin"), stems + ("putin",)),
                      Alternatives((T("as"), ast.Phrase(BODY, ("amerika", "serikat"))))), 0.9))
    assert type(q) is wq.Or and q.scale == 0.9
    twin, phrase, alts = q.subqueries
    assert type(twin) is ExactTwin and twin.subqueries == [wq.Term("body", "rusia"), wq.Term("exact", "rusia")]
    assert type(phrase) is ExactPhrase and phrase.subqueries == [
        wq.Phrase("body", list(stems) + ["putin"]), wq.Term("exact", "kunjungan"), wq.Term("exact", "putin")]
    assert type(alts) is wq.DisjunctionMax and alts.subqueries[1] == wq.Phrase("body", ["amerika", "serikat"])
    assert to_whoosh(Require(T("a"), Not(T("b")))) == wq.Require(wq.Term("body", "a"),
                                                                 wq.Not(wq.Term("body", "b")))


def test_reading_a_query_imports_no_engine():
    code = ("import sys; import search.query.parse, search.query.highlight; "
            "found = sorted(m for m in sys.modules if m.startswith(('whoosh', 'search.engine'))); "
            "print(found); sys.exit(bool(found))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
