"""The date histogram (search.query.histogram) through a real index: units that suit the range,
continuous buckets, counts equal to the counts of the search narrowed to each bucket, links."""
from __future__ import annotations

import datetime as dt
from collections import Counter

from search.models import Article
from search.query.histogram import histogram, unit_for
from search.query.params import SearchRequest
from tests.conftest import search


def spread() -> list[Article]:
    """Articles about `banjir` over two years, a few undated."""
    out = []
    start = dt.date(2022, 1, 3)
    for i in range(60):
        day = start + dt.timedelta(days=i * 11)
        out.append(Article(id=f"h{i}", title=f"Banjir ke-{i}", paragraphs=[f"Banjir melanda kota {i}."],
                           outlet="Kontan" if i % 2 else "Tempo", date=day.isoformat()))
    out += [Article(id=f"u{i}", paragraphs=["Banjir tanpa tanggal."], outlet="Tempo") for i in range(3)]
    return out


def test_units_suit_the_range():
    d = dt.date.fromisoformat
    assert unit_for(d("2024-06-01"), d("2024-06-30")) == "day"
    assert unit_for(d("2024-01-01"), d("2024-06-30")) == "week"
    assert unit_for(d("2020-01-01"), d("2024-06-30")) == "month"
    assert unit_for(d("1990-01-01"), d("2024-06-30")) == "year"


def test_buckets_are_continuous_and_count_every_dated_match():
    h = histogram(Counter({"2024-06-03": 2, "2024-06-10": 1}), SearchRequest(q="x"), total=4)
    assert h.unit == "day" and len(h.buckets) == 8 and h.undated == 1
    assert [b.count for b in h.buckets] == [2, 0, 0, 0, 0, 0, 0, 1]
    assert all(b.start == b.end for b in h.buckets)


def test_histogram_counts_equal_filtered_counts(make_index):
    arc = make_index(spread())
    resp = search(arc, "banjir")
    h = resp.histogram
    assert h.unit == "month" and h.undated == 3
    assert sum(b.count for b in h.buckets) == resp.total - 3
    starts = [b.start for b in h.buckets]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    for b in h.buckets:  # each bar's link narrows the search to exactly its count
        narrowed = search(arc, "banjir", **{"from": b.start, "to": b.end})
        assert narrowed.total == b.count, b
        assert f"from={b.start}" in b.qs and f"to={b.end}" in b.qs
    # narrowing to one month gives days; with a filter the counts follow the filter
    month = next(b for b in h.buckets if b.count)
    inside = search(arc, "banjir", **{"from": month.start, "to": month.end}).histogram
    assert inside.unit == "day" and sum(b.count for b in inside.buckets) == month.count
    kontan = search(arc, "banjir", outlet="Kontan")
    assert sum(b.count for b in kontan.histogram.buckets) == kontan.total


def test_histogram_in_json_and_page(make_index, tmp_path):
    from app import create_app

    make_index(spread(), root=tmp_path / "ix")
    client = create_app({"INDEX_DIR": str(tmp_path / "ix"), "TESTING": True}).test_client()
    data = client.get("/api/search?q=banjir").get_json()
    assert data["histogram"]["unit"] == "month"
    assert {"start", "end", "count"} <= set(data["histogram"]["buckets"][0])
    page = client.get("/?q=banjir").get_data(as_text=True)
    assert "<svg" in page and page.count("<rect") == len(data["histogram"]["buckets"])
    assert "style=" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]  # CSP: no inline styles


def _reference(days: Counter, req: SearchRequest, total: int):
    """The histogram by plain date arithmetic: every bucket walked with date objects and every
    day parsed (what search.query.histogram computes with ISO text)."""
    dated = {d: n for d, n in days.items() if d and n}
    d = dt.date.fromisoformat
    lo, hi = d(min(dated)), d(max(dated))
    want_lo, want_hi = req.date_range
    lo, hi = min(lo, d(want_lo)) if want_lo else lo, max(hi, d(want_hi)) if want_hi else hi
    unit = unit_for(lo, hi)

    def first(day: dt.date) -> dt.date:
        return {"day": day, "week": day - dt.timedelta(days=day.weekday()), "month": day.replace(day=1),
                "year": day.replace(month=1, day=1)}[unit]

    def following(day: dt.date) -> dt.date:
        if unit == "month":
            return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
        if unit == "year":
            return dt.date(day.year + 1, 1, 1)
        return day + dt.timedelta(days=7 if unit == "week" else 1)

    out, at = [], first(lo)
    while at <= hi:
        after = following(at)
        count = sum(n for day, n in dated.items() if at <= d(day) < after)
        out.append((at.isoformat(), (after - dt.timedelta(days=1)).isoformat(), count))
        at = after
    return unit, out, total - sum(dated.values())


def test_buckets_equal_plain_date_arithmetic_for_every_unit():
    import random

    rnd = random.Random(7)
    base = dt.date(2015, 12, 20)
    for trial in range(300):
        span = rnd.choice([5, 40, 300, 900, 5000, 20000])
        days = Counter({(base + dt.timedelta(days=rnd.randrange(span))).isoformat(): rnd.randint(1, 4)
                        for _ in range(rnd.randint(1, 40))})
        days[""] = 2  # undated matches are counted apart
        lo = (base - dt.timedelta(days=rnd.randrange(400))).isoformat() if trial % 3 == 0 else ""
        hi = (base + dt.timedelta(days=span + rnd.randrange(400))).isoformat() if trial % 4 == 0 else ""
        req = SearchRequest(q="x", date_from=lo, date_to=hi)
        total = sum(days.values()) + 1
        h = histogram(days, req, total)
        unit, buckets, undated = _reference(days, req, total)
        assert (h.unit, [(b.start, b.end, b.count) for b in h.buckets], h.undated) == (unit, buckets, undated)
        assert all(f"from={b.start}&to={b.end}" in b.qs for b in h.buckets)
