"""One generation of a Whoosh index, read: the Whoosh engine's side of the seam's `Reader`.

A `WhooshReader` holds the searcher (opened without mmap), the facet table and the per-generation
caches: match sets (weighed by their size), clause scores (search.engine.whoosh.scoring), the
echoes file and term rarity. A new generation, or an update committed in place, gets a new
reader, so its caches start empty and the old ones go with the old reader.

`search(plan)`: the query with its patterns expanded within the limits (at most
`Limits.expansions` words a pattern; search.engine.whoosh.matching.expand), the match set by set
algebra over posting lists, the filters as set operations (search.engine.whoosh.facets), the top
`limit` by bulk BM25 (search.engine.whoosh.scoring) or by date, and the disjunctive facet
counts. The plan's `Budget` is handed to matching and scoring; what it left out is not cached.
"""
from __future__ import annotations

import json
import os
import threading
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path

import whoosh
from whoosh import query as wq

from search.cache import Cache
from search.engine import bm25
from search.engine.base import Hits, ParagraphHits, Plan, Reader, coverage_of
from search.engine.whoosh import facets, paragraphs, sharing, store
from search.engine.whoosh.facets import FacetTable
from search.engine.whoosh.matching import capped_patterns, expand, holding, match_docs
from search.engine.whoosh.scoring import BulkScorer, best, weighting
from search.engine.whoosh.translate import cover_twins, to_whoosh
from search.errors import NotFound
from search.models import Article, Coverage, Echo, QuoteMark, QuotePage, Story
from search.query import ast
from search.query.fields import value_matches
from search.settings import Settings
from search.stories.echoes import EchoView
from search.stories.storybook import FILE as STORIES_FILE
from search.stories.storybook import StoryView
from search.text.analysis import analyzer
from search.text.spelling import Lexicon

MATCH_CACHE = 200_000  # document numbers kept across cached match sets, per generation
IDF_CACHE = 50_000  # terms whose idf the snippet ranker asked for, per generation
EXPANSION_CACHE = 256  # queries with their patterns expanded, per generation
PRIME_STEMS = 30_000  # most frequent words whose roots are computed when a reader warms
LENGTH_FIELDS = ("body", "exact")  # fields whose lengths BM25 reads


