"""The Whoosh schema and its version.

Articles are the documents. `body` holds the title and every paragraph, joined so positions
jump between paragraphs; it is neither stored nor given character offsets, because snippets are
built from the stored paragraphs by our own highlighter (search.snippets). `exact` holds the same
text unstemmed (search.analysis.EXACT_ANALYZER), for quoted phrases and the "exact words"
option. It is kept lean: not stored, no offsets and no positions, only frequencies (about
half the size of a positional field). A quoted phrase is matched as the stemmed phrase in
`body` (same positions) AND each exact form in `exact` (search.queries.ExactPhrase).
Facet values live in one packed column (`facets`), read once per searcher into plain lists
(search.facets).

Any change here or in the analysis bumps SCHEMA_VERSION; an index built with another version
refuses to open and says to rebuild.
"""
from __future__ import annotations

from collections import defaultdict

from whoosh import columns
from whoosh.fields import COLUMN, ID, STORED, TEXT, Schema
from whoosh.system import pack_uint

from . import stemmer
from .analysis import ANALYZER, EXACT_ANALYZER, index_terms

SCHEMA_VERSION = f"5+{getattr(stemmer, 'LEXICON_VERSION', 'snowball')}"


class AnalyzedText(TEXT):
    """A TEXT field that indexes straight from search.analysis.index_terms: the same terms and
    positions its analyzer gives, without Whoosh's per-token objects and generator chain, and
    analysing each text once for both the stemmed and the exact field. The query parser still
    uses `analyzer`, the same definition."""

    def __init__(self, analyzer, stemmed: bool, phrase: bool = True):
        super().__init__(analyzer=analyzer, phrase=phrase, stored=False)
        self.stemmed, self.phrase = stemmed, phrase

    def index(self, value, **kwargs):
        poses = defaultdict(list)
        slot = 0 if self.stemmed else 1
        for term in index_terms(value):
            poses[term[slot]].append(term[2])
        boost = self.format.field_boost
        if not self.phrase:  # frequencies only
            for word, positions in poses.items():
                yield word.encode("utf-8"), len(positions), len(positions) * boost, pack_uint(len(positions))
            return
        encode = self.format.encode
        for word, positions in poses.items():
            yield word.encode("utf-8"), len(positions), len(positions) * boost, encode(positions)


def make_schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        body=AnalyzedText(ANALYZER, stemmed=True),
        exact=AnalyzedText(EXACT_ANALYZER, stemmed=False, phrase=False),
        # Packed facet record: JSON [outlet, date, editors, source, tags, dateline].
        facets=COLUMN(columns.VarBytesColumn()),
        hash=STORED(),
        article=STORED(),  # the whole Article as a JSON string, for pages and snippets
    )


SCHEMA = make_schema()
