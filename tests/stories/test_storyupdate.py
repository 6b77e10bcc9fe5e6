"""search.stories.storyupdate: an `add` or `remove` derives again only the stories and quotes
its batch can change, and the file then holds what deriving everything again from the same
table gives; the stories are those of a fresh build of the same articles."""
from __future__ import annotations

import pickle
import sqlite3
from dataclasses import replace

import pytest

from conftest import seeds_and_indosum
from search.engine.whoosh import store
from search.engine.whoosh import update as updater
from search.engine.whoosh.build import build
from search.models import Article
from search.stories import echoes, rowmap
from search.stories import storystore as ss
from search.stories.clusters import cluster
from search.stories.quotebook import QuoteIndex

SAMPLE = 400


def corpus(tmp) -> list[Article]:
    return seeds_and_indosum(tmp, SAMPLE)


def _plain(con, name: str) -> dict:
    return {k: pickle.loads(v) for k, v in con.execute(f"SELECT k, v FROM {name}")}


def stored(gen) -> dict:
    """What the file holds for readers: every story, every quote record, every article's marks."""
    con = sqlite3.connect(ss.path(gen))
    try:
        stories = {aid: pickle.loads(d) for aid, d in con.execute(
            "SELECT o.aid, s.data FROM story_of o JOIN stories s ON s.sid = o.sid")}
        records = {q: pickle.loads(d) for q, d in con.execute("SELECT qid, data FROM records")}
        return {"stories": stories, "records": records, "marks": _plain(con, "marks"),
                "terms": sorted(con.execute("SELECT term, qid FROM record_terms")),
                "aliases": pickle.loads(ss.meta(con, "aliases"))}
    finally:
        con.close()


def derived_whole(gen) -> dict:
    """The same, derived from the file's table all at once, as a build derives it."""
    con = sqlite3.connect(ss.path(gen))
    try:
        meta, titles = _plain(con, "t_meta"), _plain(con, "t_titles")
        q = QuoteIndex()
        for attr in ("units", "same", "links"):
            setattr(q, attr, _plain(con, "q_" + attr))
        q.speakers = _plain(con, "q_speakers")
    finally:
        con.close()
    stories = cluster(meta, dict(echoes.stored_rows(gen)), titles)
    aliases = q.aliases()
    records, marks = {}, {}
    for nodes in q.groups():
        r = q.record(nodes, meta.get, aliases)
        records[r.id] = r
        for aid, m in r.marks():
            marks.setdefault(aid, []).append(m)
    terms = sorted((t, r.id) for r in records.values() for t in r.terms)
    return {"stories": stories, "records": records, "marks": {a: sorted(m) for a, m in marks.items()},
            "terms": terms, "aliases": aliases}


def partition(stories: dict) -> set[frozenset[str]]:
    return {frozenset(s.members) for s in stories.values()}


@pytest.fixture(scope="module")
def arts(tmp_path_factory):
    found = corpus(tmp_path_factory.mktemp("storyupdate"))
    if len(found) < 100:
        pytest.skip("the IndoSum corpus is not here")
    return found


