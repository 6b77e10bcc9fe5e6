"""The archive's coverage as the about page and GET /api/stats show it: the date histogram's
bars (one a month, or one a year over a long span) with their geometry for a small SVG, and the
JSON shape. The figures themselves come from the engine (search.models.Coverage)."""
from __future__ import annotations

from dataclasses import dataclass

from search.models import Coverage
from search.text.provenance import WORD_LISTS

MAX_MONTH_BARS = 48  # past four years of months, the histogram counts years
CHART_HEIGHT = 100  # the SVG's own units; the page scales it
BAR_WIDTH = 10


@dataclass(frozen=True)
class Bar:
    key: str  # 'YYYY-MM' or 'YYYY'
    count: int
    x: int
    y: int
    width: int
    height: int


def bars(months: dict[str, int]) -> list[Bar]:
    """The histogram's bars, oldest first, as rectangles in a CHART_HEIGHT-high chart (a bar of
    a non-zero count is at least one unit high, so it never vanishes)."""
    counts = dict(months)
    if len(counts) > MAX_MONTH_BARS:
        years: dict[str, int] = {}
        for month, n in counts.items():
            years[month[:4]] = years.get(month[:4], 0) + n
        counts = years
    top = max(counts.values(), default=0) or 1
    out = []
    for i, (key, n) in enumerate(counts.items()):
        h = max(1, round(n * CHART_HEIGHT / top)) if n else 0
        out.append(Bar(key, n, i * BAR_WIDTH + 1, CHART_HEIGHT - h, BAR_WIDTH - 2, h))
    return out


def stats_json(cov: Coverage) -> dict:
    """GET /api/stats: the same figures as the about page."""
    return {
        "articles": cov.articles,
        "paragraphs": cov.paragraphs,
        "outlets": [{"outlet": o.outlet, "articles": o.articles, "paragraphs": o.paragraphs} for o in cov.outlets],
        "dates": {"first": cov.first_date, "last": cov.last_date, "dated": cov.dated,
                  "undated": cov.articles - cov.dated, "months": cov.months},
        "built_at": cov.built_at,
        "updated_at": cov.updated_at,
        "versions": {"index": cov.index_version, "stemmer": cov.stemmer, "engine": cov.engine},
        "licences": {"articles": cov.licences,
                     "word_lists": [{"files": list(w["files"]), "source": w["source"], "licence": w["licence"]}
                                    for w in WORD_LISTS]},
    }
