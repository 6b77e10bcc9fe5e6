"""Explicit metadata: YAML sidecar files (`NAME.meta.yaml` beside `NAME.txt`) and Markdown front
matter, each value with the basis it is known by.

This module owns reading and validating those mappings into a `Meta`; it does not merge them with
extraction (that is `search.ingest`). Problems raise `IngestError` with a reason a person can act
on; the caller skips that one article.

A field is written either short, `outlet: Kontan` (basis "curated"), or long,
`outlet: {value: Kontan, basis: stated, note: "KONTAN.CO.ID - SEOUL."}`. Bases are those of
`search.models.BASES`. `{value: null, basis: unknown}` (or a bare `outlet:`) records the field as
explicitly unknown: extraction may not fill it. A field left out lets extraction decide.
`reference_date: YYYY-MM-DD` (curated) resolves text dates that omit the year; `id` sets the id.
Front matter may also give `basis: {field: basis}` and `notes: {field: note}` for short values.
Sidecars are strict about keys (a typo must not be silently ignored); front matter ignores keys
it does not know, since Markdown tools put their own keys there.

YAML timestamps are not auto-converted: dates stay text and must read YYYY-MM-DD (a date-time
such as 2017-07-21T09:00:00 keeps its date part).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from search.errors import IngestError
from search.models import BASES, META_FIELDS

SIDECAR_SUFFIX = ".meta.yaml"
LIST_FIELDS = ("authors", "editors", "tags")
#: Keys besides the metadata fields.
EXTRA_KEYS = ("id", "reference_date", "basis", "notes")
_LONG_KEYS = {"value", "basis", "note"}
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")


class _Loader(yaml.SafeLoader):
    """SafeLoader without implicit timestamps, so '2024-02-30' is our error, not a crash."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Field:
    """One explicit value. value None means "explicitly unknown" (basis "unknown")."""

    value: Any
    basis: str
    note: str | None = None


@dataclass
class Meta:
    fields: dict[str, Field] = field(default_factory=dict)
    id: str | None = None
    reference_date: date | None = None


def sidecar_path(source: Path) -> Path:
    """`seeds/002_x.txt` -> `seeds/002_x.meta.yaml`."""
    return source.with_name(source.stem + SIDECAR_SUFFIX)


def is_sidecar(path: Path) -> bool:
    return path.name.endswith(SIDECAR_SUFFIX)


def read_sidecar(source: Path) -> Meta | None:
    """The sidecar of `source`, or None when it has none. Raises IngestError when it is bad."""
    path = sidecar_path(source)
    if not path.is_file():
        return None
    where = f"metadata file {path.name}"
    try:
        data = path.read_bytes()
    except OSError as e:
        raise IngestError(f"{where}: cannot be read ({e.strerror or e})") from e
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise IngestError(f"{where}: not UTF-8 at byte {e.start}: save it as UTF-8") from e
    mapping = load_yaml(text, what=f"{where} is not valid YAML")
    if mapping is None:
        return Meta()
    if not isinstance(mapping, dict):
        raise IngestError(f"{where} is not a YAML mapping (write 'field: value' lines)")
    try:
        return parse_meta(mapping, strict=True)
    except IngestError as e:
        raise IngestError(f"{where}: {e.message}") from e


def load_yaml(text: str, *, what: str, line_offset: int = 0) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as e:
        raise IngestError(f"{what}: {yaml_detail(e, line_offset)}") from e


def yaml_detail(e: yaml.YAMLError, line_offset: int = 0) -> str:
    mark = getattr(e, "problem_mark", None)
    problem = getattr(e, "problem", None) or str(e).splitlines()[0]
    if mark is None:
        return problem
    return f"line {mark.line + 1 + line_offset}, column {mark.column + 1}: {problem}"


def split_front_matter(text: str) -> tuple[dict | None, str]:
    """Split `---` YAML front matter from a Markdown text: (mapping or None, body).

    Raises IngestError when the front matter is unterminated, not YAML or not a mapping."""
    text = text.lstrip("\ufeff")
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return None, text
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            break
    else:
        raise IngestError("front matter is not closed: add a '---' line after it")
    mapping = load_yaml("\n".join(lines[1:i]), what="front matter is not valid YAML", line_offset=1)
    if mapping is None:
        mapping = {}
    if not isinstance(mapping, dict):
        raise IngestError("front matter is not a YAML mapping: write 'key: value' lines")
    return mapping, "\n".join(lines[i + 1:])