def test_each_update_leaves_what_deriving_everything_again_gives(arts, tmp_path, monkeypatch):
    grown = []  # records an update extended from the old one (QuoteIndex.extended), not re-read
    extended = QuoteIndex.extended

    def counted(self, *args):
        r = extended(self, *args)
        grown.append(r is not None)
        return r

    monkeypatch.setattr(QuoteIndex, "extended", counted)
    root = tmp_path / "ix"
    first, rest = arts[:250], arts[250:]
    build(first, root)
    gen = store.current_generation(root)
    assert stored(gen) == derived_whole(gen)
    steps = [
        ("add", rest[:60]),  # new articles, some echoing the built ones
        ("add", [replace(a, title=(a.title or "") + " diperbarui", date="2017-01-01") for a in first[10:25]]),
        ("remove", [a.id for a in first[:8]] + [a.id for a in rest[:5]]),
        ("add", rest[60:] + first[:8]),  # the removed ones come back
        ("add", [replace(a, paragraphs=a.paragraphs[:1]) for a in rest[70:90]]),  # quotes and echoes lost
        ("add", [replace(a, id=a.id + "-salinan", date="2019-12-31") for a in first[:40]]),  # later copies
    ]
    for kind, batch in steps:
        if kind == "add":
            updater.add(batch, root)
        else:
            updater.remove(batch, root)
        gen = store.current_generation(root)
        got, whole = stored(gen), derived_whole(gen)
        assert partition(got["stories"]) == partition(whole["stories"]), kind
        assert got == whole, kind
    assert any(len(r.occurrences) > 1 for r in got["records"].values())
    assert any(s.size > 1 for s in got["stories"].values())
    assert any(grown), grown  # the shortcut was taken, and gave what a full derivation gives


def test_stories_after_updates_are_a_fresh_builds(arts, tmp_path):
    root = tmp_path / "ix"
    build(arts[:300], root)
    updater.add(arts[300:], root)
    updater.remove([a.id for a in arts[10:30]], root)  # the seeds (a story of five) stay
    fresh = tmp_path / "fresh"
    build(arts[:10] + arts[30:], fresh)
    got = stored(store.current_generation(root))["stories"]
    want = stored(store.current_generation(fresh))["stories"]
    assert set(got) == set(want)
    assert partition(got) == partition(want)
    assert any(s.size > 1 for s in got.values())


def test_rows_not_touched_by_a_batch_are_not_rewritten(arts, tmp_path):
    """An add of one article unrelated to the rest rewrites its own rows, not the archive's."""
    root = tmp_path / "ix"
    build(arts[:200], root)
    gen = store.current_generation(root)
    con = sqlite3.connect(ss.path(gen))
    before = con.execute("SELECT count(*) FROM stories").fetchone()[0]
    con.execute("CREATE TEMP TABLE seen AS SELECT sid, data FROM stories")
    updater.add([Article(id="lone", outlet="Tempo", date="2030-01-01", title="Harga cabai naik",
                         paragraphs=["Harga cabai rawit di pasar induk naik dua kali lipat pekan ini."])], root)
    changed = con.execute("SELECT count(*) FROM stories s LEFT JOIN seen USING (sid) "
                          "WHERE seen.data IS NULL OR seen.data != s.data").fetchone()[0]
    assert con.execute("SELECT count(*) FROM stories").fetchone()[0] == before + 1
    assert changed == 1  # the new article's own story
    con.close()


def test_rowmap_reads_and_writes_back_only_what_was_touched(tmp_path):
    con = sqlite3.connect(tmp_path / "m.sqlite", isolation_level=None)
    rowmap.create_table(con, "m")
    rowmap.save_rows(con, "m", [("a", [1]), ("b", [2])])
    m = rowmap.RowMap(con, "m", mutable=True)
    m["a"].append(3)  # changed in place: written back
    m.setdefault("c", []).append(4)
    del m["b"]
    assert len(m) == 2 and "b" not in m and m.get("z") is None
    m.flush()
    again = rowmap.RowMap(con, "m")
    assert dict(again.items()) == {"a": [1, 3], "c": [4]}
    again["a"].append(5)  # not a mutable map: only keys set or deleted are written
    again["d"] = [6]
    again.flush()
    assert dict(rowmap.RowMap(con, "m").items()) == {"a": [1, 3], "c": [4], "d": [6]}
    rowmap.create_table(con, "n")
    counts = rowmap.RowCounter(con, "n")
    counts.update(["x", "x", "y"])
    counts.subtract(["y"])  # a count falling to 0 keeps no row
    assert counts["x"] == 2 and counts["nothing"] == 0
    counts.flush()
    assert con.execute("SELECT k FROM n").fetchall() == [("x",)]
