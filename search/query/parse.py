"""Reading a user's query: text in, a ParsedQuery out. Pure: nothing here opens the index.

The reading is lenient and explainable:
- words are analysed by the shared analyzer (search.text.analysis), so `kunjungan` reads as
  `kunjung`;
- `"..."` is a phrase of the exact forms (the unstemmed `exact` field): `"berita"` does not
  match `pemberitaan`; with `exact=True` (the "exact words" option) every word reads exact;
- synonyms and variants (search.text.synonyms) widen a word to Alternatives of its forms,
  multi-word forms as phrases: `AS` reads as `(as OR "amerika serikat")`; `expansions` says
  which were applied;
- `AND`, `OR`, `NOT` (and DAN, ATAU, BUKAN), `-word`, `+word`, `(...)`, `prefix*`, `sanski~`,
  `a w/5 b`, `a SEPARAGRAF b` and fields (`media:Kontan`, `tanggal:2024-06`) work (the grammar,
  with ANDNOT, ANDMAYBE, REQUIRE and `s?nksi`, is search.query.syntax); lowercase `and` and
  `or` between two words are read as the operators, with a note;
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
from search.query.explain import ignored_words
from search.query.fields import NAMES
from search.query.highlight import Highlight, highlight_of
from search.query.syntax import ALL, ANY, SLOT_CLOSE, SLOT_OPEN, read
from search.settings import DEFAULT, Settings
from search.text import answers, synonyms
from search.text.analysis import Analyzer, analyzer
from search.text.questions import asks, outside_quotes, plain_text, unasked

#: Knobs in search.settings: max_all_terms, coord_scale, and exact_twins: in a long query each
#: word also scores its exact form (an OR of `body` and `exact`), so a passage using the very
#: words of the question ranks above one using other forms of them (tuned on tydiqa-id, first
#: 2,500 questions: MRR@10 0.607 -> 0.613).
OPERATORS = ("AND", "OR", "NOT", "DAN", "ATAU", "BUKAN")
_JOINING = ("AND", "OR", "DAN", "ATAU", "SEPARAGRAF", "SAME")  # operators between two nodes
LOWERCASE_OPERATOR_WORDS = 5  # lowercase and/or are operators in queries of at most this many words
_NEAR_RE = re.compile(r"(?:w|W|DEKAT|NEAR)/\d+")


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
    ignored: tuple[str, ...] = ()  # words typed that the reading leaves out (stop words, question words)
    #: the words as typed, preferred in the ranking (search.engine.base.Plan.prefer): in an
    #: "all" reading, each required word typed in another form than its stem
    prefer: tuple[ast.Node, ...] = ()
    log: tuple[tuple[str, str], ...] = ()  # (note key, detail) of what was read leniently

    @property
    def is_browse(self) -> bool:
        return self.query is None

    def describe(self) -> str:
        """The query as it was read, in the index's own terms (e.g. `kunjung AND pbb`)."""
        return ast.describe(self.query) if self.query is not None else ""


_OP_RE = re.compile(r"\b(AND|OR|NOT|DAN|ATAU|BUKAN|SEPARAGRAF|SAME)\b|(?<!\S)(?:w|W|DEKAT|NEAR)/\d+(?!\S)")
_FIELD_RE = re.compile(rf'(?i)(?<![^\s(+-])(?:{NAMES}):(?:"[^"]*"|\([^)]*\)|\S+)')
_LOWER_OP = re.compile(r"(?<=[^\s(])(\s+)(and|or)(\s+)(?=[^\s)])")


def normalize(text: str, settings: Settings = DEFAULT) -> tuple[str, list[str]]:
    """Repair what would be misread, and say what was repaired."""
    notes = []
    text = text.replace(SLOT_OPEN, " ").replace(SLOT_CLOSE, " ")
    text = " ".join(text.replace("\u201c", '"').replace("\u201d", '"').split())
    # -word means NOT word, but only at the start of a word: `sanksi-sanksi` stays one word.
    # (+word, required, is read by the grammar.)
    text = re.sub(r"(?:^|(?<=[\s(]))-(?=[^\W_]|\"|\()", "NOT ", text)
    # Lowercase and/or join keywords (`sanksi or embargo`), but not the words of a pasted
    # question or sentence (`... Science and Engineering Conference?`), which read as typed.
    keywords = len(text.split()) <= LOWERCASE_OPERATOR_WORDS and not asks(text, settings)
    lowered = outside_quotes(text, lambda part: _LOWER_OP.sub(lambda m: m[1] + m[2].upper() + m[3], part)) \
        if keywords else text
    if lowered != text:
        notes.append("lowercase_operator")
        text = lowered
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
    def is_op(w: str) -> bool:
        return w in OPERATORS or w in _JOINING or _NEAR_RE.fullmatch(w) is not None

    for w in words:
        joins_nothing = (w in _JOINING or _NEAR_RE.fullmatch(w)) and (not cleaned or is_op(cleaned[-1]))
        if joins_nothing or (w in ("NOT", "BUKAN") and cleaned and cleaned[-1] in ("NOT", "BUKAN")):
            notes.append("lone_operator")
            continue
        cleaned.append(w)
    while cleaned and (is_op(cleaned[-1]) or cleaned[-1] in ("-", "+")):
        cleaned.pop()
        notes.append("lone_operator")
    cleaned = [w for w in cleaned if w not in ("*", "?", "-", "+")] if any(
        w in ("*", "?", "-", "+") for w in cleaned) else cleaned
    text = " ".join(cleaned)
    if _is_free(text) and ('"' not in text or asks(text, settings)):
        text = plain_text(text, settings)
    return text, sorted(set(notes), key=notes.index)


