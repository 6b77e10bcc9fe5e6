"""Facet counting over the facet table (search.engine.whoosh.facets), on a real index built from
seeds/ plus the shared corpus: every way of counting gives the counts of counting each document."""
from __future__ import annotations

import random
from collections import Counter

import pytest

from conftest import SEEDS, corpus
from search import ingest
from search.engine.whoosh import facets
from search.engine.whoosh.build import build
from search.query.archive import Archive


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    root = tmp_path_factory.mktemp("ix")
    build(list(ingest.load([SEEDS])) + corpus(), root)
    arc = Archive(root)
    yield arc.engine.reader().table
    arc.close()


def one_by_one(table, name: str, docs) -> Counter:
    out: Counter = Counter()
    for d in docs:
        if name in table.values:
            out.update(table.values[name][d])
        elif table.single[name][d] is not None:
            out[table.single[name][d]] += 1
    return out


@pytest.mark.parametrize("share", [0.1, 0.5, 0.7, 0.95])
def test_counts_over_few_or_most_documents_are_exact(table, share):
    live = sorted(table.live)
    docs = set(random.Random(7).sample(live, int(share * len(live))))
    assert 0 < len(docs) < len(live)
    for name in ("outlet", "source", "month", "date", "editor", "tag"):
        expected = one_by_one(table, name, docs)
        got = facets.count(table, name, docs)
        assert got == expected and all(v > 0 for v in got.values()), name
    assert any(facets.count(table, n, docs) for n in ("outlet", "month"))
