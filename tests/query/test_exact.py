"""Exact forms: quoted phrases and the "exact words" option match the unstemmed `exact` field,
on real indexes (seeds/ and a small tmp corpus); the web form, JSON and CLI carry the option."""
from __future__ import annotations

import json

import pytest

from app import create_app
from conftest import SEEDS
from search import ingest
from search.cli import main as cli_main
from search.engine.whoosh.build import build
from search.engine.whoosh.schema import schema
from search.models import Article
from search.query.params import SearchRequest
from search.query.parse import parse_query
from search.settings import DEFAULT
from search.text.analysis import tokens


def news() -> list[Article]:
    return [
        Article(id="e1", title="Berita dari Seoul", paragraphs=["Sebuah berita singkat tentang pameran buku."]),
        Article(id="e2", paragraphs=["Pemberitaan media tentang pameran itu diberitakan luas."]),
        Article(id="e3", paragraphs=["Kantor berita memberitakan bahwa pemberitaan akan berlanjut."]),
    ]


@pytest.fixture
def arc(make_index):
    return make_index(news())


def ids(arc, q, **kw):
    return {r.id for r in arc.search(SearchRequest(q=q, **kw)).results}


def test_exact_field_is_the_same_analysis_without_stemming():
    exact = schema(DEFAULT)["exact"]
    assert exact.analyzer.stem is False and schema(DEFAULT)["body"].analyzer.stem is True
    assert not exact.stored
    text = "Pemberitaan yang diberitakan\u2029Berita"
    stemmed, exact = list(tokens(text)), list(tokens(text, stem=False))
    assert [t.pos for t in stemmed] == [t.pos for t in exact]  # same positions and paragraph gaps
    assert [t.text for t in exact] == ["pemberitaan", "diberitakan", "berita"]  # stop word dropped too
    assert len({t.text for t in stemmed}) == 1


def test_plain_word_matches_stemmed_variants(arc):
    assert ids(arc, "berita") == {"e1", "e2", "e3"}


def test_quoted_word_matches_only_that_form(arc):
    assert ids(arc, '"berita"') == {"e1", "e3"}
    assert ids(arc, '"pemberitaan"') == {"e2", "e3"}


def test_exact_option_makes_every_plain_word_exact(arc):
    assert ids(arc, "berita", exact=True) == {"e1", "e3"}
    assert ids(arc, "berita pameran", exact=True) == {"e1"}
    assert ids(arc, "diberitakan", exact=True) == {"e2"}
    assert parse_query("berita", exact=True).describe() == '"berita"'


def test_exact_phrase_needs_the_forms_in_order(arc):
    assert ids(arc, '"kantor berita"') == {"e3"}
    assert ids(arc, '"berita kantor"') == set()


def test_exact_matches_are_marked_by_their_written_form(arc):
    resp = arc.search(SearchRequest(q='"berita"'))
    html = " ".join(p.html for r in resp.results for p in r.paragraphs)
    assert "<mark>berita</mark>" in html
    assert "<mark>pemberitaan</mark>" not in html and "<mark>memberitakan</mark>" not in html
    stemmed = " ".join(p.html for r in arc.search(SearchRequest(q="berita")).results for p in r.paragraphs)
    assert "<mark>memberitakan</mark>" in stemmed or "<mark>Pemberitaan</mark>" in stemmed


def test_seeds_quoted_berita_does_not_match_stemmed_variants(tmp_path):
    root = tmp_path / "seeds-ix"
    build(list(ingest.load([SEEDS])) + news(), root)
    from search.query.archive import Archive
    arc = Archive(root)
    try:
        assert {"e1", "e3"} <= ids(arc, '"berita"', per_page=50)
        assert "e2" not in ids(arc, '"berita"', per_page=50)
        assert "e2" not in ids(arc, "berita", exact=True, per_page=50)
        assert "e2" in ids(arc, "berita", per_page=50)
    finally:
        arc.close()


def test_request_round_trips_exact():
    req = SearchRequest.from_args({"q": "berita", "exact": "1"})
    assert req.exact and ("exact", "1") in req.params()
    assert "exact=1" in req.toggle_qs("outlet", "Kompas") and "exact=1" in req.page_qs(2)
    assert not SearchRequest.from_args({"q": "berita"}).exact
    assert not SearchRequest.from_args({"q": "berita", "exact": "0"}).exact


def test_web_form_json_and_cli_carry_exact(tmp_path, capsys):
    root = tmp_path / "ix"
    build(news(), root)
    client = create_app({"INDEX_DIR": str(root), "TESTING": True}).test_client()
    page = client.get("/?q=berita&exact=1").get_data(as_text=True)
    assert 'name="exact" value="1" checked' in page
    assert 'name="exact" value="1"' in client.get("/?q=berita").get_data(as_text=True)
    assert 'value="1" checked' not in client.get("/?q=berita").get_data(as_text=True)
    data = client.get("/api/search?q=berita&exact=1").get_json()
    assert data["exact"] is True and {r["id"] for r in data["results"]} == {"e1", "e3"}
    data = client.get("/api/search?q=AS+berita").get_json()
    assert data["exact"] is False and data["expansions"] == [{"from": "AS", "to": ["Amerika Serikat"]}]
    page = client.get("/?q=AS+berita").get_data(as_text=True)
    assert "<code>AS</code> → <code>Amerika Serikat</code>" in page
    assert cli_main(["query", "berita", "--exact", "--json", "--index", str(root)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["exact"] is True and {r["id"] for r in out["results"]} == {"e1", "e3"}
