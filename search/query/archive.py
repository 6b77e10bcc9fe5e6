"""Step 3 of the pipeline: a `SearchRequest` in, a `SearchResponse` of plain records out.

`Archive.search(request)` reads the query (search.query.parse, pure), resolves its fuzzy words
against the reader's lexicon (search.query.resolve), asks the engine's current reader for the
hits (search.engine.base: match, score, top N, facet counts, day counts), loads the articles
shown, makes their snippets (search.query.snippets) and the page's facets, chips, histogram
(search.query.histogram) and paging. No dead ends: an all-words query that finds nothing shows
the best partial matches (ranked by how many of the words they hold, marked `partial`), and a
query that finds few offers a corrected one (search.query.suggest). `matches` streams every
match for exports and feeds (search.query.export).
Responses are cached per reader generation, keyed by the request and the settings, so an update
or a new build starts with an empty cache and two archives with other settings never share one.

Every search has a time budget (search.settings.Limits.budget): the engine leaves out what it
can once it is spent (search.engine.base.Budget), and so do the snippets (the first paragraphs
instead); the response is then `partial`, says so in `notices`, and is not cached. Patterns
that stood for more words than the limit are noticed too.

One lock serialises the archive's use of its engine: Whoosh reads its files through shared file
objects (no mmap), which threads must not interleave. A server uses processes for parallelism
(gunicorn's workers; see app.py), each with its own archive.
"""
from __future__ import annotations

import gc
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

from search.cache import Cache
from search.engine import open_engine
from search.engine.base import Budget, Engine, ParagraphHits, Plan, Reader
from search.models import (
    Article,
    Chip,
    Coverage,
    Echo,
    Facet,
    Notice,
    Page,
    QuoteMark,
    QuotePage,
    SearchResult,
    Snippet,
    Story,
)
from search.present.citations import article_path, display_title, permalink_path
from search.query import ast, facets, suggest
from search.query.highlight import Highlight
from search.query.histogram import Histogram, histogram
from search.query.params import QuoteRequest, SearchRequest
from search.query.parse import ParsedQuery, parse_query
from search.query.resolve import resolve
from search.query.snippets import best_paragraphs, highlight, lede, matching_paragraphs, paragraph_hits
from search.settings import DEFAULT, Settings
from search.text.questions import asks

RESPONSE_CACHE = 256  # responses kept, per reader generation
NO_MARKS = Highlight()  # marks nothing


@dataclass
class SearchResponse:
    request: SearchRequest
    query: ParsedQuery
    total: int
    results: list[SearchResult]
    facets: list[Facet]
    chips: list[Chip]
    page: Page
    took_ms: float = 0.0
    sort: str = "relevance"
    cached: bool = False
    stories: int | None = None  # with collapse=story: how many stories the matches make
    story: Story | None = None  # the story a story= filter selects
    histogram: Histogram | None = None
    partial: bool = False  # the time budget ran out: fewer matches, plainer order or snippets
    notices: tuple[Notice, ...] = ()  # what the limits changed (search.models.Notice)
    partial_matches: bool = False  # no article holds every word: the best partial matches are shown
    did_you_mean: SearchRequest | None = None  # the corrected search, when it finds more


