"""Writing Whoosh 2.7.4 segments faster, in Whoosh's own format (the same postings read back),
in bounded memory, and merging segments without holding their postings.

Whoosh's SegmentWriter puts every posting into a PostingPool as a 5-tuple, sorts all of them at
commit (spilling sorted runs to disk past `limitmb` and merging them back), then writes them one
call at a time. Profiling a build showed that path to be most of the build, and worse than
linear: at 35k articles adding documents took 33x and committing 16x the time of 3.5k articles,
because millions of GC-tracked tuples are kept, collected, spilled and merged.

`FastWriter` keeps Whoosh's SegmentWriter, per-document writer and codec, and changes how
postings travel:
- `TermPool` (search.engine.whoosh.termpool) holds each field's postings per term, as compact
  arrays (`array('I')` document numbers, `array('d')` weights, a list of encoded values).
  Documents arrive in document order, so every term's postings are already sorted: only the
  terms are ever sorted.
- Analysed fields (search.schema.AnalyzedText) hand over (term, frequency, value) lists, keyed
  by str and encoded once per term.
- With a memory budget (`open_writer(ix, memory=bytes)`), the pool is written out as a run file
  of encoded blocks whenever its estimated size (`_TermPool.size`) passes the budget, and
  emptied (search.engine.whoosh.blocks). The segment is assembled at commit by reading the
  runs side by side in term order and writing each term's blocks one run after the other: the
  blocks hold the segment's own document numbers, so nothing is decoded. A build of any size
  thus holds at most one budget of postings, and the index is the same as with no budget.
- Merging other segments (`add_reader`, called by Whoosh's merge policies and by
  search.engine.whoosh.merging) copies their documents' stored fields, lengths and columns as
  Whoosh does, but not their postings into the pool: at commit each term's blocks are read from
  those segments and written after the new documents', shifted to their new numbers (decoded
  and encoded again only where a segment has deletions). The merged segment's total field
  lengths are the segments' own exact totals (less the deleted documents' stored lengths),
  not sums of the one-byte lengths Whoosh stores per document.
- Blocks of fewer than SMALL_BLOCK postings are left uncompressed (the block header says so, and
  Whoosh's reader honours it). Block data is pickled with protocol BLOCK_PICKLE (4) instead of
  Whoosh's 2: Whoosh reads it with pickle.loads, which takes any protocol, but protocol 2
  writes every bytes value (one per posting: its encoded positions) as a call to
  `_codecs.encode`. Measured on a 128-posting block: 157 -> 18 us to load, 1,791 -> 767 bytes.
tests/engine/whoosh/test_writer.py checks that an index written this way reads back identically
(with and without a budget, merged or not). It relies on Whoosh 2.7.4's internals
(search.engine.whoosh.compat checks them): where they differ, or when the public path is forced,
`open_writer` returns Whoosh's own writer.
"""
from __future__ import annotations

import heapq
import os
from array import array
from collections.abc import Callable
from itertools import groupby
from operator import itemgetter

from whoosh.writing import SegmentWriter

from search.engine.whoosh import blocks, compat
from search.engine.whoosh.blocks import BLOCK_PICKLE, SMALL_BLOCK  # noqa: F401 (documented here)
from search.engine.whoosh.compat import WHOOSH3_HEADER_MAGIC as _MAGIC
from search.engine.whoosh.compat import W3FieldWriter, W3TermInfo, W3TermsReader, pack_ushort
from search.engine.whoosh.termpool import TermPool as _TermPool

PUBLIC_POOL_MB = 1024  # Whoosh's own writer (the public path) spills its posting pool past this
PROGRESS_TERMS = 1024  # the commit's progress is reported every this many terms
TERM_WORK = 40  # a term's fixed cost in writing, in postings' worth (70 us and 1.8 us on IndoSum)


class _BulkFieldWriter(W3FieldWriter):
    """W3FieldWriter that writes a whole term's posting list and term info at once: blocks
    from search.engine.whoosh.blocks (what W3PostingsWriter and W3TermInfo write, in the same
    format), instead of half a dozen calls, two objects and a few generator passes per term and
    per block. tests/engine/whoosh/test_writer.py compares everything read back with Whoosh's
    own writer's index."""

    def write_term(self, tbytes: bytes, data: bytes, stats: tuple) -> None:
        postfile = self._postfile
        offset = postfile.file.tell()
        postfile.file.write(_MAGIC)
        postfile.file.write(data)
        ti = W3TermInfo(*stats)
        ti.set_extent(offset, postfile.file.tell() - offset)
        self._tindex.add(pack_ushort(self._fieldid) + tbytes, ti.to_bytes())


