"""The Flask-free half of app.py's views (search.present.views): what a page or an API response
is made of, and the checks that turn a bad argument into a domain error. Through the app,
tests/test_app.py."""
from __future__ import annotations

import subprocess
import sys

import pytest
from werkzeug.datastructures import MultiDict

from conftest import ROOT
from search.errors import BadRequest, NotFound
from search.models import Article
from search.present import cite_formats, views
from search.query.params import SearchRequest


def test_neither_half_of_the_web_layer_without_flask_imports_it():
    code = ("import sys, search.present.views, search.present.web; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'flask', 'werkzeug'}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_format_is_one_of_the_formats_or_a_400_naming_them():
    assert views.checked_format("ris", cite_formats.FORMATS) == "ris"
    with pytest.raises(BadRequest) as err:
        views.checked_format("xml", ("csv", "jsonl"))
    assert err.value.status == 400 and err.value.key == "bad_format"
    assert err.value.message == "'format' must be one of csv, jsonl; got 'xml'."
    assert err.value.params == {"choices": "csv, jsonl", "value": "xml"}


def test_back_to_results_keeps_the_search_and_what_can_be_kept_of_a_bad_link():
    assert views.search_back({"q": ["banjir"], "outlet": ["Tempo"], "page": ["2"]}) == \
        SearchRequest.from_args({"q": ["banjir"], "outlet": ["Tempo"], "page": ["2"]}).qs()
    assert views.search_back({"q": ["banjir", "x"], "page": ["zz"]}) == "?q=banjir"
    assert views.search_back({"q": ["b" * 2000], "sort": ["bad"]}) == "?q=" + "b" * 1000
    assert views.search_back({}) == views.search_back({"page": ["zz"]}) == ""


def test_the_checks_of_a_facet_a_permalink_and_a_paragraph_are_404s():
    views.check_facet("outlet")
    with pytest.raises(NotFound) as err:
        views.check_facet("nope")
    assert (err.value.status, err.value.key, err.value.params) == (404, "no_facet", {"name": "nope"})
    assert views.permalink_anchor("a1", "p8-0123456789abcdef") == (8, "0123456789abcdef")
    with pytest.raises(NotFound) as err:
        views.permalink_anchor("a1", "zzz")
    assert err.value.key == "bad_permalink" and "'zzz' is not a paragraph link of article 'a1'" in err.value.message
    views.check_paragraph("a1", 3, 1)
    views.check_paragraph("a1", 3, 3)
    for n in (0, 4):
        with pytest.raises(NotFound) as err:
            views.check_paragraph("a1", 3, n)
        assert err.value.key == "no_paragraph" and err.value.params == {"id": "a1", "count": 3, "n": n}


@pytest.mark.parametrize(("count", "asked", "shown", "page", "pages"), [
    (0, 1, 0, 1, 1), (50, 2, 50, 1, 1), (51, 2, 1, 2, 2), (120, None, 50, 1, 3), (120, 0, 50, 1, 3),
    (120, -4, 50, 1, 3), (120, 3, 20, 3, 3), (120, 99, 20, 3, 3)])
def test_a_facet_is_shown_fifty_values_a_page_and_a_page_out_of_range_is_the_nearest(count, asked, shown, page,
                                                                                        pages):
    values = list(range(count))
    got, got_page, got_pages = views.facet_slice(values, asked)
    assert (len(got), got_page, got_pages) == (shown, page, pages)
    assert got == values[(page - 1) * views.FACET_PAGE:][:shown]


def test_a_feed_links_each_entry_with_its_query():
    a = Article(id="a/1", paragraphs=["x"])
    title, qs, entries = views.feed_parts(SearchRequest(q="banjir bandang"), [(a, "x")])
    assert (title, qs) == ("Kliping: banjir bandang", "?q=banjir+bandang")
    assert entries == [(a, "x", "/articles/a%2F1?q=banjir+bandang")]
    assert views.feed_parts(SearchRequest(), [(a, "x")]) == ("Kliping", "", [(a, "x", "/articles/a%2F1")])


def test_the_file_headers():
    assert views.export_headers("jsonl", 5000) == {
        "Content-Disposition": 'attachment; filename="kliping.jsonl"', "X-Kliping-Export-Limit": "5000"}
    assert views.safe_name("002_a7e/../x y") == "kliping-002_a7e-..-x-y"
    assert len(views.safe_name("x" * 300)) == len("kliping-") + 100
    assert views.cite_headers("ris", "kliping-a1-p2", None) == {"Content-Type": cite_formats.MIMETYPES["ris"]}
    for download in ("1", "true", "yes"):
        assert views.cite_headers("biblatex", "kliping-a1", download)["Content-Disposition"] == \
            'attachment; filename="kliping-a1.bib"'
    assert "Content-Disposition" not in views.cite_headers("text", "kliping-a1", "0")


def test_citing_a_result_set_takes_its_first_articles_whatever_page_was_asked():
    args = {"q": ["banjir"], "page": ["3"], "per_page": ["2"], "outlet": ["Tempo"]}
    got = views.cited_set_args(args)
    assert got == {"q": ["banjir"], "page": ["1"], "per_page": [str(cite_formats.SET_MAX)], "outlet": ["Tempo"]}
    assert args["page"] == ["3"]  # the request's own arguments are left alone


def test_the_language_of_a_request_and_the_addresses_made_in_it():
    assert views.choose_language("en", "id") == ("en", True)
    assert views.choose_language(None, "en") == ("en", False)
    assert views.choose_language("xx", "yy") == ("id", False)
    helpers = views.address_helpers("/kliping", "/facets/tag", MultiDict([("q", "a b"), ("lang", "id"), ("x", "1")]))
    assert helpers["lang_url"]("en") == "/kliping/facets/tag?q=a+b&lang=en&x=1"
    assert helpers["href"]("/articles/a1") == "/kliping/articles/a1"
    assert helpers["para"]("a1", 3) == "/kliping/articles/a1#p3"
    words = views.language_helpers("en")
    assert words["lang"] == "en" and words["fnum"](12345) == "12,345"
    assert views.http_error_message(404, "en") == words["t"]("page_not_found")
    assert views.error_code("Method Not Allowed") == "method_not_allowed"


def test_the_help_page_is_markdown_with_tables_and_nothing_unsafe(tmp_path):
    (tmp_path / "help.en.md").write_text("# Help\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n<script>alert(1)</script>\n",
                                         encoding="utf-8")
    html = views.help_html(tmp_path, "en")
    assert "<h1>Help</h1>" in html and "<table>" in html and "<script" not in html
    assert html.__html__() == str(html)  # marked safe for the template