class WhooshReader(Reader):
    def __init__(self, gen: Path, manifest: dict, ix, settings: Settings):
        self.gen, self.manifest, self.ix, self.settings = gen, manifest, ix, settings
        self.generation = f"{gen.name}/{ix.latest_generation()}"
        self.searcher = ix.searcher(weighting=weighting(settings))
        state = sharing.derived(gen, self.searcher.reader().generation(), self._derive)
        self.table = state["table"]
        self._lengths = state["lengths"]
        self.scorer: BulkScorer | None = None  # made on the first ranked query
        self._matches: Cache[frozenset[int]] = Cache(MATCH_CACHE, weigh=len, name="match sets")
        self._idf: Cache[float] = Cache(IDF_CACHE, name="snippet idf")
        self._expanded: Cache[wq.Query] = Cache(EXPANSION_CACHE, name="expanded queries")
        self._echoes: EchoView | None = None
        self._stories: StoryView | None = None
        self._story_of_doc: tuple | None = None  # (file stat, [story index or -1 per docnum], ids)
        self._lexicon: Lexicon | None = None  # written words by letter pairs, made when first asked
        self._lexicon_lock = threading.Lock()

    def _derive(self) -> dict:
        """What every process reading this commit derives from it (shared: engine.whoosh.sharing)."""
        scorer = BulkScorer(self.searcher, self.settings)
        for field in LENGTH_FIELDS:
            scorer.warm(field)
        return {"table": FacetTable.load(self.searcher.reader()), "lengths": scorer.lengths()}

    def close(self) -> None:
        self.searcher.close()

    def reopened(self) -> WhooshReader:
        """This generation read through new file handles, keeping what was derived from it
        (facet table, field lengths, echoes, term rarity). A forked child calls it: it must not
        seek in the files it shares with its parent. Caches tied to Whoosh's reader objects
        (posting lists, phrases) start empty."""
        from search.engine.whoosh import store

        ix = store.open_index(self.gen, mmap=False)
        if ix.latest_generation() != self.ix.latest_generation():  # committed meanwhile: start over
            return WhooshReader(self.gen, self.manifest, ix, self.settings)
        new = object.__new__(WhooshReader)
        new.__dict__.update(self.__dict__)
        new.ix, new.searcher = ix, ix.searcher(weighting=weighting(self.settings))
        new._matches = Cache(MATCH_CACHE, weigh=len, name="match sets")
        if self.scorer is not None:
            new.scorer = self.scorer.rebound(new.searcher)
        return new

    def up_to_date(self) -> bool:
        return self.searcher.up_to_date()

    def warm(self, stem: Callable[[str], str]) -> None:
        """Load what the first ranked query would (field lengths), and stem the commonest
        words of the index once, so the highlighter finds their roots cached (measured on
        IndoSum with every word primed: the median uncached search 14.4 -> 11.3 ms), and index
        the written words for did-you-mean."""
        scorer = self._scorer()
        for field in LENGTH_FIELDS:
            scorer.warm(field)
        self._words()  # did-you-mean's lexicon, so no visitor waits for it
        reader = self.searcher.reader()
        try:
            for _, word in reader.most_frequent_terms("exact", PRIME_STEMS):
                stem(word.decode("utf-8") if isinstance(word, bytes) else word)
        except Exception:  # an index without the field: nothing to prime
            pass

    # -- the seam ---------------------------------------------------------------------------
    def search(self, plan: Plan) -> Hits:
        with holding():  # each posting list read once in this search (engine.whoosh.matching)
            return self._search(plan)

    def _search(self, plan: Plan) -> Hits:
        q = None if plan.query is None else self._query(plan.query)
        matched = self.table.live if q is None else self._match(plan.query, q, plan.budget)
        if plan.story:
            matched = matched & self._story_docs(plan.story)
        kept, per_facet = facets.restrict(self.table, matched, plan)
        label = self._doc_stories() if plan.collapse == "story" else None
        top = self._top(plan, q, kept, label)
        rests: dict = {}  # the live documents outside a set of matches, found once for every facet
        days = facets.count(self.table, "date", kept, rests) if plan.histogram else None
        return Hits(len(kept), top, facets.counts(self.table, plan, per_facet, rests), days,
                    partial=plan.budget is not None and plan.budget.partial,
                    capped=tuple(capped_patterns(q)) if q is not None else (),
                    stories=None if label is None else len({label[d] if label[d] >= 0 else -1 - d for d in kept}))

    def similar_words(self, word: str, max_distance: int, limit: int,
                      min_freq: int = 1) -> list[tuple[str, int, int]]:
        return self._words().similar(word, max_distance, limit, min_freq)

    def word_frequency(self, word: str) -> int:
        lexicon = self._words()
        if word in lexicon.ids:  # in memory: no look-up in the term file
            return lexicon.frequency(word)
        return self.searcher.doc_frequency(ast.EXACT, word)

    def paragraph_hits(self, keys: list[Hashable], titled: list[bool], terms: frozenset[str],
                       phrases: tuple[tuple[str, ...], ...]) -> list[ParagraphHits]:
        return paragraphs.paragraph_hits(self.searcher.reader(), list(keys), titled, terms, phrases)

    def _words(self) -> Lexicon:
        """The `exact` field's words, indexed once per generation (about 0.3 s and 2 MB for
        IndoSum's 44,000 words)."""
        with self._lexicon_lock:
            if self._lexicon is None:
                def items():
                    for text, info in self.searcher.reader().iter_field(ast.EXACT):
                        yield (text.decode("utf-8") if isinstance(text, bytes) else text), info.doc_frequency()
                self._lexicon = Lexicon(items())
            return self._lexicon

    def articles(self, keys: Iterable[Hashable]) -> list[Article]:
        return [article_from_stored(self.searcher.stored_fields(d)) for d in keys]

    def article(self, article_id: str) -> Article:
        doc = self.searcher.document_number(id=article_id)
        if doc is None:
            raise NotFound(f"No article with id '{article_id}' in this archive.",
                           key="not_found", id=article_id)
        return article_from_stored(self.searcher.stored_fields(doc))

    def echoes(self, article_id: str) -> dict[int, list[Echo]]:
        """One row of the generation's echo store, if it describes this reader's index commit."""
        if self._echoes is None:
            self._echoes = EchoView.load(self.gen, self.searcher.reader().generation())
        return self._echoes.for_article(article_id)

    def _story_view(self) -> StoryView:
        """The generation's stories and quotes (search.stories.storystore), read a row at a time."""
        if self._stories is None:
            self._stories = StoryView.load(self.gen, self.searcher.reader().generation())
        return self._stories

    def stories(self, article_ids: Iterable[str]) -> dict[str, Story]:
        view = self._story_view()
        return view.stories_of(article_ids)

    def story(self, story_id: str) -> Story | None:
        return self._story_view().story(story_id)

    def quotes(self, terms: frozenset[str], speaker: str = "", page: int = 1, per_page: int = 20) -> QuotePage:
        return self._story_view().book.search(terms, speaker, page, per_page)

    def article_quotes(self, article_id: str) -> dict[int, list[QuoteMark]]:
        return self._story_view().book.for_article(article_id)

    def _doc_stories(self) -> list[int]:
        """Per document number, the index of its story (-1: none), read once per change of the
        stories file: the article ids come from the facet table (search.engine.whoosh.facets)."""
        try:
            st = os.stat(self.gen / STORIES_FILE)
            stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
        except FileNotFoundError:
            stamp = None
        if self._story_of_doc is None or self._story_of_doc[0] != stamp:
            story_ids = self._story_view().story_ids()
            labels = [-1] * len(self.table.ids)
            index: dict[str, int] = {}
            for doc, aid in enumerate(self.table.ids):  # (None: a deleted document)
                sid = story_ids.get(aid) if aid is not None else None
                if sid is not None:
                    labels[doc] = index.setdefault(sid, len(index))
            self._story_of_doc = (stamp, labels, index)
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

    def count(self) -> int:
        return len(self.table.live)

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

    def coverage(self) -> Coverage:
        """From the facet table (counts per outlet and month, paragraphs per outlet), and the
        manifest read afresh: an add or a remove rewrites it in place."""
        t = self.table
        articles = Counter({o: len(docs) for o, docs in t.index["outlet"].items()})
        if len(t.live) > sum(articles.values()):
            articles[None] = len(t.live) - sum(articles.values())
        months = Counter({m: len(docs) for m, docs in t.index["month"].items()})
        dates = (min(t.dates.values(), default=None), max(t.dates.values(), default=None))
        manifest = store.read_manifest(self.gen)
        versions = {"index_version": manifest.get("schema_version"), "stemmer": analyzer(self.settings).version,
                    "engine": f"whoosh {whoosh.versionstring()}"}
        return coverage_of(len(t.live), articles, t.paragraphs, months, dates, manifest, versions)

    # -- steps --------------------------------------------------------------------------------
    def _scorer(self) -> BulkScorer:
        if self.scorer is None:
            self.scorer = BulkScorer(self.searcher, self.settings, self._lengths, self.table.live)
        return self.scorer

    def _query(self, node):
        """The Whoosh query of a node, its patterns expanded (search.engine.whoosh.matching)."""
        return self._expanded.get_or(node, lambda: expand(
            self.searcher.reader(), cover_twins(to_whoosh(node, self._filter_docs), analyzer(self.settings).stem),
            self.settings.limits))

    def _match(self, node, q, budget=None) -> frozenset[int]:
        """Every live document the query matches (fewer when the budget ran out); cached by the
        query when complete."""
        found = self._matches.get(node)
        if found is None:
            found = frozenset(match_docs(self.searcher, q, self.table.live, budget))
            if budget is None or not budget.partial:
                self._matches.put(node, found)
        return found

    def _filter_docs(self, node) -> frozenset[int]:
        """The documents of a filter node (Field, DateRange), from the facet table."""
        t = self.table
        if type(node) is ast.DateRange:
            return frozenset(t.in_range(node.lo, node.hi))
        out: set[int] = set()
        for value, docs in t.index.get(node.name, {}).items():
            if value_matches(node.value, value):
                out |= docs
        return frozenset(out & t.live)

    def _top(self, plan: Plan, q, kept: set[int], label: list[int] | None = None) -> list[tuple[float, int]]:
        """(score, docnum) of the first `plan.limit` documents of `kept` in the plan's order.
        Relevance: bulk BM25 when the query allows it, else Whoosh's own scoring (prefixes,
        wildcards) with the same weighting, `kept` as its filter. Dates: the table's orders.
        With `label` (a story index per document), only the first document of each story."""
        if not kept:
            return []
        first = _first_of_story(label, plan.limit)
        if plan.sort == "relevance" and q is not None:
            # collapsed, the best `limit` stories may need more than `limit` documents: all scored
            scores = self._scorer().score(q, kept, plan.answer, plan.budget,
                                          k=plan.limit if label is None else None)
            if scores is not None:
                n = plan.limit if label is None else len(scores)
                if plan.prefer:
                    ranked = tiered(scores, [self._match(p, self._query(p)) for p in plan.prefer], n)
                else:
                    ranked = best(scores, n)
                return ranked if label is None else first(ranked)
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


def tiered(scores: dict[int, float], preferred: list[frozenset[int]], n: int) -> list[tuple[float, int]]:
    """The `n` best (score, docnum): first by how many of the preferred sets hold the
    document, then by score, ties to the lower docnum."""
    tiers: dict[int, dict[int, float]] = {}
    for d, v in scores.items():
        tiers.setdefault(sum(d in s for s in preferred), {})[d] = v
    out: list[tuple[float, int]] = []
    for t in sorted(tiers, reverse=True):
        out += best(tiers[t], n - len(out))
        if len(out) >= n:
            break
    return out


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
