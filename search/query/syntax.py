"""The query language's grammar: text in, a tree of syntax nodes out (nothing analysed yet).

Tokens, left to right; at each place the first of these that fits wins, and the text between
two tokens is a word:
  ANDNOT and ANDMAYBE (after a space, before a space); a wildcard mark `*` or `?`; a quoted
  phrase `"..."`, with an optional slop `"..."~N`; `(` and `)`; NOT (at the start, or after a
  space or a bracket, before a space); AND and OR (between spaces); REQUIRE (at the start or
  after a space, before a space); a synonym slot (SLOT_OPEN n SLOT_CLOSE, written by
  search.query.parse); spaces.
Then, in this order:
1. brackets nest groups; a `)` with no `(` open is ignored, and the nodes of a group left open
   join the top level;
2. a wildcard mark joins the words, phrases and marks it touches: `sank*` (one `*`, at the end)
   is a prefix, `s?nksi` and `*kunjung*` are patterns;
3. spaces go;
4. within each group, operators bind: first NOT (the node after it), then AND, OR, ANDNOT,
   ANDMAYBE and REQUIRE, each left to right (the nodes either side); AND and OR extend a group of
   their own kind on their left; an operator with nothing on one side is dropped; what is left
   side by side is joined by the group (ALL: every one required). So `a OR b c` is
   `(a OR b) AND c`, `a AND b OR c AND d` is `(a AND b) OR (c AND d)`, and `x NOT y NOT z` is
   `x AND NOT y AND NOT z`.

This is the grammar of Whoosh 2.7.4's default query parser as Kliping configured it (no fields,
ranges, boosts or single quotes), node for node: queries read as they did when Whoosh read them.
"""
from __future__ import annotations

import re

SLOT_OPEN, SLOT_CLOSE = "\u2983", "\u2984"
#: Kinds of group: the top level and brackets are ALL (every clause required) or ANY (ranked);
#: the operators make the others.
ALL, ANY = "all", "any"
OPERATORS = ("not", "and", "or", "andnot", "andmaybe", "require")  # in binding order
_EXTENDS = {"and": (ALL, "and"), "or": (ANY, "or")}  # the groups AND and OR extend on their left
_MARKS = "?\u055e\u061f\u1367"  # question marks, of several scripts, are wildcard marks

_TOKENS = re.compile(r"""
      (?<=\s)(?P<andnot>ANDNOT)(?=\s)
    | (?<=\s)(?P<andmaybe>ANDMAYBE)(?=\s)
    | (?P<wild>[*?\u055e\u061f\u1367])
    | (?P<quote>"(?P<phrase>.*?)"(?:~(?P<slop>[1-9][0-9]*))?)
    | (?P<open>\()
    | (?P<close>\))
    | (?:^|(?<=[\s()]))(?P<not>NOT)(?=\s)
    | (?<=\s)(?P<and>AND)(?=\s)
    | (?<=\s)(?P<or>OR)(?=\s)
    | (?:^|(?<=\s))(?P<require>REQUIRE)(?=\s)
    | \u2983(?P<slot>\d+)\u2984
    | (?P<space>\s+)
""", re.VERBOSE)


class Text:
    """A word ("word": the text between two tokens), a quoted phrase ("quote", with its slop),
    a wildcard word ("wild") or a prefix ("prefix", without its `*`)."""

    __slots__ = ("kind", "text", "slop")

    def __init__(self, kind: str, text: str, slop: int = 1):
        self.kind, self.text, self.slop = kind, text, slop

    def __repr__(self):
        return f"{self.kind}:{self.text!r}"


class Slot:
    """Where a synonym match stands: the index of the match."""

    __slots__ = ("index",)

    def __init__(self, index: int):
        self.index = index

    def __repr__(self):
        return f"slot:{self.index}"


class Op:
    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def __repr__(self):
        return self.name.upper()


