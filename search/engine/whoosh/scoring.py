"""BM25 over whole posting blocks, instead of one Whoosh matcher call per posting.

It reproduces Whoosh's BM25F with the model of `weighting()` (B, K1, the Robertson-Sparck Jones
idf of IDF and Whoosh's encoded field lengths), its phrase scores (the sum of the words' scores)
and the coordination bonus of `Or(..., scale=s)`, so rankings match Whoosh's at a fraction of
the cost. Its knobs are in search.settings (b, k1, proximity, proximity_top, coverage_power,
answer_weight, answer_nearness, partial_ratio) and the idf in search.engine.bm25. B, K1 and the
idf were tuned on bench/eval_ir.py (Kliping stemmer, MRR@10 facqa-dev /
tydiqa-id): Whoosh's defaults (B=0.75, K1=1.2, idf log(N/(df+1))+1) 0.8097 / 0.6830; this idf,
which sets rare words further above common ones, 0.8112 / 0.6919; B=0.6, K1=0.9 0.8154 / 0.6917.

One deliberate difference: Whoosh 2.7.4's DisjunctionMaxMatcher takes the max of its two
children's *current* scores even when one child sits on another document, so synonym
expansions (`PBB` OR the phrase `Perserikatan Bangsa-Bangsa`) got arbitrary scores. Here a
disjunction-max scores each document by its best alternative, and the coordination bonus counts
each top-level clause once, however many synonyms it holds.

Patterns (prefixes, wildcards) come expanded into the words they stand for
(search.engine.whoosh.matching.expand), scored as alternatives: each document by its best word.
Queries outside this return None and Whoosh scores them.

With a `Budget` (search.engine.base), alternatives and clauses not yet scored when the time is
spent are left out, and so is the proximity bonus: plainer scores, none of them cached.

On top of BM25, the best `proximity_top` documents of a query of several words get a
term-proximity bonus (Büttcher, Clarke and Lushman 2006, "BM25TP"): each pair of neighbouring
occurrences of two different query words adds to each word's accumulator the other word's idf
over their distance squared, and each accumulator is saturated like a term frequency. Nearness
only counts in proportion to how much of the query's weight the document holds (idf coverage to
the power `coverage_power`), so two common words side by side (`luas wilayah`) do not lift a page
that lacks the rare word (`Myanmar`). Positions are read from the `body` postings of those
documents only. Measured (MRR@10 facqa-dev / tydiqa-id): without 0.8154 / 0.6917, with 0.8182 /
0.6923; ungated, the bonus cost tydiqa-id 0.002-0.009.

A question that asks `kapan` or `berapa` (search.answers) adds its answer-type mark: scored as
one more word, times `answer_weight` (never deciding a match), and as one more word in the
proximity bonus, its idf times `answer_nearness`. Measured (bench/eval_ir.py --tune, MRR@10
facqa-dev / tydiqa-id): without 0.8191 / 0.6926; with both at 1, 0.8195 / 0.6949; at 3 and 2,
0.8205 / 0.6956; at 4 and 4, 0.8207 / 0.6954 (a plateau from 2 to 4).
"""
from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left

from whoosh import query as wq
from whoosh import scoring as ws

from search.cache import Cache
from search.engine import proximity
from search.engine.base import Budget
from search.engine.bm25 import idf as _idf
from search.engine.whoosh import pruning
from search.engine.whoosh.matching import match_docs, postings_for, term_positions, term_postings
from search.settings import DEFAULT, Settings
from search.text import answers

POSITIONS_FIELD = "body"
SCORE_CACHE = 200_000  # (document, score) pairs kept across queries, per index generation
TF_CACHE = 300_000  # (document, frequency) pairs of common words looked up for some documents
LOOKUP_RATIO = 8  # a word with this many times more postings than the documents asked about
# finds them by bisection in its list (at 55,000 postings: 0.3 ms for 1,000 documents against
# 2.1 ms for the dict of its list; even at 1 in 7)


