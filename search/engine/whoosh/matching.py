"""Which documents match a query, as a set of document numbers, without scoring them.

Facet counts and totals need every match, but only the shown page needs scores. Scoring every
match through Whoosh's collector costs a Python call per posting; reading a term's whole
posting list (search.postings) costs a few C-level calls per block. So the match set is
computed here, by set algebra over posting lists, and ranked by search.scoring.

Queries this module does not understand fall back to Whoosh's matcher. Patterns (prefixes,
wildcards, and any other of Whoosh's multi-term queries, such as fuzzy terms) are expanded by
`expand` into the words they stand for, at most `Limits.expansions` words each and
`Limits.expansions_total` in all, the first in the index's alphabetical order, as Elasticsearch's
`max_expansions` does: `*a*` matched 19,888 words of IndoSum and took 10 s to score through
Whoosh; capped, it is an alternative of 128 words, matched and scored like any other.

With a `Budget` (search.engine.base), an OR stops taking in more alternatives once the time is
spent: the match set is then smaller, never wrong.

Within `holding()` (one search), every posting list read stays held until the search ends: a
broad query reads more postings than the bounded cache keeps (the 12-word question at 100k
reads 220,000), and matching, pruning and scoring each came back for lists already dropped.
"""
from __future__ import annotations

import copy
import threading
from contextlib import contextmanager
from itertools import accumulate, islice
from pickle import loads

from whoosh import query as wq
from whoosh.formats import Positions

from search.cache import Cache
from search.engine.base import Budget
from search.engine.whoosh import compat, postings
from search.settings import Limits

DEFAULT_LIMITS = Limits()

POSTINGS_CACHE = 300_000  # postings remembered per reader (index generation) across term look-ups
PHRASE_CACHE = 128  # phrases whose matching documents are remembered per reader
HOLD_LIMIT = 1_000_000  # postings one search holds at most (about 70 MB as Python lists)


def _cache(reader, name: str, limit: int, weigh=None) -> Cache:
    """A reader's own cache: it goes with the reader, when a new generation is opened."""
    cache = reader.__dict__.get(name)
    if cache is None:
        cache = reader.__dict__[name] = Cache(limit, weigh=weigh, name=name)
    return cache


_held = threading.local()  # .lists: {(reader, field, text): postings} within `holding`; .weight


@contextmanager
def holding():
    """Within it (one search, in this thread), posting lists read are held until it ends,
    whatever the bounded cache drops meanwhile, up to HOLD_LIMIT postings in all (a query of
    many common words, or a pattern's 512, falls back to the cache alone); nested, the
    outermost holds."""
    if getattr(_held, "lists", None) is not None:
        yield
        return
    _held.lists, _held.weight = {}, 0
    try:
        yield
    finally:
        _held.lists = None


def _hold(key: tuple, found: tuple, weight: int) -> None:
    held = getattr(_held, "lists", None)
    if held is not None and _held.weight + weight <= HOLD_LIMIT:
        held[key] = found
        _held.weight += weight


def _remember(reader, memo: Cache, key: tuple, found: tuple) -> tuple:
    _hold((reader, *key), found, len(found[0]))
    return memo.put(key, found)


def _recall(reader, memo: Cache, key: tuple):
    held = getattr(_held, "lists", None)
    found = held.get((reader, *key)) if held else None
    if found is None:
        found = memo.get(key)
        if found is not None:
            _hold((reader, *key), found, len(found[0]))
    return found


def term_postings(reader, field: str, text: str) -> tuple[list[int], list[float]]:
    """Document numbers and term frequencies of one term's postings (search.postings).
    Deleted documents may be included: callers intersect with live documents. Remembered per
    reader within a budget: common words (`indonesia`) recur in many queries, their posting
    lists are long, and matching and scoring both need them (and within `holding`, held for
    the search). Frequencies come in the same block as the document numbers, so both are
    always read."""
    memo = _cache(reader, "_kliping_postings", POSTINGS_CACHE, weigh=lambda v: len(v[0]) + 1)
    key = (field, text)
    found = _recall(reader, memo, key)
    if found is None:
        found = _remember(reader, memo, key, tuple(postings.read(reader, field, text)[:2]))
    return found


