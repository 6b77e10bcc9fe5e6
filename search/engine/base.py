"""The engine seam: what the archive asks of an index, whatever stores it.

An `Engine` owns one archive's storage: it builds it, updates it, and hands out a `Reader`
of its current generation. A `Reader` answers one `Plan` (the parsed query, the filters, the
order, how many, which facet counts, a day histogram, preferred forms, a collapse by story)
with `Hits` (the total, the top keys with their scores, the facet counts, the day counts), and
gives stored articles, their echoes, stories and quotes, term rarity (for snippets),
statistics, and look-ups in its lexicon of written words (fuzzy words, did-you-mean). Query
nodes are search.query.ast's; an engine matches Near/SameParagraph by positions and the
Field/DateRange filters by metadata (the rule of search.query.fields); Fuzzy nodes are resolved
above the seam with `similar_words`. Reading a query (search.query.parse), snippets,
citations, the computation of echoes, stories and quotes (search.stories) and rendering stay
above the seam, shared by every engine; an engine stores their results (the Whoosh engine as
files of its generation, another in tables) and answers the look-ups below.

Whoosh (search.engine.whoosh) is the embedded default; PostgreSQL is the scale-out engine.
Keys in `Hits.top` are the engine's own (a document number, a row id): pass them back to the
same Reader's `articles`. A Reader is a snapshot: its generation never changes under it.
"""
from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from search.models import Article, Coverage, Echo, OutletShare, QuoteMark, QuotePage, Skipped, Story
from search.query.ast import Node
from search.settings import Settings

#: Facets an engine counts. "month" and "date" (the day) count the article's date.
FACETS = ("outlet", "source", "editor", "tag", "month", "date")
#: Facets that filter (search.query.params.FILTERS names the same request parameters).
FILTERS = ("outlet", "date", "editor", "source", "tag")
SORTS = ("relevance", "newest", "oldest")
#: {paragraph n (0: the title): (matched roots, phrase hits)}: `Reader.paragraph_hits` per article.
ParagraphHits = dict[int, tuple[frozenset[str], int]]


class Budget:
    """The time one search may take (search.settings.Limits.budget), checked between steps.

    An engine asks `spent()` before each costly step it can leave out without returning a wrong
    result (another alternative of an OR, another word of a pattern, the proximity bonus, a
    snippet); once the time is spent it leaves them out and `partial` says so. Steps that a
    correct answer needs (each part of an AND) always run: what is left out only ever makes
    the answer smaller or plainer, never wrong."""

    __slots__ = ("deadline", "partial")

    def __init__(self, seconds: float):
        self.deadline = time.monotonic() + seconds
        self.partial = False

    def spent(self) -> bool:
        """True (and the answer partial) once the time is up."""
        if not self.partial and time.monotonic() > self.deadline:
            self.partial = True
        return self.partial


@dataclass(frozen=True)
class Plan:
    """One search as an engine runs it: already parsed, already checked."""

    query: Node | None  # None: browse every live article
    answer: str | None = None  # the answer type a question asks for (search.text.answers)
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # values OR, facets AND;
    # a "date" value is a day (2024-06-18) or a month (2024-06)
    date_from: str = ""  # ISO day bounds, inclusive; "" is open
    date_to: str = ""
    sort: str = "relevance"
    limit: int = 10  # the best `limit` keys (the caller slices its page)
    facets: tuple[str, ...] = ()  # counts wanted; "date" (days) only when `days_wanted` says so
    collapse: str = ""  # "story": the best article of each story only (search.stories.clusters)
    story: str = ""  # a story id: only that story's articles
    budget: Budget | None = field(default=None, compare=False)  # None: no time limit
    histogram: bool = False  # count the kept documents by day (Hits.days), for the date histogram
    #: With relevance: documents matching more of these nodes rank first, then by score (the
    #: words as typed: `pemerintah` above articles saying only `memerintahkan`). Never narrows.
    prefer: tuple[Node, ...] = ()


@dataclass
class Hits:
    total: int
    top: list[tuple[float, Hashable]]  # (score, key), best first; score 0.0 when sorted by date
    counts: dict[str, Counter] = field(default_factory=dict)  # facet -> value -> matches, each
    # facet counted with every filter but its own (a click on a value gives that count)
    days: Counter | None = None  # ISO day -> kept documents (every filter), when plan.histogram
    partial: bool = False  # the budget ran out: fewer matches or plainer scores than asked for
    #: patterns that stood for more words than the limit (search.settings.Limits.expansions):
    #: (pattern as the index reads it, words searched)
    capped: tuple[tuple[str, int], ...] = ()
    stories: int | None = None  # with collapse="story": how many stories the matches make


def days_wanted(plan: Plan, months: Counter) -> bool:
    """Day counts are worth making when a date is selected or every match falls in one month
    (a day facet has thousands of values at 35k articles)."""
    return bool(plan.filters.get("date")) or len(months) == 1


