"""The one bounded cache policy of Kliping: every cache is a `Cache`, bounded by entries or by
a weight (bytes, postings), with least-recently-used entries going first.

The policy is two generations, which costs a plain dict look-up on a hit (the stemmer asks its
cache once per word indexed): new entries go to the hot generation; a hit in the cold one is
moved back to the hot one; when the hot generation reaches half the bound, the cold one is
dropped and the hot one becomes cold. So a cache never holds more than its bound, and whatever
was used within the last half-bound of insertions is still there.

Caches whose content depends on an index generation live in that generation's state (see
`search.query.archive`), so a new generation starts with empty ones and the old ones are freed
with it. README.md lists every cache and its bound.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")
_MISSING = object()


class Cache(Generic[V]):
    """A bounded map. `limit` bounds the total weight; `weigh(value)` is 1 per entry unless
    given (e.g. `len` to weigh a list of postings by its length)."""

    __slots__ = ("name", "limit", "weigh", "hot", "cold", "_hot_weight", "_cold_weight",
                 "hits", "misses", "evictions")

    def __init__(self, limit: int, weigh: Callable[[V], int] | None = None, name: str = ""):
        if limit < 2:
            raise ValueError("a cache's limit must be at least 2")
        self.name, self.limit, self.weigh = name, limit, weigh
        self.hot: dict[Hashable, V] = {}
        self.cold: dict[Hashable, V] = {}
        self._hot_weight = self._cold_weight = 0
        self.hits = self.misses = self.evictions = 0

    def get(self, key: Hashable, default=None):
        value = self.hot.get(key, _MISSING)
        if value is not _MISSING:
            self.hits += 1
            return value
        value = self.cold.pop(key, _MISSING)
        if value is _MISSING:
            self.misses += 1
            return default
        self.hits += 1
        w = self.weigh(value) if self.weigh else 1
        self._cold_weight -= w
        self._insert(key, value, w)
        return value

    def put(self, key: Hashable, value: V) -> V:
        """Remember `value` (a value heavier than half the bound is not kept); returns it."""
        w = self.weigh(value) if self.weigh else 1
        old = self.hot.pop(key, _MISSING)
        if old is not _MISSING:
            self._hot_weight -= self.weigh(old) if self.weigh else 1
        elif key in self.cold:
            self._cold_weight -= self.weigh(self.cold.pop(key)) if self.weigh else 1
        if 2 * w <= self.limit:
            self._insert(key, value, w)
        return value

    def _insert(self, key: Hashable, value: V, w: int) -> None:
        if 2 * (self._hot_weight + w) > self.limit:
            self.evictions += len(self.cold)
            self.cold, self.hot = self.hot, {}
            self._cold_weight, self._hot_weight = self._hot_weight, 0
        self.hot[key] = value
        self._hot_weight += w

    def get_or(self, key: Hashable, make: Callable[[], V]) -> V:
        """The cached value, or `make()` remembered."""
        value = self.get(key, _MISSING)
        return self.put(key, make()) if value is _MISSING else value

    def clear(self) -> None:
        self.hot.clear()
        self.cold.clear()
        self._hot_weight = self._cold_weight = 0

    def __len__(self) -> int:
        return len(self.hot) + len(self.cold)

    def __contains__(self, key: Hashable) -> bool:
        return key in self.hot or key in self.cold

    @property
    def weight(self) -> int:
        return self._hot_weight + self._cold_weight

    def stats(self) -> dict:
        return {"name": self.name, "entries": len(self), "weight": self.weight, "limit": self.limit,
                "hits": self.hits, "misses": self.misses, "evictions": self.evictions}


def memoize(limit: int, name: str = ""):
    """A function's results in a `Cache` of `limit` entries, keyed by its (hashable) arguments:
    the same policy for the small pure helpers (probes of a highlight, encoded query-string
    pairs) as for everything else. The cache is the wrapper's `cache` attribute."""
    def wrap(fn):
        cache: Cache = Cache(limit, name=name or fn.__qualname__)

        def wrapper(*args):
            found = cache.hot.get(args, _MISSING)
            if found is _MISSING:
                found = cache.get(args, _MISSING)
                if found is _MISSING:
                    found = cache.put(args, fn(*args))
            return found

        wrapper.cache = cache
        wrapper.__wrapped__ = fn
        wrapper.__doc__, wrapper.__name__, wrapper.__qualname__ = fn.__doc__, fn.__name__, fn.__qualname__
        return wrapper
    return wrap
