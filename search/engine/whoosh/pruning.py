"""Top-k pruning of a ranked OR: which matches can still be among the best k (MaxScore, Turtle
and Flood 1995, clause at a time), so that common words are never scored for all their postings.

Each clause has an upper bound: its words' BM25 at their highest frequency in the shortest
document holding them (from the term statistics, no posting read; BulkScorer._bound). The
clauses are taken highest bound first (rare words, short lists) and scored in full, each
document's sum kept. After each, the k-th best of those sums (with the coordination bonus of
the clauses each document matched) is a floor: every score only grows with the clauses not yet
added. Once the bounds of the clauses left (with their bonuses and the answer mark's) cannot
lift a document holding none of the clauses taken to that floor, the rest are not scored in
full: only documents already seen are candidates, those whose sum plus the bounds left reach
the floor. The clauses left are then added one at a time, highest bound first, by looking up
the candidates only; after each the floor rises and candidates that can no longer reach it go.

The best k among the candidates are the best k among all matches, with the same scores: the
candidates are scored again in full by BulkScorer.bm25. Bounds and floors are compared with a
margin of 1e-9 for the rounding of sums taken in another order. Measured on the 12-word
question at 100k articles (k = proximity_top = 100): the seed-first version scored a seed of
1,127 documents for every clause and took 5,287 candidates to the final scoring; this one
scores the four rarer clauses in full, then harga for 16,956 candidates (in full: its 30,879
postings are fewer than partial_ratio times those), terhadap for 1,275 and indonesia for 146,
and takes 100 to the final scoring.
"""
from __future__ import annotations

import heapq

from whoosh import query as wq

from search.text import answers

MARGIN = 1e-9


def candidates(scorer, q: wq.Query, docs, answer: str | None, k: int) -> set[int] | None:
    """The documents of `docs` that can be among the best `k` of the ranked OR `q`, or None
    when q is not one or nothing can be left out. `scorer` is the BulkScorer (its bounds and
    per-clause scores)."""
    from search.engine.whoosh.scoring import POSITIONS_FIELD, _supported

    if not isinstance(q, wq.Or) or not _supported(q) or len(q.subqueries) < 2:
        return None
    clauses = list(q.subqueries)
    bounds = [scorer._bound(c) for c in clauses]
    if None in bounds:
        return None
    count, scale = len(clauses), getattr(q, "scale", None)
    # score = (sum of clause scores + (clauses matched - 1) * bonus) * shrink + answer mark
    bonus, shrink = (1 / (count - scale) ** 2, (count - 1) / count) if scale else (0.0, 1.0)
    mark = 0.0
    if answer and scorer.s.answer_weight:
        mark = scorer.s.answer_weight * scorer._term_bound(answers.FIELD, answer, POSITIONS_FIELD)
    order = sorted(range(count), key=lambda i: -bounds[i])
    acc: dict[int, float] = {}  # document -> its clause scores so far, plus a bonus for each

    def lift(left: list[int]) -> float:
        """The most the clauses `left` add to a sum in `acc` (a bonus each, and the mark)."""
        return sum(bounds[i] for i in left) + len(left) * bonus + mark / shrink

    floor = None  # in units of acc: the k-th best sum of a document of `docs`
    taken = 0
    while taken < count:
        # A document in none of the clauses taken scores at most lift(left) - bonus, and the
        # k-th best at least floor - bonus. The k-th best of all sums bounds the floor: only
        # when it is above the lift is the floor itself found (among `docs`).
        if taken and len(acc) >= k:
            need = lift(order[taken:]) * (1 + MARGIN)
            if heapq.nlargest(k, acc.values())[-1] > need:
                floor = kth(acc, docs, k)
                if floor is not None and need < floor:
                    break
        for d, v in scorer._scores(clauses[order[taken]]).items():
            acc[d] = acc.get(d, 0.0) + v + bonus
        taken += 1
        floor = None
    if floor is None:
        floor = kth(acc, docs, k)
        if floor is None:
            return None  # fewer than k matches
    left = order[taken:]
    reach = floor * (1 - MARGIN) - lift(left)
    cand = {d for d, v in acc.items() if v >= reach and d in docs}
    for n, i in enumerate(left):  # the rest, by look-ups for the candidates only
        table = scorer._scores(clauses[i], cand)
        for d in cand:
            v = table.get(d)
            if v is not None:
                acc[d] += v + bonus
        floor = max(floor, kth({d: acc[d] for d in cand}, cand, k) or floor)
        reach = floor * (1 - MARGIN) - lift(left[n + 1:])
        cand = {d for d in cand if acc[d] >= reach}
    return cand


def kth(acc: dict[int, float], docs, k: int) -> float | None:
    """The k-th highest value of `acc` among the documents of `docs` (None: fewer than k).
    The 2k highest values are found among the bare floats first (C comparisons)."""
    if len(acc) < k:
        return None
    wide = heapq.nlargest(2 * k, acc.values())[-1]
    top = sorted((v for d, v in acc.items() if v >= wide and d in docs), reverse=True)
    if len(top) < k:  # a filter leaves out most of the best: look at them all
        top = sorted((v for d, v in acc.items() if d in docs), reverse=True)
    return top[k - 1] if len(top) >= k else None
