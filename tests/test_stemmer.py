"""The Indonesian stemmer: the failure classes of plain Snowball stay fixed, plus an accuracy floor."""
from __future__ import annotations

from pathlib import Path

import pytest

from search.stemmer import LEXICON_VERSION, snowball, stem, stem_words
import os

SHARED = Path(os.environ.get("KLIPING_SHARED") or Path(__file__).resolve().parents[2] / "shared")  # ../shared beside the repo

FUNCTIONAL = SHARED / "eval/stem/sastrawi_functional.tsv"


@pytest.mark.parametrize("word, root", [
    ("kunjungan", "kunjung"), ("mengunjungi", "kunjung"),
    ("menolak", "tolak"), ("menerima", "terima"), ("mengirim", "kirim"),
    ("pasokan", "pasok"), ("memasok", "pasok"),
    ("menyuarakan", "suara"), ("memukul", "pukul"), ("mengalahkan", "kalah"),
])
def test_nasal_assimilation_and_suffixes_give_one_root(word, root):
    assert stem(word) == root


@pytest.mark.parametrize("word", ["berita", "media", "menteri", "selatan", "perdana", "kepala",
                                  "ekonomi", "mereka"])
def test_roots_that_only_look_affixed_stay_whole(word):
    assert stem(word) == word


@pytest.mark.parametrize("word, root", [
    ("sanksi-sanksi", "sanksi"), ("negara-negara", "negara"), ("berhati-hati", "hati"),
    ("besar-besaran", "besar"), ("meniru-nirukan", "tiru"), ("kuasa-mu", "kuasa"),
    ("bolak-balik", "bolak-balik"),
])
def test_reduplication(word, root):
    assert stem(word) == root


@pytest.mark.parametrize("word, root", [
    ("beritanya", "berita"), ("benarkah", "benar"), ("siapapun", "siapa"),
    ("kupukul", "pukul"), ("kauhajar", "hajar"),
])
def test_clitics(word, root):
    assert stem(word) == root


@pytest.mark.parametrize("word", ["7.000", "11.000", "2017", "di", "ke", "ini"])
def test_numbers_and_short_words_unchanged(word):
    assert stem(word) == word


def test_snowball_is_the_plain_baseline():
    assert snowball("mengunjungi") == "unjung"  # the failure this module corrects


def test_stem_words_matches_stem():
    words = ["kunjungan", "7.000", "negara-negara", "berita", "kunjungan"]
    assert stem_words(words) == [stem(w) for w in words]


def test_lexicon_version_is_a_string():
    assert isinstance(LEXICON_VERSION, str) and LEXICON_VERSION


def test_accuracy_floor_on_sastrawi_functional():
    if not FUNCTIONAL.exists():
        pytest.skip(f"{FUNCTIONAL} is not on this machine")
    pairs = [line.split("\t") for line in FUNCTIONAL.read_text(encoding="utf-8").splitlines()
             if "\t" in line]
    hits = sum(" ".join(stem(t) for t in w.lower().split()) == r.strip().lower() for w, r in pairs)
    assert hits / len(pairs) >= 0.95
