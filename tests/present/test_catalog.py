"""Every word a reader sees comes from the interface catalog (search.present.words), in both
languages: no word written into a template (its text or its title, aria-label, placeholder or alt
attributes), no constant a template prints, no `t()` key the catalog lacks, no word written into
static/kliping.js. Only the brand and what is code (<code>, <kbd>) are exempt.

The templates are read with Jinja's own parser: the text between tags and expressions is
checked as HTML, and every constant that can reach the page through an expression is checked too.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from jinja2 import Environment, nodes

from conftest import ROOT
from search.present import i18n
from search.present.words import ui

TEMPLATES = ROOT / "templates"
SCRIPT = ROOT / "static" / "kliping.js"
BRAND = {"Kliping"}
SHOWN_ATTRS = {"title", "alt", "aria-label", "placeholder", "aria-description", "aria-roledescription", "label"}
EXEMPT_TAGS = {"code", "kbd", "script", "style"}
WORD = re.compile(r"[^\W\d_]+")
FORMAT = re.compile(r"%[-+ #0-9.]*[a-zA-Z]")  # '%.0f' is not a word
HOLE = "\x00"  # where an expression stands in a template's text


def templates() -> list[Path]:
    return sorted(TEMPLATES.glob("*.html"))


class Words(HTMLParser):
    """The words of an HTML fragment a reader sees: its text and its shown attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.exempt = 0

    def handle_starttag(self, tag, attrs):
        if tag in EXEMPT_TAGS:
            self.exempt += 1
        for name, value in attrs:
            if name in SHOWN_ATTRS and value:
                self.found += WORD.findall(value)

    def handle_endtag(self, tag):
        if tag in EXEMPT_TAGS and self.exempt:
            self.exempt -= 1

    def handle_data(self, data):
        if not self.exempt:
            self.found += WORD.findall(data)


def template_text(source: str) -> str:
    """The template with every expression and tag replaced by a hole and comments dropped."""
    out, depth = [], 0
    for _, kind, value in Environment().lex(source):
        if kind == "data" and not depth:
            out.append(value)
        elif kind in ("variable_begin", "block_begin"):
            depth += 1
            if kind == "variable_begin":
                out.append(HOLE)
        elif kind in ("variable_end", "block_end"):
            depth -= 1
    return "".join(out)


def written_words(source: str) -> list[str]:
    parser = Words()
    parser.feed(template_text(source))
    parser.close()
    return [w for w in parser.found if w not in BRAND]


def reaching(node) -> list[str]:
    """The string constants an expression can print (not those passed to a call: a call's
    result is what is printed, and t() is checked on its own)."""
    if isinstance(node, nodes.Const):
        return [node.value] if isinstance(node.value, str) else []
    if isinstance(node, nodes.CondExpr):
        return reaching(node.expr1) + (reaching(node.expr2) if node.expr2 is not None else [])
    if isinstance(node, (nodes.Or, nodes.And)):
        return reaching(node.left) + reaching(node.right)
    if isinstance(node, nodes.Concat):
        return [s for n in node.nodes for s in reaching(n)]
    if isinstance(node, nodes.Filter):  # |upper, |join(', '): the value and the filter's strings
        return reaching(node.node) + [s for n in node.args for s in reaching(n)]
    return []


def printed_constants(tree) -> list[str]:
    return [s for out in tree.find_all(nodes.Output) for child in out.nodes
            if not isinstance(child, nodes.TemplateData) for s in reaching(child)]


def t_keys(tree) -> list[tuple[str, bool]]:
    """(constant, is_prefix) of every t() call's key: 'facet_' ~ name gives ('facet_', True)."""
    found = []
    for call in tree.find_all(nodes.Call):
        if not (isinstance(call.node, nodes.Name) and call.node.name == "t" and call.args):
            continue
        key = call.args[0]
        branches = [key.expr1, key.expr2] if isinstance(key, nodes.CondExpr) else [key]
        for b in branches:
            if isinstance(b, nodes.Const):
                found.append((b.value, False))
            elif isinstance(b, nodes.Concat) and isinstance(b.nodes[0], nodes.Const):
                found.append((b.nodes[0].value, True))
    return found


@pytest.mark.parametrize("path", templates(), ids=lambda p: p.name)
def test_no_word_is_written_into_a_template(path):
    words = written_words(path.read_text(encoding="utf-8"))
    assert not words, f"{path.name}: words outside the catalog: {words}"


@pytest.mark.parametrize("path", templates(), ids=lambda p: p.name)
def test_no_template_prints_a_word_of_its_own(path):
    tree = Environment().parse(path.read_text(encoding="utf-8"))
    words = [s for s in printed_constants(tree) if set(WORD.findall(FORMAT.sub("", s))) - BRAND]
    assert not words, f"{path.name}: printed constants with words: {words}"


@pytest.mark.parametrize("path", templates(), ids=lambda p: p.name)
def test_every_key_a_template_asks_for_is_in_the_catalog(path):
    keys = set(i18n.MESSAGES["id"])
    for key, is_prefix in t_keys(Environment().parse(path.read_text(encoding="utf-8"))):
        if is_prefix:
            assert any(k.startswith(key) for k in keys), f"{path.name}: no key starts with {key!r}"
        else:
            assert key in keys, f"{path.name}: {key!r} is not in the catalog"


def test_the_checks_catch_a_stray_word():
    assert written_words('<p title="Klik di sini">{{ t("search") }} Read more</p>') == ["Klik", "di", "sini",
                                                                                          "Read", "more"]
    assert written_words("<p><code>GET /api</code> <kbd>j</kbd> — Kliping ¶{{ n }} · ✕</p>") == []
    tree = Environment().parse("{{ x or 'tidak ada' }}{{ t('nope_' ~ y) }}{{ url_for('pages.x') }}"
                               "{{ '%.0f'|format(1) }}")
    assert [s for s in printed_constants(tree) if WORD.findall(FORMAT.sub("", s))] == ["tidak ada"]
    assert t_keys(tree) == [("nope_", True)]


def test_the_script_writes_no_words_and_gets_every_one_it_uses():
    source = SCRIPT.read_text(encoding="utf-8")
    code = re.sub(r"//[^\n]*|/\*.*?\*/", "", source, flags=re.S)
    strings = re.findall(r'"((?:[^"\\]|\\.)*)"', code) + re.findall(r"'((?:[^'\\]|\\.)*)'", code)
    worded = [s for s in strings if re.search(r"[A-Z][a-z]|[^\x00-\x7f]", s)]  # sentences, names, Indonesian
    assert not worded, f"kliping.js writes words of its own: {worded}"
    used = set(re.findall(r'say\("(\w+)"', code)) | set(re.findall(r'"(keys_\w+)"', code))
    assert used and used <= set(ui.SCRIPT), sorted(used - set(ui.SCRIPT))


def test_every_language_has_its_help_page():
    for lang in i18n.LANGS:
        assert (TEMPLATES / f"help.{lang}.md").read_text(encoding="utf-8").startswith("# ")