class Reader(ABC):
    """One generation of an archive, read-only. Safe to share between threads."""

    generation: str  # changes with every build or committed update

    @abstractmethod
    def search(self, plan: Plan) -> Hits: ...

    @abstractmethod
    def articles(self, keys: Iterable[Hashable]) -> list[Article]:
        """The stored articles of keys from this Reader's Hits, in order."""

    @abstractmethod
    def article(self, article_id: str) -> Article:
        """One article by id; search.errors.NotFound if the archive lacks it."""

    @abstractmethod
    def echoes(self, article_id: str) -> dict[int, list[Echo]]:
        """{paragraph n: echoes in other articles}, computed at build (search.stories.echoes)."""

    @abstractmethod
    def stories(self, article_ids: Iterable[str]) -> dict[str, Story]:
        """{article id: its story} for the ids given that have one (search.stories.clusters)."""

    @abstractmethod
    def story(self, story_id: str) -> Story | None:
        """A story by id, with its members."""

    @abstractmethod
    def quotes(self, terms: frozenset[str], speaker: str = "", page: int = 1,
               per_page: int = 20) -> QuotePage:
        """Quotes holding every term (analysed as the index is), of `speaker` if given, newest
        first appearance first, with the speaker facet (search.stories.quotebook.QuoteBook)."""

    @abstractmethod
    def article_quotes(self, article_id: str) -> dict[int, list[QuoteMark]]:
        """{paragraph n: the quotes in it, with their other appearances}."""

    @abstractmethod
    def idf(self) -> Callable[[str], float]:
        """term -> idf in the body field (search.engine.bm25.idf), for ranking snippets."""

    @abstractmethod
    def stats(self) -> dict: ...

    def count(self) -> int:
        """Live articles (cheap: a health check asks for it)."""
        return self.stats()["articles"]

    def similar_words(self, word: str, max_distance: int, limit: int,
                      min_freq: int = 1) -> list[tuple[str, int, int]]:
        """Written words of the archive (lowercased, as the `exact` field holds them) within
        `max_distance` edits of `word`, a swap counting one (search.text.spelling.distance):
        (word, distance, document frequency), nearest first, then the most frequent. For fuzzy
        words and did-you-mean; an engine without a lexicon look-up offers none (a
        search.text.spelling.Lexicon of its words does it)."""
        return []

    def word_frequency(self, word: str) -> int:
        """Documents holding a written word (lowercased); 0 when the engine cannot say."""
        return 0

    def paragraph_hits(self, keys: list[Hashable], titled: list[bool], terms: frozenset[str],
                       phrases: tuple[tuple[str, ...], ...]) -> list[ParagraphHits | None] | None:
        """Per key (an article whose stored title is there or not, `titled`), the paragraphs
        holding a body term of `terms` or a stemmed phrase of `phrases`, read off the index's
        positions: {paragraph n from 1, or 0 for the title: (the terms and phrase words
        found, phrase hits)} (search.engine.spans.paragraph_hits). The snippets
        (search.query.snippets) then mark only what they show; None (for an article, or all)
        where the engine cannot tell, and the highlighter looks through every paragraph."""
        return None

    def coverage(self) -> Coverage:
        """What the archive holds, per outlet and per month. This default asks only the seam
        (a browse with outlet and month counts, then every article for its paragraphs and
        dates); an engine should answer from what it already keeps (the Whoosh reader does)."""
        hits = self.search(Plan(query=None, sort="newest", limit=1 << 62, facets=("outlet", "month")))
        paragraphs: Counter = Counter()
        dates = []
        keys = [key for _, key in hits.top]
        for start in range(0, len(keys), 1000):
            for a in self.articles(keys[start:start + 1000]):
                paragraphs[a.outlet] += len(a.paragraphs)
                if a.date:
                    dates.append(a.date)
        articles = Counter(hits.counts.get("outlet", {}))
        if hits.total > sum(articles.values()):
            articles[None] = hits.total - sum(articles.values())
        return coverage_of(hits.total, articles, paragraphs, Counter(hits.counts.get("month", {})),
                           (min(dates, default=None), max(dates, default=None)), {},
                           {"index_version": None, "stemmer": "", "engine": type(self).__name__})


def coverage_of(total: int, articles: Counter, paragraphs: Counter, months: Counter,
                dates: tuple[str | None, str | None], manifest: dict, versions: dict) -> Coverage:
    """A Coverage from counts per outlet (None: unknown) and per month, the first and last
    dates, the build's manifest (when, licences) and the versions: outlets by size, the unknown
    last; every month from the first to the last, with zeros."""
    outlets = sorted(articles, key=lambda o: (o is None, -articles[o], o or ""))
    days = [m for m in months if months[m]]
    span: dict[str, int] = {}
    if days:
        first, last = min(days), max(days)
        y, m = int(first[:4]), int(first[5:7])
        while f"{y:04d}-{m:02d}" <= last:
            span[f"{y:04d}-{m:02d}"] = months.get(f"{y:04d}-{m:02d}", 0)
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return Coverage(
        articles=total, paragraphs=sum(paragraphs.values()),
        outlets=[OutletShare(o, articles[o], paragraphs.get(o, 0)) for o in outlets],
        months=span, dated=sum(span.values()),
        first_date=dates[0], last_date=dates[1],
        built_at=manifest.get("built_at"), updated_at=manifest.get("updated_at"),
        licences=list(manifest.get("licences", [])), **versions)