def _is_free(text: str) -> bool:
    """No operators (AND, OR, NOT, their Indonesian names, proximity, -word); quotes, +word and
    fields allowed."""
    return not (_OP_RE.search(text) or re.search(r"(^|[\s(])-", text))


def _readings(text: str, an: Analyzer, exact: bool = False) -> tuple[tuple[str, str], ...]:
    out, seen = [], set()
    text = _FIELD_RE.sub(" ", text)  # a field's value is not a word of the text
    for t in an.tokens(_OP_RE.sub(" ", text.replace("*", " ")), stem=not exact):
        if t.surface not in seen:
            seen.add(t.surface)
            out.append((t.surface, t.text))
    return tuple(out)


def parse_query(text: str | None, exact: bool = False, settings: Settings = DEFAULT,
                ranked: bool = False) -> ParsedQuery:
    """Read a query. Never raises on user input; an empty reading is a browse.
    `exact` is the "exact words" option: every word matches only the form written. `ranked`
    reads plain words as a ranked ("any") query however few they are: the partial matches
    shown when every word together finds nothing."""
    an = analyzer(settings)
    raw = (text or "").strip()
    cleaned, notes = normalize(raw, settings)
    if not cleaned:
        return ParsedQuery(raw, "browse", None, notes=tuple(notes), exact=exact)
    log: list = []
    first = build(read(cleaned, ALL), exact, an, log=log)
    kind, leaves = ALL, _leaf_count(first)
    if _is_free(cleaned) and (leaves > 1 and (ranked or asks(raw, settings))
                              or '"' not in cleaned and leaves > settings.max_all_terms):
        kind = ANY  # a question, or plain words (no quotes) beyond max_all_terms
    matches = synonyms.find(cleaned)
    q = first
    if kind is ANY or matches:  # else: the same reading again
        log = []
        q = build(read(_expand(cleaned, matches), kind), exact, an, matches, settings.coord_scale, log)
    if settings.exact_twins and kind is ANY and not exact and type(q) is ast.Or:
        q = _with_exact_twins(q, an)
    readings = _readings(cleaned, an, exact)
    notes += [key for key, _ in log if key not in notes]
    ignored = ignored_words(raw, cleaned)
    if q is None:
        # Only stop words (e.g. `yang`): nothing to search on.
        return ParsedQuery(raw, "browse", None, readings=readings, notes=tuple(notes + ["no_terms"]),
                           exact=exact, ignored=ignored, log=tuple(log))
    expansions = tuple((m.typed, m.alternatives) for top in matches for m in top.all() if m.alternatives)
    return ParsedQuery(raw, "all" if kind is ALL else "any", q, readings=readings,
                       notes=tuple(notes), highlight=highlight_of(q, settings.stemmer), exact=exact,
                       expansions=tuple(dict.fromkeys(expansions)),
                       answer=answers.kind(raw) if kind is ANY and asks(raw, settings) else None,
                       ignored=ignored, log=tuple(log),
                       prefer=_preferred(q, an) if kind is ALL and settings.prefer_typed else ())


def _leaf_count(q: ast.Node | None) -> int:
    """Terms, phrases and patterns of a reading, filters left out (nothing to search counts
    as one)."""
    return 1 if q is None else max(1, sum(1 for n in ast.leaves(q) if not isinstance(n, ast.FILTERS)))


def _preferred(q: ast.Node, an: Analyzer) -> tuple[ast.Node, ...]:
    """The written form of each required word whose stem differs from it (`pemerintah`, not
    `perintah`): articles using those very words rank first."""
    required = q.children if type(q) is ast.And else (q,)
    return tuple(ast.Term(ast.EXACT, c.typed) for c in required
                 if type(c) is ast.Term and c.field == ast.BODY and c.typed and c.typed != c.text)


def _with_exact_twins(q: ast.Or, an: Analyzer) -> ast.Or:
    """Each whole typed word of a ranked query as its stem OR its written form (less a
    question particle)."""
    subs = tuple(ast.ExactTwin(c, ast.Term(ast.EXACT, unasked(c.typed, an)))
                 if type(c) is ast.Term and c.field == ast.BODY and c.typed is not None else c
                 for c in q.children)
    return ast.Or(subs, q.scale)


def _expand(text: str, matches: list[synonyms.Match]) -> str:
    """The query text with each matched span replaced by a numbered slot (search.query.syntax);
    a slot right after a field name stays joined to it (`judul:Jokowi`)."""
    out, at = [], 0
    for i, m in enumerate(matches):
        before = text[at:m.start]
        lead = "" if (before or (out[-1] if out else "")).endswith(":") else " "
        out += [before, f"{lead}{SLOT_OPEN}{i}{SLOT_CLOSE} "]
        at = m.end
    return "".join(out) + text[at:]
