"""Echoes: paragraphs of other articles that carry the same or nearly the same passage.

News passages repeat across outlets (wire copy, translations of one statement). For every
paragraph, this module finds the paragraphs of OTHER articles whose text is nearly the same, at
index time, and stores them beside the index, so the article page only looks them up.

The rule, chosen on the seeds and IndoSum. On the seeds, the 002/003 pairs (Putin's letter,
J 0.46; Matthew Miller's claim, 0.47; the thanks for support in Ukraine, 0.57) pass and nothing
else comes closer than 0.37 (the Russian delegation, 002/003), so THRESHOLD 0.40 leaves a
margin; at 0.35 IndoSum gains many formulaic look-alikes (police spokesman quotes, match reports).
- A paragraph is its set of index terms (Analyzer.term_set: stems, stop words dropped).
  Paragraphs with fewer than MIN_TERMS distinct terms are too short to echo anything.
- Two paragraphs echo each other when their term sets share at least MIN_SHARED terms and their
  Jaccard similarity |A & B| / |A | B| is at least THRESHOLD. Translations of one statement
  reword and reorder it, so sets of stems work where word shingles and exact hashes do not.
- Boilerplate: a passage found in more than MAX_ARTICLES articles (the paragraph's own and
  every article holding an echo of it, whatever the outlet) links to nothing.
- Links go to other articles only, and not to an article of the same (known) outlet: an
  outlet repeating itself is not what a fact-checker is after. An unknown outlet is "other".

Scaling: identical term sets are grouped first (exact copies cost nothing more), then each new
group is joined with the earlier ones through an inverted index of terms, with the prefix
filter of set-similarity joins (AllPairs): terms are ordered rarest first, and a partner must
share at least alpha = max(ceil(THRESHOLD * |A|), MIN_SHARED) terms with A, so it holds at least
HITS of A's first |A| - alpha + HITS terms. Only those (rare) terms are looked up, and only
groups hit HITS times are compared in full, so the cost is near-linear in the corpus. One
approximation keeps it so: a term already in MAX_POSTINGS groups takes no more postings and
proposes no candidates (it still counts when a pair is compared), so a pair could be missed if
its shared prefix terms were all that common; echoes share rare names and numbers.

Files, in the generation directory next to kliping.json:
- `echoes.pickle`: what readers load, once per generation (compact arrays; see EchoView);
- `echoes-table.pickle`: the groups, their links and the prefix index, for `add` and `remove`.
  An update removes the changed and removed articles' paragraphs from their groups, adds the new
  ones (probing the persisted index), and derives `echoes.pickle` again. Term rarity is the
  build's; words first seen by an update count as rarest. Rarity only steers which terms propose candidates.
A generation without the files (built before echoes existed) simply has no echoes.
"""
from __future__ import annotations

import math
import os
import pickle
from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from itertools import chain
from pathlib import Path

from search.models import Article, Echo
from search.present.citations import display_title
from search.text.analysis import Analyzer

MIN_TERMS = 8
MIN_SHARED = 8
THRESHOLD = 0.40
MAX_POSTINGS = 200  # a term already in this many groups proposes no more candidates
HITS = 3  # prefix terms a candidate must share before its sets are compared
MAX_ARTICLES = 10

FILE = "echoes.pickle"
TABLE = "echoes-table.pickle"
VERSION = 3  # 2: each file starts with a header naming the index commit it describes; 3: formula
# judged (search.stories.formulaic)


