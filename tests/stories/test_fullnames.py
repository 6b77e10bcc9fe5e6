"""Short speaker names and the full names they stand for (search.stories.fullnames)."""
from __future__ import annotations

from collections import Counter

from search.stories.fullnames import full_names


def test_a_one_word_name_maps_to_the_one_full_name_it_starts_or_ends():
    got = full_names(Counter({"Novel": 1, "Novel Baswedan": 3, "Trump": 2, "Donald Trump": 9}))
    assert got == {"novel": "Novel Baswedan", "trump": "Donald Trump"}


def test_two_full_names_leave_it_as_written_but_nested_ones_are_one_person():
    assert full_names(Counter({"Anies": 2, "Anies Baswedan": 5, "Anies Rasyid Baswedan": 2})) == {}
    got = full_names(Counter({"Amran": 1, "Amran Sulaiman": 4, "Andi Amran Sulaiman": 2}))
    assert got == {"amran": "Amran Sulaiman"}


def test_only_peoples_names_and_full_names_of_more_than_one_article():
    assert full_names(Counter({"Apple": 3, "Apple Pay": 1})) == {}  # one article: may be a slip
    assert full_names(Counter({"Persija": 2, "Direktur Utama Persija": 3, "KPK": 4, "Ketua KPK": 3,
                               "Polri": 2, "Mabes Polri": 3, "Argo": 1, "Polisi Argo": 2})) == {}
