"""The read-only archive: open the served index once, keep its searcher, and run requests.

`Archive.search(request)` turns a SearchRequest into a SearchResponse of plain records. The
searcher and the facet table are cached per index generation and refreshed when a build
publishes a new one or an update commits (checked at most every REFRESH_SECONDS).
"""
from __future__ import annotations

import os
import threading
import time
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable
from urllib.parse import quote_plus

from whoosh.filedb.filestore import FileStorage
from whoosh import query as wq

from search.settings import DEFAULT, Settings
from search.text.analysis import analyzer
from search.engine.whoosh import store
from search.present.citations import article_path, display_title, paragraph_path
from search.stories.echoes import FILE as ECHOES_FILE, EchoView
from search.errors import KlipingError, NotFound
from search.query.facets import FacetTable, facet_results, restrict
from search.engine.whoosh.build import article_from_stored
from search.engine.whoosh.matching import match_docs
from search.models import Article, Chip, Echo, Facet, Page, SearchResult, Snippet
from search.query.params import FACET_PARAMS, SearchRequest
from search.query.parse import ParsedQuery, parse_query
from search.engine.whoosh.scoring import BulkScorer, best
from search.engine.whoosh.translate import to_whoosh
from search.query.snippets import best_paragraphs, highlight, idf_from, lede

REFRESH_SECONDS = 1.0
CACHE_SIZE = 256  # responses kept per index generation
MATCH_BUDGET = 200_000  # document numbers kept across cached match sets


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


@dataclass
class _State:
    stamp: tuple
    gen: Path
    manifest: dict
    ix: object
    searcher: object
    table: FacetTable
    checked: float = field(default_factory=time.monotonic)
    # Per-generation caches: a new generation or a committed update starts with empty ones.
    matches: OrderedDict = field(default_factory=OrderedDict)  # repr(query) -> frozenset of docnums
    responses: OrderedDict = field(default_factory=OrderedDict)  # request params -> SearchResponse
    scorer: BulkScorer | None = None  # made on the first ranked query
    echoes: tuple | None = None  # (file stamp, EchoView), read on first use (search.echoes)
    idf: Callable[[str], float] | None = None  # term -> idf for ranking snippets, cached per generation


