"""Formula judged out of the echoes (search.stories.formulaic) on REAL indexes: legal citations
recurring for different suspects, lineups, monthly figures and an attribution frame link
nothing, while the same passage carried by two outlets still links (and did before)."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from search.models import Article
from search.query.archive import Archive
from search.stories import echoes
from search.stories.formulaic import features
from search.text.analysis import analyzer

FILLER = [
    "Harga cabai rawit di pasar induk naik tajam menjelang akhir pekan karena pasokan berkurang.",
    "Tim nasional berlatih di lapangan Senayan untuk persiapan laga persahabatan bulan depan.",
    "Warga bergotong royong membersihkan saluran air agar banjir tidak kembali melanda kampung.",
    "Bank sentral mempertahankan suku bunga acuan setelah rapat dewan gubernur dua hari.",
    "Ribuan pemudik memadati terminal bus sejak pagi hari menjelang libur panjang lebaran.",
    "Festival musik tahunan menghadirkan puluhan band dari berbagai kota di tanah air.",
]
NAMES = ["Anang Sugiana Sudihardjo", "Andi Taufan Tiro", "Nur Alam Syahputra", "Patrialis Akbar Ramli",
         "Irman Gusman Wijaya", "Sigit Yugoharto Pratama", "Zumi Zola Zulkifli", "Charles Jones Mesang"]
OUTLETS = ["Kontan", "Kompas", "Tempo", "Antara", "Suara", "Merdeka", "Detik", "Republika"]


def legal(name: str) -> str:
    return (f"Atas perbuatannya, {name} disangka melanggar pasal 2 ayat (1) atau pasal 3 UU No 31 "
            "Tahun 1999 sebagaimana telah diubah dengan UU No 20 Tahun 2001 tentang Pemberantasan "
            "Tindak Pidana Korupsi jo pasal 55 ayat (1) ke-1 KUHP.")


WIRE = ("Juru bicara Departemen Luar Negeri Matthew Miller mengatakan Korea Utara telah memasok "
        "lusinan rudal balistik dan lebih dari 11.000 kontainer amunisi ke Rusia untuk perang.")


def corpus() -> list[Article]:
    arts = []
    for i, name in enumerate(NAMES):
        month = 1 + i
        arts.append(Article(id=f"kpk{i}", outlet=OUTLETS[i], date=f"2017-{month:02d}-10",
                            paragraphs=[f"KPK menahan {name} dalam kasus suap proyek daerah nomor {i}.",
                                        legal(name)]))
    for i, filler in enumerate(FILLER * 3):
        arts.append(Article(id=f"f{i}", outlet=OUTLETS[i % 8], date="2017-10-01",
                            paragraphs=[filler + f" Laporan nomor {i} dari redaksi."]))
    arts.append(Article(id="w1", outlet="Kontan", date="2024-06-18", paragraphs=[WIRE]))
    arts.append(Article(id="w2", outlet="Kompas", date="2024-06-18",
                        paragraphs=[WIRE.replace("lusinan", "puluhan").replace("untuk perang", "")]))
    return arts


def echo_links(arc: Archive, ids) -> set:
    return {(a, n, e.id) for a in ids for n, lst in arc.echoes(a).items() for e in lst}


def test_legal_citations_for_different_suspects_link_nothing_but_a_wire_passage_does(make_index):
    arc = make_index(corpus())
    assert echo_links(arc, [f"kpk{i}" for i in range(len(NAMES))]) == set()
    assert echo_links(arc, ["w1"]) == {("w1", 1, "w2")}


def test_before_the_judge_the_same_citations_linked(tmp_path):
    """The check is real: the echo join alone links the citations."""
    table = echoes.EchoTable.build(corpus(), analyzer())
    raw = table.echoes()
    assert any(aid.startswith("kpk") for aid in raw)


def test_lineups_figures_and_attribution_frames_link_nothing(make_index):
    lineup = "Persipura (4 - 3 - 3): 1 - Yoo Jae Hoon; 21 - Yustinus Pae, 4 - Ricardo Salampessy, " \
             "46 - Osvaldo Haay; 17 - Ferinando Pahabol, 13 - Ian Kabes, 24 - Marinus Wanewar"
    tpk = ("Tingkat Penghunian Kamar (TPK) hotel berbintang di Indonesia pada {m} mencapai rata-rata "
           "{a} persen atau naik {b} poin dibandingkan dengan TPK {m} tahun lalu yang tercatat {c} persen.")
    frame = ('"{q}," ujar Ketua Majelis Hakim Konstitusi Arief Hidayat saat membacakan amar putusan '
             "di Gedung MK, Jakarta, Selasa.")
    arts = [
        Article(id="l1", outlet="Juara", date="2017-05-23", paragraphs=[lineup]),
        Article(id="l2", outlet="Goal", date="2017-11-13", paragraphs=[lineup.replace("4 - 3 - 3", "3 - 5 - 2")]),
        Article(id="t1", outlet="Antara", date="2017-08-02",
                paragraphs=[tpk.format(m="Juni", a="51,02", b="2,39", c="48,63")]),
        Article(id="t2", outlet="Rimanews", date="2017-05-03",
                paragraphs=[tpk.format(m="Maret", a="54,70", b="1,82", c="52,88")]),
        Article(id="q1", outlet="CNN", date="2017-05-24",
                paragraphs=[frame.format(q="Menyatakan permohonan pemohon tidak dapat diterima seluruhnya")]),
        Article(id="q2", outlet="Antara", date="2017-11-08",
                paragraphs=[frame.format(q="Mengabulkan penarikan kembali permohonan para pemohon uji materi")]),
    ]
    arc = make_index(arts + corpus()[-20:-2])
    assert echo_links(arc, ["l1", "l2", "t1", "t2", "q1", "q2"]) == set()
    raw = echoes.EchoTable.build(arts, analyzer()).echoes()
    assert {"l1", "t1", "q1"} <= set(raw)  # each pair was linked before the judge


def test_paragraph_features():
    f = features("Persipura: 1 Yoo Jae Hoon, 21 Yustinus Pae, 4 Ricardo Salampessy, 46 Osvaldo Haay, 13 Ian Kabes")
    assert f is not None and f.is_list
    f = features("Inflasi 3,5 persen dan pertumbuhan 5,1 persen pada kuartal ini.")
    assert f is not None and f.figures == frozenset({"3,5%", "5,1%"})
    assert features("Harga cabai naik di pasar induk Jakarta pekan ini.") is None


NARKOTIKA = ("{who} dijerat Pasal 114 ayat 1 subsider Pasal 112 ayat 1 juncto Pasal 132 ayat 1 "
             "Undang-Undang Nomor 35 Tahun 2009 tentang Narkotika dengan ancaman hukuman paling singkat "
             "lima tahun penjara dan paling lama 20 tahun penjara.")
ISBAT = ("Sidang isbat akan dihadiri oleh para duta besar negara sahabat, Mahkamah Agung, Majelis Ulama "
         "Indonesia (MUI), Badan Meteorologi, Klimatologi dan Geofisika (BMKG), Lembaga Penerbangan dan "
         "Antariksa Nasional (LAPAN), Badan Informasi Geospasial (BIG), Planetarium, dan Tim Hisab dan "
         "Rukyat Kementerian Agama.")


def test_stock_text_links_the_same_event_only(make_index):
    """A statute citation with its penalties, or an enumeration of bodies, written again for
    another event months later links nothing; the same event's passage in two outlets does."""
    arts = [
        Article(id="n1", outlet="Rimanews", date="2017-05-03", paragraphs=[NARKOTIKA.format(who="Kedua pelaku")]),
        Article(id="n2", outlet="CNN", date="2018-01-07", paragraphs=[NARKOTIKA.format(who="Keduanya")]),
        Article(id="n3", outlet="Detik", date="2018-01-08", paragraphs=[NARKOTIKA.format(who="Keduanya kini")]),
        Article(id="i1", outlet="CNN", date="2017-06-24", paragraphs=[ISBAT]),
        Article(id="i2", outlet="Kumparan", date="2017-08-21",
                paragraphs=["Menurut Amin, s" + ISBAT[1:].replace("para ", "Ketua Komisi VIII DPR RI, ")]),
    ]
    arc = make_index(arts + corpus()[-20:-2])
    assert echo_links(arc, ["n1", "i1", "i2"]) == set()
    assert echo_links(arc, ["n2"]) == {("n2", 1, "n3")}
    raw = echoes.EchoTable.build(arts, analyzer()).echoes()
    assert {"n1", "i1"} <= set(raw)  # each pair was linked before the judge


