"""Kliping's own SQLite files as content-addressed parts (search.engine.postgres.files), on real
servers (conftest.PgCluster): an update moves only the parts it changed, files come back byte
for byte, a reader on a commit keeps that commit's bytes while adds go on, and an archive of the
older layout asks to be rebuilt."""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import psycopg
import pytest
from test_layers import corpus

from search.engine import open_engine
from search.engine.postgres import files
from search.engine.postgres.schema import coordinator_ddl, table
from search.errors import IndexVersionMismatch
from search.stories.echostore import meta
from search.stories.storybook import FILE as STORIES_FILE

GEN = 1


@pytest.fixture
def conn(pg):
    """A database holding one generation's coordinator tables (no archive around them)."""
    with psycopg.connect(pg.single(), autocommit=True) as c:
        for stmt in coordinator_ddl(GEN):
            c.execute(stmt)
        yield c


def parts_written(c, gen: int) -> dict[bytes, int]:
    """{digest: xmin}: which transaction wrote each part row."""
    return {bytes(d): int(x) for d, x in c.execute(f"SELECT digest, xmin::text::bigint FROM {table('parts', gen)}")}


def read_back(c, gen: int, commit: int, name: str, tmp_path) -> bytes | None:
    got = files.copy_out(c, gen, commit, name, lambda key: tmp_path / f"copy-{key}")
    return got.read_bytes() if got else None


def test_a_file_comes_back_byte_for_byte_and_a_change_moves_only_its_parts(conn, tmp_path, monkeypatch):
    monkeypatch.setattr(files, "PART", 4096)
    folder = tmp_path / "gen"
    folder.mkdir()
    body = bytearray(os.urandom(4096 * 9 + 1000))  # 10 parts, the last one short
    (folder / "a.sqlite").write_bytes(body)
    (folder / "empty.sqlite").write_bytes(b"")
    with conn.transaction():
        first = files.save(conn, GEN, 0, folder)
    assert (first.parts_new, first.parts, first.bytes) == (11, 11, len(body))
    assert read_back(conn, GEN, 0, "a.sqlite", tmp_path) == body
    assert read_back(conn, GEN, 0, "empty.sqlite", tmp_path) is None  # an empty file: nothing to read
    written = parts_written(conn, GEN)

    body[4096 * 3 + 7] ^= 0xFF  # one page changed, and 100 bytes more at the end
    body += b"x" * 100
    (folder / "a.sqlite").write_bytes(body)
    with conn.transaction():
        second = files.save(conn, GEN, 1, folder)
    assert (second.parts_new, second.bytes_new) == (2, 4096 + 1100)
    after = parts_written(conn, GEN)
    assert {d: after[d] for d in written} == written  # rows of unchanged parts were not rewritten
    assert len(after) == len(written) + 2
    assert read_back(conn, GEN, 1, "a.sqlite", tmp_path) == body
    restored = tmp_path / "restored"
    restored.mkdir()
    files.restore(conn, GEN, 1, restored)
    assert (restored / "a.sqlite").read_bytes() == body and (restored / "empty.sqlite").read_bytes() == b""

    with conn.transaction():  # commit 2 unchanged: commit 0's list goes, and the parts only it held
        files.save(conn, GEN, 2, folder)
    commits = [c for (c,) in conn.execute(f"SELECT DISTINCT commit FROM {table('files', GEN)} ORDER BY 1")]
    assert commits == [1, 2] and len(parts_written(conn, GEN)) == 11


