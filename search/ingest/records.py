"""Record dumps: JSONL (one object a line) and CSV (a header row, one article a row) -> `Article`.

This module owns reading records and the field map. `field_map` maps a Kliping field (a
metadata field or one of `RECORD_KEYS`) to the dump's own column or key, so a foreign dump goes
in without converting it (IndoSum: outlet=source,url=source_url,date=date_from_id_timestamp,
tags=category). A key mapped to another field is not read under its own name.

A record needs `paragraphs` (a list of strings; in CSV a JSON list, else text) or `body` (text,
paragraphs split at blank lines). Dates may be ISO or Indonesian ("27 Maret 2017", "27/3/2017").
Lowercase outlet names that the outlets table knows get their display name ("cnn indonesia" ->
"CNN Indonesia"). Values read from the record's fields have basis "source": the dump says them,
no person of this archive decided them (a sidecar or front matter is "curated").
Bad records raise `IngestError`; the readers turn that into `Skipped` with the
line or row number and go on. `progress(n)` is told how many bytes each record consumed.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from search.errors import BadRequest, IngestError
from search.ingest.clean import clean_paragraphs, clean_text, collapse
from search.ingest.extract import OUTLET_NAMES, display_outlet, parse_date_text
from search.ingest.metafile import Field, Meta, coerce, normalize_date
from search.models import META_FIELDS, Article, Skipped

#: Kliping fields a `field_map` may rename, besides the metadata fields.
RECORD_KEYS = ("id", "paragraphs", "body", "reference_date")
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
#: List cells in CSV: "a; b" or "a | b" (a comma may be inside a name, so it does not split).
LIST_SPLIT = re.compile(r"\s*[;|]\s*")

Progress = Callable[[int], None] | None


def check_field_map(field_map: dict[str, str] | None) -> dict[str, str]:
    """The field map (Kliping field -> record key), checked; BadRequest says what to fix."""
    fm = dict(field_map or {})
    for name, key in fm.items():
        if name not in META_FIELDS and name not in RECORD_KEYS:
            raise BadRequest(f"--map: unknown Kliping field {name!r}; the fields are "
                             f"{', '.join(META_FIELDS + RECORD_KEYS)} (e.g. --map outlet=source)")
        if not isinstance(key, str) or not key:
            raise BadRequest(f"--map: {name!r} must name a field of the records (e.g. {name}=column)")
    return fm


def read_jsonl(path: Path, fm: dict[str, str], build, progress: Progress = None, prints=None
               ) -> Iterator[Article | Skipped]:
    """One Article or Skipped per non-blank line; `build` is ingest.build_article. With
    `prints` (search.fingerprints.Prints), a line it knows yields `Unchanged` uncleaned."""
    with path.open("rb", buffering=1 << 16) as f:  # line by line: a dump of millions is never held whole
        if b"\x00" in f.peek(1 << 16)[: 1 << 16]:
            raise IngestError("binary file (NUL bytes)")
        yield from _jsonl_lines(f, path, fm, build, progress, prints)


def _jsonl_lines(f, path: Path, fm: dict[str, str], build, progress: Progress, prints
                 ) -> Iterator[Article | Skipped]:
    offset, any_record = 0, False
    for n, raw in enumerate(f, start=1):
        start, offset = offset, offset + len(raw)
        if progress:
            progress(len(raw))
        raw = raw.rstrip(b"\n")
        if not raw.strip():
            continue
        if b"\x00" in raw:
            yield Skipped(f"{path}:{n}", f"line {n}: binary data (NUL bytes)")
            continue
        any_record = True
        origin = f"{path}:{n}"
        fp = prints.record(raw, n == 1) if prints is not None else None
        same = prints.match(fp, origin) if prints is not None else None
        if same is not None:
            yield same
            continue
        try:
            try:
                line = raw.decode("utf-8-sig" if n == 1 else "utf-8")
            except UnicodeDecodeError as e:
                raise IngestError(f"not UTF-8 at byte {start + e.start}: save it as UTF-8") from None
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                raise IngestError(f"not valid JSON ({e.msg} at column {e.colno})") from None
            if not isinstance(obj, dict):
                raise IngestError(f"not a JSON object but {type(obj).__name__}")
            art = record_article(obj, fm, origin, build)
            yield prints.tag(art, fp) if prints is not None else art
        except IngestError as e:
            yield Skipped(origin, f"line {n}: {e.message}")
    if not any_record:
        raise IngestError("empty file")


def decode_text(data: bytes) -> str:
    """A file's bytes as text, or IngestError saying why not: empty, UTF-16, binary, not UTF-8."""
    if not data.strip():
        raise IngestError("empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError("UTF-16 text: save it as UTF-8")
    if b"\x00" in data:
        raise IngestError("binary file (NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise IngestError(f"not UTF-8 at byte {e.start}: save it as UTF-8") from None
    if not text.strip():
        raise IngestError("empty file")
    return text


def read_csv(path: Path, fm: dict[str, str], build, progress: Progress = None, prints=None
             ) -> Iterator[Article | Skipped]:
    """One Article or Skipped per record (numbered as a spreadsheet does: the header is row 1;
    a cell with line breaks does not add rows)."""
    text = decode_text(path.read_bytes())
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    buf = io.StringIO(text)
    reader = csv.reader(buf, dialect)
    header = next(reader, None)
    if not header or not any(h.strip() for h in header):
        raise IngestError("no header row: the first row must name the columns")
    header = [h.strip() for h in header]
    done = 0
    for n, row in enumerate(_rows(reader), start=2):
        if isinstance(row, IngestError):
            yield Skipped(f"{path}:{n}", f"row {n}: {row.message}")
            break
        if progress:
            pos = buf.tell()
            progress(len(text[done:pos].encode("utf-8")))
            done = pos
        if not any(cell.strip() for cell in row):
            continue
        origin = f"{path}:{n}"
        try:
            if len(row) != len(header):
                raise IngestError(f"has {len(row)} cells but the header has {len(header)}")
            fp = prints.row(header, row) if prints is not None else None
            same = prints.match(fp, origin) if prints is not None else None
            if same is not None:
                yield same
                continue
            art = record_article(dict(zip(header, row)), fm, origin, build, csv_cells=True)
            yield prints.tag(art, fp) if prints is not None else art
        except IngestError as e:
            yield Skipped(origin, f"row {n}: {e.message}")


def _rows(reader) -> Iterator[list[str] | IngestError]:
    try:
        yield from reader
    except csv.Error as e:
        yield IngestError(f"cannot be read as CSV ({e}); the rows after it are skipped")


def record_article(obj: dict, field_map: dict[str, str], origin: str, build, *,
                   csv_cells: bool = False) -> Article:
    """One record -> Article. Raises IngestError (without the line number)."""
    used = set(field_map.values())

    def key(name: str) -> str | None:
        if name in field_map:
            return field_map[name]
        return None if name in used else name  # a key mapped elsewhere is not read twice

    def get(name: str) -> Any:
        k = key(name)
        value = obj.get(k) if k is not None else None
        return None if csv_cells and value == "" else value

    paragraphs, body = get("paragraphs"), get("body")
    if csv_cells and isinstance(paragraphs, str):
        paragraphs = _cell_list(paragraphs)
    if csv_cells and paragraphs is None and isinstance(body, str) and body.lstrip().startswith("["):
        as_list = _cell_list(body)  # a body cell holding a JSON list of paragraphs
        if len(as_list) != 1 or as_list[0] != body:
            paragraphs = as_list
    if paragraphs is not None:
        if not isinstance(paragraphs, list) or not all(isinstance(p, str) for p in paragraphs):
            raise IngestError(f"'{key('paragraphs')}' must be a list of strings")
        cleaned = clean_paragraphs(paragraphs)
        first = next((collapse(p) for p in paragraphs if p.strip()), "")
    elif body is not None:
        if not isinstance(body, str):
            raise IngestError(f"'{key('body')}' must be a string")
        cleaned = clean_text(body, detect_title=False)
        first = collapse(body.strip().split("\n\n")[0])
    else:
        raise IngestError(f"missing '{key('paragraphs') or 'paragraphs'}' or "
                          f"'{key('body') or 'body'}'")

    meta = Meta()
    for name in META_FIELDS:
        value = get(name)
        if csv_cells and name in ("authors", "editors", "tags") and isinstance(value, str):
            value = [v for v in LIST_SPLIT.split(value) if v]
        note = None
        if name == "date" and isinstance(value, str) and value.strip():
            value, note = read_date(value), None
        value = coerce(name, value)
        if name == "outlet" and isinstance(value, str) and value.lower() in OUTLET_NAMES \
                and value == value.lower():
            value, note = display_outlet(value), f"'{value}' in the source data"
        if value not in (None, "", []):
            meta.fields[name] = Field(value, "source", note)
    reference = get("reference_date")
    if reference not in (None, ""):
        meta.reference_date = date.fromisoformat(read_date(reference, name="reference_date"))

    rid = get("id")
    rid = str(rid).strip() if isinstance(rid, (str, int)) and not isinstance(rid, bool) else ""
    if not ID_RE.match(rid):
        url = meta.fields["url"].value if "url" in meta.fields else None
        title = meta.fields["title"].value if "title" in meta.fields else ""
        basis = url or f"{title}\n{first}"
        rid = "a-" + hashlib.sha1(basis.encode("utf-8")).hexdigest()[:16]
    return build(rid, cleaned, [meta], origin=origin, reference_date=meta.reference_date)


def read_date(value: Any, *, name: str = "date") -> str:
    """ISO or an Indonesian date ("27 Maret 2017", "27/3/2017") -> YYYY-MM-DD, else IngestError."""
    try:
        return normalize_date(value, name=name)
    except IngestError:
        found = parse_date_text(str(value))
        if found:
            return found
        raise


def _cell_list(cell: str) -> list[str]:
    """A CSV `paragraphs` cell: a JSON list of strings, else text split at blank lines."""
    text = cell.strip()
    if text.startswith("["):
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            value = None
        if isinstance(value, list):
            return value
    return [p for p in re.split(r"\n\s*\n", cell) if p.strip()]