class _Source:
    """A segment being merged into the new one: its reader, where its live documents go
    (`base` + their rank among live documents), and their new numbers when it has deletions."""

    def __init__(self, reader, base: int, docmap: array | None):
        self.reader, self.base, self.docmap = reader, base, docmap
        self.terms = getattr(reader, "_terms", None)

    def entries(self, fields):
        """((field, term bytes), terminfo) in key order, for the given fields."""
        terms = self.terms
        for fieldname in sorted(fields):
            if fieldname not in terms.indexed_field_names():
                continue
            for (name, tbytes), info in terms.items_from(fieldname, b""):
                if name != fieldname:
                    break
                yield (fieldname, tbytes), info

    def part(self, fieldname: str, tbytes: bytes, info, fieldobj, lengths, codec) -> blocks.Part | None:
        """This segment's postings of a term, numbered as in the new segment."""
        if self.docmap is None and not info.is_inlined():
            offset, length = info.extent()
            if isinstance(length, tuple):
                length = length[0]
            data = self.terms._postfile.get(offset, length)
            if data[:4] == _MAGIC:
                stats = (info.weight(), info.doc_frequency(), info.min_length(), info.max_length(),
                         info.max_weight(), info.min_id(), info.max_id())
                return blocks.shift(data[4:], self.base, stats)
        ids, weights, values = self._postings(fieldname, tbytes, info, fieldobj)
        if self.docmap is not None:
            dm = self.docmap
            keep = [i for i, d in enumerate(ids) if dm[d] >= 0]
            ids = [dm[ids[i]] for i in keep]
            weights = [weights[i] for i in keep]
            values = [values[i] for i in keep] if values else values
        else:
            ids = [d + self.base for d in ids]
        if not ids:
            return None
        return blocks.encode(array("I", ids), array("d", weights), values or [], lengths,
                             fieldobj.format.fixed_value_size(), codec._compression, codec._blocklimit)

    def _postings(self, fieldname, tbytes, info, fieldobj):
        if info.is_inlined():
            ids, weights, values = info.inlined_postings()
            return list(ids), list(weights), list(values) if values else None
        ids, weights, values = [], [], []
        m = self.terms.matcher(fieldname, tbytes, fieldobj.format)
        while m.is_active():
            ids.append(m.id())
            weights.append(m.weight())
            values.append(m.value())
            m.next()
        return ids, weights, values

    def close(self):
        self.reader.close()


