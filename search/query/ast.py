"""What a query means, as plain immutable nodes: the parser's output and every engine's input.

search.query.parse reads the user's text into these nodes (pure, explainable); an engine turns
them into its own matching and scoring (search.engine.whoosh.translate for Whoosh). Nothing here
knows an engine. Nodes are frozen and hashable, so a node (with the settings) keys the caches.
`describe` writes a node back as text in the index's own terms (`kunjung AND (pbb OR ...)`).

Fields: BODY holds the stems, with positions; EXACT the lowercased words as written, without
positions; ANSWER the answer-type marks of search.text.answers, at body positions; TITLE the
stems of the headline alone (`judul:`).

Besides words, a query can hold proximity (Near, SameParagraph), metadata filters (Field,
DateRange: they decide which articles match and add nothing to a score) and Fuzzy words, which
the archive resolves against the reader's lexicon (search.engine.base.Reader.similar_terms)
before a plan runs, so engines never see one. `typed` (never part of equality) keeps what the
user wrote, for `explain`, which says how a query was read in the user's own words.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass, replace

BODY, EXACT, ANSWER, TITLE = "body", "exact", "answer", "title"


@dataclass(frozen=True)
class Term:
    """One index term of a field: a stem in BODY, a written form in EXACT. `typed` is the
    lowercased word the user typed when the term reads one whole typed word (None for a
    synonym's form or one of several terms of a word); it never takes part in equality."""

    field: str
    text: str
    typed: str | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Phrase:
    """Stems at consecutive positions of BODY (slop 1), or within `slop` positions. It scores
    the sum of its words, times `weight`: below 1 for a variant longer than the form typed
    (search.query.build.expansion), which weighs as many words as were typed."""

    field: str
    words: tuple[str, ...]
    slop: int = 1
    weight: float = 1.0
    typed: str | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class ExactPhrase:
    """A phrase of written forms. EXACT keeps no positions, so it matches as the phrase of their
    stems in BODY and every form in EXACT. `slop` is what was typed (`"..."~2`); the stems are
    matched side by side whatever it says."""

    forms: tuple[str, ...]
    stems: tuple[str, ...]
    slop: int = 1


@dataclass(frozen=True)
class Prefix:
    """Every term of a field that starts with `text` (`sank*`)."""

    field: str
    text: str


@dataclass(frozen=True)
class Wildcard:
    """Every term of a field matching a glob (`s?nksi`, `*kunjung*`)."""

    field: str
    pattern: str


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    """Any of the children. With `scale` (a ranked, "any" query) a document holding more of the
    children scores higher (the coordination bonus of search.engine.whoosh.scoring)."""

    children: tuple[Node, ...]
    scale: float | None = None


@dataclass(frozen=True)
class Alternatives:
    """Forms of one word (a synonym group, a compound's parts and joined form): matches any,
    scores its best, counts once."""

    children: tuple[Node, ...]
    typed: str | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class ExactTwin:
    """A word of a ranked query: its stem OR its written form, so the very word scores more."""

    stem: Term
    exact: Term


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class AndNot:
    """`a ANDNOT b`: the documents of `a` without those of `b`, scored by `a`."""

    a: Node
    b: Node


@dataclass(frozen=True)
class AndMaybe:
    """`a ANDMAYBE b`: the documents of `a`; `b` only adds to the score of those it matches."""

    a: Node
    b: Node


@dataclass(frozen=True)
class Require:
    """`a REQUIRE b`, scored by `a`. (The Whoosh engine has always matched it as `a ANDNOT b`.)"""

    a: Node
    b: Node


@dataclass(frozen=True)
class Near:
    """Each child within `distance` positions of the next one's, in either order (`a w/5 b`,
    `a DEKAT/5 b`). Stop words hold no position, so they are not counted; never across two
    paragraphs. Scored as the And of its children."""

    children: tuple[Node, ...]
    distance: int


@dataclass(frozen=True)
class SameParagraph:
    """Every child in one paragraph (`a SEPARAGRAF b`, Factiva's `same`). Scored as an And."""

    children: tuple[Node, ...]


@dataclass(frozen=True)
class Fuzzy:
    """Written words of the index within `distance` edits of `text` (`sanski~`, `sanski~2`),
    a transposition counting one: resolved by the archive into Alternatives of their stems."""

    text: str
    distance: int = 1


@dataclass(frozen=True)
class Field:
    """Articles whose metadata `name` (outlet, editor, source, tag) has a value holding every
    word of `value`, in any case (search.query.fields.value_matches). A filter: no score."""

    name: str
    value: str


@dataclass(frozen=True)
class DateRange:
    """Articles dated from `lo` to `hi`, ISO days, inclusive ("" is open). A filter: no score."""

    lo: str = ""
    hi: str = ""


@dataclass(frozen=True)
class Every:
    """Every live document; with a field, every document holding a term of it (a lone `*`)."""

    field: str | None = None


Node = (Term | Phrase | ExactPhrase | Prefix | Wildcard | And | Or | Alternatives | ExactTwin | Not
        | AndNot | AndMaybe | Require | Every | Near | SameParagraph | Fuzzy | Field | DateRange)
COMPOUNDS = (And, Or, Alternatives)
BINARIES = (AndNot, AndMaybe, Require)
PROXIMITY = (Near, SameParagraph)
FILTERS = (Field, DateRange)


def children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, COMPOUNDS + PROXIMITY):
        return node.children
    if isinstance(node, ExactTwin):
        return (node.stem, node.exact)
    if isinstance(node, Not):
        return (node.child,)
    if isinstance(node, BINARIES):
        return (node.a, node.b)
    return ()


