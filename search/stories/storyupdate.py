"""The stories and quote records an `add` or `remove` batch can have changed, derived again
from an open story table (search.stories.storybook) and written over the old ones; the rest of
the file is not read.

Stories. What can join or split stories: articles added, replaced or removed; articles whose
echo rows were rewritten (search.stories.echoes.update says which); headlines sharing a term
that the batch made common or rare (COMMON_TITLES). From those, the walk takes in the whole
old story of every article it reaches and, from the articles whose echoes or headline changed,
their new partners. An old join between two articles it did not start from is unchanged, and
joined them into one old story, so the walk ends with whole stories both before and after; they
are clustered again (search.stories.clusters) as a build would.

Quotes. Likewise from the quote nodes the batch touched (search.stories.quotebook's `touched`:
new, removed, relinked, or a copy added or removed), and the records of speakers whose full
name (search.stories.fullnames) changed: their old groups, their links, the groups of those;
regrouped and written again, with the marks of every article they appear in.
"""
from __future__ import annotations

import pickle
import sqlite3
from collections import Counter
from pathlib import Path

from search.stories import clusters, echoes, echostore
from search.stories import storystore as ss


def refresh(table, gen: Path, rewritten: set[str] | None) -> None:
    """Stories and quotes after `table` took the batch; `rewritten`: the echo rows the batch
    rewrote (None: all of them)."""
    _stories(table, gen, rewritten)
    _quotes(table)


# -- stories -----------------------------------------------------------------------------------------
class _Echoes:
    """Echo rows of the generation's (just committed) echo store, one article at a time."""

    def __init__(self, gen: Path):
        self.con = sqlite3.connect(f"file:{echostore.path(gen)}?mode=ro", uri=True, timeout=30)
        self.rows: dict[str, dict] = {}

    def __call__(self, aid: str) -> dict:
        if aid not in self.rows:
            row = self.con.execute("SELECT data FROM echoes WHERE aid=?", (aid,)).fetchone()
            self.rows[aid] = echoes.plain_row(pickle.loads(row[0])) if row else {}
        return self.rows[aid]


def _holders(con: sqlite3.Connection, term: str, limit: int | None = None) -> list[str]:
    sql = "SELECT aid FROM title_terms WHERE term=?" + (" LIMIT ?" if limit else "")
    return [a for (a,) in con.execute(sql, (term, limit) if limit else (term,))]


def _stories(table, gen: Path, rewritten: set[str] | None) -> None:
    con, meta, titles = table.con, table.meta, table.titles
    if rewritten is None:  # the echo store was built again: every story is
        rewritten = set(meta)
    common_at = clusters.COMMON_TITLES
    counts: dict[str, int] = {}

    def common(t: str) -> bool:
        if t not in counts:
            counts[t] = len(_holders(con, t, common_at + 1))
        return counts[t] > common_at

    # Headline terms the batch moved across COMMON_TITLES: their holders' pairs change.
    title_changed = {aid for aid in table.changed if aid in meta}
    moved = Counter()
    for aid in table.changed:
        moved.subtract(table.removed_titles.get(aid, ()))
        moved.update(titles.get(aid, ()) if aid in meta else ())
    for t, d in moved.items():
        if d:  # counted up to a cap that still tells both sides of the line apart
            now = len(_holders(con, t, common_at + abs(d) + 1))
            if (now > common_at) != (now - d > common_at):
                title_changed.update(_holders(con, t))
    echo_rows = _Echoes(gen)
    taken: set[str] = set()  # old stories reached: their members are walked once, not per member

    def partners(aid: str):
        row = con.execute("SELECT sid FROM story_of WHERE aid=?", (aid,)).fetchone()
        if row is not None and row[0] not in taken:
            taken.add(row[0])
            story = con.execute("SELECT data FROM stories WHERE sid=?", (row[0],)).fetchone()
            if story is not None:
                yield from pickle.loads(story[0]).members
        if aid not in meta:
            return
        if aid in rewritten or aid in table.changed:
            yield from (oid for lst in echo_rows(aid).values() for oid, *_ in lst)
        if aid in title_changed:
            yield from (o for t in titles.get(aid, ()) if not common(t) for o in _holders(con, t))

    try:
        seen = _walk(table.changed | rewritten | title_changed, partners)
        alive = {aid: meta[aid] for aid in seen if aid in meta}
        found = clusters.cluster(alive, {aid: echo_rows(aid) for aid in alive},
                                 {aid: titles[aid] for aid in alive if aid in titles}, common)
    finally:
        echo_rows.con.close()
    for sid in taken:
        con.execute("DELETE FROM stories WHERE sid=?", (sid,))
    con.executemany("DELETE FROM story_of WHERE aid=?", ((aid,) for aid in seen))
    for story in {s.id: s for s in found.values()}.values():
        ss.write_story(con, story)


