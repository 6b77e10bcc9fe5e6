"""One generation of a Whoosh index, read: the Whoosh engine's side of the seam's `Reader`.

A `WhooshReader` holds the searcher (opened without mmap), the facet table and the per-generation
caches: match sets (weighed by their size), clause scores (search.engine.whoosh.scoring), the
echoes file and term rarity. A new generation, or an update committed in place, gets a new
reader, so its caches start empty and the old ones go with the old reader.

`search(plan)`: the match set by set algebra over posting lists (search.engine.whoosh.matching),
the filters as set operations (search.engine.whoosh.facets), the top `limit` by bulk BM25
(search.engine.whoosh.scoring) or by date, and the disjunctive facet counts.
"""
from __future__ import annotations

import json
import os
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path

from whoosh import query as wq

from search.cache import Cache
from search.engine import bm25
from search.engine.base import Hits, Plan, Reader
from search.engine.whoosh import facets
from search.engine.whoosh.facets import FacetTable
from search.engine.whoosh.matching import match_docs
from search.engine.whoosh.scoring import BulkScorer, best, weighting
from search.engine.whoosh.translate import to_whoosh
from search.errors import NotFound
from search.models import Article, Echo, QuoteMark, QuotePage, Story
from search.settings import Settings
from search.stories.echoes import FILE as ECHOES_FILE
from search.stories.echoes import EchoView
from search.stories.storybook import FILE as STORIES_FILE
from search.stories.storybook import StoryView

MATCH_CACHE = 200_000  # document numbers kept across cached match sets, per generation
IDF_CACHE = 50_000  # terms whose idf the snippet ranker asked for, per generation
PRIME_STEMS = 30_000  # most frequent words whose roots are computed when a reader warms


