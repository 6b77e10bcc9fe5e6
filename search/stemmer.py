"""The Indonesian stemmer behind the analyzer: `stem(word)` for one lowercased word.

This is the seam the analysis issue improves. Today it is PyStemmer's Snowball `indonesian`
algorithm with a per-process cache.
"""
from __future__ import annotations

import Stemmer

_snowball = Stemmer.Stemmer("indonesian")
_cache: dict[str, str] = {}


def snowball(word: str) -> str:
    """Plain Snowball, the reference baseline (what Elasticsearch's `indonesian` gives)."""
    return _snowball.stemWord(word)


def stem(word: str) -> str:
    """Root of one lowercased word. Cached: call it freely."""
    root = _cache.get(word)
    if root is None:
        root = _cache[word] = _snowball.stemWord(word)
    return root
