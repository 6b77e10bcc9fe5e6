"""What the build works out across articles, beside the echoes: formula judged out of them,
story clusters, and quotes; kept with the index and read by its readers.

`StoryTable` (the build and update side) collects, per article, what the later steps need: its
outlet, date and headline, the features of its paragraphs (search.stories.formulaic) and its
quotes (search.stories.quotes, linked across articles by search.stories.quotebook). When the
echoes are joined it judges their links (`judge`), then derives the stories
(search.stories.clusters) and the quote book (`derive`).

Files, in the generation directory next to the echoes' (search.stories.echoes), each with a
header naming the index commit it describes:
- `stories.pickle`: what readers load, once per generation (`StoryView`);
- `stories-table.pickle`: the table, for `add` and `remove`.
A generation without them (built before issue 17) has no stories and no quotes.

`finish_build`, `update` and `repair` are the builder's and updater's hooks; they run the echo
steps of search.stories.echoes with the judge and then the stories'.
"""
from __future__ import annotations

import io
import os
import pickle
from collections.abc import Callable, Iterable
from pathlib import Path

from search.models import Article, Story
from search.present.citations import display_title
from search.stories import echoes
from search.stories.clusters import cluster
from search.stories.formulaic import Features, Judge, features
from search.stories.quotebook import QuoteBook, QuoteIndex
from search.stories.quotes import Quote, extract
from search.text.analysis import Analyzer

FILE = "stories.pickle"
TABLE = "stories-table.pickle"
VERSION = 2  # 2: QuoteBook.aliases (search.stories.fullnames)