class FastWriter(SegmentWriter):
    """Whoosh's SegmentWriter with the term pool, run files, streaming merges and bulk posting
    writer above. `memory`: the term pool's budget in bytes (None: unbounded)."""

    def __init__(self, ix, memory: int | None = None, **kwargs):
        super().__init__(ix, **kwargs)
        self.pool = _TermPool(self.schema)
        self.memory = memory
        self.runs: list[str] = []
        self.spilled = [0, 0]  # postings and term entries written out to the runs so far
        self.sources: list[_Source] = []
        self.scorable = sorted(name for name, f in self.schema.items() if f.scorable)
        self.lengths = {name: array("I") for name in self.scorable}  # per new document
        if type(self.fieldwriter) is W3FieldWriter:
            self.fieldwriter.__class__ = _BulkFieldWriter
        self._plain = not any(f.separate_spelling() or f.vector for _, f in self.schema.items())
        self.on_progress: Callable[[int, int], None] | None = None  # the commit's (done, total)

    def add_document(self, **fields):
        """Whoosh's add_document, with each field's postings going straight to the term pool."""
        if not self._plain:
            return super().add_document(**fields)  # spelling or vectors: Whoosh's own path
        if self.sources:
            raise RuntimeError("FastWriter: documents must be added before segments are merged")
        self._check_state()
        perdocwriter, schema, docnum, pool = self.perdocwriter, self.schema, self.docnum, self.pool
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)
        perdocwriter.start_doc(docnum)
        lengths = dict.fromkeys(self.scorable, 0)
        posted = 0
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
                    postings = field.postings(value)
                    posted += len(postings)
                    for word, n, vbytes in postings:
                        entry = terms.get(word)
                        if entry is None:
                            terms[word] = (array("I", (docnum,)), array("d", (n * boost,)), [vbytes])
                            pool.entries += 1
                        else:
                            entry[0].append(docnum)
                            entry[1].append(n * boost)
                            entry[2].append(vbytes)
                    length = field.length(value) if field.scorable else 0  # words: a compound is one
                else:
                    scorable = field.scorable
                    for tbytes, freq, weight, vbytes in field.index(value):
                        if scorable:
                            length += freq
                        pool.add((fieldname, tbytes, docnum, weight * boost, vbytes))
                if fieldname in lengths:
                    lengths[fieldname] = length
            customval = fields.get(f"_stored_{fieldname}", value)
            perdocwriter.add_field(fieldname, field, customval if field.stored else None, length)
            column = field.column_type
            if column and customval is not None:
                perdocwriter.add_column_value(fieldname, column, field.to_column_value(customval))
        perdocwriter.finish_doc()
        for name, length in lengths.items():
            self.lengths[name].append(length)
        pool.postings += posted
        self._added = True
        self.docnum += 1
        if self.memory is not None and pool.size() > self.memory:
            self.spill()

    # -- runs ---------------------------------------------------------------------------------
    def spill(self) -> None:
        """Write the pool out as a run file and empty it."""
        if not self.pool.fields:
            return
        path = os.path.join(self._tempstorage.folder, f"run-{len(self.runs):05d}")
        run = blocks.RunWriter(path)
        for key, part in self._pool_parts():
            run.add(key[0], key[1], part)
        run.close()
        self.runs.append(path)
        self.spilled[0] += self.pool.postings
        self.spilled[1] += self.pool.entries
        self.pool.cleanup()

    def _pool_parts(self):
        """((field, term bytes), Part) of the pool, in key order."""
        codec = self.fieldwriter._codec
        compression, limit = codec._compression, codec._blocklimit
        for fieldname in sorted(self.pool.fields):
            fixed = self.schema[fieldname].format.fixed_value_size()
            lengths = self.lengths.get(fieldname)
            for tbytes, docs, weights, values in self.pool.sorted_entries(fieldname):
                yield (fieldname, tbytes), blocks.encode(docs, weights, values, lengths,
                                                         fixed, compression, limit)

    # -- merging ------------------------------------------------------------------------------
    def add_reader(self, reader):
        """Merge a segment: its live documents' stored fields, lengths and columns now, as
        Whoosh does; its postings at commit, term by term (see the module docstring)."""
        if not self._plain or not isinstance(self.fieldwriter, _BulkFieldWriter) \
                or type(getattr(reader, "_terms", None)) is not W3TermsReader:
            return super().add_reader(reader)
        self._check_state()
        from whoosh.reading import SegmentReader

        own = SegmentReader(self.storage, self.schema, reader.segment())  # the caller may close its own
        base = self.docnum
        fieldnames = set(self.schema.names()) | {f for f in own.indexed_field_names() if f in self.schema}
        before = dict(self.perdocwriter._fieldlengths)
        docmap = self.write_per_doc(fieldnames, own)
        dm = None
        if docmap is not None:
            dm = array("i", [-1]) * own.doc_count_all()
            for old, new in docmap.items():
                dm[old] = new
        live = [d for d in range(own.doc_count_all()) if dm is None or dm[d] >= 0]
        totals = self.perdocwriter._fieldlengths
        for name in self.scorable:
            def dfl(d: int, name: str = name) -> int:  # 0 where a document has none of the field
                return own.doc_field_length(d, name, 0) or 0
            stored = [dfl(d) for d in live]
            self.lengths[name].extend(stored)
            # The segment's exact total, less its deleted documents' stored lengths.
            deleted = sum(dfl(d) for d in range(own.doc_count_all()) if dm is not None and dm[d] < 0)
            exact = (own.field_length(name) or 0) - deleted
            totals[name] = before.get(name, 0) + exact
        self.sources.append(_Source(own, base, dm))
        self._added = True

    # -- commit ---------------------------------------------------------------------------------
    def _flush_segment(self):
        self.perdocwriter.close()
        if not isinstance(self.fieldwriter, _BulkFieldWriter):  # another codec: Whoosh's path
            pdr = self.per_document_reader() if self.codec.length_stats else None
            self.fieldwriter.add_postings(self.schema, pdr, self._iter_pool())
            self.fieldwriter.close()
            if pdr is not None:
                pdr.close()
            return
        postings, term_work = pool_work(self)
        total, done, written = postings + term_work, 0, 0
        progress = self.on_progress
        if self.runs and self.pool.fields:
            self.spill()  # the last chunk joins the others
        streams = [blocks.RunReader(p) for p in self.runs] if self.runs else [self._pool_parts()]
        sources = self.sources
        fields = set(self.pool.fields) | {f for s in sources for f in s.terms.indexed_field_names()
                                          if f in self.schema}
        merged = heapq.merge(*[_tagged(stream, i) for i, stream in enumerate(streams)],
                             *[_tagged(s.entries(fields), len(streams) + j) for j, s in enumerate(sources)])
        fw, codec, current = self.fieldwriter, self.fieldwriter._codec, None
        n = len(streams)
        for key, group in groupby(merged, key=itemgetter(0)):
            fieldname, tbytes = key
            if fieldname != current:
                if current is not None:
                    fw.finish_field()
                fw.start_field(fieldname, self.schema[fieldname])
                current = fieldname
            parts = []
            for _, i, item in group:
                if i < n:
                    parts.append(item)
                else:
                    part = sources[i - n].part(fieldname, tbytes, item, self.schema[fieldname],
                                               self.lengths.get(fieldname), codec)
                    if part is not None:
                        parts.append(part)
            if parts:
                data, stats = blocks.join(parts)
                fw.write_term(tbytes, data, stats)
                done += stats[1] + TERM_WORK
                written += 1
                if progress is not None and written % PROGRESS_TERMS == 0:
                    progress(min(done, total), total)
        if current is not None:
            fw.finish_field()
        fw.close()
        if progress is not None:
            progress(total, total)
        for s in sources:
            s.close()
        self.sources = []

    def _iter_pool(self):
        for fieldname in sorted(self.pool.fields):
            for tbytes, docs, weights, values in self.pool.sorted_entries(fieldname):
                for i, docnum in enumerate(docs):
                    yield fieldname, tbytes, docnum, weights[i], values[i] if values else None

    def _close_segment(self):
        super()._close_segment()
        for s in self.sources:
            s.close()
        self.sources = []

