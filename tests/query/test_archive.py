"""Archive: searching, ordering, paging, articles, refreshing and refusing bad indexes."""
from __future__ import annotations

import json
import re

import pytest

from conftest import ids, search
from search.engine.whoosh import store
from search.errors import IndexMissing, IndexVersionMismatch, NotFound
from search.present.anchors import fingerprint
from search.query.archive import Archive
from search.query.params import SearchRequest


def test_two_words_find_the_articles_having_both(archive):
    resp = search(archive, q="sanksi PBB")
    assert sorted(ids(resp)) == ["a1", "a3", "a5"]
    assert resp.total == 3 and resp.query.mode == "all"
    for r in resp.results:
        assert r.paragraphs, r.id
        assert all("<mark>" in p.html for p in r.paragraphs)


def test_snippets_point_at_numbered_paragraphs(archive, articles):
    by_id = {a.id: a for a in articles}
    (a1,) = [r for r in search(archive, q="sanksi PBB").results if r.id == "a1"]
    for p in a1.paragraphs:
        plain = re.sub(r"</?mark>", "", p.html)
        assert plain == by_id["a1"].paragraphs[p.n - 1]
        assert p.url == f"/articles/a1/p{p.n}-{fingerprint(plain)}"  # the durable permalink
    assert a1.article_url == "/articles/a1?q=sanksi+PBB"


def test_phrase_returns_only_articles_with_the_phrase(archive):
    resp = search(archive, q='"sanksi PBB"')
    assert sorted(ids(resp)) == ["a1", "a5"]  # a3 has both words, but in different paragraphs
    (a1,) = [r for r in resp.results if r.id == "a1"]
    assert a1.paragraphs[0].n == 3
    assert "<mark>sanksi PBB</mark>" in a1.paragraphs[0].html


def test_negation_removes_articles(archive):
    assert sorted(ids(search(archive, q="sanksi -rusia"))) == ["a2", "a3"]
    assert sorted(ids(search(archive, q="sanksi NOT rusia"))) == ["a2", "a3"]


@pytest.mark.parametrize("q", ["NOT sanksi", "-sanksi", "-sanksi -PBB"])
def test_pure_negative_query_lists_the_other_articles(archive, q):
    assert ids(search(archive, q=q)) == ["a4"]


def test_stemmed_forms_find_each_other(archive, articles):
    from search.text.analysis import analyze, join_paragraphs
    root = analyze("kunjungan")[0]
    expected = {a.id for a in articles if root in analyze(join_paragraphs([a.title or ""] + a.paragraphs))}
    assert "a2" in expected
    assert set(ids(search(archive, q="kunjungan"))) == expected
    assert set(ids(search(archive, q="Kunjungan"))) == expected


def test_long_query_ranks_by_coverage_without_emptying(archive):
    resp = search(archive, q="sanksi PBB Rusia diperluas hujan")
    assert resp.query.mode == "any"
    assert ids(resp)[0] == "a5"  # the only article with four of the five words
    assert {"a1", "a2", "a3", "a5"} == set(ids(resp))


def test_empty_query_lists_newest_first_unknown_dates_last(archive):
    resp = search(archive)
    assert ids(resp) == ["a3", "a2", "a1", "a5", "a4"]
    assert resp.sort == "newest" and resp.query.is_browse


def test_sort_oldest_puts_unknown_dates_last(archive):
    assert ids(search(archive, sort="oldest")) == ["a5", "a1", "a2", "a3", "a4"]


def test_sort_newest_with_a_query(archive):
    assert ids(search(archive, q="sanksi", sort="newest")) == ["a3", "a2", "a1", "a5"]


def test_browse_snippet_is_the_lede_unmarked(archive, articles):
    (a4,) = [r for r in search(archive).results if r.id == "a4"]
    assert [(p.n, p.html) for p in a4.paragraphs] == [(1, articles[3].paragraphs[0])]
    assert not a4.has_title and a4.title.endswith(" …")


