"""What the build works out across articles, beside the echoes: formula judged out of them,
story clusters, and quotes; kept with the index (search.stories.storystore) and read by its
readers (`StoryView`).

`StoryTable` collects, per article, what the later steps need: its outlet, date and headline,
the features of its paragraphs (search.stories.formulaic) and its quotes (search.stories.quotes,
linked across articles by search.stories.quotebook). When the echoes are joined it judges their
links (`judge`), then derives the stories (search.stories.clusters) and the quote records.

A build's reading child works out each article's quotes, paragraph shapes and compound
paragraphs' echo signatures (`read_ahead`), the per-article part that needs no other article.
A build (`StoryTable.spooled`) writes its per-article rows into the new file as it reads
(search.stories.rowmap.SpoolMap), keeps in memory only what links quotes across articles, and
at `save` adds everything derived from it; `StoryTable()` holds the same table in plain dicts
(a repair, the PostgreSQL builder). An update (`add`, `remove`) opens the file's table as row
maps (search.stories.rowmap) and reads and writes only the rows its batch touches;
search.stories.storyupdate derives again only the stories and quotes the batch can have
changed.

`finish_build`, `update` and `repair` are the builder's and updater's hooks; they run the echo
steps of search.stories.echoes with the judge and then the stories'.
"""
from __future__ import annotations

import itertools
import pickle
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple

from search.models import Article
from search.present.citations import display_title
from search.stories import echoes, rowmap, storyupdate
from search.stories import storystore as ss
from search.stories.clusters import cluster
from search.stories.formulaic import Features, Judge, Shape, features_of, shape
from search.stories.quotebook import QuoteIndex, QuoteRecord
from search.stories.quotes import Quote, extract
from search.stories.signature import compounds
from search.stories.storystore import FILE, StoryView  # noqa: F401  (the readers' side)
from search.text.analysis import Analyzer

_TABLE = ("t_meta", "t_titles", "t_features")
_QUOTES = {"units": "q_units", "by_article": "q_by_article", "canon": "q_canon", "node_of": "q_node_of",
           "same": "q_same", "postings": "q_postings", "links": "q_links"}
_IN_PLACE = {"by_article", "same", "postings", "links"}
_SPOOLED = ("units", "by_article", "canon", "node_of")  # a build's quote maps that go to disk
_NONE: frozenset[str] = frozenset()


