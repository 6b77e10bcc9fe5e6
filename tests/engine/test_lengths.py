"""Field lengths as both engines store them, through real indexes: a hyphenated compound that
the analyzer splits into its parts (`Kim Jong-un` -> kim jong un) is one word of its field's
length (search.text.analysis.Analyzer.word_count), so splitting moves no BM25 length
normalisation; a word really written is still counted."""
from __future__ import annotations

import pytest

from conftest import search
from search.engine import open_engine
from search.models import Article
from search.query.archive import Archive
from search.text.analysis import analyzer


def article(i: str, who: str) -> Article:
    return Article(id=i, outlet="Kontan", date="2024-06-1" + i[-1],
                   title=f"{who} berkunjung ke pabrik Rusia",
                   paragraphs=[f"{who} meninjau pabrik senjata di Vladivostok bersama pejabat setempat.",
                               "Kunjungan itu berlangsung tiga hari."])


#: c1 writes a compound where c2 writes one word; c3 writes the compound's parts as words (one
#: more word than c1 and c2, the same terms as c1).
ARTICLES = [article("c1", "Kim Jong-un"), article("c2", "Kim Jong"), article("c3", "Kim Jong Un"),
            Article(id="c4", outlet="Tempo", paragraphs=["Harga minyak dunia naik lagi pekan ini."]),
            Article(id="c5", outlet="Tempo", paragraphs=["Bank sentral menahan suku bunga acuannya."])]


def test_a_compound_is_one_word_of_the_length():
    an = analyzer()
    assert an.word_count("Kim Jong-un datang") == an.word_count("Kim datang") + 1 == 3
    assert len(an.index_terms("Kim Jong-un datang")) == 4  # the terms are still the parts
    assert an.word_count("e-KTP dan eKTP baru") == 3  # `dan` is a stop word
    assert an.word_count("Sanksi-sanksi baru") == 2  # a reduplication is one term anyway
    text = "Judul Kim Jong-un\u2029Isi Jong-un di sini"
    assert (an.word_count(text), an.word_count(text, 1 << 14)) == (6, 3)


@pytest.fixture
def scored(make_location):
    engine = open_engine(make_location(), refresh=0)
    engine.build(ARTICLES)
    arc = Archive(engine)
    yield lambda q, **args: {r.id: r.score for r in search(arc, q, **args).results}
    arc.close()


@pytest.mark.parametrize("q,args", [("pabrik", {}), ("senjata vladivostok", {}), ('"pabrik senjata"', {}),
                                    ("judul:berkunjung", {}), ("meninjau", {"exact": "1"})])
def test_a_hyphenated_compound_does_not_lengthen_its_field(scored, q, args):
    """In the body, the unstemmed `exact` field and the title, on both engines."""
    scores = scored(q, **args)
    assert set(scores) >= {"c1", "c2", "c3"}
    assert scores["c1"] == pytest.approx(scores["c2"], rel=1e-9)  # `Jong-un` is one word, as `Jong`
    assert scores["c3"] < scores["c1"]  # `Jong Un` is two