def postings_for(reader, field: str, text: str, docs) -> tuple[list[int], list[float]]:
    """Postings of one term holding at least those of `docs` (a set), in document order: its
    whole list if remembered, else only the blocks holding some of `docs`, read now and held
    for the search (`holding`) for any of the same documents, but not remembered after it."""
    memo = _cache(reader, "_kliping_postings", POSTINGS_CACHE, weigh=lambda v: len(v[0]) + 1)
    found = _recall(reader, memo, (field, text))
    if found is not None:
        return found
    held = getattr(_held, "lists", None)
    key = (reader, field, text, "blocks")
    part = held.get(key) if held else None
    if part is not None and docs <= part[0]:
        return part[1]
    found = tuple(postings.read(reader, field, text, only=docs)[:2])
    _hold(key, (frozenset(docs), found), len(found[0]))
    return found


def deleted_docs(reader) -> frozenset[int]:
    """The reader's deleted document numbers, found once per reader."""
    found = reader.__dict__.get("_kliping_deleted")
    if found is None:
        found = reader.__dict__["_kliping_deleted"] = frozenset(
            d for d in range(reader.doc_count_all()) if reader.is_deleted(d))
    return found


def term_docs(reader, field: str, text: str) -> set[int]:
    """Every live document containing one term."""
    docs = set(term_postings(reader, field, text)[0])
    if reader.has_deletions():
        docs -= deleted_docs(reader)
    return docs


def _positions(reader, field: str, word: str, candidates: set[int]) -> dict[int, bytes]:
    """doc -> encoded positions of `word`, for the candidate documents only; posting blocks
    holding no candidate are not decoded."""
    ids, _, values = postings.read(reader, field, word, values=True, only=candidates)
    return {d: v for d, v in zip(ids, values) if d in candidates}


def term_positions(reader, field: str, word: str, docs) -> dict[int, list[int]]:
    """doc -> positions of `word` in `field`, for the given documents only."""
    decode = positions_decoder(reader, field)
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
    """Candidates by intersecting the words' document lists, rarest first (no set of every
    document, no set of a common word's list), then positions decoded for those only. A word
    whose postings are not remembered yet is read once with its positions (they come in the
    same blocks), and remembered for term_postings."""
    memo = _cache(reader, "_kliping_postings", POSTINGS_CACHE, weigh=lambda v: len(v[0]) + 1)
    uniq = sorted(set(words), key=lambda w: reader.doc_frequency(field, w))
    whole: dict[str, tuple[list[int], list]] = {}  # word -> (ids, encoded positions), read here
    candidates: set[int] = set()
    for i, w in enumerate(uniq):
        found = _recall(reader, memo, (field, w))
        if found is None:
            ids, weights, values = postings.read(reader, field, w, values=True)
            _remember(reader, memo, (field, w), (ids, weights))
            whole[w] = (ids, values)
        else:
            ids = found[0]
        candidates = set(ids) if i == 0 else candidates.intersection(ids)
        if not candidates:
            return set()
    if reader.has_deletions():
        candidates -= deleted_docs(reader)
    decode = positions_decoder(reader, field)
    encoded = {w: {d: v for d, v in zip(*whole[w]) if d in candidates} if w in whole
               else _positions(reader, field, w, candidates) for w in uniq}
    first, later = encoded[words[0]], [(k, encoded[w]) for k, w in enumerate(words[1:], 1)]
    found_docs = set()
    for d in candidates:
        starts = set(decode(first[d]))
        for k, enc in later:
            starts.intersection_update([p - k for p in decode(enc[d])])
            if not starts:
                break
        if starts:
            found_docs.add(d)
    return found_docs


def positions_decoder(reader, field: str):
    """The field's decode_positions; for Whoosh's own Positions format on the fast path
    (search.engine.whoosh.compat), the same decoding with C-level calls (a pickled list of
    deltas after a 4-byte count, its final STOP byte sometimes left off)."""
    fmt = reader.schema[field].format
    if not (compat.FAST and type(fmt) is Positions):
        return fmt.decode_positions

    def decode(value: bytes) -> list[int]:
        return list(accumulate(loads(value[4:] if value.endswith(b".") else value[4:] + b".")))

    return decode


class Expansion(wq.DisjunctionMax):
    """A pattern as the words it stands for: matched as any of them, scored by the best."""

    def __init__(self, pattern: wq.Query, terms: list[wq.Term], capped: bool):
        super().__init__(terms)
        self.pattern, self.capped = pattern, capped

    def __repr__(self):
        return f"Expansion({self.pattern!r}, {len(self.subqueries)} words{', capped' if self.capped else ''})"


