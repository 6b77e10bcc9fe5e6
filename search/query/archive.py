"""Step 3 of the pipeline: a `SearchRequest` in, a `SearchResponse` of plain records out.

`Archive.search(request)` reads the query (search.query.parse, pure), asks the engine's current
reader for the hits (search.engine.base: match, score, top N, facet counts), loads the articles
shown, makes their snippets (search.query.snippets) and the page's facets, chips and paging.
Responses are cached per reader generation, keyed by the request and the settings, so an update
or a new build starts with an empty cache and two archives with other settings never share one.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote_plus

from search.cache import Cache
from search.engine import open_engine
from search.engine.base import Engine, Plan, Reader
from search.models import Article, Chip, Echo, Facet, Page, QuoteMark, QuotePage, SearchResult, Snippet, Story
from search.present.citations import article_path, display_title, permalink_path
from search.query import facets
from search.query.params import QuoteRequest, SearchRequest
from search.query.parse import ParsedQuery, parse_query
from search.query.snippets import best_paragraphs, highlight, lede
from search.settings import DEFAULT, Settings

RESPONSE_CACHE = 256  # responses kept, per reader generation


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
            parsed = parse_query(req.q, exact=req.exact, settings=self.settings)
            lo, hi = req.date_range
            end = req.page * req.per_page
            hits = reader.search(Plan(
                query=parsed.query, answer=parsed.answer, filters=dict(req.filters), date_from=lo,
                date_to=hi, sort=req.effective_sort, limit=end, facets=facets.WANTED,
                collapse=req.collapse, story=req.story))
            shown = hits.top[(req.page - 1) * req.per_page:end]
            qs = ("?q=" + quote_plus(parsed.text)) if parsed.text and not parsed.is_browse else ""
            articles = reader.articles([key_ for _, key_ in shown])
            idf = reader.idf() if parsed.highlight else None
            stories = reader.stories([a.id for a in articles])
            results = [self._result(a, score, parsed, qs, idf, stories.get(a.id))
                       for (score, _), a in zip(shown, articles)]
            count = hits.stories if req.collapse and hits.stories is not None else hits.total
            pages = max(1, -(-count // req.per_page))
            selected = reader.story(req.story) if req.story else None
            chips = facets.chips(req)
            if selected is not None:  # the story's chip reads as its first article's title
                label = display_title(reader.article(selected.members[0]))
                chips = [replace(c, label=label) if c.param == "story" else c for c in chips]
            resp = SearchResponse(
                request=req, query=parsed, total=hits.total, results=results,
                facets=facets.facet_results(hits.counts, req), chips=chips,
                page=Page(req.page, req.per_page, count, pages,
                          req.page_qs(req.page - 1) if req.page > 1 else None,
                          req.page_qs(req.page + 1) if req.page < pages else None),
                took_ms=(time.perf_counter() - started) * 1000, sort=req.effective_sort,
                stories=hits.stories, story=selected,
            )
            cache.put(key, resp)
            return resp

    def _cache_for(self, reader: Reader) -> Cache:
        if self._responses is None or self._responses[0] != reader.generation:
            self._responses = (reader.generation, Cache(RESPONSE_CACHE, name="responses"))
        return self._responses[1]

    def _result(self, article: Article, score: float, parsed: ParsedQuery, qs: str, idf,
                story: Story | None = None) -> SearchResult:
        hl = parsed.highlight
        snips = best_paragraphs(article.paragraphs, hl, idf, self.settings.snippets_per_result) if hl else []
        if not snips:
            snips = lede(article.paragraphs)
        title = display_title(article)
        return SearchResult(
            id=article.id, title=title, has_title=bool(article.title), outlet=article.outlet,
            date=article.date, url=article.url, score=round(score, 4), source=article.source,
            dateline=article.dateline, editors=list(article.editors), tags=list(article.tags),
            paragraphs=[Snippet(n, html, permalink_path(article, n)) for n, html in snips],
            article_url=article_path(article.id) + qs,
            title_html=highlight(title, hl), story=story,
        )
