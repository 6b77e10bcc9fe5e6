"""Exports (/api/search/export, CSV and JSON Lines) and the Atom feed (/feed): rows checked
against the search, every matching article present, the cap with its notice."""
from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest

from app import create_app
from search.present.citations import permalink_path
from search.query.export import Notice, rows
from search.query.params import SearchRequest
from search.query.snippets import matching_paragraphs
from tests.conftest import corpus, ids, search


@pytest.fixture
def client(make_index, tmp_path):
    make_index(corpus(), root=tmp_path / "ix")
    return create_app({"INDEX_DIR": str(tmp_path / "ix"), "TESTING": True}).test_client()


def test_rows_are_the_matching_paragraphs_of_every_match(archive):
    req = SearchRequest(q="sanksi")
    got = list(rows(archive, req))
    resp = search(archive, "sanksi", per_page="100")
    assert [r.article.id for r in got if not isinstance(r, Notice)] == \
        [i for i in ids(resp) for _ in range(len(matching_paragraphs(archive.article(i).paragraphs,
                                                                     resp.query.highlight)))]
    assert {r.article.id for r in got} == set(ids(resp))
    for r in got:
        assert r.matched and r.text == r.article.paragraphs[r.n - 1] and r.path == permalink_path(r.article, r.n)


def test_an_article_without_a_marked_paragraph_still_appears(archive):
    got = list(rows(archive, SearchRequest(q="media:kompas")))
    assert {r.article.id for r in got} == {"a2", "a4"} and all(not r.matched and r.n == 1 for r in got)


def test_the_cap_stops_with_a_notice(archive):
    got = list(rows(archive, SearchRequest(q="sanksi"), limit=2))
    assert isinstance(got[-1], Notice) and got[-1].articles == 4 and got[-1].rows <= 2
    assert all(not isinstance(r, Notice) for r in got[:-1])


def test_csv_and_jsonl_over_http(client, archive):
    resp = client.get("/api/search/export?q=sanksi&outlet=Kontan&format=csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    table = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))
    assert {r["article_id"] for r in table} == {"a1", "a3"}
    assert all(r["url"].startswith("http://localhost/articles/") and r["outlet"] == "Kontan" for r in table)
    lines = client.get("/api/search/export?q=sanksi&outlet=Kontan&format=jsonl").get_data(as_text=True).splitlines()
    records = [json.loads(x) for x in lines]
    assert [(r["article_id"], r["n"]) for r in records] == [(r["article_id"], int(r["n"])) for r in table]
    assert client.get("/api/search/export?q=sanksi&format=xls").status_code == 400


def test_feed_lists_the_newest_matches(client):
    resp = client.get("/feed?q=sanksi")
    assert resp.status_code == 200 and resp.mimetype == "application/atom+xml"
    root = ET.fromstring(resp.get_data())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = root.findall("a:entry", ns)
    assert [e.find("a:updated", ns).text[:10] for e in entries] == ["2024-07-02", "2024-06-20", "2024-06-18",
                                                                     "2024-06-05"]
    assert entries[0].find("a:link", ns).get("href").startswith("http://localhost/articles/a3")
    page = client.get("/?q=sanksi").get_data(as_text=True)
    assert 'type="application/atom+xml"' in page and "format=csv" in page and "format=jsonl" in page
