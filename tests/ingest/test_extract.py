"""Extraction of stated metadata from cleaned text."""
from __future__ import annotations

from datetime import date

import pytest

from conftest import SEEDS
from search.ingest.clean import clean_paragraphs, clean_text
from search.ingest.extract import extract, find_date, outlet_name

REF = date(2024, 6, 19)


def seed(prefix: str):
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return clean_text(path.read_text(encoding="utf-8"))


def values(found: dict) -> dict:
    return {name: f.value for name, f in found.items()}


def test_seed_002_everything_from_the_text():
    found = extract(seed("002"), REF)
    assert values(found) == {
        "source": "Reuters",
        "editors": ["Herlina Kartika Dewi"],
        "outlet": "Kontan",
        "dateline": "Seoul",
        "date": "2024-06-18",
    }
    assert found["outlet"].note == "KONTAN.CO.ID - SEOUL."
    assert "Selasa (18/6)" in found["date"].note


def test_seed_000_date_and_initials():
    found = extract(seed("000"), REF)
    assert found["date"].value == "2024-06-17"
    # "[jm/lt]": by newsroom convention the writer's code, then the editor's (the sidecar, a
    # person's reading, still records both as editors)
    assert found["editors"].value == ["lt"] and "[jm/lt]" in found["editors"].note
    assert "outlet" not in found and "source" not in found


def test_a_date_without_a_year_needs_a_reference_date():
    found = extract(seed("000"), None)
    assert found["date"].value is None
    assert "Senin (17/6)" in found["date"].note and "reference_date" in found["date"].note


def test_seed_001_contradictory_date_is_not_used():
    found = extract(seed("001"), REF)
    assert found["date"].value is None
    assert "16/6/2024" in found["date"].note and "Sunday" in found["date"].note


@pytest.mark.parametrize("prefix", ["003", "004"])
def test_seeds_without_a_day_date(prefix):
    assert extract(seed(prefix), REF) == {}


@pytest.mark.parametrize("text, ref, expected", [
    ("Jakarta, Senin (17/6) hujan.", date(2024, 6, 19), "2024-06-17"),
    ("Jakarta, Senin (17/6) hujan.", date(2024, 6, 14), "2024-06-17"),   # within tolerance
    ("Jakarta, Selasa (31/12) hujan.", date(2025, 1, 2), "2024-12-31"),  # the year before
    ("Jakarta, Sabtu (17/6) hujan.", date(2024, 6, 19), "2023-06-17"),   # 2023's was a Saturday
    ("Jakarta, Rabu (17/6) hujan.", date(2024, 6, 19), None),            # neither year fits
    ("Jakarta, Jum'at (14/6) hujan.", date(2024, 6, 19), "2024-06-14"),
    ("Jakarta, Jumat, (14 / 6 / 2024) hujan.", None, "2024-06-14"),
    ("Jakarta, Ahad (16/6/24) hujan.", None, "2024-06-16"),
    ("Jakarta, Kamis (31/2/2024) hujan.", None, None),                   # not a real date
    ("Pada 18 Juni Putin tiba.", date(2024, 6, 19), "absent"),
])
def test_day_dates(text, ref, expected):
    found = find_date([text], ref)
    if expected == "absent":
        assert found is None
    else:
        assert found.value == expected
        assert found.note


def test_the_first_day_date_wins():
    found = find_date(["Senin (17/6) dia tiba.", "Selasa (18/6) dia pergi."], REF)
    assert found.value == "2024-06-17"


@pytest.mark.parametrize("domain, name", [
    ("KONTAN.CO.ID", "Kontan"), ("www.detik.com", "detikcom"), ("CNNINDONESIA.COM", "CNN Indonesia"),
    ("antaranews.com", "ANTARA"), ("kumparan.com", "kumparan"), ("contoh-berita.co.id", "Contoh Berita"),
])
def test_outlet_names(domain, name):
    assert outlet_name(domain) == name


