"""The query language's grammar: text in, a tree of syntax nodes out (nothing analysed yet).

Tokens, left to right; at each place the first of these that fits wins, and the text between
two tokens is a word:
  ANDNOT and ANDMAYBE (after a space, before a space); a field name and its colon (`media:`,
  `outlet:`, `tanggal:` …: search.query.fields) at the start of a word; a proximity operator
  `w/N`, `DEKAT/N` or `NEAR/N` and the same-paragraph operator `SEPARAGRAF` or `SAME` (between
  spaces); a wildcard mark `*` or `?`; a quoted phrase `"..."`, with an optional slop
  `"..."~N`; a fuzzy mark `~`, `~1` or `~2` after a word; `(` and `)`; NOT or BUKAN (at the
  start, or after a space or a bracket, before a space); `+` before a word (required); AND or
  DAN and OR or ATAU (between spaces); REQUIRE (at the start or after a space, before a space);
  a synonym slot (SLOT_OPEN n SLOT_CLOSE, written by search.query.parse); spaces.
Then, in this order:
1. brackets nest groups; a `)` with no `(` open is ignored, and the nodes of a group left open
   join the top level;
2. a wildcard mark joins the words, phrases and marks it touches: `sank*` (one `*`, at the end)
   is a prefix, `s?nksi` and `*kunjung*` are patterns; a fuzzy mark makes the word before it
   fuzzy (`sanski~`);
3. spaces go, and a field name takes the node after it (`media:(Kontan OR Tempo)` too);
4. within each group, operators bind: first NOT and `+` (the node after it), then `w/N` and
   SEPARAGRAF, then AND, OR, ANDNOT, ANDMAYBE and REQUIRE, each left to right (the nodes either
   side); AND, OR and SEPARAGRAF extend a group of their own kind on their left; an operator
   with nothing on one side is dropped; what is left side by side is joined by the group (ALL:
   every one required). So `a OR b c` is `(a OR b) AND c`, `a AND b OR c AND d` is
   `(a AND b) OR (c AND d)`, and `x NOT y NOT z` is `x AND NOT y AND NOT z`.

Apart from the Indonesian operators, fields, proximity, fuzzy words and `+`, this is the
grammar of Whoosh 2.7.4's default query parser as Kliping configured it, node for node:
queries read as they did when Whoosh read them.
"""
from __future__ import annotations

import re

from search.query.fields import NAMES

SLOT_OPEN, SLOT_CLOSE = "\u2983", "\u2984"
#: Kinds of group: the top level and brackets are ALL (every clause required) or ANY (ranked);
#: the operators make the others.
ALL, ANY = "all", "any"
OPERATORS = ("not", "plus", "near", "same", "and", "or", "andnot", "andmaybe", "require")  # binding order
_EXTENDS = {"and": (ALL, "and"), "or": (ANY, "or"), "same": ("same",)}  # groups extended on their left
_PREFIX_OPS = ("not", "plus")  # take the node after them
MAX_FUZZY = 2  # edits a fuzzy word may allow
_MARKS = "?\u055e\u061f\u1367"  # question marks, of several scripts, are wildcard marks

_TOKENS = re.compile(r"""
      (?<=\s)(?P<andnot>ANDNOT)(?=\s)
    | (?<=\s)(?P<andmaybe>ANDMAYBE)(?=\s)
    | (?:^|(?<=[\s(+-]))(?P<field>(?i:""" + NAMES + r""")):(?=[^\s)])
    | (?<=\s)(?P<near>(?:w|W|DEKAT|NEAR)/(?P<distance>[0-9]{1,6}))(?=\s)
    | (?<=\s)(?P<same>SEPARAGRAF|SAME)(?=\s)
    | (?P<wild>[*?\u055e\u061f\u1367])
    | (?P<quote>"(?P<phrase>.*?)"(?:~(?P<slop>[1-9][0-9]{0,5}))?)
    | (?<=[^\W_])(?P<fuzzy>~(?P<edits>[0-9]?))(?=[\s)]|$)
    | (?P<open>\()
    | (?P<close>\))
    | (?:^|(?<=[\s()]))(?P<not>NOT|BUKAN)(?=\s)
    | (?:^|(?<=[\s(]))(?P<plus>\+)(?=[^\W_]|["(])
    | (?<=\s)(?P<and>AND|DAN)(?=\s)
    | (?<=\s)(?P<or>OR|ATAU)(?=\s)
    | (?:^|(?<=\s))(?P<require>REQUIRE)(?=\s)
    | \u2983(?P<slot>\d+)\u2984
    | (?P<space>\s+)
""", re.VERBOSE)


