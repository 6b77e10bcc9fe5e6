"""Highlighted paragraph snippets, built only for the results shown: a result's best
paragraphs (by the idf of the distinct terms each marks, plus phrase hits), where the index
tells which paragraphs hold the query or else by a cheap substring test; rendered escaped, with
our own <mark> the only markup added. Where a highlight marks a text is search.query.marking's.
"""
from __future__ import annotations

from collections.abc import Callable
from html import escape

from search.cache import memoize
from search.engine import bm25
from search.engine.base import ParagraphHits
from search.query.highlight import Highlight
from search.query.marking import marked, plain, probe, probe_hits, probes_of
from search.text.analysis import analyzer

MAX_CHARS = 420  # longer paragraphs are trimmed around their first highlight
CANDIDATES = 8  # paragraphs fully re-analysed per result, chosen by a cheap substring test
CONTEXT = 90


def render(text: str, spans: list[tuple[int, int]], trim: bool = True) -> str:
    """Escape text and wrap spans in <mark>; trim long text around the first mark."""
    lo, hi = 0, len(text)
    if trim and len(text) > MAX_CHARS:
        first = spans[0][0] if spans else 0
        lo = max(0, first - CONTEXT)
        if lo:
            lo = text.find(" ", lo) + 1 or lo
        hi = min(len(text), lo + MAX_CHARS)
        if hi < len(text):
            cut = text.rfind(" ", lo, hi)
            hi = cut if cut > lo else hi
    out, at = [], lo
    for s, e in spans:
        if e <= lo or s >= hi:
            continue
        s, e = max(s, lo), min(e, hi)
        out.append(escape(text[at:s]))
        out.append("<mark>" + escape(text[s:e]) + "</mark>")
        at = e
    out.append(escape(text[at:hi]))
    return ("… " if lo > 0 else "") + "".join(out) + (" …" if hi < len(text) else "")


def highlight(text: str, hl: Highlight, trim: bool = False) -> str:
    """Escaped HTML of text with query terms marked (for titles and article pages)."""
    spans = marked(text, hl)[0] if hl else []
    return render(text, spans, trim=trim)


def best_paragraphs(paragraphs: list[str], hl: Highlight, idf: Callable[[str], float],
                    k: int = 3, found: ParagraphHits | None = None) -> list[tuple[int, str]]:
    """The k paragraphs that best match, as (number from 1, snippet html), best first.

    A paragraph scores the idf of each distinct term it contains, plus a bonus for phrases, so
    a paragraph with both `sanksi` and `PBB` beats one that repeats `sanksi`. `found`: what the
    index told of the paragraphs (Reader.paragraph_hits, for a highlight `indexed` allows).
    """
    if not hl:
        return []
    if found is not None:
        return _best_known(paragraphs, hl, idf, k, found)
    if plain(hl):
        return _best_by_bounds(paragraphs, hl, idf, k)
    scored = []
    probes = probes_of(hl)
    # Re-analyse only the paragraphs that hold the most of the query's probes.
    candidates = [(hits, -n, n, text) for n, text in enumerate(paragraphs, 1)
                  if (hits := probe_hits(text, probes))]
    candidates.sort(reverse=True)
    for _, _, n, text in candidates[:CANDIDATES]:
        spans, matched, phrase_hits = marked(text, hl)
        if not spans:
            continue
        score = sum(idf(t) for t in matched) + 2.0 * phrase_hits
        if (hl.phrases or hl.exact_phrases) and not phrase_hits and not (
                hl.terms or hl.prefixes or hl.exact_terms):
            continue
        scored.append((score, -n, n, spans, text))
    scored.sort(reverse=True)
    return [(n, render(text, spans)) for _, _, n, spans, text in scored[:k]]


def indexed(hl: Highlight) -> bool:
    """Whether the index can tell where this highlight marks (Reader.paragraph_hits): stemmed
    terms and phrases only, which the body field holds with their positions."""
    return bool(hl) and not (hl.prefixes or hl.exact_terms or hl.exact_phrases or hl.patterns)


