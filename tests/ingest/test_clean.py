"""Cleaning: boilerplate removal, paragraphs, rejoining and the headline rule, on the real seeds."""
from __future__ import annotations

import pytest

from conftest import SEEDS
from search.ingest.clean import clean_paragraphs, clean_text, is_headline, rejoin
from search.models import Removal


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("prefix, kind, text", [
    ("000", "player-fallback", "Your browser doesn’t support HTML5"),
    ("001", "view-count", "by -122 Views"),
    ("002", "baca-juga",
     "Baca Juga: Vladimir Putin Kunjungi Korea Utara untuk Pertama Kali dalam 24 Tahun, AS Terganggu"),
    ("002", "baca-juga", "Baca Juga: Soal Energi Nuklir, Amerika Serikat Kini Tertinggal Jauh di Belakang China"),
    ("003", "membaca", "MEMBACA Putin menyetujui perubahan doktrin nuklir Rusia"),
    ("003", "membaca", "MEMBACA Jaksa Minta 40 Tahun Penjara untuk Penyerang Suami Pelosi Oleh Reuters"),
    ("003", "photo-caption",
     "Kim dan Putin mengunjungi Vostochny Cosmodrome di Timur Jauh Rusia pada bulan September © KCNA/Pool"),
    ("002", "source-editor", "Sumber: Reuters | Editor: Herlina Kartika Dewi"),
    ("002", "dateline", "KONTAN.CO.ID - SEOUL."),
    ("000", "editor-tag", "[jm/lt]"),
])
def test_seed_boilerplate_is_removed_and_reported(prefix, kind, text):
    cleaned = clean_text(seed(prefix))
    assert Removal(kind, text) in cleaned.removed
    needle = text.split(":")[0] if kind in ("baca-juga", "source-editor") else text
    assert not any(needle in p for p in cleaned.paragraphs), needle


def test_seed_004_has_nothing_to_remove():
    assert clean_text(seed("004")).removed == []


def test_dateline_prefix_is_stripped_but_the_lede_kept():
    paras = clean_text(seed("002")).paragraphs
    assert paras[0].startswith("Menjelang kunjungannya ke Korea Utara, Presiden Rusia")
    assert not any("KONTAN.CO.ID" in p or p.startswith("Sumber:") for p in paras)


def test_editor_tag_is_stripped_from_the_last_paragraph_only():
    paras = clean_text(seed("000")).paragraphs
    assert paras[-1].endswith("larangan pemasokan barang mewah ke Korea Utara.")
    assert "[jm/lt]" not in " ".join(paras)
    # "[Ini]" inside 003's last paragraph is text, not a tag.
    assert clean_text(seed("003")).paragraphs[-1].startswith("“[Ini] membantu")


def test_broken_paragraph_in_000_is_rejoined():
    paras = clean_text(seed("000")).paragraphs
    joined = [p for p in paras if "hubungan antara kedua negara yang tidak bisa dipatahkan" in p]
    assert len(joined) == 1
    assert joined[0].startswith("Menjelang kunjungan Putin")
    assert joined[0].endswith("berupa kawan seperjuangan.”")
    assert not any(p.startswith("kedua negara") for p in paras)
    assert len(paras) == 14  # 16 lines - player fallback - the rejoined half


@pytest.mark.parametrize("prefix, title", [
    ("000", None),
    ("001", "Kedatangan Putin dan Kim Jong Un di Korea Utara Besok Menguatkan Hubungan Mereka"),
    ("002", None),
    ("003", "Vladimir Putin meminta kerjasama dengan Korea Utara untuk menolak sanksi-sanksi barat."),
    ("004", None),
])
def test_headlines(prefix, title):
    cleaned = clean_text(seed(prefix))
    assert cleaned.title == title
    if title:
        assert title not in cleaned.paragraphs


@pytest.mark.parametrize("prefix, count, first", [
    ("000", 14, "Media Korea Utara, Senin (17/6)"),
    ("001", 8, "Presiden Rusia, Vladimir Putin"),
    ("002", 16, "Menjelang kunjungannya"),
    ("003", 20, "Putin, yang tiba di Pyongyang"),
    ("004", 12, "Presiden Rusia Vladimir Putin akan memulai"),
])
def test_seed_paragraphs(prefix, count, first):
    paras = clean_text(seed(prefix)).paragraphs
    assert len(paras) == count
    assert paras[0].startswith(first)
    assert all(p == " ".join(p.split()) and p for p in paras)


