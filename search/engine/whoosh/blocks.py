"""Posting lists as Whoosh 2.7.4's W3 blocks: encoding one term, concatenating encoded parts,
and the run files that let a build write its postings in bounded memory.

A term's posting list in a W3 postings file is a 4-byte header, then blocks of up to
`blocklimit` postings: a signed length (negative for the last block), a pickled info tuple
(count, last id, max weight, compression, min and max length bytes) and the data (id deltas,
the first from 0, weights, values), pickled and zlib-compressed. `encode` makes those blocks
for one term from arrays (search.engine.whoosh.writer's term pool); its `Part` also carries
the term's statistics and where its last block's length sits.

Blocks hold absolute document numbers, so two parts of one term covering consecutive ranges of
the same segment's documents are joined by writing one after the other, with the first part's
last length made positive (`join`): no block is decoded. That is how a build that spills its
term pool to run files (`RunWriter`, `RunReader`) assembles one segment at the end, reading the
runs side by side in term order: memory holds one term of each run, never all the postings.

Parts from another segment are shifted (`shift`: each block's first delta and last id move by
the segment's new base, nothing else changes) or, when that segment has deletions, decoded,
renumbered and encoded again (`reencode`).
"""
from __future__ import annotations

import pickle
import zlib
from array import array
from dataclasses import dataclass
from itertools import chain
from operator import sub
from pickle import dumps, loads

from search.engine.whoosh.compat import length_to_byte, pack_int, unpack_int

SMALL_BLOCK = 8  # a last block of fewer postings is left uncompressed
BLOCK_PICKLE = 4  # pickle protocol of block data (see search.engine.whoosh.writer)


@dataclass
class Part:
    """Encoded blocks of one term over a range of documents, and that range's statistics."""

    data: bytes  # the blocks, without the term's 4-byte header
    last: int  # offset in `data` of the last block's signed length
    total: float  # sum of weights
    df: int  # postings
    minlen: int | None  # shortest non-zero field length, or None
    maxlen: int
    maxweight: float
    first: int  # first and last document numbers
    final: int

    def stats(self) -> tuple:
        return (self.total, self.df, self.minlen, self.maxlen, self.maxweight, self.first, self.final)


def encode(docs: array, weights: array, values: list, lengths, fixed, compression: int, limit: int) -> Part:
    """W3 blocks of one term: document numbers (ascending), their weights (doubles) and encoded
    values; `lengths[d]` is document d's field length (None: the field keeps none); `fixed` is
    the format's fixed value size (None or negative: variable, 0: no values)."""
    out: list[bytes] = []
    n = len(docs)
    total, minlen, maxlen, maxweight, at, last = 0.0, None, 0, 0, 0, 0
    for start in range(0, n, limit):
        end = start + limit
        ids = docs[start:end]
        doubles = weights[start:end]
        floats = array("f", doubles)  # what Whoosh's writer keeps; max from doubles
        count = len(ids)
        bmax = max(max(doubles), 0)
        bmin_len, bmax_len = None, 0
        if lengths is not None:
            ls = [lengths[d] for d in ids]
            hi = max(ls)
            if hi:  # Whoosh records only non-zero lengths
                lo = min(ls)
                bmin_len, bmax_len = (lo if lo else min(x for x in ls if x)), hi
        total += sum(floats)
        if minlen is None:
            minlen = bmin_len
        elif bmin_len is not None:
            minlen = min(minlen, bmin_len)
        maxlen = max(maxlen, bmax_len)
        maxweight = max(maxweight, bmax)
        if floats.count(1.0) == count:
            wmini = None
        elif floats.count(floats[0]) == count:
            wmini = floats[0]
        else:
            wmini = tuple(floats)
        vals = values[start:end]
        if fixed is None or fixed < 0:
            vmini = tuple(vals)
        elif fixed == 0:
            vmini = None
        else:
            vmini = b"".join(vals)
        data = dumps((tuple(map(sub, ids, chain((0,), ids))), wmini, vmini), BLOCK_PICKLE)
        final = end >= n
        comp = 0 if final and count < SMALL_BLOCK else compression
        if comp:
            data = zlib.compress(data, comp)
        info = dumps((count, ids[-1], bmax, comp, length_to_byte(bmin_len), length_to_byte(bmax_len)), 2)
        size = len(info) + len(data)
        last = at
        out.append(pack_int(-size if final else size))
        out.append(info)
        out.append(data)
        at += 4 + size
    return Part(b"".join(out), last, total, n, minlen, maxlen, maxweight, docs[0], docs[-1])


