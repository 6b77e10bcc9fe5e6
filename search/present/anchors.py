"""Paragraph identity across re-ingests: fingerprints, durable permalinks, and where an old link
lands now.

A paragraph's fingerprint is a 64-bit simhash (16 hex digits) of its words and word pairs,
lowercased, punctuation dropped: the same text always gives the same fingerprint, and a small
edit changes only a few of its bits, while unrelated paragraphs differ in about half. A
paragraph's permalink is `/articles/<id>/p<n>-<fingerprint>`, where n is its number when the
link was made. The server resolves it (`locate`):

1. a paragraph of the article with that fingerprint (the nearest to n if several): it is here;
2. else the article's history (`Article.anchors`, kept by `carry` when `add` replaces the
   article): an edited paragraph's fingerprint leads to its new one ("moved"), a removed one's
   to its last known text ("gone");
3. else the nearest fingerprint within `NEAR_BITS` bits, ties broken by nearness to n, or
   within `FAR_BITS` when it is also within `PLACES` of n and clearly the nearest (an article
   rebuilt from an edited file, whose history was not kept);
4. else it is lost: the text is not known.

Today's `#p<n>` anchors stay on the page, so links of unchanged articles keep working.
`carry(old, new)` matches the old paragraphs to the new ones by fingerprint, then by word
similarity (difflib, at least `SIMILAR`) within the stretch between matched neighbours, and
records what moved and what is gone in the new article's history (at most `HISTORY` entries of
each). Nothing here touches an engine: the history travels inside the stored Article.

`text_fragment(text)` is the W3C text fragment (`:~:text=start,end`) that makes a browser
highlight the paragraph, here or at the publisher's address.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from hashlib import blake2b
from itertools import chain
from urllib.parse import quote

from search.cache import memoize
from search.models import Article

NEAR_BITS = 12  # an edited paragraph found by fingerprint alone: at most this many bits differ,
FAR_BITS = 18  # or at most this many when it is near its old place and clearly the nearest
MARGIN_BITS = 8  # ("clearly": the next nearest differs in this many more bits)
PLACES = 3  # ("near": within this many places of its old number)
SIMILAR = 0.5  # difflib ratio of words for an old paragraph to be the same as a new one
HISTORY = 500  # entries kept of "moved" and of "gone" each, newest last
FRAGMENT_WORDS = 4  # words at each end of a text fragment

_WORD = re.compile(r"\w+")
_ANCHOR = re.compile(r"^p(\d{1,6})-([0-9a-f]{16})$")


_BIT = [bytes((x >> j) & 1 for x in range(256)) for j in range(8)]  # byte -> its bit j
# The big-integer count (see fingerprint): bit j of every byte of the hashes laid in one integer,
# folded modulo 2**64 - 1, sums byte k of every hash into byte k of a 64-bit word; a byte counts
# to 255 without carrying, and the threshold added below keeps it under 256 for up to LANES.
LANES = 127  # features counted at once by the big-integer path (longer paragraphs: byte by byte)
_ONES = int.from_bytes(b"\x01" * (8 * LANES), "little")
_FOLD = (1 << 64) - 1
_EACH = 0x0101010101010101
_TOP = 0x8080808080808080


@memoize(8192, name="paragraph fingerprints")
def fingerprint(text: str) -> str:
    """The simhash of a paragraph's words and word pairs, as 16 hex digits. The features'
    64-bit hashes (little-endian) are laid end to end; bit 8k+j of the simhash is set when more
    than half of them have bit j set in their byte k. Counted in C: bit j of every byte, masked
    out of the hashes read as one integer and folded modulo 2**64 - 1, gives in its byte k how
    many hashes have bit j set in byte k; adding 128 less the threshold to every byte sets each
    byte's top bit exactly when its count reaches the threshold (`_counted`, the reference, counts
    byte by byte; the tests compare them)."""
    words = _WORD.findall(text.lower())
    if not words:
        return "0" * 16
    n = 2 * len(words) - 1  # the words and their pairs
    raw = b"".join([blake2b(f.encode("utf-8"), digest_size=8).digest()
                    for f in chain(words, map(" ".join, zip(words, words[1:])))])
    if n > LANES:
        return _counted(raw, n)
    x = int.from_bytes(raw, "little")
    add = (128 - (n // 2 + 1)) * _EACH  # count >= n // 2 + 1, i.e. more than half
    out = 0
    for j in range(8):
        out |= ((((x >> j) & _ONES) % _FOLD + add) & _TOP) >> (7 - j)
    return f"{out:016x}"


def _counted(raw: bytes, n: int) -> str:
    """The simhash of `n` features' hashes `raw`, counted byte by byte: the bytes are translated
    to their bit j, and byte k of every hash is a stride-8 slice."""
    out = 0
    for j, table in enumerate(_BIT):
        bits = raw.translate(table)
        for k in range(8):
            if 2 * bits[k::8].count(1) > n:
                out |= 1 << (8 * k + j)
    return f"{out:016x}"


def _digest(feature: str) -> bytes:
    """A feature's 64-bit hash, as `fingerprint` makes it inline (the tests' reference)."""
    return blake2b(feature.encode("utf-8"), digest_size=8).digest()


def fingerprints(paragraphs: list[str]) -> list[str]:
    return [fingerprint.__wrapped__(p) for p in paragraphs]


def article_prints(article: Article) -> list[str]:
    """The article's paragraph fingerprints: those stored with it (`Article.prints`, made when it
    was read), else computed."""
    return article.prints if _stored(article) else [fingerprint(p) for p in article.paragraphs]


def paragraph_print(article: Article, n: int) -> str:
    """Paragraph n's fingerprint (from 1): the stored one when the article has them."""
    return article.prints[n - 1] if _stored(article) else fingerprint(article.paragraphs[n - 1])


