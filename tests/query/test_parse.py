"""Reading a user's query: pure, lenient, explainable (no index involved)."""
from __future__ import annotations

import pytest

from search.query import ast
from search.query.parse import Highlight, ParsedQuery, parse_query
from search.settings import DEFAULT
from search.text import stemmer

NASTY = [
    "", "   ", '"', '"sanksi', 'sanksi"', "(", ")", "(sanksi", "sanksi)", "((sanksi) PBB",
    "AND", "OR", "NOT", "AND OR NOT", "sanksi AND", "OR sanksi", "sanksi NOT", "NOT NOT sanksi",
    "*", "?", "**", "sank*", "*sanksi", "s?nksi", "yang", "yang dan di", "\\", "sanksi\\",
    '\\"sanksi', 'a\\b', '"\\"', "x" * 5000, " ".join(["sanksi", "PBB"] * 1500),
    "sanksi AND " * 400, "(" * 300 + "a" + ")" * 300, "-", "+", "- -", '""', "()", "( )",
    "body:sanksi", "[a TO b]", "sanksi^2", "sanksi~2", "{x}", "<>", "\x00", "\u2029", "NOT (",
    "sanksi OR OR PBB", "“sanksi PBB”", "'", "sanksi/PBB",
]


@pytest.mark.parametrize("text", NASTY, ids=lambda s: repr(s[:20]))
def test_never_raises_and_always_gives_a_reading(text):
    p = parse_query(text)
    assert isinstance(p, ParsedQuery)
    assert p.mode in ("browse", "all", "any")
    assert p.is_browse == (p.query is None)
    assert isinstance(p.describe(), str)
    if not p.is_browse:
        assert p.describe()


def test_none_and_empty_are_browse():
    for text in (None, "", "   "):
        p = parse_query(text)
        assert p.mode == "browse" and p.query is None and p.notes == () and p.describe() == ""


@pytest.mark.parametrize("text, note", [
    ('"sanksi PBB', "unbalanced_quote"),
    ('sanksi "PBB" "Rusia', "unbalanced_quote"),
    ("(sanksi OR PBB", "unbalanced_paren"),
    ("sanksi)", "unbalanced_paren"),
    ("sanksi AND", "lone_operator"),
    ("OR sanksi", "lone_operator"),
    ("sanksi NOT", "lone_operator"),
    ("sanksi OR OR PBB", "lone_operator"),
    ("AND", "lone_operator"),
    ("yang", "no_terms"),
    ("yang dan", "no_terms"),
])
def test_notes_say_what_was_repaired(text, note):
    assert note in parse_query(text).notes


def test_well_formed_query_has_no_notes():
    assert parse_query('"sanksi PBB" OR (Rusia AND Korea)').notes == ()


@pytest.mark.parametrize("text", ["AND", "OR", "NOT", "AND OR NOT", "*", "?", "-", "yang"])
def test_lone_operators_wildcards_and_stop_words_browse(text):
    assert parse_query(text).is_browse


def test_repaired_quote_still_searches_the_words():
    p = parse_query('"sanksi PBB')
    assert p.mode == "all"
    # PBB also reads as its long form (search/data/synonyms.txt).
    assert p.describe().startswith(f"{stemmer.stem('sanksi')} AND ({stemmer.stem('pbb')} OR ")


def test_quoted_words_are_a_phrase():
    p = parse_query('"sanksi PBB"')
    # A phrase of the exact forms: the stemmed phrase AND each written form (search.schema).
    assert isinstance(p.query, ast.ExactPhrase)
    assert list(p.query.forms) == ["sanksi", "pbb"]
    assert p.query.stems == (stemmer.stem("sanksi"), stemmer.stem("pbb"))
    assert p.describe() == f'"{stemmer.stem("sanksi")} {stemmer.stem("pbb")}"'
    # Quoted words read the exact (unstemmed) field, and mark only the forms written.
    assert p.highlight.exact_phrases == (("sanksi", "pbb"),) and p.highlight.phrases == ()


def test_curly_quotes_are_a_phrase_too():
    assert isinstance(parse_query("“sanksi PBB”").query, ast.ExactPhrase)


def test_minus_means_not():
    p = parse_query("sanksi -rusia")
    assert p.describe() == f"{stemmer.stem('sanksi')} AND NOT {stemmer.stem('rusia')}"
    assert any(isinstance(c, ast.Not) and c.child.text == stemmer.stem("rusia") for c in p.query.children)
    assert stemmer.stem("rusia") not in p.highlight.terms
    assert stemmer.stem("sanksi") in p.highlight.terms
    assert parse_query("-rusia").describe() == f"NOT {stemmer.stem('rusia')}"


def test_hyphen_inside_a_word_is_not_negation():
    p = parse_query("sanksi-sanksi")
    assert "NOT" not in p.describe()
    assert isinstance(p.query, ast.Term)
    assert p.query.text == stemmer.stem("sanksi-sanksi")
    assert p.readings == (("sanksi-sanksi", stemmer.stem("sanksi-sanksi")),)


def test_plus_means_required_word():
    assert parse_query("+sanksi").describe() == stemmer.stem("sanksi")


def test_up_to_three_plain_words_must_all_occur():
    p = parse_query("sanksi PBB Rusia")
    assert DEFAULT.max_all_terms == 3
    assert p.mode == "all"
    assert isinstance(p.query, ast.And)


def test_more_than_three_plain_words_rank_by_coverage():
    p = parse_query("sanksi PBB Rusia Korea Utara")
    assert p.mode == "any"
    assert isinstance(p.query, ast.Or)
    assert " OR " in p.describe()