def _dump(path: Path, stamp: int, data) -> None:
    """A header (format version, index commit) and the data, atomically."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        pickle.dump({"version": VERSION, "stamp": stamp}, fh, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


def _head(fh, stamp: int | None) -> bool:
    head = pickle.load(fh)
    return isinstance(head, dict) and head.get("version") == VERSION and (stamp is None or head.get("stamp") == stamp)


def _read(fh, stamp: int | None):
    """The data _dump wrote into `fh`, if its header matches (any commit when `stamp` is None);
    else None, as for a truncated or foreign file."""
    try:
        return pickle.load(fh) if _head(fh, stamp) else None
    except (EOFError, pickle.UnpicklingError):
        return None


def _load(path: Path, stamp: int | None):
    """The data of a file _dump wrote (see _read); None when there is none."""
    try:
        with open(path, "rb") as fh:
            return _read(fh, stamp)
    except FileNotFoundError:
        return None


class StoryTable:
    """Per article: (outlet, date, title), headline terms, paragraph features, quotes."""

    def __init__(self):
        self.meta: dict[str, tuple[str | None, str | None, str]] = {}
        self.titles: dict[str, frozenset[str]] = {}
        self.features: dict[str, dict[int, Features]] = {}
        self.quotes = QuoteIndex()

    def collect(self, a: Article, an: Analyzer) -> None:
        """Build, first pass (the quotes are linked by `derive`)."""
        found = extract(a)
        self._describe(a, an)
        self.quotes.collect(a.id, found, an)
        self._features(a, found)

    def _features(self, a: Article, found: list[Quote]) -> None:
        """The paragraphs' features for the echoes' judge; a paragraph's quoted terms are those
        of its direct quotes (their units' terms in the quote index)."""
        quoted: dict[int, set[str]] = {}
        units = self.quotes.units
        for uid in self.quotes.by_article.get(a.id, ()):
            u = units[uid]
            if u.kind == "direct":
                quoted.setdefault(u.n, set()).update(u.terms)
        feats = {}
        for n, text in enumerate(a.paragraphs, 1):
            f = features(text, frozenset(quoted.get(n, ())))
            if f is not None:
                feats[n] = f
        if feats:
            self.features[a.id] = feats
        else:
            self.features.pop(a.id, None)

    def _describe(self, a: Article, an: Analyzer) -> None:
        self.meta[a.id] = (a.outlet, a.date, display_title(a))
        if a.title:
            self.titles[a.id] = an.term_set(a.title)

    def add_articles(self, articles: Iterable[Article], an: Analyzer) -> None:
        nodes = []
        for a in articles:
            found = extract(a)
            self._describe(a, an)
            nodes += self.quotes.collect(a.id, found, an)
            self._features(a, found)
        self.quotes.join(nodes)

    def remove_articles(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        for aid in ids:
            self.meta.pop(aid, None)
            self.titles.pop(aid, None)
            self.features.pop(aid, None)
        self.quotes.remove_articles(ids)

    # -- deriving ----------------------------------------------------------------------------------
    def judge(self, table) -> Judge:
        """The judge of the echo table's links (search.stories.formulaic)."""
        feats = self.features
        return Judge(table, lambda aid, n: feats.get(aid, {}).get(n))

    def derive(self, found_echoes: dict, joined: bool = True) -> dict:
        """The readers' data: stories and the quote book. `joined=False` links the quotes
        first (a build collects them unlinked)."""
        if not joined:
            self.quotes.join()
        stories = cluster(self.meta, found_echoes, self.titles)
        return {"stories": {aid: s for aid, s in stories.items()},
                "quotes": self.quotes.book(self.meta)}

    def save(self, gen: Path, stamp: int, data: dict) -> None:
        _dump(Path(gen) / TABLE, stamp, self.__dict__)
        _dump(Path(gen) / FILE, stamp, data)

    @classmethod
    def load(cls, gen: Path, stamp: int | None) -> StoryTable | None:
        data = _load(Path(gen) / TABLE, stamp)
        if data is None:
            return None
        table = cls()
        table.__dict__.update(data)
        return table

    @classmethod
    def build(cls, articles: Iterable[Article], an: Analyzer) -> StoryTable:
        table = cls()
        for a in articles:
            table.collect(a, an)
        return table


class StoryView:
    """The readers' side: an article's story, a story's articles, the quote book."""

    def __init__(self, data: dict | None = None):
        self.missing = data is None  # no file describing the commit asked for
        data = data or {}
        self.stories: dict[str, Story] = data.get("stories", {})
        self.book: QuoteBook = data.get("quotes") or QuoteBook([], {})
        self._by_id: dict[str, Story] | None = None

    @classmethod
    def load(cls, gen: Path, stamp: int | None) -> StoryView:
        """The generation's stories if they describe index commit `stamp`; none otherwise."""
        return cls(_load(Path(gen) / FILE, stamp))

    @classmethod
    def from_bytes(cls, data: bytes | None, stamp: int | None) -> StoryView:
        """The same from the bytes of a stories file kept elsewhere (the PostgreSQL engine keeps
        it in a table)."""
        return cls(_read(io.BytesIO(data), stamp) if data else None)

    def story_of(self, article_id: str) -> Story | None:
        return self.stories.get(article_id)

    def story(self, story_id: str) -> Story | None:
        if self._by_id is None:
            self._by_id = {s.id: s for s in self.stories.values()}
        return self._by_id.get(story_id)


# -- hooks for the builder and the updater --------------------------------------------------------
def finish_build(echo_table, story_table: StoryTable, gen: Path, stamp: int,
                 report: Callable[[int, int], None] | None = None) -> None:
    """Join and judge the echoes (`report`: the join's progress, search.stories.echoes), then
    derive the stories and quotes from the stored echoes; write all into `gen`."""
    echoes.finish_build(echo_table, gen, stamp, report, judge=story_table.judge)
    story_table.save(gen, stamp, story_table.derive(echoes.stored(gen), joined=False))


def update(gen: Path, changed: list[Article], removed: Iterable[str], an: Analyzer, *, before: int,
           after: int, everything: Callable[[], Iterable[Article]]) -> None:
    """After `add` or `remove` committed: the echoes (search.stories.echoes.update) judged by
    this table, then the table's own update; built again from `everything()` when stale."""
    table = StoryTable.load(gen, before)
    if table is None:
        table = StoryTable.build(everything(), an)
        table.quotes.join()
    else:
        removed = list(removed)
        table.remove_articles([*removed, *(a.id for a in changed)])
        table.add_articles(changed, an)
    echoes.update(gen, changed, removed, an, before=before, after=after, everything=everything,
                  judge=table.judge)
    table.save(gen, after, table.derive(echoes.stored(gen)))


def repair(gen: Path, an: Analyzer, stamp: int, everything: Callable[[], Iterable[Article]]) -> None:
    """Before a writer's run: echoes, stories and quotes that do not describe the served
    commit `stamp` are built again from `everything()`."""
    if echoes.is_current(gen, stamp) and is_current(gen, stamp):
        return
    articles = list(everything())
    table = StoryTable.build(articles, an)
    table.quotes.join()
    echoes.EchoTable.build(articles, an).save(gen, stamp, table.judge)
    table.save(gen, stamp, table.derive(echoes.stored(gen)))


def is_current(gen: Path, stamp: int) -> bool:
    """True when the generation's story files describe index commit `stamp` (headers only)."""
    for name in (TABLE, FILE):
        try:
            with open(Path(gen) / name, "rb") as fh:
                if not _head(fh, stamp):
                    return False
        except (FileNotFoundError, EOFError, pickle.UnpicklingError):
            return False
    return True
