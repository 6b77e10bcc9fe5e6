"""The new segment's postings in memory until they are written: `TermPool`, used by
search.engine.whoosh.writer's FastWriter in place of Whoosh's sorting PostingPool."""
from __future__ import annotations

from array import array


class TermPool:
    """Postings by field and term, in arrays; replaces Whoosh's sorting PostingPool.

    Fields whose schema object has `postings()` (search.schema.AnalyzedText) are keyed by the
    term as str, encoded once per term when written (code-point order is UTF-8 byte order, so
    the sort is the same); other fields by Whoosh's term bytes."""

    #: Estimated bytes per posting (a document number, a weight, a value's pointer and, for
    #: postings with several positions, the value itself) and per term entry (its key, two
    #: arrays and a list): fitted to tracemalloc's count after adding IndoSum's 3,463 articles
    #: (1.0M postings, 87k entries: 71 MB) and 8,000 of the 35k re-deal (3.1M, 88k: 130 MB).
    POSTING_BYTES = 30
    ENTRY_BYTES = 480

    def __init__(self, schema):
        self.fields: dict[str, dict] = {}
        self.str_fields = {name for name, f in schema.items() if hasattr(f, "postings")}
        self.unsorted: set[tuple[str, object]] = set()  # terms whose postings arrived out of order
        self.postings = 0  # counted by the writer, for size()
        self.entries = 0

    def size(self) -> int:
        """The pool's estimated size in bytes."""
        return self.postings * self.POSTING_BYTES + self.entries * self.ENTRY_BYTES

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
        self.postings += 1
        if entry is None:
            entry = terms[term] = (array("I"), array("d"), [])
            self.entries += 1
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
        self.unsorted.clear()
        self.postings = self.entries = 0