def _same_outlet(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and a.strip().casefold() == b.strip().casefold()


class EchoTable:
    """Groups of paragraphs with identical term sets, the links between groups that reach the
    threshold, and the prefix index that finds them. Everything is plain data, pickled as is."""

    def __init__(self):
        self.order: dict[str, int] = {}  # term -> rank, rarest first; new terms negative
        self.next_new = -1
        self.groups: dict[int, tuple[int, ...]] = {}  # gid -> sorted term ranks
        self.by_terms: dict[tuple[int, ...], int] = {}
        self.members: dict[int, list[int]] = {}  # gid -> pids
        self.links: dict[int, dict[int, float]] = {}  # gid -> {gid: jaccard}
        self.index: dict[int, list[int]] = {}  # term rank -> gids with it in their prefix
        self.paras: dict[int, tuple[str, int, int]] = {}  # pid -> (article id, n, gid)
        self.by_article: dict[str, list[int]] = {}
        self.meta: dict[str, tuple[str | None, str | None, str]] = {}  # id -> outlet, date, label
        self.next_gid = 0
        self.next_pid = 0

    # -- building -------------------------------------------------------------------------------
    @classmethod
    def build(cls, articles: Iterable[Article], an: Analyzer) -> EchoTable:
        """Everything from scratch: group, order terms by rarity, join."""
        table = cls()
        for a in articles:
            table.collect(a, [an.term_set(text) for text in a.paragraphs])
        table.join()
        return table

    def collect(self, a: Article, stems: list[frozenset[str]]) -> None:
        """Build, first pass: remember an article's paragraphs (as term sets, grouped), given
        the paragraphs' term sets (from the indexer's own analysis: Analyzer.paragraph_stems)."""
        self._remember(a)
        pending = self.__dict__.setdefault("_pending", {})
        if len(stems) != len(a.paragraphs):
            raise ValueError(f"{a.id}: {len(stems)} term sets for {len(a.paragraphs)} paragraphs")
        for n, terms in enumerate(stems, 1):
            if len(terms) >= MIN_TERMS:
                pending.setdefault(terms, []).append((a.id, n))

    def join(self) -> None:
        """Build, second pass: order terms rarest first and join the groups."""
        pending = self.__dict__.pop("_pending", {})
        df: dict[str, int] = {}
        for terms in pending:
            for t in terms:
                df[t] = df.get(t, 0) + 1
        ranked = sorted(df, key=lambda t: (df[t], t))
        self.order = {t: i for i, t in enumerate(ranked)}
        self.dfs = array("I", (df[t] for t in ranked))  # groups holding each term, by rank
        for terms, where in pending.items():
            gid = self._group(terms)
            for aid, n in where:
                self._add_para(aid, n, gid)

    def _remember(self, a: Article) -> None:
        self.meta[a.id] = (a.outlet, a.date, display_title(a))

    def _rank(self, term: str) -> int:
        r = self.order.get(term)
        if r is None:
            r = self.order[term] = self.next_new
            self.next_new -= 1
        return r

    def _add_para(self, aid: str, n: int, gid: int) -> None:
        pid = self.next_pid
        self.next_pid += 1
        self.paras[pid] = (aid, n, gid)
        self.members[gid].append(pid)
        self.by_article.setdefault(aid, []).append(pid)

    def _group(self, terms: frozenset[str]) -> int:
        """The group of a term set: found, or made, probed against the others and indexed."""
        try:
            key = tuple(sorted(map(self.order.__getitem__, terms)))
        except KeyError:  # a word first seen by an update
            key = tuple(sorted(self._rank(t) for t in terms))
        gid = self.by_terms.get(key)
        if gid is not None:
            return gid
        gid = self.next_gid
        self.next_gid += 1
        size = len(key)
        alpha = max(math.ceil(THRESHOLD * size - 1e-9), MIN_SHARED)
        groups, index = self.groups, self.index
        hits = Counter(chain.from_iterable(
            p for t in key[:size - alpha + HITS] if (p := index.get(t)) is not None and len(p) < MAX_POSTINGS))
        lo, hi = THRESHOLD * size, size / THRESHOLD
        mine = set(key)
        links = {}
        for other, h in hits.items():
            if h < HITS:
                continue
            okey = groups.get(other)
            if okey is None or not lo <= len(okey) <= hi:
                continue
            inter = len(mine.intersection(okey))
            if inter < MIN_SHARED:
                continue
            sim = inter / (size + len(okey) - inter)
            if sim >= THRESHOLD:
                links[other] = sim
        for t in key:
            posting = index.setdefault(t, [])
            if len(posting) < MAX_POSTINGS:
                posting.append(gid)
        self.groups[gid] = key
        self.by_terms[key] = gid
        self.members[gid] = []
        self.links[gid] = links
        for other, sim in links.items():
            self.links[other][gid] = sim
        return gid

    # -- updating -------------------------------------------------------------------------------
    def remove_articles(self, ids: Iterable[str]) -> None:
        for aid in ids:
            self.meta.pop(aid, None)
            for pid in self.by_article.pop(aid, ()):
                _, _, gid = self.paras.pop(pid)
                members = self.members[gid]
                members.remove(pid)
                if not members:
                    self._drop_group(gid)

    def _drop_group(self, gid: int) -> None:
        key = self.groups.pop(gid)
        del self.by_terms[key]
        del self.members[gid]
        for other in self.links.pop(gid):
            self.links[other].pop(gid, None)
        # the prefix index keeps the dead gid; probes skip it and save() compacts it

    def add_articles(self, articles: Iterable[Article], an: Analyzer) -> None:
        """Add (or, after remove_articles, replace) articles, probing the persisted index."""
        for a in articles:
            self._remember(a)
            for n, text in enumerate(a.paragraphs, 1):
                terms = an.term_set(text)
                if len(terms) >= MIN_TERMS:
                    self._add_para(a.id, n, self._group(terms))

    # -- what a judge of links reads (search.stories.formulaic) ------------------------------------
    def group_count(self) -> int:
        return len(self.groups)

    def terms(self, gid: int) -> tuple[int, ...]:
        return self.groups[gid]

    def term_sets(self) -> Iterable[tuple[int, tuple[int, ...]]]:
        return self.groups.items()

    def where(self, gid: int) -> list[tuple[str, int]]:
        return [self.paras[p][:2] for p in self.members[gid]]

    def date_of(self, aid: str) -> str | None:
        return self.meta.get(aid, (None, None, ""))[1]

    def df(self, rank: int) -> int:
        dfs = self.__dict__.get("dfs")  # tables saved before issue 17 have none
        return dfs[rank] if dfs is not None and 0 <= rank < len(dfs) else 1

    # -- reading ----------------------------------------------------------------------------------
    def echoes(self, judge=None) -> dict[str, dict[int, list[tuple[str, int, float]]]]:
        """{article id: {n: [(other id, m, similarity)]}} under the rule in the module docstring.
        A `judge` (search.stories.formulaic.Judge) may drop links that rest on formula, and copies
        of stock text in articles apart in time."""
        paras, members, meta = self.paras, self.members, self.meta
        links = self.links
        boiler = set()
        for gid, mem in members.items():
            arts = {paras[p][0] for p in mem}
            for other in links[gid]:
                arts.update(paras[p][0] for p in members[other])
                if len(arts) > MAX_ARTICLES:
                    break
            if len(arts) > MAX_ARTICLES:
                boiler.add(gid)
        if judge is not None:
            pairs = [(g, o) for g, ls in links.items() if g not in boiler for o in ls
                     if o > g and o not in boiler]
            judge.prepare(pairs)
            kept: dict[int, dict[int, float]] = {g: {} for g in links}
            for g, o in pairs:
                if judge.keep(g, o):
                    kept[g][o] = kept[o][g] = links[g][o]
            links = kept
        out: dict[str, dict[int, list[tuple[str, int, float]]]] = {}
        for gid, mem in members.items():
            if gid in boiler:
                continue
            partners = [(p, 1.0) for p in mem]
            partners += [(p, sim) for other, sim in links[gid].items() if other not in boiler
                         for p in members[other]]
            if len(partners) < 2:
                continue
            same = set(mem) if judge is not None and len(mem) > 1 else ()  # judged one by one
            for pid in mem:
                aid, n, _ = paras[pid]
                outlet = meta[aid][0]
                found = []
                for p, sim in partners:
                    oid, m, _ = paras[p]
                    if oid != aid and not _same_outlet(outlet, meta[oid][0]) and \
                            (p not in same or judge.together((aid, n), (oid, m))):
                        found.append((oid, m, sim))
                if found:
                    found.sort(key=lambda e: (-e[2], e[0], e[1]))
                    out.setdefault(aid, {})[n] = found
        return out

    # -- files ------------------------------------------------------------------------------------
    def save(self, gen: Path, stamp: int, judge=None) -> dict:
        """Write the table and the readers' file into generation `gen`, each atomically, both
        stamped with the index commit they describe (`stamp`); returns the echoes written."""
        gen = Path(gen)
        alive = self.groups
        for t in list(self.index):
            kept = [g for g in self.index[t] if g in alive]
            if kept:
                self.index[t] = kept
            else:
                del self.index[t]
        _dump(gen / TABLE, stamp, self.__dict__)
        found = self.echoes(judge)
        _dump(gen / FILE, stamp, pack(found, self.meta))
        return found

    @classmethod
    def load(cls, gen: Path, stamp: int | None) -> EchoTable | None:
        """The table, if it describes the index commit `stamp` (None: any); else None."""
        data = _load(Path(gen) / TABLE, stamp)
        if data is None:
            return None
        table = cls()
        table.__dict__.update(data)
        return table


def _dump(path: Path, stamp: int, data) -> None:
    """A header (format version, index commit) and the data, atomically."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        pickle.dump({"version": VERSION, "stamp": stamp}, fh, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


def _load(path: Path, stamp: int | None):
    """The data of a file _dump wrote, if its header matches (any commit when `stamp` is None);
    else None."""
    try:
        with open(path, "rb") as fh:
            head = pickle.load(fh)
            if not isinstance(head, dict) or head.get("version") != VERSION \
                    or (stamp is not None and head.get("stamp") != stamp):
                return None
            return pickle.load(fh)
    except (FileNotFoundError, EOFError, pickle.UnpicklingError):
        return None


def is_current(gen: Path, stamp: int, names: tuple[str, ...] = (TABLE, FILE)) -> bool:
    """True when the generation's echo files (or other files written by `_dump`) describe index
    commit `stamp` (reads the headers only)."""
    for name in names:
        try:
            with open(Path(gen) / name, "rb") as fh:
                head = pickle.load(fh)
        except (FileNotFoundError, EOFError, pickle.UnpicklingError):
            return False
        if not isinstance(head, dict) or head.get("version") != VERSION or head.get("stamp") != stamp:
            return False
    return True


def pack(echoes: dict[str, dict[int, list[tuple[str, int, float]]]], meta: dict) -> dict:
    """Compact arrays for readers: articles that take part, then per article its paragraphs
    with echoes, then per paragraph its echoes (article index, paragraph, similarity x 1000)."""
    ids = sorted(set(echoes) | {oid for paras in echoes.values() for lst in paras.values()
                                for oid, _, _ in lst})
    pos = {aid: i for i, aid in enumerate(ids)}
    art_start, para_n, para_start = array("I", [0]), array("I"), array("I", [0])
    ent_art, ent_n, ent_sim = array("I"), array("I"), array("H")
    for aid in ids:
        for n, lst in sorted(echoes.get(aid, {}).items()):
            para_n.append(n)
            for oid, m, sim in lst:
                ent_art.append(pos[oid])
                ent_n.append(m)
                ent_sim.append(round(sim * 1000))
            para_start.append(len(ent_art))
        art_start.append(len(para_n))
    return {"ids": ids, "meta": [meta[aid] for aid in ids],
            "art_start": art_start, "para_n": para_n, "para_start": para_start,
            "ent_art": ent_art, "ent_n": ent_n, "ent_sim": ent_sim}


class EchoView:
    """The readers' side: echoes of one article from the packed arrays, no similarity work."""

    def __init__(self, data: dict | None = None):
        data = data or {}
        self._ids = data.get("ids", [])
        self._pos = {aid: i for i, aid in enumerate(self._ids)}
        self._d = data

    @classmethod
    def load(cls, gen: Path, stamp: int | None) -> EchoView:
        """The generation's echoes if they describe the index commit `stamp`. A generation
        without the file, or a stale one (a writer died between its commit and the echoes;
        its next run repairs them), shows none rather than echoes that may be wrong."""
        return cls(_load(Path(gen) / FILE, stamp))

    def __len__(self) -> int:
        return len(self._d.get("ent_art", ()))

    def for_article(self, article_id: str) -> dict[int, list[Echo]]:
        i = self._pos.get(article_id)
        if i is None:
            return {}
        d, ids, meta = self._d, self._ids, self._d["meta"]
        out: dict[int, list[Echo]] = {}
        for k in range(d["art_start"][i], d["art_start"][i + 1]):
            lst = []
            for e in range(d["para_start"][k], d["para_start"][k + 1]):
                j = d["ent_art"][e]
                outlet, date, label = meta[j]
                lst.append(Echo(id=ids[j], n=d["ent_n"][e], outlet=outlet, date=date, title=label,
                                similarity=d["ent_sim"][e] / 1000))
            out[d["para_n"][k]] = lst
        return out


# -- hooks for the builder and the updater --------------------------------------------------------
def finish_build(table: EchoTable, gen: Path, stamp: int, judge=None) -> dict:
    """The builder collected every article into `table`: join and write into `gen`, stamped
    with the commit the build is making. `judge(table)` makes the links' judge; returns the
    echoes written."""
    table.join()
    return table.save(gen, stamp, judge(table) if judge else None)


def update(gen: Path, changed: Iterable[Article], removed: Iterable[str], an: Analyzer, *,
           before: int, after: int, everything: Callable[[], Iterable[Article]],
           judge=None, on_echoes: Callable[[dict], None] | None = None) -> bool:
    """After `add` or `remove` committed (index commit `before` -> `after`): drop the removed
    and changed articles' paragraphs, add the changed ones again, and rewrite the files.
    When the table does not describe `before` (missing, or stale after a writer died between
    its commit and its echoes), it is built again from `everything()`, the whole archive as
    committed. `judge(table)` makes the links' judge; `on_echoes` is handed the echoes
    written. Returns True when it had to be rebuilt."""
    table = EchoTable.load(gen, before)
    rebuilt = table is None
    if rebuilt:
        table = EchoTable.build(everything(), an)
    else:
        changed = list(changed)
        table.remove_articles([*removed, *(a.id for a in changed)])
        table.add_articles(changed, an)
    found = table.save(gen, after, judge(table) if judge else None)
    if on_echoes:
        on_echoes(found)
    return rebuilt


def repair(gen: Path, an: Analyzer, stamp: int, everything: Callable[[], Iterable[Article]],
           judge=None, on_echoes: Callable[[dict], None] | None = None) -> bool:
    """Before a writer's run: echoes that do not describe the served commit `stamp` are built
    again from `everything()`. True when they had to be."""
    if is_current(gen, stamp):
        return False
    table = EchoTable.build(everything(), an)
    found = table.save(gen, stamp, judge(table) if judge else None)
    if on_echoes:
        on_echoes(found)
    return True
