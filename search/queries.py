"""Reading a user's query: text in, a ParsedQuery out. Pure: nothing here opens the index.

The reading is lenient and explainable:
- words are analysed by the shared analyzer (search.analysis), so `kunjungan` reads as `kunjung`;
- `"..."` is a phrase; `AND`, `OR`, `NOT`, `-word`, `+word`, `(...)` and `prefix*` work;
- an unbalanced quote or bracket, or an operator with nothing to join, is dropped with a note;
- up to MAX_ALL_TERMS plain words must all occur; a longer query (a pasted sentence or a
  question) ranks articles by how many of its words they contain, so one missing word never
  empties the page.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh import qparser

from .analysis import tokens
from .schema import SCHEMA

FIELD = "body"
MAX_ALL_TERMS = 3
COORD_SCALE = 0.9  # OrGroup coordination bonus for long queries
OPERATORS = ("AND", "OR", "NOT")


@dataclass(frozen=True)
class Highlight:
    """What a snippet marks: stemmed terms, stemmed phrases and prefixes of stems."""

    terms: frozenset[str] = frozenset()
    phrases: tuple[tuple[str, ...], ...] = ()
    prefixes: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.terms or self.phrases or self.prefixes)


@dataclass(frozen=True)
class ParsedQuery:
    text: str  # what the user typed
    mode: str  # "browse" (no query), "all" (every word must occur) or "any" (ranked by coverage)
    query: wq.Query | None
    readings: tuple[tuple[str, str], ...] = ()  # (word as typed, index term) for each word
    notes: tuple[str, ...] = ()  # message keys for what was read leniently
    highlight: Highlight = field(default_factory=Highlight)

    @property
    def is_browse(self) -> bool:
        return self.query is None

    def describe(self) -> str:
        """The query as it was read, in the index's own terms (e.g. `kunjung AND pbb`)."""
        return describe(self.query) if self.query is not None else ""


def _parser(group) -> qparser.QueryParser:
    p = qparser.QueryParser(FIELD, SCHEMA, group=group)
    for plugin in (qparser.FieldsPlugin, qparser.RangePlugin, qparser.BoostPlugin, qparser.EveryPlugin):
        p.remove_plugin_class(plugin)
    return p


_AND_PARSER = _parser(qparser.AndGroup)
_ANY_PARSER = _parser(qparser.OrGroup.factory(COORD_SCALE))
_OP_RE = re.compile(r"\b(AND|OR|NOT)\b")


def normalize(text: str) -> tuple[str, list[str]]:
    """Repair what would be misread, and say what was repaired."""
    notes = []
    text = " ".join(text.replace("\u201c", '"').replace("\u201d", '"').split())
    # -word means NOT word and +word means word, but only at the start of a word:
    # `sanksi-sanksi` stays one word.
    text = re.sub(r"(?:^|(?<=[\s(]))-(?=[^\W_]|\")", "NOT ", text)
    text = re.sub(r"(?:^|(?<=[\s(]))\+(?=[^\W_]|\")", "", text)
    if text.count('"') % 2:
        i = text.rfind('"')
        text = text[:i] + " " + text[i + 1 :]
        notes.append("unbalanced_quote")
    if text.count("(") != text.count(")"):
        text = text.replace("(", " ").replace(")", " ")
        notes.append("unbalanced_paren")
    words = text.split()
    # Operators at the ends, or doubled, have nothing to join.
    cleaned: list[str] = []
    for w in words:
        joins_nothing = w in ("AND", "OR") and (not cleaned or cleaned[-1] in OPERATORS)
        if joins_nothing or (w == "NOT" and cleaned and cleaned[-1] == "NOT"):
            notes.append("lone_operator")
            continue
        cleaned.append(w)
    while cleaned and cleaned[-1] in OPERATORS + ("-", "+"):
        cleaned.pop()
        notes.append("lone_operator")
    cleaned = [w for w in cleaned if w not in ("*", "?", "-", "+")] if any(
        w in ("*", "?", "-", "+") for w in cleaned) else cleaned
    return " ".join(cleaned), sorted(set(notes), key=notes.index)


def _readings(text: str) -> tuple[tuple[str, str], ...]:
    out, seen = [], set()
    for t in tokens(_OP_RE.sub(" ", text.replace("*", " "))):
        if t.surface not in seen:
            seen.add(t.surface)
            out.append((t.surface, t.text))
    return tuple(out)


def parse_query(text: str | None) -> ParsedQuery:
    """Read a query. Never raises on user input; an empty reading is a browse."""
    raw = (text or "").strip()
    cleaned, notes = normalize(raw)
    if not cleaned:
        return ParsedQuery(raw, "browse", None, notes=tuple(notes))
    q = _AND_PARSER.parse(cleaned)
    mode = "all"
    plain = not ('"' in cleaned or _OP_RE.search(cleaned) or re.search(r"(^|\s)[-+(]", cleaned))
    if plain and len(list(q.leaves())) > MAX_ALL_TERMS:
        q = _ANY_PARSER.parse(cleaned)
        mode = "any"
    q = q.normalize()
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        # Only stop words (e.g. `yang`): nothing to search on.
        return ParsedQuery(raw, "browse", None, readings=_readings(cleaned),
                           notes=tuple(notes + ["no_terms"]))
    return ParsedQuery(raw, mode, q, readings=_readings(cleaned), notes=tuple(notes),
                       highlight=highlight_of(q))


def highlight_of(q: wq.Query) -> Highlight:
    terms, phrases, prefixes = set(), [], []

    def walk(node, negated=False):
        if isinstance(node, wq.Not):
            return
        if isinstance(node, wq.AndNot):
            walk(node.a, negated)
            return
        if isinstance(node, wq.Phrase):
            phrases.append(tuple(node.words))
        elif isinstance(node, wq.Prefix):
            prefixes.append(node.text)
        elif isinstance(node, wq.Term):
            terms.add(node.text)
        elif isinstance(node, wq.Wildcard):
            prefixes.append(node.text.split("*")[0].split("?")[0])
        for child in node.children():
            walk(child, negated)

    walk(q)
    return Highlight(frozenset(terms), tuple(phrases), tuple(p for p in prefixes if p))


def describe(q: wq.Query) -> str:
    if isinstance(q, wq.Phrase):
        return '"' + " ".join(q.words) + '"'
    if isinstance(q, wq.Prefix):
        return q.text + "*"
    if isinstance(q, (wq.Term, wq.Wildcard)):
        return q.text
    if isinstance(q, wq.Not):
        return "NOT " + describe(q.query)
    if isinstance(q, wq.AndNot):
        return f"{describe(q.a)} NOT {describe(q.b)}"
    if isinstance(q, wq.Require):
        return describe(q.a)
    if isinstance(q, wq.AndMaybe):
        return f"{describe(q.a)} (+{describe(q.b)})"
    if isinstance(q, wq.compound.CompoundQuery):
        op = " AND " if isinstance(q, wq.And) else " OR "
        parts = []
        for c in q.subqueries:
            text = describe(c)
            if isinstance(c, wq.compound.CompoundQuery) and type(c) is not type(q):
                text = f"({text})"
            parts.append(text)
        return op.join(parts)
    return str(q)
