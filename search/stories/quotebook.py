"""Quotes across the archive: every paragraph that carries a statement, and where it came first.

`QuoteIndex` (kept with the index, updated by `add` and `remove`) holds every quote of every
article (search.stories.quotes) and the links between quotes of different articles:
- exact: the shorter quote's words (EXACT_MIN_WORDS or more) run, in order, inside the other;
- partial: a partial quote or a paraphrase (a translation, a trimmed or reworded quote): at least
  LINK_MIN_SHARED shared terms holding PARTIAL of the smaller quote's weight (idf over quotes),
  by the same speaker or where one side names none.
Candidates come from a prefix filter: quotes sharing LINK_MIN_SHARED terms or more share one of
each other's rarest |terms| - LINK_MIN_SHARED + 1 terms, so only those are posted; a new quote
looks up the PROBE rarest of them and compares in full those found twice (a term already posted
for MAX_POSTINGS quotes takes no more). Linking is near-linear; a pair whose shared terms are
all commoner than both quotes' rarest PROBE is missed, an approximation chosen for speed.

`record(nodes, …)` turns a group into the readers' record (search.stories.storybook keeps them
in search.stories.storystore): quotes linked to each other are one quote (`QuoteRecord`) with
its first appearance (earliest date, then id and paragraph), its speaker (the first
appearance's, else the one most of them name), and all its appearances, each marked exact or
partial against the first. A one-word speaker name that can only be one full name
of the archive's speakers is shown and faceted under it (search.stories.fullnames).
"""
from __future__ import annotations

import hashlib
import heapq
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from search.models import QuoteAppearance, QuoteMark, QuoteResult
from search.stories.fullnames import full_names
from search.stories.quotes import Quote
from search.text.analysis import Analyzer, kept_words

LINK_MIN_TERMS = 5  # a shorter quote ("Masih jauh dari itu") links to nothing
LINK_MIN_SHARED = 5
PARTIAL = 0.6
EXACT_MIN_WORDS = 6
MAX_POSTINGS = 200  # a term posted for this many quotes takes no more and proposes none
PROBE = 8  # prefix terms a new quote looks up (all of its prefix is posted)

_WORDS = re.compile(r"[^\W_]+(?:[.,]\d+)*")


def _words(text: str) -> str:
    if text.isascii():  # lowercasing first finds the same words (not so for every letter: İ)
        return " " + " ".join(_WORDS.findall(text.lower())) + " "
    return " " + " ".join(w.lower() for w in _WORDS.findall(text)) + " "


def _exact(a: Unit, b: Unit) -> bool:
    """The shorter quote's words (EXACT_MIN_WORDS or more) run, in order, inside the other."""
    short, long_ = (a, b) if len(a.words) <= len(b.words) else (b, a)
    return short.words.count(" ") - 1 >= EXACT_MIN_WORDS and short.words in long_.words


@dataclass(slots=True)
class Unit:
    aid: str
    n: int
    text: str
    speaker: str | None
    kind: str
    spans: tuple[tuple[int, int], ...]
    terms: frozenset[str]
    words: str  # " w1 w2 … " lowercased, for exact matching

    def __reduce__(self):  # pickled as its fields, not a dict of them: a third of the bytes
        return Unit, (self.aid, self.n, self.text, self.speaker, self.kind, self.spans, self.terms, self.words)


class _Nowhere(set):
    """A set that keeps nothing added to it."""

    def add(self, item) -> None:
        pass

    def update(self, *items) -> None:
        pass


