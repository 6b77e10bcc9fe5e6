"""The rule tables (search.ingest.boilerplate), run through the cleaner: which lines, ledes and
closing tags of Indonesian outlets are boilerplate, and which prose that resembles them is kept."""
from __future__ import annotations

import pytest

from search.ingest.boilerplate import LINE_RULES
from search.ingest.clean import clean_paragraphs, clean_text


def test_rules_are_a_table():
    kinds = {rule.kind for rule in LINE_RULES}
    assert {"player-fallback", "view-count", "baca-juga", "membaca", "photo-caption",
            "source-editor"} <= kinds


def test_prose_that_resembles_boilerplate_is_kept():
    raw = ("Membaca buku adalah hobinya sejak kecil.\n"
           "Ia berkata, baca juga: buku itu.\n"
           "Video itu dilihat oleh 122 views di YouTube.")
    cleaned = clean_text(raw)
    assert cleaned.removed == []
    assert len(cleaned.paragraphs) == 3


def test_other_boilerplate_variants():
    raw = ("Your browser doesn't support HTML5\nby 1.204 Views\nBaca juga: Tautan\n"
           "Teks berita yang asli.\nMEMBACA: Tautan lain")
    cleaned = clean_text(raw)
    assert cleaned.paragraphs == ["Teks berita yang asli."]
    assert [r.kind for r in cleaned.removed] == [
        "player-fallback", "view-count", "baca-juga", "membaca"]


# ---------------------------------------------------------------- Indonesian outlets at scale

@pytest.mark.parametrize("lede, city, outlet", [
    ("Jakarta, CNN Indonesia -- Polisi menangkap", "Jakarta", "CNN Indonesia"),
    ("Jakarta, CNN Indonesia - - Polisi menangkap", "Jakarta", "CNN Indonesia"),
    ("JAKARTA, KOMPAS.com - Polisi menangkap", "JAKARTA", "KOMPAS.com"),
    ("Jakarta (ANTARA News) - Polisi menangkap", "Jakarta", "ANTARA News"),
    ("JAKARTA (Pos Kota) – Polisi menangkap", "JAKARTA", "Pos Kota"),
    ("Jeddah, Saudi Arabia, 27 / 11 (Antara) - Polisi menangkap", "Jeddah", "Antara"),
    ("JUARA.NET, KUALA LUMPUR - Polisi menangkap", "KUALA LUMPUR", "JUARA.NET"),
    ("Merdeka.com - Polisi menangkap", None, "Merdeka.com"),
    ("KOREA SELATAN – Polisi menangkap", "KOREA SELATAN", None),
])
def test_datelines_of_indonesian_outlets(lede, city, outlet):
    cleaned = clean_paragraphs([lede + " pencuri.", "Paragraf kedua."])
    assert cleaned.paragraphs[0] == "Polisi menangkap pencuri."
    (cap,) = cleaned.captured("dateline")
    assert cap.groups.get("city") == city and cap.groups.get("outlet") == outlet


def test_a_lede_that_only_looks_like_a_dateline_is_kept():
    for lede in ("GO - JEK meluncurkan layanan baru.", "Presiden Jokowi, Senin - Selasa, berada di Bali.",
                 "KPK - lembaga antirasuah - memeriksa saksi."):
        assert clean_paragraphs([lede]).paragraphs == [lede]


@pytest.mark.parametrize("last, kind, kept", [
    ("Itu kata dia. [feb]", "editor-tag", "Itu kata dia."),
    ("Itu kata dia. (ugo / gil)", "editor-tag", "Itu kata dia."),
    ("Itu kata dia. (ant/rh)", "editor-tag", "Itu kata dia."),
    ("Itu kata dia. (T.H - ZG / S023)", "editor-tag", "Itu kata dia."),
    ("Itu kata dia. (Antara)", "source-tag", "Itu kata dia."),
    ("Itu kata dia. (Yendhi / win)", "writer-tag", "Itu kata dia."),
    ("Itu kata dia. [Priscilla Trisna]", "writer-tag", "Itu kata dia."),
    ("Itu kata dia. [Daily Mail]", None, "Itu kata dia. [Daily Mail]"),
    ("Skor akhir 1-0 untuk Swansea (Liverpool)", None, "Skor akhir 1-0 untuk Swansea (Liverpool)"),
    ("Menurut laporan Muslim Millenial Travel Report (MMTR2017)", None,
     "Menurut laporan Muslim Millenial Travel Report (MMTR2017)"),
])
def test_closing_tags(last, kind, kept):
    cleaned = clean_paragraphs(["Paragraf pertama.", last])
    assert cleaned.paragraphs[-1] == kept
    assert [r.kind for r in cleaned.removed] == ([kind] if kind else [])


def test_share_subscribe_photo_and_source_lines():
    cleaned = clean_paragraphs([
        "Isi berita yang asli.",
        "Bagikan: Facebook Twitter WhatsApp",
        "Ikuti kami di Instagram dan Google News untuk berita terbaru",
        "DailySocial.id adalah portal berita startup. Kamu bisa menjadi member komunitas kami.",
        "Foto: Shutterstock",
        "Tesla (Foto: Tesla)",
        "Ilustrasi jus wortel dan tomat. Deposit Photos",
        "Sumber: The Verge dan AMD.",
        "* * *",
        "Foto itu langsung disukai oleh hampir 4,5 juta pengguna Instagram.",
        "Sumber itu juga menyebut faktor lain.",
    ])
    assert cleaned.paragraphs == ["Isi berita yang asli.",
                                  "Foto itu langsung disukai oleh hampir 4,5 juta pengguna Instagram.",
                                  "Sumber itu juga menyebut faktor lain."]
    assert [r.kind for r in cleaned.removed] == ["share", "subscribe", "subscribe", "photo-credit",
                                                 "photo-credit", "photo-credit", "source-credit", "separator"]
