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


def test_the_facets_of_one_request_share_the_rest_of_each_set_and_stay_exact(table):
    """With `rests`, the live documents outside a set are found once for every facet counted
    over it; a new set of the same size gets its own rest."""
    live = sorted(table.live)
    most = set(random.Random(3).sample(live, int(0.8 * len(live))))
    other = set(random.Random(4).sample(live, len(most)))
    rests: dict = {}
    for docs in (most, other, most):
        for name in ("outlet", "source", "month", "date", "editor", "tag"):
            assert facets.count(table, name, docs, rests) == one_by_one(table, name, docs), name
    assert {id(most), id(other)} == set(rests)
    assert rests[id(most)][1] == table.live - most and rests[id(other)][1] == table.live - other
