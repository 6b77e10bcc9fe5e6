"""Filtering and disjunctive facet counts, through a real index (see the corpus in conftest)."""
from __future__ import annotations

import pytest

from conftest import ids, search
from search.engine.whoosh.facets import FacetTable
from search.models import Article
from search.query.facets import FACET_ORDER, FACET_SIZE


def counts(resp, name: str) -> dict[str, int]:
    (facet,) = [f for f in resp.facets if f.name == name]
    return {v.value: v.count for v in facet.values}


def selected(resp, name: str) -> set[str]:
    (facet,) = [f for f in resp.facets if f.name == name]
    return {v.value for v in facet.values if v.selected}


def test_every_facet_is_reported_in_order(archive):
    resp = search(archive)
    assert [f.name for f in resp.facets] == list(FACET_ORDER)
    assert {f.name: f.param for f in resp.facets} == {
        "outlet": "outlet", "date": "date", "source": "source", "editor": "editor", "tag": "tag"}


def test_outlet_filter_keeps_only_that_outlet(archive):
    resp = search(archive, q="sanksi", outlet="Kontan")
    assert set(ids(resp)) == {"a1", "a3"}
    assert all(r.outlet == "Kontan" for r in resp.results)


def test_several_values_of_one_facet_are_ored(archive):
    resp = search(archive, q="sanksi", outlet=["Kontan", "Tempo"])
    assert set(ids(resp)) == {"a1", "a3", "a5"}


def test_different_facets_are_anded(archive):
    assert set(ids(search(archive, outlet=["Kontan", "Tempo"], source="Reuters"))) == {"a1", "a3"}
    assert set(ids(search(archive, editor="Rina Sari", tag="korea"))) == {"a1"}


def test_counts_count_articles_not_paragraphs(archive):
    # a1 mentions sanksi in three places, a2 once: each article counts once.
    resp = search(archive, q="sanksi")
    assert counts(resp, "outlet") == {"Kontan": 2, "Kompas": 1, "Tempo": 1}
    assert counts(resp, "source") == {"Reuters": 2, "AP": 1}
    assert counts(resp, "editor") == {"Rina Sari": 2, "Budi Santoso": 1, "Dewi Lestari": 1}
    assert counts(resp, "tag") == {"sanksi": 2, "korea": 1, "diplomasi": 1, "ekonomi": 1}


def test_counts_are_disjunctive_within_a_facet(archive):
    resp = search(archive, q="sanksi", outlet="Kontan")
    # Selecting Kontan still shows what choosing Kompas or Tempo as well would add ...
    assert counts(resp, "outlet") == {"Kontan": 2, "Kompas": 1, "Tempo": 1}
    assert selected(resp, "outlet") == {"Kontan"}
    # ... while every other facet is counted within the Kontan selection only.
    assert counts(resp, "editor") == {"Rina Sari": 2}
    assert counts(resp, "tag") == {"sanksi": 1, "korea": 1, "ekonomi": 1}


def test_toggle_url_adds_or_removes_the_value(archive):
    resp = search(archive, q="sanksi", outlet="Kontan")
    (outlets,) = [f for f in resp.facets if f.name == "outlet"]
    by_value = {v.value: v.toggle_url for v in outlets.values}
    assert "outlet=Kontan" not in by_value["Kontan"]
    assert "outlet=Kontan" in by_value["Kompas"] and "outlet=Kompas" in by_value["Kompas"]


def test_selected_value_without_matches_still_shows_with_zero(archive):
    resp = search(archive, q="minyak", outlet="Tempo")
    assert resp.total == 0
    assert counts(resp, "outlet")["Tempo"] == 0
    assert selected(resp, "outlet") == {"Tempo"}


def test_date_facet_shows_months_when_matches_span_several(archive):
    assert counts(search(archive), "date") == {"2024-06": 3, "2024-07": 1}