class WhooshReader(Reader):
    def __init__(self, gen: Path, manifest: dict, ix, settings: Settings):
        self.gen, self.manifest, self.ix, self.settings = gen, manifest, ix, settings
        self.generation = f"{gen.name}/{ix.latest_generation()}"
        self.searcher = ix.searcher(weighting=weighting(settings))
        self.table = FacetTable.load(self.searcher.reader())
        self.scorer: BulkScorer | None = None  # made on the first ranked query
        self._matches: Cache[frozenset[int]] = Cache(MATCH_CACHE, weigh=len, name="match sets")
        self._idf: Cache[float] = Cache(IDF_CACHE, name="snippet idf")
        self._echoes: tuple | None = None  # (file stamp, EchoView)
        self._stories: tuple | None = None  # (file stamp, StoryView)
        self._story_of_doc: tuple | None = None  # (StoryView, [story index or -1 per docnum], ids)

    def close(self) -> None:
        self.searcher.close()

    def up_to_date(self) -> bool:
        return self.searcher.up_to_date()

    def warm(self, stem: Callable[[str], str]) -> None:
        """Load what the first ranked query would (field lengths), and stem the commonest
        words of the index once, so the highlighter finds their roots cached. Measured on
        IndoSum with every word primed: the median uncached search 14.4 -> 11.3 ms."""
        scorer = self._scorer()
        scorer.warm("body")
        scorer.warm("exact")
        reader = self.searcher.reader()
        try:
            for _, word in reader.most_frequent_terms("exact", PRIME_STEMS):
                stem(word.decode("utf-8") if isinstance(word, bytes) else word)
        except Exception:  # an index without the field: nothing to prime
            pass

    # -- the seam ---------------------------------------------------------------------------
    def search(self, plan: Plan) -> Hits:
        matched = self.table.live if plan.query is None else self._match(plan.query)
        if plan.story:
            matched = matched & self._story_docs(plan.story)
        kept, per_facet = facets.restrict(self.table, matched, plan)
        if plan.collapse == "story":
            label = self._doc_stories()
            top = self._top(plan, kept, label)
            return Hits(len(kept), top, facets.counts(self.table, plan, per_facet),
                        stories=len({label[d] if label[d] >= 0 else -1 - d for d in kept}))
        top = self._top(plan, kept)
        return Hits(len(kept), top, facets.counts(self.table, plan, per_facet))

    def articles(self, keys: Iterable[Hashable]) -> list[Article]:
        return [article_from_stored(self.searcher.stored_fields(d)) for d in keys]

    def article(self, article_id: str) -> Article:
        doc = self.searcher.document_number(id=article_id)
        if doc is None:
            raise NotFound(f"No article with id '{article_id}' in this archive.",
                           key="not_found", id=article_id)
        return article_from_stored(self.searcher.stored_fields(doc))

    def echoes(self, article_id: str) -> dict[int, list[Echo]]:
        """The generation's echoes file is read once, and again only when an update rewrites it."""
        try:
            s = os.stat(self.gen / ECHOES_FILE)
            stamp = (s.st_ino, s.st_mtime_ns)
        except FileNotFoundError:
            stamp = None
        if self._echoes is None or self._echoes[0] != stamp:
            self._echoes = (stamp, EchoView.load(self.gen, self.searcher.reader().generation()))
        return self._echoes[1].for_article(article_id)

    def _story_view(self) -> StoryView:
        """The generation's stories file, read once, and again when an update rewrites it."""
        try:
            s = os.stat(self.gen / STORIES_FILE)
            stamp = (s.st_ino, s.st_mtime_ns)
        except FileNotFoundError:
            stamp = None
        if self._stories is None or self._stories[0] != stamp:
            self._stories = (stamp, StoryView.load(self.gen, self.searcher.reader().generation()))
        return self._stories[1]

    def stories(self, article_ids: Iterable[str]) -> dict[str, Story]:
        view = self._story_view()
        return {aid: s for aid in article_ids if (s := view.story_of(aid)) is not None}

    def story(self, story_id: str) -> Story | None:
        return self._story_view().story(story_id)

    def quotes(self, terms: frozenset[str], speaker: str = "", page: int = 1, per_page: int = 20) -> QuotePage:
        return self._story_view().book.search(terms, speaker, page, per_page)

    def article_quotes(self, article_id: str) -> dict[int, list[QuoteMark]]:
        return self._story_view().book.for_article(article_id)

    def _doc_stories(self) -> list[int]:
        """Per document number, the index of its story (-1: none), read once per stories file:
        the article ids come from the `id` field's terms, one document each."""
        view = self._story_view()
        if self._story_of_doc is None or self._story_of_doc[0] is not view:
            reader = self.searcher.reader()
            labels = [-1] * reader.doc_count_all()
            index: dict[str, int] = {}
            for term in reader.lexicon("id"):
                aid = term.decode("utf-8") if isinstance(term, bytes) else term
                story = view.story_of(aid)
                if story is not None:  # (a replaced article's old document is deleted)
                    for doc in reader.postings("id", term).all_ids():
                        if not reader.is_deleted(doc):
                            labels[doc] = index.setdefault(story.id, len(index))
            self._story_of_doc = (view, labels, index)
        return self._story_of_doc[1]

    def _story_docs(self, story_id: str) -> frozenset[int]:
        self._doc_stories()
        index = self._story_of_doc[2].get(story_id)
        labels = self._story_of_doc[1]
        return frozenset(d for d, s in enumerate(labels) if s == index) if index is not None else frozenset()

    def idf(self) -> Callable[[str], float]:
        n, df, cache = max(1, self.searcher.doc_count()), self.searcher.doc_frequency, self._idf

        def idf(term: str) -> float:
            return cache.get_or(term, lambda: bm25.idf(n, df("body", term)))

        return idf

    def stats(self) -> dict:
        t = self.table
        return {
            "generation": self.gen.name,
            "schema_version": self.manifest.get("schema_version"),
            "built_at": self.manifest.get("built_at"),
            "updated_at": self.manifest.get("updated_at"),
            "articles": len(t.live),
            "outlets": len(t.index["outlet"]),
            "dated": len(t.dates),
            "first_date": min(t.dates.values(), default=None),
            "last_date": max(t.dates.values(), default=None),
            "terms": sum(1 for _ in self.searcher.reader().lexicon("body")),
        }

    # -- steps --------------------------------------------------------------------------------
    def _scorer(self) -> BulkScorer:
        if self.scorer is None:
            self.scorer = BulkScorer(self.searcher, self.settings)
        return self.scorer

    def _match(self, node) -> frozenset[int]:
        """Every live document the query matches; cached by the query."""
        found = self._matches.get(node)
        if found is None:
            found = frozenset(match_docs(self.searcher, to_whoosh(node), self.table.live))
            self._matches.put(node, found)
        return found

    def _top(self, plan: Plan, kept: set[int], label: list[int] | None = None) -> list[tuple[float, int]]:
        """(score, docnum) of the first `plan.limit` documents of `kept` in the plan's order.
        Relevance: bulk BM25 when the query allows it, else Whoosh's own scoring (prefixes,
        wildcards) with the same weighting, `kept` as its filter. Dates: the table's orders.
        With `label` (a story index per document), only the first document of each story."""
        if not kept:
            return []
        first = _first_of_story(label, plan.limit)
        if plan.sort == "relevance" and plan.query is not None:
            q = to_whoosh(plan.query)
            scores = self._scorer().score(q, kept, plan.answer)
            if scores is not None:
                if label is None:
                    return best(scores, plan.limit)
                return first(sorted(((s, d) for d, s in scores.items()), key=lambda x: (-x[0], x[1])))
            if _only_negative(q):
                q = wq.And([wq.Every(), q])
            limit = plan.limit if label is None else None
            results = self.searcher.search(q, limit=limit, filter=set(kept), terms=False)
            return first([(score, doc) for score, doc in results.top_n])
        order = self.table.oldest if plan.sort == "oldest" else self.table.newest
        return first((0.0, doc) for doc in order if doc in kept)


def _first_of_story(label: list[int] | None, limit: int):
    """A function taking ranked (score, docnum) and keeping the first `limit`, one per story
    when `label` is given (documents without a story are each their own)."""
    def first(ranked) -> list[tuple[float, int]]:
        out, seen = [], set()
        for score, doc in ranked:
            if label is not None:
                key = label[doc] if label[doc] >= 0 else -1 - doc
                if key in seen:
                    continue
                seen.add(key)
            out.append((score, doc))
            if len(out) >= limit:
                break
        return out

    return first


def article_from_stored(stored: dict) -> Article:
    data = json.loads(stored["article"])
    data.pop("removed", None)
    return Article(**data)


def _only_negative(q: wq.Query) -> bool:
    if isinstance(q, wq.Not):
        return True
    if isinstance(q, wq.And):
        return all(isinstance(c, wq.Not) for c in q.subqueries)
    return False
