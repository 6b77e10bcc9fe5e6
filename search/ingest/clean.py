"""Boilerplate removal and paragraph reconstruction: raw article text -> `Cleaned`.

This module owns the text-only part of ingest. Everything here is a pure function on strings;
nothing reads files or decides metadata. What the cleaner takes out is reported, never lost:
every dropped line or stripped fragment becomes a `Removal(kind, text)`, and fragments that carry
metadata (the "Sumber: X | Editor: Y" line, the "KONTAN.CO.ID - SEOUL." dateline, the "[jm/lt]"
tag) are also kept as `Capture`s with named groups for `search.extract` to read.

The rules are data, in `search.ingest.boilerplate` (`LINE_RULES`, `LEAD_RULES`, `TAIL_RULES`
...); this module applies them: line rules to every line, lead rules to the first paragraphs,
tail rules to the last one.

Paragraphs. If the text has blank lines between paragraphs, each blank-line block is one
paragraph (its lines joined with a space); otherwise every non-empty line is one. A paragraph
broken mid-sentence is then rejoined with the next one: the previous paragraph does not end in
sentence-final punctuation (. ! ? … optionally followed by closing quotes or brackets) and the
next begins with a lowercase letter, possibly after an opening quote or bracket. Runs of
whitespace (including no-break spaces) collapse to one space.

Headline rule (`detect_title=True`). The first line that survives the line rules is the title
when all of these hold: its block is that one line; it is at most `TITLE_MAX_WORDS` words and
`TITLE_MAX_CHARS` characters; it is a single sentence (no sentence punctuation followed by more
text); it starts with an uppercase letter, a digit or an opening quote and does not end in
, ; or :; it has no "(d/m)" date, d/m/yyyy date or dateline; at least one paragraph follows; and
either it has no terminal punctuation or a blank line follows it. Under this rule seeds 001 and
003 have headlines and seeds 000, 002 and 004 do not.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from search.ingest.boilerplate import (
    INLINE_RULES,
    LEAD_RULES,
    LEAD_SCOPE,
    LINE_RULES,
    LINK_HEADING,
    LINK_ITEM,
    LINK_ITEM_WORDS,
    LINK_LIST_MAX,
    TAIL_RULES,
    Rule,
)
from search.models import Removal

#: Bump whenever a cleaning or extraction rule changes what an input becomes (here, in
#: search.ingest.boilerplate, search.extract, search.records, search.ingest, search.metafile or
#: search.htmlread): it is part of every input fingerprint (search.fingerprints), so `add` then
#: re-cleans everything.
CLEANING_VERSION = 2

TITLE_MAX_WORDS = 16
TITLE_MAX_CHARS = 140

_INVISIBLE_RE = re.compile("[\ufeff\u200b\u200c\u200d\u2060]")
_SENTENCE_END = re.compile(r"[.!?…]['\"”’»)\]]*$")
_LOWER_START = re.compile(r"^['\"“‘«(\[]?(\w)")
_INNER_SENTENCE = re.compile(r"[.!?…]['\"”’»)\]]*\s+\S")
_DATE_LIKE = re.compile(r"\(\s*\d{1,2}\s*/\s*\d{1,2}|\b\d{1,2}/\d{1,2}/\d{2,4}\b")
_TITLE_START = re.compile(r"^['\"“‘«]?(\w)")


@dataclass(frozen=True)
class Capture:
    """Metadata-bearing text a rule removed: the rule's kind and its named groups."""

    kind: str
    text: str
    groups: dict


@dataclass
class Cleaned:
    """The cleaner's result. `title` is None when the text has no headline line."""

    title: str | None
    paragraphs: list[str]
    removed: list[Removal] = field(default_factory=list)
    captures: list[Capture] = field(default_factory=list)

    def captured(self, kind: str) -> list[Capture]:
        return [c for c in self.captures if c.kind == kind]


