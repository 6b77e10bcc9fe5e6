"""The Whoosh schema and its version.

Articles are the documents. `body` holds the title and every paragraph, joined so positions
jump between paragraphs; it is neither stored nor given character offsets, because snippets are
built from the stored paragraphs by our own highlighter (search.snippets). `exact` holds the same
text unstemmed (search.analysis.EXACT_ANALYZER), for quoted phrases and the "exact words"
option. It is kept lean: not stored, no offsets and no positions, only frequencies (about
half the size of a positional field). A quoted phrase is matched as the stemmed phrase in
`body` (same positions) AND each exact form in `exact` (search.queries.ExactPhrase).
`answer` holds the answer-type marks of search.answers (`angka`, `waktu`) at the body positions
of the words that carry them; it adds no length, so body's BM25 is unchanged.
Facet values live in one packed column (`facets`), read once per searcher into plain lists
(search.facets).

Any change here or in the analysis bumps SCHEMA_VERSION; an index built with another version
refuses to open and says to rebuild.
"""
from __future__ import annotations

from collections import Counter
from itertools import chain
from operator import sub
from pickle import dumps

from whoosh import columns
from whoosh.fields import COLUMN, ID, STORED, TEXT, Schema
from whoosh.system import pack_uint

from search.text import answers, stemmer
from search.text.analysis import ANALYZER, EXACT_ANALYZER, index_terms

SCHEMA_VERSION = f"6+{getattr(stemmer, 'LEXICON_VERSION', 'snowball')}"


class AnalyzedText(TEXT):
    """A TEXT field that indexes straight from search.analysis.index_terms: the same terms and
    positions its analyzer gives, without Whoosh's per-token objects and generator chain, and
    analysing each text once for both the stemmed and the exact field. The query parser still
    uses `analyzer`, the same definition."""

    def __init__(self, analyzer, stemmed: bool, phrase: bool = True):
        super().__init__(analyzer=analyzer, phrase=phrase, stored=False)
        self.stemmed, self.phrase = stemmed, phrase

    def index(self, value, **kwargs):
        """Whoosh's interface: (term bytes, frequency, weight, encoded value) per distinct term."""
        boost = self.format.field_boost
        for word, n, v in self.postings(value):
            yield word.encode("utf-8"), n, n * boost, v

    def postings(self, value) -> list[tuple[str, int, bytes]]:
        """(term, frequency, value encoded as Whoosh's Positions/Frequency formats do) per
        distinct term, in first-seen order; search.writer reads this directly (tests/test_writer.py
        compares the written postings with Whoosh's own writer's)."""
        terms = index_terms(value)
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
    """The positional field of search.answers: at the position of each word that can answer
    a question of some type, that type (`angka`, `waktu`). Not scorable: a mark is scored
    against the `body` length of its document."""

    def __init__(self):
        super().__init__(ANALYZER, stemmed=True)
        self.scorable = False

    def postings(self, value) -> list[tuple[str, int, bytes]]:
        return _positional(answers.marks(index_terms(value)))


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


def make_schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        body=AnalyzedText(ANALYZER, stemmed=True),
        exact=AnalyzedText(EXACT_ANALYZER, stemmed=False, phrase=False),
        answer=AnswerMarks(),  # answer-type marks (search.answers), at body positions
        # Packed facet record: JSON [outlet, date, editors, source, tags, dateline].
        facets=COLUMN(columns.VarBytesColumn()),
        hash=STORED(),
        article=STORED(),  # the whole Article as a JSON string, for pages and snippets
    )


SCHEMA = make_schema()