class Group:
    """Nodes grouped by brackets (ALL or ANY) or by an operator (OPERATORS)."""

    __slots__ = ("kind", "nodes")

    def __init__(self, kind: str, nodes: list | None = None):
        self.kind, self.nodes = kind, nodes if nodes is not None else []

    def __repr__(self):
        return f"{self.kind}{self.nodes!r}"


_SPACE, _OPEN, _CLOSE = object(), object(), object()


def read(text: str, kind: str = ALL) -> Group:
    """The syntax tree of a query; `kind` (ALL or ANY) is the kind of the top level and of
    brackets. Never raises."""
    top = _nest(_tokens(text), kind)
    _join_wildcards(top)
    _drop_spaces(top)
    _bind(top)
    return top


def _tokens(text: str) -> list:
    out, prev = [], 0
    for m in _TOKENS.finditer(text):
        start = m.start()
        if prev < start:
            out.append(Text("word", text[prev:start]))
        kind = m.lastgroup
        if kind == "space":
            out.append(_SPACE)
        elif kind == "wild":
            out.append(Text("wild", m.group()))
        elif kind == "quote":
            out.append(Text("quote", m.group("phrase"), int(m.group("slop") or 1)))
        elif kind == "open":
            out.append(_OPEN)
        elif kind == "close":
            out.append(_CLOSE)
        elif kind == "slot":
            out.append(Slot(int(m.group("slot"))))
        else:
            out.append(Op(kind))
        prev = m.end()
    if prev < len(text):
        out.append(Text("word", text[prev:]))
    return out


def _nest(tokens: list, kind: str) -> Group:
    stack = [Group(kind)]
    for t in tokens:
        if t is _OPEN:
            stack.append(Group(kind))
        elif t is _CLOSE:
            if len(stack) > 1:
                last = stack.pop()
                stack[-1].nodes.append(last)
        else:
            stack[-1].nodes.append(t)
    top = stack[0]
    for unclosed in stack[1:]:
        top.nodes.extend(unclosed.nodes)
    if len(top.nodes) == 1 and isinstance(top.nodes[0], Group):
        top = top.nodes[0]
    return top


def _is_wild(node) -> bool:
    return isinstance(node, Text) and node.kind == "wild"


def _join_wildcards(group: Group) -> None:
    nodes = group.nodes
    i = 0
    while i < len(nodes):
        node = nodes[i]
        if _is_wild(node):
            if i < len(nodes) - 1 and isinstance(nodes[i + 1], Text):
                node.text += nodes.pop(i + 1).text
            if i > 0 and isinstance(nodes[i - 1], Text):
                node.text = nodes.pop(i - 1).text + node.text
            else:
                i += 1
        else:
            if isinstance(node, Group):
                _join_wildcards(node)
            i += 1
    for i, node in enumerate(nodes):
        if _is_wild(node):
            text = node.text
            if len(text) > 1 and not any(m in text for m in _MARKS) and text.find("*") == len(text) - 1:
                nodes[i] = Text("prefix", text[:-1])


def _drop_spaces(group: Group) -> None:
    group.nodes = [n for n in group.nodes if n is not _SPACE]
    for n in group.nodes:
        if isinstance(n, Group):
            _drop_spaces(n)


def _bind(group: Group) -> None:
    nodes = group.nodes
    for name in OPERATORS:
        extends = _EXTENDS.get(name, ())
        i = 0
        while i < len(nodes):
            op = nodes[i]
            if not (isinstance(op, Op) and op.name == name):
                i += 1
            elif name == "not":  # takes the node after it, if any
                del nodes[i]
                if i < len(nodes):
                    nodes[i] = Group("not", [nodes[i]])
            elif 0 < i < len(nodes) - 1:
                left, right = nodes[i - 1], nodes[i + 1]
                if isinstance(left, Group) and left.kind in extends:
                    left.nodes.append(right)
                    del nodes[i:i + 2]
                else:
                    nodes[i - 1:i + 2] = [Group(name, [left, right])]
            else:  # nothing on one side
                del nodes[i]
    for n in nodes:
        if isinstance(n, Group):
            _bind(n)
