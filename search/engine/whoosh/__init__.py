"""The Whoosh engine, the embedded default: everything that knows Whoosh 2.7.4 lives here.

`engine` (the Engine: generations, refresh), `reader` (one generation: search, articles,
echoes, stats), `store` (directories, CURRENT, manifest, writer lock), `schema` (fields made
from Kliping's analyzer), `build` and `update` (writing), `writer` (the fast segment writer),
`postings` (whole posting lists), `matching` (set algebra), `scoring` (bulk BM25 + proximity),
`facets` (facet table, filters, counts).
"""