def test_operators_keep_all_mode_even_when_long():
    assert parse_query("sanksi AND PBB AND Rusia AND Korea").mode == "all"
    assert parse_query('"sanksi PBB" Rusia Korea Utara').mode == "all"


def test_stop_words_do_not_count_as_words():
    p = parse_query("sanksi yang dari Rusia")
    assert p.mode == "all"
    assert p.describe() == f"{stemmer.stem('sanksi')} AND {stemmer.stem('rusia')}"


def test_readings_pair_typed_words_with_index_terms():
    p = parse_query("Kunjungan PBB AND sanksi")
    assert p.readings == (("kunjungan", stemmer.stem("kunjungan")), ("pbb", "pbb"),
                          ("sanksi", stemmer.stem("sanksi")))


def test_describe_shows_grouping():
    p = parse_query("(Rusia OR Korea) AND sanksi")
    r, k, s = (stemmer.stem(w) for w in ("rusia", "korea", "sanksi"))
    assert p.describe() == f"({r} OR {k}) AND {s}"


def test_prefix_is_read_as_prefix_and_highlighted_as_prefix():
    p = parse_query("sank*")
    assert isinstance(p.query, ast.Prefix)
    assert p.describe() == "sank*"
    assert p.highlight.prefixes == ("sank",)


def test_highlight_excludes_negated_terms_and_is_falsy_when_empty():
    p = parse_query("NOT rusia")
    assert not p.highlight
    assert not Highlight()
    assert parse_query("rusia").highlight


def test_is_pure_same_input_same_reading():
    a, b = parse_query('"sanksi PBB" -rusia'), parse_query('"sanksi PBB" -rusia')
    assert a == b


def test_a_question_quoting_a_title_ranks_by_coverage_with_the_title_as_a_phrase():
    p = parse_query('Siapa yang menyanyikan lagu " My Heart Will Go On "?')
    assert p.mode == "any" and isinstance(p.query, ast.Or)
    assert not any(isinstance(q, ast.Wildcard) for q in ast.leaves(p.query))  # `"?` is punctuation
    assert "siapa" not in p.describe()
    phrases = [c for c in p.query.children if isinstance(c, ast.ExactPhrase)]
    assert [list(c.forms) for c in phrases] == [["my", "heart", "will", "go", "on"]]


def test_question_words_and_marks_inside_quotes_are_kept():
    p = parse_query('Tahun berapa Asrul Sani membuat film "Apa Jang Kau Tjari, Palupi?"?')
    assert p.mode == "any"
    assert any(isinstance(c, ast.ExactPhrase) and "palupi" in c.forms for c in p.query.children)
    assert stemmer.stem("berapa") not in p.highlight.terms
    # A title alone does not make a question: quotes with keywords still need every word.
    assert parse_query('"Apa Jang Kau Tjari" Asrul Sani').mode == "all"


def test_a_closing_question_mark_is_punctuation_even_beside_quotes():
    p = parse_query('Kapan "reunifikasi" Jerman terjadi, 15 tahun reunifikasi?')
    assert not any(isinstance(q, ast.Wildcard) for q in ast.leaves(p.query))


@pytest.mark.parametrize("question, framing", [
    ("Apa nama partai garis keras Palestina?", "nama"),
    ("Apakah kepanjangan dari LIPI?", "kepanjangan"),
    ("Apa yang dimaksud dengan hokage dalam manga?", "dimaksud"),
    ("Berapa jumlah penduduk Jepang?", "jumlah"),
    ("Di mana letak pulau Sulawesi?", "letak"),
])
def test_question_phrases_are_dropped_with_their_interrogative(question, framing):
    assert stemmer.stem(framing) not in parse_query(question).describe().split(" OR ")
    # Without an interrogative before it, the word is searched like any other.
    kept = parse_query(f"{framing} {question.split()[-1]} dan lainnya?").describe()
    assert stemmer.stem(framing) in kept.split(" OR ")


def test_more_interrogatives_are_question_words():
    for w in ("darimanakah", "kemana", "keberapa", "seberapa"):
        p = parse_query(f"{w} olahraga parkour berasal")
        assert p.mode == "any" and w not in p.describe() and stemmer.stem(w) not in p.describe().split(" OR ")


def test_a_question_particle_is_not_part_of_the_exact_form():
    # a passage says `persen`, never `persenkah`; the stem reads the same either way
    q = parse_query("Naik sebesar berapa persenkah tarif tol?").query
    exact = {t.text for t in ast.leaves(q) if t.field == ast.EXACT}
    assert "persen" in exact and "persenkah" not in exact


def test_a_word_ending_in_kah_keeps_it_when_its_stem_changes():
    q = parse_query("Kapan artis itu menikah dengan pengusaha?").query
    assert "menikah" in {t.text for t in ast.leaves(q) if t.field == ast.EXACT}


@pytest.mark.parametrize("text", ["Apa yang dimaksud dengan zaman Meiji?",
                                  "apakah yang di maksud dengan zaman Meiji?",
                                  "Apakah yang dimaksudkan dengan zaman Meiji?"])
def test_question_phrase_in_any_written_form_is_dropped(text):
    words = {t.text for t in ast.leaves(parse_query(text).query)}
    assert "maksud" not in words and "meiji" in words


@pytest.mark.parametrize("text, framing, kept", [
    ("Apakah nama latin dari penyu sisik semu?", "latin", "penyu"),
    ("Berapakah umur agama Budha?", "umur", "budha"),
])
def test_two_word_and_new_framing_words_are_dropped(text, framing, kept):
    words = {t.text for t in ast.leaves(parse_query(text).query)}
    assert framing not in words and kept in words