class Archive:
    """A read-only view of one archive, safe to share between threads. `source` is an Engine,
    or a location for search.engine.open_engine (an index directory)."""

    def __init__(self, source: Engine | str | Path, settings: Settings | None = None, **options):
        if isinstance(source, Engine):
            self.engine = source
            self.settings = settings or source.settings
            if self.settings != source.settings:
                raise ValueError("the archive and its engine must share one Settings")
        else:
            self.settings = settings or DEFAULT
            self.engine = open_engine(source, self.settings, **options)
        self._lock = threading.RLock()
        self.lock = self._lock  # held while a reader is used (search.query.export)
        self._responses: tuple[str, Cache] | None = None  # (generation, its responses)

    @property
    def root(self) -> Path:
        return Path(self.engine.location)

    def warm(self) -> bool:
        """Open the index now and load what the first query would; False if there is no usable
        index yet (the error is reported when a request needs it)."""
        with self._lock:
            return self.engine.warm()

    def close(self) -> None:
        with self._lock:
            self.engine.close()

    # -- reading ------------------------------------------------------------------------------
    def stats(self) -> dict:
        with self._lock:
            return {"index_dir": self.engine.location, **self.engine.reader().stats()}

    def health(self) -> dict:
        """What a health check reports: the served generation and its article count (raises
        what the engine raises when the index cannot be read)."""
        with self._lock:
            reader = self.engine.reader()
            return {"articles": reader.count(), "generation": reader.generation}

    def coverage(self) -> Coverage:
        """What the archive holds (the about page, GET /api/stats)."""
        with self._lock:
            return self.engine.reader().coverage()

    def article(self, article_id: str) -> Article:
        with self._lock:
            return self.engine.reader().article(article_id)

    def echoes(self, article_id: str) -> dict[int, list[Echo]]:
        """{paragraph n: echoes in other articles}, precomputed at build (search.stories.echoes)."""
        with self._lock:
            return self.engine.reader().echoes(article_id)

    def story(self, story_id: str) -> Story | None:
        with self._lock:
            return self.engine.reader().story(story_id)

    def story_of(self, article_id: str) -> Story | None:
        with self._lock:
            return self.engine.reader().stories([article_id]).get(article_id)

    def article_quotes(self, article_id: str) -> dict[int, list[QuoteMark]]:
        """{paragraph n: its quotes, each with its other appearances} (search.stories.quotebook)."""
        with self._lock:
            return self.engine.reader().article_quotes(article_id)

    def quotes(self, req: QuoteRequest) -> QuotePage:
        """The quotes page: quotes with every word of `req.q` (analysed as the index is) in their
        text or their speaker's name, of `req.speaker` if given."""
        from search.text.analysis import analyzer

        terms = analyzer(self.settings).term_set(req.q) if req.q else frozenset()
        with self._lock:
            return self.engine.reader().quotes(terms, req.speaker, req.page, req.per_page)

    def search(self, req: SearchRequest) -> SearchResponse:
        started = time.perf_counter()
        with self._lock:
            reader = self.engine.reader()
            cache = self._cache_for(reader)
            key = tuple(req.params())
            cached = cache.get(key)
            if cached is not None:
                return replace(cached, took_ms=(time.perf_counter() - started) * 1000, cached=True)
            parsed = self.read(req, reader)
            end = req.page * req.per_page
            budget = Budget(self.settings.limits.budget)
            hits = reader.search(self.plan(req, parsed, end, budget=budget))
            typed, first_total = parsed, hits.total  # did-you-mean judges the search as typed
            partial_matches = False
            if not hits.total and parsed.mode == "all" and not req.exact and not budget.spent():
                ranked = self.read(req, reader, ranked=True)
                if ranked.mode == "any":
                    hits = reader.search(self.plan(req, ranked, end, budget=budget))
                    parsed, partial_matches = ranked, bool(hits.total)
            shown = hits.top[(req.page - 1) * req.per_page:end]
            keys = [key_ for _, key_ in shown]
            # An article reached from a search carries the whole search: its page highlights the
            # query, and its "back to results" link returns to this very page of results.
            qs = req.suffix()
            articles = reader.articles(keys)
            idf = reader.idf() if parsed.highlight else None
            stories = reader.stories([a.id for a in articles])
            found = [None] * len(articles) if budget.spent() else paragraph_hits(reader, keys, articles,
                                                                                 parsed.highlight)
            results = [self._result(a, score, parsed, qs, None if budget.spent() else idf, stories.get(a.id), f)
                       for (score, _), a, f in zip(shown, articles, found)]
            # After the snippets, which the budget also covers: a correction is an extra.
            dym = None if budget.spent() else self._did_you_mean(req, typed, reader, first_total)
            count = hits.stories if req.collapse and hits.stories is not None else hits.total
            pages = max(1, -(-count // req.per_page))
            selected = reader.story(req.story) if req.story else None
            chips = facets.chips(req)
            if selected is not None:  # the story's chip reads as its first article's title
                label = display_title(reader.article(selected.members[0]))
                chips = [replace(c, label=label) if c.param == "story" else c for c in chips]
            limits = self.settings.limits
            cut = {"query_cut_chars": ("chars", limits.query_chars), "query_cut_terms": ("terms", limits.query_terms)}
            notices = [Notice(k, (cut[k],)) for k in req.notices if k in cut]
            if hits.capped:
                names = [p for p, _ in hits.capped]
                shown_names = ", ".join(names[:5]) + (" …" if len(names) > 5 else "")
                notices.append(Notice("pattern_capped", (("patterns", shown_names), ("count", limits.expansions),
                                                         ("total", limits.expansions_total))))
            if budget.partial:
                notices.append(Notice("partial", (("seconds", limits.budget),)))
            for r in results:
                r.tag_links = list(req.toggles("tag", r.tags).items())
            resp = SearchResponse(
                request=req, query=parsed, total=hits.total, results=results,
                facets=facets.facet_results(hits.counts, req), chips=chips,
                page=Page(req.page, req.per_page, count, pages,
                          req.page_qs(req.page - 1) if req.page > 1 else None,
                          req.page_qs(req.page + 1) if req.page < pages else None),
                took_ms=(time.perf_counter() - started) * 1000, sort=self.sort_of(req, parsed),
                histogram=histogram(hits.days, req, hits.total), partial=budget.partial,
                notices=tuple(notices), partial_matches=partial_matches, did_you_mean=dym,
                stories=hits.stories, story=selected,
            )
            if not budget.partial:
                cache.put(key, resp)
            return resp

    def all_matches(self, req: SearchRequest) -> tuple[ParsedQuery, list, Reader]:
        """Every match of a search, in its order: the reading, the engine's keys and the reader
        they belong to (for search.query.export)."""
        with self._lock:
            reader = self.engine.reader()
            parsed = self.read(req, reader)
            first = reader.search(replace(self.plan(req, parsed, 1, histogram=False), facets=()))
            hits = reader.search(replace(self.plan(req, parsed, max(1, first.total), histogram=False), facets=()))
            return parsed, [key for _, key in hits.top], reader

    def facet(self, req: SearchRequest, name: str) -> Facet | None:
        """One facet with every value (the page behind a facet's "more" link)."""
        with self._lock:
            reader = self.engine.reader()
            parsed = self.read(req, reader)
            hits = reader.search(self.plan(req, parsed, 1, histogram=False))
            found = [f for f in facets.facet_results(hits.counts, req, size=10 ** 9) if f.name == name]
            return found[0] if found else None

    def newest(self, req: SearchRequest, n: int) -> list[tuple[Article, str]]:
        """The `n` newest matches, each with its best paragraph's text (for feeds)."""
        with self._lock:
            reader = self.engine.reader()
            parsed = self.read(req, reader)
            hits = reader.search(replace(self.plan(replace(req, sort="newest"), parsed, n, histogram=False),
                                         facets=()))
            out = []
            for a in reader.articles([k for _, k in hits.top]):
                numbers = matching_paragraphs(a.paragraphs, parsed.highlight) if parsed.highlight else []
                out.append((a, a.paragraphs[(numbers or [1])[0] - 1] if a.paragraphs else ""))
            return out

    def read(self, req: SearchRequest, reader: Reader, ranked: bool = False) -> ParsedQuery:
        """The request's query, read (pure) and its fuzzy words resolved by the reader."""
        return resolve(parse_query(req.q, exact=req.exact, settings=self.settings, ranked=ranked),
                       reader, self.settings)

    @staticmethod
    def sort_of(req: SearchRequest, parsed: ParsedQuery) -> str:
        """The request's order; a query of filters alone (`media:Kontan`) has no relevance to
        rank by, so it lists the newest first unless told otherwise."""
        if req.sort or parsed.query is None:
            return req.effective_sort
        only_filters = all(isinstance(n, ast.FILTERS) for n in ast.leaves(parsed.query))
        return "newest" if only_filters else req.effective_sort

    def plan(self, req: SearchRequest, parsed: ParsedQuery, limit: int, histogram: bool = True,
             budget: Budget | None = None) -> Plan:
        lo, hi = req.date_range
        return Plan(query=parsed.query, answer=parsed.answer, filters=dict(req.filters), date_from=lo,
                    date_to=hi, sort=self.sort_of(req, parsed), limit=limit, facets=facets.WANTED,
                    histogram=histogram, prefer=parsed.prefer, budget=budget, collapse=req.collapse,
                    story=req.story)

    def _did_you_mean(self, req: SearchRequest, parsed: ParsedQuery, reader: Reader,
                      total: int) -> SearchRequest | None:
        """The search with its rare words corrected (search.query.suggest), word by word the
        correction that finds the most, when it finds more than the search as typed."""
        if parsed.is_browse:
            return None
        if total >= 5 and asks(req.q, self.settings):
            return None  # a pasted question that finds answers: checking it doubled its cost
        # A ranked (long) query finds something for nearly any word: only words no article
        # holds are looked at there, which keeps pasted questions fast.
        fixes = suggest.corrections(req.q, reader, self.settings,
                                    rare=1 if parsed.mode == "any" and total >= 5 else None)
        if not fixes:
            return None

        def found(text: str, partial: bool = True) -> float:
            """Articles a query finds with every word, or else (`partial`) a thousandth of its
            partial matches (what its page would show)."""
            r = replace(req, q=text, page=1)
            n = reader.search(replace(self.plan(r, parse_query(text, req.exact, self.settings), 1,
                                                histogram=False), facets=())).total
            if n or not partial:
                return n
            ranked = parse_query(text, req.exact, self.settings, ranked=True)
            return reader.search(replace(self.plan(r, ranked, 1, histogram=False), facets=())).total / 1000

        chosen: dict = {}
        several = len(parsed.readings) > 1
        for span, words, held in fixes:  # words no article holds first
            if held and several and found(suggest.apply(req.q, chosen), partial=False):
                continue  # a rare word that the other words occur with: not a typo
            pick = words[0]
            first = found(suggest.apply(req.q, {**chosen, span: pick}))
            for w in words[1:]:  # another correction only when it finds far more
                if found(suggest.apply(req.q, {**chosen, span: w})) > 2 * first:
                    pick, first = w, found(suggest.apply(req.q, {**chosen, span: w}))
            chosen[span] = pick
        if not chosen:
            return None
        text = suggest.apply(req.q, chosen)
        return replace(req, q=text, page=1) if found(text) > (total or found(req.q)) else None

    def _cache_for(self, reader: Reader) -> Cache:
        if self._responses is None or self._responses[0] != reader.generation:
            if self._responses is not None:  # the served index changed: what a server froze
                gc.unfreeze()  # after loading (app.py) may be garbage now, and collectable
            self._responses = (reader.generation, Cache(RESPONSE_CACHE, name="responses"))
        return self._responses[1]

    def _result(self, article: Article, score: float, parsed: ParsedQuery, qs: str, idf,
                story: Story | None = None, found: ParagraphHits | None = None) -> SearchResult:
        hl = parsed.highlight
        # paragraphs holding the query ("lihat semua N"), from the index when it can tell (found);
        # left out once the time budget is spent
        matching = len(matching_paragraphs(article.paragraphs, hl, found)) if hl and idf is not None else 0
        snips = best_paragraphs(article.paragraphs, hl, idf, self.settings.snippets_per_result, found) \
            if hl and idf is not None else []
        if not snips:
            snips = lede(article.paragraphs)
        title = display_title(article)
        return SearchResult(
            id=article.id, title=title, has_title=bool(article.title), outlet=article.outlet,
            date=article.date, url=article.url, score=round(score, 4), source=article.source,
            dateline=article.dateline, editors=list(article.editors), tags=list(article.tags),
            paragraphs=[Snippet(n, html, permalink_path(article, n)) for n, html in snips],
            article_url=article_path(article.id) + qs,
            # a headline the index shows the query is not in is not analysed (paragraph 0)
            title_html=highlight(title, hl if found is None or not article.title or 0 in found else NO_MARKS),
            matching=matching, story=story,
        )
