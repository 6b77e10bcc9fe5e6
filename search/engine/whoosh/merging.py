"""When segments are merged: a log-structured (tiered) merge policy, and `optimize`.

Every `add` commits its new articles as a new segment; every search looks each term up in
every segment, so an archive fed daily would slow down as segments pile up. Whoosh's own
default (MERGE_SMALL, a Fibonacci heuristic) merges only when the smallest segments add up to
little, and leaves many. Kliping merges like an LSM tree, in tiers of sizes:

- A segment's tier is 0 below FLOOR live documents, else 1 + floor(log_FACTOR(size / FLOOR)):
  with FLOOR 1,000 and FACTOR 10, tier 0 holds segments under 1,000 articles, tier 1 up to
  9,999, tier 2 up to 99,999, and so on.
- Tier 0 is merged eagerly: a commit that writes a new segment takes in every segment under
  FLOOR, so at most one small segment exists. Thirty adds of 100 left up to ten small segments
  (each term looked up in each) before they filled a tier; now each add of 100 rewrites at
  most 900 small-segment articles, and every tenth makes a segment of tier 1.
- When a commit's new segment brings its tier to FACTOR segments, they are merged into it
  (the commit's writer takes them in); the result, FACTOR times larger, may fill the next tier,
  and so on up. So no tier ever holds FACTOR segments, and an index of N articles has at most
  one segment in tier 0 and (FACTOR - 1) in each other: 1 + 9 x log10(N / 1,000) at most, in
  practice far fewer.
- A segment whose deleted documents pass DELETED of its size is merged into the commit's new
  segment too, which drops them for good (until then a deleted document stays in its segment,
  hidden, and counts in term statistics).
- Every document is rewritten about once per tier it climbs, so the cost of a merge is
  amortised over the adds that filled the tier: a daily `add` of 1,000 articles rewrites
  1,000 articles most days, 10,000 every tenth day, 100,000 every hundredth.
- `python -m search optimize` merges everything into one segment and drops every deletion
  (what a full build gives), and is never needed for speed.

Merging goes through search.engine.whoosh.writer.FastWriter.add_reader, which streams each
segment's postings term by term at commit (nothing is loaded whole), so a merge's memory does
not grow with the segments merged. Measured with 30 successive adds in bench/run.py.
"""
from __future__ import annotations

import functools
import math

FLOOR = 1_000  # the default of search.settings.Settings.merge_floor
FACTOR = 10
DELETED = 0.25


def tier(live: int, floor: int = FLOOR) -> int:
    return 0 if live < floor else 1 + int(math.log(live / floor, FACTOR) + 1e-9)


def choose(sizes: list[tuple[int, int]], new: int, floor: int = FLOOR) -> list[int]:
    """Which existing segments a commit whose new segment holds `new` live documents merges
    into it, given (live, deleted) documents of each existing segment: their indices."""
    chosen = {i for i, (live, deleted) in enumerate(sizes) if deleted and deleted > DELETED * (live + deleted)}
    if new:  # tier 0, eagerly: every small segment joins the new one
        chosen |= {i for i, (live, _) in enumerate(sizes) if tier(live, floor) == 0}
    size = new + sum(sizes[i][0] for i in chosen)
    if not size:  # no new segment (a commit of deletions only)
        return sorted(chosen)
    while True:
        t = tier(size, floor)
        same = [i for i, (live, _) in enumerate(sizes) if i not in chosen and tier(live, floor) == t]
        if len(same) + 1 < FACTOR:
            return sorted(chosen)
        chosen.update(same)
        size += sum(sizes[i][0] for i in same)


def policy(floor: int = FLOOR):
    """A Whoosh merge policy (`writer.commit(mergetype=policy(floor))`): merges what `choose`
    says into the writer's new segment and returns the segments kept as they are."""
    return functools.partial(_merge, floor=floor)


def _merge(writer, segments: list, floor: int = FLOOR) -> list:
    from whoosh.reading import SegmentReader

    sizes = [(s.doc_count(), s.deleted_count()) for s in segments]
    merged = set(choose(sizes, writer.doc_count(), floor))
    for i in sorted(merged):
        reader = SegmentReader(writer.storage, writer.schema, segments[i])
        writer.add_reader(reader)
        reader.close()
    return [s for i, s in enumerate(segments) if i not in merged]


def everything(writer, segments: list) -> list:
    """The merge policy of `optimize`: every segment into one, every deletion dropped."""
    from whoosh.reading import SegmentReader

    for seg in segments:
        reader = SegmentReader(writer.storage, writer.schema, seg)
        writer.add_reader(reader)
        reader.close()
    return []
