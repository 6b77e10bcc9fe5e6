"""Quotes across the archive (search.stories.quotebook) on REAL indexes: the seeds' statements of
Putin and Matthew Miller link 002 and 003 with their first appearance; unrelated quotes link
nothing; the quotes page and GET /api/quotes search, filter by speaker and count speakers; the
article page marks quotes and links their other appearances; add and remove keep it right."""
from __future__ import annotations

import pytest

from app import create_app
from conftest import SEEDS
from search.engine.whoosh import update as updater
from search.ingest import load
from search.models import Article
from search.query.params import QuoteRequest

K002, K003 = "002_a7e7424a1120ba56", "003_89fcd6159c03982d"


def seeds() -> list[Article]:
    return [a for a in load([SEEDS]) if isinstance(a, Article)]


def find(arc, words: str):
    page = arc.quotes(QuoteRequest(q=words))
    return [r for r in page.results]


def test_putin_and_miller_link_002_and_003_first_in_002(make_index):
    arc = make_index(seeds())
    for words, speaker in (("mekanisme perdagangan", "Vladimir Putin"), ("11.000 kontainer", "Matthew Miller")):
        found = find(arc, words)
        linked = [r for r in found if len(r.occurrences) > 1]
        assert len(linked) == 1, words
        r = linked[0]
        assert r.speaker == speaker
        assert [(o.article, o.match) for o in r.occurrences] == [(K002, "exact"), (K003, "partial")]
        assert r.first.article == K002 and r.first.date == "2024-06-18" and r.first.outlet == "Kontan"


def test_unrelated_quotes_are_not_linked(make_index):
    arc = make_index(seeds())
    page = arc.quotes(QuoteRequest(per_page=100))
    assert page.total > 20
    linked = [r for r in page.results if len(r.occurrences) > 1]
    assert {r.speaker for r in linked} == {"Vladimir Putin", "Matthew Miller"}
    assert all({o.article for o in r.occurrences} == {K002, K003} for r in linked)


def test_speaker_filter_and_facet(make_index):
    arc = make_index(seeds())
    page = arc.quotes(QuoteRequest(speaker="Jenny Town"))
    assert page.total >= 2 and all(r.speaker == "Jenny Town" for r in page.results)
    assert dict(page.speakers)["Vladimir Putin"] >= 2  # the facet ignores the selected speaker
    assert arc.quotes(QuoteRequest(q="putin", speaker="Jenny Town")).total >= 1  # her quote about Putin


def test_add_and_remove_keep_the_links_right(make_index, tmp_path):
    root = tmp_path / "ix"
    arts = seeds()
    arc = make_index(arts, root=root)
    quote = next(r for r in find(arc, "mekanisme perdagangan") if len(r.occurrences) > 1)
    copy = Article(id="x1", outlet="Tempo", date="2024-06-17", paragraphs=[
        "Presiden Rusia Vladimir Putin menulis di Rodong Sinmun.",
        "“Kami akan mengembangkan mekanisme perdagangan alternatif dan penyelesaian bersama yang "
        "tidak dikendalikan oleh Barat, dan bersama-sama menolak pembatasan sepihak yang tidak sah,” tulis Putin."])
    updater.add([copy], root)
    r = next(r for r in find(arc, "mekanisme perdagangan") if len(r.occurrences) > 1)
    assert r.first.article == "x1" and len(r.occurrences) == 3 and r.id != quote.id
    assert {o.article: o.match for o in r.occurrences}[K002] == "exact"
    updater.remove(["x1"], root)
    r = next(r for r in find(arc, "mekanisme perdagangan") if len(r.occurrences) > 1)
    assert r.id == quote.id and len(r.occurrences) == 2


@pytest.fixture
def client(make_index, tmp_path):
    make_index(seeds(), root=tmp_path / "ix")
    app = create_app({"INDEX_DIR": str(tmp_path / "ix"), "TESTING": True})
    yield app.test_client()
    app.extensions["kliping"].close()


def test_api_quotes_shape(client):
    data = client.get("/api/quotes?q=mekanisme+perdagangan&speaker=Vladimir+Putin").get_json()
    assert set(data) >= {"total", "results", "facets"} and data["total"] >= 1
    r = next(r for r in data["results"] if len(r["occurrences"]) > 1)
    assert set(r) == {"id", "text", "speaker", "kind", "first", "occurrences"} and r["kind"] == "direct"
    assert set(r["first"]) >= {"article", "n", "outlet", "date"} and r["first"]["article"] == K002
    assert all(set(o) >= {"article", "n", "outlet", "date", "match"} for o in r["occurrences"])
    assert {o["match"] for o in r["occurrences"]} == {"exact", "partial"}
    speakers = {f["value"]: f for f in data["facets"]["speaker"]}
    assert speakers["Vladimir Putin"]["selected"] is True
    assert client.get("/api/quotes?page=0").status_code == 400


def test_quotes_page_in_both_languages(client):
    html = client.get("/kutipan?q=mekanisme").get_data(as_text=True)
    assert "Kutipan" in html and "Vladimir Putin" in html and "Pertama muncul" in html
    assert "sebagian atau parafrase" in html
    en = client.get("/quotes?q=mekanisme").get_data(as_text=True)
    assert 'lang="en"' in en and "First appeared" in en and "partial or paraphrase" in en


def test_article_page_marks_quotes_and_links_other_appearances(client):
    html = client.get(f"/articles/{K003}").get_data(as_text=True)
    assert '<span class="quote" data-quote="' in html
    assert f'href="/articles/{K002}#p3">Kontan, 18 Juni 2024, ¶3</a>' in html  # first appeared there
    html2 = client.get(f"/articles/{K002}").get_data(as_text=True)
    assert "pertama muncul di sini" in html2 and f'href="/articles/{K003}#p3"' in html2