def test_stock_features():
    assert features(NARKOTIKA.format(who="Kedua pelaku")).stock
    assert features(ISBAT).stock
    # a festival's bands are an enumeration of names, not of bodies; a case told with its
    # statute is not a citation alone
    assert features("Selain God Bless, band lain yang akan tampil ada Burgerkill, Power Metal, Death "
                    "Vomit, Kelompok Penerbang Rocket, Deadsquad dan Pass Band.") is None
    assert features("Pemeriksaan itu terkait kasus dugaan suap uji materi UU 41 / 2014 tentang Peternakan "
                    "dan Kesehatan Hewan yang menjerat bekas hakim konstitusi Patrialis Akbar.") is None


def test_a_lineup_with_dashes_and_substitutions_is_a_list():
    f = features("Napoli (4 - 3 - 3): 25 - Pepe Reina; 33 - Raul Albiol, 3 - Ivan Strinic, 26 - Kalidou "
                 "Koulibaly; 17 - Marek Hamsik (30 - Marko Rog 79 '), 5 - Allan, 8 - Jorginho; 14 - Dries "
                 "Mertens (99 - Arkadiusz Milik 83 '), 24 - Lorenzo InsignePelatih: Maurizio Sarri")
    assert f is not None and f.is_list


def test_the_same_stock_text_word_for_word_for_another_event_links_nothing(make_index):
    """Identical paragraphs are one group of the echo table: each pair is judged too."""
    text = NARKOTIKA.format(who="Keduanya")
    arts = [Article(id="s1", outlet="Rimanews", date="2017-05-03", paragraphs=[text]),
            Article(id="s2", outlet="CNN", date="2018-01-07", paragraphs=[text]),
            Article(id="s3", outlet="Detik", date="2018-01-08", paragraphs=[text])]
    arc = make_index(arts + corpus()[-20:-2])
    assert echo_links(arc, ["s1", "s2", "s3"]) == {("s2", 1, "s3"), ("s3", 1, "s2")}
    raw = echoes.EchoTable.build(arts, analyzer()).echoes()
    assert ("s2", 1, 1.0) in raw["s1"][1]  # linked before the judge


