"""What a query means, as plain immutable nodes: the parser's output and every engine's input.

search.query.parse reads the user's text into these nodes (pure, explainable); an engine turns
them into its own matching and scoring (search.engine.whoosh.translate for Whoosh). Nothing here
knows an engine. Nodes are frozen and hashable, so a node (with the settings) keys the caches.

Fields: BODY holds the stems, with positions; EXACT the lowercased words as written, without
positions; ANSWER the answer-type marks of search.text.answers, at body positions.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Union

BODY, EXACT, ANSWER = "body", "exact", "answer"


@dataclass(frozen=True)
class Term:
    """One index term of a field: a stem in BODY, a written form in EXACT."""

    field: str
    text: str


@dataclass(frozen=True)
class Phrase:
    """Stems at consecutive positions of BODY (slop 1), or within `slop` positions."""

    field: str
    words: tuple[str, ...]
    slop: int = 1


@dataclass(frozen=True)
class ExactPhrase:
    """A phrase of written forms. EXACT keeps no positions, so it matches as the phrase of their
    stems in BODY and every form in EXACT."""

    forms: tuple[str, ...]
    stems: tuple[str, ...]


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
    children: tuple["Node", ...]


@dataclass(frozen=True)
class Or:
    """Any of the children. With `scale` (a ranked, "any" query) a document holding more of the
    children scores higher (the coordination bonus of search.engine.whoosh.scoring)."""

    children: tuple["Node", ...]
    scale: float | None = None


@dataclass(frozen=True)
class Alternatives:
    """Forms of one word (a synonym group): matches any, scores its best, counts once."""

    children: tuple["Node", ...]


@dataclass(frozen=True)
class ExactTwin:
    """A word of a ranked query: its stem OR its written form, so the very word scores more."""

    stem: Term
    exact: Term


@dataclass(frozen=True)
class Not:
    child: "Node"


@dataclass(frozen=True)
class Every:
    """Every live document."""


Node = Union[Term, Phrase, ExactPhrase, Prefix, Wildcard, And, Or, Alternatives, ExactTwin, Not, Every]


def children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, (And, Or, Alternatives)):
        return node.children
    if isinstance(node, ExactTwin):
        return (node.stem, node.exact)
    if isinstance(node, Not):
        return (node.child,)
    return ()


def leaves(node: Node):
    """Every leaf node, depth first."""
    kids = children(node)
    if not kids:
        yield node
    for c in kids:
        yield from leaves(c)
