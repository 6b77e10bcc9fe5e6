"""The Whoosh engine's proximity and filter queries: `a w/5 b`, `a SEPARAGRAF b`, and metadata
filters (`media:Kontan`, `tanggal:2024-06`) as sets of documents.

`Near` and `SameParagraph` are Whoosh Ands (so the scorer scores them as the And of their
parts, and Whoosh's own matcher, on its fallback path, finds a superset that the kept set then
narrows) whose `kliping_match` narrows the And's documents by positions in `body`: each part's
occurrences are spans (a word is one position, a phrase its first to last), two parts are near
when a span of one is within `distance` positions of a span of the other, and in one paragraph
when their spans share `position >> PARA_SHIFT` (search.text.analysis). Parts without
positions (a written form in `exact`, a filter) do not narrow. `DocSet` is a filter's documents,
found by the reader in its facet table; it matches them and scores nothing.
search.engine.whoosh.matching calls `kliping_match`; search.engine.whoosh.scoring reads
`kliping_filter`.
"""
from __future__ import annotations

from whoosh import query as wq
from whoosh.matching import ListMatcher, NullMatcher

from search.engine import spans as spans_of
from search.engine.whoosh import compat
from search.engine.whoosh.matching import match_docs, term_positions

POSITIONS = "body"
MAX_EXPANSION = 200  # terms of a prefix or pattern whose positions a near operand reads


class Near(wq.And):
    """Parts within `distance` positions of each other (each part near the next), any order."""

    def __init__(self, subqueries, distance: int, boost: float = 1.0):
        super().__init__(subqueries, boost=boost)
        self.distance = distance

    def normalize(self):
        return self

    def __eq__(self, other):
        return type(other) is type(self) and self.subqueries == other.subqueries and \
            getattr(other, "distance", None) == getattr(self, "distance", None)

    def __hash__(self):
        return hash((type(self).__name__, tuple(self.subqueries), getattr(self, "distance", None)))

    def __repr__(self):
        return f"{type(self).__name__}({self.subqueries!r}, {getattr(self, 'distance', None)})"

    def kliping_match(self, searcher, live) -> set[int]:
        reader = searcher.reader()
        candidates = None
        for c in self.subqueries:
            found = match_docs(searcher, c, live)
            candidates = found if candidates is None else candidates & found
            if not candidates:
                return set()
        spans = [operand_spans(reader, c, candidates) for c in self.subqueries]
        return {d for d in candidates if self.holds([s.get(d) for s in spans])}

    def holds(self, parts: list) -> bool:
        """Each part near the next; a part without positions (None) does not narrow."""
        return spans_of.near(parts, self.distance)


class SameParagraph(Near):
    """Every part in one paragraph."""

    def __init__(self, subqueries, boost: float = 1.0):
        super().__init__(subqueries, 0, boost)

    def holds(self, parts: list) -> bool:
        return spans_of.same_paragraph(parts)


def operand_spans(reader, q, docs) -> dict[int, list[tuple[int, int]]]:
    """doc -> occurrences (first, last position) of a query part in `body`, for `docs`."""
    out: dict[int, list[tuple[int, int]]] = {}

    def add(found: dict[int, list[tuple[int, int]]]):
        for d, spans in found.items():
            out.setdefault(d, []).extend(spans)

    if isinstance(q, wq.Term):
        if q.fieldname == POSITIONS:
            add({d: [(p, p) for p in ps] for d, ps in term_positions(reader, POSITIONS, q.text, docs).items()})
    elif isinstance(q, wq.Phrase):
        if q.fieldname == POSITIONS:
            add(_phrase_spans(reader, list(q.words), q.slop, docs))
    elif isinstance(q, (wq.Prefix, wq.Wildcard)):
        if q.fieldname == POSITIONS:
            texts = q._btexts(reader) if compat.FAST else [t.text for t in q.simplify(reader).leaves()
                                                          if isinstance(t, wq.Term)]
            for i, text in enumerate(texts):
                if i >= MAX_EXPANSION:
                    break
                text = text.decode("utf-8") if isinstance(text, bytes) else text
                add({d: [(p, p) for p in ps] for d, ps in term_positions(reader, POSITIONS, text, docs).items()})
    elif isinstance(q, wq.Not) or getattr(q, "kliping_filter", False):
        return {}
    elif isinstance(q, wq.AndNot):
        add(operand_spans(reader, q.a, docs))
    elif isinstance(q, wq.compound.CompoundQuery):
        for c in q.subqueries:
            add(operand_spans(reader, c, docs))
    return out


def _phrase_spans(reader, words: list[str], slop: int, docs) -> dict[int, list[tuple[int, int]]]:
    """doc -> (first, last) of each occurrence of the words in order, each within `slop` of the one
    before (1: side by side)."""
    per_word = [term_positions(reader, POSITIONS, w, docs) for w in words]
    out = {}
    for d in docs:
        lists = [pw.get(d) for pw in per_word]
        if not all(lists):
            continue
        found = spans_of.phrase(lists, slop)
        if found:
            out[d] = found
    return out


class DocSet(wq.Query):
    """A filter's documents (`media:Kontan`): matches them, scores nothing."""

    kliping_filter = True

    def __init__(self, key, docs: frozenset[int]):
        self.key, self.docs, self.boost = key, docs, 1.0

    def __eq__(self, other):
        return type(other) is DocSet and other.key == self.key

    def __hash__(self):
        return hash((DocSet, self.key))

    def __repr__(self):
        return f"DocSet({self.key!r})"

    def is_leaf(self):
        return True

    def estimate_size(self, ixreader):
        return len(self.docs)

    def kliping_match(self, searcher, live) -> set[int]:
        return set(self.docs & live) if len(live) < len(self.docs) else {d for d in self.docs if d in live}

    def matcher(self, searcher, context=None):
        docs = sorted(self.docs)
        return ListMatcher(docs, all_weights=0.0) if docs else NullMatcher()
