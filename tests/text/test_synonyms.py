"""Query-time synonyms and variants: the file format, its reloading, and the seed articles they
must find, on a real index built from seeds/ (nothing mocked)."""
from __future__ import annotations

import os
import re

import pytest

from conftest import SEEDS
from search import ingest
from search.engine.whoosh.build import build
from search.query import ast
from search.query.archive import Archive
from search.query.params import SearchRequest
from search.query.parse import parse_query
from search.text import synonyms


@pytest.fixture(scope="module")
def seeds_archive(tmp_path_factory):
    root = tmp_path_factory.mktemp("seed-index")
    build(ingest.load([SEEDS]), root)
    arc = Archive(root)
    yield arc
    arc.close()


def seed_text(stem: str) -> str:
    return (SEEDS / f"{stem}.txt").read_text(encoding="utf-8")


def seeds_saying(pattern: str) -> set[str]:
    return {p.stem for p in SEEDS.glob("*.txt") if re.search(pattern, p.read_text(encoding="utf-8"))}


def found(arc: Archive, q: str, **kw) -> dict:
    resp = arc.search(SearchRequest(q=q, per_page=50, **kw))
    return {r.id: r for r in resp.results}


def test_pasokan_finds_every_seed_that_says_pasokan_or_memasok(seeds_archive):
    expected = seeds_saying(r"\b(pasokan|memasok)\b")
    assert len(expected) == 4
    got = set(found(seeds_archive, "pasokan"))
    assert expected <= got
    # Anything else found says another form of the same root (000 says `pemasokan`).
    assert got - expected == seeds_saying(r"(?i)\b(pe|di|me)?m?pasok(an)?\b|\bpemasok(an)?\b") - expected


def test_kerja_sama_finds_articles_that_only_write_kerjasama(seeds_archive):
    only_joined = seeds_saying(r"(?i)\bkerjasama\b") - seeds_saying(r"(?i)\bkerja sama\b")
    assert only_joined  # the seeds do have such articles
    got = found(seeds_archive, "kerja sama")
    assert only_joined <= set(got)
    assert ("kerja sama", ("kerjasama",)) in parse_query("kerja sama").expansions
    # ...and the other way round.
    assert seeds_saying(r"(?i)\bkerja sama\b") <= set(found(seeds_archive, "kerjasama"))


def test_dk_pbb_finds_and_marks_paragraphs_that_say_dewan_keamanan(seeds_archive):
    saying = seeds_saying(r"Dewan Keamanan") - seeds_saying(r"DK PBB")
    assert saying
    got = found(seeds_archive, "DK PBB")
    assert saying | seeds_saying(r"DK PBB") <= set(got)
    for doc in saying:
        assert any("<mark>Dewan Keamanan</mark>" in p.html for p in got[doc].paragraphs), doc
    typed = [t for t, _ in parse_query("DK PBB").expansions]
    assert typed[:1] == ["DK PBB"] and "DK" in typed


def test_uppercase_AS_expands_but_the_word_as_does_not():
    p = parse_query("sanksi AS")
    assert ("AS", ("Amerika Serikat",)) in p.expansions
    assert ("amerika", "serikat") in p.highlight.phrases
    assert parse_query("sanksi as").expansions == ()
    assert parse_query("As").expansions == ()
    assert '"AS"' not in str(parse_query('"AS"').expansions)  # quoted words stay as typed


def test_AS_finds_amerika_serikat_and_marks_it(seeds_archive):
    resp = seeds_archive.search(SearchRequest(q="AS"))
    assert resp.query.expansions == (("AS", ("Amerika Serikat",)),)
    htmls = " ".join(p.html for r in resp.results for p in r.paragraphs)
    assert "<mark>Amerika Serikat</mark>" in htmls


def test_numbers_with_and_without_thousands_dots_are_one_number(seeds_archive):
    with_dots = found(seeds_archive, "11.000")
    assert with_dots and set(found(seeds_archive, "11000")) == set(with_dots)
    assert parse_query("11000").expansions == (("11000", ("11.000",)),)
    assert parse_query("2024").expansions == ()  # a year is not 2.024