class QuoteIndex:
    """Every quote of the archive and the links between them; plain data, pickled as is.
    Quotes with the very same words are one node (`same`), so a statement copied by many
    articles costs one entry in the join, not one link per pair of copies."""

    def __init__(self):
        self.units: dict[int, Unit] = {}
        self.by_article: dict[str, list[int]] = {}
        self.canon: dict[str, int] = {}  # words -> the node of quotes with those words
        self.node_of: dict[int, int] = {}  # quote -> its node
        self.same: dict[int, list[int]] = {}  # node -> its quotes
        self.df: Counter = Counter()  # nodes holding each term
        self.postings: dict[str, list[int]] = {}
        self.links: dict[int, dict[int, str]] = {}  # node -> {node: "exact"|"partial"}
        self.speakers: Counter = Counter()  # speaker name -> articles quoting it
        self.next_uid = 0
        #: nodes whose quotes or links changed (not kept), for an update
        #: (search.stories.storyupdate); a build, which writes every node, keeps none (`untracked`)
        self.touched: set[int] = set()

    def untracked(self) -> QuoteIndex:
        """A build's index: no record of the nodes touched (a million articles' quotes would
        hold every node there until the end)."""
        self.touched = _Nowhere()
        return self

    # -- adding and removing -----------------------------------------------------------------------
    def collect(self, aid: str, quotes: Iterable[Quote], an: Analyzer) -> list[int]:
        """Build, first pass: remember the quotes (linked by `join`); returns the new nodes."""
        self.remove_articles([aid])
        new, mine = [], []
        quotes = list(quotes)
        self.speakers.update({q.speaker for q in quotes if q.speaker})
        for q in quotes:
            uid = self.next_uid
            self.next_uid += 1
            words, text = _words(q.text), q.text
            node = self.canon.get(words)
            if node is not None:  # a copy shares the first one's strings and terms in memory
                first = self.units[node]
                words, terms = first.words, first.terms
                text = first.text if text == first.text else text
            else:
                terms = an.term_set(q.text)
            self.units[uid] = Unit(aid, q.n, text, q.speaker, q.kind, q.spans, terms, words)
            mine.append(uid)
            if node is None:
                node = self.canon[words] = uid
                self.same[node] = []
                self.links[node] = {}
                self.df.update(terms)
                new.append(node)
            self.same[node].append(uid)
            self.node_of[uid] = node
            self.touched.add(node)
        if mine:  # set once: a build's map may be spooled (search.stories.rowmap.SpoolMap)
            self.by_article[aid] = mine
        return new

    def join(self, nodes: Iterable[int] | None = None) -> None:
        """Link nodes (all of them, or the new ones after an update) to the nodes posted so far."""
        self.__dict__.pop("_idf", None)  # the rarities change with every update
        for node in sorted(self.same if nodes is None else nodes):
            u = self.units.get(node)
            if u is None or len(u.terms) < LINK_MIN_TERMS:
                continue
            self._post(node, probe=True)

    def _post(self, node: int, probe: bool) -> None:
        u = self.units[node]
        prefix = sorted(u.terms, key=lambda t: (self.df[t], t))[:len(u.terms) - LINK_MIN_SHARED + 1]
        if probe:  # the PROBE rarest: a pair is also found from its other side
            hits = Counter(o for t in prefix[:PROBE] if len(p := self.postings.get(t, ())) < MAX_POSTINGS
                           for o in p)
            for other, h in hits.items():
                if h >= 2 and other in self.same and other != node:
                    how = self.match(u, self.units[other])
                    if how:
                        self.links[node][other] = self.links[other][node] = how
                        self.touched.update((node, other))
        for t in prefix:
            p = self.postings.setdefault(t, [])
            if len(p) < MAX_POSTINGS:
                p.append(node)

    def add_articles(self, quotes_of: Mapping[str, list[Quote]], an: Analyzer) -> None:
        new = []
        for aid, quotes in quotes_of.items():
            new += self.collect(aid, quotes, an)
        self.join(new)

    def remove_articles(self, ids: Iterable[str]) -> None:
        for aid in ids:
            uids = self.by_article.pop(aid, ())
            self.speakers.subtract({self.units[uid].speaker for uid in uids if self.units[uid].speaker})
            for uid in uids:
                u = self.units[uid]
                node = self.node_of.pop(uid)
                self.touched.add(node)
                members = self.same[node]
                members.remove(uid)
                if uid != node:
                    del self.units[uid]
                    continue
                links = self.links.pop(node)
                self.touched.update(links)
                for other in links:
                    self.links[other].pop(node, None)
                del self.same[node]
                if members:  # another copy of these words takes the node's place
                    heir = members[0]
                    self.touched.add(heir)
                    self.same[heir], self.canon[u.words], self.links[heir] = members, heir, links
                    for m in members:
                        self.node_of[m] = heir
                    for other, how in links.items():
                        self.links[other][heir] = how
                    if len(u.terms) >= LINK_MIN_TERMS:
                        self._post(heir, probe=False)
                else:
                    del self.canon[u.words]
                    self.df.subtract(u.terms)
                del self.units[uid]
        # postings keep dead nodes; look-ups skip them

    def match(self, a: Unit, b: Unit) -> str | None:
        if a.aid == b.aid:
            return None
        if _exact(a, b):
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
        n = max(2, len(self.same))
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
        """Nodes joined by links, each group a list of node ids (the build's: all of them)."""
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
        for node in self.same:
            out.setdefault(find(node), []).append(node)
        return list(out.values())

    def aliases(self) -> dict[str, str]:
        """Short speaker names -> the one full name each can be (search.stories.fullnames)."""
        return self.aliases_from(self.speakers)

    @staticmethod
    def aliases_from(speakers: Mapping[str, int]) -> dict[str, str]:
        """The same from {speaker name: articles quoting it}."""
        return full_names(Counter({k: v for k, v in speakers.items() if v > 0}))

    def record(self, nodes: list[int], meta: Callable[[str], tuple], aliases: Mapping[str, str]) -> QuoteRecord:
        """The readers' record of one group of linked nodes; `meta(article id)` gives (outlet,
        date, title)."""

        def named(speaker: str | None) -> str | None:
            return aliases.get(speaker.casefold(), speaker) if speaker else speaker

        same, seen = self.same, {}
        units = {uid: self.units[uid] for node in nodes for uid in same[node]}  # each read once

        def about(aid: str) -> tuple:
            if aid not in seen:
                seen[aid] = meta(aid) or (None, None, "")
            return seen[aid]

        def when(uid: int) -> tuple:
            u = units[uid]
            return (about(u.aid)[1] or "9999", u.aid, u.n)

        members = sorted(units, key=when)
        first = units[members[0]]
        speakers = Counter(named(units[m].speaker) for m in members if units[m].speaker)
        speaker = named(first.speaker) or (speakers.most_common(1)[0][0] if speakers else None)
        qid = "q" + hashlib.sha1(f"{first.aid}\n{first.n}\n{first.text[:60]}".encode()).hexdigest()[:12]
        occ = []
        for m in members:
            u = units[m]
            outlet, date, title = about(u.aid)
            how = "exact" if m == members[0] or u.words == first.words or _exact(u, first) else "partial"
            occ.append(Occurrence(u.aid, u.n, outlet, date, title, how, u.spans, u.kind, named(u.speaker)))
        terms = frozenset().union(*(units[m].terms for m in members), kept_words(speaker or ""))
        names = frozenset(units[m].speaker.casefold() for m in members if units[m].speaker)
        return QuoteRecord(qid, first.text, speaker, occ, terms, names, members[0])

    def extended(self, old: QuoteRecord, new: list[int], meta: Callable[[str], tuple],
                 aliases: Mapping[str, str]) -> QuoteRecord | None:
        """What `record` gives for `old`'s group with the quotes `new` (unit ids of new articles,
        in member order) added, reading only their units; None when the first appearance or
        the speaker would change (then only `record` can tell)."""
        if old.first_uid < 0 or old.first_uid not in self.units:
            return None

        def named(speaker: str | None) -> str | None:
            return aliases.get(speaker.casefold(), speaker) if speaker else speaker

        units = {uid: self.units[uid] for uid in new}
        about = {u.aid: meta(u.aid) or (None, None, "") for u in units.values()}

        def when(uid: int) -> tuple:
            u = units[uid]
            return (about[u.aid][1] or "9999", u.aid, u.n)

        added = sorted(new, key=when)
        if when(added[0]) <= (old.first.date or "9999", old.first.article, old.first.n):
            return None
        first = self.units[old.first_uid]
        fresh = []
        for m in added:
            u = units[m]
            outlet, date, title = about[u.aid]
            how = "exact" if u.words == first.words or _exact(u, first) else "partial"
            fresh.append(Occurrence(u.aid, u.n, outlet, date, title, how, u.spans, u.kind, named(u.speaker)))
        occ = list(heapq.merge(old.occurrences, fresh, key=lambda o: (o.date or "9999", o.article, o.n)))
        speakers = Counter(o.speaker for o in occ if o.speaker)
        speaker = named(first.speaker) or (speakers.most_common(1)[0][0] if speakers else None)
        if speaker != old.speaker:
            return None
        terms = old.terms.union(*(u.terms for u in units.values()))
        names = old.names | {u.speaker.casefold() for u in units.values() if u.speaker}
        return QuoteRecord(old.id, old.text, speaker, occ, terms, names, old.first_uid)


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

    def __reduce__(self):  # as Unit's
        return Occurrence, (self.article, self.n, self.outlet, self.date, self.title, self.match, self.spans,
                            self.kind, self.speaker)


