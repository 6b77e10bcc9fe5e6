"""Did you mean: when a query finds few articles, each word the archive rarely or never writes
is replaced by the nearest frequent written word (search.text.spelling, through the reader's
lexicon), and the corrected query is offered when it finds more.

A word is checked when fewer than `suggest_rare` articles hold it; its candidates are the words
within one edit (two for words of six letters or more) that at least `suggest_ratio` times as
many articles hold, nearest first, then the most frequent. Words in quotes, operators, field
names and numbers are left as typed. Measured by bench/eval_suggest.py.
"""
from __future__ import annotations

import re

from search.engine.base import Reader
from search.query.fields import NAMES
from search.settings import Settings
from search.text.analysis import STOP_WORDS

_WORD = re.compile(r"[^\W\d_]{3,}")
_SKIP = re.compile(rf'"[^"]*"|(?i:\b(?:{NAMES}):\S+)|\b(?:AND|OR|NOT|DAN|ATAU|BUKAN|SEPARAGRAF|SAME)\b')


def correction(word: str, reader: Reader, settings: Settings) -> str | None:
    """The frequent word nearest a rare one, or None."""
    low = word.lower()
    if low in STOP_WORDS:
        return None
    df = reader.word_frequency(low)
    if df >= settings.suggest_rare:
        return None
    edits = 2 if len(low) >= 6 else 1
    floor = max(settings.suggest_rare, settings.suggest_ratio * df)
    for w, _d, _n in reader.similar_words(low, edits, 5, min_freq=floor):
        return w if word.islower() or not word[:1].isupper() else w.capitalize()
    return None


def suggest(text: str, reader: Reader, settings: Settings) -> str | None:
    """The query with its rare words corrected, or None when there is nothing to correct."""
    skipped = [m.span() for m in _SKIP.finditer(text)]
    out, at, changed = [], 0, False
    for m in _WORD.finditer(text):
        if any(a <= m.start() < b for a, b in skipped) or text[m.end():m.end() + 1] in ("*", "?", "~"):
            continue
        fixed = correction(m.group(), reader, settings)
        if fixed and fixed.lower() != m.group().lower():
            out += [text[at:m.start()], fixed]
            at, changed = m.end(), True
    return "".join(out) + text[at:] if changed else None
