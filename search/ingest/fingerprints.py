"""Input fingerprints: how `add` knows an input is unchanged without cleaning it again.

This module owns `fingerprints.json` in a generation directory. A fingerprint is the sha1 of
everything one article is made from: the raw JSONL line (a leading BOM on line 1 dropped, as the
reader drops it), or the CSV header and row as parsed, or a .txt/.md/.html file's name and bytes
plus its sidecar's bytes (or their absence); the field map; and `RULES_KEY`, which covers
`search.ingest.clean.CLEANING_VERSION`, the source of every module of `search.ingest` and of
`search.models` (`rule_files`), and the versions of the libraries they call. Equal fingerprints
therefore mean an equal Article.

The file maps {article id: fingerprint} and records the Whoosh generation of the index it
describes and `RULES_KEY`. It is trusted only when both still match: a crash between the index
commit and the file write, or new cleaning rules, make it stale, and stale means "no
fingerprints" (every input is cleaned and compared by content hash, as before). `build` writes
it, `add` and `remove` keep it current; a generation without it works the same, only slower.

`ingest.load` returns a `Loaded` iterator. Only `updater.add` arms it (`skip_unchanged`); then an
input whose fingerprint is known yields `Unchanged(origin, id)` instead of an Article.
"""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

FILE = "fingerprints.json"
_LIBRARIES = ("markdown", "nh3", "trafilatura", "PyYAML")


def rule_files() -> list[Path]:
    """The code that decides what an input becomes: every module of this package (found by
    listing it, so a module added or moved in covers itself) and the records it makes."""
    here = Path(__file__).resolve().parent
    return sorted(here.glob("*.py")) + [here.parent / "models.py"]


def _rules_key() -> str:
    from search.ingest.clean import CLEANING_VERSION

    h = hashlib.sha1(f"cleaning {CLEANING_VERSION}\n".encode())
    for path in rule_files():
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    for lib in _LIBRARIES:
        try:
            h.update(f"{lib}={metadata.version(lib)}\n".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{lib}=?\n".encode())
    return h.hexdigest()


RULES_KEY = _rules_key()


@dataclass(frozen=True)
class Unchanged:
    """An input whose fingerprint says it makes the article `id` already in the index."""

    origin: str
    id: str


class Prints:
    """The fingerprints of one `ingest.load` call: computing them, and what they matched."""

    def __init__(self, field_map: dict[str, str]) -> None:
        fm = json.dumps(sorted(field_map.items()), ensure_ascii=False)
        self._prefix = f"{RULES_KEY}\n{fm}\n".encode()
        self.table: dict[str, str] | None = None  # {fingerprint: id}, set by skip_unchanged
        self.seen: dict[str, str] = {}  # {id: fingerprint} of each Article yielded
        self.last: str | None = None  # the fingerprint of the Article being yielded
        self.matched = 0  # inputs found unchanged by fingerprint

    def of(self, kind: str, *parts: bytes | None) -> str:
        h = hashlib.sha1(self._prefix + kind.encode() + b"\n")
        for part in parts:
            if part is None:
                h.update(b"-\n")
            else:
                h.update(b"%d\n" % len(part))
                h.update(part)
        return h.hexdigest()

    def record(self, raw: bytes, first_line: bool) -> str:
        if first_line and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        return self.of("jsonl", raw)

    def row(self, header: list[str], row: list[str]) -> str:
        return self.of("csv", json.dumps([header, row], ensure_ascii=False).encode("utf-8"))

    def file(self, path: Path, sidecar: Path | None) -> str | None:
        """A .txt/.md/.html file and its sidecar; None when unreadable (it is cleaned, and
        skipped with the reason)."""
        try:
            side = sidecar.read_bytes() if sidecar is not None and sidecar.is_file() else None
            return self.of("file", path.name.encode("utf-8"), path.read_bytes(), side)
        except OSError:
            return None

    def match(self, fp: str | None, origin: str) -> Unchanged | None:
        """`Unchanged` when armed and `fp` is known, else None (go on and clean the input)."""
        if self.table is None or fp is None:
            return None
        found = self.table.get(fp)
        if found is None:
            return None
        self.matched += 1
        return Unchanged(origin, found)

    def tag(self, article, fp: str | None):
        """Pass an Article on, remembering the fingerprint it was made from."""
        self.last = fp
        return article


class Loaded:
    """What `ingest.load` returns: an iterator of Article | Skipped (| Unchanged when armed)."""

    def __init__(self, start: Callable[[Prints], Iterator], field_map: dict[str, str]) -> None:
        self.prints = Prints(field_map)
        self._start = start
        self._it: Iterator | None = None

    def __iter__(self) -> Loaded:
        return self

    def __next__(self):
        if self._it is None:
            self._it = self._start(self.prints)
        return next(self._it)

    def close(self) -> None:
        if self._it is not None:
            self._it.close()

    def skip_unchanged(self, known: dict[str, str]) -> None:
        """Arm the fast path with {id: fingerprint} (before iterating)."""
        self.prints.table = {fp: i for i, fp in known.items()}


def path(gen: Path) -> Path:
    return Path(gen) / FILE


def read(gen: Path, ix) -> dict[str, str]:
    """{id: fingerprint} for the index `ix` in `gen`, or {} when missing, unreadable or stale."""
    try:
        data = json.loads(path(gen).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("rules") != RULES_KEY \
            or data.get("generation") != ix.latest_generation():
        return {}
    entries = data.get("entries")
    return dict(entries) if isinstance(entries, dict) else {}


def write(gen: Path, ix, entries: dict[str, str]) -> None:
    """Record `entries` as describing the index's latest commit (atomically)."""
    data = {"rules": RULES_KEY, "generation": ix.latest_generation(), "entries": entries}
    tmp = path(gen).with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    os.replace(tmp, path(gen))


def write_stream(gen: Path, ix, entries) -> None:
    """`write` for (id, fingerprint) pairs given one at a time (a build's, which may be
    millions): the file is written as they come, never held whole."""
    tmp = path(gen).with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(json.dumps({"rules": RULES_KEY, "generation": ix.latest_generation()})[:-1] + ',"entries":{')
        for i, (aid, fp) in enumerate(entries):
            f.write(("," if i else "") + json.dumps(aid, ensure_ascii=False) + ":" + json.dumps(fp))
        f.write("}}")
    os.replace(tmp, path(gen))
