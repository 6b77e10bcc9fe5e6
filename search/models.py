"""Plain records that flow through Kliping: files -> Article -> index -> SearchResult -> page/JSON.

This module owns the dataclasses (and `web_link`, which addresses a page may link to). Nothing here
touches Whoosh, Flask or the disk.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

#: How a metadata value is known. "stated": the text or the page says it; "inferred": reasoned
#: from it (an address, a newsroom's convention); "source": a field of the record it came in
#: (a dump read with --map), which no person checked; "curated": a person decided it;
#: "unknown": no value is recorded.
BASES = ("stated", "inferred", "source", "curated", "unknown")

#: Metadata fields an article carries, each with a basis. `authors` wrote or reported the
#: article (Penulis, Reporter, Pewarta, Oleh, an HTML page's author); `editors` edited it.
META_FIELDS = ("title", "outlet", "url", "date", "authors", "editors", "source", "dateline", "tags")


@dataclass(frozen=True)
class Removal:
    """One piece of text the cleaner dropped, for `build --verbose` and reports."""

    kind: str  # e.g. "player-fallback", "baca-juga", "photo-caption", "editor-tag"
    text: str


@dataclass
class Article:
    """One cleaned article, ready to index.

    `paragraphs` are numbered from 1 in the order given. `basis` maps each metadata field that
    has a value to how it is known ("stated", "inferred", "source" or "curated"); a field without
    a value has basis "unknown". `notes` holds a free-text note per field (e.g. why a date is
    unknown). `anchors` is the paragraphs' history across re-ingests (search.present.anchors:
    {"moved": {old fingerprint: new}, "gone": {fingerprint: {"n", "text"}}}); it is stored with
    the article but is not part of its content hash. `prints` are the paragraphs' fingerprints
    (search.present.anchors.fingerprint), made once when the article is read from its source and
    stored with it, so a search's permalinks need no hashing; derived, so not part of the content
    hash either. An Article made otherwise, or stored before them, has none (they are computed).
    """

    id: str
    paragraphs: list[str]
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    date: str | None = None  # ISO YYYY-MM-DD
    authors: list[str] = field(default_factory=list)  # who wrote or reported it
    editors: list[str] = field(default_factory=list)
    source: str | None = None  # wire service: Reuters, AP, Antara ...
    dateline: str | None = None  # city in the dateline: Seoul, Jakarta ...
    tags: list[str] = field(default_factory=list)
    basis: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    origin: str = ""  # where it came from: a path, or path:line for JSONL
    removed: list[Removal] = field(default_factory=list)
    anchors: dict = field(default_factory=dict)
    prints: list[str] = field(default_factory=list)

    def basis_of(self, name: str) -> str:
        value = getattr(self, name)
        if value in (None, "", []):
            return "unknown"
        return self.basis.get(name, "stated")

    def metadata(self) -> dict:
        """Every metadata field as {"value", "basis"[, "note"]}: the API's article view."""
        out = {}
        for name in META_FIELDS:
            value = getattr(self, name)
            entry = {"value": value if value not in ("", []) else (None if not isinstance(value, list) else []),
                     "basis": self.basis_of(name)}
            if self.notes.get(name):
                entry["note"] = self.notes[name]
            out[name] = entry
        return out

    def record(self) -> dict:
        """The article as plain JSON-ready data, without the cleaning report. (A shallow
        copy: every field is a str, None, or a list or dict of str; much cheaper than asdict.)"""
        out = {}
        for name in _RECORD_FIELDS:
            value = getattr(self, name)
            out[name] = list(value) if isinstance(value, list) else dict(value) if isinstance(value, dict) else value
        return out

    def flags(self) -> list[str]:
        """What an ingest report should point out about this record (it is indexed all the
        same, and nothing is changed): an original address that is not a web link."""
        if self.url and web_link(self.url) is None:
            return [f"url {self.url[:80]!r} is not an http(s) address: kept, and shown as text, not as a link"]
        return []

    @property
    def content_hash(self) -> str:
        """A digest of everything that is indexed; equal hashes mean nothing to update."""
        payload = self.record()
        payload.pop("origin")
        payload.pop("anchors")  # history, not content: re-adding the same file changes nothing
        payload.pop("prints")  # derived from the paragraphs (and absent from older indexes)
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()[:16]


_RECORD_FIELDS = tuple(f for f in Article.__dataclass_fields__ if f != "removed")


@dataclass(frozen=True)
class Skipped:
    """An input that was not indexed, and why, in words a user can act on."""

    origin: str
    reason: str


@dataclass(frozen=True)
class Snippet:
    """One matching paragraph of a result. `html` is escaped text with <mark> highlights; `url` is
    the paragraph's durable permalink (/articles/<id>/p<n>-<fingerprint>)."""

    n: int
    html: str
    url: str