def join(parts: list[Part]) -> tuple[bytes, tuple]:
    """The blocks of consecutive parts of one term as one posting list (header not included),
    and its statistics: (total, df, minlen, maxlen, maxweight, first, last)."""
    if len(parts) == 1:
        p = parts[0]
        return p.data, p.stats()
    chunks = []
    for p in parts[:-1]:
        size = unpack_int(p.data[p.last:p.last + 4])[0]
        chunks.append(p.data[:p.last] + pack_int(abs(size)) + p.data[p.last + 4:])
    chunks.append(parts[-1].data)
    lens = [p.minlen for p in parts if p.minlen is not None]
    return b"".join(chunks), (sum(p.total for p in parts), sum(p.df for p in parts), min(lens) if lens else None,
                              max(p.maxlen for p in parts), max(p.maxweight for p in parts),
                              parts[0].first, parts[-1].final)


def blocks(data: bytes):
    """(start, end, is last) of each block of a posting list given without its header."""
    pos, end = 0, len(data)
    while pos < end:
        size = unpack_int(data[pos:pos + 4])[0]
        stop = pos + 4 + abs(size)
        yield pos, stop, size < 0
        if size < 0:
            return
        pos = stop


def shift(data: bytes, by: int, stats: tuple) -> Part:
    """A posting list of another segment (without its header) with every document number
    moved by `by`; the blocks keep their postings, so only each block's info and first delta
    change."""
    if not by:
        starts = [s for s, _, _ in blocks(data)]
        return Part(data, starts[-1], *stats)
    out, at, last = [], 0, 0
    for start, stop, final in blocks(data):
        raw = data[start + 4:stop]
        info_len = _pickle_len(raw)
        count, lastid, bmax, comp, lo, hi = loads(raw[:info_len])
        body = raw[info_len:]
        if comp:
            body = zlib.decompress(body)
        deltas, w, v = loads(body)
        body = dumps(((deltas[0] + by,) + tuple(deltas[1:]), w, v), BLOCK_PICKLE)
        if comp:
            body = zlib.compress(body, comp)
        info = dumps((count, lastid + by, bmax, comp, lo, hi), 2)
        size = len(info) + len(body)
        last = at
        out += [pack_int(-size if final else size), info, body]
        at += 4 + size
    total, df, minlen, maxlen, maxweight, first, final_id = stats
    return Part(b"".join(out), last, total, df, minlen, maxlen, maxweight, first + by, final_id + by)


def _pickle_len(raw: bytes) -> int:
    """Length of the pickle at the start of `raw` (a block's info tuple)."""
    import io
    f = io.BytesIO(raw)
    pickle.load(f)
    return f.tell()


# -- run files -------------------------------------------------------------------------------------
class RunWriter:
    """One spilled chunk of a term pool: (key, part) records in key order, pickled one after
    another. A key is (field, term bytes)."""

    def __init__(self, path):
        self.path = path
        self._f = open(path, "wb", buffering=1 << 20)  # noqa: SIM115 (closed in close())
        self._dump = pickle.Pickler(self._f, BLOCK_PICKLE)
        # No memo: a record is a flat tuple. With one, the reader's unpickler kept every object
        # it had read (its memo; a 100k build's commit grew by 500 MB reading its runs), and
        # clearing the writer's memo per record made a back-reference inside a record point to
        # an object of an earlier one.
        self._dump.fast = True
        self.records = 0

    def add(self, field: str, term: bytes, part: Part) -> None:
        self._dump.dump((field, term, part.data, part.last, part.stats()))
        self.records += 1

    def close(self) -> None:
        self._f.close()


class RunReader:
    """Reads a run back in key order: ((field, term), Part) pairs."""

    def __init__(self, path):
        self.path = path

    def __iter__(self):
        with open(self.path, "rb", buffering=1 << 20) as f:
            load = pickle.Unpickler(f).load  # the records hold no memo entries to keep
            while True:
                try:
                    field, term, data, last, stats = load()
                except EOFError:
                    return
                yield (field, term), Part(data, last, *stats)
