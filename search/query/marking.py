"""Where a query's highlight marks a text: the spans to wrap, the distinct terms matched and
the number of phrase hits (search.query.snippets renders them).

A stored paragraph is re-analysed with the shared analyzer, so whatever matched in the index is
what gets marked: `kunjungan` marks `mengunjungi` when both stem to the same root; exact terms
and phrases mark only the very form written. Only the words that can take part in a mark are
analysed: a root stays inside every word built on it, but for a first letter that a nasal prefix
may replace, so each query word has a probe (a substring every matching word holds), and only
the runs of word characters around a probe's occurrences are tokenized and stemmed. The general
path, which analyses every word, is the reference the tests compare the probe-driven ones with.
"""
from __future__ import annotations

import fnmatch
import re

from search.cache import memoize
from search.query.highlight import Highlight
from search.text.analysis import analyzer, kept_matches, kept_words, parts


def plain(hl: Highlight) -> bool:
    """Plain terms only (most queries): no phrases, prefixes or wildcards."""
    return not (hl.phrases or hl.exact_phrases or hl.prefixes or hl.patterns)


def probe(word: str) -> str:
    """What every word built on a root contains: the root, less a first letter that a nasal
    prefix may replace (tolak -> menolak, kunjung -> mengunjungi) when it has more than two."""
    return word[1:] if len(word) > 2 else word


@memoize(4096)
def marked(text: str, hl: Highlight) -> tuple[list[tuple[int, int]], set[str], int]:
    """Spans to mark, the distinct terms matched, and the number of phrase hits. Remembered:
    counting a result's matching paragraphs marks them, and its snippets reuse the marks."""
    if plain(hl):
        return _marked_terms(text, hl.terms, hl.exact_terms, probes_of(hl), analyzer(hl.stemmer).stem, hl.stemmer)
    if not hl.patterns:
        return _marked_probed(text, hl)
    return _marked_general(text, hl)


def _marked_general(text: str, hl: Highlight) -> tuple[list[tuple[int, int]], set[str], int]:
    toks = list(analyzer(hl.stemmer).tokens(text))
    hit = [False] * len(toks)
    matched: set[str] = set()
    wild = _wildcards(hl.patterns)
    for i, t in enumerate(toks):
        if (t.text in hl.terms or t.surface in hl.exact_terms
                or any(t.text.startswith(p) or t.surface.startswith(p) for p in hl.prefixes)
                or (wild is not None and (wild.fullmatch(t.text) or wild.fullmatch(t.surface)))):
            hit[i] = True
            matched.add(t.text)
    phrase_hits = 0
    # Stemmed phrases compare stems; exact phrases (quoted, or the exact option) the forms written.
    for phrases, attr in ((hl.phrases, "text"), (hl.exact_phrases, "surface")):
        for phrase in phrases:
            n = len(phrase)
            for i in range(len(toks) - n + 1):
                if all(getattr(toks[i + k], attr) == phrase[k] and toks[i + k].pos == toks[i].pos + k
                       for k in range(n)):
                    phrase_hits += 1
                    matched.update(toks[i + k].text for k in range(n))
                    for k in range(n):
                        hit[i + k] = True
    spans: list[tuple[int, int]] = []
    for i, t in enumerate(toks):
        if not hit[i]:
            continue
        # Join marks separated only by spaces (a phrase becomes one mark).
        if spans and not text[spans[-1][1]:t.start].strip():
            spans[-1] = (spans[-1][0], t.end)
        else:
            spans.append((t.start, t.end))
    return spans, matched, phrase_hits


def _marked_probed(text: str, hl: Highlight) -> tuple[list[tuple[int, int]], set[str], int]:
    """_marked_general for phrases and prefixes, from the words around the probes' occurrences.

    Only the tokens that can take part in a mark are analysed: those holding a probe of a
    term, prefix or phrase word. Two of them are neighbours in the index (consecutive
    positions) when only stop words stand between them, which one findall over the gap tells;
    a phrase is a run of neighbours equal to its words. Same marks as _marked_general, which
    the tests compare it with."""
    low = text.lower()
    probes = _all_probes(hl)
    if len(low) != len(text) or "" in probes:
        return _marked_general(text, hl)
    phrase_stems = {w for ph in hl.phrases for w in ph}
    phrase_forms = {w for ph in hl.exact_phrases for w in ph}
    toks = []  # (start, end, stem, surface, marked as a term)
    for start, end, word, root in _run_tokens(text, _runs(text, low, probes), analyzer(hl.stemmer).stem,
                                              hl.stemmer):
        term = (root in hl.terms or word in hl.exact_terms
                or any(root.startswith(p) or word.startswith(p) for p in hl.prefixes))
        if term or root in phrase_stems or word in phrase_forms:
            toks.append((start, end, root, word, term))
    if not toks:
        return [], set(), 0
    hit = [t[4] for t in toks]
    matched = {t[2] for t in toks if t[4]}
    phrase_hits = _phrase_marks(text, toks, hl, hit, matched) if phrase_stems or phrase_forms else 0
    return _joined(text, [(t[0], t[1]) for t, h in zip(toks, hit) if h]), matched, phrase_hits


def _phrase_marks(text: str, toks: list, hl: Highlight, hit: list[bool], matched: set[str]) -> int:
    """Mark the phrases among _marked_probed's tokens; the number of phrase hits."""
    # next_to[i]: toks[i] directly follows toks[i - 1] in the index (no kept word between).
    next_to = [False] + [not kept_words(text[a[1]:b[0]]) for a, b in zip(toks, toks[1:])]
    hits = 0
    for phrases, attr in ((hl.phrases, 2), (hl.exact_phrases, 3)):
        for phrase in phrases:
            n = len(phrase)
            for i in range(len(toks) - n + 1):
                if all(toks[i + k][attr] == phrase[k] and (k == 0 or next_to[i + k]) for k in range(n)):
                    hits += 1
                    for k in range(n):
                        matched.add(toks[i + k][2])
                        hit[i + k] = True
    return hits


