"""Story clusters (search.stories.clusters) on REAL indexes: articles of several outlets carrying
one story make one story; collapse=story shows one result per story on the page and in
/api/search, each result says its story, and ?story= lists the whole cluster."""
from __future__ import annotations

import pytest

from app import create_app
from conftest import SEEDS, ids, search
from search.errors import BadRequest
from search.ingest import load
from search.models import Article
from search.query.params import SearchRequest

K002, K003 = "002_a7e7424a1120ba56", "003_89fcd6159c03982d"

WIRE = [
    "Gempa berkekuatan 6,2 magnitudo mengguncang Kabupaten Cianjur Jawa Barat pada Senin siang "
    "dan merusak ratusan rumah warga di tiga kecamatan menurut Badan Penanggulangan Bencana.",
    "Kepala Pusat Data BNPB Abdul Muhari menyebut 162 orang meninggal dunia dan ribuan warga "
    "mengungsi ke tenda darurat di lapangan desa setelah gempa Cianjur itu.",
]


def story_corpus() -> list[Article]:
    arts = [Article(id=f"w{i}", outlet=o, date="2022-11-21", title=f"Gempa Cianjur versi {o}",
                    paragraphs=[f"Laporan {o} dari lokasi bencana nomor {i}.", *WIRE])
            for i, o in enumerate(["Kontan", "Kompas", "Tempo"])]
    # the same background two months later, in another story
    arts.append(Article(id="late", outlet="Antara", date="2023-01-25", title="Pemulihan pascagempa",
                        paragraphs=["Pemerintah membangun kembali sekolah yang rusak di Cianjur.", WIRE[1]]))
    arts.append(Article(id="solo", outlet="Kontan", date="2022-11-21", title="Harga cabai naik",
                        paragraphs=["Harga cabai rawit di pasar induk naik tajam pekan ini."]))
    return arts


def test_one_wire_story_in_three_outlets_is_one_story(make_index):
    arc = make_index(story_corpus())
    s = arc.story_of("w0")
    assert s is not None and s.size == 3 and set(s.outlets) == {"Kontan", "Kompas", "Tempo"}
    assert arc.story_of("w1") == s and arc.story_of("late") != s and arc.story_of("late").size == 1
    assert s.others("Kontan") == 2


def test_collapse_shows_one_result_per_story(make_index):
    arc = make_index(story_corpus())
    every = search(arc, "gempa Cianjur")
    assert every.total == 4 and len(every.results) == 4
    one = search(arc, "gempa Cianjur", collapse="story")
    assert one.total == 4 and one.stories == 2 and len(one.results) == 2
    assert {r.story.size for r in one.results} == {3, 1}
    members = search(arc, "", story=arc.story_of("w0").id)
    assert sorted(ids(members)) == ["w0", "w1", "w2"]


def test_seeds_002_and_003_are_one_story(make_index):
    arts = [a for a in load([SEEDS]) if isinstance(a, Article)]
    arc = make_index(arts)
    s = arc.story_of(K002)
    assert s.size == 2 and set(s.members) == {K002, K003} and s.outlets == ("Kontan",) and s.unknown == 1
    assert arc.story_of("000_faf80de4edf6396f").size == 1


def test_bad_collapse_and_story_are_refused():
    with pytest.raises(BadRequest):
        SearchRequest.from_args({"collapse": "outlet"})
    with pytest.raises(BadRequest):
        SearchRequest.from_args({"story": "<script>"})


@pytest.fixture
def client(make_index, tmp_path):
    make_index(story_corpus(), root=tmp_path / "ix")
    app = create_app({"INDEX_DIR": str(tmp_path / "ix"), "TESTING": True})
    yield app.test_client()
    app.extensions["kliping"].close()


def test_api_search_carries_each_results_story_and_collapses(client):
    data = client.get("/api/search?q=gempa+Cianjur&collapse=story").get_json()
    assert data["collapse"] == "story" and data["stories"] == 2 and len(data["results"]) == 2
    for r in data["results"]:
        assert set(r["story"]) >= {"id", "size", "outlets"}
    big = next(r["story"] for r in data["results"] if r["story"]["size"] == 3)
    assert sorted(big["outlets"]) == ["Kompas", "Kontan", "Tempo"]
    listed = client.get(f"/api/search?story={big['id']}").get_json()
    assert listed["total"] == 3
    assert client.get("/api/search?collapse=nope").status_code == 400


def test_the_page_says_also_in_n_outlets_and_links_the_cluster(client):
    html = client.get("/?q=gempa+Cianjur&collapse=story").get_data(as_text=True)
    assert "juga di 2 media lain" in html and "?story=s" in html and "Tampilkan semua artikel" in html
    assert "2 cerita" in html
    en = client.get("/?q=gempa+Cianjur&collapse=story&lang=en").get_data(as_text=True)
    assert "also in 2 other outlets" in en
    sid = client.get("/api/search?q=gempa").get_json()["results"][0]["story"]["id"]
    page = client.get(f"/?story={sid}&lang=id").get_data(as_text=True)
    assert "Cerita:" in page and "Gempa Cianjur versi" in page  # the chip of the story filter


def test_stories_of_many_ids_reads_in_batches_and_keeps_their_order(make_index, monkeypatch):
    from search.stories import storystore
    arc = make_index(story_corpus())
    asked = ["solo", "nope", "w2", "late", "w0", "w2", "w1"]
    want = {aid: arc.story_of(aid) for aid in dict.fromkeys(asked) if arc.story_of(aid) is not None}
    assert set(want) == {"solo", "w2", "late", "w0", "w1"}
    for batch in (2, 3, 500):  # statements of 2 and 3 ids, and one statement
        monkeypatch.setattr(storystore, "_IN_BATCH", batch)
        got = arc.engine.reader().stories(asked)
        assert got == want and list(got) == list(want)
    assert got["w0"] is got["w1"]  # one story, read once
