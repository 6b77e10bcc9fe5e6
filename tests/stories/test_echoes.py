"""Echoes (search.echoes) on REAL indexes: the seeds' shared passages link both ways, never to
the article itself, boilerplate links to nothing, updates keep the links right, the page and the
API show them."""
from __future__ import annotations

import pytest

from app import create_app
from conftest import ROOT
from search.engine.whoosh import store
from search.engine.whoosh import update as updater
from search.engine.whoosh.build import build
from search.ingest import load
from search.models import Article
from search.query.archive import Archive
from search.stories import echoes

K002, K003 = "002_a7e7424a1120ba56", "003_89fcd6159c03982d"


def seeds() -> list[Article]:
    return [a for a in load([ROOT / "seeds"]) if isinstance(a, Article)]


def paragraph(articles, aid: str, words: str) -> int:
    a = next(x for x in articles if x.id == aid)
    return next(n for n, p in enumerate(a.paragraphs, 1) if words in p)


def links(arc: Archive, aid: str) -> set[tuple[int, str, int]]:
    return {(n, e.id, e.n) for n, lst in arc.echoes(aid).items() for e in lst}


@pytest.fixture
def seed_index(tmp_path):
    arts = seeds()
    root = tmp_path / "ix"
    build(arts, root)
    arc = Archive(root, refresh=0)
    yield arc, arts, root
    arc.close()


def test_seed_letter_and_miller_link_both_ways(seed_index):
    arc, arts, _ = seed_index
    letter2 = paragraph(arts, K002, "mekanisme perdagangan")
    letter3 = paragraph(arts, K003, "mekanisme perdagangan")
    miller2 = paragraph(arts, K002, "Matthew Miller")
    miller3 = paragraph(arts, K003, "Matthew Miller")
    assert (letter2, K003, letter3) in links(arc, K002)
    assert (letter3, K002, letter2) in links(arc, K003)
    assert (miller2, K003, miller3) in links(arc, K002)
    assert (miller3, K002, miller2) in links(arc, K003)
    e = next(e for e in arc.echoes(K002)[miller2] if e.id == K003)
    assert e.outlet is None and echoes.THRESHOLD <= e.similarity <= 1
    assert e.title  # first words, as there is no headline


def test_never_links_to_itself_and_unrelated_paragraphs_stay_bare(seed_index):
    arc, arts, _ = seed_index
    for a in arts:
        for lst in arc.echoes(a.id).values():
            assert all(e.id != a.id for e in lst)
    assert arc.echoes("000_faf80de4edf6396f") == {}
    assert arc.echoes("no-such-id") == {}


BOILER = ("Redaksi menerima kiriman tulisan opini pembaca dengan panjang maksimal lima ratus "
          "kata melalui alamat surel redaksi setiap hari kerja")
QUOTE = ("Menteri Perdagangan Zulkifli Hasan memastikan stok beras nasional aman hingga akhir "
         "tahun menurut data Badan Urusan Logistik terbaru")


def art(i: str, outlet: str | None, *paras: str) -> Article:
    return Article(id=i, paragraphs=list(paras) or ["Kosong."], outlet=outlet)


def test_a_passage_in_more_than_max_articles_is_boilerplate(tmp_path):
    n = echoes.MAX_ARTICLES + 1
    arts = [art(f"b{i}", f"Outlet{i}", f"Berita nomor {i} tentang hal lain sama sekali.", BOILER)
            for i in range(n)]
    arts += [art("q1", "Kontan", QUOTE), art("q2", "Kompas", QUOTE.replace("terbaru", "terkini"))]
    root = tmp_path / "ix"
    build(arts, root)
    arc = Archive(root, refresh=0)
    try:
        assert all(arc.echoes(f"b{i}") == {} for i in range(n))
        assert links(arc, "q1") == {(1, "q2", 1)} and links(arc, "q2") == {(1, "q1", 1)}
    finally:
        arc.close()
    # one article fewer: the same passage is now in MAX_ARTICLES articles, and links
    build(arts[1:], root)
    arc = Archive(root, refresh=0)
    try:
        assert len(arc.echoes("b1")[2]) == echoes.MAX_ARTICLES - 1
    finally:
        arc.close()


def test_same_outlet_does_not_link_but_unknown_outlet_does(tmp_path):
    root = tmp_path / "ix"
    build([art("s1", "Kontan", QUOTE), art("s2", "kontan", QUOTE), art("s3", None, QUOTE)], root)
    arc = Archive(root, refresh=0)
    try:
        assert links(arc, "s1") == {(1, "s3", 1)}
        assert links(arc, "s3") == {(1, "s1", 1), (1, "s2", 1)}
    finally:
        arc.close()


def test_add_change_and_remove_keep_echoes_right(tmp_path):
    root = tmp_path / "ix"
    build([art("u1", "Kontan", QUOTE), art("u2", "Tempo", "Banjir melanda Bekasi sejak pagi.")], root)
    arc = Archive(root, refresh=0)
    try:
        assert arc.echoes("u1") == {}
        updater.add([art("u3", "Kompas", "Paragraf pembuka yang pendek.", QUOTE)], root)
        assert links(arc, "u1") == {(1, "u3", 2)} and links(arc, "u3") == {(2, "u1", 1)}
        # u2 changes to carry the passage too
        updater.add([art("u2", "Tempo", QUOTE)], root)
        assert links(arc, "u1") == {(1, "u3", 2), (1, "u2", 1)}
        # u3 changes and no longer carries it
        updater.add([art("u3", "Kompas", "Harga cabai naik di pasar induk Jakarta.")], root)
        assert links(arc, "u1") == {(1, "u2", 1)} and arc.echoes("u3") == {}
        updater.remove(["u2"], root)
        assert arc.echoes("u1") == {}
    finally:
        arc.close()
    # the updated table gives what a rebuild gives
    updater.add([art("u4", "Kompas", QUOTE)], root)
    gen = store.current_generation(root)
    before = echoes.EchoView.load(gen, None)
    rebuilt = tmp_path / "re"
    build([art("u1", "Kontan", QUOTE), art("u3", "Kompas", "Harga cabai naik di pasar induk Jakarta."),
           art("u4", "Kompas", QUOTE)], rebuilt)
    after = echoes.EchoView.load(store.current_generation(rebuilt), None)
    for i in ("u1", "u3", "u4"):
        assert before.for_article(i) == after.for_article(i)