def test_blank_line_blocks_join_their_lines():
    raw = "Satu baris\nmasih paragraf satu.\n\nParagraf dua.\n\n\n\nParagraf tiga."
    assert clean_text(raw, detect_title=False).paragraphs == [
        "Satu baris masih paragraf satu.", "Paragraf dua.", "Paragraf tiga."]


def test_without_blank_lines_each_line_is_a_paragraph():
    raw = "Paragraf satu.\r\nParagraf dua.\rParagraf tiga.\n"
    assert clean_text(raw).paragraphs == ["Paragraf satu.", "Paragraf dua.", "Paragraf tiga."]


def test_whitespace_and_no_break_spaces_collapse():
    raw = "Ada\u00a0\u00a0spasi   ganda\tdi sini.\nDan\u200b baris dua."
    assert clean_text(raw).paragraphs == ["Ada spasi ganda di sini.", "Dan baris dua."]


def test_rejoin_rules():
    assert rejoin(["Ia berkata “hubungan antara", "“kedua negara.”"]) == [
        "Ia berkata “hubungan antara “kedua negara.”"]
    # A finished sentence (even inside quotes) or a capital start is not rejoined.
    assert rejoin(["Ia berkata “selesai.”", "kalimat baru"]) == ["Ia berkata “selesai.”", "kalimat baru"]
    assert rejoin(["Tanpa titik", "Huruf besar."]) == ["Tanpa titik", "Huruf besar."]


@pytest.mark.parametrize("line, blank, expected", [
    ("Putin Tiba di Pyongyang", False, True),
    ("Putin tiba di Pyongyang.", True, True),
    ("Putin tiba di Pyongyang.", False, False),          # a one-line lede, not a headline
    ("Media Korea Utara, Senin (17/6) melaporkan kunjungan", True, False),  # has a date
    ("Putin tiba. Kim menyambut", True, False),         # two sentences
    (" ".join(["kata"] * 17).capitalize(), True, False),  # too long
    ("kecil di awal", True, False),                     # lowercase start
    ("KONTAN.CO.ID - SEOUL. Putin tiba", True, False),  # a dateline
])
def test_headline_rule(line, blank, expected):
    assert is_headline(line, followed_by_blank=blank) is expected


def test_a_single_line_is_never_only_a_title():
    cleaned = clean_text("Putin Tiba di Pyongyang")
    assert cleaned.title is None and cleaned.paragraphs == ["Putin Tiba di Pyongyang"]


def test_clean_paragraphs_keeps_given_paragraphs_and_finds_no_title():
    cleaned = clean_paragraphs(["Judul Pendek", "Isi berita.", "Baca juga: Lain"])
    assert cleaned.title is None
    assert cleaned.paragraphs == ["Judul Pendek", "Isi berita."]


# ---------------------------------------------------------------- Indonesian outlets at scale

def test_a_tag_alone_in_the_last_paragraph_and_initials_before_extras():
    cleaned = clean_paragraphs(["Tim menang. (yp)", "Susunan Pemain", "[ega]"])
    assert cleaned.paragraphs == ["Tim menang.", "Susunan Pemain"]
    assert [c.groups["editors"] for c in cleaned.captured("editor-tag")] == ["yp", "ega"]


def test_baca_juga_variants_link_lists_and_inline_links():
    cleaned = clean_paragraphs([
        "Kalimat pertama.",
        "Baca juga:",
        "Marcelino Akan Berlibur ke Manado",
        "Chicco Jerikho di Atas Moge: Cool Banget!",
        "Lucunya, ia mengaku lebih tidak bisa menahan haus.",
        "[Baca Juga: Tottenham Berduka]",
        "SIMAK JUGA - Belanda Bekuk Bulgaria",
        "(Baca juga: Honda Ingin Kembali)",
        "Itu fiturnya. Baca juga: Samsung Galaxy S8 Plus \n\n Selain itu, ada pembaruan.",
        "\" Menurut saya menyenangkan, \" kata dia.",
    ])
    assert cleaned.paragraphs == ["Kalimat pertama.", "Lucunya, ia mengaku lebih tidak bisa menahan haus.",
                                  "Itu fiturnya.", "Selain itu, ada pembaruan.",
                                  "\" Menurut saya menyenangkan, \" kata dia."]
    assert [r.kind for r in cleaned.removed] == ["baca-juga", "link-list", "link-list"] + ["baca-juga"] * 4


