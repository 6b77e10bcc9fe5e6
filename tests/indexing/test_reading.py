"""search.indexing.reading: the inputs read in a forked child, handed over in order with their
fingerprints, progress and prepared results."""
from __future__ import annotations

import os
import time

import pytest

from conftest import SEEDS
from search import ingest
from search.errors import IngestError
from search.indexing import parallel, reading


def test_prefetch_yields_the_same_items_in_order_with_fingerprints_and_progress(tmp_path):
    seeds = SEEDS
    plain = list(ingest.load([seeds]))
    counted = []
    relay = reading.Relay(counted.append)
    loaded = ingest.load([seeds], progress=relay)
    got = reading.prefetch(loaded, relay)
    items = list(got)
    assert [(type(a).__name__, a.origin, getattr(a, "id", None)) for a in items] == \
        [(type(a).__name__, a.origin, getattr(a, "id", None)) for a in plain]
    assert items[0] == plain[0]
    assert len(got.prints.seen) == sum(1 for a in plain if hasattr(a, "id"))  # fingerprints came back
    assert sum(counted) > 0  # byte progress travelled to the parent


def test_prefetch_raises_the_readers_error_in_the_parent():
    def items():
        yield from ingest.load([SEEDS])
        raise IngestError("the reader broke")
    with pytest.raises(IngestError, match="the reader broke"):
        list(reading.prefetch(items()))


def test_prefetch_closed_early_stops_the_child():
    def endless():
        n = 0
        while True:
            n += 1
            yield n
    got = reading.prefetch(endless())
    assert [next(got) for _ in range(100)] == list(range(1, 101))
    got.close()  # must not hang: the child is killed and reaped


@pytest.mark.skipif(not hasattr(__import__("fcntl"), "F_SETPIPE_SZ"), reason="Linux pipes only")
def test_the_reading_child_runs_several_batches_ahead_of_the_parent(tmp_path):
    """The pipe holds PIPE_BYTES, so the child goes on reading while the parent is busy: with
    the default 64 KB it would stop within two batches of 8 KB items."""
    count = tmp_path / "count"

    def items():
        n = 0
        while True:
            n += 1
            count.write_text(str(n))  # written by the child, which runs this generator
            yield "x" * 8192
    got = reading.prefetch(items())
    next(got)  # the parent takes one item, then is busy elsewhere
    ahead = 3 * reading.BATCH
    deadline = time.monotonic() + 10
    while int(count.read_text() or 0) <= ahead and time.monotonic() < deadline:
        time.sleep(0.05)
    assert int(count.read_text()) > ahead
    got.close()


def test_prefetch_prepares_each_article_in_the_child_and_hands_it_over_once(tmp_path):
    """`prepare` (the build's quote extraction) runs where the articles are read; what it made
    of an article is the same as running it here, and is forgotten once taken."""
    from search.stories.quotes import extract

    plain = [a for a in ingest.load([SEEDS]) if hasattr(a, "paragraphs")]
    got = reading.prefetch(ingest.load([SEEDS]), prepare=lambda a: (os.getpid(), extract(a)))
    items = [a for a in got if hasattr(a, "paragraphs")]
    assert [a.id for a in items] == [a.id for a in plain]
    made = {a.id: reading.prepared(got, a.id) for a in items}
    assert {i: quotes for i, (_, quotes) in made.items()} == {a.id: extract(a) for a in plain}
    assert any(made[a.id][1] for a in plain)  # the seeds quote Putin, Miller and others
    if parallel.can_fork():
        assert {pid for pid, _ in made.values()} != {os.getpid()}
    assert reading.prepared(got, items[0].id) is None  # taken once
    assert reading.prepared(iter(plain), plain[0].id) is None  # not prefetched: nothing prepared