def collapse(text: str) -> str:
    """Collapse every run of whitespace (incl. no-break spaces) to one space; strip the ends."""
    if _INVISIBLE_RE.search(text):
        text = _INVISIBLE_RE.sub("", text)
    return " ".join(text.split())


def normalize_newlines(raw: str) -> str:
    if _INVISIBLE_RE.search(raw):
        raw = _INVISIBLE_RE.sub("", raw)
    return raw.replace("\r\n", "\n").replace("\r", "\n") if "\r" in raw else raw


def split_blocks(raw: str) -> tuple[list[list[str]], bool]:
    """Split text into paragraph blocks (lists of lines). Returns (blocks, uses_blank_lines)."""
    lines = normalize_newlines(raw).split("\n")
    content = [i for i, line in enumerate(lines) if line.strip()]
    if not content:
        return [], False
    inner = lines[content[0]:content[-1] + 1]
    blank_mode = any(not line.strip() for line in inner)
    if not blank_mode:
        return [[line] for line in inner], False
    blocks: list[list[str]] = [[]]
    for line in inner:
        if line.strip():
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b], True


def clean_text(raw: str, *, detect_title: bool = True) -> Cleaned:
    """Clean one article's raw text (a .txt file, a JSONL body). See the module docstring."""
    blocks, blank_mode = split_blocks(raw)
    return clean_blocks(blocks, detect_title=detect_title, title_may_end=blank_mode)


def clean_paragraphs(paragraphs: Iterable[str]) -> Cleaned:
    """Clean text already split into paragraphs (JSONL `paragraphs`, Markdown blocks). A given
    paragraph that itself holds blank lines is split there."""
    blocks = []
    for p in paragraphs:
        p = normalize_newlines(p)
        for part in (re.split(r"\n[ \t\u00a0]*\n", p) if "\n" in p else (p,)):
            lines = part.split("\n")
            if any(line.strip() for line in lines):
                blocks.append(lines)
    return clean_blocks(blocks, detect_title=False)


def clean_blocks(blocks: list[list[str]], *, detect_title: bool = False,
                 title_may_end: bool = False, kinds: list[str] | None = None) -> Cleaned:
    """The shared pipeline: line rules, headline, lead and tail rules, rejoin.

    `kinds` optionally names each block's element (Markdown: "p", "li", "h2" ...); only
    consecutive "p" blocks are rejoined then, so list items and headings stay apart."""
    out = Cleaned(title=None, paragraphs=[])
    kept_blocks: list[list[str]] = []
    kept_kinds: list[str] = []
    links = 0  # link titles still expected after a "Baca juga:" heading
    for i, block in enumerate(blocks):
        kept = []
        for line in block:
            line = collapse(line)
            if not line:
                continue
            if links and is_link_item(line):
                out.removed.append(Removal("link-list", line))
                links -= 1
                continue
            links = 0
            if _drop_line(line, out):
                links = LINK_LIST_MAX if LINK_HEADING.search(out.removed[-1].text) else 0
                continue
            line, links = _strip_inline(line, out)
            if line:
                kept.append(line)
        if kept:
            kept_blocks.append(kept)
            kept_kinds.append(kinds[i] if kinds else "p")

    if detect_title and len(kept_blocks) > 1 and len(kept_blocks[0]) == 1 \
            and is_headline(kept_blocks[0][0], followed_by_blank=title_may_end):
        out.title = kept_blocks.pop(0)[0]
        kept_kinds.pop(0)

    paragraphs = [" ".join(b) for b in kept_blocks]
    paragraphs = _apply_lead(paragraphs, out)  # keeps the count (an emptied lede stays "")
    paragraphs = _apply_tail(paragraphs, out)
    out.paragraphs = rejoin(paragraphs, kept_kinds)
    return out


