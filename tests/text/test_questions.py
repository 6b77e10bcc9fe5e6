"""Pasted questions and sentences: read as plain words, ranked by coverage, never empty because
one word is missing (on the shared corpus of conftest.py, a real index)."""
from __future__ import annotations

from conftest import ids, search
from search.query import ast
from search.query.parse import parse_query
from search.text import stemmer
from search.text.questions import QUESTION_WORDS


def test_question_mark_and_question_words_are_not_searched():
    p = parse_query("Siapa yang menolak rancangan sanksi?")
    assert "siapa" in QUESTION_WORDS
    assert "?" not in p.describe() and "siapa" not in p.describe()
    assert not any(isinstance(q, ast.Wildcard) for q in ast.leaves(p.query))
    assert parse_query("siapa").describe() == stemmer.stem("siapa")  # alone it is still searched


def test_a_question_mark_inside_a_word_is_still_a_wildcard():
    assert isinstance(parse_query("s?nksi").query, ast.Wildcard)


def test_brackets_in_pasted_text_are_punctuation():
    p = parse_query("Berapa ton ekspor batu bara Korea Utara (Korut) per bulan?")
    assert p.mode == "any"
    assert parse_query("Presiden (Widodo) berkunjung").describe() == " AND ".join(
        stemmer.stem(w) for w in ("presiden", "widodo", "berkunjung"))
    assert parse_query("(Rusia OR Korea) AND sanksi").describe().startswith("(")  # operators keep brackets


def test_long_question_with_a_missing_word_still_finds_the_article(archive):
    q = "Berapa ton ekspor batu bara Korea Utara per bulan menurut laporan zzyzx?"
    assert ids(search(archive, q))[0] == "a1"


def test_apostrophe_is_not_a_quote(archive):
    p = parse_query("Rusia menolak sanksi PBB'")
    assert not p.is_browse and "'" not in p.describe()


def test_a_short_question_ranks_by_coverage_instead_of_requiring_every_word(archive):
    p = parse_query("Kapan Rusia menolak zzyzx?")
    assert p.mode == "any"
    assert ids(search(archive, "Kapan Rusia menolak zzyzx?"))[0] == "a1"
    assert parse_query("Rusia menolak zzyzx").mode == "all"  # keywords: every word must occur
    resp = search(archive, "Rusia menolak zzyzx")  # none holds all: partial matches, marked so
    assert resp.partial_matches and ids(resp)[0] == "a1"