def pool_work(writer) -> tuple[int, int] | None:
    """The work the commit of `writer` has so far, in its progress units: (postings, terms as
    TERM_WORK postings each), the runs already written out included; None for Whoosh's own
    writer (the public path)."""
    pool = getattr(writer, "pool", None)
    if not isinstance(pool, _TermPool):
        return None
    return writer.spilled[0] + pool.postings, TERM_WORK * (writer.spilled[1] + pool.entries)


def release_pool(writer) -> None:
    """Before a build's echo step (search.engine.whoosh.build): a FastWriter that has written
    runs writes its pool out as one more, so that a forked child does not inherit the pool's
    memory (at 100k, the budget's 300 MB: as the parent's commit reused those pages, the
    child's copies became its own) and the step, forked or not, starts without it. The commit
    reads that run like the others; a writer with no runs (a small build) keeps its pool and
    commits it from memory."""
    if isinstance(getattr(writer, "pool", None), _TermPool) and writer.runs:
        writer.spill()


def _tagged(pairs, i: int):
    """(key, i, value) for each (key, value): which stream an item of a merge came from."""
    for key, value in pairs:
        yield key, i, value


def open_writer(ix, memory: int | None = None) -> SegmentWriter:
    """A writer for `ix`: FastWriter, whose term pool keeps the new segment's postings in
    memory as compact arrays, written out as runs past `memory` bytes (None: never), or on the
    public path (compat.FAST false) Whoosh's own, which spills its pool to disk past
    PUBLIC_POOL_MB (or `memory`)."""
    if not compat.FAST:
        return ix.writer(limitmb=max(1, (memory or PUBLIC_POOL_MB << 20) >> 20))
    return FastWriter(ix, memory=memory)