def test_a_copy_seeded_with_an_older_copy_downloads_only_the_parts_that_differ(conn, tmp_path, monkeypatch):
    """copy_out with a `seed` (the copy of an earlier commit): the parts equal at their place
    come from the seed, the others from the server; a damaged or missing seed costs downloads,
    never a wrong byte."""
    monkeypatch.setattr(files, "PART", 4096)
    folder = tmp_path / "gen"
    folder.mkdir()
    body = bytearray(os.urandom(4096 * 9 + 1000))
    (folder / "a.sqlite").write_bytes(body)
    with conn.transaction():
        files.save(conn, GEN, 0, folder)
    seed = files.copy_out(conn, GEN, 0, "a.sqlite", lambda key: tmp_path / f"copy-{key}")
    body[4096 * 3 + 7] ^= 0xFF  # one page changed, and a part more at the end
    body += os.urandom(4096)
    (folder / "a.sqlite").write_bytes(body)
    with conn.transaction():
        files.save(conn, GEN, 1, folder)
    downloaded = []
    real = files.stream
    monkeypatch.setattr(files, "stream", lambda c, g, d: downloaded.append(len(d)) or real(c, g, d))

    def copy(seed_path, name):
        got = files.copy_out(conn, GEN, 1, "a.sqlite", lambda key: tmp_path / f"{name}-{key}", seed=seed_path)
        return got.read_bytes(), downloaded.pop()

    # parts 3 (changed), 9 (was short, now whole) and 10 (new) differ
    assert copy(seed, "one") == (bytes(body), 3)
    damaged = tmp_path / "damaged"
    data = bytearray(seed.read_bytes())
    data[4096 * 5] ^= 1
    damaged.write_bytes(data)
    assert copy(damaged, "two") == (bytes(body), 4)  # part 5 of the seed no longer matches
    assert copy(tmp_path / "missing", "three") == (bytes(body), 11)  # no seed: every part


def test_a_snapshot_keeps_its_commits_parts_while_later_commits_remove_them(pg, conn, tmp_path, monkeypatch):
    """A reader lists commit 0's parts; two commits follow on another connection, and the second
    removes commit 0's list and the parts only it held: the reader still reads commit 0."""
    monkeypatch.setattr(files, "PART", 4096)
    folder = tmp_path / "gen"
    folder.mkdir()
    old = os.urandom(4096 * 4)
    (folder / "s.sqlite").write_bytes(old)
    with conn.transaction():
        files.save(conn, GEN, 0, folder)
    dsn = conn.info.dsn

    def writes_on(key):
        with psycopg.connect(dsn, autocommit=True) as w:
            for commit in (1, 2):
                (folder / "s.sqlite").write_bytes(os.urandom(4096 * 4))
                with w.transaction():
                    files.save(w, GEN, commit, folder)
            assert w.execute(f"SELECT count(*) FROM {table('files', GEN)} WHERE commit = 0").fetchone()[0] == 0
        return tmp_path / key

    with psycopg.connect(dsn, autocommit=True) as reader:
        got = files.copy_out(reader, GEN, 0, "s.sqlite", writes_on)
    assert got.read_bytes() == old
    # Afterwards, a reader of commit 0 (its list gone) reads the newest commit's file.
    assert read_back(conn, GEN, 0, "s.sqlite", tmp_path) == (folder / "s.sqlite").read_bytes()


def test_an_add_uploads_only_the_parts_it_changed(pg, tmp_path):
    arts = corpus(tmp_path)
    location = pg.single()
    engine = open_engine(location, refresh=0)
    engine.build(arts[:-5])
    gen = engine.reader().gen
    with psycopg.connect(location, autocommit=True) as c:
        before = parts_written(c, gen)
        engine.add(arts[-5:])
        after = parts_written(c, gen)
        listed = {n: [d for (blob,) in c.execute(f"SELECT digests FROM {table('files', gen)} WHERE commit = %s",
                                                 (n,)) for d in files.split(bytes(blob))] for n in (0, 1)}
        names = {n for (n,) in c.execute(f"SELECT DISTINCT name FROM {table('files', gen)}")}
    new = set(after) - set(before)
    assert {d: after[d] for d in before} == before  # nothing held before was written again
    assert new == set(listed[1]) - set(listed[0])  # the parts uploaded: those the new commit lists anew
    assert 0 < len(new) < len(listed[1]) / 2, (len(new), len(listed[1]))
    assert names == {STORIES_FILE, "echoes.sqlite"}
    # The reader's local copy is the file as the add left it, byte for byte, and a sound SQLite file.
    with psycopg.connect(location, autocommit=True) as c:
        stored = read_back(c, gen, 1, STORIES_FILE, tmp_path)
    reader = engine.reader()
    assert reader.stories([a.id for a in arts])
    with reader.layers.stories().reading() as con:
        path = con.execute("PRAGMA database_list").fetchone()[2]
    assert Path(path).read_bytes() == stored
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    engine.close()


