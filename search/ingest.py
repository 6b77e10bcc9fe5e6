"""Files -> `Article` records: finding sources, reading each format, ids, skipping bad input.

This module owns the public ingest API (`SUPPORTED`, `iter_sources`, `load`, `load_file`). It
reads bytes, dispatches on the extension, and merges metadata in this order, later winning:
extraction from the text (`search.extract`, basis "stated") < front matter or JSONL fields
(`search.metafile`, basis as written, "curated" by default) < the `NAME.meta.yaml` sidecar.
All text is cleaned by `search.clean`. Nothing here raises on bad input: each unreadable file,
record or sidecar is yielded as `Skipped(origin, reason)` and the rest goes on.

Ids are stable permalinks. A .txt/.md file's id is its stem when that is URL-safe (`ID_RE`),
else a slug of the stem + "-" + the first 8 hex of sha1(stem); a URL-safe front-matter or
sidecar `id` wins. A JSONL record's id is its `id` when URL-safe, else "a-" + the first 16 hex
of sha1(url), or of sha1(title + "\\n" + first paragraph) when it has no url (raw text,
whitespace collapsed, so a change to the cleaning rules does not move ids).
"""
from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from datetime import date
from functools import partial
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Iterable, Iterator

import markdown
import nh3

from search.clean import Cleaned, clean_blocks, clean_paragraphs, clean_text, collapse
from search.errors import IngestError
from search.extract import extract, outlet_from_url
from search.fingerprints import Loaded, Prints, Unchanged
from search.htmlread import read_html
from search.metafile import (Field, Meta, is_sidecar, parse_meta, read_sidecar, sidecar_path,
                             split_front_matter)
from search.models import Article, Skipped
from search.records import (ID_RE, RECORD_KEYS, Progress, check_field_map, decode_text, read_csv,
                            read_jsonl, record_article)

SUPPORTED = (".txt", ".md", ".jsonl", ".csv", ".html", ".htm")
#: Kliping fields a `field_map` may rename, besides the metadata fields.
JSONL_KEYS = RECORD_KEYS

#: HTML that survives sanitizing Markdown output; everything else is stripped (its text kept),
#: and script/style elements are dropped with their content.
ALLOWED_TAGS = {"p", "li", "ul", "ol", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
                "code", "em", "strong", "b", "i", "a", "br", "hr", "table", "thead", "tbody",
                "tr", "td", "th", "dl", "dt", "dd"}
BLOCK_TAGS = {"p", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "dt", "dd",
              "td", "th", "tr", "ul", "ol", "table", "dl", "hr", "div"}

Result = Article | Skipped


# ---------------------------------------------------------------- finding sources

def iter_sources(paths: Iterable[str | os.PathLike]) -> Iterator[Path]:
    """Source files under `paths`: directories expanded recursively (hidden entries skipped),
    sorted, supported extensions only. Sidecars (*.meta.yaml) are never sources."""
    for item in _walk(paths):
        if isinstance(item, Path):
            yield item


def _walk(paths: Iterable[str | os.PathLike]) -> Iterator[Path | Skipped]:
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = _dir_files(path)
        elif path.is_file():
            if is_sidecar(path):
                continue
            if path.suffix.lower() not in SUPPORTED:
                yield Skipped(str(path), f"unsupported file type '{path.suffix}': "
                                         f"Kliping reads {', '.join(SUPPORTED)} files")
                continue
            found = [path]
        else:
            yield Skipped(str(path), "no such file or directory")
            continue
        for f in found:
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                yield f


def _dir_files(root: Path) -> list[Path]:
    out = []
    for here, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.startswith(".") or name.endswith(".meta.yaml"):
                continue
            if os.path.splitext(name)[1].lower() in SUPPORTED:
                out.append(Path(here, name))
    return sorted(out, key=lambda p: p.relative_to(root).parts)


# ---------------------------------------------------------------- public entry points

def load(paths: Iterable[str | os.PathLike], *, field_map: dict[str, str] | None = None,
         progress: Progress = None) -> Iterator[Result]:
    """Every article under `paths`, in source order, or a `Skipped` saying why not.

    A later article whose id was already seen in this call is skipped as a duplicate.
    `field_map` (Kliping field -> record key) is checked now: a bad one is a ValueError.
    `progress(n)`, when given, is told the bytes of source consumed as reading goes on.
    The result is a `search.fingerprints.Loaded` iterator (it also fingerprints each input)."""
    fm = _check_field_map(field_map)
    return Loaded(partial(_load, paths, fm, progress), fm)


def total_bytes(paths: Iterable[str | os.PathLike]) -> int:
    """The size of every source file under `paths`: the total for a progress bar."""
    return sum(p.stat().st_size for p in iter_sources(paths) if p.is_file())


