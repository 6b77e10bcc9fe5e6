"""What an archive holds (Reader.coverage, the about page's figures), on a real index of the
conftest corpus: the Whoosh reader's own answer (from its facet table) must equal the seam's
engine-neutral default, and follow adds and removes."""
from __future__ import annotations

from search.engine.base import Reader
from search.engine.whoosh import update
from search.engine.whoosh.schema import schema_version
from search.models import Article, OutletShare
from search.text.analysis import analyzer


def test_coverage_counts_articles_and_paragraphs_per_outlet_and_month(archive):
    cov = archive.coverage()
    assert cov.articles == 5 and cov.paragraphs == 4 + 3 + 2 + 2 + 2
    assert cov.outlets == [OutletShare("Kompas", 2, 5), OutletShare("Kontan", 2, 6), OutletShare("Tempo", 1, 2)]
    assert cov.months == {"2024-06": 3, "2024-07": 1}
    assert (cov.dated, cov.first_date, cov.last_date) == (4, "2024-06-05", "2024-07-02")
    assert cov.built_at and cov.updated_at is None
    assert cov.index_version == schema_version(archive.settings) and cov.stemmer == analyzer(archive.settings).version
    assert cov.engine.startswith("whoosh ")


def test_the_whoosh_answer_equals_the_seams_default(archive):
    reader = archive.engine.reader()
    own, default = reader.coverage(), Reader.coverage(reader)
    for name in ("articles", "paragraphs", "outlets", "months", "dated", "first_date", "last_date"):
        assert getattr(own, name) == getattr(default, name), name


def test_unknown_outlets_come_last_and_months_between_are_zero(make_index, articles):
    articles[4].outlet = None
    articles[4].date = "2024-09-01"
    cov = make_index(articles).coverage()
    assert cov.outlets[-1] == OutletShare(None, 1, 2)
    assert cov.months == {"2024-06": 2, "2024-07": 1, "2024-08": 0, "2024-09": 1}


def test_coverage_follows_adds_and_removes(archive, tmp_path):
    root = archive.root
    update.remove(["a1"], root)
    cov = archive.coverage()
    assert cov.articles == 4 and OutletShare("Kontan", 1, 2) in cov.outlets
    assert cov.updated_at is not None
    update.add([Article(id="b1", paragraphs=["Satu.", "Dua.", "Tiga."], outlet="Antara", date="2024-08-02")], root)
    cov = archive.coverage()
    assert OutletShare("Antara", 1, 3) in cov.outlets and cov.months["2024-08"] == 1
