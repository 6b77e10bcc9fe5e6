"""BM25's parts that every engine shares, so that rankings agree across engines.

Kliping ranks with BM25 (B and K1 in search.settings) and the Robertson-Sparck Jones idf kept
positive, as Lucene's BM25 does; the snippet ranker weighs a paragraph's words by the same idf.
Measured on bench/eval_ir.py (MRR@10 facqa-dev / tydiqa-id): Whoosh's default idf
log(N/(df+1))+1 gave 0.8097 / 0.6830, this one 0.8112 / 0.6919 (same B and K1).
"""
from __future__ import annotations

from math import log


def idf(n: int, df: int) -> float:
    """Robertson-Sparck Jones idf of a term in `df` of `n` documents, kept positive."""
    return log(1 + (n - df + 0.5) / (df + 0.5))


def term_score(idf_: float, tf: float, length: float, avg_length: float, k1: float, b: float) -> float:
    """One term's BM25 in one document (the formula the bulk scorers unroll)."""
    return idf_ * (tf * (k1 + 1)) / (tf + k1 * (1 - b + b * length / avg_length))


#: Field lengths as Whoosh stores them, in one byte: entry i is round((1.033^i - 1) * 27)
#: (whoosh.util.numeric's table; tests/engine/postgres checks it against Whoosh's own).
_STORED = [int(round((1.033 ** i - 1) * 27)) for i in range(256)]


def stored_length(length: int) -> int:
    """A field length as the Whoosh engine's BM25 sees it: the smallest stored length at least
    `length` (Whoosh's length_to_byte, then byte_to_length), so that engines rank alike."""
    from bisect import bisect_left

    return _STORED[min(bisect_left(_STORED, length), 255)]