def test_copies_of_one_quote_are_one_node_and_survive_removing_the_first(make_index, tmp_path):
    root = tmp_path / "ix"
    said = ("“Kami akan membangun bendungan baru di tiga provinsi untuk mengatasi kekeringan panjang "
            "tahun depan,” kata Menteri Pekerjaan Umum Basuki Hadimuljono di Jakarta.")
    paraphrase = ("Menteri Pekerjaan Umum Basuki Hadimuljono mengatakan pemerintah akan membangun "
                  "bendungan baru di tiga provinsi untuk mengatasi kekeringan panjang.")
    arts = [Article(id=f"c{i}", outlet=o, date=f"2018-01-0{i + 1}", paragraphs=[said])
            for i, o in enumerate(["Kontan", "Kompas", "Tempo"])]
    arts.append(Article(id="p1", outlet="Antara", date="2018-01-05", paragraphs=[paraphrase]))
    arc = make_index(arts, root=root)
    r = next(r for r in find(arc, "bendungan") if len(r.occurrences) > 1)
    assert [(o.article, o.match) for o in r.occurrences] == [
        ("c0", "exact"), ("c1", "exact"), ("c2", "exact"), ("p1", "partial")]
    assert r.speaker == "Basuki Hadimuljono"
    updater.remove(["c0"], root)
    r = next(r for r in find(arc, "bendungan") if len(r.occurrences) > 1)
    assert [o.article for o in r.occurrences] == ["c1", "c2", "p1"] and r.first.article == "c1"


def test_a_generation_without_story_files_has_no_quotes_and_the_next_add_repairs_them(make_index, tmp_path):
    from search.engine.whoosh import store
    from search.stories import storybook

    root = tmp_path / "ix"
    arc = make_index(seeds(), root=root)
    gen = store.current_generation(root)
    (gen / storybook.FILE).unlink()
    assert arc.quotes(QuoteRequest()).total == 0 and arc.article_quotes(K002) == {}
    assert arc.story_of(K002) is None and arc.article(K002).outlet == "Kontan"
    updater.add([Article(id="n1", outlet="Tempo", paragraphs=["Harga cabai naik di pasar induk."])], root)
    repaired = arc.quotes(QuoteRequest(q="mekanisme")).results
    assert [o.article for o in repaired[0].occurrences] == [K002, K003]
    assert arc.story_of(K002).size == 2


def test_seed_002_paragraph_2_is_putins_not_the_agency_it_was_taken_from(make_index):
    """"Mengutip Reuters, …, presiden Rusia mengatakan …": Reuters is the credit, the president
    (named in full in ¶1) the speaker; no quote of the seeds is Reuters'."""
    arts = seeds()
    arc = make_index(arts)
    a002 = next(a for a in arts if a.id == K002)
    n = next(i for i, p in enumerate(a002.paragraphs, 1) if p.startswith("Mengutip Reuters"))
    marks = arc.article_quotes(K002)[n]
    assert [m.speaker for m in marks] == ["Vladimir Putin"]
    assert "Reuters" not in dict(arc.quotes(QuoteRequest(per_page=100)).speakers)


def _said(aid: str, outlet: str, date: str, who: str, words: str) -> Article:
    return Article(id=aid, outlet=outlet, date=date, title=f"Berita {aid}",
                   paragraphs=[f"Penyidik senior KPK itu ditemui di Jakarta pada {date}.",
                               f'"{words} sebelum akhir bulan ini," kata {who}.'])


def test_a_short_speaker_name_is_shown_under_the_one_full_name_it_can_be(make_index, tmp_path):
    arts = [_said("n1", "Satu", "2017-04-01", "Novel Baswedan", "Kami akan menyerahkan bukti baru"),
            _said("n2", "Dua", "2017-04-02", "Novel Baswedan", "Saya sudah siap memberikan keterangan"),
            _said("n3", "Tiga", "2017-04-03", "Novel", "Pemeriksaan ini harus berjalan terbuka")]
    arc = make_index(arts)
    facet = dict(arc.quotes(QuoteRequest()).speakers)
    assert facet == {"Novel Baswedan": 3}
    assert arc.article_quotes("n3")[2][0].speaker == "Novel Baswedan"
    assert arc.quotes(QuoteRequest(speaker="Novel")).total == 3  # asking for the short name
    # a second full name it could be: the short name stays as written
    more = [_said("b1", "Empat", "2017-05-01", "Novel Bamukmin", "Aksi kami berlangsung damai dan tertib"),
            _said("b2", "Lima", "2017-05-02", "Novel Bamukmin", "Massa akan bergerak dari masjid raya")]
    arc = make_index(arts + more, root=tmp_path / "ix2")
    facet = dict(arc.quotes(QuoteRequest()).speakers)
    assert facet == {"Novel Baswedan": 2, "Novel Bamukmin": 2, "Novel": 1}


@pytest.mark.parametrize("text", ["Kami Tidak Akan MUNDUR, kata dia, 2,5 persen", "ke İstanbul dan Ürümqi",
                                  "angka 1.250.000,75 dan 3.14", ""])
def test_a_quotes_words_are_its_lowercased_words_however_it_is_written(text):
    """`_words` lowercases an ASCII text before listing its words, and any other word by word
    (`İ` lowercases to two characters, which would split the word)."""
    import re

    from search.stories.quotebook import _words
    assert _words(text) == " " + " ".join(w.lower() for w in re.findall(r"[^\W_]+(?:[.,]\d+)*", text)) + " "