def test_date_facet_shows_days_within_one_month(archive):
    resp = search(archive, **{"from": "2024-06", "to": "2024-06"})
    assert counts(resp, "date") == {"2024-06-05": 1, "2024-06-18": 1, "2024-06-20": 1}
    assert set(ids(resp)) == {"a1", "a2", "a5"}


def test_selecting_a_month_filters_and_shows_its_days(archive):
    resp = search(archive, date="2024-06")
    assert set(ids(resp)) == {"a1", "a2", "a5"}
    days = {k: v for k, v in counts(resp, "date").items() if len(k) == 10}
    assert days == {"2024-06-05": 1, "2024-06-18": 1, "2024-06-20": 1}
    assert selected(resp, "date") == {"2024-06"}


def test_date_facet_is_in_chronological_order(archive):
    resp = search(archive, **{"from": "2024-06", "to": "2024-06"})
    (dates,) = [f for f in resp.facets if f.name == "date"]
    values = [v.value for v in dates.values]
    assert values == sorted(values)


@pytest.mark.parametrize("value, matching", [("2024-06-18", {"a1"}), ("2024-06", {"a1", "a2", "a5"})])
def test_selected_date_shows_its_real_count(archive, value, matching):
    resp = search(archive, date=value)
    assert set(ids(resp)) == matching
    assert counts(resp, "date")[value] == len(matching)


def test_from_to_filter_by_day_and_drop_undated(archive):
    assert set(ids(search(archive, **{"from": "2024-06-18"}))) == {"a1", "a2", "a3"}
    assert set(ids(search(archive, to="2024-06-18"))) == {"a1", "a5"}
    assert set(ids(search(archive, **{"from": "2024-06-19", "to": "2024-06-30"}))) == {"a2"}
    assert "a4" not in set(ids(search(archive, **{"from": "2000"})))


def test_unknown_filter_value_gives_no_results(archive):
    assert search(archive, outlet="Detik").total == 0


def test_long_facets_are_truncated(make_index):
    arts = [Article(id=f"t{i}", paragraphs=["berita"], tags=[f"topik{i:02d}"]) for i in range(FACET_SIZE + 2)]
    resp = search(make_index(arts))
    (tags,) = [f for f in resp.facets if f.name == "tag"]
    assert tags.truncated and len(tags.values) == FACET_SIZE
    (outlets,) = [f for f in resp.facets if f.name == "outlet"]
    assert not outlets.truncated and outlets.values == []


def test_facet_table_ignores_deleted_documents(archive, tmp_path):
    from whoosh import index as whoosh_index

    from search.engine.whoosh import store
    gen = store.current_generation(tmp_path / "index")
    ix = whoosh_index.open_dir(str(gen))
    with ix.writer() as w:
        w.delete_by_term("id", "a5")
    with ix.searcher() as s:
        table = FacetTable.load(s.reader())
        assert len(table.live) == 4
        assert "Tempo" not in table.index["outlet"]


def test_browse_counts_are_kept_and_not_changed_by_later_requests(archive):
    """Counts over every live document are computed once per table; a request that merges
    day counts into them (a selected month) must not alter what the next browse shows."""
    first = {f.name: counts(search(archive), f.name) for f in search(archive).facets}
    search(archive, date="2024-06")
    search(archive, date="2024-06-18")
    again = {f.name: counts(search(archive, page="2"), f.name) for f in search(archive).facets}
    assert again == first
    assert first["date"] == {"2024-06": 3, "2024-07": 1}


def test_month_and_day_filters_select_the_same_documents_as_before(archive):
    """The date facet keeps months and days apart; a month filter selects every day in it."""
    month = {r.id for r in search(archive, date="2024-06", per_page="50").results}
    days = set()
    for d in ("2024-06-05", "2024-06-18", "2024-06-20"):
        days |= {r.id for r in search(archive, date=d, per_page="50").results}
    assert month == days and len(month) == 3


def test_an_empty_archive_browses_with_every_facet_empty(make_index):
    resp = search(make_index([]))
    assert resp.total == 0
    assert [(f.name, f.values, f.truncated) for f in resp.facets] == [(n, [], False) for n in FACET_ORDER]
