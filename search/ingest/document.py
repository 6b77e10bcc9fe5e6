"""One document -> `Article`: .txt and .md files, Markdown rendering, and the merge of metadata.

`build_article` merges, later winning: extraction from the text (`search.ingest.extract`, basis
"stated") < front matter or record fields (`search.ingest.metafile`) < the `NAME.meta.yaml`
sidecar. A .txt/.md file's id is its stem when that is URL-safe (`records.ID_RE`), else a slug
of the stem + "-" + the first 8 hex of sha1(stem); a URL-safe front-matter or sidecar `id` wins.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown
import nh3

from search.errors import IngestError
from search.ingest.clean import Cleaned, clean_blocks, clean_text, collapse
from search.ingest.extract import extract, outlet_from_url
from search.ingest.metafile import Field, Meta, parse_meta, read_sidecar, split_front_matter
from search.ingest.records import ID_RE, decode_text
from search.models import Article
from search.present.anchors import fingerprints

#: HTML that survives sanitizing Markdown output; everything else is stripped (its text kept),
#: and script/style elements are dropped with their content.
ALLOWED_TAGS = {"p", "li", "ul", "ol", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
                "code", "em", "strong", "b", "i", "a", "br", "hr", "table", "thead", "tbody",
                "tr", "td", "th", "dl", "dt", "dd"}
BLOCK_TAGS = {"p", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "dt", "dd",
              "td", "th", "tr", "ul", "ol", "table", "dl", "hr", "div"}


def load_document(path: Path, *, markdown_file: bool) -> Article:
    """A .txt or .md file (and its sidecar) -> Article; IngestError says why not."""
    text = decode_text(path.read_bytes())
    layers: list[Meta] = []
    if markdown_file:
        front, body = split_front_matter(text)
        front_meta = parse_meta(front, strict=False) if front is not None else Meta()
        layers.append(front_meta)
        cleaned = clean_markdown(body, has_title="title" in front_meta.fields,
                                 given_title=_value(front_meta, "title"))
    else:
        cleaned = clean_text(text)
    sidecar = read_sidecar(path)
    if sidecar is not None:
        layers.append(sidecar)
    art_id = file_id(path.stem)
    reference = None
    for meta in layers:
        if meta.id and ID_RE.match(meta.id):
            art_id = meta.id
        reference = meta.reference_date or reference
    return build_article(art_id, cleaned, layers, origin=str(path), reference_date=reference)


def file_id(stem: str) -> str:
    """The id of a .txt/.md file from its stem (see the module docstring)."""
    if ID_RE.match(stem):
        return stem
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_stem).strip("-").lower()[:64].rstrip("-")
    digest = hashlib.sha1(stem.encode("utf-8")).hexdigest()[:8]
    return f"{slug}-{digest}" if slug else f"doc-{digest}"


def _value(meta: Meta, name: str) -> Any:
    f = meta.fields.get(name)
    return f.value if f else None


class _BlockText(HTMLParser):
    """Sanitized HTML -> [(tag, lines)], one entry per block element, text unescaped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, list[str]]] = []
        self._tag = "p"
        self._buf: list[str] = []

    def _flush(self, next_tag: str) -> None:
        lines = [collapse(line) for line in "".join(self._buf).split("\n")]
        lines = [line for line in lines if line]
        if lines:
            self.blocks.append((self._tag, lines))
        self._buf, self._tag = [], next_tag

    def handle_starttag(self, tag, attrs):
        if tag in BLOCK_TAGS:
            self._flush(tag)
        elif tag == "br":
            self._buf.append("\n")

    def handle_endtag(self, tag):
        if tag in BLOCK_TAGS:
            self._flush("p")

    def handle_data(self, data):
        self._buf.append(data)

    def close(self):
        super().close()
        self._flush("p")


def markdown_blocks(body: str) -> list[tuple[str, list[str]]]:
    """Render Markdown, sanitize it with nh3, and return its block elements as plain text."""
    html = markdown.markdown(body)
    safe = nh3.clean(html, tags=ALLOWED_TAGS, attributes={}, clean_content_tags={"script", "style"},
                     link_rel=None)
    parser = _BlockText()
    parser.feed(safe)
    parser.close()
    return parser.blocks


def clean_markdown(body: str, *, has_title: bool, given_title: str | None = None) -> Cleaned:
    """A Markdown body -> Cleaned. A leading first-level heading is the title when the front
    matter has none, and is dropped when it merely repeats the front-matter title."""
    blocks = markdown_blocks(body)
    title = None
    if blocks and blocks[0][0] == "h1" and len(blocks) > 1:
        heading = " ".join(blocks[0][1])
        if not has_title:
            title = heading
            blocks = blocks[1:]
        elif given_title and collapse(given_title) == heading:
            blocks = blocks[1:]
    cleaned = clean_blocks([lines for _, lines in blocks], kinds=[tag for tag, _ in blocks])
    cleaned.title = title
    return cleaned


def build_article(art_id: str, cleaned: Cleaned, layers: list[Meta], *, origin: str,
                  reference_date: date | None) -> Article:
    """Merge extraction, the cleaner's headline and explicit metadata into one Article."""
    if not cleaned.paragraphs:
        raise IngestError("no article text left after cleaning (only boilerplate or metadata)")
    fields: dict[str, Field] = {}
    for name, found in extract(cleaned, reference_date).items():
        known = found.value not in (None, "", [])
        fields[name] = Field(found.value if known else None, found.basis if known else "unknown",
                             found.note)
    if cleaned.title:
        fields["title"] = Field(cleaned.title, "stated")
    for meta in layers:
        fields.update(meta.fields)
    url, outlet = fields.get("url"), fields.get("outlet")
    if url and url.value and (outlet is None or (outlet.value is None
                                                 and name_unset(layers, "outlet"))):
        found = outlet_from_url(url.value)
        if found:
            fields["outlet"] = Field(found, "inferred", f"from the address {url.value}")

    art = Article(id=art_id, paragraphs=list(cleaned.paragraphs), origin=origin,
                  removed=list(cleaned.removed), prints=fingerprints(cleaned.paragraphs))
    for name, f in fields.items():
        if f.value not in (None, "", []):
            setattr(art, name, list(f.value) if isinstance(f.value, list) else f.value)
            art.basis[name] = f.basis
        if f.note:
            art.notes[name] = f.note
    return art


def name_unset(layers: list[Meta], name: str) -> bool:
    """True when no explicit layer says anything about `name` (an explicit unknown counts)."""
    return not any(name in meta.fields for meta in layers)
