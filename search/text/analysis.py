"""The one Indonesian analyzer, shared by the indexer, the query parser and the highlighter.

The chain is: tokenize -> lowercase -> drop stop words -> stem. It is written as plain Python
(`analyze`, `tokens`) because Whoosh's own generator chain is several times slower, and wrapped
as a Whoosh analyzer (`ANALYZER`) so fields and the query parser use the very same steps.
`EXACT_ANALYZER` is the same chain without the last step: the unstemmed forms of the `exact`
field, with the same tokens, stop words and positions, so a word's exact form and its stem sit
at one position (search.schema matches quoted phrases on that). Stop words are dropped there
too: it keeps the field lean, and `"sanksi yang baru"` reads the same in either field.

Tokens:
- Indonesian number groups stay whole: `7.000`, `11.000`, `2,5`, `1.250.000,75`;
- hyphenated and reduplicated words stay whole: `sanksi-sanksi`, `Korea-Rusia`;
- everything else is a run of letters and digits.

Paragraphs are joined with PARA_SEP; the positions jump by PARA_GAP there, so a phrase never
matches across two paragraphs.
"""
from __future__ import annotations

import re
from typing import Iterator, NamedTuple

from whoosh.analysis import Analyzer, Token

from search.text import stemmer

PARA_SEP = "\u2029"
PARA_GAP = 32

TOKEN_RE = re.compile(
    r"\d{1,3}(?:\.\d{3})+(?:,\d+)?"  # 7.000  11.000  1.250.000,75
    r"|\d+(?:[.,]\d+)?"  # 2024  2,5  3.14
    r"|[^\W_]+(?:-[^\W_]+)*"  # words, sanksi-sanksi, Korea-Rusia
)

#: Indonesian function words that carry no topic. Kept short on purpose: words such as
#: "tidak", "bukan", "baru", "lama" or "dalam" change meaning and stay searchable.
#: Sources: the common core of published Indonesian stop lists (Tala 2003), trimmed by hand.
STOP_WORDS = frozenset(
    """
    ada adalah agar akan aku anda apa apakah atau atas bagi bahwa bahwasanya begitu beliau
    belum bisa dan dari daripada demikian dengan di dia ia ialah ini itu jika juga kalau kami
    kamu kami karena kata ke kepada ketika kita lagi lalu maka mereka namun oleh pada para
    per pula saat saja sambil sang sebagai sedang sedangkan sehingga sejak seperti serta
    si sudah supaya telah tentang tersebut untuk yaitu yakni yang
    """.split()
)


class Term(NamedTuple):
    """One index term with where it came from."""

    text: str  # the stemmed term
    pos: int  # position, counting only kept terms, with gaps between paragraphs
    start: int  # character offsets in the analysed text
    end: int
    surface: str  # the lowercased word as written


def _same(word: str) -> str:
    return word


def tokens(text: str, start_pos: int = 0, stem: bool = True) -> Iterator[Term]:
    """Analyse text into index terms, with positions and character offsets.
    With `stem=False` the terms are the lowercased words as written (the `exact` field)."""
    stem = stemmer.stem if stem else _same
    pos = start_pos
    offset = 0
    for para in text.split(PARA_SEP):
        for m in TOKEN_RE.finditer(para):
            word = m.group().lower()
            if word in STOP_WORDS:
                continue
            yield Term(stem(word), pos, offset + m.start(), offset + m.end(), word)
            pos += 1
        offset += len(para) + 1
        pos += PARA_GAP


_memo: list = [None, None]  # (text, [(stem, surface, pos)]) of the last text indexed


def index_terms(text: str) -> list[tuple[str, str, int]]:
    """(stem, surface, position) of every term, for the indexer. The body and exact fields are
    fed the same string, so the second field reuses the first one's analysis."""
    if _memo[0] is text:
        return _memo[1]
    # The same steps as tokens(), without building a Term per token (the indexing hot path).
    stem, stop, terms, pos = stemmer.stem, STOP_WORDS, [], 0
    for para in text.split(PARA_SEP):
        for word in map(str.lower, TOKEN_RE.findall(para)):
            if word not in stop:
                terms.append((stem(word), word, pos))
                pos += 1
        pos += PARA_GAP
    _memo[0], _memo[1] = text, terms
    return terms


def paragraph_stems(text: str, skip: int = 0) -> list[frozenset[str]]:
    """The stem set of each paragraph of a text joined by join_paragraphs, from the indexer's
    analysis of that same text (no second pass); the first `skip` paragraphs (a title) are left
    out. Positions jump by PARA_GAP at each paragraph boundary, which is how they are told apart."""
    sets: list[set[str]] = [set()]
    last = -1
    for stem, _surface, pos in index_terms(text):
        if pos - last > 1:
            sets.extend(set() for _ in range((pos - last - 1) // PARA_GAP))
        sets[-1].add(stem)
        last = pos
    return [frozenset(s) for s in sets[skip:]]


def analyze(text: str) -> list[str]:
    """The index terms of a text, in order: what `python -m search analyze` prints."""
    return [t.text for t in tokens(text)]


def join_paragraphs(paragraphs: list[str]) -> str:
    return PARA_SEP.join(p.replace(PARA_SEP, " ") for p in paragraphs)


class IndonesianAnalyzer(Analyzer):
    """Whoosh adapter around `tokens`: the same steps for fields and for the query parser."""

    stem = True

    def __init__(self, stem: bool = True):
        self.stem = stem

    def __eq__(self, other):
        return isinstance(other, IndonesianAnalyzer) and self.stem == other.stem

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            word = value.lower()
            t.original = t.text = stemmer.stem(word) if self.stem else word
            t.boost = 1.0
            t.stopped = False
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        for term in tokens(value, start_pos, self.stem):
            t.text = term.text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = term.surface
            if positions:
                t.pos = term.pos
            if chars:
                t.startchar = start_char + term.start
                t.endchar = start_char + term.end
            yield t


ANALYZER = IndonesianAnalyzer()
EXACT_ANALYZER = IndonesianAnalyzer(stem=False)
