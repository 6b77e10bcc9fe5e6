"""Writing Whoosh 2.7.4 segments faster, in Whoosh's own format (the same postings read back).

Whoosh's SegmentWriter puts every posting into a PostingPool as a 5-tuple, sorts all of them at
commit (spilling sorted runs to disk past `limitmb` and merging them back), then writes them one
call at a time. Profiling a build showed that path to be most of the build, and worse than
linear: at 35k articles adding documents took 33x and committing 16x the time of 3.5k articles,
because millions of GC-tracked tuples are kept, collected, spilled and merged.

`FastWriter` keeps Whoosh's SegmentWriter, per-document writer and codec, and changes how
postings travel:
- `_TermPool` holds each field's postings per term, as compact arrays (`array('I')` document
  numbers, `array('d')` weights, a list of encoded values). Documents arrive in document order,
  so every term's postings are already sorted: commit sorts only the terms, never the postings,
  and nothing spills to disk.
- Analysed fields (search.schema.AnalyzedText) hand over (term, frequency, value) lists, keyed
  by str and encoded once per term at commit.
- `_BulkFieldWriter.write_pool` writes each term's blocks and term info directly (slices of
  those arrays), reading field lengths from lists read once per field (`_Lengths`).
- Blocks of fewer than SMALL_BLOCK postings are left uncompressed (the block header says so, and
  Whoosh's reader honours it).
- Block data is pickled with protocol BLOCK_PICKLE (4) instead of Whoosh's 2. Whoosh reads it
  with pickle.loads, which takes any protocol, but protocol 2 writes every bytes value (one per
  posting: its encoded positions) as a call to `_codecs.encode`. Measured on a 128-posting
  block: 157 -> 18 us to load, 1,791 -> 767 bytes compressed.
Merges of older segments (`add`, `remove`) go through the same pool item by item, as in Whoosh;
should their document numbers ever arrive out of order, the pool sorts that term at commit.
tests/test_writer.py checks that an index written this way reads back identically.
It relies on Whoosh 2.7.4's internals (search.engine.whoosh.compat checks them): where they
differ, or when the public path is forced, `open_writer` returns Whoosh's own writer.
"""
from __future__ import annotations

import zlib
from array import array
from collections.abc import Callable
from itertools import chain
from operator import sub
from pickle import dumps

from whoosh.writing import SegmentWriter

from search.engine.whoosh import compat
from search.engine.whoosh.compat import WHOOSH3_HEADER_MAGIC as _MAGIC
from search.engine.whoosh.compat import W3FieldWriter, W3TermInfo, length_to_byte, pack_int, pack_ushort

SMALL_BLOCK = 8
BLOCK_PICKLE = 4  # pickle protocol of posting block data (see the module docstring)
PUBLIC_POOL_MB = 1024  # Whoosh's own writer (the public path) spills its posting pool past this
PROGRESS_TERMS = 1024  # the commit's progress is reported every this many terms
TERM_WORK = 40  # a term's fixed cost in writing, in postings' worth (70 us and 1.8 us on IndoSum)


class _TermPool:
    """Postings by field and term, in arrays; replaces Whoosh's sorting PostingPool.

    Fields whose schema object has `postings()` (search.schema.AnalyzedText) are keyed by the
    term as str, encoded once per term when written (code-point order is UTF-8 byte order, so
    the sort is the same); other fields by Whoosh's term bytes."""

    def __init__(self, schema):
        self.fields: dict[str, dict] = {}
        self.str_fields = {name for name, f in schema.items() if hasattr(f, "postings")}
        self.unsorted: set[tuple[str, object]] = set()  # terms whose postings arrived out of order

    def terms(self, fieldname: str) -> dict:
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
        return terms

    def add(self, item) -> None:
        """Whoosh's pool interface: one (fieldname, tbytes, docnum, weight, vbytes) posting
        (merges of older segments come this way)."""
        fieldname, term, docnum, weight, vbytes = item
        if docnum == -1:  # Whoosh's spelling-only entries; not postings
            return
        if fieldname in self.str_fields:
            term = term.decode("utf-8")
        terms = self.terms(fieldname)
        entry = terms.get(term)
        if entry is None:
            entry = terms[term] = (array("I"), array("d"), [])
        elif entry[0][-1] >= docnum:
            self.unsorted.add((fieldname, term))
        entry[0].append(docnum)
        entry[1].append(weight)
        if vbytes:
            entry[2].append(vbytes)

    def sorted_entries(self, fieldname: str):
        """(term bytes, docnums, weights, values) of one field, terms in byte order."""
        terms = self.fields[fieldname]
        encode = fieldname in self.str_fields
        for term in sorted(terms):
            docs, weights, values = terms[term]
            if (fieldname, term) in self.unsorted:
                order = sorted(range(len(docs)), key=docs.__getitem__)
                docs = array("I", (docs[i] for i in order))
                weights = array("d", (weights[i] for i in order))
                values = [values[i] for i in order] if values else values
            yield (term.encode("utf-8") if encode else term), docs, weights, values

    def cleanup(self) -> None:
        self.fields.clear()