def test_city_datelines_are_title_cased():
    cleaned = clean_text("TEMPO.CO - BANDA ACEH. Hujan turun, Rabu (19/6).")
    assert values(extract(cleaned, REF)) == {
        "outlet": "Tempo", "dateline": "Banda Aceh", "date": "2024-06-19"}


# ---------------------------------------------------------------- dates, outlets at scale

from search.ingest.extract import display_outlet, outlet_from_url, parse_date_text  # noqa: E402


@pytest.mark.parametrize("text, expected", [
    ("Senin (27 / 3) kemarin", "2017-03-27"),
    ("pada Senin, 27 Maret 2017, polisi", "2017-03-27"),
    ("Senin, 27/3/2017 ia berkata", "2017-03-27"),
    ("Diperbarui 27 Maret 2017, 14:30 WIB", "2017-03-27"),
    ("Jumat (4 / 9) dini hari WIB", "2015-09-04"),
])
def test_indonesian_date_forms_in_text(text, expected):
    from datetime import date
    found = find_date(["Paragraf tanpa tanggal.", text], date(2017, 3, 28) if "2015" not in expected
                      else date(2015, 9, 5))
    assert found.value == expected and found.note


def test_a_bare_past_date_in_the_text_does_not_date_the_article():
    assert find_date(["Mereka menikah pada 19 Mei 2013."], None) is None


def test_zoned_times_go_into_the_note():
    found = find_date(["Gempa terjadi Senin (27/3/2017) pukul 14.05 WITA."], None)
    assert found.value == "2017-03-27" and found.note.endswith("time 14.05 WITA (UTC+8)")


@pytest.mark.parametrize("text, iso", [("27 Maret 2017", "2017-03-27"), ("27/3/2017", "2017-03-27"),
                                       ("Senin, 27 Mar 2017 14:30 WIB", "2017-03-27"),
                                       ("31 Februari 2017", None), ("kemarin", None)])
def test_parse_date_text(text, iso):
    assert parse_date_text(text) == iso


def test_outlet_display_names_and_urls():
    assert display_outlet("cnn indonesia") == "CNN Indonesia"
    assert display_outlet("ANTARA News") == "ANTARA"
    assert display_outlet("Suara.com") == "Suara"
    assert display_outlet("Majalah Baru") == "Majalah Baru"
    assert outlet_from_url("http://juara.bolasport.com/read/x") == "Juara.net"
    assert outlet_from_url("https://www.cnnindonesia.com/x") == "CNN Indonesia"
    assert outlet_from_url("bukan alamat") is None


# ---------------------------------------------------------------- bylines and footers

def credited(*paragraphs):
    found = extract(clean_paragraphs(list(paragraphs)), REF)
    return ({name: (f.value, f.basis) for name, f in found.items() if name in ("authors", "editors", "source")},
            clean_paragraphs(list(paragraphs)).paragraphs)


