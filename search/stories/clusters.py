"""Story clusters: the articles of different outlets that carry the same story.

Two articles are joined when
- they share an echo (a passage judged the same by search.stories.echoes and formulaic) and
  were published within STORY_DAYS of each other; with a date unknown, when they share
  STRONG_ECHOES passages or more (one common passage can be background, several are one story);
- or both have a headline, the headlines share TITLE_SHARED terms or more with a Jaccard of
  TITLE_SIMILARITY, and they were published within STORY_DAYS.
A story is a connected group of joined articles. Every article has a story (alone, it is a
story of one), so results can be collapsed to one per story; its id is stable while its earliest
article stays: "s" and a digest of that article's id.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from datetime import date

from search.models import Story

STORY_DAYS = 3
STRONG_ECHOES = 2
TITLE_SHARED = 3
TITLE_SIMILARITY = 0.5
COMMON_TITLES = 500  # a headline term held by more headlines proposes no pair


def _day(iso: str | None) -> int | None:
    try:
        return date.fromisoformat(iso[:10]).toordinal() if iso else None
    except ValueError:
        return None


def near(meta: Mapping[str, tuple], a: str, b: str) -> bool | None:
    """Published within STORY_DAYS of each other; None when a date is unknown."""
    da, db = _day(meta[a][1]), _day(meta[b][1])
    return None if da is None or db is None else abs(da - db) <= STORY_DAYS


def titles_join(ta: frozenset[str], tb: frozenset[str], close: bool | None) -> bool:
    inter = len(ta & tb)
    return inter >= TITLE_SHARED and inter / len(ta | tb) >= TITLE_SIMILARITY and bool(close)


def cluster(meta: Mapping[str, tuple], echoes: Mapping[str, Mapping[int, list]] | Iterable[tuple],
            titles: Mapping[str, frozenset[str]], common: Callable[[str], bool] | None = None) -> dict[str, Story]:
    """{article id: its Story} for every article of `meta` (id -> (outlet, date, title)), from
    the echoes ({id: {n: [(other id, m, similarity)]}}, or its items streamed) and the
    headlines' term sets. A headline term held by more than COMMON_TITLES headlines (`common`,
    counted over `titles` unless given) proposes no pair."""
    parent = {aid: aid for aid in meta}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    # Echo pairs published close together join at once; only those of an unknown date wait
    # for their count of shared passages (so the pairs are never all held at once).
    undated: dict[tuple[str, str], set[int]] = {}
    for aid, paras in echoes.items() if isinstance(echoes, Mapping) else echoes:
        if aid not in parent:
            continue
        for n, lst in paras.items():
            for oid, *_ in lst:
                if aid < oid and oid in parent:
                    close = near(meta, aid, oid)
                    if close:
                        parent[find(aid)] = find(oid)
                    elif close is None:
                        undated.setdefault((aid, oid), set()).add(n)
    for (a, b), ns in undated.items():
        if len(ns) >= STRONG_ECHOES:
            parent[find(a)] = find(b)
    by_word: dict[str, list[str]] = {}
    for aid, terms in titles.items():
        if aid in parent:
            for t in terms:
                by_word.setdefault(t, []).append(aid)
    if common is None:
        def common(t: str) -> bool:
            return len(by_word[t]) > COMMON_TITLES
    checked: set[tuple[str, str]] = set()
    for aid, terms in titles.items():
        if aid not in parent:
            continue
        for t in terms:
            if common(t):
                continue
            for other in by_word.get(t, ()):
                pair = (aid, other) if aid < other else (other, aid)
                if other == aid or pair in checked:
                    continue
                checked.add(pair)
                if titles_join(terms, titles[other], near(meta, aid, other)):
                    parent[find(aid)] = find(other)
    groups: dict[str, list[str]] = {}
    for aid in meta:
        groups.setdefault(find(aid), []).append(aid)
    out: dict[str, Story] = {}
    for members in groups.values():
        story = make_story(members, meta)
        for a in members:
            out[a] = story
    return out


def make_story(members: list[str], meta: Mapping[str, tuple]) -> Story:
    """The Story of these articles: earliest first; its id from the earliest's."""
    members = sorted(members, key=lambda a: (meta[a][1] or "9999", a))
    counts: dict[str, int] = {}
    unknown = 0
    for a in members:
        outlet = meta[a][0]
        if outlet:
            counts[outlet] = counts.get(outlet, 0) + 1
        else:
            unknown += 1
    sid = "s" + hashlib.sha1(members[0].encode("utf-8")).hexdigest()[:10]
    return Story(sid, len(members), tuple(sorted(counts, key=lambda o: (-counts[o], o))), unknown,
                 tuple(members))
