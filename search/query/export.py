"""Every match of a search, one matching paragraph at a time: what exports and feeds read.

`rows(archive, request)` runs the search for every match (in the request's order), loads the
articles in batches and yields one Row per paragraph that holds a mark of the query (found by the
index's positions when it can tell, Reader.paragraph_hits, else by the highlighter); an article
that matches without a marked paragraph (a filter alone, a title, a negation) gives one row of
its first paragraph with `matched` False, so every matching article appears. It stops after
`limit` rows (Settings.export_max_rows) and then yields a Notice saying how many articles and
rows were left out.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from search.models import Article
from search.present.citations import permalink_path
from search.query.params import SearchRequest
from search.query.snippets import matching_paragraphs, paragraph_hits

BATCH = 200  # articles loaded at a time


@dataclass(frozen=True)
class Row:
    article: Article
    n: int
    text: str
    path: str  # the paragraph's permalink path (/articles/ID#pN)
    matched: bool  # False: the article matched, but no paragraph holds a mark


@dataclass(frozen=True)
class Notice:
    rows: int  # rows written
    articles: int  # matching articles
    written: int  # articles with at least one row written
    limit: int


def rows(archive, req: SearchRequest, limit: int | None = None) -> Iterator[Row | Notice]:
    limit = archive.settings.export_max_rows if limit is None else limit
    parsed, keys, reader = archive.all_matches(replace(req, page=1))
    hl = parsed.highlight
    written = count = 0
    for start in range(0, len(keys), BATCH):
        batch = keys[start:start + BATCH]
        with archive.lock:
            articles = reader.articles(batch)
            found = paragraph_hits(reader, batch, articles, hl)
        for a, f in zip(articles, found):
            numbers = matching_paragraphs(a.paragraphs, hl, f) if hl else []
            out = [(n, True) for n in numbers] or ([(1, False)] if a.paragraphs else [])
            if count + len(out) > limit:
                yield Notice(count, len(keys), written, limit)
                return
            for n, matched in out:
                yield Row(a, n, a.paragraphs[n - 1], permalink_path(a, n), matched)
            count += len(out)
            written += 1