def _stored(article: Article) -> bool:
    """Whether the article carries its paragraphs' fingerprints (one per paragraph)."""
    return len(article.prints) == len(article.paragraphs)


def distance(a: str, b: str) -> int:
    """How many of the 64 bits of two fingerprints differ."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


def anchor(n: int, text: str, fp: str | None = None) -> str:
    """The last step of a paragraph's permalink: "p8-3f9a1c2b7d4e5f60" (`fp`: its fingerprint,
    when known)."""
    return f"p{n}-{fp or fingerprint(text)}"


def parse_anchor(value: str) -> tuple[int, str] | None:
    """"p8-3f9a…" -> (8, "3f9a…"); None when it is not a paragraph anchor."""
    m = _ANCHOR.match(value)
    return (int(m.group(1)), m.group(2)) if m else None


# -- where a link lands ------------------------------------------------------------------------
@dataclass(frozen=True)
class Located:
    """Where a permalink's paragraph is now. `kind`: "here" (paragraph `n`; `exact` False when
    found by nearness only), "gone" (removed; `text` is its last known text, `n` its last
    number) or "lost" (not found and its text not kept)."""

    kind: str
    n: int | None = None
    text: str | None = None
    exact: bool = True


def locate(article: Article, n: int, fp: str) -> Located:
    """Resolve a permalink taken as paragraph n with fingerprint fp (see the module docstring)."""
    fps = article_prints(article)
    here = _nearest(fps, fp, n)
    if here is not None:
        return Located("here", here)
    moved, gone = article.anchors.get("moved", {}), article.anchors.get("gone", {})
    seen, f = [fp], fp
    while f in moved and len(seen) <= HISTORY:
        f = moved[f]
        if f in seen:
            break
        seen.append(f)
        here = _nearest(fps, f, n)
        if here is not None:
            return Located("here", here)
    for f in reversed(seen):
        if f in gone:
            entry = gone[f]
            return Located("gone", entry.get("n"), entry.get("text"))
    near = sorted((distance(fp, g), abs(i + 1 - n), i + 1) for i, g in enumerate(fps))
    if near:
        bits, places, m = near[0]
        runner_up = near[1][0] if len(near) > 1 else 64
        if bits <= NEAR_BITS or (bits <= FAR_BITS and places <= PLACES
                                 and runner_up - bits >= MARGIN_BITS):
            return Located("here", m, exact=False)
    return Located("lost", n)


def _nearest(fps: list[str], fp: str, n: int) -> int | None:
    found = [i + 1 for i, g in enumerate(fps) if g == fp]
    return min(found, key=lambda m: abs(m - n)) if found else None


# -- re-ingest -----------------------------------------------------------------------------------
def carry(old: Article | None, new: Article) -> Article:
    """`new` with the paragraph history of `old` (the stored article it replaces) carried over
    and extended: edited paragraphs' old fingerprints lead to their new ones, removed ones keep
    their last text. Returns `new` (changed in place)."""
    if old is None:
        return new
    moved = dict(old.anchors.get("moved", {}))
    gone = dict(old.anchors.get("gone", {}))
    old_fps, new_fps = article_prints(old), article_prints(new)
    match = _align(old.paragraphs, old_fps, new.paragraphs, new_fps)
    for i, fp in enumerate(old_fps):
        j = match.get(i)
        if j is None:
            gone[fp] = {"n": i + 1, "text": old.paragraphs[i]}
        elif new_fps[j] != fp:
            moved[fp] = new_fps[j]
    current = set(new_fps)
    gone = {fp: e for fp, e in gone.items() if fp not in current}  # a paragraph came back
    moved = {fp: to for fp, to in moved.items() if fp not in current}
    new.anchors = {"moved": _last(moved), "gone": _last(gone)} if moved or gone else {}
    return new


def _last(d: dict) -> dict:
    return dict(list(d.items())[-HISTORY:])


def _align(old: list[str], old_fps: list[str], new: list[str], new_fps: list[str]) -> dict[int, int]:
    """{old index: new index}: equal fingerprints first (in order, nearest first), then the most
    similar unmatched paragraph between the matched neighbours, if similar enough."""
    match: dict[int, int] = {}
    used: set[int] = set()
    by_fp: dict[str, list[int]] = {}
    for j, fp in enumerate(new_fps):
        by_fp.setdefault(fp, []).append(j)
    for i, fp in enumerate(old_fps):
        free = [j for j in by_fp.get(fp, ()) if j not in used]
        if free:
            j = min(free, key=lambda j: abs(j - i))
            match[i] = j
            used.add(j)
    words_new = [_WORD.findall(p.lower()) for p in new]
    for i in range(len(old)):
        if i in match:
            continue
        lo = max((match[k] for k in range(i) if k in match), default=-1)
        hi = min((match[k] for k in range(i + 1, len(old)) if k in match), default=len(new))
        words = _WORD.findall(old[i].lower())
        best = None
        for j in range(lo + 1, hi):
            if j in used:
                continue
            ratio = difflib.SequenceMatcher(None, words, words_new[j], autojunk=False).ratio()
            if ratio >= SIMILAR and (best is None or ratio > best[0]):
                best = (ratio, j)
        if best is not None:
            match[i] = best[1]
            used.add(best[1])
    return match


# -- text fragments ------------------------------------------------------------------------------
def text_fragment(text: str, words: int = FRAGMENT_WORDS) -> str:
    """The W3C text directive for a paragraph: ":~:text=start,end" with its first and last
    `words` words (the whole text when it is short), each part percent-encoded, "-", "," and
    "&" included, as the directive's syntax requires."""
    parts = text.split()
    if len(parts) <= 2 * words:
        return ":~:text=" + _enc(" ".join(parts))
    return ":~:text=" + _enc(" ".join(parts[:words])) + "," + _enc(" ".join(parts[-words:]))


def _enc(s: str) -> str:
    return quote(s, safe="").replace("-", "%2D")
