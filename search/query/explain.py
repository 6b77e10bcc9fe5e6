"""How a query was read, in the user's own words: the page's "Dibaca sebagai" and the JSON's
`read_as`, where `ast.describe` gives the index's terms (stems) instead.

`explain(node, lang)` writes the nodes back with the words as typed (a Term's `typed`, a
synonym group's or a compound's typed form), phrases as quoted, operators in the reader's
language (DAN/ATAU/BUKAN, DEKAT/N, SEPARAGRAF; AND/OR/NOT, w/N, SAME in English) and filters as
fields (`media:Kontan`, `tanggal:2024-06-17..2024-06-19`). `ignored_words` lists the words typed
that the reading leaves out (stop words, a question's framing). Pure.
"""
from __future__ import annotations

from search.query import ast, fields
from search.query.fields import FIELDS, NAMES
from search.text.analysis import STOP_WORDS, TOKEN_RE

_WORDS = {
    "id": {"and": "DAN", "or": "ATAU", "not": "BUKAN", "near": "DEKAT/{n}", "same": "SEPARAGRAF",
           "outlet": "media", "author": "penulis", "editor": "editor", "source": "sumber", "tag": "topik",
           "title": "judul",
           "date": "tanggal"},
    "en": {"and": "AND", "or": "OR", "not": "NOT", "near": "w/{n}", "same": "SAME",
           "outlet": "outlet", "author": "author", "editor": "editor", "source": "source", "tag": "tag",
           "title": "title",
           "date": "date"},
}


def explain(node: ast.Node | None, lang: str = "en") -> str:
    """The reading in the user's words and the reader's language ("" for a browse)."""
    return "" if node is None else _Writer(_WORDS.get(lang, _WORDS["en"])).write(node)


class _Writer:
    def __init__(self, words: dict[str, str]):
        self.w = words

    def write(self, n) -> str:
        kind = type(n)
        if kind is ast.Term:
            text = n.typed or n.text
            if n.field == ast.EXACT:
                return f'"{text}"'
            return f"{self.w['title']}:{text}" if n.field == ast.TITLE else text
        if kind is ast.ExactTwin:
            return self.write(n.stem)
        if kind in (ast.Phrase, ast.ExactPhrase):
            words = n.words if kind is ast.Phrase else n.forms
            text = n.typed if kind is ast.Phrase and n.typed else " ".join(words)
            slop = f"~{n.slop}" if n.slop > 1 else ""
            if kind is ast.Phrase and n.typed and "-" in n.typed and " " not in n.typed:
                out = n.typed
            else:
                out = f'"{text}"{slop}'
            return f"{self.w['title']}:{out}" if getattr(n, "field", None) == ast.TITLE else out
        if kind is ast.Alternatives:
            if n.typed:  # a synonym group or a compound, as typed (`judul:Jokowi`)
                title = getattr(n.children[0], "field", None) == ast.TITLE
                return f"{self.w['title']}:{n.typed}" if title else n.typed
            return "(" + f" {self.w['or']} ".join(self.write(c) for c in n.children) + ")"
        if kind is ast.Prefix:
            return (f"{self.w['title']}:" if n.field == ast.TITLE else "") + n.text + "*"
        if kind is ast.Wildcard:
            return n.pattern
        if kind is ast.Fuzzy:
            return f"{n.text}~{n.distance}"
        if kind is ast.Field:
            value = f'"{n.value}"' if " " in n.value else n.value
            return f"{self.w[n.name]}:{value}"
        if kind is ast.DateRange:
            return f"{self.w['date']}:{_dates(n.lo, n.hi)}"
        if kind is ast.Not:
            return f"{self.w['not']} {self.grouped(n.child)}"
        if kind is ast.AndNot:
            return f"{self.write(n.a)} {self.w['not']} {self.grouped(n.b)}"
        if kind in (ast.Require, ast.AndMaybe):
            return self.write(n.a) + ("" if kind is ast.Require else f" (+{self.write(n.b)})")
        if kind is ast.Every:
            return "*"
        if kind is ast.Near:
            return f" {self.w['near'].format(n=n.distance)} ".join(self.grouped(c) for c in n.children)
        if kind is ast.SameParagraph:
            return f" {self.w['same']} ".join(self.grouped(c) for c in n.children)
        if kind in (ast.And, ast.Or):
            op = self.w["and"] if kind is ast.And else self.w["or"]
            parts = []
            for c in n.children:
                text = self.write(c)
                if isinstance(c, ast.COMPOUNDS + ast.BINARIES + ast.PROXIMITY) and type(c) is not kind \
                        and not (type(c) is ast.Alternatives and c.typed):
                    text = f"({text})"
                parts.append(text)
            return f" {op} ".join(parts)
        raise TypeError(kind.__name__)

    def grouped(self, n) -> str:
        text = self.write(n)
        plain = type(n) is ast.Alternatives and n.typed
        return f"({text})" if isinstance(n, ast.COMPOUNDS + ast.BINARIES + ast.PROXIMITY) and not plain else text


def _dates(lo: str, hi: str) -> str:
    """Inclusive ISO bounds as typed: one day, a whole month (`2024-06`) or year (`2024`), else
    `lo..hi` (an open end left empty)."""
    if lo and lo == hi:
        return lo
    if lo and hi and lo[:4] == hi[:4] and lo[4:] == "-01-01" and hi[4:] == "-12-31":
        return lo[:4]
    if lo and hi and lo[:7] == hi[:7] and lo[8:] == "01" and fields.date_range(lo[:7]) == (lo, hi):
        return lo[:7]
    return f"{lo}..{hi}"


_OPERATOR_WORDS = frozenset("AND OR NOT DAN ATAU BUKAN SEPARAGRAF SAME ANDNOT ANDMAYBE REQUIRE".split())
_FIELD_NAMES = frozenset(FIELDS)


def ignored_words(raw: str, cleaned: str) -> tuple[str, ...]:
    """Words typed that the reading leaves out: stop words, and words the cleaning dropped
    (a question's framing), each once, lowercased, in the order typed."""
    import re

    def words(text: str) -> list[str]:
        text = re.sub(rf"(?i)\b(?:{NAMES}):(\"[^\"]*\"|\S+)", " ", text)  # field values are not words
        return [w for w in TOKEN_RE.findall(text) if w not in _OPERATOR_WORDS]

    kept = {w.lower() for w in words(cleaned)}
    read_as_operators = {w.lower() for w in TOKEN_RE.findall(cleaned) if w in ("AND", "OR")}
    out = []
    for w in words(raw):
        low = w.lower()
        if low in read_as_operators:
            continue
        if (low in STOP_WORDS or low not in kept) and low not in out and low not in _FIELD_NAMES \
                and not re.fullmatch(r"(?i)w|dekat|near|\d+", low):
            out.append(low)
    return tuple(out)