class _Lengths:
    """Field lengths of a new segment, read once per field instead of once per posting."""

    def __init__(self, pdr, fields: list[str], doccount: int):
        self._pdr = pdr
        self.by_field = {f: [pdr.doc_field_length(d, f) for d in range(doccount)] for f in fields}

    def close(self):
        self._pdr.close()


class _BulkFieldWriter(W3FieldWriter):
    """W3FieldWriter that writes each term's posting blocks and term info directly.

    It writes what W3PostingsWriter and W3TermInfo write, in the same format: per block the
    info tuple (count, last id, max weight, compression, min and max length bytes) and the
    pickled (id deltas, weights, values), zlib-compressed except in a term's last block when
    that holds fewer than SMALL_BLOCK postings; per term a "W3Bl" header before the first block
    and a term-info row. Whoosh's own path costs half a dozen calls, two objects and a few
    generator passes per term and per block; a build has about 87,000 terms at 3.5k articles.
    tests/test_writer.py compares everything read back with Whoosh's own writer's index."""

    def write_pool(self, schema, lengths: _Lengths | None, pool: _TermPool,
                   progress: Callable[[int, int], None] | None = None) -> None:
        """`progress(done, total)` every PROGRESS_TERMS terms: work done in postings, each term
        counted as TERM_WORK postings more (its fixed cost)."""
        compression = self._codec._compression
        limit = self._codec._blocklimit
        postfile = self._postfile
        write, tell = postfile.file.write, postfile.file.tell
        total = sum(len(e[0]) + TERM_WORK for terms in pool.fields.values() for e in terms.values())
        done, terms = 0, 0
        for fieldname in sorted(pool.fields):
            self.start_field(fieldname, schema[fieldname])
            fixed = self._format.fixed_value_size()
            prefix = pack_ushort(self._fieldid)
            add_term = self._tindex.add
            flen = lengths.by_field.get(fieldname) if lengths else None
            for tbytes, docs, weights, values in pool.sorted_entries(fieldname):
                offset = tell()
                write(_MAGIC)
                n = len(docs)
                total_weight, minlen, maxlen, maxweight = 0.0, None, 0, 0
                for start in range(0, n, limit):
                    end = start + limit
                    ids = docs[start:end]
                    doubles = weights[start:end]
                    floats = array("f", doubles)  # what Whoosh's writer keeps; max from doubles
                    count = len(ids)
                    bmax = max(max(doubles), 0)
                    bmin_len, bmax_len = None, 0
                    if flen is not None:
                        ls = [flen[d] for d in ids]
                        hi = max(ls)
                        if hi:  # Whoosh records only non-zero lengths
                            lo = min(ls)
                            bmin_len, bmax_len = (lo if lo else min(x for x in ls if x)), hi
                    total_weight += sum(floats)
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
                    last = end >= n
                    comp = 0 if last and count < SMALL_BLOCK else compression
                    if comp:
                        data = zlib.compress(data, comp)
                    info = dumps((count, ids[-1], bmax, comp, length_to_byte(bmin_len),
                                  length_to_byte(bmax_len)), 2)
                    size = len(info) + len(data)
                    write(pack_int(-size if last else size))
                    write(info)
                    write(data)
                ti = W3TermInfo(total_weight, n, minlen, maxlen, maxweight, docs[0], docs[-1])
                ti.set_extent(offset, tell() - offset)
                add_term(prefix + tbytes, ti.to_bytes())
                done += n + TERM_WORK
                terms += 1
                if progress is not None and terms % PROGRESS_TERMS == 0:
                    progress(done, total)
            self.finish_field()
        if progress is not None:
            progress(total, total)


