"""From a syntax tree (search.query.syntax) to query nodes (search.query.ast): the meaning.

- a word is analysed by the shared analyzer into its index terms: none (a stop word), one
  (a Term that keeps the word as typed), or several (`sanksi/PBB`: all of them in an ALL
  query, any of them in a ranked one);
- a quoted phrase reads the written forms: no form, one form (a Term of EXACT) or an
  ExactPhrase; with `exact` (the "exact words" option) every word reads EXACT too;
- a wildcard word keeps its marks (lowercased, and stemmed in BODY): a lone `*` is Every of
  the field, a word without marks a Term, one `*` at the end a Prefix, else a Wildcard;
- a compound (`Jong-un`, `e-KTP`, `eKTP`: search.text.analysis) reads as Alternatives of the
  phrase of its parts (the index holds the parts of every compound) and its joined form (a word
  written joined, `Jongun`), so the hyphenated, spaced and camel-case forms match;
- a fuzzy word is a Fuzzy node (at most MAX_FUZZY edits; the archive resolves it);
- a synonym slot reads as its match's forms (`expansion`);
- groups and operators become And, Or (`scale` for the ranked top level and its brackets),
  Not, AndNot, AndMaybe, Require, Near (`w/N`, `DEKAT/N`) and SameParagraph; in a ranked group,
  `+word` and metadata filters are required (an And of them and the ranked rest);
- a field reads its node in that field: `judul:` in TITLE, metadata names as Field filters
  (search.query.fields), `tanggal:` as a DateRange.
What cannot be read (a date that is not one, an operator's extra distance) is left out and
logged, for the page's notes. The result is then put in its canonical form by
search.query.simplify.
"""
from __future__ import annotations

from search.query import ast, fields
from search.query.simplify import NULL, simplify
from search.query.syntax import ALL, ANY, MAX_FUZZY, Group, Op, Slot, Text
from search.text import synonyms
from search.text.analysis import TOKEN_RE, Analyzer, joined

_BINARY = {"andnot": ast.AndNot, "andmaybe": ast.AndMaybe, "require": ast.Require}
MAX_DISTANCE = 100  # the widest `w/N` and `"..."~N` read; a paragraph rarely has more words


def build(top: Group, exact: bool, an: Analyzer, matches=(), scale: float | None = None,
          log: list | None = None):
    """The query nodes of a syntax tree, simplified; None when nothing is left to search.
    `log` collects (note key, detail) for what was read leniently."""
    q = _Builder(exact, an, matches, scale, top.kind, log if log is not None else []).node(top)
    q = simplify(q) if q is not None else NULL
    return None if q is NULL else q


def _form(form: str, field: str, an: Analyzer, typed_words: int | None = None):
    """One written form (of a synonym group) as a Term, a phrase, or None (stop words only).
    `typed_words`: the words of the form typed, when this one is a variant of it: a longer
    phrase weighs that many words (see `expansion`)."""
    words = tuple(t.text for t in an.tokens(form, stem=field != ast.EXACT))
    if not words:
        return None
    if len(words) == 1:
        return ast.Term(field, words[0])
    if field == ast.EXACT:
        return ast.ExactPhrase(words, tuple(map(an.stem, words)))
    weight = min(1.0, typed_words / len(words)) if typed_words else 1.0
    return ast.Phrase(field, words, weight=weight, typed=form)


def expansion(m: synonyms.Match, an: Analyzer, field: str = ast.BODY):
    """One match as Alternatives of its forms (multi-word forms as phrases), plus the And of its
    parts' own expansions: the forms of one word count once, so a document saying both `AS`
    and `Amerika Serikat` is not counted twice. None if no form has a word to search.
    A variant never weighs more words than the form typed: `KPU` finds `Komisi Pemilihan
    Umum`, scored as one word (its phrase's sum times 1/3), not three, so a document that
    spells the name out does not outrank one that says `KPU` for that alone. (A compound's
    parts are what was typed: `Jong-un` scores as `Jong Un`, see `compound`.)"""
    typed_words = sum(1 for _ in an.tokens(m.typed, stem=field != ast.EXACT)) or None
    alts = [_form(m.typed, field, an)] + [_form(f, field, an, typed_words) for f in m.alternatives]
    if m.parts:
        parts = [expansion(p, an, field) if p else _form(t, field, an) for t, p in m.parts]
        parts = [q for q in parts if q is not None]
        if parts:
            alts.append(ast.And(tuple(parts)) if len(parts) > 1 else parts[0])
    alts = [q for q in alts if q is not None]
    return ast.Alternatives(tuple(alts), m.typed) if len(alts) > 1 else (alts[0] if alts else None)


