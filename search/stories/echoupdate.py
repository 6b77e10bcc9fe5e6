"""The stored echo table of a generation, changed by one `add` or `remove` batch at a time.

`StoredTable` (what search.stories.echoes.EchoTable.load returns) applies the rules of
search.stories.echoes to the rows of search.stories.echostore, inside one transaction opened by
the first change and committed, with the new index commit's stamp, by `save`. It reads and
writes only what the batch touches; see echoes' docstring for which article rows that is.
"""
from __future__ import annotations

import pickle
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from search.models import Article
from search.present.citations import display_title
from search.stories import echoes as rules
from search.stories import echostore as st
from search.stories.echorows import RowWriter
from search.stories.signature import signature
from search.text.analysis import Analyzer


class StoredTable:
    def __init__(self, con):
        self.con = con
        self._open = False
        self.before: dict[int, int] = {}  # gid -> its article count before this batch (capped)
        self.relinked: set[int] = set()  # groups whose links changed (made, or lost a partner)
        self.written: set[str] = set()  # articles added or removed: their rows are rewritten
        self._ranks: dict[str, int] = {}

    def _begin(self) -> None:
        if not self._open:
            self.con.execute("BEGIN IMMEDIATE")
            self._open = True

    def _count(self, g: int) -> int:
        return st.articles_of(self.con, g)

    def _touch(self, g: int) -> None:
        if g not in self.before:
            self.before[g] = self._count(g)

    # -- changes ----------------------------------------------------------------------------------
    def remove_articles(self, ids: Iterable[str]) -> None:
        self._begin()
        con = self.con
        for aid in ids:
            for (g,) in con.execute("SELECT gid FROM paras WHERE aid=?", (aid,)).fetchall():
                self._touch(g)
            con.execute("DELETE FROM paras WHERE aid=?", (aid,))
            con.execute("DELETE FROM articles WHERE aid=?", (aid,))
            con.execute("DELETE FROM echoes WHERE aid=?", (aid,))
            self.written.add(aid)

    def add_articles(self, articles: Iterable[Article], an: Analyzer) -> None:
        """Add (or, after remove_articles, replace) articles, probing the stored prefix index."""
        self._begin()
        con = self.con
        for a in articles:
            con.execute("INSERT OR REPLACE INTO articles(aid, outlet, date, label) VALUES (?, ?, ?, ?)",
                        (a.id, a.outlet, a.date, display_title(a)))
            rows = []
            for n, text in enumerate(a.paragraphs, 1):
                terms = signature(an, text)
                if len(terms) >= rules.MIN_TERMS:
                    g = self._group(terms)
                    self._touch(g)
                    rows.append((a.id, n, g))
            con.executemany("INSERT INTO paras(aid, n, gid) VALUES (?, ?, ?)", rows)
            self.written.add(a.id)

    def _rank_all(self, terms) -> list[int]:
        ranks, missing = self._ranks, [t for t in terms if t not in self._ranks]
        for i in range(0, len(missing), 500):
            chunk = missing[i:i + 500]
            ranks.update(self.con.execute(
                f"SELECT term, rank FROM terms WHERE term IN ({','.join('?' * len(chunk))})", chunk).fetchall())
        new = [t for t in missing if t not in ranks]
        if new:
            nxt = st.meta(self.con, "next_new", -1)
            for t in sorted(new):
                ranks[t] = nxt
                nxt -= 1
            self.con.executemany("INSERT INTO terms(term, rank) VALUES (?, ?)", ((t, ranks[t]) for t in new))
            st.set_meta(self.con, next_new=nxt)
        return [ranks[t] for t in terms]

    def _group(self, terms: frozenset[str]) -> int:
        """The group of a term set: found, or made, probed against the others and indexed."""
        con = self.con
        key = tuple(sorted(self._rank_all(list(terms))))
        blob = st.pack_key(key)
        row = con.execute("SELECT gid FROM groups WHERE key=?", (blob,)).fetchone()
        if row is not None:
            return row[0]
        gid = st.meta(con, "next_gid", 0)
        st.set_meta(con, next_gid=gid + 1)
        size = len(key)
        hits: Counter = Counter()
        for t in key[:size - rules._alpha(size) + rules.HITS]:
            found = con.execute("SELECT gid FROM prefix WHERE rank=? LIMIT ?", (t, rules.MAX_POSTINGS)).fetchall()
            if len(found) < rules.MAX_POSTINGS:
                hits.update(g for (g,) in found)
        links = []
        for other, h in hits.items():
            if h < rules.HITS:
                continue
            okey = con.execute("SELECT key FROM groups WHERE gid=?", (other,)).fetchone()
            if okey is not None and (sim := rules._similar(key, st.unpack_key(okey[0]))) is not None:
                links.append((other, sim))
        for t in key:
            n = con.execute("SELECT count(*) FROM (SELECT 1 FROM prefix WHERE rank=? LIMIT ?)",
                            (t, rules.MAX_POSTINGS)).fetchone()[0]
            if n < rules.MAX_POSTINGS:
                con.execute("INSERT INTO prefix(rank, gid) VALUES (?, ?)", (t, gid))
        con.execute("INSERT INTO groups(gid, key, articles) VALUES (?, ?, 0)", (gid, blob))
        con.executemany("INSERT INTO links(a, b, sim) VALUES (?, ?, ?)",
                        [(gid, o, s) for o, s in links] + [(o, gid, s) for o, s in links])
        self.before[gid] = 0
        self.relinked.update(o for o, _ in links)
        return gid

    def _drop(self, g: int) -> None:
        con = self.con
        key = con.execute("SELECT key FROM groups WHERE gid=?", (g,)).fetchone()
        partners = [o for (o,) in con.execute("SELECT b FROM links WHERE a=?", (g,)).fetchall()]
        self.relinked.update(partners)
        con.execute("DELETE FROM links WHERE a=?", (g,))
        con.executemany("DELETE FROM links WHERE a=? AND b=?", ((o, g) for o in partners))
        if key is not None:
            con.executemany("DELETE FROM prefix WHERE rank=? AND gid=?", ((t, g) for t in st.unpack_key(key[0])))
        con.execute("DELETE FROM groups WHERE gid=?", (g,))

    # -- rows -------------------------------------------------------------------------------------
    def _recount(self) -> dict[int, int]:
        """Every touched group's article count after the batch (empty groups dropped)."""
        con, after = self.con, {}
        for g in self.before:
            n = con.execute("SELECT count(*) FROM (SELECT DISTINCT aid FROM paras WHERE gid=? LIMIT ?)",
                            (g, rules.CAP)).fetchone()[0]
            if n:
                con.execute("UPDATE groups SET articles=? WHERE gid=?", (n, g))
            else:
                self._drop(g)
            after[g] = n
        return after

    def _affected(self, after: dict[int, int]) -> set[str]:
        """Articles whose rows can have changed: those of groups within two links of a group
        whose members or links changed, not counting groups held by more than MAX_ARTICLES
        articles before and after (they link to nothing either way)."""
        big = rules.MAX_ARTICLES
        seeds = {g for g, b in self.before.items() if not (b > big and after[g] > big)}
        seeds |= {g for g in self.relinked if g not in self.before}
        con, seen, frontier = self.con, set(), set()
        for g in seeds:
            if after.get(g, 1):  # dropped groups have no members left; their partners follow
                seen.add(g)
            frontier.add(g)
        for _ in range(2):
            nxt = set()
            for g in frontier:
                for (o,) in con.execute("SELECT b FROM links WHERE a=?", (g,)).fetchall():
                    if o not in seen and o not in nxt:
                        nxt.add(o)
            nxt = {o for o in nxt if self._count(o) <= big}
            seen |= nxt
            frontier = nxt
        aids = set(self.written)
        for g in seen:
            aids.update(aid for (aid,) in con.execute("SELECT DISTINCT aid FROM paras WHERE gid=?", (g,)).fetchall())
        return aids

    def echoes(self) -> dict[str, dict[int, list[tuple[str, int, float]]]]:
        """{article id: {n: [(other id, m, similarity)]}} of the whole table, as stored."""
        rows = self.con.execute("SELECT aid, data FROM echoes")
        return {aid: rules.plain_row(pickle.loads(data)) for aid, data in rows}

    def save(self, gen: Path, stamp: int, judge=None) -> set[str]:
        """Rewrite the affected rows and commit, stamped with the index commit `stamp`; `judge`
        (search.stories.echoes.JudgeMaker) judges their links. Returns the articles whose rows
        were rewritten (or removed)."""
        self._begin()
        after = self._recount()
        work = RowWriter(self.con, judge(st.Shapes(self.con)) if judge else None)
        aids = sorted(self._affected(after))
        work.prepare(aids)
        for aid in aids:
            work.write(aid)  # a removed article has no paragraphs left: its row goes
        st.set_meta(self.con, stamp=stamp)
        self.con.execute("COMMIT")
        self._open = False
        self.con.close()
        return set(aids)

