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

Queries outside this (prefixes, wildcards) return None and Whoosh scores them.

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

from whoosh import query as wq
from whoosh import scoring as ws

from search.cache import Cache
from search.engine.bm25 import idf as _idf
from search.engine.whoosh.matching import match_docs, term_positions, term_postings
from search.settings import DEFAULT, Settings
from search.text import answers

POSITIONS_FIELD = "body"
SCORE_CACHE = 200_000  # (document, score) pairs kept across queries, per index generation


class BulkScorer:
    """Per-searcher state: field lengths of every document (loaded once per field), and
    per-clause scores (a bounded cache, weighed by documents scored)."""

    def __init__(self, searcher, settings: Settings = DEFAULT):
        self.searcher, self.reader, self.s = searcher, searcher.reader(), settings
        self.n = self.reader.doc_count_all()
        self._lengths: dict[str, tuple[array, float]] = {}
        self._cache: Cache[dict[int, float]] = Cache(SCORE_CACHE, weigh=len, name="clause scores")

    def warm(self, field: str) -> None:
        self._field(field)

    def _field(self, field: str) -> tuple[array, float]:
        found = self._lengths.get(field)
        if found is None:
            dfl = self.reader.doc_field_length
            found = self._lengths[field] = (array("f", (dfl(d, field, 1) or 0 for d in range(self.n))),
                                            self.searcher.avg_field_length(field) or 1)
        return found

    def score(self, q: wq.Query, docs, answer: str | None = None) -> dict[int, float] | None:
        """Scores of `docs` (which all match q), or None if q has parts this cannot score:
        BM25, plus the proximity bonus for the best of them. `answer` is the answer type a
        question asks for (search.text.answers): its mark is scored as one more word
        (answer_weight) and counts in the proximity bonus, but never decides which documents
        match."""
        s = self.s
        out = self.bm25(q, docs)
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

    def bm25(self, q: wq.Query, docs) -> dict[int, float] | None:
        """BM25F scores of `docs`, equal to Whoosh's under `weighting()`, or None."""
        if not _supported(q):
            return None
        if isinstance(q, wq.Not):
            return dict.fromkeys(docs, 1.0)  # Whoosh's constant for a pure negation
        clauses = list(q.subqueries) if isinstance(q, (wq.And, wq.Or)) else [q]
        if isinstance(q, wq.AndNot):
            clauses = [q.a]
        constant = float(sum(isinstance(c, wq.Not) for c in clauses))
        tables = [self._scores(c, docs) for c in clauses if not isinstance(c, wq.Not)]
        present = [t for t in tables if t]
        scale = getattr(q, "scale", None) if isinstance(q, wq.Or) else None
        count = len(present)
        if count == 1 and not constant:  # one word (most queries): its table, read per doc
            get = present[0].get
            return {d: get(d, 0.0) for d in docs}
        out = {}
        for d in docs:
            total, matching = constant, 0
            for table in present:
                v = table.get(d)
                if v is not None:
                    total += v
                    matching += 1
            if scale and count > 1:
                total = (total + (matching - 1) / (count - scale) ** 2) * ((count - 1) / count)
            out[d] = total
        return out

    def _scores(self, q: wq.Query, docs=None) -> dict[int, float]:
        """doc -> score for every document matching a positive clause; cached per searcher.
        With `docs`, a word far more frequent than the documents asked about (`indonesia` in
        `bank indonesia`) is scored for those documents only, and not cached."""
        key = (type(q).__name__, repr(q))
        found = self._cache.get(key)
        if found is not None:
            return found
        if getattr(q, "kliping_filter", False):  # a filter (media:, tanggal:) scores nothing
            return {d: 0.0 for d in q.docs}
        if isinstance(q, wq.Term) and docs is not None and \
                len(term_postings(self.reader, q.fieldname, q.text)[0]) > len(docs) * self.s.partial_ratio:
            return self._term(q.fieldname, q.text, docs)
        if isinstance(q, wq.Term):
            found = self._term(q.fieldname, q.text)
        elif isinstance(q, wq.Phrase):
            words = [self._term(q.fieldname, w) for w in q.words]
            live = frozenset(range(self.n))
            found = {d: sum(w[d] for w in words) for d in match_docs(self.searcher, q, live)}
        elif isinstance(q, wq.DisjunctionMax):
            found = {}
            for c in q.subqueries:
                for d, v in self._scores(c).items():
                    if v > found.get(d, -1.0):
                        found[d] = v
        elif isinstance(q, wq.Or):
            found = {}
            for c in q.subqueries:
                for d, v in self._scores(c).items():
                    found[d] = found.get(d, 0.0) + v
        elif isinstance(q, (wq.And, wq.AndNot)):
            positives = [c for c in (q.subqueries if isinstance(q, wq.And) else [q.a]) if not isinstance(c, wq.Not)]
            tables = sorted((self._scores(c) for c in positives), key=len)
            found = {d: sum(t[d] for t in tables) for d in tables[0] if all(d in t for t in tables[1:])}
        else:  # not reached: _supported() guards
            raise TypeError(type(q).__name__)
        return self._cache.put(key, found)

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
        whole = sum(idf[:counted])
        out = {}
        for d, occ in occurrences.items():
            occ.sort()
            acc, held = [0.0] * len(terms), [False] * counted
            for _, i in occ:
                if i < counted:
                    held[i] = True
            for (p, i), (p2, j) in zip(occ, occ[1:]):
                if i != j and p != p2:  # a number asked about is its own mark, not a neighbour
                    acc[i] += idf[j] / (p2 - p) ** 2
                    acc[j] += idf[i] / (p2 - p) ** 2
            k = s.k1 * (1 - s.b + s.b * lengths[d] / avgfl)
            bonus = sum(a * (s.k1 + 1) / (a + k) for a in acc if a)
            if bonus:
                coverage = sum(x for x, h in zip(idf, held) if h) / whole if whole else 0.0
                out[d] = bonus * coverage ** s.coverage_power
        return out

    def _term(self, field: str, text: str, docs=None, length_field: str | None = None) -> dict[int, float]:
        """doc -> BM25 of one term, for every posting or only for `docs`; lengths are those of
        `length_field` if given (an answer mark is scored against its document's body)."""
        ids, tfs = term_postings(self.reader, field, text)
        idf = _idf(self.n, self.reader.doc_frequency(field, text))
        lengths, avgfl = self._field(length_field or field)
        k1, b = self.s.k1, self.s.b
        k0, norm, top = k1 * (1 - b), k1 * b / avgfl, k1 + 1  # bm25.term_score, unrolled
        if docs is not None:  # a dict from C-level zip, then Python arithmetic for docs only
            tf_of = dict(zip(ids, tfs))
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
    if isinstance(q, (wq.Term, wq.Phrase)):
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