@dataclass
class BuildReport:
    index_dir: str
    added: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    removals: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        s = f"Indexed {self.added} article{'s' if self.added != 1 else ''}"
        if self.skipped:
            s += f", skipped {len(self.skipped)}"
        s += f", removed {self.removals} boilerplate piece{'s' if self.removals != 1 else ''}"
        return s + f" in {self.seconds:.2f}s -> {self.index_dir}"


ADDED, UPDATED, UNCHANGED, REMOVED, MISSING = "added", "updated", "unchanged", "removed", "not found"


@dataclass
class Outcome:
    """What happened to one input: an article id or a skipped origin, and why."""

    origin: str
    outcome: str  # added, updated, unchanged, skipped, removed, not found
    id: str | None = None
    reason: str | None = None
    flags: list[str] | None = None  # what the report points out (Article.flags)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class UpdateReport:
    index_dir: str
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0
    committed: bool = False
    #: Articles cleaned from source, and inputs found unchanged by fingerprint without cleaning.
    cleaned: int = 0
    fingerprinted: int = 0

    def articles(self, items: Iterable, on_item: Callable | None = None) -> Iterator[Article]:
        """The articles among an `add`'s inputs, for the engine to compare with its index. Inputs
        found unchanged by fingerprint (search.ingest.fingerprints.Unchanged) and skipped ones
        are recorded here as they pass; `on_item` hears every input that was read."""
        for item in items:
            if not isinstance(item, (Article, Skipped)):  # fingerprints.Unchanged: not read
                self.outcomes.append(Outcome(item.origin, UNCHANGED, item.id))
                self.fingerprinted += 1
                continue
            if on_item:
                on_item(item)
            if isinstance(item, Skipped):
                self.outcomes.append(Outcome(item.origin, "skipped", reason=item.reason))
                continue
            yield item

    def count(self, outcome: str) -> int:
        return sum(1 for o in self.outcomes if o.outcome == outcome)

    @property
    def skipped(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.outcome == "skipped"]

    def summary(self) -> str:
        parts = [f"{self.count(k)} {k}" for k in (ADDED, UPDATED, UNCHANGED, REMOVED, MISSING)
                 if self.count(k) or k in (ADDED, UPDATED, UNCHANGED)]
        parts.append(f"{len(self.skipped)} skipped")
        tail = "" if self.committed else "; nothing changed, the index was not written"
        return f"{', '.join(parts)} in {self.seconds:.2f}s -> {self.index_dir}{tail}"

    def as_dict(self) -> dict:
        return {"index_dir": self.index_dir, "seconds": round(self.seconds, 3),
                "committed": self.committed,
                "counts": {k: self.count(k) for k in (ADDED, UPDATED, UNCHANGED, REMOVED, MISSING,
                                                      "skipped")},
                "items": [o.as_dict() for o in self.outcomes]}


class Engine(ABC):
    """One archive's storage. `location` is what users name it by (a directory, a DSN)."""

    location: str
    settings: Settings

    @abstractmethod
    def reader(self) -> Reader:
        """The current generation (reopened when a build or an update has published a new one);
        IndexMissing or IndexVersionMismatch say what to run."""

    def warm(self) -> bool:
        """Open the index and load what the first request would; False if there is none yet."""
        from search.errors import KlipingError

        try:
            self.reader()
            return True
        except KlipingError:
            return False

    def close(self) -> None:  # noqa: B027 (an engine with nothing to release need not say so)
        """Release open files and connections."""

    def check(self) -> None:
        """Cheaply confirm that a usable index of these settings is there; IndexMissing or
        IndexVersionMismatch (with what to run) if not."""
        self.reader()

    @abstractmethod
    def build(self, items: Iterable[Article | Skipped], *, sources: list[str] | None = None,
              on_item: Callable | None = None, wait: float = 0.0, allow_empty: bool = True,
              progress=None) -> BuildReport:
        """Index every article into a new generation and publish it when complete. `progress`
        (search.indexing.progress.Progress, phases BUILD) hears of the steps after indexing;
        an engine that cannot tell finishes them as it passes them."""

    @abstractmethod
    def add(self, items: Iterable, *, wait: float = 0.0, on_item: Callable | None = None) -> UpdateReport:
        """Add new and replace changed articles (by content hash) in the served generation."""

    @abstractmethod
    def remove(self, ids: Iterable[str], *, wait: float = 0.0) -> UpdateReport: ...

    def built_from(self) -> list[str]:
        """The sources the current generation was built from (for `build --if-missing`)."""
        return []

    def optimize(self, *, wait: float = 0.0) -> dict:
        """Compact the storage as a fresh build would leave it (one segment, no deleted rows):
        {"segments": before, "deleted": dropped, "seconds"}. Never needed for correctness."""
        return {"segments": 0, "deleted": 0, "seconds": 0.0}