class BulkScorer:
    """Per-searcher state: field lengths of every document (loaded once per field), and
    per-clause scores (a bounded cache, weighed by documents scored)."""

    def __init__(self, searcher, settings: Settings = DEFAULT, lengths: dict | None = None,
                 live: frozenset[int] | None = None):
        self.searcher, self.reader, self.s = searcher, searcher.reader(), settings
        self.n = self.reader.doc_count_all()
        self.live = live  # the live documents, if known (else every document number, when asked)
        self._lengths: dict[str, tuple[array, float]] = dict(lengths or {})  # given: loaded, not derived
        self._cache: Cache[dict[int, float]] = Cache(SCORE_CACHE, weigh=len, name="clause scores")
        self._tf: Cache[dict[int, float]] = Cache(TF_CACHE, weigh=len, name="term frequencies by document")

    def warm(self, field: str) -> None:
        self._field(field)

    def lengths(self) -> dict[str, tuple[array, float]]:
        """field -> (length of each document, average length), as loaded so far."""
        return dict(self._lengths)

    def rebound(self, searcher) -> BulkScorer:
        """The same scorer over another searcher of the same index commit (new file handles):
        field lengths and clause scores are kept."""
        new = BulkScorer.__new__(BulkScorer)
        new.__dict__.update(self.__dict__)
        new.searcher, new.reader = searcher, searcher.reader()
        return new

    def _field(self, field: str) -> tuple[array, float]:
        found = self._lengths.get(field)
        if found is None:
            dfl = self.reader.doc_field_length
            found = self._lengths[field] = (array("f", (dfl(d, field, 1) or 0 for d in range(self.n))),
                                            self.searcher.avg_field_length(field) or 1)
        return found

    def score(self, q: wq.Query, docs, answer: str | None = None,
              budget: Budget | None = None, k: int | None = None) -> dict[int, float] | None:
        """Scores of `docs` (which all match q), or None if q has parts this cannot score:
        BM25, plus the proximity bonus for the best of them. `answer` is the answer type a
        question asks for (search.text.answers): its mark is scored as one more word
        (answer_weight) and counts in the proximity bonus, but never decides which documents
        match. With `k`, only documents that can still be among the best k are scored (see
        `candidates`): the best k come out the same, with the same scores."""
        s = self.s
        if k is not None and 0 <= s.prune_min < len(docs):
            docs = self.candidates(q, docs, answer, max(k, s.proximity_top if s.proximity else 0)) or docs
        out = self.bm25(q, docs, budget)
        if out and budget is not None and budget.spent():
            return out
        if out and answer and s.answer_weight:
            for d, v in self._term(answers.FIELD, answer, docs, POSITIONS_FIELD).items():
                out[d] += s.answer_weight * v
        if out and s.proximity:
            words = _proximity_words(q)
            if len(words) + bool(answer and s.answer_nearness) > 1:  # two terms to be near each other
                top = [d for _, d in best(out, s.proximity_top)]
                for d, bonus in self.proximity(words, top, answer).items():
                    out[d] += s.proximity * bonus
        return out

    def bm25(self, q: wq.Query, docs, budget: Budget | None = None) -> dict[int, float] | None:
        """BM25F scores of `docs`, equal to Whoosh's under `weighting()`, or None. The
        coordination bonus counts the clauses with postings in the index, as Whoosh's does
        (whether or not they match any of `docs`), so scoring part of the matches gives
        each the score it has among all of them. Clauses left out once the `budget` is spent
        score nothing."""
        if not _supported(q):
            return None
        if isinstance(q, wq.Not):
            return dict.fromkeys(docs, 1.0)  # Whoosh's constant for a pure negation
        clauses = list(q.subqueries) if isinstance(q, (wq.And, wq.Or)) else [q]
        if isinstance(q, wq.AndNot):
            clauses = [q.a]
        constant = float(sum(isinstance(c, wq.Not) for c in clauses))
        positives = [c for c in clauses if not isinstance(c, wq.Not)]
        tables = []
        for c in positives:
            spent = tables and budget is not None and budget.spent()
            tables.append({} if spent else self._scores(c, docs, budget))
        present_tables = [t for t in tables if t]
        scale = getattr(q, "scale", None) if isinstance(q, wq.Or) else None
        count = sum(1 for c, t in zip(positives, tables) if t or self._postings(c))
        if count == 1 and len(present_tables) == 1 and not constant:  # one word (most queries)
            get = present_tables[0].get
            return {d: get(d, 0.0) for d in docs}
        out = {}
        for d in docs:
            total, matching = constant, 0
            for table in present_tables:
                v = table.get(d)
                if v is not None:
                    total += v
                    matching += 1
            if scale and count > 1:
                total = (total + (matching - 1) / (count - scale) ** 2) * ((count - 1) / count)
            out[d] = total
        return out

    def _scores(self, q: wq.Query, docs=None, budget: Budget | None = None) -> dict[int, float]:
        """doc -> score for every document matching a positive clause; cached per searcher.
        With `docs`, a word (or a word with its exact twin or synonyms) far more frequent than
        the documents asked about (`indonesia` in `bank indonesia`) is scored for those
        documents only, and not cached. Alternatives left out for the `budget` make a table
        that is not cached either."""
        key = (type(q).__name__, repr(q))
        found = self._cache.get(key)
        if found is not None:
            return found
        if getattr(q, "kliping_filter", False):  # a filter (media:, tanggal:) scores nothing
            return {d: 0.0 for d in q.docs}
        if docs is not None and isinstance(q, (wq.Term, wq.Or, wq.DisjunctionMax)) and \
                self._postings(q) > len(docs) * self.s.partial_ratio:
            return self._partial(q, docs)
        if isinstance(q, wq.Term):
            found = self._term(q.fieldname, q.text)
        elif isinstance(q, wq.Phrase):
            matched = match_docs(self.searcher, q, self.live if self.live is not None else frozenset(range(self.n)))
            words = [self._term(q.fieldname, w, matched) for w in q.words]  # for its documents only
            found = {d: sum(w[d] for w in words) for d in matched}
            if q.boost != 1.0:  # a variant longer than the form typed (ast.Phrase.weight)
                found = {d: v * q.boost for d, v in found.items()}
        elif isinstance(q, wq.DisjunctionMax):
            found = {}
            for c in q.subqueries:
                if found and budget is not None and budget.spent():
                    break
                for d, v in self._scores(c, None, budget).items():
                    if v > found.get(d, -1.0):
                        found[d] = v
        elif isinstance(q, wq.Or):
            found = {}
            for c in q.subqueries:
                if found and budget is not None and budget.spent():
                    break
                table = self._scores(c, None, budget)
                if not found:  # the first: a copy (0.0 + v is v)
                    found = dict(table)
                    continue
                for d, v in table.items():
                    found[d] = found.get(d, 0.0) + v
        elif isinstance(q, (wq.And, wq.AndNot)):
            positives = [c for c in (q.subqueries if isinstance(q, wq.And) else [q.a]) if not isinstance(c, wq.Not)]
            tables = sorted((self._scores(c, None, budget) for c in positives), key=len)
            found = {d: sum(t[d] for t in tables) for d in tables[0] if all(d in t for t in tables[1:])}
        else:  # not reached: _supported() guards
            raise TypeError(type(q).__name__)
        if budget is not None and budget.partial:
            return found
        return self._cache.put(key, found)

    def _postings(self, q: wq.Query) -> int:
        """Postings of a word, or of the words of an OR or a disjunction-max of words (0 for
        anything else: never scored partially)."""
        if isinstance(q, wq.Term):
            return self.reader.doc_frequency(q.fieldname, q.text)
        if isinstance(q, (wq.Or, wq.DisjunctionMax)) and all(isinstance(c, wq.Term) for c in q.subqueries):
            return sum(self._postings(c) for c in q.subqueries)
        return 0

    def _partial(self, q: wq.Query, docs) -> dict[int, float]:
        """`_scores` of a word, an OR or a disjunction-max of words, for `docs` only: the same
        sums and maxima in the same order, so the same floats."""
        if isinstance(q, wq.Term):
            return self._term(q.fieldname, q.text, docs)
        found: dict[int, float] = {}
        if isinstance(q, wq.DisjunctionMax):
            for c in q.subqueries:
                for d, v in self._term(c.fieldname, c.text, docs).items():
                    if v > found.get(d, -1.0):
                        found[d] = v
        else:
            for c in q.subqueries:
                for d, v in self._term(c.fieldname, c.text, docs).items():
                    found[d] = found.get(d, 0.0) + v
        return found

    # -- top-k pruning (search.engine.whoosh.pruning) ---------------------------------------------
    def candidates(self, q: wq.Query, docs, answer: str | None, k: int) -> set[int] | None:
        """The documents of `docs` that can be among the best `k` of a ranked OR, or None when
        q is not one or fewer than k match (search.engine.whoosh.pruning)."""
        return pruning.candidates(self, q, docs, answer, k)

    def _bound(self, q: wq.Query) -> float | None:
        """The highest score a clause can give one document (None: unknown)."""
        if isinstance(q, wq.Term):
            return self._term_bound(q.fieldname, q.text)
        if isinstance(q, wq.Phrase):
            return sum(self._term_bound(q.fieldname, w) for w in q.words) * q.boost
        parts = [self._bound(c) for c in q.subqueries] if isinstance(q, (wq.Or, wq.And, wq.DisjunctionMax)) else [None]
        if None in parts:
            return None
        return max(parts, default=0.0) if isinstance(q, wq.DisjunctionMax) else sum(parts)

    def _term_bound(self, field: str, text: str, length_field: str | None = None) -> float:
        """BM25 of a word at its highest weight in the shortest document holding it (lengths
        as stored, which are what scoring reads: a lower stored length bound is below every
        document's)."""
        try:
            ti = self.reader.term_info(field, text)
        except Exception:  # not in the index
            return 0.0
        tf = ti.max_weight()
        minlen = ti.min_length() if length_field is None else 0
        _, avgfl = self._field(length_field or field)
        k1, b = self.s.k1, self.s.b
        idf = _idf(self.n, self.reader.doc_frequency(field, text))
        return idf * (tf * (k1 + 1)) / (tf + k1 * (1 - b) + k1 * b / avgfl * (minlen or 0))

    def proximity(self, words: list[str], docs, answer: str | None = None) -> dict[int, float]:
        """doc -> proximity bonus of `words` (distinct terms of the positions field) in `docs`,
        weighted by the document's idf coverage of the words. An `answer` mark near the words
        counts as one more word, with its idf times answer_nearness, but not in the coverage."""
        field, dfreq, s = POSITIONS_FIELD, self.reader.doc_frequency, self.s
        terms = [(field, w, 1.0) for w in words]
        if answer and s.answer_nearness:
            terms.append((answers.FIELD, answer, s.answer_nearness))
        if len(terms) < 2:
            return {}
        idf = [_idf(self.n, dfreq(f, w)) * weight for f, w, weight in terms]
        occurrences: dict[int, list[tuple[int, int]]] = {}
        for i, (f, w, _) in enumerate(terms):
            for d, positions in term_positions(self.reader, f, w, docs).items():
                occurrences.setdefault(d, []).extend((p, i) for p in positions)
        lengths, avgfl = self._field(field)
        counted = len(words)  # the answer mark, last, is not part of the coverage
        return proximity.bonus(occurrences, idf, counted, lengths, avgfl, s)

    def _term(self, field: str, text: str, docs=None, length_field: str | None = None) -> dict[int, float]:
        """doc -> BM25 of one term, for every posting or only for `docs`; lengths are those of
        `length_field` if given (an answer mark is scored against its document's body)."""
        df = self.reader.doc_frequency(field, text)  # (its postings, deleted documents included)
        idf = _idf(self.n, df)
        lengths, avgfl = self._field(length_field or field)
        k1, b = self.s.k1, self.s.b
        k0, norm, top = k1 * (1 - b), k1 * b / avgfl, k1 + 1  # bm25.term_score, unrolled
        if docs is not None and len(docs) * LOOKUP_RATIO <= df:  # few: each found by bisection
            docs = docs if isinstance(docs, (set, frozenset)) else set(docs)
            ids, tfs = postings_for(self.reader, field, text, docs)  # (only their blocks, if not read)
            out, at, end = {}, 0, len(ids)
            for d in sorted(docs):
                at = bisect_left(ids, d, at)
                if at == end:
                    break
                if ids[at] == d:
                    tf = tfs[at]
                    out[d] = idf * (tf * top) / (tf + k0 + norm * lengths[d])
            return out
        ids, tfs = term_postings(self.reader, field, text)
        if docs is not None:  # a dict from C-level zip, then Python arithmetic for docs only
            tf_of = self._tf.get_or((field, text), lambda: dict(zip(ids, tfs)))
            return {d: idf * (tf * top) / (tf + k0 + norm * lengths[d])
                    for d in docs if (tf := tf_of.get(d)) is not None}
        return {d: idf * (tf * top) / (tf + k0 + norm * lengths[d]) for d, tf in zip(ids, tfs)}


