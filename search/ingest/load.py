"""Files -> `Article` records: finding sources, dispatching on the format, skipping bad input.

This module owns the walk over sources and the dispatch: .txt/.md (`search.ingest.document`),
.jsonl/.csv (`search.ingest.records`), saved .html (`search.ingest.html`). Nothing here raises
on bad input: each unreadable file, record or sidecar is yielded as `Skipped(origin, reason)`
and the rest goes on. Ids are stable permalinks (see `document.file_id` and
`records.record_article`); a later article repeating an id already seen is skipped.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path

from search.errors import IngestError
from search.ingest.document import build_article, file_id, load_document
from search.ingest.fingerprints import Loaded, Prints, Unchanged
from search.ingest.html import read_html
from search.ingest.metafile import is_sidecar, sidecar_path
from search.ingest.records import Progress, check_field_map, read_csv, read_jsonl
from search.models import Article, Skipped

SUPPORTED = (".txt", ".md", ".jsonl", ".csv", ".html", ".htm")

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
    `field_map` (Kliping field -> record key) is checked now: a bad one is a BadRequest.
    `progress(n)`, when given, is told the bytes of source consumed as reading goes on.
    The result is a `search.fingerprints.Loaded` iterator (it also fingerprints each input)."""
    fm = check_field_map(field_map)
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
    fm = check_field_map(field_map)
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
                yield _tag(prints, fp, load_document(path, markdown_file=suffix == ".md"))
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


def _tag(prints: Prints | None, fp: str | None, article: Article) -> Article:
    return prints.tag(article, fp) if prints is not None else article
