"""SearchRequest: validation with messages naming the parameter, and round-tripping query strings."""
from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qs

import pytest

from search.errors import BadRequest
from search.query.params import SearchRequest
from search.settings import Limits

MAX_PER_PAGE = Limits().per_page


def roundtrip(qs: str) -> SearchRequest:
    assert qs.startswith("?")
    return SearchRequest.from_args(parse_qs(qs[1:]))


@pytest.mark.parametrize("args, name", [
    ({"from": "kemarin"}, "'from'"),
    ({"to": "2024-13"}, "'to'"),
    ({"from": "2024-02-30"}, "'from'"),
    ({"from": "18-06-2024"}, "'from'"),
    ({"date": "Juni"}, "'date'"),
    ({"page": "abc"}, "'page'"),
    ({"page": "0"}, "'page'"),
    ({"from": "0000"}, "'from'"),  # no year 0: a histogram could not draw it
    ({"page": "-3"}, "'page'"),
    ({"per_page": "101"}, "'per_page'"),
    ({"per_page": "0"}, "'per_page'"),
    ({"per_page": "sepuluh"}, "'per_page'"),
    ({"sort": "random"}, "'sort'"),
])
def test_invalid_values_are_bad_request_naming_the_parameter(args, name):
    with pytest.raises(BadRequest) as e:
        SearchRequest.from_args(args)
    assert name in e.value.message
    assert e.value.status == 400


def test_from_after_to_names_both():
    with pytest.raises(BadRequest) as e:
        SearchRequest.from_args({"from": "2024-07", "to": "2024-06-30"})
    assert "'from'" in e.value.message and "'to'" in e.value.message


def test_from_and_to_in_the_same_month_are_fine():
    req = SearchRequest.from_args({"from": "2024-06", "to": "2024-06"})
    assert req.date_range == ("2024-06-01", "2024-06-30")


@pytest.mark.parametrize("value, lo, hi", [
    ("2024", "2024-01-01", "2024-12-31"),
    ("2024-02", "2024-02-01", "2024-02-29"),
    ("2023-02", "2023-02-01", "2023-02-28"),
    ("2024-06-17", "2024-06-17", "2024-06-17"),
])
def test_partial_dates_cover_their_whole_period(value, lo, hi):
    assert SearchRequest.from_args({"from": value, "to": value}).date_range == (lo, hi)


def test_defaults():
    req = SearchRequest.from_args({})
    assert (req.q, req.page, req.per_page, req.sort, dict(req.filters)) == ("", 1, 10, "", {})
    assert req.effective_sort == "newest"
    assert SearchRequest.from_args({"q": "sanksi"}).effective_sort == "relevance"
    assert req.qs() == "?"


def test_per_page_limit_is_inclusive():
    assert SearchRequest.from_args({"per_page": str(MAX_PER_PAGE)}).per_page == MAX_PER_PAGE


def test_repeated_values_are_kept_in_order_without_duplicates_or_blanks():
    req = SearchRequest.from_args({"outlet": ["Kontan", " Kompas ", "Kontan", "", "  "]})
    assert req.filters == {"outlet": ("Kontan", "Kompas")}


def test_a_single_string_is_accepted_like_a_list():
    assert SearchRequest.from_args({"outlet": "Kontan", "q": "sanksi"}).filters == {"outlet": ("Kontan",)}


def test_overlong_query_is_cut_not_rejected():
    req = SearchRequest.from_args({"q": "a" * 5000})
    assert len(req.q) == Limits().query_chars and req.notices == ("query_cut_chars",)


def test_qs_round_trips_every_field():
    args = {"q": ["sanksi PBB"], "outlet": ["Kontan", "Kompas"], "tag": ["sanksi"], "editor": ["Rina Sari"],
            "source": ["Reuters"], "date": ["2024-06"], "from": ["2024-06-01"], "to": ["2024-07"],
            "sort": ["oldest"], "per_page": ["20"], "page": ["3"]}
    req = SearchRequest.from_args(args)
    assert roundtrip(req.qs()) == req


def test_toggle_adds_then_removes_a_value_and_resets_page():
    req = SearchRequest.from_args({"q": "sanksi", "outlet": "Kontan", "page": "4"})
    added = roundtrip(req.toggle_qs("outlet", "Kompas"))
    assert added.filters["outlet"] == ("Kontan", "Kompas")
    assert added.page == 1 and added.q == "sanksi"
    removed = roundtrip(added.toggle_qs("outlet", "Kontan"))
    assert removed.filters == {"outlet": ("Kompas",)}
    empty = roundtrip(removed.toggle_qs("outlet", "Kompas"))
    assert "outlet" not in empty.filters


def test_without_removes_a_whole_parameter():
    req = SearchRequest.from_args({"q": "x", "outlet": ["Kontan", "Kompas"], "tag": "sanksi",
                                   "from": "2024-06", "to": "2024-07", "page": "2"})
    no_outlet = roundtrip(req.without_qs("outlet"))
    assert "outlet" not in no_outlet.filters and no_outlet.filters["tag"] == ("sanksi",)
    no_from = roundtrip(req.without_qs("from"))
    assert (no_from.date_from, no_from.date_to, no_from.page) == ("", "2024-07", 1)
    no_to = roundtrip(req.without_qs("to"))
    assert (no_to.date_from, no_to.date_to) == ("2024-06", "")