@dataclass
class QuoteRecord:
    """One quote as readers see it: its first appearance first, then by date. `names`: the
    casefolded speaker names its appearances give (a change of full names re-reads it)."""

    id: str
    text: str
    speaker: str | None
    occurrences: list[Occurrence]
    terms: frozenset[str] = field(default=frozenset(), repr=False)
    names: frozenset[str] = field(default=frozenset(), repr=False)
    first_uid: int = field(default=-1, repr=False)  # the quote index's unit of the first appearance

    @property
    def first(self) -> Occurrence:
        return self.occurrences[0]

    def appearance(self, i: int) -> QuoteAppearance:
        o = self.occurrences[i]
        return QuoteAppearance(o.article, o.n, o.outlet, o.date, o.title, o.match)

    def result(self) -> QuoteResult:
        every = [self.appearance(i) for i in range(len(self.occurrences))]
        return QuoteResult(self.id, self.text, self.speaker, every[0], every, self.occurrences[0].kind)

    def mark(self, i: int) -> QuoteMark:
        """Appearance `i` as its paragraph marks it, with the first and the other appearances."""
        o = self.occurrences[i]
        others = tuple(self.appearance(j) for j in range(len(self.occurrences)) if j != i)
        return QuoteMark(self.id, o.spans, o.speaker or self.speaker, o.kind, self.appearance(0), others)

    def marks(self):
        """(article id, (n, quote id)) of every appearance (an article's marks change only when
        the quote's id does, or the article's appearances)."""
        for o in self.occurrences:
            yield o.article, (o.n, self.id)

    def marks_in(self, article: str, n: int) -> list[QuoteMark]:
        """The marks of the quote's appearances in paragraph `n` of `article`."""
        return [self.mark(i) for i, o in enumerate(self.occurrences) if o.article == article and o.n == n]
