"""Short speaker names read across the archive: "Novel" is "Novel Baswedan" when that is the
only full name it can be.

An article that names someone only by one name ("kata Novel") leaves the quote with that name
(search.stories.speakers never invents one). Across the archive, the same person then shows twice
in the speaker facet. `full_names` maps such a one-word name to the full name of the archive's
speakers that starts or ends with it ("Novel" -> "Novel Baswedan", "Trump" -> "Donald Trump"):
- a full name is a person's name as search.stories.speakers reads it: two to five capitalised
  words that can be parts of a name (no office, organisation, place or function word of its
  lists, no acronym: "Direktur Utama Persija" and "Mabes Polri" are not people);
- full names nested in each other ("Amran Sulaiman", "Andi Amran Sulaiman") are one person, named
  by the one quoted in the most articles, which must be MIN_ARTICLES or more (a full name of one
  article may be an extraction slip);
- two full names that are not ("Anies Baswedan", "Anies Rasyid Baswedan"; "Novel Baswedan",
  "Novel Bamukmin") leave the short name as written.
"""
from __future__ import annotations

from collections import Counter, defaultdict

from search.stories.speakers import name_in, words_of
from search.stories.speakerwords import FUNCTION, INSTITUTIONS, ORG_HEADS, TITLES

MAX_WORDS = 5
MIN_ARTICLES = 2  # a full name given in one article only may be an extraction slip ("Apple Pay")
_NOT_NAMES = TITLES | ORG_HEADS | FUNCTION | INSTITUTIONS


def _name_word(word: str) -> bool:
    """A word that can be part of a name: capitalised, not an acronym, and not an office, an
    organisation or place word or a function word."""
    return word[:1].isupper() and not word.isupper() and word.casefold() not in _NOT_NAMES


def _person(name: str) -> bool:
    words = name.split()
    return 2 <= len(words) <= MAX_WORDS and all(map(_name_word, words)) and name_in(words_of(name)) == name


def _within(short: tuple[str, ...], long_: tuple[str, ...]) -> bool:
    n = len(short)
    return any(long_[i:i + n] == short for i in range(len(long_) - n + 1))


def full_names(counts: Counter) -> dict[str, str]:
    """{casefolded one-word speaker name: full name} for the speakers of `counts` (name -> the
    articles quoting them) that stand for exactly one full name (see the module docstring)."""
    full: dict[tuple[str, ...], str] = {}
    for name in sorted(counts, key=lambda s: (-counts[s], s)):  # the commonest spelling first
        if _person(name):
            full.setdefault(tuple(name.casefold().split()), name)
    by_end: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for key in full:
        by_end[key[0]].append(key)
        if key[-1] != key[0]:
            by_end[key[-1]].append(key)
    out = {}
    for name in counts:
        if " " in name or not _name_word(name) or name_in([name]) != name:
            continue
        low = name.casefold()
        cands = [k for k in by_end.get(low, ()) if k[0] == low or k[-1] == low]
        if not cands:
            continue
        best = max(cands, key=lambda k: (counts[full[k]], len(k), k))
        if counts[full[best]] >= MIN_ARTICLES and all(_within(k, best) or _within(best, k) for k in cands):
            out[low] = full[best]
    return out