@memoize(256)
def _all_probes(hl: Highlight) -> tuple[str, ...]:
    """A probe for every word a mark can involve: terms, prefixes and each word of a phrase
    ("" when some word cannot be probed: a one-letter prefix)."""
    out = {probe(t) for t in hl.terms} | set(hl.exact_terms) | _prefix_probes(hl)
    out |= {probe(w) for ph in hl.phrases for w in ph} | {w for ph in hl.exact_phrases for w in ph}
    return tuple(sorted(out))


def _prefix_probes(hl: Highlight) -> set[str]:
    """A prefix less its first letter: a word matches a prefix by its written form (which
    holds the prefix) or by its root (which may lose its first letter to a nasal)."""
    return {p[1:] for p in hl.prefixes}


def _runs(text: str, low: str, probes: tuple[str, ...]) -> dict[int, int]:
    """{start: end} of each run of word characters holding an occurrence of a probe."""
    runs: dict[int, int] = {}
    is_word = _WORD_CHAR.match
    for p in probes:
        i = low.find(p)
        while i != -1:
            s = i
            while s > 0 and is_word(text, s - 1):
                s -= 1
            if s not in runs:
                runs[s] = _WORD_RUN.match(text, i).end()
            i = low.find(p, max(runs[s], i + 1))
    return runs


def _marked_terms(text: str, terms: frozenset[str], exact: frozenset[str],
                  probes: tuple[str, ...], stem=None, kind: str | None = None):
    """marked for a highlight of plain terms only (most queries): the same tokens, stop words,
    stems and joined spans as the general path, found from the query's probes instead of by
    analysing every word. Every word whose root is a query term contains that term's probe
    (see probes_of), so only the runs of word characters around a probe's occurrences are
    tokenized; a paragraph of 60 words with two hits costs two short runs, not 60 stems.
    Profiling uncached searches showed full re-analysis as the largest part of their time."""
    low = text.lower()
    if len(low) != len(text) or "" in probes:  # a lowercase that is longer shifts offsets
        return _marked_scan(text, terms, exact, stem, kind)
    return _marked_in(text, _runs(text, low, probes), terms, exact, stem, kind)


def _marked_scan(text: str, terms: frozenset[str], exact: frozenset[str], stem=None, kind=None):
    """_marked_terms by analysing every word: the reference the probe-driven path must equal."""
    return _marked_in(text, {0: len(text)}, terms, exact, stem, kind)


def _marked_in(text: str, runs: dict[int, int], terms: frozenset[str], exact: frozenset[str], stem=None,
               kind=None):
    hits: list[tuple[int, int]] = []
    matched: set[str] = set()
    an = analyzer(kind)
    for start, end, word, root in _run_tokens(text, runs, stem or an.stem, an.kind):
        if root in terms or word in exact:
            matched.add(root)
            hits.append((start, end))
    return _joined(text, hits), matched, 0


def _run_tokens(text: str, runs: dict[int, int], stem, kind: str):
    """(start, end, lowercased word, root) of each kept token (not a stop word) in the runs, in
    text order, a compound's parts one by one: the tokens the analyzer gives there."""
    for s in sorted(runs):
        for m, word in kept_matches(text, s, runs[s]):
            split = parts(m.group(), kind)
            if split is None:
                yield m.start(), m.end(), word, stem(word)
            else:
                at = m.start()
                for a, b, part in split:
                    yield at + a, at + b, part, stem(part)


def _joined(text: str, hits: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Token spans in text order, with marks separated only by spaces joined into one."""
    spans: list[tuple[int, int]] = []
    for start, end in hits:
        if spans and not text[spans[-1][1]:start].strip():
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


# Characters a token can hold (TOKEN_RE: letters, digits, and - . , inside numbers and
# reduplications). A token never spans any other character, so tokenizing one run of these
# gives the very tokens a scan of the whole text gives there.
_WORD_CHAR = re.compile(r"[^\W_]|[-.,]")
_WORD_RUN = re.compile(r"(?:[^\W_]|[-.,])*")


@memoize(64)
def _wildcards(patterns: tuple[str, ...]):
    """One regex for the query's wildcard terms (`*` any letters, `?` one), or None."""
    if not patterns:
        return None
    return re.compile("|".join(fnmatch.translate(p).removesuffix(r"\Z").removeprefix("(?s:")
                               .removesuffix(")") for p in patterns))


@memoize(256)
def probes_of(hl: Highlight) -> tuple[str, ...]:
    """Lowercase substrings one of which any paragraph with a mark must contain.

    A root stays inside every word built on it, except that nasal prefixes may replace its
    first letter (tolak -> menolak, kunjung -> mengunjungi), so a root longer than two letters
    is probed without its first letter. This lets best_paragraphs skip, with one `in` test,
    the paragraphs the highlighter would find nothing in."""
    out = {probe(t) for t in hl.terms} | _prefix_probes(hl) | set(hl.exact_terms)
    out |= {probe(ph[0]) for ph in hl.phrases if ph} | {ph[0] for ph in hl.exact_phrases if ph}
    if hl.patterns:
        out.add("")  # wildcards: no cheap test, every paragraph is a candidate
    return tuple(sorted(out))


def probe_hits(text: str, probes: tuple[str, ...]) -> int:
    low = text.lower()
    return sum(p in low for p in probes)
