"""The page parts of issue 16 over HTTP: the reading and did-you-mean in the JSON and on the page,
partial matches marked, facet "more" pages with paging, topic tags as filter links, and
"lihat semua N paragraf"."""
from __future__ import annotations

import pytest

from app import create_app
from search.models import Article
from tests.conftest import corpus


def many_tags() -> list[Article]:
    texts = ["Banjir lagi.", "Warga mengungsi.", "Banjir surut.", "Banjir datang lagi."]
    return [Article(id=f"t{i}", title=f"Banjir {i}", paragraphs=[f"Banjir di kota {i}.", *texts],
                    outlet=f"Media {i % 12}", date=f"2023-0{1 + i % 9}-1{i % 10}", tags=[f"topik{i:03d}"])
            for i in range(60)]


@pytest.fixture
def client(make_index, tmp_path):
    make_index(corpus() + many_tags(), root=tmp_path / "ix")
    return create_app({"INDEX_DIR": str(tmp_path / "ix"), "TESTING": True}).test_client()


def test_json_reading_and_did_you_mean(client):
    data = client.get("/api/search?q=sanksi+ATAU+banjir").get_json()
    assert data["read_as"] == "sanksi OR banjir" and data["did_you_mean"] is None and not data["partial_matches"]
    data = client.get("/api/search?q=bnajir").get_json()
    assert data["did_you_mean"] == {"query": "banjir", "url": "http://localhost/?q=banjir"}
    page = client.get("/?q=bnajir").get_data(as_text=True)
    assert 'href="/?q=banjir"' in page and "Mungkin maksud Anda" in page
    data = client.get("/api/search?q=rusia+minyak").get_json()
    assert data["partial_matches"] and data["total"] > 0
    assert "Tidak ada artikel yang memuat semua kata" in client.get("/?q=rusia+minyak").get_data(as_text=True)
    assert client.get("/api/search?q=yang+sanksi").get_json()["ignored"] == ["yang"]


def test_facet_more_lists_every_value_with_paging(client):
    page = client.get("/?q=banjir").get_data(as_text=True)
    assert 'href="/facets/tag?q=banjir"' in page
    first = client.get("/facets/tag?q=banjir").get_data(as_text=True)
    second = client.get("/facets/tag?q=banjir&fpage=2").get_data(as_text=True)
    assert "topik000" in first and "topik059" not in first and "topik059" in second
    assert "<p>60 nilai</p>" in first  # how many values, in words (was a bare number)
    assert "<p>60 values</p>" in client.get("/facets/tag?q=banjir&lang=en").get_data(as_text=True)
    assert "fpage=2" in first
    data = client.get("/api/search/facets/tag?q=banjir").get_json()
    assert data["total"] == 60 and len(data["values"]) == 60
    assert client.get("/facets/nope").status_code == 404


def test_tags_are_filter_links_and_paragraph_counts(client):
    page = client.get("/?q=banjir").get_data(as_text=True)
    assert 'class="tag" href="/?q=banjir&amp;tag=topik' in page
    data = client.get("/api/search?q=banjir").get_json()
    assert all(r["matching_paragraphs"] == 4 for r in data["results"])
    assert "lihat semua 4 paragraf" in page