def test_a_reader_on_the_old_commit_reads_its_bytes_after_an_add(pg, tmp_path):
    arts = corpus(tmp_path)[:40]
    location = pg.single()
    engine = open_engine(location, refresh=0)
    engine.build(arts[:-5])
    old = engine.reader()  # commit 0; its stories file is not read yet
    writer = open_engine(location, refresh=0)
    writer.add(arts[-5:])  # commit 1
    view = old.stories([a.id for a in arts])
    assert view and not set(view) & {a.id for a in arts[-5:]}  # commit 0's stories: not the added articles
    with old.layers.stories().reading() as con:
        assert meta(con, "stamp") == 0
    with engine.reader().layers.stories().reading() as con:
        assert meta(con, "stamp") == 1
    assert engine.reader().stories([a.id for a in arts[-5:]])  # the new commit's reader sees them
    engine.close()
    writer.close()


def test_an_archive_of_the_older_layout_asks_to_be_rebuilt(pg, tmp_path):
    """pg7 kept each file whole in 64 MB parts (name, part, data): opening, adding to or
    removing from such an archive says to rebuild it, and a build does."""
    arts = corpus(tmp_path)[:10]
    location = pg.single()
    engine = open_engine(location, refresh=0)
    engine.build(arts[:-2])
    gen = engine.reader().gen
    version = engine.reader().meta["schema_version"].replace("pg8+", "pg7+")
    with psycopg.connect(location, autocommit=True) as c:  # the older layout, as pg7 left it
        c.execute(f"DROP TABLE {table('files', gen)}, {table('parts', gen)}")
        c.execute(f"CREATE TABLE {table('files', gen)} (name text NOT NULL, part integer NOT NULL, "
                  "data bytea NOT NULL, PRIMARY KEY (name, part))")
        c.execute("UPDATE kliping_meta SET value = jsonb_set(value, '{schema_version}', %s::jsonb)",
                  (f'"{version}"',))
    for act in (lambda e: e.reader(), lambda e: e.add(arts[-2:]), lambda e: e.remove([arts[0].id])):
        with pytest.raises(IndexVersionMismatch, match=r"built with schema pg7\+.*Rebuild it with: python -m "
                                                       r"search build --engine"):
            act(open_engine(location, refresh=0))
    fresh = open_engine(location, refresh=0)
    fresh.build(arts)
    assert fresh.reader().meta["schema_version"].startswith("pg8+")
    assert fresh.reader().stories([a.id for a in arts]) is not None
    fresh.close()
    engine.close()


def test_a_writer_copies_its_cached_files_and_downloads_what_the_cache_lacks(pg, tmp_path, monkeypatch):
    """The files a writer saved wait in its cache (files.keep): the next add copies them from
    there, checked part by part against the commit's list; a damaged part is downloaded, and
    so is a file the cache lacks."""
    arts = corpus(tmp_path)[:40]
    location = pg.single()
    engine = open_engine(location, refresh=0)
    engine.build(arts[:-6])
    cache = files.cache_folder()
    downloaded = []
    real = files.stream
    monkeypatch.setattr(files, "stream", lambda c, g, d: downloaded.append(len(d)) or real(c, g, d))
    engine.add(arts[-6:-4])  # both files from the cache
    assert downloaded == []
    with psycopg.connect(location, autocommit=True) as c:
        gen, blob = c.execute(f"SELECT {engine.reader().gen}, digests FROM {table('files', engine.reader().gen)} "
                              "WHERE name = 'echoes.sqlite' AND commit = 1").fetchone()
    cached = cache / f"{files.key(files.split(bytes(blob)))}-echoes.sqlite"
    data = bytearray(cached.read_bytes())
    data[5000] ^= 1
    cached.write_bytes(data)
    engine.add(arts[-4:-2])  # echoes.sqlite damaged in the cache: its damaged part downloaded
    assert len(files.split(bytes(blob))) > 1
    assert downloaded == [1]
    for p in cache.glob("*.sqlite"):
        p.unlink()
    engine.add(arts[-2:])  # nothing cached: both downloaded
    assert len(downloaded) == 3
    whole = open_engine(location, refresh=0)
    assert whole.reader().stories([a.id for a in arts]) == engine.reader().stories([a.id for a in arts])
    assert gen == engine.reader().gen
    engine.close()
    whole.close()


