"""The Whoosh schema and its version.

Articles are the documents. `body` holds the title and every paragraph, joined so positions
jump between paragraphs; it is neither stored nor given character offsets, because snippets are
built from the stored paragraphs by our own highlighter (search.query.snippets). `exact` holds
the same text unstemmed (the analyzer without its last step), for quoted phrases and the "exact
words" option. It is kept lean: not stored, no offsets and no positions, only frequencies (about
half the size of a positional field). A quoted phrase is matched as the stemmed phrase in
`body` (same positions) AND each exact form in `exact` (an ExactPhrase query).
`title` holds the headline's stems alone (the query language's `judul:`/`title:`).
`answer` holds the answer-type marks of search.text.answers (`angka`, `waktu`) at the body positions
of the words that carry them; it adds no length, so body's BM25 is unchanged.
Facet values live in one packed column (`facets`), read once per searcher into plain lists
(search.engine.whoosh.facets).

The fields are made per stemmer kind (`schema(settings)`), all from the one analyzer of
search.text.analysis. Any change here or in the analysis bumps SCHEMA_FORMAT; an index whose
manifest gives another `schema_version(settings)` refuses to open and says to rebuild.
"""
from __future__ import annotations

from collections import Counter
from itertools import chain
from operator import sub
from pickle import dumps

from whoosh import columns
from whoosh.analysis import Analyzer as WhooshAnalyzer
from whoosh.analysis import Token
from whoosh.fields import COLUMN, ID, STORED, TEXT, Schema
from whoosh.system import pack_uint

from search.cache import memoize
from search.settings import Settings
from search.text import answers
from search.text.analysis import Analyzer, analyzer

#: Bumped on any change to the fields or to the analysis' tokens, stop words or positions, or to
#: what a stored Article holds. 7: authors, paragraph anchors, credit lines leave the body;
#: 8: the facets column also holds the article's paragraph count; 9: compounds split into their
#: parts, paragraphs at PARA_SPAN, a title field (issue 16); 10: all of them; 11: the facets
#: column also holds the authors (`penulis:`); 12: echoes in echoes.sqlite (issue 13); 13: the
#: generation also stores echo links judged for formula (echo store format 4) and its stories and
#: quotes (stories.pickle, issue 17): a 12 index would show no echoes, stories or quotes until an add;
#: 14: a split compound is one word of the stored field lengths (Analyzer.word_count); 15: a stored
#: Article holds its paragraphs' fingerprints (`Article.prints`), which 14's code cannot read;
#: 16: stories and quotes kept as rows (stories.sqlite, search.stories.storystore), updated per batch;
#: 17: the facets column also holds the article id (a document's story without a term look-up).
SCHEMA_FORMAT = 17


def schema_version(settings: Settings) -> str:
    """What an index's manifest must say for these settings to open it."""
    return f"{SCHEMA_FORMAT}+{analyzer(settings).version}"


class TokenAdapter(WhooshAnalyzer):
    """Whoosh's analyzer interface around search.text.analysis.Analyzer: the same steps for
    the fields and for anything of Whoosh's that analyses text."""

    def __init__(self, an: Analyzer, stem: bool = True):
        self.an, self.stem = an, stem

    def __eq__(self, other):
        return isinstance(other, TokenAdapter) and (self.an, self.stem) == (other.an, other.stem)

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            word = value.lower()
            t.original = t.text = self.an.stem(word) if self.stem else word
            t.boost, t.stopped = 1.0, False
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        for term in self.an.tokens(value, start_pos, self.stem):
            t.text, t.boost, t.stopped = term.text, 1.0, False
            if keeporiginal:
                t.original = term.surface
            if positions:
                t.pos = term.pos
            if chars:
                t.startchar, t.endchar = start_char + term.start, start_char + term.end
            yield t


