"""Did you mean: each word of a query that few articles hold (fewer than `suggest_rare`) and
that a much commoner written word (at least `suggest_ratio` times as many articles) lies within
one edit of (two for words of six letters or more), gets up to three such corrections, nearest
first (search.text.spelling orders them); the archive keeps, word by word, the correction with
which the query finds the most, and offers the corrected query when it finds more than the
query as typed. Words in quotes, operators, field values, numbers and words of fewer than three
letters are left as typed, and so is a compound the analyzer splits (`eKTP` is searched as
`e ktp`). Measured by bench/eval_suggest.py.
"""
from __future__ import annotations

import re

from search.engine.base import Reader
from search.query.fields import NAMES
from search.settings import Settings
from search.text.analysis import STOP_WORDS, analyzer, parts

_WORD = re.compile(r"[^\W\d_]{3,}")
_SKIP = re.compile(rf'"[^"]*"|(?i:\b(?:{NAMES}):\S+)|\b(?:AND|OR|NOT|DAN|ATAU|BUKAN|SEPARAGRAF|SAME)\b')
CHOICES = 3  # corrections tried per word


def candidates(word: str, reader: Reader, settings: Settings, rare: int | None = None) -> tuple[list[str], int]:
    """Corrections of a rare word (held by fewer than `rare` articles, default suggest_rare),
    best first, and how many articles hold the word."""
    low = word.lower()
    if low in STOP_WORDS or parts(word, analyzer(settings).kind) is not None:
        return [], 0
    df = reader.word_frequency(low)
    if df >= (settings.suggest_rare if rare is None else rare):
        return [], df
    edits = 2 if len(low) >= 6 else 1
    found = reader.similar_words(low, edits, CHOICES * 2, min_freq=max(3, settings.suggest_ratio * df))
    if not found:
        return [], df
    nearest = found[0][1]
    out = [w for w, d, _n in found if d == nearest][:CHOICES]
    return [w.capitalize() if word[:1].isupper() and not word.isupper() else w for w in out], df


def corrections(text: str, reader: Reader, settings: Settings,
                rare: int | None = None) -> list[tuple[tuple[int, int], list[str], int]]:
    """(span of a word in `text`, its corrections, articles holding it) for each word worth
    correcting, the words no article holds first."""
    skipped = [m.span() for m in _SKIP.finditer(text)]
    out = []
    for m in _WORD.finditer(text):
        if any(a <= m.start() < b for a, b in skipped) or text[m.end():m.end() + 1] in ("*", "?", "~"):
            continue
        words, held = candidates(m.group(), reader, settings, rare)
        fixes = [f for f in words if f.lower() != m.group().lower()]
        if fixes:
            out.append((m.span(), fixes, held))
    return sorted(out, key=lambda f: (f[2] > 0, f[0]))


def apply(text: str, chosen: dict[tuple[int, int], str]) -> str:
    """`text` with the chosen corrections in place of their spans."""
    out, at = [], 0
    for (a, b), word in sorted(chosen.items()):
        out += [text[at:a], word]
        at = b
    return "".join(out) + text[at:]
