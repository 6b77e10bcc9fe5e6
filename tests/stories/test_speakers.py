"""Speakers (search.stories.speakers): names without the offices in front, and an article's cast
resolving short names, nicknames, offices, pronouns and epithets to the full name given."""
from __future__ import annotations

import pytest

from search.stories.speakers import Cast, name_in


@pytest.mark.parametrize("phrase, name", [
    ("Juru Bicara KPK Febri Diansyah", "Febri Diansyah"),
    ("Ketua Majelis Hakim Arief Hidayat", "Arief Hidayat"),
    ("Menteri Agama Lukman Hakim Saifuddin", "Lukman Hakim Saifuddin"),
    ("Kepala Bidang Humas Polda Jawa Timur Komisaris Besar Frans Barung Mangera", "Frans Barung Mangera"),
    ("Letnan Kolonel Pelaut Bagus Amarullah", "Bagus Amarullah"),
    ("Direktur Perlindungan WNI Kementerian Luar Negeri Iqbal Lalu Muhammad", "Iqbal Lalu Muhammad"),
    ("Wakil Presiden M Jusuf Kalla", "M Jusuf Kalla"),
    ("Presiden Rusia Vladimir Putin", "Vladimir Putin"),
    ("Ketua Umum Gabungan Industri Kendaraan Bermotor Indonesia (Gaikindo) Yohanes Nangoi", "Yohanes Nangoi"),
])
def test_name_without_offices(phrase, name):
    assert name_in(phrase.split()) == name


@pytest.mark.parametrize("phrase", ["Komisi Pemberantasan Korupsi (KPK)", "Polda Metro Jaya",
                                    "Menurut", "Kepala Bidang Humas"])
def test_no_name_in_an_office_or_an_organisation(phrase):
    assert name_in(phrase.split()) is None


def test_cast_resolves_short_names_nicknames_offices_and_pronouns():
    paragraphs = [
        "Presiden Joko Widodo didampingi Panglima TNI Jenderal Gatot Nurmantyo meninjau pasukan.",
        "Pemimpin Korea Utara Kim Jong Un dan Presiden Rusia Vladimir Putin bertemu di Pyongyang.",
    ]
    cast = Cast(paragraphs)
    for p in paragraphs:
        cast.learn(p)
    assert cast.speaker("Jokowi") == "Joko Widodo"
    assert cast.speaker("Putin") == "Vladimir Putin"
    assert cast.speaker("Kim") == "Kim Jong Un"
    assert cast.speaker("Panglima TNI") == "Gatot Nurmantyo"
    cast.said("Vladimir Putin")
    assert cast.speaker("dia") == "Vladimir Putin"
    assert cast.speaker("pria kelahiran Leningrad itu") == "Vladimir Putin"
    assert cast.speaker("seorang pejabat") is None and cast.speaker("sumber lain") is None
    assert cast.speaker("Klopp") == "Klopp"  # never given in full: stays as written


def test_a_person_named_since_the_last_speaker_is_whom_a_pronoun_means():
    cast = Cast()
    cast.learn("Mantan Wakil Ketua KPK Busyro Muqoddas meragukan kesiapan Polri.")
    cast.said("Busyro Muqoddas")
    later = "Kepala Divisi Humas Polri Irjen Pol Setyo Wasisto menilai wacana itu perlu."
    cast.learn(later)
    cast.subjects(later)
    assert cast.speaker("dia") == "Setyo Wasisto"


def test_a_nickname_made_of_the_starts_of_a_full_name_resolves_to_it():
    paragraphs = ["Ketua DPR Bambang Soesatyo mengatakan pansus sudah menyepakati mekanisme penyusunan.",
                  "Politikus Golkar Ade Komarudin hadir di rapat itu."]
    cast = Cast(paragraphs)
    for p in paragraphs:
        cast.learn(p)
    assert cast.speaker("Bamsoet") == "Bambang Soesatyo"
    assert cast.speaker("Bambang") == "Bambang Soesatyo"
    # one word's start, or starts out of order, is not such a nickname
    assert cast.speaker("Komar") == "Komar" and cast.speaker("Soebam") == "Soebam"
