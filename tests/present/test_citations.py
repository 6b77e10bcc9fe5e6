"""Permalinks and plain-text citations of one paragraph."""
from __future__ import annotations

import datetime as dt

from search.models import Article
from search.present.anchors import fingerprint
from search.present.citations import (
    FIRST_WORDS,
    article_path,
    cite,
    display_title,
    fragment_path,
    original_fragment,
    paragraph_path,
    permalink_path,
)
from search.present.i18n import format_date

BASE = "https://kliping.example/"
ACCESSED = dt.date(2024, 7, 1)


def test_citation_contains_every_part(articles):
    a1 = articles[0]
    text = cite(a1, 3, BASE, accessed=ACCESSED)
    assert text.startswith("[Penulis tidak diketahui]. (18 Juni 2024).")
    assert f"“{a1.title}”" in text
    assert "Kontan; sumber: Reuters; editor: Rina Sari." in text
    assert "Paragraf 3." in text
    assert f"https://kliping.example{permalink_path(a1, 3)}" in text
    assert "(diakses 1 Juli 2024)" in text
    assert text.endswith("Sumber asli: https://kontan.example/a1")


def test_parts_come_in_citation_order(articles):
    articles[0].authors = ["Ani Lestari", "Budi"]
    text = cite(articles[0], 3, BASE, accessed=ACCESSED)
    order = ["Ani Lestari, Budi.", "18 Juni 2024", articles[0].title, "Kontan", "Paragraf 3", "/p3-", "diakses"]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)


def test_an_article_is_cited_without_a_paragraph(articles):
    text = cite(articles[0], None, BASE, accessed=ACCESSED)
    assert "Paragraf" not in text and "https://kliping.example/articles/a1 (diakses" in text


def test_base_url_with_or_without_trailing_slash(articles):
    assert cite(articles[0], 1, "https://k.example", accessed=ACCESSED) == \
        cite(articles[0], 1, "https://k.example/", accessed=ACCESSED)


def test_untitled_article_is_cited_by_its_first_words_in_brackets(articles):
    a4 = articles[3]
    text = cite(a4, 2, BASE, accessed=ACCESSED)
    first = " ".join(a4.paragraphs[0].split()[:FIRST_WORDS])
    assert f"[{first} …]." in text and "“" not in text  # a description, not a title
    assert "Paragraf 2" in text and "/articles/a4/p2-" in text


def test_short_untitled_text_has_no_ellipsis():
    art = Article(id="s", paragraphs=["Hanya lima kata di sini."])
    assert display_title(art) == "Hanya lima kata di sini."
    assert display_title(Article(id="t", title="Judul", paragraphs=["x"])) == "Judul"


def test_unknown_outlet_and_date_are_said_not_guessed():
    art = Article(id="u", paragraphs=["Teks tanpa metadata apa pun."])
    text = cite(art, 1, BASE, accessed=ACCESSED)
    assert text.startswith("[Penulis tidak diketahui]. (tanggal tidak diketahui). ")
    assert "[Media tidak diketahui]." in text
    assert "Sumber asli" not in text and "sumber:" not in text and "editor:" not in text
    en = cite(art, 1, BASE, accessed=ACCESSED, lang="en")
    assert en.startswith("[Author unknown]. (date unknown). ") and "[Outlet unknown]." in en


def test_english_citation(articles):
    text = cite(articles[0], 3, BASE, accessed=ACCESSED, lang="en")
    assert "18 June 2024" in text and "Paragraph 3." in text and "(accessed 1 July 2024)" in text


def test_accessed_defaults_to_today(articles):
    assert f"diakses {format_date(dt.date.today())}" in cite(articles[0], 1, BASE)


def test_permalinks_quote_the_id():
    assert article_path("a1") == "/articles/a1"
    assert paragraph_path("a1", 7) == "/articles/a1#p7"
    assert article_path("a b/c#d") == "/articles/a%20b%2Fc%23d"
    art = Article(id="a b", paragraphs=["Satu.", "Dua kata."])
    assert permalink_path(art, 2) == f"/articles/a%20b/p2-{fingerprint('Dua kata.')}"


def test_text_fragments_of_a_paragraph():
    art = Article(id="x", url="https://contoh.co.id/berita?id=1#atas", paragraphs=[
        "Juru bicara AS, Matthew Miller, mengatakan 11.000 kontainer amunisi-nya dikirim ke Rusia & Iran."])
    assert fragment_path(art, 1) == ("/articles/x#p1:~:text=Juru%20bicara%20AS%2C%20Matthew,"
                                     "ke%20Rusia%20%26%20Iran.")
    assert original_fragment(art, 1).startswith("https://contoh.co.id/berita?id=1#:~:text=Juru%20bicara")
    art.url = "javascript:alert(1)"
    assert original_fragment(art, 1) is None


def test_format_date_forms():
    assert format_date("2024-06-18") == "18 Juni 2024"
    assert format_date("2024-06") == "Juni 2024"
    assert format_date(None) == "tanpa tanggal"
    assert format_date("2024-13-01") == "2024-13-01"  # unreadable dates are shown as given


def test_article_from_the_index_cites_like_the_original(archive, articles):
    assert cite(archive.article("a1"), 3, BASE, accessed=ACCESSED) == cite(articles[0], 3, BASE, accessed=ACCESSED)
