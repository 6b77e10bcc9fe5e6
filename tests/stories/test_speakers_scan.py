"""The article-wide scans of Cast and the word tests of quotes, at their edges: the patterns are
written to start where `re` finds them fast, and must find exactly what the plain ones did."""
from __future__ import annotations

import pytest

from search.stories.quotes import _SAY_BEFORE_RE, _says, _short
from search.stories.speakers import Cast


@pytest.mark.parametrize("text, places", [
    ("di Jakarta", {"Jakarta"}),  # at the very start
    ("Ia tinggal di Kota Bogor.", {"Kota"}),  # "Bogor" follows a place word already taken
    ("di Kota Kota Bogor", {"Kota", "Bogor"}),
    ("Abc-di Jakarta, xdi Bandung, klub Persib", {"Jakarta", "Persib"}),
])
def test_places_are_capitalised_words_after_a_place_word(text, places):
    assert Cast([text]).places == places


@pytest.mark.parametrize("text, orgs", [
    ("pemain baru Arsenal yang", {"Arsenal"}),
    ("pemain baru Arsenal yang. Arsenal mengatakan", set()),  # speaking: not an organisation
    ("pemain baru Arsenal yang, kata Arsenal", set()),
    ("pemain baru Arsenal yang, xkata Arsenal", {"Arsenal"}),  # "kata" inside a word
    ("pemain baru Arsenal yang, Pra-kata Arsenal", set()),  # a word after a hyphen
])
def test_orgs_are_words_alone_and_never_speaking(text, orgs):
    assert Cast([text]).orgs == orgs


@pytest.mark.parametrize("text, short", [
    ("", True), ("satu dua", True), ("(satu) dua", True), ("satu)(dua tiga", False), ("a - b", False),
    ("“satu, dua.”", True), ("satu dua tiga", False),
])
def test_short_counts_the_words_of_words_of(text, short):
    assert _short(text) is short


def test_says_takes_whole_words_of_the_lowercased_text():
    assert _says("Menurut dia") and _says("(kata Budi)") and not _says("mengatakannya")
    assert _says("Ia MENGATAKAN", _SAY_BEFORE_RE) and not _says("Ia mengatakan_", _SAY_BEFORE_RE)