@pytest.mark.parametrize("outlet, lines, authors, editors", [
    ("ANTARA", ["Pewarta: Ani Lestari", "Editor: Budi Santoso"], ["Ani Lestari"], ["Budi Santoso"]),
    ("ANTARA", ["Pewarta: Ani Lestari / Editor: Budi Santoso"], ["Ani Lestari"], ["Budi Santoso"]),
    ("Kompas", ["Penulis: Ani Lestari | Editor: Budi Santoso"], ["Ani Lestari"], ["Budi Santoso"]),
    ("Kompas", ["Penulis : Ani Lestari, Citra Dewi", "Editor : Budi Santoso"], ["Ani Lestari", "Citra Dewi"],
     ["Budi Santoso"]),
    ("Tempo", ["Reporter: Ani Lestari", "Editor: Budi Santoso"], ["Ani Lestari"], ["Budi Santoso"]),
    ("Republika", ["Rep: Dessy Suciati Saputri Red: Esthi Maharani"], ["Dessy Suciati Saputri"],
     ["Esthi Maharani"]),
    ("Republika", ["Redaktur: Esthi Maharani"], None, ["Esthi Maharani"]),
    ("Tribun", ["Laporan Wartawan Tribunnews.com, Ani Lestari"], ["Ani Lestari"], None),
    ("kumparan", ["Reporter: Muchammad Resya Firmansyah"], ["Muchammad Resya Firmansyah"], None),
    ("kumparan", ["Laporan Alfons Hartanto dan videographer Kevin Putra"], ["Alfons Hartanto"], None),
    ("Juara.net", ["Laporan langsung Diya Farida Purnawangsuni dari Kuala Lumpur"],
     ["Diya Farida Purnawangsuni"], None),
    ("Liputan6", ["Penulis: Ani Lestari", "Editor: Budi Santoso"], ["Ani Lestari"], ["Budi Santoso"]),
    ("Okezone", ["Editor: Budi Santoso"], None, ["Budi Santoso"]),
    ("opinion", ["Oleh: Ani Lestari"], ["Ani Lestari"], None),
    ("opinion", ["Oleh Ani Lestari dan Budi Santoso"], ["Ani Lestari", "Budi Santoso"], None),
    ("Rimanews", ["Penulis: Moh. Shofan, aktivis Muhammadiyah"], ["Moh. Shofan"], None),
])
def test_credit_lines_of_indonesian_outlets(outlet, lines, authors, editors):
    got, kept = credited("Isi pertama berita ini.", *lines, "Isi terakhir.")
    assert got.get("authors", (None,))[0] == authors
    assert got.get("editors", (None,))[0] == editors
    assert all(v[1] == "stated" for v in got.values())
    assert kept == ["Isi pertama berita ini.", "Isi terakhir."]  # the credit lines leave the body


@pytest.mark.parametrize("text", [
    "Oleh karena itu, kami pergi ke pasar.", "Editor yang ditahan bernama Abdi.",
    "Laporan Keuangan", "Laporan keuangan Q4 Twitter bisa diunduh di sini.",
    "Sumber: The Verge dan AMD.",
])
def test_prose_that_starts_like_a_credit_is_kept(text):
    got, kept = credited("Isi pertama.", text, "Isi terakhir.")
    assert "authors" not in got and "editors" not in got
    assert text in kept or text.startswith("Sumber")


def test_closing_tags_name_writers_by_convention_initials_stay_editors():
    got, _ = credited("Isi pertama.", "Itu kata dia. (Yendhi / win)")
    assert got == {"authors": (["Yendhi"], "inferred"), "editors": (["win"], "stated")}
    got, _ = credited("Isi pertama.", "Itu kata dia. [Priscilla Trisna]")
    assert got == {"authors": (["Priscilla Trisna"], "inferred")}
    got, _ = credited("Isi pertama.", "Itu kata dia. (hnf / tyo)")  # CNN Indonesia's initials
    assert got == {"editors": (["tyo"], "stated")}  # the writer's code is not a name
    found = extract(clean_paragraphs(["Isi pertama.", "Itu kata dia. (osc)"]), REF)
    assert found["editors"].value is None and "(osc)" in found["editors"].note  # whose is not said
    got, _ = credited("Isi pertama.", "Itu kata dia. (Awita Ekasari Larasati / ard)")
    assert got == {"authors": (["Awita Ekasari Larasati"], "inferred"), "editors": (["ard"], "stated")}
    got, _ = credited("Isi pertama.", "Itu kata dia. (Tri)")
    assert got == {"authors": (["Tri"], "inferred")}
    got, _ = credited("Isi pertama.", "Itu kata dia. (Boldsky)")  # a publication, not a writer
    assert got == {"source": ("Boldsky", "stated")}
    got, _ = credited("Isi pertama.", "Itu kata dia. [Antara]")
    assert got == {"source": ("Antara", "stated")}


def test_a_stated_byline_wins_over_a_closing_tag():
    got, _ = credited("Penulis: Ani Lestari", "Isi pertama.", "Itu kata dia. (Yendhi / win)")
    assert got["authors"] == (["Ani Lestari"], "stated")
