"""Questions on a real index (conftest's corpus): one quoting a phrase still ranks by coverage, so
a missing word or a `"?` never empties it."""
from __future__ import annotations

from conftest import ids, search


def test_a_question_with_a_quoted_phrase_and_a_missing_word_still_finds_the_article(archive):
    assert ids(search(archive, 'Siapa yang menolak "rancangan sanksi" zzyzx?'))[0] == "a1"


def test_a_question_mark_right_after_a_quote_does_not_empty_the_page(archive):
    assert ids(search(archive, 'Siapa yang menolak "rancangan sanksi PBB"?'))[0] == "a1"

