"""Quotes across the archive: every paragraph that carries a statement, and where it came first.

`QuoteIndex` (kept with the index, updated by `add` and `remove`) holds every quote of every
article (search.stories.quotes) and the links between quotes of different articles:
- exact: the shorter quote's words (EXACT_MIN_WORDS or more) run, in order, inside the other;
- partial: a partial quote or a paraphrase (a translation, a trimmed or reworded quote): at least
  LINK_MIN_SHARED shared terms holding PARTIAL of the smaller quote's weight (idf over quotes),
  by the same speaker or where one side names none.
Candidates come from a prefix filter: quotes sharing LINK_MIN_SHARED terms or more share one of
each other's rarest |terms| - LINK_MIN_SHARED + 1 terms, so only those are posted and probed
(a term already posted for MAX_POSTINGS quotes takes no more), and linking is near-linear.

`book(meta)` turns it into `QuoteBook` records for readers: quotes linked to each other are one
quote (`QuoteRecord`) with its first appearance (earliest date, then id and paragraph), its
speaker (the first appearance's, else the one most of them name), and all its appearances, each
marked exact or partial against the first.
"""
from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from search.models import QuoteAppearance, QuoteMark, QuotePage, QuoteResult
from search.stories.quotes import Quote
from search.text.analysis import Analyzer, kept_words

LINK_MIN_TERMS = 5  # a shorter quote ("Masih jauh dari itu") links to nothing
LINK_MIN_SHARED = 5
PARTIAL = 0.6
EXACT_MIN_WORDS = 6
MAX_POSTINGS = 200  # a term posted for this many quotes takes no more and proposes none

_WORDS = re.compile(r"[^\W_]+(?:[.,]\d+)*")


def _words(text: str) -> str:
    return " " + " ".join(w.lower() for w in _WORDS.findall(text)) + " "


@dataclass
class Unit:
    aid: str
    n: int
    text: str
    speaker: str | None
    kind: str
    spans: tuple[tuple[int, int], ...]
    terms: frozenset[str]
    words: str  # " w1 w2 … " lowercased, for exact matching


class QuoteIndex:
    """Every quote of the archive and the links between them; plain data, pickled as is."""

    def __init__(self):
        self.units: dict[int, Unit] = {}
        self.by_article: dict[str, list[int]] = {}
        self.df: Counter = Counter()
        self.postings: dict[str, list[int]] = {}
        self.links: dict[int, dict[int, str]] = {}
        self.next_uid = 0

    # -- adding and removing -----------------------------------------------------------------------
    def collect(self, aid: str, quotes: Iterable[Quote], an: Analyzer) -> None:
        """Build, first pass: remember the quotes (linked by `join`)."""
        self.remove_articles([aid])
        for q in quotes:
            uid = self.next_uid
            self.next_uid += 1
            terms = an.term_set(q.text)
            self.units[uid] = Unit(aid, q.n, q.text, q.speaker, q.kind, q.spans, terms, _words(q.text))
            self.by_article.setdefault(aid, []).append(uid)
            self.df.update(terms)
            self.links[uid] = {}

    def join(self, uids: Iterable[int] | None = None) -> None:
        """Link quotes (all of them, or `uids` after an update) to the quotes posted so far."""
        for uid in sorted(self.units if uids is None else uids):
            u = self.units.get(uid)
            if u is None or len(u.terms) < LINK_MIN_TERMS:
                continue
            prefix = sorted(u.terms, key=lambda t: (self.df[t], t))[:len(u.terms) - LINK_MIN_SHARED + 1]
            hits = Counter(o for t in prefix if len(p := self.postings.get(t, ())) < MAX_POSTINGS for o in p)
            for other, h in hits.items():
                if h >= 2 and other in self.units:
                    how = self.match(u, self.units[other])
                    if how:
                        self.links[uid][other] = self.links[other][uid] = how
            for t in prefix:
                p = self.postings.setdefault(t, [])
                if len(p) < MAX_POSTINGS:
                    p.append(uid)

    def add_articles(self, quotes_of: Mapping[str, list[Quote]], an: Analyzer) -> None:
        before = self.next_uid
        for aid, quotes in quotes_of.items():
            self.collect(aid, quotes, an)
        self.join(range(before, self.next_uid))

    def remove_articles(self, ids: Iterable[str]) -> None:
        for aid in ids:
            for uid in self.by_article.pop(aid, ()):
                u = self.units.pop(uid)
                self.df.subtract(u.terms)
                for other in self.links.pop(uid, {}):
                    self.links.get(other, {}).pop(uid, None)
        # postings keep dead ids; look-ups skip them

    def match(self, a: Unit, b: Unit) -> str | None:
        if a.aid == b.aid:
            return None
        short, long_ = (a, b) if len(a.words) <= len(b.words) else (b, a)
        if short.words.count(" ") - 1 >= EXACT_MIN_WORDS and short.words in long_.words:
            return "exact"
        shared = a.terms & b.terms
        if len(shared) < LINK_MIN_SHARED:
            return None
        if a.speaker and b.speaker and a.speaker.casefold() != b.speaker.casefold():
            return None
        small = min(a.terms, b.terms, key=lambda s: self._weight(s))
        return "partial" if self._weight(shared) >= PARTIAL * self._weight(small) else None

    def _weight(self, terms: Iterable[str]) -> float:
        """Summed idf over quotes: common words weigh little."""
        n = max(2, len(self.units))
        idf, df = self.__dict__.setdefault("_idf", {}), self.df
        total = 0.0
        for t in terms:
            w = idf.get(t)
            if w is None:
                w = idf[t] = math.log(1 + n / max(1, df[t]))
            total += w
        return total

    # -- reading -----------------------------------------------------------------------------------
    def groups(self) -> list[list[int]]:
        """Quotes joined by links, each group a list of unit ids."""
        parent: dict[int, int] = {}

        def find(x: int) -> int:
            while parent.setdefault(x, x) != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for uid, others in self.links.items():
            for o in others:
                a, b = find(uid), find(o)
                if a != b:
                    parent[a] = b
        out: dict[int, list[int]] = {}
        for uid in self.units:
            out.setdefault(find(uid), []).append(uid)
        return list(out.values())

    def book(self, meta: Mapping[str, tuple]) -> QuoteBook:
        """The readers' records; `meta` maps an article id to (outlet, date, title)."""
        records, marks = [], {}

        def when(uid: int):
            u = self.units[uid]
            return (meta.get(u.aid, (None, None, ""))[1] or "9999", u.aid, u.n)

        for members in self.groups():
            members.sort(key=when)
            first = self.units[members[0]]
            speakers = Counter(self.units[m].speaker for m in members if self.units[m].speaker)
            speaker = first.speaker or (speakers.most_common(1)[0][0] if speakers else None)
            qid = "q" + hashlib.sha1(f"{first.aid}\n{first.n}\n{first.text[:60]}".encode()).hexdigest()[:12]
            occ = []
            for m in members:
                u = self.units[m]
                outlet, date, title = meta.get(u.aid, (None, None, ""))
                how = "exact" if m == members[0] or self.match(u, first) == "exact" or \
                    u.words in first.words else "partial"
                occ.append(Occurrence(u.aid, u.n, outlet, date, title, how, u.spans, u.kind, u.speaker))
                marks.setdefault(u.aid, []).append((u.n, len(records), len(occ) - 1))
            terms = frozenset().union(*(self.units[m].terms for m in members),
                                      kept_words(speaker or ""))
            records.append(QuoteRecord(qid, first.text, speaker, occ, terms))
        return QuoteBook(records, marks)


