"""The licences of a build's sources, as the build records them in the index's manifest.

A source (a file, or a directory of files) carries its terms in a file beside it or in it:
ATTRIBUTION, LICENCE/LICENSE, NOTICE or COPYING (with or without .md or .txt). The first of
these found gives the source's title (its first heading) and its licence: a line that starts
with "Licence:" or "License:", shortened to a Creative Commons code (CC BY-SA 4.0) when it names
one. What no file states stays unknown (None): a licence is never guessed.
"""
from __future__ import annotations

import re
from pathlib import Path

NAMES = ("ATTRIBUTION", "LICENCE", "LICENSE", "NOTICE", "COPYING")
SUFFIXES = ("", ".md", ".txt")
_LINE = re.compile(r"^\W*licen[cs]e\W*:?\W*(.+)$", re.I | re.M)
_CC = re.compile(r"\bCC[ -](BY(?:-(?:SA|NC|ND))*|0)[ -](\d\.\d)\b", re.I)
_HEADING = re.compile(r"^#+\s*(.+?)\s*#*$", re.M)


def terms_file(source: str | Path) -> Path | None:
    """The file stating a source's terms, beside a file or inside a directory; None if none."""
    path = Path(source)
    folder = path if path.is_dir() else path.parent
    for name in NAMES:
        for suffix in SUFFIXES:
            candidate = folder / (name + suffix)
            if candidate.is_file():
                return candidate
    return None


def licence_of(source: str | Path) -> dict:
    """{"source": the source's name, "title", "licence", "file"}: each None when not stated."""
    found = terms_file(source)
    out = {"source": Path(source).name, "title": None, "licence": None, "file": None}
    if found is None:
        return out
    try:
        text = found.read_text(encoding="utf-8", errors="replace")[:20_000]
    except OSError:
        return out
    out["file"] = found.name
    heading = _HEADING.search(text)
    if heading:
        out["title"] = heading.group(1).strip()
    line = _LINE.search(text)
    if line:
        stated = line.group(1).strip().strip("*_ ")
        code = _CC.search(stated)
        out["licence"] = (f"CC {code.group(1).upper()} {code.group(2)}" if code
                          else re.split(r"(?<=[.)])\s", stated, maxsplit=1)[0].rstrip("."))
    return out


def licences(sources: list[str | Path]) -> list[dict]:
    """licence_of for each source, in order."""
    return [licence_of(s) for s in sources]
