"""The speaker word lists (search.stories.speakerwords): lowercase single words, offices among
the titles, and sentence openers never read as titles (name_in stops at either, for a different
reason)."""
from search.stories import speakerwords as w
from search.stories.speakers import name_in

LISTS = (w.TITLES, w.OFFICES, w.NAME_TITLES, w.ORG_HEADS, w.PLACE_CONTEXT, w.FUNCTION, w.PRONOUNS,
         w.UNNAMED, w.INSTITUTIONS, w.PERSON_NOUNS)


def test_every_list_holds_lowercase_single_words():
    bad = [word for words in LISTS for word in words if word != word.lower() or not word.isalpha()]
    assert bad == []


def test_an_office_is_a_title_and_an_opener_is_not():
    assert w.OFFICES <= w.TITLES
    assert not (w.FUNCTION & w.TITLES) and not (w.PRONOUNS & w.TITLES)


def test_aliases_name_people_in_full():
    assert all(k == k.lower() and len(v.split()) >= 2 for k, v in w.ALIASES.items())


def test_the_lists_are_what_name_in_reads():
    assert name_in("Menteri Agama Lukman Hakim Saifuddin".split()) == "Lukman Hakim Saifuddin"
    assert name_in("Menurut Joko".split()) == "Joko"
