"""Reading a user's query: text in, a ParsedQuery out. Pure: nothing here opens the index.

The reading is lenient and explainable:
- words are analysed by the shared analyzer (search.text.analysis), so `kunjungan` reads as
  `kunjung`;
- `"..."` is a phrase of the exact forms (the unstemmed `exact` field): `"berita"` does not
  match `pemberitaan`; with `exact=True` (the "exact words" option) every word reads exact;
- synonyms and variants (search.text.synonyms) widen a word to Alternatives of its forms,
  multi-word forms as phrases: `AS` reads as `(as OR "amerika serikat")`; `expansions` says
  which were applied;
- `AND`, `OR`, `NOT`, `-word`, `+word`, `(...)` and `prefix*` work (the grammar, with ANDNOT,
  ANDMAYBE, REQUIRE and `s?nksi`, is search.query.syntax);
- an unbalanced quote or bracket, or an operator with nothing to join, is dropped with a note;
- up to `max_all_terms` plain words must all occur; a longer query (a pasted sentence or a
  question) ranks articles by how many of its words they contain, so one missing word never
  empties the page. In such plain text (no AND/OR/NOT, -word, +word or quotes) brackets and a
  closing `?` are punctuation, and question words and phrases (search.text.questions) are
  dropped: the passage that answers "Siapa ketua KPK?" does not say `siapa`. A question is
  natural language, not keywords, so it ranks by coverage however short it is, even when it
  quotes a title (`Siapa yang menyanyikan lagu "My Heart Will Go On"?`): the quoted phrase is
  then one clause among the others, and the text outside quotes is read as plain text.

Here the text is repaired (`normalize`), the mode decided and the synonyms found; the syntax
tree (search.query.syntax) becomes engine-neutral nodes (search.query.build, then
search.query.simplify), which `describe` writes back and search.query.highlight reads for the
snippets. An engine translates the nodes (search.engine.whoosh.translate).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from search.query import ast
from search.query.build import build
from search.query.highlight import Highlight, highlight_of
from search.query.syntax import ALL, ANY, SLOT_CLOSE, SLOT_OPEN, read
from search.settings import DEFAULT, Settings
from search.text import answers, synonyms
from search.text.analysis import Analyzer, analyzer
from search.text.questions import asks, plain_text, unasked

#: Knobs in search.settings: max_all_terms, coord_scale, and exact_twins: in a long query each
#: word also scores its exact form (an OR of `body` and `exact`), so a passage using the very
#: words of the question ranks above one using other forms of them (tuned on tydiqa-id, first
#: 2,500 questions: MRR@10 0.607 -> 0.613).
OPERATORS = ("AND", "OR", "NOT")


@dataclass(frozen=True)
class ParsedQuery:
    text: str  # what the user typed
    mode: str  # "browse" (no query), "all" (every word must occur) or "any" (ranked by coverage)
    query: ast.Node | None  # what it means (search.query.ast); None when browsing
    readings: tuple[tuple[str, str], ...] = ()  # (word as typed, index term) for each word
    notes: tuple[str, ...] = ()  # message keys for what was read leniently
    highlight: Highlight = field(default_factory=Highlight)
    exact: bool = False  # the "exact words" option: every word matched as written
    expansions: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (typed, other forms searched)
    answer: str | None = None  # the answer type a question asks for (search.answers)

    @property
    def is_browse(self) -> bool:
        return self.query is None

    def describe(self) -> str:
        """The query as it was read, in the index's own terms (e.g. `kunjung AND pbb`)."""
        return ast.describe(self.query) if self.query is not None else ""


_OP_RE = re.compile(r"\b(AND|OR|NOT)\b")


def normalize(text: str, settings: Settings = DEFAULT) -> tuple[str, list[str]]:
    """Repair what would be misread, and say what was repaired."""
    notes = []
    text = text.replace(SLOT_OPEN, " ").replace(SLOT_CLOSE, " ")
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
    text = " ".join(cleaned)
    if _is_free(text) and ('"' not in text or asks(text, settings)):
        text = plain_text(text, settings)
    return text, sorted(set(notes), key=notes.index)


def _is_free(text: str) -> bool:
    """No operators (AND, OR, NOT, -word, +word); quotes allowed."""
    return not (_OP_RE.search(text) or re.search(r"(^|[\s(])[-+]", text))


def _readings(text: str, an: Analyzer, exact: bool = False) -> tuple[tuple[str, str], ...]:
    out, seen = [], set()
    for t in an.tokens(_OP_RE.sub(" ", text.replace("*", " ")), stem=not exact):
        if t.surface not in seen:
            seen.add(t.surface)
            out.append((t.surface, t.text))
    return tuple(out)


def parse_query(text: str | None, exact: bool = False, settings: Settings = DEFAULT) -> ParsedQuery:
    """Read a query. Never raises on user input; an empty reading is a browse.
    `exact` is the "exact words" option: every word matches only the form written."""
    an = analyzer(settings)
    raw = (text or "").strip()
    cleaned, notes = normalize(raw, settings)
    if not cleaned:
        return ParsedQuery(raw, "browse", None, notes=tuple(notes), exact=exact)
    first = build(read(cleaned, ALL), exact, an)
    kind, leaves = ALL, _leaf_count(first)
    if _is_free(cleaned) and (leaves > 1 and asks(raw, settings)
                              or '"' not in cleaned and leaves > settings.max_all_terms):
        kind = ANY  # a question, or plain words (no quotes) beyond max_all_terms
    matches = synonyms.find(cleaned)
    q = first
    if kind is ANY or matches:  # else: the same reading again
        q = build(read(_expand(cleaned, matches), kind), exact, an, matches, settings.coord_scale)
    if settings.exact_twins and kind is ANY and not exact and type(q) is ast.Or:
        q = _with_exact_twins(q, an)
    readings = _readings(cleaned, an, exact)
    if q is None:
        # Only stop words (e.g. `yang`): nothing to search on.
        return ParsedQuery(raw, "browse", None, readings=readings, notes=tuple(notes + ["no_terms"]),
                           exact=exact)
    expansions = tuple((m.typed, m.alternatives) for top in matches for m in top.all() if m.alternatives)
    return ParsedQuery(raw, "all" if kind is ALL else "any", q, readings=readings,
                       notes=tuple(notes), highlight=highlight_of(q, settings.stemmer), exact=exact,
                       expansions=tuple(dict.fromkeys(expansions)),
                       answer=answers.kind(raw) if kind is ANY and asks(raw, settings) else None)


def _leaf_count(q: ast.Node | None) -> int:
    """Terms, phrases and patterns of a reading (nothing to search counts as one)."""
    return 1 if q is None else sum(1 for _ in ast.leaves(q))


def _with_exact_twins(q: ast.Or, an: Analyzer) -> ast.Or:
    """Each whole typed word of a ranked query as its stem OR its written form (less a
    question particle)."""
    subs = tuple(ast.ExactTwin(c, ast.Term(ast.EXACT, unasked(c.typed, an)))
                 if type(c) is ast.Term and c.field == ast.BODY and c.typed is not None else c
                 for c in q.children)
    return ast.Or(subs, q.scale)


def _expand(text: str, matches: list[synonyms.Match]) -> str:
    """The query text with each matched span replaced by a numbered slot (search.query.syntax)."""
    out, at = [], 0
    for i, m in enumerate(matches):
        out += [text[at:m.start], f" {SLOT_OPEN}{i}{SLOT_CLOSE} "]
        at = m.end
    return "".join(out) + text[at:]