class AnalyzedText(TEXT):
    """A TEXT field that indexes straight from Analyzer.index_terms: the same terms and
    positions its analyzer gives, without Whoosh's per-token objects and generator chain, and
    analysing each text once for both the stemmed and the exact field."""

    def __init__(self, an: Analyzer, stemmed: bool, phrase: bool = True):
        super().__init__(analyzer=TokenAdapter(an, stemmed), phrase=phrase, stored=False)
        self.an, self.stemmed, self.phrase = an, stemmed, phrase

    def index(self, value, **kwargs):
        """Whoosh's interface: (term bytes, frequency, weight, encoded value) per distinct term.
        Whoosh's own writer (the public path) sums the frequencies into the field's length and
        uses them for nothing else, so a term's occurrences that continue a compound are taken
        off its frequency (never off its weight): the sum is `length(value)`, as FastWriter
        stores it."""
        boost = self.format.field_boost
        joins = self.an.joins(value) if self.scorable else ()
        if joins:
            terms, slot = self.an.index_terms(value), 0 if self.stemmed else 1
            cont = Counter(terms[i][slot] for i in joins)
        for word, n, v in self.postings(value):
            yield word.encode("utf-8"), (n - cont.get(word, 0)) if joins else n, n * boost, v

    def length(self, value) -> int:
        """The field's length in words, a split compound counting once (Analyzer.word_count):
        what BM25 reads as this document's length, on every write path and in both engines."""
        return self.an.word_count(value)

    def postings(self, value) -> list[tuple[str, int, bytes]]:
        """(term, frequency, value encoded as Whoosh's Positions/Frequency formats do) per
        distinct term, in first-seen order; search.engine.whoosh.writer reads this directly
        (tests/test_writer.py compares the written postings with Whoosh's own writer's)."""
        terms = self.an.index_terms(value)
        if not self.phrase:  # frequencies only
            packs = _PACKED
            out = []
            for word, n in Counter([t[1 - self.stemmed] for t in terms]).items():
                v = packs.get(n)
                if v is None:
                    v = packs[n] = pack_uint(n)
                out.append((word, n, v))
            return out
        poses: dict[str, list[int]] = {}
        slot = 0 if self.stemmed else 1
        for term in terms:
            lst = poses.get(term[slot])
            if lst is None:
                poses[term[slot]] = [term[2]]
            else:
                lst.append(term[2])
        return _positional(poses)


class AnswerMarks(AnalyzedText):
    """The positional field of search.text.answers: at the position of each word that can
    answer a question of some type, that type (`angka`, `waktu`). Not scorable: a mark is
    scored against the `body` length of its document."""

    def __init__(self, an: Analyzer):
        super().__init__(an, stemmed=True)
        self.scorable = False

    def postings(self, value) -> list[tuple[str, int, bytes]]:
        return _positional(answers.marks(self.an.index_terms(value)))


def _positional(poses: dict[str, list[int]]) -> list[tuple[str, int, bytes]]:
    """(term, frequency, positions encoded as Whoosh's Positions format) per term."""
    single, out = _SINGLE, []
    for word, positions in poses.items():
        n = len(positions)
        if n == 1:  # most postings: one position, encoded once per distinct position
            v = single.get(positions[0])
            if v is None:
                v = single[positions[0]] = _PACK1 + dumps(positions, 2)
        else:  # Positions.encode: the count, then the pickled position deltas
            v = pack_uint(n) + dumps(list(map(sub, positions, chain((0,), positions))), 2)
        out.append((word, n, v))
    return out


_PACKED: dict[int, bytes] = {}
_SINGLE: dict[int, bytes] = {}
_PACK1 = pack_uint(1)


@memoize(8)
def _schema(kind: str) -> Schema:
    an = analyzer(kind)
    return Schema(
        id=ID(stored=True, unique=True),
        body=AnalyzedText(an, stemmed=True),
        exact=AnalyzedText(an, stemmed=False, phrase=False),
        answer=AnswerMarks(an),  # answer-type marks (search.text.answers), at body positions
        title=AnalyzedText(an, stemmed=True),  # the headline alone, for `judul:`
        # Packed facet record: JSON [outlet, date, editors, source, tags, dateline, paragraphs, authors].
        facets=COLUMN(columns.VarBytesColumn()),
        hash=STORED(),
        article=STORED(),  # the whole Article as a JSON string, for pages and snippets
    )


def schema(settings: Settings) -> Schema:
    """The schema for these settings' analysis (one object per stemmer kind)."""
    return _schema(settings.stemmer)
