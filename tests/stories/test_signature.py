"""Echo signatures (search.stories.signature): a compound is one word for the echoes, however
it is written, while the index keeps reading it as its parts; and the echo join links two
outlets' paragraphs that write one name joined and camel-cased, through a real index build."""
from __future__ import annotations

from search.engine.whoosh.build import build
from search.models import Article
from search.query.archive import Archive
from search.stories.signature import compounds, signature
from search.text.analysis import analyzer, join_paragraphs


def test_a_compound_is_one_word_in_the_signature_and_parts_in_the_index():
    an = analyzer()
    text = "Lorenzo finis ketiga di MotoGP Spanyol bersama tim e-KTP"
    sig = signature(an, text)
    assert an.stem("motogp") in sig and an.stem("ektp") in sig
    assert not {"moto", "gp", "ktp"} & sig
    assert {"moto", "gp"} <= an.term_set(text)  # the index's own terms are unchanged


def test_camel_case_and_joined_forms_give_one_signature_word():
    an = analyzer()
    assert signature(an, "Festival JogjaRockarta di Yogyakarta") == \
        signature(an, "Festival Jogjarockarta di Yogyakarta")
    assert signature(an, "Kim Jong-un tiba") == signature(an, "Kim Jongun tiba")


def test_without_a_compound_the_index_term_set_is_reused():
    an = analyzer()
    text = "Sanksi PBB baru terhadap Korea Utara diumumkan di New York"
    stems = an.paragraph_stems(join_paragraphs([text]))[0]
    assert signature(an, text, stems) is stems
    assert signature(an, text) == stems
    # a reduplication is one word in the index too: the same term either way
    dup = "Sanksi-sanksi baru PBB terhadap Korea Utara diumumkan di New York"
    assert signature(an, dup) == an.term_set(dup)


def test_the_reading_childs_compounds_give_the_signatures_the_indexer_works_out(tmp_path):
    """A build's reading child reads the compound paragraphs' signatures (`compounds`); the
    indexer takes its own term set where it gives None. Every paragraph of the seeds and 600
    IndoSum articles gets the signature `signature` gives it with the index's term set."""
    from conftest import INDOSUM, seeds_and_indosum

    an = analyzer()
    arts = seeds_and_indosum(tmp_path, 600)
    seen = 0
    for a in arts:
        stems = an.paragraph_stems(join_paragraphs(a.paragraphs), count=len(a.paragraphs))
        found = compounds(an, a.paragraphs)
        assert len(found) == len(a.paragraphs)
        for text, own, ahead in zip(a.paragraphs, stems, found):
            assert (own if ahead is None else ahead) == signature(an, text, own), text
            seen += ahead is not None
    # compounds were read ahead (Kim Jong-un, e-KTP, MotoGP ...): in 3 paragraphs of the seeds,
    # and in more than 50 once IndoSum's articles are beside the checkout
    assert seen > (50 if INDOSUM.exists() else 2)
    assert compounds(an, ["Kim Jong-un tiba", "Sanksi-sanksi baru PBB"]) == \
        [signature(an, "Kim Jong-un tiba"), None]


def test_the_echo_join_links_a_name_written_camel_cased_and_joined(tmp_path):
    same = ("Selain {}, band lain yang akan tampil ada Burgerkill, Power Metal, Death Vomit, "
            "Kelompok Penerbang Roket, Deadsquad dan Pas Band.")
    arts = [
        Article(id="a1", title="Festival musik", paragraphs=["Pembuka.", same.format("JogjaRockarta")],
                outlet="Satu", date="2017-09-02"),
        Article(id="a2", title="Festival digelar", paragraphs=["Lain.", same.format("Jogjarockarta")],
                outlet="Dua", date="2017-09-03"),
    ]
    root = tmp_path / "ix"
    build(arts, root)
    arc = Archive(root, refresh=0)
    try:
        found = arc.echoes("a1").get(2, [])
        assert [(e.id, e.n) for e in found] == [("a2", 2)]
        assert found[0].similarity == 1.0  # one signature: the name is one word both ways
    finally:
        arc.close()
