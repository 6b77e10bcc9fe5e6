"""Saved HTML news pages -> the main text and stated metadata, by trafilatura.

This module owns HTML. trafilatura finds the article body (dropping menus, footers, comment
threads) and the page's own metadata: title, date, author and site name, from meta tags,
JSON-LD and the visible byline. Those values are "stated" (the page says them); the page's
author is the article's author (`authors`), never an editor. The text then
goes through the same cleaning as every other format, so "Baca juga:" lines, datelines and
editor tags are handled alike.
"""
from __future__ import annotations

import warnings
from pathlib import Path

from search.errors import IngestError
from search.ingest.clean import Cleaned, clean_blocks, collapse
from search.ingest.extract import display_outlet, outlet_name
from search.ingest.metafile import Field, Meta

MAX_BYTES = 20_000_000
#: Fewer words than this is a menu or a stub, not an article.
MIN_WORDS = 8


def read_html(path: Path) -> tuple[Cleaned, Meta]:
    """(cleaned text, stated metadata) of one saved page; IngestError when it has no article."""
    data = path.read_bytes()
    if not data.strip():
        raise IngestError("empty file")
    if len(data) > MAX_BYTES:
        raise IngestError(f"HTML file larger than {MAX_BYTES // 1_000_000} MB")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError("binary file (NUL bytes)")
    import trafilatura  # imported here: a slow import that only HTML needs

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lxml's FutureWarnings inside trafilatura
        doc = trafilatura.bare_extraction(data, with_metadata=True, include_comments=False,
                                          include_tables=False, deduplicate=False)
    if doc is None:
        raise IngestError("no article text found in this HTML page")
    got = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    title = collapse(got.get("title") or "") or None
    lines = [collapse(line) for line in (got.get("text") or "").split("\n")]
    lines = [line for line in lines if line]
    if lines and title and lines[0] == title:
        lines = lines[1:]  # the headline repeated as the first line of the text
    if sum(len(line.split()) for line in lines) < MIN_WORDS:
        raise IngestError("no article text found in this HTML page")
    cleaned = clean_blocks([[line] for line in lines])
    cleaned.title = title

    meta = Meta()
    page = "the page's metadata"
    if title:
        meta.fields["title"] = Field(title, "stated", page)
    if got.get("date"):
        meta.fields["date"] = Field(str(got["date"])[:10], "stated", page)
    if got.get("author"):
        names = [collapse(n) for n in str(got["author"]).split(";") if collapse(n)]
        meta.fields["authors"] = Field(names, "stated", f"author in {page}")
    if got.get("url"):
        meta.fields["url"] = Field(got["url"], "stated", page)
    site = got.get("sitename") or None
    if site:
        meta.fields["outlet"] = Field(display_outlet(site), "stated", f"site name '{site}'")
    elif got.get("hostname"):
        meta.fields["outlet"] = Field(outlet_name(got["hostname"]), "inferred",
                                      f"from the address {got['hostname']}")
    return cleaned, meta
