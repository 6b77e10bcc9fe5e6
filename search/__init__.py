"""Kliping's core library, laid out along its one pipeline; it never imports Flask and returns
plain dataclasses (search.models).

    files -> ingest -> Article -> engine (index) -> Hits -> query.Archive -> SearchResponse
          -> present (words, citations, JSON) -> page or JSON

`text` is the one analysis every step shares, `stories` what a build works out across articles,
`settings` every knob, `cache` the one bounded cache policy, `indexing` the build's helpers.
"""