@dataclass(frozen=True)
class Occurrence:
    article: str
    n: int
    outlet: str | None
    date: str | None
    title: str
    match: str  # "exact" or "partial", against the first appearance
    spans: tuple[tuple[int, int], ...] = ()
    kind: str = "direct"
    speaker: str | None = None


@dataclass
class QuoteRecord:
    id: str
    text: str
    speaker: str | None
    occurrences: list[Occurrence]  # the first appearance first, then by date
    terms: frozenset[str] = field(default=frozenset(), repr=False)

    @property
    def first(self) -> Occurrence:
        return self.occurrences[0]


    def appearance(self, i: int) -> QuoteAppearance:
        o = self.occurrences[i]
        return QuoteAppearance(o.article, o.n, o.outlet, o.date, o.title, o.match)

    def result(self) -> QuoteResult:
        every = [self.appearance(i) for i in range(len(self.occurrences))]
        return QuoteResult(self.id, self.text, self.speaker, every[0], every)


@dataclass
class QuoteBook:
    """What readers load: quote records, and where each article's quotes are. The search and
    the article marks are Kliping's own; any engine that stores a QuoteBook can serve them."""

    records: list[QuoteRecord]
    marks: dict[str, list[tuple[int, int, int]]]  # article id -> [(n, record index, occurrence index)]

    def __len__(self) -> int:
        return len(self.records)

    def search(self, terms: frozenset[str] = frozenset(), speaker: str = "", page: int = 1,
               per_page: int = 20, facet_size: int = 30) -> QuotePage:
        """Quotes holding every term (in their words or their speaker's name), of `speaker` if
        given; newest first appearance first. The speaker facet counts the quotes matching the
        terms, whatever speaker is selected."""
        matching = [r for r in self.records if terms <= r.terms] if terms else list(self.records)
        counts = Counter(r.speaker for r in matching if r.speaker)
        if speaker:
            matching = [r for r in matching if (r.speaker or "").casefold() == speaker.casefold()]
        matching.sort(key=lambda r: (r.first.date or "", len(r.occurrences), r.id), reverse=True)
        shown = matching[(page - 1) * per_page: page * per_page]
        return QuotePage(len(matching), [r.result() for r in shown], counts.most_common(facet_size),
                         page, per_page)

    def for_article(self, article_id: str) -> dict[int, list[QuoteMark]]:
        """{paragraph n: the quotes in it}, each with its first and other appearances."""
        out: dict[int, list[QuoteMark]] = {}
        for n, ri, oi in self.marks.get(article_id, ()):
            r = self.records[ri]
            o = r.occurrences[oi]
            others = tuple(r.appearance(i) for i in range(len(r.occurrences)) if i != oi)
            out.setdefault(n, []).append(QuoteMark(r.id, o.spans, o.speaker or r.speaker, o.kind,
                                                   r.appearance(0), others))
        return out

    def get(self, quote_id: str) -> QuoteResult | None:
        for r in self.records:
            if r.id == quote_id:
                return r.result()
        return None
