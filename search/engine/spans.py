"""Word spans in one document, shared by every engine's proximity operators (`a w/5 b`,
`a SEPARAGRAF b`, phrases with slop): each engine reads the positions its own way
(search.engine.whoosh.near, search.engine.postgres.near) and asks these rules. A span is the
(first, last) position of an occurrence; a part of a query without positions is None and does
not narrow. Paragraph k holds positions k << PARA_SHIFT onwards (search.text.analysis).
`paragraph_hits` tells the snippets which paragraphs of a result hold its terms and phrases.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from search.engine.base import ParagraphHits
from search.text.analysis import PARA_SHIFT

Span = tuple[int, int]


def phrase(lists: Sequence[Sequence[int]], slop: int) -> list[Span]:
    """(first, last) of each occurrence of the words in order, given each word's positions,
    each word within `slop` of the one before (1: side by side)."""
    found = []
    for start in lists[0]:
        at = start
        for positions in lists[1:]:
            nxt = [p for p in positions if at < p <= at + slop]
            if not nxt:
                break
            at = nxt[0]
        else:
            found.append((start, at))
    return found


def near(parts: Sequence[list[Span] | None], distance: int) -> bool:
    """Each part within `distance` positions of the next."""
    known = [s for s in parts if s is not None]
    return all(_near(a, b, distance) for a, b in zip(known, known[1:]))


def same_paragraph(parts: Sequence[list[Span] | None]) -> bool:
    """Every part in one paragraph."""
    common = None
    for s in parts:
        if s is None:
            continue
        paragraphs = {a >> PARA_SHIFT for a, _ in s} | {b >> PARA_SHIFT for _, b in s}
        common = paragraphs if common is None else common & paragraphs
        if not common:
            return False
    return True


def _near(a: list[Span], b: list[Span], distance: int) -> bool:
    b = sorted(b)
    for s1, e1 in a:
        for s2, e2 in b:
            if s2 - e1 > distance:
                break
            gap = s2 - e1 if s2 > e1 else (s1 - e2 if s1 > e2 else 0)
            if gap <= distance:
                return True
    return False


def paragraph_hits(positions: Mapping[str, Sequence[int]], titled: bool, terms: Iterable[str],
                   phrases: Iterable[tuple[str, ...]]) -> ParagraphHits:
    """Reader.paragraph_hits for one document, from the body positions of its terms and its
    phrases' words (ascending): the paragraph of each term and of each side-by-side
    occurrence of a phrase, numbered as the article's (its title, if it has one, is 0)."""
    shift = 0 if titled else 1
    roots: dict[int, set[str]] = {}
    hits: Counter[int] = Counter()
    for t in terms:
        for p in positions.get(t, ()):
            roots.setdefault((p >> PARA_SHIFT) + shift, set()).add(t)
    for words in phrases:
        lists = [positions.get(w, ()) for w in words]
        if all(lists):
            for first, _ in phrase(lists, 1):
                n = (first >> PARA_SHIFT) + shift
                roots.setdefault(n, set()).update(words)
                hits[n] += 1
    return {n: (frozenset(roots[n]), hits[n]) for n in sorted(roots)}
