"""Run files (search.engine.whoosh.blocks): what a spilled chunk of the term pool reads back as."""
from __future__ import annotations

import tracemalloc

from search.engine.whoosh.blocks import Part, RunReader, RunWriter


def part(data: bytes, n: int) -> Part:
    return Part(data, 0, float(n), n, 1, n + 3, 1.5, n, n + 1)


def test_a_run_reads_back_every_record_in_order(tmp_path):
    path = tmp_path / "run-00000"
    run = RunWriter(path)
    expected = []
    for i in range(500):
        term = f"t{i:05d}".encode()
        # the same object twice in one record: the pickle refers back to it inside the record
        data = term if i % 2 else b"x" * (i + 1)
        run.add("body", term, part(data, i))
        expected.append((("body", term), data, part(data, i).stats()))
    run.close()
    got = [(key, p.data, p.stats()) for key, p in RunReader(path)]
    assert got == expected


def test_reading_a_run_keeps_no_record_it_has_passed(tmp_path):
    """A commit reads its runs side by side: a reader that kept what it read (the unpickler's
    memo) held a 100k build's whole postings in memory at once."""
    path = tmp_path / "run-00000"
    run = RunWriter(path)
    for i in range(20_000):
        run.add("body", f"term{i:06d}".encode(), part(bytes(200), i))
    run.close()
    tracemalloc.start()
    try:
        records = iter(RunReader(path))
        next(records)  # the file and its 1 MB buffer are open
        opened = tracemalloc.get_traced_memory()[0]
        n = 1 + sum(1 for _ in records)
        grown = tracemalloc.get_traced_memory()[1] - opened
    finally:
        tracemalloc.stop()
    assert n == 20_000
    assert grown < 4 << 20  # kept, 20,000 records of 200 bytes and more take 13 MB
