"""Kliping's core library: ingest, analysis, schema, indexer, queries, facets, snippets and
citations. It returns plain dataclasses and never imports Flask.

The pipeline: files -> `ingest.load` -> `Article` -> `indexer.build` -> Whoosh index ->
`Archive.search` -> `SearchResponse` of `SearchResult` records -> pages or JSON.
"""