def test_pagination_totals_and_links(archive):
    first = search(archive, per_page="2")
    assert (first.total, first.page.pages, len(first.results)) == (5, 3, 2)
    assert first.page.prev_url is None and "page=2" in first.page.next_url
    last = search(archive, per_page="2", page="3")
    assert ids(last) == ["a4"] and last.page.next_url is None and "page=2" in last.page.prev_url
    pages = [ids(search(archive, per_page="2", page=str(n))) for n in (1, 2, 3)]
    assert sum(pages, []) == ids(search(archive))
    assert search(archive, per_page="2", page="9").results == []


def test_chips_list_active_filters_with_remove_links(archive):
    resp = search(archive, q="sanksi", outlet="Kontan", **{"from": "2024-06"})
    assert [(c.param, c.value) for c in resp.chips] == [("outlet", "Kontan"), ("from", "2024-06")]
    assert all(c.param + "=" not in c.remove_url for c in resp.chips)


def test_article_returns_the_record(archive, articles):
    got = archive.article("a1")
    want = articles[0]
    assert (got.id, got.title, got.paragraphs, got.outlet, got.date, got.editors, got.tags, got.source) == \
        (want.id, want.title, want.paragraphs, want.outlet, want.date, want.editors, want.tags, want.source)


def test_unknown_article_is_not_found(archive):
    with pytest.raises(NotFound) as e:
        archive.article("tidak-ada")
    assert e.value.status == 404 and "tidak-ada" in e.value.message


def test_rebuild_keeps_ids_and_paragraph_numbers(make_index, articles, tmp_path):
    first = make_index(articles)
    before = {r.id: [(p.n, p.url) for p in r.paragraphs] for r in search(first, q="sanksi PBB").results}
    second = make_index(articles)  # same root: a new generation
    after = {r.id: [(p.n, p.url) for p in r.paragraphs] for r in search(second, q="sanksi PBB").results}
    assert before == after
    assert second.article("a1").paragraphs == articles[0].paragraphs


def test_archive_picks_up_a_new_generation(make_index, articles, tmp_path):
    arc = make_index(articles)
    gen_before = arc.stats()["generation"]
    assert arc.search(SearchRequest.from_args({"q": "minyak"})).total == 1
    make_index([a for a in articles if a.id != "a3"])
    assert arc.stats()["generation"] != gen_before
    assert arc.search(SearchRequest.from_args({"q": "minyak"})).total == 0
    with pytest.raises(NotFound):
        arc.article("a3")


def test_stats_describe_the_index(archive, tmp_path):
    s = archive.stats()
    assert (s["articles"], s["outlets"], s["dated"]) == (5, 3, 4)
    assert (s["first_date"], s["last_date"]) == ("2024-06-05", "2024-07-02")
    assert s["generation"] == store.current_generation(tmp_path / "index").name
    assert s["terms"] > 20


def test_other_schema_version_refuses_to_open(make_index, articles, tmp_path):
    make_index(articles).close()
    gen = store.current_generation(tmp_path / "index")
    manifest = json.loads((gen / store.MANIFEST).read_text())
    manifest["schema_version"] = "0+old"
    (gen / store.MANIFEST).write_text(json.dumps(manifest))
    arc = Archive(tmp_path / "index")
    with pytest.raises(IndexVersionMismatch) as e:
        arc.search(SearchRequest())
    assert "rebuild" in e.value.message.lower() and "0+old" in e.value.message
    assert e.value.status == 503


def test_missing_index_says_how_to_build(tmp_path):
    with pytest.raises(IndexMissing) as e:
        Archive(tmp_path / "nothing").search(SearchRequest())
    assert "python -m search build" in e.value.message and e.value.status == 503


def test_incomplete_index_is_missing(tmp_path):
    (tmp_path / "ix").mkdir()
    (tmp_path / "ix" / "CURRENT").write_text("gen-gone\n")
    with pytest.raises(IndexMissing):
        Archive(tmp_path / "ix").stats()

