"""Echoes: paragraphs of other articles that carry the same or nearly the same passage.

News passages repeat across outlets (wire copy, translations of one statement). For every
paragraph, this module finds the paragraphs of OTHER articles whose text is nearly the same, at
index time, and stores them beside the index (search.stories.echostore), so the article page
only looks them up.

The rule, chosen on the seeds and IndoSum. On the seeds, the 002/003 pairs (Putin's letter,
J 0.46; Matthew Miller's claim, 0.47; the thanks for support in Ukraine, 0.57) pass and nothing
else comes closer than 0.37 (the Russian delegation, 002/003), so THRESHOLD 0.40 leaves a
margin; at 0.35 IndoSum gains many formulaic look-alikes (police spokesman quotes, match reports).
- A paragraph is its echo signature (search.stories.signature): its set of index terms (stems,
  stop words dropped), with each compound as one word (`motogp`, not `moto` + `gp`).
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

Memory and storage. A build (`EchoTable`: collect, join, save) keeps in memory one entry per
DISTINCT passage (its term set, later its ranks and links) and nothing per paragraph or
article: each article's metadata and its paragraphs' groups go to a spool file as they are
collected, and from there into the generation's store. So a build of the 1M re-deal holds its
35,736 distinct passages, not its 10M paragraphs (an archive whose paragraphs are all distinct
holds about 2 KB per paragraph while it joins them: that part is not bounded yet). The store
holds groups, links, the prefix index, paragraphs and per-article rows (search.stories.echostore).
An update (`update`, after `add` or `remove`) works on the store in one transaction, touching
only the batch's rows: it removes the changed and removed articles' paragraphs, adds the new
ones (probing the stored prefix index), recounts the groups it touched, and rewrites the rows
of the articles whose echoes can have changed: those of groups within two links of a touched
group (a group's boilerplate status depends on its neighbours' members), except through groups
already held by more than MAX_ARTICLES articles before and after, which link to nothing
either way. Term rarity is the build's; words first seen by an update count as rarest. Rarity
only steers which terms propose candidates.
A generation without a store of this format has no echoes until the next `add` or `remove`
repairs it (`repair`).

Formula. With a `judge` (search.stories.formulaic, made by search.stories.storybook from the
store's `echostore.Shapes`), the rows written are judged: a link between two groups stands only
when the judge keeps it, and identical paragraphs (one group) only when `Judge.together` says
so; boilerplate is decided before judging. An update judges the rows it rewrites; the other
rows keep the verdicts they were written with.
"""
from __future__ import annotations

import marshal
import math
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from itertools import chain
from pathlib import Path

from search.models import Article, Echo
from search.present.citations import display_title
from search.stories import echostore as st
from search.stories.signature import signature
from search.text.analysis import Analyzer

MIN_TERMS = 8
MIN_SHARED = 8
THRESHOLD = 0.40
MAX_POSTINGS = 200  # a term already in this many groups proposes no more candidates
HITS = 3  # prefix terms a candidate must share before its sets are compared
MAX_ARTICLES = 10
REPORT_EVERY = 512  # join progress is reported every this many paragraph groups
SAVE_SHARE = 11  # saving takes about 1/11 of the join's time (0.67 s after 7.7 s on IndoSum)
CAP = MAX_ARTICLES + 1  # a group's article count is kept up to this

FILE = st.FILE
TABLE = st.FILE  # one file now holds what echoes.pickle and echoes-table.pickle held
SPOOL_BATCH = 512  # articles per write to the spool

# Makes the judge of a store's links (search.stories.formulaic.Judge) from its shapes
# (search.stories.echostore.Shapes); search.stories.storybook gives one.
JudgeMaker = Callable[[st.Shapes], object]


