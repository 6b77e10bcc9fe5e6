"""Answer types (search.answers): the marks the indexer writes, the type a question asks for, and
their effect on ranking in a real index."""
from __future__ import annotations

import pytest

from search.models import Article
from search.query.archive import Archive
from search.query.params import SearchRequest
from search.query.parse import parse_query
from search.settings import DEFAULT
from search.text import answers
from search.text.analysis import analyzer


@pytest.mark.parametrize("question, kind", [
    ("Kapan MOU Indonesia-GAM ditandatangani?", answers.TIME),
    ("Kapankah Harold Pinter dilahirkan?", answers.TIME),
    ("Tanggal berapakah jumpa pers itu diadakan?", answers.TIME),
    ("Pada tahun berapa Teguh Karya lahir", answers.TIME),
    ("Sejak kapan Siprus terbagi dua?", answers.TIME),
    ("Berapa jumlah penduduk kota Padang?", answers.NUMBER),
    ("Berapakah luas Taman Nasional Kutai", answers.NUMBER),
    ("Juara keberapa Indonesia di SEA Games?", answers.NUMBER),
    ("Siapa nama Perdana Menteri Inggris?", None),
    ("Di negara mana Warsawa terletak?", None),
    ('Siapa yang menyanyikan "Kapan Kawin"?', None),  # a quoted title does not ask
    ("berapapun harganya", None),
])
def test_the_answer_type_a_question_asks_for(question, kind):
    assert answers.kind(question) == kind


def test_marks_sit_at_the_positions_of_numbers_and_times():
    text = "Pada Senin, 15 Agustus 2005, dua ribu warga datang ke Helsinki."
    terms = analyzer().index_terms(text)
    where = {surface: pos for _stem, surface, pos in terms}
    marks = answers.marks(terms)
    assert marks[answers.NUMBER] == [where["15"], where["2005"], where["dua"], where["ribu"]]
    assert marks[answers.TIME] == [where["senin"], where["agustus"], where["2005"]]
    assert answers.marks(analyzer().index_terms("Tidak ada angka di sini.")) == {}


def test_only_questions_carry_an_answer_type():
    assert parse_query("Kapan Harold Pinter dilahirkan?").answer == answers.TIME
    assert parse_query("berapa penduduk padang").answer == answers.NUMBER  # no `?`, still a question
    assert parse_query("harga minyak dunia naik tajam").answer is None
    assert parse_query("kapan").answer is None  # one word: nothing to rank around


ARTICLES = [
    Article(id="nobel", paragraphs=["Penulis drama Harold Pinter dari Inggris memenangi Hadiah Nobel Sastra. "
                                    "Pinter kini dianggap penulis drama terbesar yang masih hidup."]),
    Article(id="lahir", paragraphs=["Pinter lahir di London, 10 Oktober 1930, dari keluarga penjahit."]),
    Article(id="jumlah", paragraphs=["Penduduk Kota Padang terus bertambah setiap tahun, kata wali kota."]),
    Article(id="angka", paragraphs=["Kota Padang kini berpenduduk 850.000 jiwa."]),
]


@pytest.mark.parametrize("question, without, with_type", [
    ("Kapan Harold Pinter dilahirkan?", "nobel", "lahir"),
    ("Berapa jumlah penduduk Kota Padang?", "jumlah", "angka"),
])
def test_the_passage_holding_the_asked_type_ranks_first(make_index, question, without, with_type):
    arc = make_index(ARTICLES)
    first = arc.search(SearchRequest(q=question)).results
    assert first[0].id == with_type
    # The same index with the answer type switched off: the other passage, which holds more of
    # the question's words, is first.
    off = Archive(arc.root, DEFAULT.with_(answer_weight=0.0, answer_nearness=0.0))
    try:
        assert off.search(SearchRequest(q=question)).results[0].id == without
    finally:
        off.close()


def test_an_answer_type_never_adds_matches(make_index):
    """The mark ranks what the question's words matched; a page with only numbers is not a hit."""
    arc = make_index(ARTICLES + [Article(id="nomor", paragraphs=["Nomor 1, 2, 3 dan 2005."])])
    found = {r.id for r in arc.search(SearchRequest(q="Kapan Harold Pinter dilahirkan?")).results}
    assert found == {"nobel", "lahir"}


def test_marks_do_not_change_body_lengths(make_index):
    arc = make_index(ARTICLES)
    searcher = arc.engine.reader().searcher
    reader = searcher.reader()
    doc = next(d for d in range(reader.doc_count_all()) if searcher.stored_fields(d)["id"] == "angka")
    # kota padang kini penduduk 850.000 jiwa: six terms; the number's mark is not a seventh
    assert reader.doc_field_length(doc, "body") == 6
    assert reader.doc_field_length(doc, "answer") == 0


def test_an_answer_mark_near_the_only_single_word_clause_counts(make_index):
    """`Korea Utara` is read as a phrase with its synonym (not a single word), so `diserang` is
    the question's only single-word clause; the year next to it still earns the nearness bonus.
    The two passages hold the same words, so without the bonus the first one would rank first."""
    far = "Korea Utara diserang pada masa yang sangat panjang dan berat bagi warganya, pada 1950."
    near = "Korea Utara diserang 1950 pada masa yang sangat panjang dan berat bagi warganya, pada."
    arc = make_index([Article(id="far", paragraphs=[far]), Article(id="near", paragraphs=[near])],
                     settings=DEFAULT.with_(answer_weight=0.0))  # only the nearness of the mark counts
    question = "Kapan Korea Utara diserang?"
    assert parse_query(question).answer == answers.TIME
    assert [r.id for r in arc.search(SearchRequest(q=question)).results] == ["near", "far"]
