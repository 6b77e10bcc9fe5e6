"""The query language's fields: their Indonesian and English names, and what a value means.

`media:Kontan`, `penulis:"Rina Sari"`, `judul:sanksi`, `tanggal:2024-06-17..2024-06-19` …
Each name maps to one canonical field (FIELDS). Metadata fields (outlet, editor, source, tag)
are filters: a value matches an article's value when every word of it is a word of the
article's, in any case (`media:kompas` finds `Kompas.com`, `editor:rina` finds `Rina Sari`);
`value_matches` is that rule, which every engine applies. `penulis:`/`author:` searches the
authors an article names (Article.authors; unknown for many), `editor:` its editors.
Dates take a day, a month or a year, a range `a..b` (either end may be left open) or a bound
`>`, `>=`, `<`, `<=`: `date_range` turns them into inclusive ISO days. Pure; no engine here.
"""
from __future__ import annotations

import calendar
import re

from search.text.analysis import TOKEN_RE

#: Field name as typed (lowercased) -> canonical field.
FIELDS = {
    "media": "outlet", "outlet": "outlet",
    "penulis": "author", "author": "author", "editor": "editor",
    "sumber": "source", "source": "source",
    "topik": "tag", "tag": "tag",
    "judul": "title", "title": "title",
    "tanggal": "date", "date": "date",
}
META = ("outlet", "author", "editor", "source", "tag")  # filters on the article's metadata
NAMES = "|".join(sorted(FIELDS, key=len, reverse=True))
_DAY = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def words(value: str) -> tuple[str, ...]:
    """The lowercased words of a metadata value, as the field rule compares them."""
    return tuple(w.lower() for w in TOKEN_RE.findall(value))


def value_matches(query_value: str, value: str) -> bool:
    """Whether an article's metadata value matches a typed field value: every word of the
    typed value is a word of the article's (case-insensitive); `Kompas.com` has kompas, com."""
    wanted = words(query_value)
    return bool(wanted) and set(wanted) <= set(words(value))


def _bound(text: str, end: bool) -> str | None:
    """'2024', '2024-06' or '2024-06-17' -> its first (or last) day, ISO; None if not a date."""
    m = _DAY.fullmatch(text.strip())
    if not m:
        return None
    y, mo, d = int(m.group(1)), m.group(2), m.group(3)
    if mo is not None and not 1 <= int(mo) <= 12:
        return None
    month = int(mo) if mo else (12 if end else 1)
    last = calendar.monthrange(y, month)[1]
    if d is not None and not 1 <= int(d) <= last:
        return None
    day = int(d) if d else (last if end else 1)
    return f"{y:04d}-{month:02d}-{day:02d}"


def _shift(iso: str, days: int) -> str:
    import datetime as dt

    return (dt.date.fromisoformat(iso) + dt.timedelta(days=days)).isoformat()


def date_range(text: str) -> tuple[str, str] | None:
    """A typed date value as inclusive ISO bounds ("" is open), or None if it is not one:
    `2024` (the year), `2024-06`, `2024-06-17`, `2024-06-17..2024-06-19`, `2024-06..`,
    `..2024`, `>2024-06` (after June), `>=2024-06`, `<2024`, `<=2024-06-17`."""
    text = text.strip()
    if ".." in text:
        a, b = text.split("..", 1)
        lo = _bound(a, False) if a.strip() else ""
        hi = _bound(b, True) if b.strip() else ""
        if lo is None or hi is None or (lo and hi and lo > hi) or not (lo or hi):
            return None
        return lo, hi
    for op in (">=", "<=", ">", "<"):
        if text.startswith(op):
            rest = text[len(op):]
            lo, hi = _bound(rest, False), _bound(rest, True)
            if lo is None or hi is None:
                return None
            return {">=": (lo, ""), "<=": ("", hi), ">": (_shift(hi, 1), ""), "<": ("", _shift(lo, -1))}[op]
    lo, hi = _bound(text, False), _bound(text, True)
    return None if lo is None or hi is None else (lo, hi)