def same_outlet(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and a.strip().casefold() == b.strip().casefold()


def _alpha(size: int) -> int:
    return max(math.ceil(THRESHOLD * size - 1e-9), MIN_SHARED)


def _similar(key: tuple, okey: tuple) -> float | None:
    """Jaccard of two groups' keys when it reaches the rule, else None."""
    size = len(key)
    if not THRESHOLD * size <= len(okey) <= size / THRESHOLD:
        return None
    inter = len(set(key).intersection(okey))
    if inter < MIN_SHARED:
        return None
    sim = inter / (size + len(okey) - inter)
    return sim if sim >= THRESHOLD else None


class EchoTable:
    """A build's echoes: `collect` each article (given its paragraphs' term sets), `join`, then
    `save` into a generation. Distinct term sets stay in memory; everything per article goes to
    a spool file. `EchoTable.load` gives the stored table of a generation instead (for updates)."""

    def __init__(self, an: Analyzer):
        self.an = an  # the index's analyzer: what the signatures are made with
        self.by_terms: dict[frozenset[str], int] = {}  # distinct term set -> gid, in order
        fd, name = tempfile.mkstemp(prefix="kliping-echoes-")
        os.unlink(name)
        self._fd, self._buf = fd, []
        self.order: dict[str, int] = {}  # after join: term -> rank, rarest first
        self.keys: list[tuple[int, ...]] = []  # gid -> sorted ranks
        self.links: list[dict[int, float]] = []  # gid -> {gid: jaccard}
        self.index: dict[int, list[int]] = {}  # rank -> gids indexed under it

    def __del__(self):
        try:
            os.close(self._fd)
        except (OSError, AttributeError):
            pass

    # -- building -------------------------------------------------------------------------------
    @classmethod
    def build(cls, articles: Iterable[Article], an: Analyzer) -> EchoTable:
        """Everything from scratch: group, order terms by rarity, join."""
        table = cls(an)
        for a in articles:
            table.collect(a, [an.term_set(text) for text in a.paragraphs])
        table.join()
        return table

    def collect(self, a: Article, stems: list[frozenset[str]],
                compounds: list[frozenset[str] | None] | None = None) -> None:
        """Build, first pass: an article's paragraphs as signatures, grouped, given their index
        term sets (from the indexer's own analysis: Analyzer.paragraph_stems; only a paragraph
        holding a compound is read again). `compounds`: those paragraphs' signatures, when the
        build's reading child worked them out (search.stories.signature.compounds)."""
        if len(stems) != len(a.paragraphs):
            raise ValueError(f"{a.id}: {len(stems)} term sets for {len(a.paragraphs)} paragraphs")
        by_terms, row, an = self.by_terms, [], self.an
        for n, (text, terms) in enumerate(zip(a.paragraphs, stems), 1):
            if compounds is None:
                terms = signature(an, text, terms)
            elif compounds[n - 1] is not None:
                terms = compounds[n - 1]
            if len(terms) >= MIN_TERMS:
                gid = by_terms.get(terms)
                if gid is None:
                    gid = by_terms[terms] = len(by_terms)
                row += (n, gid)
        self._buf.append((a.id, a.outlet, a.date, display_title(a), row))
        if len(self._buf) >= SPOOL_BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._buf:
            os.write(self._fd, b"".join(marshal.dumps(r) for r in self._buf))
            self._buf = []

    def _spooled(self):
        """(id, outlet, date, label, [n, gid, n, gid, ...]) of every collected article."""
        self._flush()
        with os.fdopen(os.dup(self._fd), "rb", buffering=1 << 20) as f:
            f.seek(0)
            while True:
                try:
                    yield marshal.load(f)
                except EOFError:
                    return

    def join_work(self) -> int:
        """The work `join` has so far, in the units it reports (paragraph groups, and the save)."""
        groups = len(self.by_terms)
        return groups + groups // SAVE_SHARE

    def join(self, report: Callable[[int, int], None] | None = None) -> int:
        """Build, second pass: order terms rarest first and join the groups. `report(done,
        total)` hears how many paragraph groups are joined, every REPORT_EVERY; returns the
        total it reports against (join_work)."""
        total = self.join_work()
        sets = list(self.by_terms)  # in gid order
        self.by_terms = {}
        df = Counter(chain.from_iterable(sets))
        order = self.order = {t: i for i, t in enumerate(sorted(df, key=lambda t: (df[t], t)))}
        df.clear()
        keys, links, index = self.keys, self.links, self.index
        for gid, terms in enumerate(sets):
            key = tuple(sorted(map(order.__getitem__, terms)))
            size = len(key)
            hits = Counter(chain.from_iterable(p for t in key[:size - _alpha(size) + HITS]
                                               if (p := index.get(t)) is not None and len(p) < MAX_POSTINGS))
            mine = {}
            for other, h in hits.items():
                if h >= HITS and (sim := _similar(key, keys[other])) is not None:
                    mine[other] = sim
                    links[other][gid] = sim
            for t in key:
                posting = index.get(t)
                if posting is None:
                    index[t] = [gid]
                elif len(posting) < MAX_POSTINGS:
                    posting.append(gid)
            keys.append(key)
            links.append(mine)
            if report is not None and gid % REPORT_EVERY == 0:
                report(gid, total)
        return total

    # -- files ------------------------------------------------------------------------------------
    def save(self, gen: Path, stamp: int, judge: JudgeMaker | None = None) -> None:
        """Write the generation's store, stamped with the index commit it describes. `judge`
        (given the store's search.stories.echostore.Shapes) makes the judge of its links."""
        gen = Path(gen)
        final = st.path(gen)
        tmp = final.with_name(final.name + ".tmp")
        con = st.create(tmp)
        con.executemany("INSERT INTO terms(term, rank) VALUES (?, ?)", self.order.items())
        counts, last = [0] * len(self.keys), [None] * len(self.keys)
        arts, paras = [], []
        for aid, outlet, date, label, row in self._spooled():
            arts.append((aid, outlet, date, label))
            for i in range(0, len(row), 2):
                g = row[i + 1]
                paras.append((aid, row[i], g))
                if last[g] != aid:
                    last[g] = aid
                    counts[g] += 1
            if len(paras) >= 20_000:
                con.executemany("INSERT INTO articles(aid, outlet, date, label) VALUES (?, ?, ?, ?)", arts)
                con.executemany("INSERT INTO paras(aid, n, gid) VALUES (?, ?, ?)", paras)
                arts, paras = [], []
        con.executemany("INSERT INTO articles(aid, outlet, date, label) VALUES (?, ?, ?, ?)", arts)
        con.executemany("INSERT INTO paras(aid, n, gid) VALUES (?, ?, ?)", paras)
        del last, arts, paras
        con.executemany("INSERT INTO groups(gid, key, articles) VALUES (?, ?, ?)",
                        ((g, st.pack_key(k), min(counts[g], CAP)) for g, k in enumerate(self.keys)))
        con.executemany("INSERT INTO prefix(rank, gid) VALUES (?, ?)",
                        ((t, g) for t, gs in self.index.items() for g in gs))
        con.executemany("INSERT INTO links(a, b, sim) VALUES (?, ?, ?)",
                        ((a, b, sim) for a, mine in enumerate(self.links) for b, sim in mine.items()))
        st.index(con)
        # Rows for the articles of groups that can echo: held by 2 to MAX_ARTICLES articles, or linked.
        shown = {g for g, c in enumerate(counts) if c <= MAX_ARTICLES and (c >= 2 or self.links[g])}
        work = RowWriter(con, judge(st.Shapes(con)) if judge else None)
        aids = sorted({aid for g in shown for aid, _ in work.members(g)})
        work.prepare(aids)
        for aid in aids:
            work.write(aid)
        st.set_meta(con, version=st.VERSION, stamp=stamp, next_gid=len(self.keys), next_new=-1)
        st.finish(con, tmp, final)

    def echoes(self, judge: JudgeMaker | None = None) -> dict[str, dict[int, list[tuple[str, int, float]]]]:
        """{article id: {n: [(other id, m, similarity)]}} of a joined table, as `save` would
        store them (saved into a temporary folder and read back: for tests and benchmarks)."""
        with tempfile.TemporaryDirectory(prefix="kliping-echoes-") as tmp:
            self.save(Path(tmp), 0, judge)
            return dict(stored_rows(Path(tmp)))

    @classmethod
    def load(cls, gen: Path, stamp: int | None) -> StoredTable | None:
        """The generation's stored table, if it describes the index commit `stamp` (None:
        any); else None. Changes to it are written by its `save`."""
        con = st.open_rw(Path(gen))
        if con is None:
            return None
        if stamp is not None and st.meta(con, "stamp") != stamp:
            con.close()
            return None
        return StoredTable(con)


# The halves that use the rules above: the rows written from a store, and the updates.
from search.stories.echorows import RowWriter  # noqa: E402
from search.stories.echoupdate import StoredTable  # noqa: E402


class EchoView:
    """The readers' side: echoes of one article, one row of the store, no similarity work."""

    def __init__(self, rows: st.Rows | None = None):
        self._rows = rows

    @classmethod
    def load(cls, gen: Path, stamp: int | None) -> EchoView:
        """The generation's echoes if they describe the index commit `stamp`. A generation
        without the store, or a stale one (a writer died between its commit and the echoes;
        its next run repairs them), shows none rather than echoes that may be wrong."""
        return cls(st.Rows(Path(gen), stamp))

    def __len__(self) -> int:
        return self._rows.count() if self._rows is not None else 0

    def for_article(self, article_id: str) -> dict[int, list[Echo]]:
        row = self._rows.row(article_id) if self._rows is not None else None
        if not row:
            return {}
        return {n: [Echo(id=oid, n=m, outlet=outlet, date=date, title=label, similarity=sim / 1000)
                    for oid, m, sim, outlet, date, label in lst] for n, lst in row}


# -- hooks for the builder and the updater --------------------------------------------------------
def finish_build(table: EchoTable, gen: Path, stamp: int,
                 report: Callable[[int, int], None] | None = None, judge: JudgeMaker | None = None) -> None:
    """The builder collected every article into `table`: join and write into `gen`, stamped
    with the commit the build is making. `report(done, total)`: the join's progress, the save
    counted as SAVE_SHARE's worth of groups. `judge`: see EchoTable.save."""
    total = table.join(report)
    table.save(gen, stamp, judge)
    if report is not None:
        report(total, total)


def is_current(gen: Path, stamp: int) -> bool:
    """True when the generation's store describes index commit `stamp`."""
    return st.stamp_of(Path(gen)) == stamp


def update(gen: Path, changed: Iterable[Article], removed: Iterable[str], an: Analyzer, *,
           before: int, after: int, everything: Callable[[], Iterable[Article]],
           judge: JudgeMaker | None = None) -> set[str] | None:
    """After `add` or `remove` committed (index commit `before` -> `after`): drop the removed
    and changed articles' paragraphs, add the changed ones again, and rewrite the rows they
    affect, in one transaction. When the store does not describe `before` (missing, or stale
    after a writer died between its commit and its echoes), it is built again from
    `everything()`, the whole archive as committed. Returns the articles whose rows were
    rewritten, or None when the whole store had to be built again.
    `judge` judges the links of the rows rewritten (rows not rewritten keep their verdicts)."""
    table = EchoTable.load(gen, before)
    if table is None:
        EchoTable.build(everything(), an).save(gen, after, judge)
        return None
    changed = list(changed)
    table.remove_articles([*removed, *(a.id for a in changed)])
    table.add_articles(changed, an)
    return table.save(gen, after, judge)


def repair(gen: Path, an: Analyzer, stamp: int, everything: Callable[[], Iterable[Article]],
           judge: JudgeMaker | None = None) -> bool:
    """Before a writer's run: echoes that do not describe the served commit `stamp` are built
    again from `everything()`. True when they had to be."""
    if is_current(gen, stamp):
        return False
    EchoTable.build(everything(), an).save(gen, stamp, judge)
    return True


def plain_row(row: list) -> dict[int, list[tuple[str, int, float]]]:
    """{n: [(other id, m, similarity)]} of a stored echo row (what story clusters read)."""
    return {n: [(oid, m, sim / 1000) for oid, m, sim, *_ in lst] for n, lst in row}


def stored_rows(gen: Path, only: Iterable[str] | None = None):
    """(article id, plain_row) of every row of the generation's store (`only`: of these
    articles), one at a time (what story clusters are derived from)."""
    for aid, row in st.all_rows(Path(gen), only):
        yield aid, plain_row(row)