def expand(reader, q: wq.Query, limits: Limits = DEFAULT_LIMITS) -> wq.Query:
    """`q` with every pattern (a multi-term query of Whoosh: prefix, wildcard, fuzzy term)
    replaced by an `Expansion` of at most `limits.expansions` words, and all of them together
    at most `limits.expansions_total`; a query without patterns is returned as it is."""
    left = [limits.expansions_total]

    def walk(node):
        if isinstance(node, wq.MultiTerm) and not isinstance(node, Expansion):
            room = min(limits.expansions, left[0])
            texts = [text for _, text in islice(node.expanded_terms(reader), room + 1)]
            capped = len(texts) > room
            texts = texts[:room]
            left[0] -= len(texts)
            field = node.field()
            return Expansion(node, [wq.Term(field, reader.schema[field].from_bytes(t)) for t in texts], capped)
        kids = list(node.children())
        if not kids:
            return node
        new = [walk(k) for k in kids]
        if all(a is b for a, b in zip(new, kids)):
            return node
        return _with_children(node, new)

    return walk(q)


def _with_children(node: wq.Query, kids: list) -> wq.Query:
    """A copy of `node` with other children (Whoosh's `apply` would drop an Or's scale and
    cannot rebuild our subclasses)."""
    out = copy.copy(node)
    if isinstance(node, wq.BinaryQuery):
        out.a, out.b = kids
        out.subqueries = (out.a, out.b)
    elif isinstance(node, wq.CompoundQuery):
        out.subqueries = list(kids)
    elif isinstance(node, wq.Not):
        out.query = kids[0]
    elif isinstance(node, wq.WrappingQuery):
        out.child = kids[0]
    else:
        raise TypeError(f"cannot rebuild {type(node).__name__}")
    return out


def capped_patterns(q: wq.Query) -> list[tuple[str, int]]:
    """(pattern, words searched) of each `Expansion` in `q` that stood for more words."""
    out = []

    def walk(node):
        if isinstance(node, Expansion) and node.capped:
            out.append((getattr(node.pattern, "text", repr(node.pattern)), len(node.subqueries)))
        for k in node.children():
            walk(k)

    walk(q)
    return out


def _or_docs(searcher, q, live, budget, result: set[int]) -> None:
    """The documents of an OR (or a disjunction-max) into `result`: its words' posting lists
    go in whole, nested ORs flattened, so no set is made for each word (deleted documents
    included: the caller drops them)."""
    reader = searcher.reader()
    cover = getattr(q, "kliping_cover", None)  # a part holding every document of the others
    for c in q.subqueries if cover is None else (cover,):
        if result and budget is not None and budget.spent():
            break
        if isinstance(c, wq.Term):
            result.update(term_postings(reader, c.fieldname, c.text)[0])
        elif isinstance(c, (wq.Or, wq.DisjunctionMax)) and getattr(c, "kliping_match", None) is None:
            _or_docs(searcher, c, live, budget, result)
        else:
            result |= match_docs(searcher, c, live, budget)


def match_docs(searcher, q: wq.Query, live: frozenset[int], budget: Budget | None = None) -> set[int]:
    """The set of live documents matching `q`; with a `budget`, an OR stops taking in
    alternatives once it is spent (a subset of the matches, each a true match)."""
    own = getattr(q, "kliping_match", None)  # proximity and filters (search.engine.whoosh.near)
    if own is not None:
        return own(searcher, live)
    reader = searcher.reader()
    if isinstance(q, wq.Term):
        return term_docs(reader, q.fieldname, q.text)
    if isinstance(q, wq.And):
        sets = sorted((match_docs(searcher, c, live, budget) for c in q.subqueries if not isinstance(c, wq.Not)),
                      key=len)
        result = set(live) if not sets else sets[0]
        for s in sets[1:]:
            result = result & s
        for c in q.subqueries:
            if isinstance(c, wq.Not):
                result = result - match_docs(searcher, c.query, live)
        return result
    if isinstance(q, (wq.Or, wq.DisjunctionMax)):
        result: set[int] = set()
        _or_docs(searcher, q, live, budget, result)
        if reader.has_deletions():
            result -= deleted_docs(reader)
        return result
    if isinstance(q, wq.Not):
        return set(live) - match_docs(searcher, q.query, live)
    if isinstance(q, wq.AndNot):
        return match_docs(searcher, q.a, live, budget) - match_docs(searcher, q.b, live)
    if isinstance(q, wq.Every):
        return set(live)
    if isinstance(q, wq.Phrase) and q.slop == 1 and q.words:
        return phrase_docs(reader, q.fieldname, q.words, live)
    if isinstance(q, wq.MultiTerm):
        return match_docs(searcher, expand(reader, q), live, budget)
    # Phrases and anything else: let Whoosh find them (no scoring).
    m = q.matcher(searcher)
    return set(m.all_ids()) & live if m.is_active() else set()
