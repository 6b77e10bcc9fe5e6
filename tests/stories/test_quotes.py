"""Quote extraction (search.stories.quotes) on the seeds and on paragraphs written to show each
form: direct quotes attributed after or before, quotes over two paragraphs, reported speech
(mengatakan, menurut, …, kata X), quoted titles that are not quotes, and pronoun speakers."""
from __future__ import annotations

from conftest import SEEDS
from search.ingest import load
from search.models import Article
from search.stories.quotes import extract, quote_spans

K002, K003 = "002_a7e7424a1120ba56", "003_89fcd6159c03982d"


def seeds() -> dict[str, Article]:
    return {a.id: a for a in load([SEEDS]) if isinstance(a, Article)}


def quotes(*paragraphs: str, title: str | None = None):
    return extract(Article(id="t", paragraphs=list(paragraphs), title=title))


def test_putins_letter_and_millers_claim_in_both_seeds():
    arts = seeds()
    for aid in (K002, K003):
        found = extract(arts[aid])
        letter = next(q for q in found if "mekanisme perdagangan" in q.text)
        assert letter.speaker == "Vladimir Putin" and letter.kind == "direct"
        miller = next(q for q in found if "11.000 kontainer" in q.text)
        assert miller.speaker == "Matthew Miller" and "rudal balistik" in miller.text
        text = arts[aid].paragraphs[letter.n - 1]
        s, e = letter.spans[0]
        assert text[s:e].startswith("Kami akan mengembangkan")


def test_direct_quotes_attributed_after_and_before():
    found = quotes(
        "Juru Bicara KPK Febri Diansyah menjelaskan perkara itu kepada wartawan.",
        '"Kami akan memeriksa semua saksi pekan depan," kata Febri di Gedung KPK.',
        'Febri mengatakan, "Penyidik sudah mengantongi bukti permulaan yang cukup."',
    )
    assert [(q.n, q.speaker, q.kind) for q in found][-2:] == [
        (2, "Febri Diansyah", "direct"), (3, "Febri Diansyah", "direct")]


def test_reported_speech_and_pronouns():
    found = quotes(
        "Kapolres Buru AKBP Leo Simatupang mengatakan penyisiran dilakukan untuk mencari penambang.",
        "Menurutnya, kini hanya ada sisa tenda milik penambang yang tertinggal.",
        "Penyisiran itu, kata dia, melibatkan ratusan personel gabungan.",
        "Pemerintah menyatakan bahwa lokasi tambang akan ditutup permanen.",
    )
    assert [(q.n, q.speaker) for q in found] == [
        (1, "Leo Simatupang"), (2, "Leo Simatupang"), (3, "Leo Simatupang"), (4, "Pemerintah")]
    assert all(q.kind == "reported" for q in found)
    assert found[1].text.startswith("kini hanya ada sisa tenda")


def test_a_quote_over_two_paragraphs_and_its_speaker():
    found = quotes(
        '"Semua klub punya ciri khas masing-masing dan manajernya pun demikian," kata Pep Guardiola.',
        '"Tetapi yang namanya sepak bola, ya, sama saja di mana pun kita bermain."',
    )
    assert [(q.n, q.speaker) for q in found] == [(1, "Pep Guardiola"), (2, "Pep Guardiola")]


def test_a_quoted_title_or_term_is_not_a_quote():
    found = quotes('Film "Marlina Si Pembunuh Dalam Empat Babak" tayang di bioskop pekan depan.',
                   'Warga menyebutnya "hoax" belaka.')
    assert found == []


def test_an_unnamed_speaker_stays_unknown():
    found = quotes("Seorang sumber mengatakan bahwa rapat itu berlangsung tertutup hingga malam.")
    assert len(found) == 1 and found[0].speaker is None


def test_quote_spans_over_paragraphs():
    assert quote_spans('a "b c d" e') == ([(3, 8)], False)
    spans, still_open = quote_spans("“Awal kutipan yang panjang sekali")
    assert still_open and spans == [(1, len("“Awal kutipan yang panjang sekali"))]
    assert quote_spans("lanjutan kutipan itu”", open_at_start=True) == ([(0, 20)], False)


def test_an_agency_credit_or_the_one_told_is_not_the_speaker():
    found = quotes(
        "Ketua KPK Agus Rahardjo hadir di gedung DPR.",
        "Mengutip Antara, Senin (3/4), dalam keterangan tertulis, ketua KPK mengatakan pemeriksaan "
        "akan dilanjutkan pekan depan.",
        "Kabid Humas Polda Papua Kombes Ahmad Kamal kepada Antara, mengakui kedua anggota yang "
        "tertembak itu sudah dievakuasi.",
        "Antara melaporkan, kedua korban dirawat di rumah sakit Tembagapura.",
    )
    assert [(q.n, q.speaker) for q in found] == [(2, "Agus Rahardjo"), (3, "Ahmad Kamal"), (4, "Antara")]