def _features_as_written_before(text: str, quoted_terms=frozenset()):
    """`features` as one function, before its text's part (`shape`) was split off for the
    build's reading child: the reference the split must equal."""
    import re

    from search.stories import formulaic as f
    seps = text.count(",") + text.count(";") + text.count(" - ")
    words = f._WORD.findall(text) if seps >= 4 else []
    is_list = len(words) >= f.LIST_MIN_WORDS and \
        sum(1 for w in words if w[0].isupper() or w[0].isdigit()) >= f.LIST_SHARE * len(words)
    figures = frozenset(re.sub(r"\s+", "", x).replace("persen", "%") for x in f._FIGURE.findall(text)) \
        if "," in text or "%" in text or "persen" in text else frozenset()
    stock = not is_list and f._stock(text)
    if not is_list and not stock and len(figures) < f.FIGURES_MIN and len(quoted_terms) < f.QUOTE_MIN_TERMS:
        return None
    return f.Features(is_list, figures if len(figures) >= f.FIGURES_MIN else frozenset(),
                      quoted_terms if len(quoted_terms) >= f.QUOTE_MIN_TERMS else frozenset(), stock)


def test_features_from_a_shape_are_the_features_of_the_text():
    """features = features_of(shape(text), quoted) on every kind of paragraph (lists, figures,
    statutes, enumerations, plain), with no, few and enough quoted terms."""
    from search.stories.formulaic import features_of, shape

    texts = [*FILLER, *(legal(n) for n in NAMES), ", ".join(NAMES), "Inflasi 3,5 persen, ekspor 4,1 persen.",
             "Inflasi 3,5 persen saja.", "Napoli (4 - 3 - 3): 25 - Pepe Reina; 33 - Raul Albiol, 3 - Ivan Strinic",
             "KPK, Polri, Kejaksaan Agung, BPK (Badan Pemeriksa Keuangan), Kementerian Keuangan dan DPR hadir.", ""]
    kinds = set()
    for text in texts:
        for quoted in (frozenset(), frozenset({"a", "b"}), frozenset({"sanksi", "pbb", "korea", "utara", "rusia"})):
            want = _features_as_written_before(text, quoted)
            assert features(text, quoted) == want == features_of(shape(text), quoted), (text, quoted)
            kinds.add(None if want is None else (want.is_list, bool(want.figures), want.stock, bool(want.quoted)))
    assert len(kinds) >= 5  # the paragraphs above reach the different outcomes


_PIECES = ["7", "12", "2024", "1.250", "3,5", "\u0663", ",", ".", ";", "%", " ", "  ", "persen", "per", "a", "Rp"]


@given(st.lists(st.sampled_from(_PIECES), max_size=14).map("".join))
@settings(max_examples=3000, derandomize=True)
def test_figures_are_the_plain_patterns(text):
    """`_FIGURE` starts each branch at a digit no digit precedes (so `re` skips to digits): it
    finds what the plain pattern finds (Arabic-Indic digits are digits to both)."""
    import re

    from search.stories.formulaic import _FIGURE
    plain = re.compile(r"\d+(?:[.,]\d+)*(?:\s*(?:%|persen))|\d+,\d+")
    assert _FIGURE.findall(text) == plain.findall(text)