def rebuild(node: Node, fn) -> Node:
    """The node with `fn` applied to each of its child nodes (in tuples of children or alone);
    the node itself when it has none. `fn` usually recurses through `rebuild`."""
    if not is_dataclass(node) or not children(node):
        return node
    changes = {}
    for f in fields(node):
        value = getattr(node, f.name)
        if isinstance(value, tuple) and value and is_dataclass(value[0]):
            changes[f.name] = tuple(fn(c) for c in value)
        elif is_dataclass(value) and not isinstance(value, type):
            changes[f.name] = fn(value)
    return replace(node, **changes)


def leaves(node: Node):
    """Every leaf node, depth first."""
    kids = children(node)
    if not kids:
        yield node
    for c in kids:
        yield from leaves(c)


def describe(node: Node) -> str:
    """The node as text in the index's own terms: stems, `"..."` for exact forms and phrases,
    brackets where a group differs from its parent."""
    if isinstance(node, ExactPhrase):
        return '"' + " ".join(node.forms) + '"' + (f"~{node.slop}" if node.slop > 1 else "")
    if getattr(node, "field", None) == TITLE and isinstance(node, (Term, Phrase, Prefix, Wildcard)):
        return "title:" + describe(replace(node, field=BODY))
    if isinstance(node, Phrase):
        return '"' + " ".join(node.words) + '"' + (f"~{node.slop}" if node.slop > 1 else "")
    if isinstance(node, Prefix):
        return node.text + "*"
    if isinstance(node, ExactTwin):
        return describe(node.stem)
    if isinstance(node, Term):
        return f'"{node.text}"' if node.field == EXACT else node.text  # an exact form reads quoted
    if isinstance(node, Wildcard):
        return node.pattern
    if isinstance(node, Not):
        return "NOT " + _grouped(node.child)
    if isinstance(node, AndNot):
        return f"{describe(node.a)} NOT {_grouped(node.b)}"
    if isinstance(node, Require):
        return describe(node.a)
    if isinstance(node, AndMaybe):
        return f"{describe(node.a)} (+{describe(node.b)})"
    if isinstance(node, COMPOUNDS):
        parts = []
        for c in node.children:
            text = describe(c)
            if isinstance(c, COMPOUNDS + BINARIES) and type(c) is not type(node):
                text = f"({text})"
            parts.append(text)
        return (" AND " if isinstance(node, And) else " OR ").join(parts)
    if isinstance(node, Every):
        return f"{node.field}:*"
    if isinstance(node, Near):
        return f" w/{node.distance} ".join(_grouped(c) for c in node.children)
    if isinstance(node, SameParagraph):
        return " SAME ".join(_grouped(c) for c in node.children)
    if isinstance(node, Fuzzy):
        return f"{node.text}~{node.distance}"
    if isinstance(node, Field):
        return f'{node.name}:"{node.value}"' if " " in node.value else f"{node.name}:{node.value}"
    if isinstance(node, DateRange):
        return f"date:{node.lo}..{node.hi}"
    raise TypeError(type(node).__name__)


def _grouped(node: Node) -> str:
    text = describe(node)
    return f"({text})" if isinstance(node, COMPOUNDS + BINARIES + PROXIMITY + (ExactTwin,)) else text
