"""Reading a user's query: text in, a ParsedQuery out. Pure: nothing here opens the index.

The reading is lenient and explainable:
- words are analysed by the shared analyzer (search.analysis), so `kunjungan` reads as `kunjung`;
- `"..."` is a phrase of the exact forms (the unstemmed `exact` field): `"berita"` does not
  match `pemberitaan`; with `exact=True` (the "exact words" option) every word reads exact;
- synonyms and variants (search.synonyms) widen a word to an OR of its forms, multi-word forms
  as phrases: `AS` reads as `(as OR "amerika serikat")`; `expansions` says which were applied;
- `AND`, `OR`, `NOT`, `-word`, `+word`, `(...)` and `prefix*` work;
- an unbalanced quote or bracket, or an operator with nothing to join, is dropped with a note;
- up to MAX_ALL_TERMS plain words must all occur; a longer query (a pasted sentence or a
  question) ranks articles by how many of its words they contain, so one missing word never
  empties the page. In such plain text (no AND/OR/NOT, -word, +word or quotes) brackets and a
  closing `?` are punctuation, and question words and phrases (search.questions) are dropped:
  the passage that answers "Siapa ketua KPK?" does not say `siapa`. A question is natural
  language, not keywords, so it ranks by coverage however short it is, even when it quotes a title (`Siapa yang menyanyikan lagu "My Heart Will Go On"?`):
  the quoted phrase is then one clause among the others, and the text outside quotes is read
  as plain text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from whoosh import query as wq
from whoosh import qparser
from whoosh.qparser import syntax
from whoosh.qparser.taggers import RegexTagger

from search.engine.whoosh.schema import schema
from search.settings import DEFAULT, Settings
from search.text import answers, synonyms
from search.text.analysis import Analyzer, analyzer
from search.text.questions import asks, plain_text, unasked

FIELD = "body"
EXACT_FIELD = "exact"
#: Knobs in search.settings: max_all_terms, coord_scale, and exact_twins: in a long query each
#: word also scores its exact form (an OR of `body` and `exact`), so a passage using the very
#: words of the question ranks above one using other forms of them (tuned on tydiqa-id, first
#: 2,500 questions: MRR@10 0.607 -> 0.613).
OPERATORS = ("AND", "OR", "NOT")


@dataclass(frozen=True)
class Highlight:
    """What a snippet marks: stemmed terms and phrases, prefixes, and exact (unstemmed) terms
    and phrases, which only mark the very form written."""

    terms: frozenset[str] = frozenset()
    phrases: tuple[tuple[str, ...], ...] = ()
    prefixes: tuple[str, ...] = ()
    exact_terms: frozenset[str] = frozenset()
    exact_phrases: tuple[tuple[str, ...], ...] = ()
    patterns: tuple[str, ...] = ()  # wildcard terms such as `s?nksi`, matched whole
    stemmer: str = field(default_factory=lambda: DEFAULT.stemmer)  # whose stems the terms are

    def __bool__(self) -> bool:
        return bool(self.terms or self.phrases or self.prefixes or self.exact_terms or self.exact_phrases
                    or self.patterns)


@dataclass(frozen=True)
class ParsedQuery:
    text: str  # what the user typed
    mode: str  # "browse" (no query), "all" (every word must occur) or "any" (ranked by coverage)
    query: wq.Query | None
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
        return describe(self.query) if self.query is not None else ""


# Each synonym match is written into the query text as a numbered placeholder between these
# marks (removed from what users type); the parser turns it into one _ExpansionNode.
_SYN_OPEN, _SYN_CLOSE = "\u2983", "\u2984"


def _form_query(form: str, fieldname: str, an: Analyzer) -> wq.Query | None:
    words = [t.text for t in an.tokens(form, stem=fieldname == FIELD)]
    if not words:
        return None
    return wq.Term(fieldname, words[0]) if len(words) == 1 else wq.Phrase(fieldname, words)


def expansion_query(m: synonyms.Match, an: Analyzer, fieldname: str = FIELD) -> wq.Query | None:
    """One match as a disjunction of its forms (multi-word forms as phrases), plus the
    combination of its parts' own expansions. A DisjunctionMax, so the forms of one word
    count once: a document saying both `AS` and `Amerika Serikat` is not counted twice."""
    alts = [_form_query(f, fieldname, an) for f in (m.typed,) + m.alternatives]
    if m.parts:
        parts = [expansion_query(p, an, fieldname) if p else _form_query(t, fieldname, an) for t, p in m.parts]
        parts = [q for q in parts if q is not None]
        if parts:
            alts.append(wq.And(parts) if len(parts) > 1 else parts[0])
    alts = [q for q in alts if q is not None]
    return wq.DisjunctionMax(alts) if len(alts) > 1 else (alts[0] if alts else None)


class _ExpansionNode(syntax.SyntaxNode):
    def __init__(self, match: synonyms.Match, fieldname: str, an: Analyzer):
        self.match, self.fieldname_, self.an = match, fieldname, an

    def r(self):
        return f"Expansion {self.match.typed!r}"

    def query(self, parser):
        return expansion_query(self.match, self.an, self.fieldname_) or wq.NullQuery


class _ExpansionTagger(RegexTagger):
    def __init__(self, plugin):
        super().__init__(_SYN_OPEN + r"(?P<i>\d+)" + _SYN_CLOSE)
        self.plugin = plugin

    def create(self, parser, match):
        fieldname = EXACT_FIELD if self.plugin.exact else FIELD
        return _ExpansionNode(self.plugin.matches[int(match.group("i"))], fieldname, self.plugin.an)


class _Reading(qparser.Plugin):
    """Sends the user's quoted phrases (and, with `exact`, every word) to the exact field, and
    reads the synonym placeholders."""

    def __init__(self, exact: bool, matches: list[synonyms.Match], an: Analyzer):
        self.exact, self.matches, self.an = exact, matches, an

    def taggers(self, parser):
        return [(_ExpansionTagger(self), 0)]

    def filters(self, parser):
        return [(self.route, 105)]

    def route(self, parser, group):
        for node in group:
            if isinstance(node, syntax.GroupNode):
                self.route(parser, node)
            elif node.has_fieldname and node.fieldname is None:
                if self.exact or type(node) is qparser.PhrasePlugin.PhraseNode:
                    node.fieldname = EXACT_FIELD
        return group


_AND_GROUP = qparser.AndGroup
_OP_RE = re.compile(r"\b(AND|OR|NOT)\b")


@lru_cache(maxsize=8)
def _any_group(scale: float):
    return qparser.OrGroup.factory(scale)


def _parser(group, exact: bool, settings: Settings, matches: list[synonyms.Match] = ()) -> qparser.QueryParser:
    """A query parser with our plugins. Without synonym matches it is made once and reused:
    parsing reads a parser's state but never changes it, and making one compiles its taggers
    (a third of a one-word query's parse time)."""
    if not matches:
        return _plain_parser(group, exact, settings.stemmer)
    return _new_parser(group, exact, settings.stemmer, matches)


@lru_cache(maxsize=8)
def _plain_parser(group, exact: bool, kind: str) -> qparser.QueryParser:
    return _new_parser(group, exact, kind, ())


def _new_parser(group, exact: bool, kind: str, matches) -> qparser.QueryParser:
    p = qparser.QueryParser(FIELD, schema(Settings(stemmer=kind)), group=group)
    for plugin in (qparser.FieldsPlugin, qparser.RangePlugin, qparser.BoostPlugin, qparser.EveryPlugin,
                   qparser.SingleQuotePlugin):  # an apostrophe (Jum'at, Don't) is not a quote
        p.remove_plugin_class(plugin)
    p.add_plugin(_Reading(exact, list(matches), analyzer(kind)))
    return p


def normalize(text: str, settings: Settings = DEFAULT) -> tuple[str, list[str]]:
    """Repair what would be misread, and say what was repaired."""
    notes = []
    text = text.replace(_SYN_OPEN, " ").replace(_SYN_CLOSE, " ")
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
    first = _parser(_AND_GROUP, exact, settings).parse(cleaned)
    group, leaves = _AND_GROUP, len(list(first.leaves()))
    if _is_free(cleaned) and (leaves > 1 and asks(raw, settings)
                              or '"' not in cleaned and leaves > settings.max_all_terms):
        group = _any_group(settings.coord_scale)  # a question, or plain words (no quotes) beyond max_all_terms
    matches = synonyms.find(cleaned)
    expanded = _expand(cleaned, matches)
    if not (group is _AND_GROUP and not matches and expanded == cleaned):
        first = _parser(group, exact, settings, matches).parse(expanded)  # else: the same parse again
    q = _exact_phrases(first.normalize(), an)
    if settings.exact_twins and group is not _AND_GROUP and not exact and isinstance(q, wq.Or):
        q = _with_exact_twins(q, expanded, an)
    readings = _readings(cleaned, an, exact)
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        # Only stop words (e.g. `yang`): nothing to search on.
        return ParsedQuery(raw, "browse", None, readings=readings, notes=tuple(notes + ["no_terms"]),
                           exact=exact)
    expansions = tuple((m.typed, m.alternatives) for top in matches for m in top.all() if m.alternatives)
    return ParsedQuery(raw, "all" if group is _AND_GROUP else "any", q, readings=readings,
                       notes=tuple(notes), highlight=highlight_of(q, settings.stemmer), exact=exact,
                       expansions=tuple(dict.fromkeys(expansions)),
                       answer=answers.kind(raw) if group is not _AND_GROUP and asks(raw, settings) else None)


class ExactPhrase(wq.And):
    """A phrase of exact forms. The exact field keeps no positions (search.schema), so this is
    the stemmed phrase in `body` AND every written form in `exact`."""

    def __init__(self, words, an: Analyzer, boost: float = 1.0):
        self.words = tuple(words)
        super().__init__([wq.Phrase(FIELD, [an.stem(w) for w in self.words])]
                         + [wq.Term(EXACT_FIELD, w) for w in dict.fromkeys(self.words)], boost=boost)

    def normalize(self):
        return self

    def __eq__(self, other):
        return isinstance(other, ExactPhrase) and self.words == other.words and self.boost == other.boost

    def __hash__(self):
        return hash((ExactPhrase, self.words))

    def __repr__(self):
        return f"ExactPhrase({list(self.words)!r})"


def _exact_phrases(q: wq.Query, an: Analyzer) -> wq.Query:
    """Every phrase on the exact field (which has no positions) as an ExactPhrase."""
    if isinstance(q, wq.Phrase) and q.fieldname == EXACT_FIELD:
        return ExactPhrase(q.words, an, boost=q.boost)
    if isinstance(q, ExactPhrase):
        return q
    if isinstance(q, wq.Or) and not isinstance(q, ExactTwin):  # Query.apply drops these
        return q.__class__([_exact_phrases(c, an) for c in q.subqueries], boost=q.boost,
                           minmatch=q.minmatch, scale=q.scale)
    return q.apply(lambda c: _exact_phrases(c, an)) if q.children() else q


class ExactTwin(wq.Or):
    """A word's stem in `body` OR its written form in `exact` (read as the stem alone)."""


def _with_exact_twins(q: wq.Or, text: str, an: Analyzer) -> wq.Or:
    subs = []
    for c in q.subqueries:
        if isinstance(c, wq.Term) and c.fieldname == FIELD and getattr(c, "startchar", None) is not None:
            forms = [t.text for t in an.tokens(text[c.startchar:c.endchar], stem=False)]
            if len(forms) == 1:
                c = ExactTwin([c, wq.Term(EXACT_FIELD, unasked(forms[0], an))])
        subs.append(c)
    return q.__class__(subs, boost=q.boost, minmatch=q.minmatch, scale=q.scale)


def _expand(text: str, matches: list[synonyms.Match]) -> str:
    """The query text with each matched span replaced by an OR of its forms."""
    out, at = [], 0
    for i, m in enumerate(matches):
        out += [text[at:m.start], f" {_SYN_OPEN}{i}{_SYN_CLOSE} "]
        at = m.end
    return "".join(out) + text[at:]


def highlight_of(q: wq.Query, stemmer: str) -> Highlight:
    terms, phrases, prefixes, exact_terms, exact_phrases, patterns = set(), [], [], set(), [], []

    def walk(node, negated=False):
        if isinstance(node, wq.Not):
            return
        if isinstance(node, wq.AndNot):
            walk(node.a, negated)
            return
        exact = getattr(node, "fieldname", None) == EXACT_FIELD
        if isinstance(node, ExactPhrase):
            exact_phrases.append(node.words)
            return
        if isinstance(node, wq.Phrase):
            (exact_phrases if exact else phrases).append(tuple(node.words))
        elif isinstance(node, wq.Prefix):
            prefixes.append(node.text)
        elif isinstance(node, wq.Term):
            (exact_terms if exact else terms).add(node.text)
        elif isinstance(node, wq.Wildcard):
            patterns.append(node.text)
        for child in node.children():
            walk(child, negated)

    walk(q)
    return Highlight(frozenset(terms), tuple(dict.fromkeys(phrases)), tuple(p for p in prefixes if p),
                     frozenset(exact_terms), tuple(dict.fromkeys(exact_phrases)),
                     tuple(dict.fromkeys(patterns)), stemmer)


def describe(q: wq.Query) -> str:
    if isinstance(q, (wq.Phrase, ExactPhrase)):
        return '"' + " ".join(q.words) + '"'
    if isinstance(q, wq.Prefix):
        return q.text + "*"
    if isinstance(q, ExactTwin):
        return describe(q.subqueries[0])
    if isinstance(q, wq.Term) and q.fieldname == EXACT_FIELD:
        return f'"{q.text}"'  # an exact form reads like the quoted word that asked for it
    if isinstance(q, (wq.Term, wq.Wildcard)):
        return q.text
    if isinstance(q, wq.Not):
        return "NOT " + _grouped(q.query)
    if isinstance(q, wq.AndNot):
        return f"{describe(q.a)} NOT {_grouped(q.b)}"
    if isinstance(q, wq.Require):
        return describe(q.a)
    if isinstance(q, wq.AndMaybe):
        return f"{describe(q.a)} (+{describe(q.b)})"
    if isinstance(q, wq.compound.CompoundQuery):
        op = " AND " if isinstance(q, wq.And) else " OR "
        parts = []
        for c in q.subqueries:
            text = describe(c)
            if isinstance(c, wq.compound.CompoundQuery) and type(c) is not type(q) and not isinstance(c, (ExactTwin, ExactPhrase)):
                text = f"({text})"
            parts.append(text)
        return op.join(parts)
    return str(q)


def _grouped(q: wq.Query) -> str:
    text = describe(q)
    return f"({text})" if isinstance(q, wq.compound.CompoundQuery) and not isinstance(q, ExactPhrase) else text
