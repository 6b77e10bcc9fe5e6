"""An add against a fresh build of the same articles (search.engine.whoosh.update, with
search.engine.whoosh.merging's policy), on REAL indexes: every query finds the same articles,
in the same order after optimize, and the small segments are merged into the add's own."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from test_update import art

from search.engine.whoosh import store
from search.engine.whoosh import update as updater
from search.engine.whoosh.build import build
from search.models import Article
from search.query.archive import Archive
from search.query.params import SearchRequest
from search.settings import DEFAULT

WORDS = ("harga cabai beras naik turun banjir gempa bekasi jakarta palu pemilu presiden bank "
         "inflasi sekolah guru pasar ekspor minyak sawit").split()


def varied(i: int, version: int = 0) -> Article:
    """An article whose words depend on its number (and version): queries match varied sets."""
    words = [WORDS[(i * k + version * 7) % len(WORDS)] for k in (1, 3, 5, 7, 11)]
    return art(f"v{i}", " ".join(words) + ".", title=f"Berita {i} {words[0]}")


def results(root: Path, q: str) -> tuple[int, list[str]]:
    a = Archive(root)
    try:
        r = a.search(SearchRequest.from_args({"q": q, "per_page": "50"}))
        return r.total, [x.id for x in r.results]
    finally:
        a.close()


def test_an_add_of_new_and_changed_articles_gives_a_fresh_builds_results(tmp_path):
    """40 built, then one add of 20 new and 10 changed: every query finds the same articles as
    a fresh build of the final 60; after optimize (deletions dropped) in the same order too.
    With the default merge floor the 40 would be merged into the add's segment after its own
    documents, and ties would then list in another order: a floor of 1 keeps two segments."""
    from search.engine import open_engine

    grown, fresh = tmp_path / "grown", tmp_path / "fresh"
    build([varied(i) for i in range(40)], grown)
    rep = updater.add([varied(i, 1) for i in range(30, 40)] + [varied(i) for i in range(40, 60)], grown,
                      settings=replace(DEFAULT, merge_floor=1))
    assert (rep.count("added"), rep.count("updated")) == (20, 10)
    build([varied(i) for i in range(30)] + [varied(i, 1) for i in range(30, 40)]
          + [varied(i) for i in range(40, 60)], fresh)
    queries = ["cabai", "banjir OR gempa", "harga naik", "presiden", "minyak sawit", "bekasi -banjir"]
    for q in queries:
        (t1, r1), (t2, r2) = results(grown, q), results(fresh, q)
        assert t1 == t2 and set(r1) == set(r2), q
    assert any(results(fresh, q)[0] for q in queries)
    open_engine(grown).optimize()
    for q in queries:
        assert results(grown, q) == results(fresh, q), q


def test_an_add_merges_the_small_segments_into_its_own(tmp_path):
    """Segments under the merge floor are merged into an add's new segment (its deletions
    dropped): one segment, the same matches as a fresh build."""
    grown, fresh = tmp_path / "grown", tmp_path / "fresh"
    build([varied(i) for i in range(40)], grown)
    updater.add([varied(i, 1) for i in range(30, 40)] + [varied(i) for i in range(40, 50)], grown)
    updater.add([varied(i) for i in range(50, 60)], grown)
    ix = store.open_index(store.current_generation(grown))
    assert len(ix._segments()) == 1 and not ix.reader().has_deletions()
    build([varied(i) for i in range(30)] + [varied(i, 1) for i in range(30, 40)]
          + [varied(i) for i in range(40, 60)], fresh)
    for q in ["cabai", "banjir OR gempa", "harga naik", "bekasi -banjir"]:
        (t1, r1), (t2, r2) = results(grown, q), results(fresh, q)
        assert t1 == t2 and set(r1) == set(r2), q

