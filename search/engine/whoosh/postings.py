"""Reading a term's whole posting list at once, for set algebra and bulk scoring.

Whoosh's matcher reads a posting list block by block through half a dozen Python calls per
block, and decodes each block's document numbers with a Python generator. Matching and
scoring want every posting of a term anyway, so `read` takes the term's whole extent from
the postings file in one read and decodes each block with C-level calls (zlib, pickle,
itertools.accumulate). The format is Whoosh 2.7's W3 block format, which search.writer also
writes: per term a 4-byte header, then blocks of a signed length (negative for the last), a
pickled info tuple (count, last id, max weight, compression, min and max length bytes) and
the data (id deltas, weights, values), pickled and zlib-compressed when the info says so.

Indexes written by other codecs, or any surprise in the bytes, fall back to Whoosh's matcher;
so does everything on Whoosh's public path (search.engine.whoosh.compat: a Whoosh other than
the 2.7.4 this relies on, or the public path forced). tests/test_postings.py compares the two
readers over real indexes, with several segments and deletions.
"""
from __future__ import annotations

import zlib
from bisect import bisect_right
from io import BytesIO
from itertools import accumulate, repeat
from pickle import load, loads

from search.engine.whoosh import compat
from search.engine.whoosh.compat import WHOOSH3_HEADER_MAGIC, W3TermsReader, unpack_int


def read(reader, field: str, text: str, values: bool = False, only=None):
    """(document numbers, weights, values or None) of every posting of `text` in `field`, in
    document order; empty lists when the term is absent. Deleted documents may be listed
    (Whoosh's matcher, the fallback, leaves them out): callers intersect with live documents.
    With `only` (a set of document numbers), blocks holding none of them are skipped unread,
    and the lists may hold other documents of the blocks read."""
    ids: list[int] = []
    weights: list[float] = []
    vals: list | None = [] if values else None
    wanted = sorted(only) if only is not None else None
    tbytes = reader.schema[field].to_bytes(text)
    fast = compat.FAST
    for leaf, base in reader.leaf_readers():
        terms = getattr(leaf, "_terms", None) if fast else None
        try:
            if type(terms) is not W3TermsReader:
                raise _Fallback
            try:
                info = terms.term_info(field, tbytes)
            except Exception:  # the term is not in this segment
                continue
            offset, length = info.extent()
            if isinstance(length, tuple):  # W3TermInfo.from_bytes leaves it as unpack's tuple
                length = length[0]
            if offset is None or info.is_inlined():
                raise _Fallback
            _decode(terms._postfile.get(offset, length), base, ids, weights, vals, wanted)
        except _Fallback:
            _by_matcher(leaf, field, tbytes, base, ids, weights, vals)
    return ids, weights, vals


class _Fallback(Exception):
    pass


def _decode(data: bytes, base: int, ids: list, weights: list, vals: list | None, wanted=None) -> None:
    if data[:4] != WHOOSH3_HEADER_MAGIC:
        raise _Fallback
    f = BytesIO(data)
    pos, end = 4, len(data)
    n_ids, n_weights = len(ids), len(weights)
    after = -1  # the last document number of the previous block
    try:
        while pos < end:
            size = unpack_int(data[pos:pos + 4])[0]
            last = size < 0
            start, stop = pos + 4, pos + 4 + abs(size)
            f.seek(start)
            count, maxid, _maxw, compression, _mn, _mx = load(f)
            if wanted is not None:  # skip a block that holds none of the wanted documents
                i = bisect_right(wanted, after + base)
                after = maxid
                if i == len(wanted) or wanted[i] > maxid + base:
                    pos = stop
                    if last:
                        break
                    continue
            block = data[f.tell():stop]
            if compression:
                block = zlib.decompress(block)
            deltas, w, v = loads(block)
            ids.extend(map(base.__add__, accumulate(deltas)) if base else accumulate(deltas))
            if w is None:
                weights.extend(repeat(1.0, count))
            elif isinstance(w, float):
                weights.extend(repeat(w, count))
            else:
                weights.extend(w)
            if vals is not None:
                if v is None:
                    vals.extend(repeat(None, count))
                elif isinstance(v, bytes):  # fixed-size values, concatenated
                    k = len(v) // count
                    vals.extend(v[i:i + k] for i in range(0, len(v), k))
                else:
                    vals.extend(v)
            pos = stop
            if last:
                break
        if len(ids) - n_ids != len(weights) - n_weights:
            raise ValueError("ids and weights differ in number")
    except Exception as e:  # not the format described above: let Whoosh read it
        del ids[n_ids:], weights[n_weights:]
        if vals is not None:
            del vals[n_ids:]
        raise _Fallback from e


def _by_matcher(leaf, field: str, tbytes: bytes, base: int, ids: list, weights: list, vals) -> None:
    try:
        m = leaf.postings(field, tbytes.decode("utf-8"))
    except Exception:  # the term is not in this segment
        return
    while m.is_active():
        ids.append(m.id() + base)
        weights.append(m.weight())
        if vals is not None:
            vals.append(m.value())
        m.next()