def _load(paths, fm: dict[str, str], progress: Progress = None,
          prints: Prints | None = None) -> Iterator[Result | Unchanged]:
    first_seen: dict[str, str] = {}
    for item in _walk(paths):
        if isinstance(item, Skipped):
            yield item
            continue
        for result in _load_file(item, fm, progress, prints):
            if isinstance(result, (Article, Unchanged)):
                fp = None
                if prints is not None and isinstance(result, Article):
                    fp, prints.last = prints.last, None  # set by the reader just before
                if result.id in first_seen:
                    yield Skipped(result.origin, f"duplicate id {result.id}, "
                                                 f"first seen in {first_seen[result.id]}")
                    continue
                first_seen[result.id] = result.origin
                if fp:
                    prints.seen[result.id] = fp
            yield result


def load_file(path: str | os.PathLike, *, field_map: dict[str, str] | None = None,
              progress: Progress = None) -> Iterator[Result]:
    """The articles of one file: one for .txt/.md/.html, one per line or row for .jsonl/.csv."""
    fm = _check_field_map(field_map)
    return _load_file(Path(path), fm, progress)


def _load_file(path: Path, fm: dict[str, str], progress: Progress = None,
               prints: Prints | None = None) -> Iterator[Result | Unchanged]:
    counted = [0]

    def count(n: int) -> None:
        counted[0] += n
        if progress:
            progress(n)

    try:
        yield from _read(path, fm, count, prints)
    finally:
        if progress:  # whatever was not counted record by record (a whole file, a skipped one)
            try:
                rest = path.stat().st_size - counted[0]
            except OSError:
                rest = 0
            if rest > 0:
                progress(rest)


def _read(path: Path, fm: dict[str, str], count, prints: Prints | None = None
          ) -> Iterator[Result | Unchanged]:
    origin = str(path)
    try:
        if not path.is_file():
            yield Skipped(origin, "no such file" if not path.exists() else "not a regular file")
            return
        suffix = path.suffix.lower()
        if suffix == ".jsonl":
            yield from read_jsonl(path, fm, build_article, count, prints)
        elif suffix == ".csv":
            yield from read_csv(path, fm, build_article, count, prints)
        elif suffix in (".html", ".htm", ".txt", ".md"):
            side = sidecar_path(path) if suffix in (".txt", ".md") else None
            fp = prints.file(path, side) if prints is not None else None
            same = prints.match(fp, origin) if prints is not None else None
            if same is not None:
                yield same
            elif suffix in (".html", ".htm"):
                cleaned, meta = read_html(path)
                yield _tag(prints, fp, build_article(file_id(path.stem), cleaned, [meta],
                                                     origin=origin, reference_date=None))
            else:
                yield _tag(prints, fp, _load_document(path, markdown_file=suffix == ".md"))
        else:
            yield Skipped(origin, f"unsupported file type '{path.suffix}': "
                                  f"Kliping reads {', '.join(SUPPORTED)} files")
    except IngestError as e:
        yield Skipped(origin, e.message)
    except OSError as e:
        yield Skipped(origin, f"cannot be read: {e.strerror or e}")
    except Exception as e:  # never let one bad input stop a build; say it is our fault
        yield Skipped(origin, f"could not be ingested ({type(e).__name__}: {e}); "
                              f"this is a Kliping bug, please report it")


_check_field_map = check_field_map


def _tag(prints: Prints | None, fp: str | None, article: Article) -> Article:
    return prints.tag(article, fp) if prints is not None else article


def jsonl_article(obj: dict, field_map: dict[str, str], origin: str) -> Article:
    """One JSONL record -> Article. Raises IngestError (without the line number)."""
    return record_article(obj, field_map, origin, build_article)


# ---------------------------------------------------------------- .txt and .md

def read_text(path: Path) -> str:
    """The file as text, or IngestError: empty, binary, or not UTF-8."""
    return decode_text(path.read_bytes())


def _load_document(path: Path, *, markdown_file: bool) -> Article:
    text = read_text(path)
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


# ---------------------------------------------------------------- merging

def build_article(art_id: str, cleaned: Cleaned, layers: list[Meta], *, origin: str,
                  reference_date: date | None) -> Article:
    """Merge extraction, the cleaner's headline and explicit metadata into one Article."""
    if not cleaned.paragraphs:
        raise IngestError("no article text left after cleaning (only boilerplate or metadata)")
    fields: dict[str, Field] = {}
    for name, found in extract(cleaned, reference_date).items():
        known = found.value not in (None, "", [])
        fields[name] = Field(found.value if known else None, "stated" if known else "unknown",
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
                  removed=list(cleaned.removed))
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
