"""The term-proximity bonus (BM25TP) of the best documents, from their terms' positions, shared
by every engine; each reads the positions its own way (search.engine.whoosh.scoring's
BulkScorer.proximity, where the method and its measurements are described, and the PostgreSQL
reader). Each pair of neighbouring occurrences of two different terms adds to each term's
accumulator the other's idf over their distance squared; accumulators saturate like a term
frequency; the sum is weighted by the document's idf coverage of the query words (to the power
`coverage_power`). The last terms past `counted` (a question's answer mark) count as neighbours
but not in the coverage.
"""
from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

from search.settings import Settings


def bonus(occurrences: dict[Hashable, list[tuple[int, int]]], idf: list[float], counted: int,
          lengths: Mapping[Hashable, float] | Sequence[float], avg_length: float,
          s: Settings) -> dict[Hashable, float]:
    """doc -> bonus, given doc -> [(position, term index)] (sorted here, in place), each term's
    (weighted) idf, and the documents' lengths (by key, or by document number)."""
    whole = sum(idf[:counted])
    out = {}
    for d, occ in occurrences.items():
        occ.sort()
        acc, held = [0.0] * len(idf), [False] * counted
        for _, i in occ:
            if i < counted:
                held[i] = True
        for (p, i), (p2, j) in zip(occ, occ[1:]):
            if i != j and p != p2:  # a number asked about is its own mark, not a neighbour
                acc[i] += idf[j] / (p2 - p) ** 2
                acc[j] += idf[i] / (p2 - p) ** 2
        k = s.k1 * (1 - s.b + s.b * lengths[d] / avg_length)
        value = sum(a * (s.k1 + 1) / (a + k) for a in acc if a)
        if value:
            coverage = sum(x for x, h in zip(idf, held) if h) / whole if whole else 0.0
            out[d] = value * coverage ** s.coverage_power
    return out
