"""The metadata reference managers read from an article page (citation_* as Zotero reads them,
Dublin Core, OpenGraph, JSON-LD NewsArticle), checked against the article's own metadata
through the real app, and the page's citation formats."""
from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest

from app import create_app
from conftest import SEEDS, corpus
from search import ingest
from search.engine.whoosh.build import build
from search.models import Article


class Head(HTMLParser):
    """Every <meta> (name or property -> [content]) and the JSON-LD blocks of a page."""

    def __init__(self):
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.jsonld: list[dict] = []
        self.links: dict[str, str] = {}
        self._ld = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and (a.get("name") or a.get("property")):
            self.meta.setdefault(a.get("name") or a.get("property"), []).append(a["content"])
        if tag == "link" and a.get("rel"):
            self.links[a["rel"]] = a["href"]
        self._ld = tag == "script" and a.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._ld:
            self.jsonld.append(json.loads(data))
            self._ld = False


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    items = list(ingest.load([SEEDS])) + corpus()
    with_authors = corpus()[0]
    with_authors.id, with_authors.authors = "bylined", ["Ani Lestari", "Budi <Santoso>"]
    with_authors.title = 'Judul dengan "kutip" & </script> di dalamnya'
    root = tmp_path_factory.mktemp("index")
    build(items + [with_authors], root)
    return create_app({"INDEX_DIR": str(root), "TESTING": True}).test_client()


def head_of(client, aid: str) -> Head:
    h = Head()
    h.feed(client.get(f"/articles/{aid}?lang=id").get_data(as_text=True))
    return h


@pytest.mark.parametrize("aid", ["002_a7e7424a1120ba56", "000_faf80de4edf6396f", "001_8d21a0af7c968f8f",
                                 "a1", "a4", "bylined"])
def test_citation_tags_match_the_articles_metadata(client, aid):
    data = client.get(f"/api/articles/{aid}").get_json()
    h = head_of(client, aid)
    title = data["title"]["value"]
    if title:
        assert h.meta["citation_title"] == [title] == h.meta["og:title"] == h.meta["DC.title"]
    else:  # no headline: the first words, as the page shows them
        assert h.meta["citation_title"][0].startswith(" ".join(data["paragraphs"][0]["text"].split()[:5]))
    assert h.meta.get("citation_author", []) == data["authors"]["value"] == h.meta.get("DC.creator", [])
    date = data["date"]["value"]
    assert h.meta.get("citation_publication_date") == ([date.replace("-", "/")] if date else None)
    outlet = data["outlet"]["value"]
    assert h.meta.get("citation_journal_title") == ([outlet] if outlet else None)
    assert h.meta["citation_public_url"] == [f"http://localhost/articles/{aid}"] == h.meta["og:url"]
    assert h.links["canonical"] == f"http://localhost/articles/{aid}"
    (ld,) = h.jsonld
    assert ld["@type"] == "NewsArticle" and ld["url"] == f"http://localhost/articles/{aid}"
    assert ld.get("datePublished") == date
    assert [p["name"] for p in ld.get("author", [])] == data["authors"]["value"]
    assert ld.get("publisher", {}).get("name") == outlet
    assert [p["url"] for p in ld["hasPart"]] == [p["url"] for p in data["paragraphs"]]


def test_unknown_values_are_left_out_of_the_tags(client):
    h = head_of(client, "001_8d21a0af7c968f8f")  # no outlet, no date, no author
    for name in ("citation_author", "citation_publication_date", "citation_journal_title",
                 "article:published_time", "DC.publisher"):
        assert name not in h.meta


def test_untrusted_text_is_escaped_in_tags_and_json_ld(client):
    page = client.get("/articles/bylined").get_data(as_text=True)
    assert "</script> di dalamnya" not in page and "Budi <Santoso>" not in page
    h = head_of(client, "bylined")
    assert h.meta["citation_author"] == ["Ani Lestari", "Budi <Santoso>"]
    assert h.jsonld[0]["headline"] == 'Judul dengan "kutip" & </script> di dalamnya'


def test_the_page_offers_every_format_with_a_download(client):
    page = client.get("/articles/002_a7e7424a1120ba56?lang=id").get_data(as_text=True)
    for fmt, needle in (("text", "Kontan; sumber: Reuters"), ("csl-json", "article-newspaper"),
                        ("ris", "TY  - NEWS"), ("biblatex", "entrysubtype = {newspaper}")):
        assert f'class="citation format-{fmt}"' in page and needle in page
        assert f"/api/articles/002_a7e7424a1120ba56/cite?format={fmt}&amp;download=1" in page
        assert f"/api/articles/002_a7e7424a1120ba56/paragraphs/8/cite?format={fmt}&amp;download=1" in page
    assert "#p8:~:text=Juru%20bicara" in page  # a text-fragment link per paragraph


def test_english_page_and_article_without_original_address(client):
    page = client.get("/articles/a1?lang=en").get_data(as_text=True)
    assert "Cite this article" in page and "This paragraph on the original site" in page
    assert "https://kontan.example/a1#:~:text=" in page
    page = client.get("/articles/a2?lang=en").get_data(as_text=True)
    assert "This paragraph on the original site" not in page  # a2 has no known address


def test_pages_of_seeds_ingested_from_files_have_no_invented_author(client):
    arts = {a.id: a for a in ingest.load([SEEDS]) if isinstance(a, Article)}
    assert all(a.authors == [] and a.basis_of("authors") == "unknown" for a in arts.values())
    assert arts["000_faf80de4edf6396f"].editors == ["jm", "lt"]  # the sidecar's reading stands