class Text:
    """A word ("word": the text between two tokens), a quoted phrase ("quote", with its slop),
    a wildcard word ("wild"), a prefix ("prefix", without its `*`) or a fuzzy word ("fuzzy",
    its slop the edits allowed, as typed)."""

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
    """An operator; `arg` is a proximity operator's distance, or a field's name as typed."""

    __slots__ = ("name", "arg", "typed")

    def __init__(self, name: str, arg=None, typed: str = ""):
        self.name, self.arg, self.typed = name, arg, typed or name.upper()

    def __repr__(self):
        return self.name.upper() + (f"/{self.arg}" if self.arg is not None else "")


class Group:
    """Nodes grouped by brackets (ALL or ANY), by an operator (OPERATORS, `arg` a proximity
    operator's distance) or by a field ("field", `arg` its name as typed)."""

    __slots__ = ("kind", "nodes", "arg")

    def __init__(self, kind: str, nodes: list | None = None, arg=None):
        self.kind, self.nodes, self.arg = kind, nodes if nodes is not None else [], arg

    def __repr__(self):
        return f"{self.kind}{'/' + str(self.arg) if self.arg is not None else ''}{self.nodes!r}"


_SPACE, _OPEN, _CLOSE = object(), object(), object()


def read(text: str, kind: str = ALL) -> Group:
    """The syntax tree of a query; `kind` (ALL or ANY) is the kind of the top level and of
    brackets. Never raises."""
    top = _nest(_tokens(text), kind)
    _join_wildcards(top)
    _drop_spaces(top)
    _join_fields(top)
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
        elif kind == "fuzzy":
            edits = int(m.group("edits") or 1)
            out.append(Text("fuzzymark", m.group(), edits))
        elif kind == "near":
            out.append(Op("near", int(m.group("distance")), m.group()))
        elif kind == "field":
            out.append(Op("field", m.group("field").lower(), m.group()))
        else:
            out.append(Op(kind, None, m.group()))
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
        if isinstance(node, Text) and node.kind == "fuzzymark":
            prev = nodes[i - 1] if i else None
            if isinstance(prev, Text) and prev.kind == "word":
                nodes[i - 1:i + 1] = [Text("fuzzy", prev.text, node.slop)]
            else:  # `~` after a phrase's quote or alone: nothing to make fuzzy
                del nodes[i]
            continue
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


def _join_fields(group: Group) -> None:
    """A field name takes the node after it (a word, a phrase, a pattern or a group)."""
    nodes = group.nodes
    i = 0
    while i < len(nodes):
        node = nodes[i]
        if isinstance(node, Op) and node.name == "field":
            nxt = nodes[i + 1] if i + 1 < len(nodes) else None
            if isinstance(nxt, (Text, Group, Slot)):
                if isinstance(nxt, Group):
                    _join_fields(nxt)
                nodes[i:i + 2] = [Group("field", [nxt], node.arg)]
            else:  # `media:` before an operator: nothing to look for
                del nodes[i]
                continue
        elif isinstance(node, Group):
            _join_fields(node)
        i += 1


def _bind(group: Group) -> None:
    nodes = group.nodes
    for name in OPERATORS:
        extends = _EXTENDS.get(name, ())
        i = 0
        while i < len(nodes):
            op = nodes[i]
            if not (isinstance(op, Op) and op.name == name):
                i += 1
            elif name in _PREFIX_OPS:  # takes the node after it, if any
                del nodes[i]
                if i < len(nodes):
                    nodes[i] = Group(name, [nodes[i]])
            elif 0 < i < len(nodes) - 1:
                left, right = nodes[i - 1], nodes[i + 1]
                if isinstance(left, Group) and left.kind in extends and left.arg == op.arg:
                    left.nodes.append(right)
                    del nodes[i:i + 2]
                else:
                    nodes[i - 1:i + 2] = [Group(name, [left, right], op.arg)]
            else:  # nothing on one side
                del nodes[i]
    for n in nodes:
        if isinstance(n, Group):
            _bind(n)