class Archive:
    """A read-only view of the index under `root`, safe to share between threads."""

    def __init__(self, root: str | Path, settings: Settings = DEFAULT):
        self.root, self.settings = Path(root), settings
        self._state: _State | None = None
        self._lock = threading.RLock()
        # The index is read through open files (no mmap): close them when the archive goes.
        weakref.finalize(self, _close_state, self.__dict__)

    # -- opening and refreshing -------------------------------------------------------------
    def _open(self) -> _State:
        stamp = store.pointer_stamp(self.root)
        gen = store.current_generation(self.root)
        manifest = store.check_version(gen, self.settings)
        # Without mmap: Whoosh maps the whole compound segment file, and every page it touches
        # counts against the server's memory (255 MB of RSS at 35k articles); reading through
        # ordinary file reads costs +1 MB and no measurable latency.
        ix = FileStorage(str(gen), supports_mmap=False).open_index()
        searcher = ix.searcher()
        return _State(stamp, gen, manifest, ix, searcher, FacetTable.load(searcher.reader()))

    def _current(self) -> _State:
        st = self._state
        now = time.monotonic()
        if st is not None and now - st.checked < REFRESH_SECONDS:
            return st
        if st is None or store.pointer_stamp(self.root) != st.stamp:
            # A new generation: open it, and close the old one's files.
            new = self._open()
            if st is not None:
                st.searcher.close()
        elif not st.searcher.up_to_date():
            # An update committed in place: a fresh searcher over the new segments (not
            # refresh(), whose new searcher shares readers with the old one), then close the old.
            searcher = st.ix.searcher()
            new = _State(st.stamp, st.gen, st.manifest, st.ix, searcher, FacetTable.load(searcher.reader()))
            st.searcher.close()
        else:
            st.checked = now
            return st
        self._state = new
        return new

    def warm(self) -> bool:
        """Open the index and load what the first ranked query would (the facet table and the
        field lengths), so the first visitor does not pay for it. False if there is no usable
        index yet; the error is reported when a request needs it."""
        try:
            with self._lock:
                st = self._current()
                if st.scorer is None:
                    st.scorer = BulkScorer(st.searcher, self.settings)
                    st.scorer.warm("body")
                    st.scorer.warm("exact")
                    _prime_stems(st.searcher.reader(), analyzer(self.settings).stem)
            return True
        except KlipingError:
            return False

    def close(self) -> None:
        with self._lock:
            if self._state:
                self._state.searcher.close()
                self._state = None

    # -- reading ------------------------------------------------------------------------------
    def stats(self) -> dict:
        with self._lock:
            st = self._current()
            t = st.table
            return {
                "index_dir": str(self.root),
                "generation": st.gen.name,
                "schema_version": st.manifest.get("schema_version"),
                "built_at": st.manifest.get("built_at"),
                "articles": len(t.live),
                "outlets": len(t.index["outlet"]),
                "dated": len(t.dates),
                "first_date": min(t.dates.values(), default=None),
                "last_date": max(t.dates.values(), default=None),
                "terms": sum(1 for _ in st.searcher.reader().lexicon("body")),
            }

    def article(self, article_id: str) -> Article:
        with self._lock:
            st = self._current()
            doc = st.searcher.document_number(id=article_id)
            if doc is None:
                raise NotFound(f"No article with id '{article_id}' in this archive.")
            return article_from_stored(st.searcher.stored_fields(doc))

    def echoes(self, article_id: str) -> dict[int, list[Echo]]:
        """{paragraph n: echoes in other articles}, precomputed at build (search.echoes).
        The generation's file is read once, and again only when an update rewrites it."""
        with self._lock:
            st = self._current()
            try:
                s = os.stat(st.gen / ECHOES_FILE)
                stamp = (s.st_ino, s.st_mtime_ns)
            except FileNotFoundError:
                stamp = None
            if st.echoes is None or st.echoes[0] != stamp:
                st.echoes = (stamp, EchoView.load(st.gen))
            return st.echoes[1].for_article(article_id)

    def search(self, req: SearchRequest, parsed: ParsedQuery | None = None) -> SearchResponse:
        started = time.perf_counter()
        with self._lock:
            st = self._current()
            key = tuple(req.params())
            cached = st.responses.get(key) if parsed is None else None
            if cached is not None:
                st.responses.move_to_end(key)
                return replace(cached, took_ms=(time.perf_counter() - started) * 1000, cached=True)
            parsed = parsed or parse_query(req.q, exact=req.exact, settings=self.settings)
            matched = self._matches(st, parsed)
            kept, per_facet = restrict(st.table, matched, req)
            end = req.page * req.per_page
            top = self._top(st, parsed, kept, req.effective_sort, end)
            shown = top[(req.page - 1) * req.per_page:end]
            qs = ("?q=" + quote_plus(parsed.text)) if parsed.text and not parsed.is_browse else ""
            results = [self._result(st, doc, score, parsed, qs) for score, doc in shown]
            facets = facet_results(st.table, req, per_facet)
            total = len(kept)
            pages = max(1, -(-total // req.per_page))
            resp = SearchResponse(
                request=req, query=parsed, total=total, results=results, facets=facets,
                chips=_chips(req),
                page=Page(req.page, req.per_page, total, pages,
                          req.page_qs(req.page - 1) if req.page > 1 else None,
                          req.page_qs(req.page + 1) if req.page < pages else None),
                took_ms=(time.perf_counter() - started) * 1000, sort=req.effective_sort,
            )
            _remember(st.responses, key, resp)
            return resp

    # -- steps --------------------------------------------------------------------------------
    @staticmethod
    def _matches(st: _State, parsed: ParsedQuery) -> frozenset[int]:
        """Every live document the query matches (all of them when browsing); cached."""
        if parsed.is_browse:
            return st.table.live
        key = repr(parsed.query)
        found = st.matches.get(key)
        if found is None:
            found = frozenset(match_docs(st.searcher, to_whoosh(parsed.query), st.table.live))
            _remember(st.matches, key, found, weight=len)
        return found

    def _top(self, st: _State, parsed: ParsedQuery, kept: set[int], sort: str, end: int) -> list[tuple[float, int]]:
        """(score, docnum) for the first `end` documents of `kept` in the requested order.

        Relevance: Whoosh scores with `kept` as its filter, so it still skips blocks that
        cannot reach the top. Date orders walk the table's precomputed orders."""
        if not kept:
            return []
        if sort == "relevance" and not parsed.is_browse:
            q = to_whoosh(parsed.query)
            if st.scorer is None:
                st.scorer = BulkScorer(st.searcher, self.settings)
            scores = st.scorer.score(q, kept, parsed.answer)
            if scores is not None:
                return best(scores, end)
            if _only_negative(q):
                q = wq.And([wq.Every(), q])
            results = st.searcher.search(q, limit=end, filter=set(kept), terms=False)
            return [(score, doc) for score, doc in results.top_n]
        order = st.table.oldest if sort == "oldest" else st.table.newest
        out = []
        for doc in order:
            if doc in kept:
                out.append((0.0, doc))
                if len(out) >= end:
                    break
        return out

    def _result(self, st: _State, doc: int, score: float, parsed: ParsedQuery, qs: str) -> SearchResult:
        article = article_from_stored(st.searcher.stored_fields(doc))
        hl = parsed.highlight
        if hl:
            if st.idf is None:
                st.idf = idf_from(st.searcher)
            snips = best_paragraphs(article.paragraphs, hl, st.idf, self.settings.snippets_per_result)
        else:
            snips = []
        if not snips:
            snips = lede(article.paragraphs)
        title = display_title(article)
        return SearchResult(
            id=article.id, title=title, has_title=bool(article.title), outlet=article.outlet,
            date=article.date, url=article.url, score=round(score, 4), source=article.source,
            dateline=article.dateline, editors=list(article.editors), tags=list(article.tags),
            paragraphs=[Snippet(n, html, paragraph_path(article.id, n)) for n, html in snips],
            article_url=article_path(article.id) + qs,
            title_html=highlight(title, hl),
        )


PRIME_STEMS = 300_000  # words whose roots are computed at start-up


def _prime_stems(reader, stem) -> None:
    """Stem every word the index holds (the exact field's lexicon) once, at start-up: the
    highlighter then finds every root in the stemmer's cache. Measured on IndoSum: 1.0 s at
    start, and the median uncached search 14.4 -> 11.3 ms."""
    try:
        for i, word in enumerate(reader.lexicon("exact")):
            if i >= PRIME_STEMS:
                break
            stem(word.decode("utf-8") if isinstance(word, bytes) else word)
    except Exception:  # an index without the field: nothing to prime
        pass


def _close_state(attrs: dict) -> None:
    st = attrs.get("_state")
    if st is not None:
        st.searcher.close()


def _remember(cache: OrderedDict, key, value, size: int = CACHE_SIZE, weight=None) -> None:
    """Least-recently-used insert, bounded by entries, or by total weight when given (match
    sets are weighed by their length, so a few broad queries cannot hold hundreds of MB)."""
    cache[key] = value
    if weight is None:
        while len(cache) > size:
            cache.popitem(last=False)
        return
    total = sum(weight(v) for v in cache.values())
    while total > MATCH_BUDGET and len(cache) > 1:
        _, old = cache.popitem(last=False)
        total -= weight(old)


def _only_negative(q: wq.Query) -> bool:
    if isinstance(q, wq.Not):
        return True
    if isinstance(q, wq.And):
        return all(isinstance(c, wq.Not) for c in q.subqueries)
    return False


def _chips(req: SearchRequest) -> list[Chip]:
    chips = []
    for param in FACET_PARAMS.values():
        for v in req.filters.get(param, ()):
            chips.append(Chip(param, v, v, req.toggle_qs(param, v)))
    if req.date_from:
        chips.append(Chip("from", req.date_from, req.date_from, req.without_qs("from")))
    if req.date_to:
        chips.append(Chip("to", req.date_to, req.date_to, req.without_qs("to")))
    return chips
