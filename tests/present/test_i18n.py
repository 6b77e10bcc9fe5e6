"""The interface catalog (search.present.i18n, search.present.words): both languages say
everything, keys are defined once, placeholders agree, dates and errors read in each language."""
from __future__ import annotations

import re
import string

import pytest

from search.errors import BadRequest, IndexMissing, NotFound
from search.present import i18n


def test_both_languages_have_the_same_keys():
    ids, ens = i18n.MESSAGES["id"], i18n.MESSAGES["en"]
    assert ids.keys() == ens.keys(), sorted(ids.keys() ^ ens.keys())


@pytest.mark.parametrize("key", sorted(i18n.MESSAGES["id"]))
def test_placeholders_agree_across_languages(key):
    def fields(text):
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}
    assert fields(i18n.MESSAGES["id"][key]) == fields(i18n.MESSAGES["en"][key])


def test_a_key_defined_in_two_modules_is_refused(tmp_path, monkeypatch):
    pkg = tmp_path / "twice_words"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("ID = {'x': 'satu'}\nEN = {'x': 'one'}\n")
    (pkg / "b.py").write_text("ID = {'x': 'dua'}\nEN = {'x': 'two'}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import twice_words

    monkeypatch.setattr(i18n, "words", twice_words)
    with pytest.raises(ValueError, match="defined twice"):
        i18n._catalog()


def test_dates_read_in_each_language():
    assert i18n.format_date("2024-06-18") == "18 Juni 2024"
    assert i18n.format_date("2024-06-18", "en") == "18 June 2024"
    assert i18n.format_date("2024-06", "en") == "June 2024"
    assert i18n.format_date(None) == "tanpa tanggal"
    assert i18n.format_date("2024-13") == "2024-13" and i18n.format_date("2024-00") == "2024-00"


def test_domain_errors_read_in_the_readers_language():
    err = NotFound("No article with id 'x' in this archive.", key="not_found", id="x")
    assert i18n.error_message(err, "id") == "Artikel 'x' tidak ada di arsip ini."
    assert i18n.error_message(err, "en") == "Article 'x' is not in this archive."
    bad = BadRequest("'page' must be a whole number; got 'z'.", key="bad_number", name="page", value="z")
    assert re.search(r"bilangan bulat", i18n.error_message(bad, "id"))
    assert i18n.error_message(IndexMissing("No index in /x."), "id") == "No index in /x."  # a detail
    assert i18n.error_message(BadRequest("Some English detail."), "id") == "Some English detail."
