"""Query-time synonyms and variants: which typed words also mean which other forms.

The groups come from two user-editable files: search/text/data/synonyms.txt (its header documents
the format; KLIPING_SYNONYMS names another) and search/text/data/names.txt, the name variants of
public figures, institutions and abbreviations, each group with its source (KLIPING_NAMES names
another). They are read once and read again when a modification time changes. Nothing here
touches the index: search.query.build turns each Match into an OR of the typed form and its
alternatives, multi-word forms as phrases.

Rules:
- forms wholly in capitals are acronyms and match only as typed (`AS`, never `as`);
- the longest match wins (`DK PBB` before `DK`); a multi-word match whose words have their own
  groups also keeps their combination (`DK PBB` finds `Dewan Keamanan ... PBB` too);
- numbers are variants without any entry: `11.000` = `11000` (four-digit years excepted);
- words inside quotes, operators and wildcard words are left alone.
"""
from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from search.text.analysis import TOKEN_RE

DEFAULT_PATH = Path(__file__).resolve().with_name("data") / "synonyms.txt"
NAMES_PATH = Path(__file__).resolve().with_name("data") / "names.txt"
_OPERATORS = frozenset(("AND", "OR", "NOT"))
_DOTTED = re.compile(r"\d{1,3}(?:\.\d{3})+")
_DIGITS = re.compile(r"\d{4,}")


@dataclass(frozen=True)
class Match:
    """A typed span with its alternatives; `parts` are the sub-matches of a multi-word span
    (with None for a word that has no group), empty when its words have no groups."""

    start: int
    end: int
    typed: str
    alternatives: tuple[str, ...]
    parts: tuple[tuple[str, Match | None], ...] = ()

    def all(self) -> list[Match]:
        """This match and the sub-matches of its parts."""
        return [self] + [m for _, p in self.parts if p for m in p.all()]


@dataclass(frozen=True)
class Table:
    """Groups keyed by their forms' words: acronyms as written, other forms lowercased."""

    acronyms: dict[tuple[str, ...], tuple[str, ...]]
    folded: dict[tuple[str, ...], tuple[str, ...]]
    longest: int
    path: str = ""

    def lookup(self, words: list[str]) -> tuple[str, ...] | None:
        """The group of the typed words, or None."""
        return self.acronyms.get(tuple(words)) or self.folded.get(tuple(w.lower() for w in words))


def _words(form: str) -> tuple[str, ...]:
    return tuple(m.group() for m in TOKEN_RE.finditer(form))


def _is_acronym(form: str) -> bool:
    return any(c.isalpha() for c in form) and form == form.upper()


def parse(text: str, path: str = "") -> Table:
    """A table from the text of a synonyms file. A line with one form is ignored."""
    acronyms: dict[tuple[str, ...], tuple[str, ...]] = {}
    folded: dict[tuple[str, ...], tuple[str, ...]] = {}
    longest = 1
    for line in text.splitlines():
        line = line.split("#", 1)[0]
        forms = tuple(dict.fromkeys(" ".join(f.split()) for f in line.split("=") if f.strip()))
        if len(forms) < 2:
            continue
        for form in forms:
            words = _words(form)
            if not words:
                continue
            longest = max(longest, len(words))
            if _is_acronym(form):
                acronyms[words] = acronyms.get(words, ()) + forms
            else:
                key = tuple(w.lower() for w in words)
                folded[key] = folded.get(key, ()) + forms
    acronyms = {k: tuple(dict.fromkeys(v)) for k, v in acronyms.items()}
    folded = {k: tuple(dict.fromkeys(v)) for k, v in folded.items()}
    return Table(acronyms, folded, longest, path)


_lock = threading.Lock()
_cached: tuple[tuple, Table] | None = None


def path() -> Path:
    return Path(os.environ.get("KLIPING_SYNONYMS") or DEFAULT_PATH)


def names_path() -> Path:
    return Path(os.environ.get("KLIPING_NAMES") or NAMES_PATH)


def _stamp(p: Path) -> tuple[str, int]:
    try:
        return str(p), p.stat().st_mtime_ns
    except OSError:
        return str(p), -1


def _read(p: Path) -> str:
    try:
        return p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def load() -> Table:
    """The current table of both files; they are read again only when a path or an mtime
    changes. A missing or unreadable file adds nothing (searching still works)."""
    global _cached
    files = (path(), names_path())
    stamp = tuple(_stamp(p) for p in files)
    cached = _cached
    if cached and cached[0] == stamp:
        return cached[1]
    with _lock:
        table = parse("\n".join(_read(p) for p in files), str(files[0]))
        _cached = (stamp, table)
    return table


def number_variant(word: str) -> str | None:
    """`11.000` <-> `11000`; None for other words and for years such as 2024."""
    if _DOTTED.fullmatch(word):
        return word.replace(".", "")
    if _DIGITS.fullmatch(word) and not (len(word) == 4 and 1800 <= int(word) <= 2100):
        return f"{int(word):,}".replace(",", ".")
    return None


def _spans(text: str) -> list[tuple[int, int, str]]:
    """Words that may expand: outside quotes, not operators, not part of a wildcard."""
    quoted = [m.span() for m in re.finditer(r'"[^"]*"', text)]
    out = []
    for m in TOKEN_RE.finditer(text):
        s, e = m.span()
        if m.group() in _OPERATORS or any(a <= s < b for a, b in quoted):
            continue
        if text[e:e + 1] in ("*", "?") or text[s - 1:s] in ("*", "?"):
            continue
        out.append((s, e, m.group()))
    return out


def find(text: str, table: Table | None = None) -> list[Match]:
    """The expansions of a (normalized) query text, left to right, longest match first."""
    table = table if table is not None else load()
    return _find(text, _spans(text), table, table.longest)


def _find(text: str, spans: list[tuple[int, int, str]], table: Table, longest: int) -> list[Match]:
    out: list[Match] = []
    i = 0
    while i < len(spans):
        for n in range(min(longest, len(spans) - i), 0, -1):
            run = spans[i:i + n]
            if any(text[a[1]:b[0]].strip() for a, b in zip(run, run[1:])):
                continue  # words joined by something other than spaces, e.g. `(`
            words = [w for _, _, w in run]
            typed = text[run[0][0]:run[-1][1]]
            group = table.lookup(words)
            if group:
                folded = [w.lower() for w in words]
                alts = tuple(f for f in group if [w.lower() for w in _words(f)] != folded)
                parts: tuple = ()
                if n > 1:
                    subs = {m.start: m for m in _find(text, run, table, n - 1)}
                    if subs:
                        parts = _parts(run, subs)
                out.append(Match(run[0][0], run[-1][1], typed, alts, parts))
                i += n
                break
            if n == 1 and (variant := number_variant(words[0])):
                out.append(Match(run[0][0], run[0][1], typed, (variant,)))
                i += 1
                break
        else:
            i += 1
    return out


def _parts(run, subs: dict[int, Match]) -> tuple[tuple[str, Match | None], ...]:
    parts = []
    skip_to = -1
    for s, e, w in run:
        if s < skip_to:
            continue
        m = subs.get(s)
        parts.append((m.typed if m else w, m))
        skip_to = m.end if m else e
    return tuple(parts)
