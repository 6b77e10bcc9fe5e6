"""Top-k pruning (MaxScore, search.engine.whoosh.scoring.BulkScorer.candidates) gives the same
best documents with the same scores as scoring every match, on real IndoSum articles."""
from __future__ import annotations

from itertools import islice

import pytest

from conftest import INDOSUM, INDOSUM_MAP, require_indosum
from search import ingest
from search.engine.whoosh.build import build
from search.engine.whoosh.scoring import BulkScorer, best
from search.engine.whoosh.translate import to_whoosh
from search.models import Article
from search.query.archive import Archive
from search.query.params import SearchRequest
from search.query.parse import parse_query
from search.settings import DEFAULT

QUERIES = [
    "bagaimana dampak kenaikan harga bahan bakar minyak terhadap inflasi di indonesia",
    "kapan pemerintah indonesia menaikkan harga bahan bakar minyak",
    "berapa jumlah korban gempa di indonesia tahun lalu",
    "presiden joko widodo meresmikan jalan tol baru di jawa tengah",
    "jokowi OR prabowo OR pemerintah OR indonesia",
    "siapa pemain timnas indonesia yang mencetak gol di piala aff",
]


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    require_indosum()
    tmp = tmp_path_factory.mktemp("prune")
    part = tmp / "indosum-1200.jsonl"
    with INDOSUM.open(encoding="utf-8") as f:
        part.write_text("".join(islice(f, 1200)), encoding="utf-8")
    build([a for a in ingest.load([part], field_map=INDOSUM_MAP) if isinstance(a, Article)], tmp / "ix")
    arc = Archive(tmp / "ix")
    arc.search(SearchRequest())
    yield arc.engine.reader()
    arc.close()


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("k", [1, 10, 40])
@pytest.mark.parametrize("knobs", ["", "proximity=0", "proximity_top=20"])
def test_pruned_top_k_equals_scoring_everything(reader, text, k, knobs):
    """With the proximity bonus, the best proximity_top by BM25 are kept (the bonus reorders
    them); without it, the best k."""
    parsed = parse_query(text)
    q = to_whoosh(parsed.query)
    docs = reader._match(parsed.query, q)
    settings = DEFAULT.with_(knobs)
    everything = BulkScorer(reader.searcher, settings.with_(prune_min=-1))
    pruned = BulkScorer(reader.searcher, settings.with_(prune_min=0))
    full = everything.score(q, docs, parsed.answer)
    some = pruned.score(q, docs, parsed.answer, k=k)
    assert best(some, k) == best(full, k)  # the same documents, in order, with the same floats


def test_pruning_leaves_most_matches_unscored(reader):
    parsed = parse_query(QUERIES[0])
    q = to_whoosh(parsed.query)
    docs = reader._match(parsed.query, q)
    found = BulkScorer(reader.searcher, DEFAULT).candidates(q, docs, parsed.answer, 10)
    assert found is not None and 10 <= len(found) < len(docs) / 4


def test_a_filtered_search_is_pruned_within_its_filter(reader):
    req = {"q": [QUERIES[0]], "outlet": ["kumparan"]}
    plain = Archive(reader.gen.parent, DEFAULT.with_(prune_min=-1)).search(SearchRequest.from_args(req))
    fast = Archive(reader.gen.parent, DEFAULT.with_(prune_min=0)).search(SearchRequest.from_args(req))
    assert plain.total == fast.total > 10
    assert [(r.id, r.score) for r in fast.results] == [(r.id, r.score) for r in plain.results]


def test_the_kth_best_is_taken_among_the_documents_asked_about():
    from search.engine.whoosh.pruning import kth

    acc = {d: float(d) for d in range(50)}
    assert kth(acc, set(range(50)), 3) == 47.0
    assert kth(acc, {1, 5, 9, 40}, 2) == 9.0  # most of the best are not asked about
    assert kth(acc, {1, 5}, 3) is None
    assert kth({1: 2.0}, {1}, 2) is None


@pytest.mark.parametrize("text", QUERIES[:3])
def test_pruning_keeps_only_documents_that_can_reach_the_page(reader, text):
    """The candidates are few, and each of the best k by full scoring is one of them."""
    parsed = parse_query(text)
    q = to_whoosh(parsed.query)
    docs = reader._match(parsed.query, q)
    full = BulkScorer(reader.searcher, DEFAULT.with_(prune_min=-1)).bm25(q, docs)
    found = BulkScorer(reader.searcher, DEFAULT).candidates(q, docs, parsed.answer, 10)
    assert found is not None and {d for _, d in best(full, 10)} <= found
    assert len(found) < len(docs) / 10