def parse_meta(mapping: Mapping, *, strict: bool) -> Meta:
    """Validate a sidecar or front-matter mapping. Raises IngestError naming the bad key."""
    meta = Meta()
    keys = [str(k) for k in mapping]
    unknown = [k for k in keys if k not in META_FIELDS and k not in EXTRA_KEYS]
    if strict and unknown:
        raise IngestError(f"unknown key '{unknown[0]}' (known: {', '.join(META_FIELDS + EXTRA_KEYS[:2])})")
    if strict and ("basis" in keys or "notes" in keys):
        raise IngestError("write bases as 'field: {value: ..., basis: ...}', not a 'basis' key")
    bases = _str_mapping(mapping.get("basis"), "basis")
    notes = _str_mapping(mapping.get("notes"), "notes")
    for name, basis in bases.items():
        if name not in META_FIELDS:
            raise IngestError(f"basis given for unknown field '{name}'")
        check_basis(name, basis)

    if mapping.get("id") is not None:
        meta.id = str(mapping["id"]).strip()
    if mapping.get("reference_date") is not None:
        meta.reference_date = date.fromisoformat(normalize_date(mapping["reference_date"],
                                                                name="reference_date"))
    for name in META_FIELDS:
        if name not in mapping:
            continue
        raw = mapping[name]
        if isinstance(raw, dict):
            extra = set(map(str, raw)) - _LONG_KEYS
            if extra:
                raise IngestError(f"field '{name}': unknown key '{sorted(extra)[0]}' "
                                  f"(use value, basis, note)")
            value, basis = raw.get("value"), raw.get("basis")
            note = raw.get("note", notes.get(name))
            if basis is None:
                basis = "unknown" if value is None else bases.get(name, "curated")
        else:
            value, note = raw, notes.get(name)
            basis = bases.get(name, "unknown" if raw is None else "curated")
        meta.fields[name] = make_field(name, value, str(basis), note)
    return meta


def make_field(name: str, value: Any, basis: str, note: Any = None) -> Field:
    check_basis(name, basis)
    value = coerce(name, value)
    if note is not None and not isinstance(note, str):
        note = str(note)
    empty = value in (None, "", [])
    if empty and basis != "unknown":
        raise IngestError(f"field '{name}' has no value but basis '{basis}': "
                          f"use {{value: null, basis: unknown}}")
    if not empty and basis == "unknown":
        raise IngestError(f"field '{name}' has a value but basis 'unknown': "
                          f"use stated, inferred or curated")
    return Field(None if empty else value, basis, note or None)


def check_basis(name: str, basis: Any) -> None:
    if basis not in BASES:
        raise IngestError(f"field '{name}': unknown basis '{basis}' (use {', '.join(BASES)})")


def coerce(name: str, value: Any) -> Any:
    """Normalize one field value: lists for editors/tags, ISO dates, stripped text."""
    if value is None:
        return None
    if name in LIST_FIELDS:
        items = value if isinstance(value, list) else [value]
        out = []
        for item in items:
            text = _text(name, item)
            if text and text not in out:
                out.append(text)
        return out
    if name == "date":
        return normalize_date(value) if str(value).strip() else None
    return _text(name, value)


def normalize_date(value: Any, *, name: str = "date") -> str:
    """'2024-06-18' or '2017-07-21T09:00:00Z' -> '2024-06-18'; anything else raises."""
    if isinstance(value, date):
        return value.isoformat()[:10]
    text = str(value).strip()
    m = _DATE.match(text)
    if not m:
        raise IngestError(f"{name} '{text}' is not a date: use YYYY-MM-DD")
    try:
        return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        raise IngestError(f"{name} '{text}' is not a real calendar date: use YYYY-MM-DD") from None


def _text(name: str, value: Any) -> str:
    if isinstance(value, (bool, dict, list)):
        raise IngestError(f"field '{name}' must be text, not {type(value).__name__} {value!r}")
    return " ".join(str(value).split())


def _str_mapping(value: Any, key: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise IngestError(f"'{key}' must map field names to text")
    return {str(k): str(v) for k, v in value.items()}