class StoryTable:
    """Per article: (outlet, date, title), headline terms, paragraph features, quotes. Plain
    dicts for a build; row maps over an open file (`con`) for an update."""

    def __init__(self, con: sqlite3.Connection | None = None, spool: Path | None = None):
        self.con = con
        self.quotes = QuoteIndex() if con is not None else QuoteIndex().untracked()  # a build: all is new
        self.changed: set[str] = set()  # articles added, replaced or removed by this update
        self.removed_titles: dict[str, frozenset[str]] = {}  # their headline terms before it
        self.spool: rowmap.Spool | None = None
        if spool is not None:  # a build whose per-article rows go to its new file as it reads
            self.spool = sp = rowmap.Spool(spool, ss.create(spool))
            self.meta, self.titles, self.features = (rowmap.SpoolMap(sp, t) for t in _TABLE)
            for attr in _SPOOLED:
                setattr(self.quotes, attr, rowmap.SpoolMap(sp, _QUOTES[attr]))
            return
        if con is None:
            self.meta: dict[str, tuple[str | None, str | None, str]] = {}
            self.titles: dict[str, frozenset[str]] = {}
            self.features: dict[str, dict[int, Features]] = {}
            return
        self.meta, self.titles, self.features = (rowmap.RowMap(con, t) for t in _TABLE)
        q = self.quotes
        for attr, name in _QUOTES.items():  # lists and dicts changed in place: written back when read
            setattr(q, attr, rowmap.RowMap(con, name, mutable=attr in _IN_PLACE))
        q.df, q.speakers = rowmap.RowCounter(con, "q_df"), rowmap.RowCounter(con, "q_speakers")
        q.next_uid = ss.meta(con, "next_uid", 0)
        self.first_new_uid = q.next_uid  # units from here on are this update's

    def collect(self, a: Article, an: Analyzer, ahead: Ahead | None = None) -> None:
        """Build, first pass (the quotes are linked by `save`); `ahead`: what the build's
        reading child worked out of the article (`read_ahead`), when it did."""
        found, shapes = (ahead.quotes, ahead.shapes) if ahead is not None else (extract(a), None)
        self._describe(a, an)
        self.quotes.collect(a.id, found, an)
        self._features(a, shapes)

    def _features(self, a: Article, shapes: list[Shape | None] | None = None) -> None:
        """The paragraphs' features for the echoes' judge; a paragraph's quoted terms are those
        of its direct quotes (their units' terms in the quote index). `shapes`: the paragraphs'
        shapes, when worked out already."""
        quoted: dict[int, frozenset[str]] = {}  # one quote's terms are shared, not copied
        units = self.quotes.units
        for uid in self.quotes.by_article.get(a.id, ()):
            u = units[uid]
            if u.kind == "direct":
                quoted[u.n] = quoted[u.n] | u.terms if u.n in quoted else u.terms
        feats = {}
        for n, text in enumerate(a.paragraphs, 1):
            f = features_of(shapes[n - 1] if shapes is not None else shape(text), quoted.get(n, _NONE))
            if f is not None:
                feats[n] = f
        if feats:
            self.features[a.id] = feats
        else:
            self.features.pop(a.id, None)

    def _describe(self, a: Article, an: Analyzer) -> None:
        self.meta[a.id] = (a.outlet, a.date, display_title(a))
        con = self.con if self.spool is None else self.spool.con
        if self.spool is not None and (old := self.titles.get(a.id)):  # an id read twice
            del self.titles[a.id]
            con.executemany("DELETE FROM title_terms WHERE term=? AND aid=?", ((t, a.id) for t in old))
        if a.title:
            terms = an.term_set(a.title)
            self.titles[a.id] = terms
            if con is not None:
                con.executemany("INSERT OR IGNORE INTO title_terms(term, aid) VALUES (?, ?)",
                                ((t, a.id) for t in terms))

    def add_articles(self, articles: Iterable[Article], an: Analyzer,
                     found_of: dict[str, list[Quote]] | None = None) -> None:
        """Update: `found_of`: the articles' quotes, when already extracted."""
        nodes = []
        for a in articles:
            found = found_of[a.id] if found_of is not None and a.id in found_of else extract(a)
            self._describe(a, an)
            nodes += self.quotes.collect(a.id, found, an)
            self._features(a)
            self.changed.add(a.id)
        self.quotes.join(nodes)

    def remove_articles(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        for aid in ids:
            self.meta.pop(aid, None)
            terms = self.titles.pop(aid, None)
            if terms and self.con is not None:
                self.removed_titles.setdefault(aid, terms)
                self.con.executemany("DELETE FROM title_terms WHERE term=? AND aid=?", ((t, aid) for t in terms))
            self.features.pop(aid, None)
            self.changed.add(aid)
        self.quotes.remove_articles(ids)

    # -- deriving ----------------------------------------------------------------------------------
    def judge(self, table) -> Judge:
        """The judge of the echo table's links (search.stories.formulaic)."""
        feats = self.features
        return Judge(table, lambda aid, n: feats.get(aid, {}).get(n))

    @classmethod
    def spooled(cls, gen: Path) -> StoryTable:
        """A build's table whose per-article rows are written, as they are collected, into the
        file `finish_build` completes in generation `gen` (so memory stays flat as the corpus
        grows)."""
        return cls(spool=_tmp(ss.path(gen)))

    def settle(self, shared: bool = False) -> None:
        """Write out what is buffered and close the spool's file (before a fork: the process
        that goes on opens it again). `shared`: a forked child will read the file (the echoes'
        judge reads the features) while this process writes into it (`save_quotes`); the file
        is then in WAL mode until `ss.finish`, so that neither blocks the other."""
        if self.spool is not None:
            self.spool.close(wal=shared)

    def save(self, target: Path, stamp: int, found_echoes) -> None:
        """Build: link the quotes, derive stories and quote records, write all into `target`."""
        self.save_stories(self.save_quotes(target), target, stamp, found_echoes)

    def save_quotes(self, target: Path) -> sqlite3.Connection:
        """Build, the part of `save` that needs no echoes (it may run while another process
        joins them, see `settle`): link the quotes and write them, and the per-article rows of
        a table not spooled. Returns the file's open connection, for `save_stories`."""
        q = self.quotes
        q.join()
        if self.spool is None:
            con = ss.create(_tmp(target))
            for name, data in zip(_TABLE, (self.meta, self.titles, self.features)):
                rowmap.save_rows(con, name, data.items())
            con.executemany("INSERT INTO title_terms(term, aid) VALUES (?, ?)",
                            ((t, aid) for aid, terms in self.titles.items() for t in terms))
        else:
            assert self.spool.path == _tmp(target), (self.spool.path, target)
            con = self.spool.con
        for attr, name in _QUOTES.items():
            if self.spool is None or attr not in _SPOOLED:
                rowmap.save_rows(con, name, getattr(q, attr).items())
        rowmap.save_rows(con, "q_df", ((k, v) for k, v in q.df.items() if v > 0))
        rowmap.save_rows(con, "q_speakers", ((k, v) for k, v in q.speakers.items() if v > 0))
        aliases = q.aliases()
        _save_records(con, ((nodes, q.record(nodes, self.meta.get, aliases)) for nodes in q.groups()))
        ss.set_meta(con, next_uid=q.next_uid, aliases=pickle.dumps(aliases, pickle.HIGHEST_PROTOCOL))
        return con

    def save_stories(self, con: sqlite3.Connection, target: Path, stamp: int, found_echoes) -> None:
        """Build, the rest of `save`: the stories from the stored echoes; the file committed and
        moved into place."""
        for story in {s.id: s for s in cluster(self.meta, found_echoes, self.titles).values()}.values():
            ss.write_story(con, story)
        if self.spool is not None:
            con = self.spool.take()
        ss.finish(con, _tmp(target), target, stamp)

    def quotes_rows(self, name: str) -> rowmap.RowMap:
        """Update: one of the file's other row maps (the quote records' bookkeeping)."""
        return rowmap.RowMap(self.con, name)

    def flush(self) -> None:
        """Update: write every row the batch touched."""
        for m in (self.meta, self.titles, self.features):
            m.flush()
        q = self.quotes
        for attr in (*_QUOTES, "df", "speakers"):
            getattr(q, attr).flush()
        ss.set_meta(self.con, next_uid=q.next_uid)

    @classmethod
    def build(cls, articles: Iterable[Article], an: Analyzer) -> StoryTable:
        table = cls()
        for a in articles:
            table.collect(a, an)
        return table


def _save_records(con: sqlite3.Connection, found: Iterable[tuple[list[int], QuoteRecord]]) -> None:
    """Every quote record (with its nodes) and its bookkeeping (each node's record) and every
    article's marks, written as they come (the marks gathered per article in a temporary
    table), so none of it is held whole."""
    con.execute("CREATE TEMP TABLE marks_tmp(aid TEXT NOT NULL, n INTEGER NOT NULL, qid TEXT NOT NULL)")
    group_of: list[tuple] = []
    group_nodes: list[tuple] = []
    marks: list[tuple] = []

    def flush() -> None:
        rowmap.save_rows(con, "q_group_of", group_of)
        rowmap.save_rows(con, "q_group_nodes", group_nodes)
        con.executemany("INSERT INTO marks_tmp(aid, n, qid) VALUES (?, ?, ?)", marks)
        for rows in (group_of, group_nodes, marks):
            rows.clear()
    for nodes, r in found:
        ss.write_record(con, r)
        group_nodes.append((r.id, nodes))
        group_of.extend((n, r.id) for n in nodes)
        marks.extend((aid, n, qid) for aid, (n, qid) in r.marks())
        if len(marks) + len(group_of) >= 50_000:
            flush()
    flush()
    rows = con.execute("SELECT DISTINCT aid, n, qid FROM marks_tmp ORDER BY aid, n, qid")
    rowmap.save_rows(con, "marks", ((aid, [(n, qid) for _, n, qid in one])
                                    for aid, one in itertools.groupby(rows, key=lambda row: row[0])))
    con.execute("DROP TABLE marks_tmp")


def _tmp(target: Path) -> Path:
    return target.with_name(target.name + ".tmp")


# -- hooks for the builder and the updater --------------------------------------------------------
def finish_build(echo_table, story_table: StoryTable, gen: Path, stamp: int,
                 report: Callable[[int, int], None] | None = None) -> None:
    """Join and judge the echoes (`report`: the join's progress, search.stories.echoes), then
    derive the stories and quotes from the stored echoes; write all into `gen`."""
    join_echoes(echo_table, story_table, gen, stamp, report)
    finish_stories(story_table, finish_quotes(story_table, gen), gen, stamp)


def join_echoes(echo_table, story_table: StoryTable, gen: Path, stamp: int,
                report: Callable[[int, int], None] | None = None) -> None:
    """`finish_build`'s echoes, judged by this table (a builder may run it in a child while it
    runs `finish_quotes`: see StoryTable.settle)."""
    echoes.finish_build(echo_table, gen, stamp, report, judge=story_table.judge)


def finish_quotes(story_table: StoryTable, gen: Path) -> sqlite3.Connection:
    """`finish_build`'s quotes, which need no echoes; the open file, for `finish_stories`."""
    return story_table.save_quotes(ss.path(gen))


def finish_stories(story_table: StoryTable, con: sqlite3.Connection, gen: Path, stamp: int) -> None:
    """`finish_build`'s stories, from the stored echoes; the file finished."""
    story_table.save_stories(con, ss.path(gen), stamp, echoes.stored_rows(gen))


class Ahead(NamedTuple):
    """What a build's reading child works out of an article (`read_ahead`)."""

    quotes: list[Quote]
    shapes: list[Shape | None]  # the paragraphs' (search.stories.formulaic)
    compounds: list[frozenset[str] | None]  # the echo signatures of those holding a compound


def read_ahead(a: Article, an: Analyzer) -> Ahead:
    """What a build's reading child works out of an article for `StoryTable.collect` and
    EchoTable.collect, so that the indexing process need not: its quotes, its paragraphs'
    shapes and the echo signatures of those holding a compound (search.stories.signature)."""
    return Ahead(extract(a), [shape(p) for p in a.paragraphs], compounds(an, a.paragraphs))


def quotes_of(articles: Iterable[Article]) -> dict[str, list[Quote]]:
    """The articles' quotes by id (`update`'s `found_of`, worked out ahead)."""
    return {a.id: extract(a) for a in articles}


def update(gen: Path, changed: list[Article], removed: Iterable[str], an: Analyzer, *, before: int,
           after: int, everything: Callable[[], Iterable[Article]],
           found_of: dict[str, list[Quote]] | None = None) -> set[str] | None:
    """After `add` or `remove` committed: the echoes (search.stories.echoes.update) judged by
    this table, then the table's own update, reading and writing only the rows the batch
    touches; built again from `everything()` when the file does not describe `before`.
    `found_of`: the changed articles' quotes, when worked out already (`quotes_of`).
    Returns the articles whose echo rows were rewritten (None: the echo store was built again)."""
    con = ss.open_rw(gen, before)
    if con is None:
        table = StoryTable.build(everything(), an)
        echoes.update(gen, changed, removed, an, before=before, after=after, everything=everything,
                      judge=table.judge)
        table.save(ss.path(gen), after, echoes.stored_rows(gen))
        return None
    try:
        table = StoryTable(con)
        table.remove_articles([*removed, *(a.id for a in changed)])
        table.add_articles(changed, an, found_of)
        rewritten = echoes.update(gen, changed, removed, an, before=before, after=after,
                                  everything=everything, judge=table.judge)
        storyupdate.refresh(table, gen, rewritten)
        table.flush()
        ss.commit(con, after)
        return rewritten
    except BaseException:
        if con.in_transaction:
            con.execute("ROLLBACK")
        con.close()
        raise


def repair(gen: Path, an: Analyzer, stamp: int, everything: Callable[[], Iterable[Article]]) -> None:
    """Before a writer's run: echoes, stories and quotes that do not describe the served
    commit `stamp` are built again from `everything()` (the echoes only when they are stale)."""
    echoes_current = echoes.is_current(gen, stamp)
    if echoes_current and is_current(gen, stamp):
        return
    articles = list(everything())
    table = StoryTable.build(articles, an)
    if not echoes_current:
        echoes.EchoTable.build(articles, an).save(gen, stamp, table.judge)
    table.save(ss.path(gen), stamp, echoes.stored_rows(gen))


def is_current(gen: Path, stamp: int) -> bool:
    """True when the generation's story file describes index commit `stamp`."""
    return ss.stamp_of(gen) == stamp