def test_a_generation_without_echo_files_shows_none_and_the_next_add_repairs_them(tmp_path):
    root = tmp_path / "ix"
    build([art("o1", "Kontan", QUOTE), art("o2", "Tempo", QUOTE)], root)
    gen = store.current_generation(root)
    (gen / echoes.FILE).unlink()
    arc = Archive(root, refresh=0)
    try:
        assert arc.echoes("o1") == {}
        assert arc.article("o1").outlet == "Kontan"
        rep = updater.add([art("o3", "Kompas", QUOTE)], root)
        assert rep.committed and (gen / echoes.FILE).exists()
        assert {e.id for lst in arc.echoes("o1").values() for e in lst} == {"o2", "o3"}
    finally:
        arc.close()


def test_echoes_of_a_commit_they_do_not_describe_are_not_shown_and_are_repaired(tmp_path):
    """A writer killed between its index commit and its echoes: readers see no echoes rather
    than possibly wrong ones, and the next writer run, even one that changes nothing, repairs
    them to what a fresh build gives."""
    from whoosh import index as whoosh_index

    from search.engine.whoosh.build import document
    from search.engine.whoosh.writer import open_writer

    root = tmp_path / "ix"
    build([art("s1", "Kontan", QUOTE), art("s2", "Tempo", QUOTE)], root)
    gen = store.current_generation(root)
    ix = whoosh_index.open_dir(str(gen))
    w = open_writer(ix)  # the index commit of an `add` of s3, without its echoes step
    w.update_document(**document(art("s3", "Kompas", QUOTE)))
    w.commit()
    arc = Archive(root, refresh=0)
    try:
        assert arc.echoes("s1") == {} and arc.article("s3").outlet == "Kompas"
        rep = updater.add([art("s1", "Kontan", QUOTE)], root)  # unchanged: nothing to commit
        assert not rep.committed and rep.count("unchanged") == 1
        fresh = tmp_path / "fresh"
        build([art("s1", "Kontan", QUOTE), art("s2", "Tempo", QUOTE), art("s3", "Kompas", QUOTE)], fresh)
        expected = echoes.EchoView.load(store.current_generation(fresh), None)
        for i in ("s1", "s2", "s3"):
            assert arc.echoes(i) == expected.for_article(i) != {}
    finally:
        arc.close()


@pytest.fixture
def client(seed_index):
    _, _, root = seed_index
    app = create_app({"INDEX_DIR": str(root), "TESTING": True})
    yield app.test_client()
    app.extensions["kliping"].close()


def test_article_page_shows_the_links(client, seed_index):
    _, arts, _ = seed_index
    miller2 = paragraph(arts, K002, "Matthew Miller")
    miller3 = paragraph(arts, K003, "Matthew Miller")
    html = client.get(f"/articles/{K003}").get_data(as_text=True)
    assert f'href="/articles/{K002}#p{miller2}"' in html
    assert "Juga di:" in html and "Kontan, Menjelang kunjungannya ke Korea Utara" in html
    assert f"18 Juni 2024, ¶{miller2}</a>" in html
    # an echo in an article of no known outlet says so, with its title and date
    html2 = client.get(f"/articles/{K002}").get_data(as_text=True)
    assert f"media tidak diketahui, Vladimir Putin meminta kerjasama dengan Korea Utara untuk menolak " \
           f"sanksi-sanksi barat., tanpa tanggal, ¶{miller3}</a>" in html2
    html_en = client.get(f"/articles/{K002}?lang=en").get_data(as_text=True)
    assert "Also in:" in html_en and f'href="/articles/{K003}#p{miller3}"' in html_en
    assert "unknown outlet, Vladimir Putin" in html_en
    assert "Juga di" not in client.get("/articles/000_faf80de4edf6396f").get_data(as_text=True)


def test_api_article_echoes_shape(client, seed_index):
    _, arts, _ = seed_index
    miller3 = paragraph(arts, K003, "Matthew Miller")
    miller2 = paragraph(arts, K002, "Matthew Miller")
    data = client.get(f"/api/articles/{K003}").get_json()
    assert set(data["echoes"]) >= {str(miller3)}
    entry = next(e for e in data["echoes"][str(miller3)] if e["id"] == K002)
    assert set(entry) == {"id", "n", "outlet", "date", "title", "similarity", "url"}
    assert entry["n"] == miller2 and entry["outlet"] == "Kontan" and entry["date"] == "2024-06-18"
    assert entry["title"].startswith("Menjelang kunjungannya") and entry["url"].endswith(f"{K002}#p{miller2}")
    assert 0 < entry["similarity"] <= 1
    assert client.get("/api/articles/000_faf80de4edf6396f").get_json()["echoes"] == {}
