"""A paragraph's echo signature: its index terms, with each compound seen as one word.

The index reads a compound (`MotoGP`, `JogjaRockarta`, `Kim Jong-un`) as its parts
(search.text.analysis), so that a search for the spaced form finds it. For echoes that is the
wrong unit: one word written as a compound would count as two shared words in the Jaccard of the
echo join and in the judge's weights (search.stories.formulaic), inflating every paragraph
holding the same compound (MotoGP race reports look alike on `moto` + `gp`), while the same word
written in one piece by another outlet (`Jogjarockarta`) shares none of its parts. So the
signature holds a compound's joined form, stemmed (`jogjarockarta`, `motogp`, `jongun`), in
place of its parts: the unit it had before compounds were split, and the one a word written
without the hyphen or the capital gives.

Every other token is the index's own term (stop words out, stemmed), so a paragraph without a
compound keeps the term set the indexer computed (`signature` then only looks at its hyphenated
and camel-case words, and reuses the set); only a paragraph with a compound is read again.
"""
from __future__ import annotations

import re

from search.text.analysis import Analyzer, joined, kept_matches, parts

# The words that may be compounds: hyphenated, or with a small letter before a capital (a
# superset of the analyzer's compound tokens; a paragraph without any of them has none).
_MAY_BE = re.compile(r"\b[^\W_]+(?:-[^\W_]+)+|\b[^\W_]*?[a-z][A-Z][^\W_]*")
_MAY_HOLD = re.compile(r"-|[a-z][A-Z]")  # a first, cheaper look: most paragraphs have neither


def signature(an: Analyzer, text: str, stems: frozenset[str] | None = None) -> frozenset[str]:
    """The echo signature of one paragraph. `stems`, when given, is its index term set
    (Analyzer.paragraph_stems), returned as is when the text holds no compound (most
    paragraphs: their hyphenated words are reduplications, `sanksi-sanksi`)."""
    if stems is not None and not _holds_compound(text, an.kind):
        return stems
    return _read(an, text)


def compounds(an: Analyzer, paragraphs: list[str]) -> list[frozenset[str] | None]:
    """Per paragraph, its signature when it holds a compound, else None (its index term set is
    its signature): what a build's reading child works out, so that the indexer need not look
    (`signature(an, text, stems)` is the entry, or `stems` where it is None)."""
    kind = an.kind
    return [_read(an, text) if _holds_compound(text, kind) else None for text in paragraphs]


def _holds_compound(text: str, kind: str) -> bool:
    return _MAY_HOLD.search(text) is not None and \
        any(parts(m.group(), kind) is not None for m in _MAY_BE.finditer(text))


def _read(an: Analyzer, text: str) -> frozenset[str]:
    kind, stem, out = an.kind, an.stem, set()
    for m, word in kept_matches(text):
        if parts(m.group(), kind) is None:
            out.add(stem(word))
        else:
            out.add(stem(joined(word)))
    return frozenset(out)