@dataclass
class SearchResult:
    """One article in a result list, with its best paragraphs."""

    id: str
    title: str  # the headline, or the first words of the text when there is none
    has_title: bool
    outlet: str | None
    date: str | None
    url: str | None  # the original address
    score: float
    source: str | None = None
    dateline: str | None = None
    editors: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    paragraphs: list[Snippet] = field(default_factory=list)
    article_url: str = ""  # this archive's page for the article, carrying the query
    title_html: str = ""  # the title, escaped, with query terms marked
    story: Story | None = None  # the story it belongs to (search.stories.clusters)
    matching: int = 0  # paragraphs holding a match ("lihat semua N paragraf")
    tag_links: list[tuple[str, str]] = field(default_factory=list)  # (tag, query string filtering on it)


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    toggle_url: str  # query string that adds or removes this value


@dataclass
class Facet:
    """Counts of matching articles per value, Datasette style."""

    name: str  # outlet, date, editor, source, tag
    param: str  # the request parameter that filters on it
    values: list[FacetValue]
    truncated: bool


@dataclass(frozen=True)
class Chip:
    """An active filter, shown so it can be removed."""

    param: str
    value: str
    label: str
    remove_url: str


@dataclass
class Page:
    page: int
    per_page: int
    total: int
    pages: int
    prev_url: str | None
    next_url: str | None


@dataclass(frozen=True)
class Echo:
    """A paragraph of another article carrying the same or nearly the same passage
    (search.stories.echoes): where it is, whose it is, and how alike (Jaccard of the term sets).
    `outlet` None is an unknown outlet, shown as such with the title and date."""

    id: str
    n: int
    outlet: str | None
    date: str | None
    title: str  # the headline, or the first words of the text
    similarity: float


@dataclass(frozen=True)
class Story:
    """A story (search.stories.clusters): the articles of different outlets that carry it."""

    id: str
    size: int  # articles
    outlets: tuple[str, ...]  # known outlets, most articles first
    unknown: int = 0  # articles whose outlet is not known
    members: tuple[str, ...] = ()  # article ids, oldest first

    def others(self, outlet: str | None) -> int:
        """Known outlets other than `outlet` that carry the story ("juga di N media")."""
        return len([o for o in self.outlets if not outlet or o.casefold() != outlet.casefold()])


@dataclass(frozen=True)
class QuoteAppearance:
    """A paragraph that carries a quote: where, whose, and how it matches the first appearance."""

    article: str
    n: int
    outlet: str | None
    date: str | None
    title: str
    match: str  # "exact", or "partial" (a partial quote or a paraphrase)


@dataclass
class QuoteResult:
    """A statement and every paragraph of the archive that carries it, the first one first."""

    id: str
    text: str
    speaker: str | None
    first: QuoteAppearance
    occurrences: list[QuoteAppearance]  # every appearance, the first one first, then by date
    kind: str = "direct"  # "direct" (between quote marks) or "reported", as it first appeared


@dataclass
class QuotePage:
    total: int
    results: list[QuoteResult]
    speakers: list[tuple[str, int]]  # speaker facet over the matching quotes, most first
    page: int = 1
    per_page: int = 20


@dataclass(frozen=True)
class QuoteMark:
    """A quote in one paragraph of an article, for marking it on the article page."""

    quote: str  # QuoteResult id
    spans: tuple[tuple[int, int], ...]  # character offsets in the paragraph
    speaker: str | None
    kind: str  # "direct" or "reported"
    first: QuoteAppearance
    others: tuple[QuoteAppearance, ...]  # its other appearances in the archive


@dataclass(frozen=True)
class Notice:
    """Something the reader should know about a response that was served within the limits
    (search.settings.Limits): a message key of search.present.i18n and its parameters."""

    key: str  # query_cut_chars, query_cut_terms, pattern_capped, partial
    params: tuple[tuple[str, str | int], ...] = ()

    def kwargs(self) -> dict:
        return dict(self.params)


def web_link(url: str | None) -> str | None:
    """`url` when a page may link to it (http or https, with a host, no spaces or control
    characters), else None: it is then shown as text. Article metadata is untrusted."""
    if not url or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and host else None


@dataclass(frozen=True)
class OutletShare:
    """How much of the archive one outlet makes; outlet None: articles whose outlet is not known."""

    outlet: str | None
    articles: int
    paragraphs: int


@dataclass
class Coverage:
    """What an archive holds and how it was made: the about page and GET /api/stats."""

    articles: int
    paragraphs: int
    outlets: list[OutletShare]  # most articles first; the unknown outlet last
    months: dict[str, int]  # 'YYYY-MM' -> dated articles, every month from the first to the last
    dated: int  # articles with a known date
    first_date: str | None
    last_date: str | None
    built_at: str | None  # ISO timestamps: the last full build, the last add or remove
    updated_at: str | None
    index_version: str | None  # the schema version an index must carry to be opened
    stemmer: str  # the stemmer's kind and version (part of the index version)
    engine: str  # e.g. "whoosh 2.7.4"
    licences: list[dict] = field(default_factory=list)  # per build source: {"source", "title",
    # "licence", "file"}, each None when not known (search.indexing.licences)
