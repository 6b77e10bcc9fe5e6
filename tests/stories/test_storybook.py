"""search.stories.storybook: a build's story table spooled to its file as it reads (memory
flat as the corpus grows) writes the very file the table held in memory writes."""
from __future__ import annotations

import pickle
import sqlite3
from dataclasses import replace

from conftest import require_indosum, seeds_and_indosum
from search.engine.whoosh.update import analyzer
from search.settings import DEFAULT
from search.stories import echoes, storybook
from search.stories import storystore as ss


def _rows(path) -> dict:
    """Every row of every table, pickled values read (a copy read back from the spool is
    pickled apart from the objects it once shared, so its bytes may differ, not its value)."""
    con = sqlite3.connect(path)
    try:
        tables = [t for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {t: [tuple(pickle.loads(v) if isinstance(v, bytes) else v for v in row)  # keys first
                    for row in con.execute(f"SELECT * FROM {t} ORDER BY 1, 2")] for t in tables}
    finally:
        con.close()


def _inputs(tmp):
    """Seeds and IndoSum, with one id read twice (its second reading replaces the first)."""
    require_indosum()  # it takes the eighth article
    arts = seeds_and_indosum(tmp, 150)
    again = replace(arts[3], title="Judul lain sama sekali", paragraphs=[
        '"Kami tidak akan pernah menerima sanksi sepihak dari negara mana pun," kata Menteri Luar Negeri.',
        *arts[7].paragraphs])
    return [*arts, again]


def _finish(table, arts, gen, an) -> dict:
    echo_table = echoes.EchoTable.build({a.id: a for a in arts}.values(), an)  # it takes each id once
    table.settle()  # as the build does before its echo step
    storybook.finish_build(echo_table, table, gen, 7)
    return _rows(ss.path(gen))


def test_a_spooled_table_writes_the_same_file_as_one_in_memory(tmp_path):
    an = analyzer(DEFAULT)
    arts = _inputs(tmp_path)
    plain_gen, spool_gen = tmp_path / "plain", tmp_path / "spool"
    plain_gen.mkdir()
    spool_gen.mkdir()
    plain = storybook.StoryTable.build(arts, an)
    spooled = storybook.StoryTable.spooled(spool_gen)
    for m in spooled.spool.maps:  # tiny batches and caches: every path through the spool
        m.batch, m.cache_size = 3, 2
    for a in arts:
        spooled.collect(a, an)
    # what the build keeps in memory for the quotes' join is all the spooled table holds
    assert not any(isinstance(getattr(spooled.quotes, a), dict) for a in ("units", "by_article", "canon", "node_of"))
    # nor a record of the nodes touched, which only an update reads: a build writes every node
    assert spooled.quotes.units and not spooled.quotes.touched and not plain.quotes.touched
    want, got = _finish(plain, arts, plain_gen, an), _finish(spooled, arts, spool_gen, an)
    assert want["records"] and want["stories"] and want["q_units"] and want["title_terms"]
    assert got == want
    assert not (spool_gen / (ss.FILE + ".tmp")).exists()


def test_a_table_given_what_the_reading_child_worked_out_writes_the_same_file(tmp_path):
    """The build hands `collect` each article's quotes and paragraph shapes from its reading
    child (`read_ahead`): the file is the one the table writes when it works them out itself."""
    an = analyzer(DEFAULT)
    arts = _inputs(tmp_path)
    own_gen, ahead_gen = tmp_path / "own", tmp_path / "ahead"
    own_gen.mkdir()
    ahead_gen.mkdir()
    own, ahead = storybook.StoryTable.spooled(own_gen), storybook.StoryTable.spooled(ahead_gen)
    for a in arts:
        own.collect(a, an)
        ahead.collect(a, an, storybook.read_ahead(a, an))
    assert sum(1 for a in arts for s in storybook.read_ahead(a, an).shapes if s) > 20  # shapes were read ahead
    assert _finish(ahead, arts, ahead_gen, an) == _finish(own, arts, own_gen, an)
