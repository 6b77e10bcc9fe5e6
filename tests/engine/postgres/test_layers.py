"""Kliping's own layers on the PostgreSQL engine, on real servers (conftest.PgCluster), against
the Whoosh engine over the same articles: stories and quotes (search.engine.postgres.layers),
after a build and after `add` and `remove`; fuzzy words and did-you-mean; the time budget."""
from __future__ import annotations

from dataclasses import replace

import pytest

from app import create_app
from conftest import require_indosum, search, seeds_and_indosum
from search.engine import open_engine
from search.engine.base import Budget
from search.engine.postgres.connect import Servers
from search.engine.whoosh.build import build
from search.models import Article
from search.query.archive import Archive
from search.settings import DEFAULT, Limits

SAMPLE = 300  # IndoSum articles beside the seeds: enough for stories across outlets


def corpus(tmp) -> list[Article]:
    require_indosum()  # the seeds alone make too few stories and parts for these tests
    return seeds_and_indosum(tmp, SAMPLE)


@pytest.fixture(scope="module")
def both(pg, tmp_path_factory):
    """The same articles in a Whoosh index and in a sharded PostgreSQL archive (Archives), and
    the articles."""
    tmp = tmp_path_factory.mktemp("layers")
    arts = corpus(tmp)
    build(arts, tmp / "ix")
    engine = open_engine(pg.archive(), refresh=0)
    engine.build(arts)
    out = {"whoosh": Archive(tmp / "ix"), "postgres": Archive(engine)}
    yield out, arts
    for a in out.values():
        a.close()


def layers(archive: Archive, ids: list[str]) -> dict:
    """Everything the stories and quotes layers answer about these articles."""
    r = archive.engine.reader()
    stories = r.stories(ids)
    book = r.quotes(frozenset(), page=1, per_page=10_000)
    return {"stories": stories,
            "story": {s.id: r.story(s.id) for s in stories.values()},
            "marks": {i: r.article_quotes(i) for i in ids},
            "book": book,
            "speaker": [r.quotes(frozenset(), q.speaker) for q in book.results[:5] if q.speaker]}


def test_stories_and_quotes_are_the_whoosh_engines(both):
    archives, arts = both
    ids = [a.id for a in arts]
    want = layers(archives["whoosh"], ids)
    assert want["stories"] and want["book"].total and any(want["marks"].values())  # something to compare
    assert layers(archives["postgres"], ids) == want


def test_the_api_answers_the_same_on_both_engines(both, pg):
    archives, arts = both
    story = next(iter(archives["whoosh"].engine.reader().stories([a.id for a in arts]).values()))
    got = {}
    for name, archive in archives.items():
        app = create_app({"ENGINE": str(archive.engine.location), "TESTING": True})
        c = app.test_client()
        pages = [c.get(u) for u in ("/api/quotes", "/api/quotes?q=pemerintah", "/api/search?q=indonesia&collapse=story",
                                    f"/api/search?story={story.id}", f"/api/articles/{story.members[0]}",
                                    "/api/search?q=pemerintah+jakarta&collapse=story",
                                    "/api/search?q=pemerintah&collapse=story&sort=newest&page=2")]
        assert all(p.status_code == 200 for p in pages), name
        got[name] = [drop_engine(p.get_json()) for p in pages]
        pages = [c.get(u).get_data(as_text=True) for u in (f"/articles/{story.members[0]}", "/kutipan?q=pemerintah")]
        got[name].append([p.count('class="quote-note"') for p in pages] + [len(pages[1])])
        app.extensions["kliping"].close()
    assert got["postgres"] == got["whoosh"]
    assert got["whoosh"][2]["stories"] and got["whoosh"][3]["total"] == story.size


def drop_engine(data):
    """A JSON answer without what names the engine or its generation."""
    if isinstance(data, dict):
        return {k: drop_engine(v) for k, v in data.items() if k not in ("generation", "took_ms", "engine", "index")}
    if isinstance(data, list):
        return [drop_engine(v) for v in data]
    return data


def test_add_and_remove_keep_stories_and_quotes_the_same(pg, tmp_path):
    arts = corpus(tmp_path)
    first, later = arts[:-40], arts[-40:]
    build(first, tmp_path / "ix")
    w = Archive(tmp_path / "ix")
    engine = open_engine(pg.single(), refresh=0)
    engine.build(first)
    p = Archive(engine)
    try:
        for step in (lambda e: e.add(later), lambda e: e.remove([a.id for a in later[:20]] + [arts[0].id])):
            step(w.engine)
            step(p.engine)
            ids = [a.id for a in arts]
            assert layers(p, ids) == layers(w, ids)
    finally:
        w.close()
        p.close()


def test_fuzzy_words_and_did_you_mean_are_the_whoosh_engines(both):
    archives, arts = both
    readers = {k: a.engine.reader() for k, a in archives.items()}
    words = ["sanski", "presidne", "indonseia", "pemerintha", "jakrta", "ekonmi", "rusia", "xqzv"]
    for word in words:
        for d in (1, 2):
            want = readers["whoosh"].similar_words(word, d, 20)
            assert readers["postgres"].similar_words(word, d, 20, 1) == want, (word, d)
    assert readers["postgres"].similar_words("presidne", 2, 20)  # found something
    for q in ("sanski~", "presidne~2 indonseia", "pemerintha jakrta", "ekonmi"):
        w, p = (search(a, q) for a in (archives["whoosh"], archives["postgres"]))
        assert (p.total, [r.id for r in p.results], p.did_you_mean) == (w.total, [r.id for r in w.results],
                                                                         w.did_you_mean), q
    assert search(archives["postgres"], "pemerintha jakrta").did_you_mean


