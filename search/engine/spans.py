"""Word spans in one document, shared by every engine's proximity operators (`a w/5 b`,
`a SEPARAGRAF b`, phrases with slop): each engine reads the positions its own way
(search.engine.whoosh.near, search.engine.postgres.near) and asks these rules. A span is the
(first, last) position of an occurrence; a part of a query without positions is None and does
not narrow. Paragraph k holds positions k << PARA_SHIFT onwards (search.text.analysis).
"""
from __future__ import annotations

from collections.abc import Sequence

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
