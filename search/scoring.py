"""BM25 for bags of words, computed over whole posting blocks instead of one matcher call per
posting.

It reproduces Whoosh's own BM25F (B=0.75, K1=1.2, Whoosh's idf and its encoded field lengths)
and the coordination bonus of `Or(..., scale=s)`, so rankings are the same as Whoosh's, only
several times cheaper. Queries it does not cover (phrases, wildcards) return None, and the
caller lets Whoosh score them.
"""
from __future__ import annotations

from array import array
from math import log

from whoosh import query as wq

from .matching import term_postings

B, K1 = 0.75, 1.2


class BulkScorer:
    """Per-searcher state: field lengths of every document, loaded once."""

    def __init__(self, searcher, field: str = "body"):
        reader = searcher.reader()
        self.searcher, self.reader, self.field = searcher, reader, field
        self.n = reader.doc_count_all()
        dfl = reader.doc_field_length
        self.lengths = array("f", (dfl(d, field, 1) for d in range(self.n)))
        self.avgfl = searcher.avg_field_length(field) or 1
        self._postings: dict[str, dict[int, float]] = {}

    def _term(self, text: str) -> dict[int, float]:
        """doc -> BM25 score of one term; cached for this searcher."""
        scores = self._postings.get(text)
        if scores is None:
            ids, tfs = term_postings(self.reader, self.field, text, weights=True)
            idf = log(self.n / (self.reader.doc_frequency(self.field, text) + 1)) + 1
            lengths, norm = self.lengths, K1 / self.avgfl
            k0 = K1 * (1 - B)
            scores = {d: idf * (tf * (K1 + 1)) / (tf + k0 + norm * B * lengths[d]) for d, tf in zip(ids, tfs)}
            if len(self._postings) > 512:
                self._postings.clear()
            self._postings[text] = scores
        return scores

    def score(self, q: wq.Query, docs) -> dict[int, float] | None:
        """Scores of `docs` (which all match q) under q, or None if q is not a bag of words."""
        if not _supported(q, self.field):
            return None
        scale = getattr(q, "scale", None) if isinstance(q, wq.Or) else None
        # Whoosh scores each NOT under an AND as a constant 1.0; keep the same numbers.
        if isinstance(q, wq.Not):
            constant = 1.0
        elif isinstance(q, wq.And):
            constant = float(sum(isinstance(c, wq.Not) for c in q.subqueries))
        else:
            constant = 0.0
        terms = _positive_terms(q)
        tables = [self._term(t) for t in terms]
        present = [t for t in tables if t]
        out = {}
        if scale:
            count = len(present)  # Whoosh counts the terms found in the index
            factor = (count - 1) / count if count else 0
            denom = (count - scale) ** 2 if count else 1
        for d in docs:
            total, matching = constant, 0
            for table in present:
                v = table.get(d)
                if v is not None:
                    total += v
                    matching += 1
            if scale and count > 1:
                total = (total + (matching - 1) / denom) * factor
            out[d] = total
        return out


def _positive_terms(q: wq.Query) -> list[str]:
    if isinstance(q, wq.Term):
        return [q.text]
    if isinstance(q, wq.Not):
        return []
    if isinstance(q, wq.AndNot):
        return _positive_terms(q.a)
    out: list[str] = []
    for c in q.subqueries:
        out += _positive_terms(c)
    return out


def _supported(q: wq.Query, field: str, top: bool = True) -> bool:
    """Terms, AND/OR of terms (a scaled OR only at the top), NOT anywhere under an AND."""
    if isinstance(q, wq.Term):
        return q.fieldname == field and q.boost == 1.0
    if isinstance(q, wq.Not):
        return True
    if isinstance(q, wq.AndNot):
        return _supported(q.a, field, False) and _supported(q.b, field, False)
    if isinstance(q, wq.And):
        return q.boost == 1.0 and all(_supported(c, field, False) for c in q.subqueries) and \
            any(not isinstance(c, wq.Not) for c in q.subqueries)
    if isinstance(q, wq.Or):
        if q.boost != 1.0 or getattr(q, "minmatch", 0) or (getattr(q, "scale", None) and not top):
            return False
        return all(_supported(c, field, False) and not isinstance(c, wq.Not) for c in q.subqueries)
    return False
