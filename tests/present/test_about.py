"""The about page's histogram bars and the JSON of GET /api/stats (search.present.about)."""
from __future__ import annotations

from search.models import Coverage, OutletShare
from search.present.about import CHART_HEIGHT, MAX_MONTH_BARS, bars, stats_json
from search.text import provenance, stemmer


def test_bars_are_proportional_and_a_small_count_stays_visible():
    got = bars({"2024-01": 200, "2024-02": 0, "2024-03": 1, "2024-04": 100})
    assert [b.key for b in got] == ["2024-01", "2024-02", "2024-03", "2024-04"]
    assert [b.height for b in got] == [CHART_HEIGHT, 0, 1, CHART_HEIGHT // 2]
    assert all(b.y + b.height == CHART_HEIGHT for b in got)
    assert [b.x for b in got] == sorted({b.x for b in got})  # left to right, no overlap


def test_a_long_span_is_counted_by_year():
    months = {f"{y}-{m:02d}": 1 for y in range(2010, 2016) for m in range(1, 13)}
    assert len(months) > MAX_MONTH_BARS
    assert [(b.key, b.count) for b in bars(months)] == [(str(y), 12) for y in range(2010, 2016)]
    assert bars({}) == []


def test_stats_json_has_every_figure():
    cov = Coverage(articles=3, paragraphs=9, outlets=[OutletShare("Kontan", 2, 7), OutletShare(None, 1, 2)],
                   months={"2024-06": 2}, dated=2, first_date="2024-06-01", last_date="2024-06-30",
                   built_at="2024-07-01T10:00:00+0700", updated_at=None, index_version="7+x", stemmer="x",
                   engine="whoosh 2.7.4",
                   licences=[{"source": "a.jsonl", "title": None, "licence": None, "file": None}])
    data = stats_json(cov)
    assert data["outlets"] == [{"outlet": "Kontan", "articles": 2, "paragraphs": 7},
                               {"outlet": None, "articles": 1, "paragraphs": 2}]
    assert data["dates"] == {"first": "2024-06-01", "last": "2024-06-30", "dated": 2, "undated": 1,
                             "months": {"2024-06": 2}}
    assert data["versions"] == {"index": "7+x", "stemmer": "x", "engine": "whoosh 2.7.4"}
    assert data["licences"]["articles"][0]["licence"] is None


def test_every_word_list_of_the_stemmer_has_its_provenance():
    listed = {f for w in provenance.WORD_LISTS for f in w["files"]}
    used = set(stemmer._LEXICON_FILES) | {stemmer._FREQ_FILE} | set(stemmer._MAPPED_FILES)
    assert used <= listed
    assert all((stemmer._DATA / f).exists() for f in listed)
