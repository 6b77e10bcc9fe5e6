"""The Whoosh schema and its version.

Articles are the documents. `body` holds the title and every paragraph, joined so positions
jump between paragraphs; it is neither stored nor given character offsets, because snippets are
built from the stored paragraphs by our own highlighter (search.snippets). `exact` holds the same
text unstemmed (search.analysis.EXACT_ANALYZER), for quoted phrases and the "exact words"
option; it is kept lean: not stored, no character offsets, positions only (for phrases).
Facet values live in
one packed column (`facets`), read once per searcher into plain lists (search.facets).

Any change here or in the analysis bumps SCHEMA_VERSION; an index built with another version
refuses to open and says to rebuild.
"""
from __future__ import annotations

from whoosh import columns
from whoosh.fields import COLUMN, ID, STORED, TEXT, Schema

from . import stemmer
from .analysis import ANALYZER, EXACT_ANALYZER

SCHEMA_VERSION = f"4+{getattr(stemmer, 'LEXICON_VERSION', 'snowball')}"


def make_schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        body=TEXT(analyzer=ANALYZER, phrase=True, stored=False),
        exact=TEXT(analyzer=EXACT_ANALYZER, phrase=True, stored=False),
        # Packed facet record: JSON [outlet, date, editors, source, tags, dateline].
        facets=COLUMN(columns.VarBytesColumn()),
        hash=STORED(),
        article=STORED(),  # the whole Article as a JSON string, for pages and snippets
    )


SCHEMA = make_schema()
