"""The Whoosh engine's facets: values per document, filtering and counting, in plain sets.

`FacetTable` is loaded once per searcher from the packed `facets` column: for each facet, a map
value -> set of document numbers. Filtering is then set intersection, and counting a facet is
done "disjunctively": values of one facet are ORed, so each facet is counted with every filter
except its own, and a user can widen a selection (Kontan OR Antara) from the counts shown.
What the counts become on a page (toggles, order, truncation) is search.query.facets'.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain

from search.engine.base import FILTERS, Plan, days_wanted

SINGLE = ("outlet", "source", "date", "month")  # at most one value a document; date = the day
MANY = ("editor", "tag", "author")  # any number of values a document (author: `penulis:` only)


@dataclass
class FacetTable:
    live: frozenset[int]  # document numbers not deleted
    dates: dict[int, str]  # docnum -> ISO date (known dates only)
    index: dict[str, dict[str, set[int]]]  # facet -> value -> docnums ("date": days, "month": months)
    values: dict[str, dict[int, tuple[str, ...]]]  # many-valued facet -> docnum -> values
    newest: list[int] = field(default_factory=list)  # live docs, newest first, undated last
    oldest: list[int] = field(default_factory=list)  # live docs, oldest first, undated last
    # Single-valued facets as lists indexed by document number (None: no value, or deleted);
    # "date" holds the day and "month" its month. Counting a set of documents is then one
    # C-level pass.
    single: dict[str, list] = field(default_factory=dict)
    totals: dict[str, Counter] = field(default_factory=dict)  # facet -> counts over live docs
    paragraphs: Counter = field(default_factory=Counter)  # outlet (None: unknown) -> paragraphs of live docs
    ids: list = field(default_factory=list)  # docnum -> article id (None: deleted)

    @classmethod
    def load(cls, reader) -> FacetTable:
        live, dates = set(), {}
        index = {name: {} for name in SINGLE + MANY}
        values = {name: {} for name in MANY}
        n = reader.doc_count_all()
        single = {name: [None] * n for name in SINGLE}
        ids: list[str | None] = [None] * n
        paragraphs: Counter = Counter()
        col = reader.column_reader("facets") if n else None  # an empty index has no columns
        for doc in range(n):
            if reader.is_deleted(doc):
                continue
            live.add(doc)
            outlet, date, editors, source, tags, _dateline, count, authors, aid = json.loads(col[doc])
            ids[doc] = aid
            paragraphs[outlet or None] += count
            if date:
                dates[doc] = date
            for name, v in (("outlet", outlet), ("source", source), ("date", date),
                            ("month", date[:7] if date else None)):
                if v:
                    single[name][doc] = v
                    index[name].setdefault(v, set()).add(doc)
            for name, vals in (("editor", tuple(editors or ())), ("tag", tuple(tags or ())),
                               ("author", tuple(authors or ()))):
                values[name][doc] = vals
                for v in vals:
                    index[name].setdefault(v, set()).add(doc)
        undated = sorted(live - dates.keys())
        by_date = sorted(dates, key=lambda d: (dates[d], d))
        newest = sorted(dates, key=lambda d: (dates[d], -d), reverse=True) + undated
        table = cls(frozenset(live), dates, index, values, newest, by_date + undated, single,
                    paragraphs=paragraphs, ids=ids)
        # The browse counts, computed here so that no visitor waits for them.
        table.totals = {name: _count(table, name, table.live) for name in index}
        return table

    def docs_for(self, facet: str, selected: tuple[str, ...]) -> set[int]:
        out: set[int] = set()
        for v in selected:
            index = self.index["month" if facet == "date" and len(v) == 7 else facet]
            out |= index.get(v, set())
        return out

    def in_range(self, lo: str, hi: str) -> set[int]:
        return {d for d, iso in self.dates.items() if (not lo or iso >= lo) and (not hi or iso <= hi)}


def restrict(table: FacetTable, matched: set[int], plan: Plan) -> tuple[set[int], dict[str, set[int]]]:
    """Apply every filter. Returns the kept documents, and per facet the documents kept by all
    filters except that facet's own (for disjunctive counts)."""
    lo, hi = plan.date_from, plan.date_to
    base = matched & table.in_range(lo, hi) if (lo or hi) else matched  # (read, never changed)
    by_facet = {name: table.docs_for(name, plan.filters[name])
                for name in FILTERS if plan.filters.get(name)}
    kept = base
    for docs in by_facet.values():
        kept = kept & docs
    others = {}
    for name in FILTERS:
        if name in by_facet:
            rest = base
            for other, docs in by_facet.items():
                if other != name:
                    rest = rest & docs
            others[name] = rest
        else:
            others[name] = kept
    return kept, others


def count(table: FacetTable, name: str, docs: set[int], rests: dict | None = None) -> Counter:
    """Counts of one facet's values over `docs` (live documents), zero counts left out.

    Over all live documents (browsing) the counts are computed once per table. Otherwise a
    facet with few values intersects each value's documents with `docs`, and one with many
    counts the values of each document. Measured at 35k articles, counting every facet over
    all documents took 12 ms a request before the totals were kept. Over more than half of
    the live documents, the rest is counted and taken from the totals: the 12-word question
    at 100k matches 73% of the archive. `rests` (a dict kept for one request) remembers the
    rest of each set of documents counted, which the request's facets share."""
    if len(docs) == len(table.live):  # docs are live documents: all of them
        return Counter(table.totals[name])
    if 2 * len(docs) > len(table.live):  # most documents: the totals less those of the rest
        counts = Counter(table.totals[name])
        counts.subtract(_count(table, name, _rest(table, docs, rests)))
        return +counts  # zero counts dropped
    return _count(table, name, docs)


def _rest(table: FacetTable, docs: set[int], rests: dict | None) -> frozenset[int]:
    """The live documents outside `docs`, found once per set of documents in `rests`."""
    if rests is None:
        return table.live - docs
    found = rests.get(id(docs))
    if found is None or found[0] is not docs:  # (the set itself is kept: its id stays its own)
        found = rests[id(docs)] = (docs, table.live - docs)
    return found[1]


def _count(table: FacetTable, name: str, docs) -> Counter:
    idx = table.index[name]
    if len(idx) * 8 < len(docs):
        return Counter({v: n for v, ds in idx.items() if (n := len(ds & docs))})
    codes = table.single.get(name)
    if codes is not None:
        counts = Counter(map(codes.__getitem__, docs))
        counts.pop(None, None)
        return counts
    vals = table.values[name]
    return Counter(chain.from_iterable(map(vals.__getitem__, docs)))


def counts(table: FacetTable, plan: Plan, per_facet: dict[str, set[int]],
           rests: dict | None = None) -> dict[str, Counter]:
    """The counts `plan.facets` asks for; months and days are counted over what every filter
    but the date's keeps, days only when search.engine.base.days_wanted says so. `rests`: as
    for `count`, shared by the facets of one request."""
    rests = {} if rests is None else rests
    out = {name: count(table, name, per_facet[name], rests) for name in plan.facets
           if name not in ("month", "date")}
    if "month" in plan.facets or "date" in plan.facets:
        months = out["month"] = count(table, "month", per_facet["date"], rests)
        if "date" in plan.facets and days_wanted(plan, months):
            out["date"] = count(table, "date", per_facet["date"], rests)
    return out
