"""The one Indonesian analyzer, shared by the indexer, the query parser, the highlighter and the
echoes, whatever the engine.

The chain is: tokenize -> lowercase -> drop stop words -> stem. `Analyzer` runs it for one
stemmer (search.text.stemmer, chosen by `Settings.stemmer`); get one with `analyzer(kind)`.
It is plain Python because Whoosh's own generator chain is several times slower; the Whoosh
engine wraps it for its fields and nothing else (search.engine.whoosh.schema). With `stem=False`
the chain stops before the last step: the unstemmed forms of the `exact` field, with the same
tokens, stop words and positions, so a word's exact form and its stem sit at one position.

Tokens (`TOKEN_RE`):
- Indonesian number groups stay whole: `7.000`, `11.000`, `2,5`, `1.250.000,75`;
- hyphenated words are one token: `sanksi-sanksi`, `Korea-Rusia`;
- everything else is a run of letters and digits.
`kept_words` and `kept_matches` are the one tokenizing loop (lowercase, stop words out); every
other reader of text goes through them.

Compounds: a hyphenated token that the stemmer does not reduce to one root (a reduplication
such as `sanksi-sanksi` or `kebijakan-kebijakan` is one word and stays one term), or a token
with a small letter before a capital (`eKTP`, `iPhone`), is read as its parts at consecutive
positions (`Kim Jong-un` -> kim jong un, `e-KTP` and `eKTP` -> e ktp), so the hyphenated, the
spaced and the camel-case forms match each other (a word typed joined in lowercase, `ektp`,
finds only itself). Stop words among the parts are dropped, as between spaced words. (Indexing
the joined form too lengthened every document holding a compound: facqa-dev MRR@10 lost 0.0015.)
A split compound is still one word of its field's length (`word_count`, `joins`): the engines
store that length, so splitting moves no document's BM25 length normalisation.

Paragraphs are joined with PARA_SEP. Paragraph k's positions start at k * PARA_SPAN, so a
phrase never matches across two paragraphs, two positions are in the same paragraph when
`position >> PARA_SHIFT` is equal (search.engine's same-paragraph operator), and a paragraph of
more than PARA_SPAN - PARA_GAP terms (none in any corpus seen) puts its tail at its last position.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from search.cache import memoize
from search.settings import Settings
from search.text import stemmer as stemmers

PARA_SEP = "\u2029"
PARA_GAP = 32  # positions always left free at the end of a paragraph
PARA_SHIFT = 14
PARA_SPAN = 1 << PARA_SHIFT  # positions per paragraph: paragraph k starts at k * PARA_SPAN
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")

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

    text: str  # the stemmed term (the surface form with stem=False)
    pos: int  # position, counting only kept terms, with gaps between paragraphs
    start: int  # character offsets in the analysed text
    end: int
    surface: str  # the lowercased word as written


def kept_words(text: str) -> list[str]:
    """The lowercased words of `text` that are not stop words, in order (one paragraph);
    a compound is its whole token here (see `parts`)."""
    stop = STOP_WORDS
    return [w for w in map(str.lower, TOKEN_RE.findall(text)) if w not in stop]


def kept_matches(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[re.Match, str]]:
    """(match, lowercased word) of each word of `text[start:end]` that is not a stop word."""
    stop = STOP_WORDS
    for m in TOKEN_RE.finditer(text, start, len(text) if end is None else end):
        word = m.group().lower()
        if word not in stop:
            yield m, word


def may_split(token: str, word: str) -> bool:
    """Whether a token (as written; `word` lowercased) may be a compound: cheap, before `parts`."""
    return "-" in word or (word != token and _CAMEL.search(token) is not None)


@memoize(65536)
def _split(token: str, kind: str) -> tuple[tuple[int, int, str], ...] | None:
    word = token.lower()
    if "-" in word:
        pieces = word.split("-")
        if len(set(pieces)) == 1 or "-" not in analyzer(kind).stem(word):
            return None  # a reduplication: one word (sanksi-sanksi, berhati-hati)
        bounds = [m.span() for m in re.finditer(r"[^-]+", word)]
    else:
        cuts = [0] + [m.start() for m in _CAMEL.finditer(token)] + [len(token)]
        bounds = list(zip(cuts, cuts[1:]))
    out = tuple((a, b, word[a:b]) for a, b in bounds if word[a:b] not in STOP_WORDS)
    return out or None


def parts(token: str, kind: str) -> tuple[tuple[int, int, str], ...] | None:
    """The kept parts of a compound token, as (start, end, lowercased part) within it, or None
    when it is one word (see the module's docstring)."""
    return _split(token, kind) if may_split(token, token.lower()) else None


def joined(word: str) -> str:
    """A compound's joined form: `jong-un` -> `jongun`."""
    return word.replace("-", "")


class Analyzer:
    """The analysis chain for one stemmer. `stem` is the stemmer's cached `stem`."""

    def __init__(self, kind: str):
        self.stemmer = stemmers.get(kind)
        self.stem = self.stemmer.stem
        self.kind = kind
        #: Part of an index's schema version: terms differ when this does. (A change to the
        #: tokens, stop words or positions bumps the engines' schema versions instead.)
        self.version = self.stemmer.version
        self._memo: tuple = (None, None, None, None)  # the last two texts analysed, and their (terms, joins)

    def __reduce__(self):
        """Pickled as its kind (an index's stored schema refers to the process's analyzer)."""
        return analyzer, (self.kind,)

    def tokens(self, text: str, start_pos: int = 0, stem: bool = True) -> Iterator[Term]:
        """Index terms with positions and character offsets; `stem=False` gives the
        lowercased words as written (the `exact` field)."""
        root = self.stem if stem else _same
        base, offset, kind = start_pos, 0, self.kind
        for para in text.split(PARA_SEP):
            pos, last = base, base + PARA_SPAN - PARA_GAP - 1
            for m, word in kept_matches(para):
                token = m.group()
                split = _split(token, kind) if may_split(token, word) else None
                if split is None:
                    yield Term(root(word), min(pos, last), offset + m.start(), offset + m.end(), word)
                    pos += 1
                    continue
                at = offset + m.start()
                for a, b, part in split:
                    yield Term(root(part), min(pos, last), at + a, at + b, part)
                    pos += 1
            offset += len(para) + 1
            base += PARA_SPAN

    def index_terms(self, text: str) -> list[tuple[str, str, int]]:
        """(stem, surface, position) of every term, for the indexer: the same steps as
        `tokens` without building a Term per token (the indexing hot path). The fields of one
        document are fed the same string, so the second field reuses the first's analysis."""
        return self._analysed(text)[0]

    def joins(self, text: str) -> list[int]:
        """The indexes in `index_terms(text)` of the terms that continue a compound (`jong` and
        `un` of `Kim Jong-un`): a compound is one word of a field's length (see `word_count`)."""
        return self._analysed(text)[1]

    def word_count(self, text: str, below: int | None = None) -> int:
        """A field's length in words, as BM25 reads it: its terms, a split compound counting
        once (so splitting `Williams-Darling` leaves its document's length as written).
        `below`: only the terms at positions under it (a title: `PARA_SPAN`)."""
        terms, joins = self._analysed(text)
        if below is None:
            return len(terms) - len(joins)
        return sum(1 for t in terms if t[2] < below) - sum(1 for i in joins if terms[i][2] < below)

    def _analysed(self, text: str) -> tuple[list[tuple[str, str, int]], list[int]]:
        """index_terms and joins of `text`; the last two texts' are kept."""
        memo = self._memo
        if memo[0] is text:
            return memo[1]
        if memo[2] is text:
            return memo[3]
        stem, terms, joins, base, kind, stop = self.stem, [], [], 0, self.kind, STOP_WORDS
        # The stemmer's own first look and `may_split`, inlined: this loop runs once per word
        # of every document indexed. (A stale `hot` after the cache turns over still maps each
        # word to its root.)
        hot, camel, add = self.stemmer.cache.hot, _CAMEL.search, terms.append
        for para in text.split(PARA_SEP):
            pos, last = base, base + PARA_SPAN - PARA_GAP - 1
            for token in TOKEN_RE.findall(para):
                word = token.lower()
                if word in stop:
                    continue
                if ("-" in word or (word != token and camel(token) is not None)) \
                        and (split := _split(token, kind)) is not None:
                    joins.extend(range(len(terms) + 1, len(terms) + len(split)))
                    for _a, _b, part in split:
                        add((stem(part), part, pos if pos < last else last))
                        pos += 1
                    continue
                root = hot.get(word)
                add((stem(word) if root is None else root, word, pos if pos < last else last))
                pos += 1
            base += PARA_SPAN
        found = (terms, joins)
        self._memo = (text, found) + memo[:2]
        return found

    def paragraph_stems(self, text: str, skip: int = 0, count: int = 0) -> list[frozenset[str]]:
        """The stem set of each paragraph of a text joined by join_paragraphs, from the
        indexer's analysis of that same text (no second pass); the first `skip` paragraphs (a
        title) are left out. A position's paragraph is `position >> PARA_SHIFT`, so only
        trailing paragraphs without a term go unseen: `count` pads the list to that length."""
        sets: list[set[str]] = [set()]
        for stem, _surface, pos in self.index_terms(text):
            k = pos >> PARA_SHIFT
            if k >= len(sets):
                sets.extend(set() for _ in range(k + 1 - len(sets)))
            sets[k].add(stem)
        out = [frozenset(s) for s in sets[skip:]]
        return out + [frozenset()] * (count - len(out))

    def term_set(self, text: str) -> frozenset[str]:
        """The distinct index terms of a text (a paragraph's echo signature)."""
        return frozenset(t[0] for t in self.index_terms(text.replace(PARA_SEP, " ")))

    def analyze(self, text: str) -> list[str]:
        """The index terms of a text, in order: what `python -m search analyze` prints."""
        return [t.text for t in self.tokens(text)]


def _same(word: str) -> str:
    return word


_analyzers: dict[str, Analyzer] = {}


def analyzer(kind: str | Settings | None = None) -> Analyzer:
    """The process's analyzer for a stemmer kind (or a Settings' kind; default settings)."""
    if isinstance(kind, Settings):
        kind = kind.stemmer
    kind = kind or Settings().stemmer
    found = _analyzers.get(kind)
    if found is None:
        found = _analyzers[kind] = Analyzer(kind)
    return found


def join_paragraphs(paragraphs: list[str]) -> str:
    return PARA_SEP.join(p.replace(PARA_SEP, " ") for p in paragraphs)


# The default analyzer's steps as functions: the CLI's `analyze`, tests and bench scripts.
def tokens(text: str, start_pos: int = 0, stem: bool = True) -> Iterator[Term]:
    return analyzer().tokens(text, start_pos, stem)


def analyze(text: str) -> list[str]:
    return analyzer().analyze(text)
