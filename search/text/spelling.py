"""Words near a misspelled one: the lexicon look-up behind fuzzy words (`sanski~`) and
did-you-mean (search.query.suggest). Engine-neutral: an engine hands its written words and
their document frequencies to a `Lexicon` (the Whoosh reader does, once per generation).

Distance is the optimal-string-alignment edit distance (Damerau-Levenshtein without
overlapping edits): an insertion, a deletion, a substitution or a swap of two neighbouring
letters each count one, so `sanski` is one edit from `sanksi`. Candidates are found by padded
letter pairs: an edit changes at most two of a word's pairs, and a swap three, so a word within
`d` edits (one of them a swap) shares at least (pairs - 2d - 1) of them; of those, the
MEASURED sharing the most are measured.
"""
from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable

MAX_LENGTH = 30  # longer words are not looked up (nor offered)
MEASURED = 2000  # candidates whose distance is computed, most shared pairs first


def distance(a: str, b: str, limit: int = 2) -> int:
    """The optimal-string-alignment distance of a and b, or limit + 1 when it is larger."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    if a == b:
        return 0
    prev2: list[int] | None = None
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        best = i
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if prev2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
            best = min(best, v)
        if best > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1] if prev[-1] <= limit else limit + 1


def _pairs(word: str) -> set[str]:
    w = f"^{word}$"
    return {w[i:i + 2] for i in range(len(w) - 1)}


class Lexicon:
    """Written words with their document frequencies, indexed by letter pairs."""

    def __init__(self, items: Iterable[tuple[str, int]]):
        self.words: list[str] = []
        self.freq = array("I")
        index: dict[str, array] = {}
        for word, df in items:
            if not (2 <= len(word) <= MAX_LENGTH) or not word.isalpha():
                continue
            i = len(self.words)
            self.words.append(word)
            self.freq.append(df)
            for p in _pairs(word):
                ids = index.get(p)
                if ids is None:
                    ids = index[p] = array("I")
                ids.append(i)
        self.index = index
        self.ids = {w: i for i, w in enumerate(self.words)}

    def frequency(self, word: str) -> int:
        i = self.ids.get(word)
        return self.freq[i] if i is not None else 0

    def similar(self, word: str, max_distance: int = 2, limit: int = 20,
                min_freq: int = 1) -> list[tuple[str, int, int]]:
        """(word, distance, document frequency) of the lexicon's words within `max_distance`
        edits of `word` (itself excluded), nearest first; at one distance, the commonest typos
        first (two letters swapped, then a letter left out, then one mistyped, then one too
        many), then the most frequent."""
        word = word.lower()
        if not word or len(word) > MAX_LENGTH:
            return []
        pairs = _pairs(word)
        need = max(1, len(pairs) - 2 * max_distance - 1)
        counts = Counter()
        for p in pairs:
            ids = self.index.get(p)
            if ids is not None:
                counts.update(ids)
        out = []
        words, freq = self.words, self.freq
        for i, shared in counts.most_common(MEASURED):
            if shared < need:
                break
            if freq[i] < min_freq:
                continue
            w = words[i]
            if w == word or abs(len(w) - len(word)) > max_distance:
                continue
            d = distance(word, w, max_distance)
            if d <= max_distance:
                out.append((w, d, freq[i]))
        out.sort(key=lambda t: (t[1], _typo(word, t[0]), -t[2], t[0]))
        return [(w, d, n) for w, d, n in out[:limit]]


def _typo(typed: str, word: str) -> int:
    """How common the typo from `word` to `typed` is: 0 a swap, 1 a letter left out, 2 one
    mistyped, 3 one too many (the order of the usual typing errors)."""
    if len(typed) == len(word):
        diff = [i for i, (a, b) in enumerate(zip(typed, word)) if a != b]
        return 0 if len(diff) == 2 and diff[1] == diff[0] + 1 and typed[diff[0]] == word[diff[1]] else 2
    return 1 if len(word) > len(typed) else 3