def test_other_listed_variants_expand_both_ways():
    for a, b in [("PBB", "Perserikatan Bangsa-Bangsa"), ("Korut", "Korea Utara"), ("Korsel", "Korea Selatan"),
                 ("aktifitas", "aktivitas"), ("praktek", "praktik"),
                 ("tanda tangan", "tandatangan"), ("pemilu", "pemilihan umum"), ("KPK", None), ("DPR", None),
                 ("TNI", None), ("RI", None)]:
        exp = dict(parse_query(a).expansions)
        assert a in exp, a
        if b:
            assert b in exp[a] and a in dict(parse_query(b).expansions)[b]


def test_expansion_counts_once_in_a_long_query():
    p = parse_query("apa kata Korut tentang latihan militer Korsel dan AS")
    assert p.mode == "any"
    # Korut, latihan, militer, Korsel, AS (apa, kata, tentang, dan are stop words): each group is
    # one disjunction, so a document saying both `AS` and `Amerika Serikat` is counted once.
    assert len(p.query.children) == 5
    assert sum(isinstance(c, ast.Alternatives) for c in p.query.children) == 3
    assert {t for t, _ in p.expansions} == {"Korut", "Korsel", "AS"}


def test_file_format_and_reload_on_change(tmp_path, monkeypatch):
    f = tmp_path / "syn.txt"
    f.write_text("# comment\nKPU = Komisi Pemilihan Umum  # trailing comment\nlonely\n\n", encoding="utf-8")
    monkeypatch.setenv("KLIPING_SYNONYMS", str(f))
    monkeypatch.setenv("KLIPING_NAMES", str(tmp_path / "no-names.txt"))
    assert dict(parse_query("KPU").expansions) == {"KPU": ("Komisi Pemilihan Umum",)}
    assert parse_query("kpu").expansions == ()
    assert parse_query("PBB").expansions == ()  # the default file is not read
    f.write_text("pilkada = pemilihan kepala daerah\n", encoding="utf-8")
    os.utime(f, ns=(f.stat().st_atime_ns, f.stat().st_mtime_ns + 10**9))
    assert parse_query("KPU").expansions == ()
    assert dict(parse_query("Pilkada").expansions) == {"Pilkada": ("pemilihan kepala daerah",)}
    monkeypatch.setenv("KLIPING_SYNONYMS", str(tmp_path / "missing.txt"))
    assert parse_query("KPU").expansions == () and not parse_query("KPU").is_browse


def test_parse_keeps_longest_match_and_skips_quotes_operators_and_wildcards():
    table = synonyms.parse("DK PBB = Dewan Keamanan PBB\nPBB = Perserikatan Bangsa-Bangsa\nAS = Amerika Serikat")
    assert [m.typed for m in synonyms.find("DK PBB dan PBB", table)] == ["DK PBB", "PBB"]
    assert synonyms.find('"PBB" AS*', table) == []
    assert [m.typed for m in synonyms.find("PBB (AS)", table)] == ["PBB", "AS"]
    assert [m.typed for m in synonyms.find("NOT AS", table)] == ["AS"]


def test_default_file_has_the_documented_groups():
    table = synonyms.parse(synonyms.DEFAULT_PATH.read_text(encoding="utf-8"))
    for typed in ["PBB", "DK PBB", "AS", "Korut", "Korsel", "RI", "KPK", "DPR", "TNI",
                  "kerjasama", "aktifitas", "praktek"]:
        assert table.lookup(typed.split()), typed


def test_name_variants_ship_with_sources_and_are_editable(tmp_path, monkeypatch):
    from search.text.synonyms import NAMES_PATH

    text = NAMES_PATH.read_text(encoding="utf-8")
    assert "id.wikipedia.org" in text  # where the variants come from
    for typed, other in (("Jokowi", "Joko Widodo"), ("SBY", "Susilo Bambang Yudhoyono"),
                         ("Ahok", "Basuki Tjahaja Purnama"), ("Setnov", "Setya Novanto"),
                         ("ojol", "ojek online"), ("Pemprov", "pemerintah provinsi")):
        assert other in dict(parse_query(typed).expansions)[typed], typed
    f = tmp_path / "names.txt"
    f.write_text("Pak Beye = Susilo Bambang Yudhoyono\n", encoding="utf-8")
    monkeypatch.setenv("KLIPING_NAMES", str(f))
    assert dict(parse_query("Pak Beye").expansions) == {"Pak Beye": ("Susilo Bambang Yudhoyono",)}
    assert parse_query("Jokowi").expansions == ()
