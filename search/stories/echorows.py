"""Per-article echo rows computed from a generation's store (search.stories.echostore) under
the rules of search.stories.echoes: which groups are boilerplate, which links the judge keeps,
and the row each article shows. One `RowWriter` serves one build's save or one update, caching
what it reads for its life.
"""
from __future__ import annotations

from collections.abc import Iterable

from search.stories import echoes as rules
from search.stories import echostore as st


class RowWriter:
    """Per-article echo rows computed from a store, with what a computation reads cached for
    the life of this object (one build's save, or one update)."""

    def __init__(self, con, judge=None):
        self.con = con
        self.judge = judge  # search.stories.formulaic.Judge, or None: every link stands
        self._kept: dict[tuple[int, int], bool] = {}
        self._members: dict[int, list] = {}
        self._links: dict[int, list] = {}
        self._boiler: dict[int, bool] = {}
        self._meta: dict[str, tuple] = {}

    def count(self, g: int) -> int:
        return st.articles_of(self.con, g)

    def members(self, g: int) -> list[tuple[str, int]]:
        found = self._members.get(g)
        if found is None:
            found = self._members[g] = self.con.execute("SELECT aid, n FROM paras WHERE gid=?", (g,)).fetchall()
        return found

    def links(self, g: int) -> list[tuple[int, float]]:
        found = self._links.get(g)
        if found is None:
            found = self._links[g] = self.con.execute("SELECT b, sim FROM links WHERE a=?", (g,)).fetchall()
        return found

    def boiler(self, g: int) -> bool:
        found = self._boiler.get(g)
        if found is None:
            found = self._boiler[g] = self._is_boiler(g)
        return found

    def _is_boiler(self, g: int) -> bool:
        if self.count(g) > rules.MAX_ARTICLES:
            return True
        arts = {aid for aid, _ in self.members(g)}
        for other, _ in self.links(g):
            if self.count(other) > rules.MAX_ARTICLES:
                return True
            arts.update(aid for aid, _ in self.members(other))
            if len(arts) > rules.MAX_ARTICLES:
                return True
        return len(arts) > rules.MAX_ARTICLES

    def prepare(self, aids: Iterable[str]) -> None:
        """Before the rows of `aids` are computed: the judge reads, in one pass over the groups,
        what judging the links of their groups needs (Judge.prepare)."""
        if self.judge is None:
            return
        pairs = set()
        for aid in aids:
            for (g,) in self.con.execute("SELECT gid FROM paras WHERE aid=?", (aid,)).fetchall():
                if not self.boiler(g):
                    pairs.update((min(g, o), max(g, o)) for o, _ in self.links(g) if not self.boiler(o))
        self.judge.prepare(sorted(pairs))

    def kept(self, g: int, other: int) -> bool:
        """Whether the judge lets the link between groups `g` and `other` stand."""
        if self.judge is None:
            return True
        pair = (g, other) if g < other else (other, g)
        found = self._kept.get(pair)
        if found is None:
            found = self._kept[pair] = self.judge.keep(*pair)
        return found

    def meta(self, aid: str) -> tuple:
        found = self._meta.get(aid)
        if found is None:
            row = self.con.execute("SELECT outlet, date, label FROM articles WHERE aid=?", (aid,)).fetchone()
            found = self._meta[aid] = row or (None, None, aid)
        return found

    def compute(self, aid: str) -> list:
        """[(n, [(other id, m, similarity x 1000, outlet, date, label)])] of one article."""
        outlet = self.meta(aid)[0]
        out = []
        for n, g in self.con.execute("SELECT n, gid FROM paras WHERE aid=? ORDER BY n", (aid,)).fetchall():
            if self.boiler(g):
                continue
            same = self.members(g)
            partners = [(p, sim) for other, sim in self.links(g) if not self.boiler(other) and self.kept(g, other)
                        for p in self.members(other)]
            if len(same) + len(partners) < 2:
                continue
            # identical paragraphs are judged pair by pair too (Judge.together: stock text)
            together = self.judge.together if self.judge is not None and len(same) > 1 else None
            partners = [(p, 1.0) for p in same if together is None or p == (aid, n) or together((aid, n), p)] + partners
            found = [(oid, m, sim) for (oid, m), sim in partners
                     if oid != aid and not rules.same_outlet(outlet, self.meta(oid)[0])]
            if found:
                found.sort(key=lambda e: (-e[2], e[0], e[1]))
                out.append((n, [(oid, m, round(sim * 1000), *self.meta(oid)) for oid, m, sim in found]))
        return out

    def write(self, aid: str) -> None:
        row = self.compute(aid)
        if row:
            self.con.execute("INSERT OR REPLACE INTO echoes(aid, data) VALUES (?, ?)", (aid, st.dump_row(row)))
        else:
            self.con.execute("DELETE FROM echoes WHERE aid=?", (aid,))