# -- quotes ------------------------------------------------------------------------------------------
def _quotes(table) -> None:
    con, q = table.con, table.quotes
    group_of, group_nodes = (table.quotes_rows(n) for n in ("q_group_of", "q_group_nodes"))
    marks = table.quotes_rows("marks")
    q.speakers.flush()
    blob = ss.meta(con, "aliases")
    old_aliases = pickle.loads(blob) if blob else {}
    aliases = q.aliases_from(ss.speaker_counts(con))
    renamed = {k for k in old_aliases.keys() | aliases.keys() if old_aliases.get(k) != aliases.get(k)}
    start = set(q.touched)
    for name in renamed:  # records giving a short name whose full name changed
        for (qid,) in con.execute("SELECT qid FROM record_speakers WHERE name=?", (name,)).fetchall():
            start.update(group_nodes.get(qid, ()))
    old_qids: set[str] = set()  # records reached: their groups are walked once
    alive: set[int] = set()

    def linked(x: int):
        qid = group_of.get(x)
        if qid is not None and qid not in old_qids:
            old_qids.add(qid)
            yield from group_nodes.get(qid, ())
        if x in q.same:
            alive.add(x)
            yield from q.links.get(x, ())

    seen = _walk(start, linked)
    old_records, old_nodes = {}, {}
    for qid in old_qids:
        row = con.execute("SELECT data FROM records WHERE qid=?", (qid,)).fetchone()
        if row is not None:
            old_records[qid] = pickle.loads(row[0])
        old_nodes[qid] = group_nodes.pop(qid, ())
    old_group = {x: group_of.pop(x, None) for x in seen}
    # An old record that only grew (or stayed) keeps its id, its rows and its appearances'
    # marks: only what it gained is written. Every other old record goes, with its marks.
    found: list = []
    grown: set[str] = set()  # ids of the old records that only grew
    for nodes in _components(q, alive):
        r = _grown(table, nodes, old_group, old_records, old_nodes, aliases, renamed)
        if r is not None:
            grown.add(r.id)
        found.append((nodes, r or q.record(nodes, table.meta.get, aliases)))
    before: dict[str, set] = {}  # article -> its marks of the old records that went
    for qid, old in old_records.items():
        if qid not in grown:
            for aid, mark in old.marks():
                before.setdefault(aid, set()).add(mark)
            ss.delete_record(con, old)
    after: dict[str, set] = {}
    for nodes, r in found:
        old = old_records.get(r.id) if r.id in grown else None
        group_nodes[r.id] = nodes
        for n in nodes:
            group_of[n] = r.id
        if old is r:  # unchanged
            continue
        ss.write_record(con, r, old)
        had = set(old.marks()) if old is not None else ()
        for aid, mark in r.marks():
            if (aid, mark) not in had:
                after.setdefault(aid, set()).add(mark)
    for aid in before.keys() | after.keys():  # only the articles whose marks changed are read
        old, new = before.get(aid, set()), after.get(aid, set())
        if old != new:
            kept = {tuple(m) for m in marks.get(aid, ())} - old | new
            if kept:
                marks[aid] = sorted(kept)
            else:
                marks.pop(aid, None)
    for m in (group_of, group_nodes, marks):
        m.flush()
    ss.set_meta(con, aliases=pickle.dumps(aliases, pickle.HIGHEST_PROTOCOL))


def _walk(start, step) -> set:
    """Everything reachable from `start`, `step(x)` giving what x leads to."""
    seen, stack = set(), list(start)
    while stack:
        x = stack.pop()
        if x not in seen:
            seen.add(x)
            stack.extend(step(x))
    return seen


def _grown(table, nodes: list[int], old_group: dict, old_records: dict, old_nodes: dict, aliases,
           renamed: set[str]):
    """The record of a group that is one old group with quotes of new articles added (or
    nothing added), from the old record and the new units alone; None otherwise, or when a
    speaker name of the group is shown under another full name now."""
    q = table.quotes
    qids = {old_group.get(n) for n in nodes} - {None}
    if len(qids) != 1 or any(old_group.get(n) is None and n < table.first_new_uid for n in nodes):
        return None  # (a node without an old group must be this update's)
    (qid,) = qids
    old = old_records.get(qid)
    if old is None or not set(old_nodes.get(qid, ())) <= set(nodes):
        return None
    members = [uid for node in nodes for uid in q.same[node]]
    new = [uid for uid in members if uid >= table.first_new_uid]
    if len(members) - len(new) != len(old.occurrences):  # a quote of the group went
        return None
    if old.names & renamed or any((s := q.units[uid].speaker) and s.casefold() in renamed for uid in new):
        return None
    return q.extended(old, new, table.meta.get, aliases) if new else old


def _components(q, nodes: set[int]) -> list[list[int]]:
    """The nodes joined by links, in groups (every link of a node here stays here)."""
    out, seen = [], set()
    for start in sorted(nodes):
        if start in seen:
            continue
        group, stack = [], [start]
        seen.add(start)
        while stack:
            x = stack.pop()
            group.append(x)
            for o in q.links.get(x, ()):
                if o not in seen and o in nodes:
                    seen.add(o)
                    stack.append(o)
        out.append(sorted(group))
    return out