class FastWriter(SegmentWriter):
    """Whoosh's SegmentWriter with the term pool and bulk posting writer above."""

    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
        self.pool = _TermPool(self.schema)
        if type(self.fieldwriter) is W3FieldWriter:
            self.fieldwriter.__class__ = _BulkFieldWriter
        self._plain = not any(f.separate_spelling() or f.vector for _, f in self.schema.items())
        self.on_progress: Callable[[int, int], None] | None = None  # the commit's (done, total)

    def add_document(self, **fields):
        """Whoosh's add_document, with each field's postings going straight to the term pool."""
        if not self._plain:
            return super().add_document(**fields)  # spelling or vectors: Whoosh's own path
        self._check_state()
        perdocwriter, schema, docnum, pool = self.perdocwriter, self.schema, self.docnum, self.pool
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)
        perdocwriter.start_doc(docnum)
        for fieldname in fieldnames:
            value = fields.get(fieldname)
            if value is None:
                continue
            field = schema[fieldname]
            length = 0
            if field.indexed:
                boost = self._field_boost(fields, fieldname, docboost)
                terms = pool.terms(fieldname)
                if fieldname in pool.str_fields:
                    boost *= field.format.field_boost  # Whoosh: (freq * format boost) * field boost
                    # Every posting already in the pool has a smaller document number, so
                    # appending keeps each term's postings sorted.
                    for word, n, vbytes in field.postings(value):
                        length += n
                        entry = terms.get(word)
                        if entry is None:
                            terms[word] = (array("I", (docnum,)), array("d", (n * boost,)), [vbytes])
                        else:
                            entry[0].append(docnum)
                            entry[1].append(n * boost)
                            entry[2].append(vbytes)
                    if not field.scorable:
                        length = 0
                else:
                    scorable = field.scorable
                    for tbytes, freq, weight, vbytes in field.index(value):
                        if scorable:
                            length += freq
                        pool.add((fieldname, tbytes, docnum, weight * boost, vbytes))
            customval = fields.get(f"_stored_{fieldname}", value)
            perdocwriter.add_field(fieldname, field, customval if field.stored else None, length)
            column = field.column_type
            if column and customval is not None:
                perdocwriter.add_column_value(fieldname, column, field.to_column_value(customval))
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self):
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        if pdr is not None:
            scorable = [name for name, f in self.schema.items() if f.scorable]
            pdr = _Lengths(pdr, scorable, self.docnum)
        if isinstance(self.fieldwriter, _BulkFieldWriter):
            self.fieldwriter.write_pool(self.schema, pdr, self.pool, self.on_progress)
        else:  # another codec: Whoosh's generic path, postings in sorted order
            self.fieldwriter.add_postings(self.schema, pdr, self._iter_pool())
        self.fieldwriter.close()
        if pdr is not None:
            pdr.close()

    def _iter_pool(self):
        for fieldname in sorted(self.pool.fields):
            for tbytes, docs, weights, values in self.pool.sorted_entries(fieldname):
                for i, docnum in enumerate(docs):
                    yield fieldname, tbytes, docnum, weights[i], values[i] if values else None


def pool_work(writer) -> tuple[int, int] | None:
    """The work the commit of `writer` has so far, in write_pool's units: (postings, terms as
    TERM_WORK postings each); None for Whoosh's own writer (the public path)."""
    pool = getattr(writer, "pool", None)
    if not isinstance(pool, _TermPool):
        return None
    terms = sum(len(t) for t in pool.fields.values())
    return sum(len(e[0]) for t in pool.fields.values() for e in t.values()), TERM_WORK * terms


def open_writer(ix) -> SegmentWriter:
    """A writer for `ix`: FastWriter, whose term pool keeps the new segment's postings in
    memory as compact arrays, or on the public path (compat.FAST false) Whoosh's own, which
    spills its pool to disk past PUBLIC_POOL_MB."""
    if not compat.FAST:
        return ix.writer(limitmb=PUBLIC_POOL_MB)
    return FastWriter(ix)
