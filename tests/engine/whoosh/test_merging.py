"""The tiered merge policy's choices (search.engine.whoosh.merging.choose), on segment sizes."""
from search.engine.whoosh.merging import FACTOR, FLOOR, choose, tier


def simulate(base: list[int], adds: list[int]) -> list[list[int]]:
    """Live sizes of the segments after each add of `adds` documents (no deletions)."""
    segments, after = list(base), []
    for new in adds:
        merged = set(choose([(s, 0) for s in segments], new))
        segments = [s for i, s in enumerate(segments) if i not in merged] + [new + sum(segments[i] for i in merged)]
        after.append(sorted(segments))
    return after


def test_small_segments_are_merged_into_each_add():
    after = simulate([100_000], [100] * 30)
    assert all(sum(1 for s in segs if tier(s) == 0) <= 1 for segs in after)
    assert max(len(segs) for segs in after) <= 4
    assert after[-1] == [1000, 1000, 1000, 100_000]
    assert sum(after[-1]) == 100_000 + 3000  # nothing lost


def test_a_full_tier_merges_into_the_next():
    after = simulate([], [FLOOR] * FACTOR)
    assert after[FACTOR - 2] == [FLOOR] * (FACTOR - 1)
    assert after[-1] == [FLOOR * FACTOR]


def test_large_adds_and_deletions():
    assert choose([(100_000, 0)], 1000) == []  # an add of 1,000 into 100k rewrites nothing
    assert choose([(100_000, 0), (500, 0)], 0) == []  # a commit of deletions only merges no small one
    assert choose([(600, 400), (5000, 0)], 0) == [0]  # past 25% deleted: rewritten