def is_headline(line: str, *, followed_by_blank: bool) -> bool:
    """The headline rule for one candidate line (see the module docstring)."""
    if len(line) > TITLE_MAX_CHARS or len(line.split()) > TITLE_MAX_WORDS:
        return False
    start = _TITLE_START.match(line)
    if not start or start.group(1).islower() or line.endswith((",", ";", ":")):
        return False
    if _INNER_SENTENCE.search(line) or _DATE_LIKE.search(line):
        return False
    if any(rule.pattern.match(line + " ") for rule in LEAD_RULES):
        return False
    return followed_by_blank or not _SENTENCE_END.search(line)


def rejoin(paragraphs: list[str], kinds: list[str] | None = None) -> list[str]:
    """Join a paragraph that stops mid-sentence with a next one that starts in lowercase.

    Empty paragraphs are dropped. With `kinds`, only two "p" paragraphs are ever joined."""
    out: list[str] = []
    prev_kind = None
    for i, para in enumerate(paragraphs):
        kind = kinds[i] if kinds else "p"
        if not para:
            continue
        if out and kind == "p" and prev_kind == "p" and not _SENTENCE_END.search(out[-1]):
            m = _LOWER_START.match(para)
            if m and m.group(1).islower():
                out[-1] = f"{out[-1]} {para}"
                continue
        out.append(para)
        prev_kind = kind
    return out


def _record(out: Cleaned, rule: Rule, m: re.Match, text: str) -> None:
    out.removed.append(Removal(rule.kind, text))
    groups = {k: v for k, v in m.groupdict().items() if v}
    if groups:
        out.captures.append(Capture(rule.kind, text, groups))


def _drop_line(line: str, out: Cleaned) -> bool:
    for rule in LINE_RULES:
        m = rule.pattern.search(line)
        if m:
            _record(out, rule, m, line)
            return True
    return False


def _apply_lead(paragraphs: list[str], out: Cleaned) -> list[str]:
    paragraphs = list(paragraphs)
    for i, para in enumerate(paragraphs[:LEAD_SCOPE]):
        for rule in LEAD_RULES:
            m = rule.pattern.match(para)
            if m:
                _record(out, rule, m, m.group(0).strip())
                paragraphs[i] = para[m.end():].strip()
                return paragraphs
    return paragraphs


def _strip_inline(line: str, out: Cleaned) -> tuple[str, int]:
    """Drop a "Baca juga: ..." suffix; returns the line left and how many links may follow."""
    if "uga" not in line and "UGA" not in line:  # cheap pre-check for "juga"
        return line, 0
    for rule in INLINE_RULES:
        m = rule.pattern.search(line)
        if m:
            _record(out, rule, m, m.group(0).strip())
            return line[:m.start()].rstrip(), LINK_LIST_MAX if LINK_HEADING.search(m.group(0)) else 0
    return line, 0


def is_link_item(line: str) -> bool:
    """A line after a "Baca juga:" heading that reads like a link title, not like text."""
    return bool(LINK_ITEM.match(line)) and len(line.split()) <= LINK_ITEM_WORDS


def _apply_tail(paragraphs: list[str], out: Cleaned) -> list[str]:
    """Strip closing tags from the last paragraph, one after another ("... (Antara) [feb]").
    Lowercase initials ("(yp)", "[zid]") also end other paragraphs when a body is followed by
    extras such as a line-up; those are stripped wherever a paragraph ends with them."""
    paragraphs = list(paragraphs)
    for i, para in enumerate(paragraphs[:-1]):
        if not para.endswith((")", "]")):
            continue
        for rule in TAIL_RULES[:2]:
            m = rule.pattern.search(para)
            if m:
                _record(out, rule, m, m.group(0).strip())
                paragraphs[i] = para[:m.start()].strip()
                break
    for _ in range(3):
        last = max((i for i, p in enumerate(paragraphs) if p), default=None)
        if last is None:
            return paragraphs
        if not paragraphs[last].endswith((")", "]")):
            return paragraphs
        for rule in TAIL_RULES:
            m = rule.pattern.search(paragraphs[last])
            if m:
                _record(out, rule, m, m.group(0).strip())
                paragraphs[last] = paragraphs[last][:m.start()].strip()
                break
        else:
            return paragraphs
    return paragraphs