def paragraph_hits(reader, keys: list, articles: list, hl: Highlight) -> list[ParagraphHits | None]:
    """Per article (of `keys`, in order), what the index tells of the paragraphs holding the
    highlight (Reader.paragraph_hits), or None where the highlighter must look."""
    found = reader.paragraph_hits(keys, [bool(a.title) for a in articles], hl.terms, hl.phrases) \
        if indexed(hl) else None
    return found or [None] * len(articles)


def _best_known(paragraphs: list[str], hl: Highlight, idf: Callable[[str], float], k: int,
                found: ParagraphHits) -> list[tuple[int, str]]:
    """best_paragraphs from the index's paragraph hits: every matching paragraph scored as
    the highlighter would score it, and only the k shown marked."""
    ranked = sorted(((sum(idf(t) for t in roots) + 2.0 * hits, -n, n) for n, (roots, hits) in found.items()
                     if 1 <= n <= len(paragraphs)), reverse=True)
    out = []
    for _, _, n in ranked:
        spans = marked(paragraphs[n - 1], hl)[0]
        if spans:  # (always, as the index and the highlighter analyse alike)
            out.append((n, render(paragraphs[n - 1], spans)))
            if len(out) == k:
                break
    return out


def _best_by_bounds(paragraphs: list[str], hl: Highlight, idf: Callable[[str], float],
                    k: int) -> list[tuple[int, str]]:
    """best_paragraphs for plain terms: each paragraph's probes give an upper bound of its
    score (the idf of every root whose probe it contains), so paragraphs are marked best bound
    first, and marking stops once k marked paragraphs beat every bound left. A one-word query
    marks about k paragraphs instead of CANDIDATES."""
    probes = _root_probes(hl)
    candidates = []
    for n, text in enumerate(paragraphs, 1):
        low = text.lower()
        roots = {r for p, rs in probes if p in low for r in rs}
        if roots:
            candidates.append((-sum(idf(r) for r in roots), n, text))
    candidates.sort()
    scored: list[tuple[float, int, int, list, str]] = []
    for bound, n, text in candidates[:CANDIDATES]:
        if len(scored) >= k and scored[k - 1][:2] > (-bound, -n):
            break
        spans, matched, _ = marked(text, hl)
        if spans:
            scored.append((sum(idf(t) for t in matched), -n, n, spans, text))
            scored.sort(reverse=True)
    return [(n, render(text, spans)) for _, _, n, spans, text in scored[:k]]


@memoize(256)
def _root_probes(hl: Highlight) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(probe, the roots a word holding it may have) for a plain-term highlight; a mark on an
    exact term counts its root, as marked does."""
    out: dict[str, set[str]] = {}
    for t in hl.terms:
        out.setdefault(probe(t), set()).add(t)
    for w in hl.exact_terms:
        out.setdefault(w, set()).add(analyzer(hl.stemmer).stem(w))
    return tuple((p, tuple(sorted(rs))) for p, rs in sorted(out.items()))


def lede(paragraphs: list[str]) -> list[tuple[int, str]]:
    """The first paragraph, unmarked: the snippet when there is no query to match."""
    return [(1, render(paragraphs[0], []))] if paragraphs else []


def idf_from(searcher, field: str = "body") -> Callable[[str], float]:
    n = max(1, searcher.doc_count())
    cache: dict[str, float] = {}

    def idf(term: str) -> float:
        v = cache.get(term)
        if v is None:
            v = cache[term] = bm25.idf(n, searcher.doc_frequency(field, term))
        return v

    return idf


def matching_paragraphs(paragraphs: list[str], hl: Highlight, found: ParagraphHits | None = None) -> list[int]:
    """The numbers (from 1) of the paragraphs holding a mark: "lihat semua N paragraf". Only
    paragraphs holding a probe of the query are marked; none when the index told (`found`)."""
    if not hl:
        return []
    if found is not None:
        return [n for n in found if 1 <= n <= len(paragraphs)]
    probes = probes_of(hl)
    return [n for n, text in enumerate(paragraphs, 1)
            if probe_hits(text, probes) and marked(text, hl)[0]]