def test_page_qs_changes_only_the_page():
    req = SearchRequest.from_args({"q": "sanksi", "outlet": "Kontan"})
    nxt = roundtrip(req.page_qs(2))
    assert nxt.page == 2 and nxt.filters == req.filters and nxt.q == req.q
    assert "page" not in parse_qs(req.page_qs(1)[1:])


def test_query_string_escapes_special_characters():
    req = SearchRequest.from_args({"q": 'a&b=c "d"#e', "tag": "x&y"})
    assert roundtrip(req.qs()) == req
    assert "#" not in req.qs() and req.qs().count("&") == 1


@pytest.mark.parametrize("args", [{}, {"q": ["sanksi PBB"], "page": ["3"]},
                                  {"q": ["a&b"], "outlet": ["cnn indonesia"], "tag": ["x=y"]}])
def test_toggles_equal_one_toggle_qs_per_value(args):
    """toggles() encodes the shared part once: it must give the parameters toggle_qs gives
    (the added value may come last rather than in facet order)."""
    req = SearchRequest.from_args(args)
    values = ["cnn indonesia", "Ré ñ+%", "a&b=c/é", "x=y", "2017-08"]
    for param in ("outlet", "tag", "date"):
        links = req.toggles(param, values)
        assert {v: parse_qs(qs[1:]) for v, qs in links.items()} == {
            v: parse_qs(req.toggle_qs(param, v)[1:]) for v in values}
        assert parse_qs(links["a&b=c/é"][1:])[param][-1] == "a&b=c/é"


# -- limits (search.settings.Limits) -----------------------------------------------------------
def test_repeated_values_beyond_the_limit_are_a_bad_request_naming_the_parameter():
    limits = Limits(values_per_param=3)
    assert SearchRequest.from_args({"outlet": ["a", "b", "c"]}, limits).filters["outlet"] == ("a", "b", "c")
    with pytest.raises(BadRequest) as e:
        SearchRequest.from_args({"outlet": ["a", "b", "c", "d"]}, limits)
    assert e.value.key == "too_many_values" and e.value.params["name"] == "outlet"


def test_parameters_beyond_the_limit_are_a_bad_request():
    limits = Limits(params=5)
    SearchRequest.from_args({"outlet": ["a", "b"], "tag": ["x", "y"], "q": "z"}, limits)
    with pytest.raises(BadRequest) as e:
        SearchRequest.from_args({"outlet": ["a", "b"], "tag": ["x", "y"], "q": "z", "page": "1"}, limits)
    assert e.value.key == "too_many_params"


def test_paging_past_the_depth_is_a_bad_request_that_says_how_deep():
    limits = Limits(depth=100)
    assert SearchRequest.from_args({"page": "10", "per_page": "10"}, limits).page == 10
    for args in ({"page": "11"}, {"page": "2", "per_page": "60"}, {"page": "10000"}):
        with pytest.raises(BadRequest) as e:
            SearchRequest.from_args(args, limits)
        assert e.value.key in ("too_deep", "bad_range")
    with pytest.raises(BadRequest, match="100th"):
        SearchRequest.from_args({"page": "11"}, limits)


def test_a_query_of_too_many_words_keeps_the_first_ones_whole_and_says_so():
    req = SearchRequest.from_args({"q": "  ".join(f"kata{i}" for i in range(100))}, Limits(query_terms=5))
    assert req.q.split() == [f"kata{i}" for i in range(5)] and req.notices == ("query_cut_terms",)
    assert SearchRequest.from_args({"q": "a b c"}, Limits(query_terms=5)).notices == ()


def test_a_query_cut_for_length_is_cut_at_a_space():
    req = SearchRequest.from_args({"q": "sanksi perserikatan bangsa"}, Limits(query_chars=15))
    assert req.q == "sanksi" and req.notices == ("query_cut_chars",)


@pytest.mark.parametrize("args", [{}, {"q": "sanksi PBB"}, {"q": "a&b=c", "outlet": ["Kontan", "Tempo+"]},
                                  {"q": "x", "tag": "é", "from": "2024-01-01", "to": "2024-02-01", "sort": "newest",
                                   "exact": "1", "collapse": "story", "per_page": "20", "page": "3"},
                                  {"editor": "Rina Sari", "per_page": "50"}])
def test_range_qs_is_the_narrowed_requests_qs(args):
    req = SearchRequest.from_args(args)
    narrowed = req.range_qs()
    for lo, hi in (("2024-06-01", "2024-06-30"), ("1999-01-01", "1999-01-01")):
        assert narrowed(lo, hi) == replace(req, date_from=lo, date_to=hi, page=1).qs()


def test_suffix_is_the_query_string_or_nothing_for_a_bare_request():
    assert SearchRequest().suffix() == "" and SearchRequest().qs() == "?"
    req = SearchRequest(q="sanksi PBB", filters={"outlet": ("Kontan",)}, page=2)
    assert req.suffix() == req.qs() == "?q=sanksi+PBB&outlet=Kontan&page=2"