def test_a_search_past_its_time_budget_is_partial_not_an_error(both, pg):
    archives, _ = both
    location = archives["postgres"].engine.location
    hurried = Archive(open_engine(location, DEFAULT.with_(limits=Limits(budget=1e-9)), refresh=0))
    try:
        resp = search(hurried, "pemerintah indonesia")
        assert resp.partial
    finally:
        hurried.close()
    # PostgreSQL cancels the statement past the time left: no rows, the budget spent, and a
    # replica that cancelled it is not marked down.
    servers = Servers(location, [pg.replica_dsn(location)])
    try:
        pg.wait_for_replica()
        budget = Budget(0.05)
        assert servers.read_within("SELECT pg_sleep(2)", budget) is None and budget.partial
        assert all(s.down_until == 0 for s in servers.replicas)
        assert servers.read_within("SELECT 1", Budget(5)) == [(1,)]
        # SET LOCAL: the pooled connections keep no timeout after the search
        assert servers.read(lambda c: c.execute("SHOW statement_timeout").fetchone()[0]) == "0"
    finally:
        servers.close()


def test_a_search_cancelled_at_its_budget_shows_its_newest_matches(both):
    """What the reader answers once PostgreSQL cancelled the search: the newest matches, as
    sort=newest finds them, partial and without counts."""
    from search.engine.base import Plan
    from search.query.parse import parse_query

    archives, _ = both
    reader, w = archives["postgres"].engine.reader(), archives["whoosh"].engine.reader()
    node = parse_query("pemerintah").query
    outlet = w.articles([w.search(Plan(query=node, limit=1)).top[0][1]])[0].outlet
    plan = Plan(query=node, limit=5, facets=("outlet",), filters={"outlet": (outlet,)})
    want = w.search(replace(plan, sort="newest", facets=()))
    assert len(want.top) == 5
    comp = reader._compiler(node, None)
    hits = reader._hurried([comp.where(node)], plan, comp)
    assert hits.partial and hits.counts == {"outlet": {}}
    assert [k for _, k in hits.top] == [a.id for a in w.articles([k for _, k in want.top])]


def test_files_past_one_part_are_kept_and_read_whole(pg, tmp_path, monkeypatch):
    """The stories' and echoes' files are kept in parts of files.PART bytes; with parts of 512
    bytes, a build and an add still give the Whoosh engine's answers."""
    import psycopg

    from search.engine.postgres import files
    from search.engine.postgres.schema import table

    monkeypatch.setattr(files, "PART", 512)
    arts = corpus(tmp_path)[:40]
    build(arts[:-5], tmp_path / "ix")
    w = Archive(tmp_path / "ix")
    location = pg.single()
    engine = open_engine(location, refresh=0)
    engine.build(arts[:-5])
    p = Archive(engine)
    try:
        ids = [a.id for a in arts]
        assert layers(p, ids) == layers(w, ids)
        for a in (w, p):
            a.engine.add(arts[-5:])
        assert layers(p, ids) == layers(w, ids) and layers(w, ids)["book"].total
        with psycopg.connect(location) as conn:
            gen = engine.reader().gen
            parts = {name: len(files.split(bytes(blob))) for name, blob in conn.execute(
                f"SELECT name, digests FROM {table('files', gen)} WHERE commit = 1")}
        assert parts["stories.sqlite"] > 1 and parts["echoes.sqlite"] > 1
    finally:
        w.close()
        p.close()


def test_a_commits_stories_are_one_local_copy_that_an_older_reader_outlives(pg, tmp_path, monkeypatch):
    """Web processes of one commit read one copy of its stories file on local disk (the page
    cache is shared, not a copy per process); the next commit's copy replaces it, made from the
    older copy and the parts the add changed, and a reader of the older commit still answers
    from the copy it opened."""
    import hashlib
    import os
    import tempfile
    from pathlib import Path

    from search.engine.postgres import files

    downloaded = []
    real = files.stream
    monkeypatch.setattr(files, "stream", lambda c, g, d: downloaded.append(len(d)) or real(c, g, d))

    arts = corpus(tmp_path)[:40]
    location = pg.single()
    engine = open_engine(location, refresh=0)
    engine.build(arts[:-5])
    other = open_engine(location, refresh=0)  # a second web process
    old, ids = engine.reader(), [a.id for a in arts]
    before = old.stories(ids)
    assert before and other.reader().stories(ids) == before
    key = hashlib.sha1(engine.servers.primary.dsn.encode()).hexdigest()[:16]
    folder = Path(os.environ.get("KLIPING_STORIES_COPIES")
                  or Path(tempfile.gettempdir()) / f"kliping-stories-{os.getuid()}")
    assert len(list(folder.glob(f"{key}-*.sqlite"))) == 1  # both read the same copy
    assert len(downloaded) == 1  # the first copy: every part downloaded, once for both processes
    engine.add(arts[-5:])
    downloaded.clear()
    assert engine.reader() is not old and engine.reader().stories(ids).keys() == set(ids)
    copies = list(folder.glob(f"{key}-*.sqlite"))
    assert len(copies) == 1  # the new commit's copy, alone
    parts = -(-copies[0].stat().st_size // files.PART)
    assert len(downloaded) == 1 and 0 < downloaded[0] < parts  # what the add changed, not the whole file
    assert old.stories(ids) == before  # the older reader's copy is gone from the folder, not from it
    engine.close()
    other.close()
