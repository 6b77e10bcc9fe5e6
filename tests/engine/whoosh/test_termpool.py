"""The writer's in-memory term pool (search.engine.whoosh.termpool)."""
from __future__ import annotations

from search.engine.whoosh.schema import schema
from search.engine.whoosh.termpool import TermPool
from search.settings import DEFAULT

SCHEMA = schema(DEFAULT)


def test_term_pool_sorts_postings_that_arrive_out_of_order():
    pool = TermPool(SCHEMA)  # body: a str-keyed (AnalyzedText) field
    for docnum, weight in ((3, 1.0), (7, 2.0), (5, 3.0), (9, 1.0)):
        pool.add(("body", b"kata", docnum, weight, bytes([docnum])))
    pool.add(("body", b"lain", 4, 1.0, b"x"))
    pool.add(("body", b"abai", 0, 1.0, b"y"))
    entries = [(t, list(d), list(w), v) for t, d, w, v in pool.sorted_entries("body")]
    assert entries == [(b"abai", [0], [1.0], [b"y"]),
                       (b"kata", [3, 5, 7, 9], [1.0, 3.0, 2.0, 1.0], [b"\x03", b"\x05", b"\x07", b"\t"]),
                       (b"lain", [4], [1.0], [b"x"])]