def best(scores: dict[int, float], n: int) -> list[tuple[float, int]]:
    """The `n` highest (score, docnum), ties to the lower docnum. The n-th highest score is
    found among the bare floats first (C comparisons), so only the few documents at or above
    it are sorted: 1.2 instead of 7.3 ms for 20,000 scores with a key function."""
    if not scores or n <= 0:
        return []
    floor = heapq.nlargest(n, scores.values())[-1]
    top = sorted((d for d, v in scores.items() if v >= floor), key=lambda d: (-scores[d], d))[:n]
    return [(scores[d], d) for d in top]


class _Model(ws.BM25F):
    def idf(self, searcher, fieldname, text):
        return _idf(searcher.doc_count_all(), searcher.doc_frequency(fieldname, text))


def weighting(settings: Settings = DEFAULT) -> ws.WeightingModel:
    """Whoosh's BM25F with the settings' B, K1 and Kliping's idf: what `bm25` reproduces."""
    return _Model(B=settings.b, K1=settings.k1)


def _proximity_words(q: wq.Query) -> list[str]:
    """The words whose nearness counts: the positional term of each top-level clause (a word,
    or the first form of its exact twin or expansion)."""
    words: dict[str, None] = {}
    for c in q.subqueries if isinstance(q, (wq.And, wq.Or)) else ():
        while isinstance(c, (wq.Or, wq.DisjunctionMax)) and c.subqueries:
            c = c.subqueries[0]
        if isinstance(c, wq.Term) and c.fieldname == POSITIONS_FIELD:
            words[c.text] = None
    return list(words)


def _supported(q: wq.Query, top: bool = True) -> bool:
    """Terms, phrases, AND/OR/disjunction-max of those (a scaled OR only at the top), NOT,
    filters (search.engine.whoosh.near.DocSet)."""
    if getattr(q, "kliping_filter", False):
        return True
    if isinstance(q, wq.Phrase):
        return True  # its boost: ast.Phrase.weight, scored as Whoosh's WrappingMatcher does
    if isinstance(q, wq.Term):
        return q.boost == 1.0
    if isinstance(q, wq.Not):
        return True
    if isinstance(q, wq.AndNot):
        return _supported(q.a, False) and _supported(q.b, False)
    if isinstance(q, wq.And):
        return q.boost == 1.0 and any(not isinstance(c, wq.Not) for c in q.subqueries) and \
            all(_supported(c, False) for c in q.subqueries)
    if isinstance(q, (wq.Or, wq.DisjunctionMax)):
        if q.boost != 1.0 or getattr(q, "minmatch", 0) or (getattr(q, "scale", None) and not top):
            return False
        if isinstance(q, wq.DisjunctionMax) and q.tiebreak:
            return False
        return all(_supported(c, False) and not isinstance(c, wq.Not) for c in q.subqueries)
    return False