def test_a_writer_seeds_from_its_copy_of_an_earlier_commit_after_another_writers_add(pg, tmp_path, monkeypatch):
    """When another writer's add moved the archive on, this writer's cache holds the files of
    an earlier commit: its next add copies from them the parts that still match at their place
    and downloads only the others, and ends where a writer without a cache would."""
    arts = corpus(tmp_path)[:40]
    location = pg.single()
    mine, theirs = tmp_path / "mine", tmp_path / "theirs"
    mine.mkdir()
    theirs.mkdir()
    monkeypatch.setenv("KLIPING_WRITER_CACHE", str(mine))
    engine = open_engine(location, refresh=0)
    engine.build(arts[:-4])  # commit 0, its files now in `mine`
    monkeypatch.setenv("KLIPING_WRITER_CACHE", str(theirs))
    other = open_engine(location, refresh=0)
    other.add(arts[-4:-2])  # commit 1, by a writer whose cache is `theirs`
    other.close()
    monkeypatch.setenv("KLIPING_WRITER_CACHE", str(mine))
    downloaded = []
    real = files.stream
    monkeypatch.setattr(files, "stream", lambda c, g, d: downloaded.append(len(d)) or real(c, g, d))
    engine.add(arts[-2:])  # restores commit 1's files, seeded from commit 0's in `mine`
    gen = engine.reader().gen
    with psycopg.connect(location, autocommit=True) as c:
        lists = dict(c.execute(f"SELECT name, digests FROM {table('files', gen)} WHERE commit = 1").fetchall())
    whole = sum(len(files.split(bytes(b))) for b in lists.values())
    assert len(lists) == 2 and downloaded
    assert 0 < sum(downloaded) < whole  # parts came from the older copies (135 of 219 downloaded)
    fresh = open_engine(location, refresh=0)
    ids = [a.id for a in arts]
    assert fresh.reader().stories(ids) == engine.reader().stories(ids)
    assert fresh.reader().stories(ids)  # the seeded files hold the stories
    engine.close()
    fresh.close()


def test_the_echo_links_an_update_rewrites_in_part_are_those_of_its_echo_store(pg, tmp_path):
    """An add or remove writes again only the links of the articles whose echo rows changed:
    the table then holds exactly the links of the commit's echo store, as a build writes them."""
    from search.models import Article
    from search.stories import echoes

    arts = corpus(tmp_path)[:80]
    echoing = [Article(id=f"echo{i}", paragraphs=["Pembuka berita ini.", max(a.paragraphs, key=len)],
                       outlet="Gema", date=a.date) for i, a in enumerate(arts[:12])]
    location = pg.single()
    engine = open_engine(location, refresh=0)
    engine.build(arts)
    for step in (lambda: engine.add(echoing), lambda: engine.remove([a.id for a in echoing[:5]] + [arts[20].id])):
        step()
        gen, commit = engine.reader().gen, engine.reader().meta["commit"]
        folder = tmp_path / f"commit-{commit}"
        folder.mkdir()
        with psycopg.connect(location, autocommit=True) as c:
            files.restore(c, gen, commit, folder)
            held = sorted(c.execute(f"SELECT article_id, n, rank, other_id, m, sim FROM {table('echoes', gen)}"))
        want = sorted((aid, n, rank, oid, m, pytest.approx(sim)) for aid, paras in echoes.stored_rows(folder)
                      for n, lst in paras.items() for rank, (oid, m, sim) in enumerate(lst))
        assert held and held == want
    engine.close()