def compound(typed: str, terms, field: str, an: Analyzer):
    """A compound's parts (index terms with stems or forms) as Alternatives of their phrase and
    the joined form: `Jong-un` matches `Jong-un`, `Jong Un` and `Jongun`."""
    words = tuple(t.text for t in terms)
    whole = joined(typed.lower()).replace(" ", "")
    if field == ast.EXACT:
        phrase = ast.ExactPhrase(words, tuple(map(an.stem, words)))
        return ast.Alternatives((phrase, ast.Term(ast.EXACT, whole)), typed)
    return ast.Alternatives((ast.Phrase(field, words, typed=typed), ast.Term(field, an.stem(whole))), typed)


def _untyped(q):
    return ast.Term(q.field, q.text) if type(q) is ast.Term else q


def _truthy(q) -> bool:
    """Whether a group's operand counts: an empty And/Or does not (a wrapped `()`)."""
    return q is not None and not (isinstance(q, ast.COMPOUNDS) and not q.children)


class _Builder:
    def __init__(self, exact: bool, an: Analyzer, matches, scale: float | None, kind: str, log: list):
        self.field = ast.EXACT if exact else ast.BODY
        self.an, self.matches, self.scale, self.log = an, matches, scale, log
        self.several = ast.And if kind == ALL else ast.Or  # the terms of one word
        self.meta: str | None = None  # inside a metadata field (`media:`): values, not words

    def node(self, n, keep_plus: bool = False):
        if isinstance(n, Text):
            return getattr(self, n.kind)(n)
        if isinstance(n, Group):
            q = self.group(n)
            return q.node if type(q) is _Required and not keep_plus else q
        if isinstance(n, Slot):
            if self.meta:  # a metadata value (`media:PBB`) is matched as typed, not expanded
                return ast.Field(self.meta, self.matches[n.index].typed)
            m = expansion(self.matches[n.index], self.an, self.field)
            return NULL if m is None else m
        assert isinstance(n, Op)
        return None  # not reached: every operator binds or is dropped (search.query.syntax)

    def group(self, g: Group):
        kind = g.kind
        if kind == "not":
            q = self.node(g.nodes[0]) if g.nodes else None  # `NOT ANDNOT x`: nothing to negate
            return ast.Not(q) if _truthy(q) else None
        if kind == "plus":
            q = self.node(g.nodes[0]) if g.nodes else None
            return _Required(q) if _truthy(q) else None
        if kind == "field":
            return self.field_group(g)
        if kind in ("near", "same"):
            kids = tuple(q for q in map(self.node, g.nodes) if _truthy(q) and q is not NULL)
            if len(kids) < 2:
                return kids[0] if kids else NULL
            if kind == "same":
                return ast.SameParagraph(kids)
            distance = max(1, g.arg)
            if distance > MAX_DISTANCE:
                self.log.append(("distance_capped", str(MAX_DISTANCE)))
                distance = MAX_DISTANCE
            return ast.Near(kids, distance)
        if kind in _BINARY:
            # Two operands, unless an operator beside it was dropped (`a ANDNOT ANDMAYBE b`).
            a, b = ([self.node(n) for n in g.nodes[:2]] + [None, None])[:2]
            if a is None and b is None:
                return NULL
            if a is None or b is None:  # the operator joins nothing: the other side alone,
                return _untyped(b if a is None else a)  # read as more than a typed word (no exact twin)
            return _BINARY[kind](a, b)
        children = tuple(q for q in (self.node(n, True) for n in g.nodes) if q is not None)
        if kind == ANY:
            required = tuple(c.node if type(c) is _Required else c for c in children
                             if type(c) is _Required or isinstance(c, ast.FILTERS))
            ranked = tuple(c.node if type(c) is _Required else c for c in children
                           if not isinstance(c, ast.FILTERS))
            if required:
                return ast.And(required + ((ast.Or(ranked, self.scale),) if ranked else ()))
            return ast.Or(children, self.scale)
        children = tuple(c.node if type(c) is _Required else c for c in children)
        return ast.Or(children) if kind == "or" else ast.And(children)

    def field_group(self, g: Group):
        name = fields.FIELDS[g.arg]
        node = g.nodes[0]
        if name == "date":
            text = node.text if isinstance(node, Text) else ""
            bounds = fields.date_range(text)
            if bounds is None:
                self.log.append(("bad_date_field", text))
                return None
            return ast.DateRange(*bounds)
        saved = self.field, self.meta
        if name == "title":
            self.field, self.meta = ast.TITLE, None
        else:
            self.meta = name
        try:
            return self.node(node)
        finally:
            self.field, self.meta = saved

    def word(self, n: Text):
        if self.meta:
            return ast.Field(self.meta, n.text) if fields.words(n.text) else None
        field = self.field
        nodes = []
        for m in TOKEN_RE.finditer(n.text):
            terms = list(self.an.tokens(m.group(), stem=field != ast.EXACT))
            if len(terms) == 1:
                nodes.append(ast.Term(field, terms[0].text, typed=terms[0].surface))
            elif terms:
                nodes.append(compound(m.group(), terms, field, self.an))
        if not nodes:
            return None
        return nodes[0] if len(nodes) == 1 else self.several(tuple(nodes))

    def quote(self, n: Text):
        if self.meta:
            return ast.Field(self.meta, n.text) if fields.words(n.text) else NULL
        slop = n.slop
        if slop > MAX_DISTANCE:
            self.log.append(("distance_capped", str(MAX_DISTANCE)))
            slop = MAX_DISTANCE
        if self.field == ast.TITLE:
            words = tuple(t.text for t in self.an.tokens(n.text))
            if not words:
                return NULL
            return ast.Term(ast.TITLE, words[0]) if len(words) == 1 else \
                ast.Phrase(ast.TITLE, words, slop, typed=n.text)
        forms = tuple(t.text for t in self.an.tokens(n.text, stem=False))
        if not forms:
            return NULL
        if len(forms) == 1:
            return ast.Term(ast.EXACT, forms[0], typed=forms[0])
        return ast.ExactPhrase(forms, tuple(map(self.an.stem, forms)), slop)

    def fuzzy(self, n: Text):
        if self.meta:
            return self.word(n)
        terms = list(self.an.tokens(n.text, stem=False))
        if len(terms) != 1 or not terms[0].text.isalpha():  # a stop word, a number, several words
            return self.word(n)
        edits = n.slop
        if edits > MAX_FUZZY:
            self.log.append(("fuzzy_capped", str(MAX_FUZZY)))
            edits = MAX_FUZZY
        return ast.Fuzzy(terms[0].text, max(1, edits))

    def _pattern(self, text: str) -> str:
        text = text.lower()
        return self.an.stem(text) if self.field != ast.EXACT else text

    def prefix(self, n: Text):
        if self.meta:
            return self.word(n)
        return ast.Prefix(self.field, self._pattern(n.text))

    def wild(self, n: Text):
        if self.meta:
            return self.word(Text("word", n.text.replace("*", " ").replace("?", " ")))
        text = self._pattern(n.text)
        if text == "*":
            return ast.Every(self.field)
        if "*" not in text and "?" not in text:
            return ast.Term(self.field, text)
        if "?" not in text and text.find("*") == len(text) - 1:
            return ast.Prefix(self.field, text[:-1])
        return ast.Wildcard(self.field, text)


class _Required:
    """`+node` until its group is built: required even in a ranked group."""

    __slots__ = ("node",)

    def __init__(self, node):
        self.node = node
