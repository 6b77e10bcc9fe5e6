"""The shared span rules of the proximity operators (search.engine.spans)."""
from __future__ import annotations

from search.engine import spans
from search.text.analysis import PARA_SHIFT


def test_phrase_finds_words_in_order_within_the_slop():
    assert spans.phrase([[3, 10], [4, 12], [5]], 1) == [(3, 5)]  # 10, 12 skip a place
    assert spans.phrase([[3, 10], [4, 12], [5, 13]], 2) == [(3, 5), (10, 13)]
    assert spans.phrase([[5], [4]], 3) == []  # out of order


def test_near_needs_each_part_within_the_distance_of_the_next():
    a, b, c = [(0, 1)], [(4, 4)], [(20, 21)]
    assert spans.near([a, b], 3) and not spans.near([a, b], 2)
    assert not spans.near([a, b, c], 5)
    assert spans.near([a, None, b], 3)  # a part without positions does not narrow
    assert spans.near([[(4, 6)], [(5, 5)]], 0)  # overlapping spans are at distance 0


def test_same_paragraph_needs_one_paragraph_holding_every_part():
    second = 1 << PARA_SHIFT
    assert spans.same_paragraph([[(2, 2)], [(9, 9)], None])
    assert not spans.same_paragraph([[(2, 2)], [(second + 1, second + 1)]])
    assert spans.same_paragraph([[(2, 2), (second, second)], [(second + 4, second + 4)]])


def test_paragraph_hits_number_paragraphs_as_the_article_does():
    """Paragraph k of the body is the article's paragraph k (a title is 0) or k + 1 (no
    title); a phrase counts side by side in one paragraph only."""
    from search.engine.spans import paragraph_hits

    P = 1 << PARA_SHIFT
    at = {"sanksi": [2, P + 3, 3 * P], "pbb": [P + 4, 2 * P, 3 * P + 2]}
    titled = paragraph_hits(at, True, {"sanksi"}, [("sanksi", "pbb")])
    assert titled == {0: (frozenset({"sanksi"}), 0), 1: (frozenset({"sanksi", "pbb"}), 1),
                      3: (frozenset({"sanksi"}), 0)}
    untitled = paragraph_hits(at, False, {"sanksi"}, [("sanksi", "pbb")])
    assert untitled == {1: (frozenset({"sanksi"}), 0), 2: (frozenset({"sanksi", "pbb"}), 1),
                        4: (frozenset({"sanksi"}), 0)}
    assert paragraph_hits(at, False, set(), [("pbb", "sanksi")]) == {}  # in that order nowhere
    assert paragraph_hits(at, False, {"korea"}, [("korea", "utara")]) == {}
