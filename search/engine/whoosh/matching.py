"""Which documents match a query, as a set of document numbers, without scoring them.

Facet counts and totals need every match, but only the shown page needs scores. Scoring every
match through Whoosh's collector costs a Python call per posting; reading a term's whole
posting list (search.postings) costs a few C-level calls per block. So the match set is
computed here, by set algebra over posting lists, and ranked by search.scoring.

Queries this module does not understand fall back to Whoosh's matcher. Prefixes and wildcards
are expanded with Whoosh's private `_btexts`, or on Whoosh's public path
(search.engine.whoosh.compat) with `simplify`: the same terms.
"""
from __future__ import annotations

from whoosh import query as wq

from search.cache import Cache
from search.engine.whoosh import compat, postings

POSTINGS_CACHE = 300_000  # postings remembered per reader (index generation) across term look-ups
PHRASE_CACHE = 128  # phrases whose matching documents are remembered per reader


def _cache(reader, name: str, limit: int, weigh=None) -> Cache:
    """A reader's own cache: it goes with the reader, when a new generation is opened."""
    cache = reader.__dict__.get(name)
    if cache is None:
        cache = reader.__dict__[name] = Cache(limit, weigh=weigh, name=name)
    return cache


def term_postings(reader, field: str, text: str) -> tuple[list[int], list[float]]:
    """Document numbers and term frequencies of one term's postings (search.postings).
    Deleted documents may be included: callers intersect with live documents. Remembered per
    reader within a budget: common words (`indonesia`) recur in many queries, their posting
    lists are long, and matching and scoring both need them. Frequencies come in the same
    block as the document numbers, so both are always read."""
    memo = _cache(reader, "_kliping_postings", POSTINGS_CACHE, weigh=lambda v: len(v[0]) + 1)
    key = (field, text)
    found = memo.get(key)
    if found is None:
        found = memo.put(key, tuple(postings.read(reader, field, text)[:2]))
    return found


def term_docs(reader, field: str, text: str) -> set[int]:
    """Every live document containing one term."""
    docs = set(term_postings(reader, field, text)[0])
    if reader.has_deletions():
        docs = {d for d in docs if not reader.is_deleted(d)}
    return docs


def _positions(reader, field: str, word: str, candidates: set[int]) -> dict[int, bytes]:
    """doc -> encoded positions of `word`, for the candidate documents only; posting blocks
    holding no candidate are not decoded."""
    ids, _, values = postings.read(reader, field, word, values=True, only=candidates)
    return {d: v for d, v in zip(ids, values) if d in candidates}


def term_positions(reader, field: str, word: str, docs) -> dict[int, list[int]]:
    """doc -> positions of `word` in `field`, for the given documents only."""
    decode = reader.schema[field].format.decode_positions
    return {d: decode(v) for d, v in _positions(reader, field, word, set(docs)).items()}


def phrase_docs(reader, field: str, words, live) -> set[int]:
    """Documents where the words occur at consecutive positions: candidates by set
    intersection first, then positions decoded only for those candidates. Remembered per
    reader (the matcher and the scorer both ask for the same phrases)."""
    memo = _cache(reader, "_kliping_phrases", PHRASE_CACHE)
    key = (field, tuple(words))
    found = memo.get(key)
    if found is None:
        found = memo.put(key, frozenset(_phrase_docs(reader, field, words)))
    return set(found & live) if len(live) < reader.doc_count_all() else set(found)


def _phrase_docs(reader, field: str, words) -> set[int]:
    candidates = set(range(reader.doc_count_all()))
    for w in set(words):
        candidates &= term_docs(reader, field, w)
        if not candidates:
            return set()
    decode = reader.schema[field].format.decode_positions
    encoded = {w: _positions(reader, field, w, candidates) for w in set(words)}
    found = set()
    for d in candidates:
        starts = set(decode(encoded[words[0]][d]))
        for k, w in enumerate(words[1:], 1):
            starts &= {p - k for p in decode(encoded[w][d])}
            if not starts:
                break
        if starts:
            found.add(d)
    return found


def match_docs(searcher, q: wq.Query, live: frozenset[int]) -> set[int]:
    """The set of live documents matching `q`."""
    own = getattr(q, "kliping_match", None)  # proximity and filters (search.engine.whoosh.near)
    if own is not None:
        return own(searcher, live)
    reader = searcher.reader()
    if isinstance(q, wq.Term):
        return term_docs(reader, q.fieldname, q.text)
    if isinstance(q, wq.And):
        sets = sorted((match_docs(searcher, c, live) for c in q.subqueries if not isinstance(c, wq.Not)), key=len)
        result = set(live) if not sets else sets[0]
        for s in sets[1:]:
            result = result & s
        for c in q.subqueries:
            if isinstance(c, wq.Not):
                result = result - match_docs(searcher, c.query, live)
        return result
    if isinstance(q, (wq.Or, wq.DisjunctionMax)):
        result: set[int] = set()
        for c in q.subqueries:
            result |= match_docs(searcher, c, live)
        return result
    if isinstance(q, wq.Not):
        return set(live) - match_docs(searcher, q.query, live)
    if isinstance(q, wq.AndNot):
        return match_docs(searcher, q.a, live) - match_docs(searcher, q.b, live)
    if isinstance(q, wq.Every):
        return set(live)
    if isinstance(q, wq.Phrase) and q.slop == 1 and q.words:
        return phrase_docs(reader, q.fieldname, q.words, live)
    if isinstance(q, (wq.Prefix, wq.Wildcard)):
        if not compat.FAST:  # Whoosh's public expansion: an Or of the terms, a Term or nothing
            return match_docs(searcher, q.simplify(reader), live)
        result = set()
        for text in q._btexts(reader):
            result |= term_docs(reader, q.fieldname, text)
        return result
    # Phrases and anything else: let Whoosh find them (no scoring).
    m = q.matcher(searcher)
    return set(m.all_ids()) & live if m.is_active() else set()
