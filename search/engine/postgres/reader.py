"""One generation of a PostgreSQL archive, read: the PostgreSQL engine's side of the seam's Reader.

`search(plan)` compiles the plan's query with the lexicon's answers (its patterns' expansions and
its terms' document frequencies, one round trip; search.engine.postgres.query), finds the ids of
its proximity nodes (search.engine.postgres.near), and runs one statement
(search.engine.postgres.statement) for the top rows, the total, the days and the facet counts;
then, for a ranked query of several words, one look-up of their positions in the best documents
for the proximity bonus. Browsing counts the whole archive once per generation; a search
PostgreSQL cancels at its time budget shows its newest matches. Beside searching: articles,
paragraph hits and word counts here, stories and quotes by search.engine.postgres.layers, echoes,
stats and coverage by search.engine.postgres.facts.
Reads go to a replica when there is one (search.engine.postgres.connect).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable

from search.cache import Cache
from search.engine import proximity
from search.engine.base import FACETS, Budget, Hits, ParagraphHits, Plan, Reader, days_wanted
from search.engine.bm25 import idf as _idf
from search.engine.postgres import near
from search.engine.postgres.connect import Servers
from search.engine.postgres.facts import ArchiveFacts
from search.engine.postgres.layers import Layers
from search.engine.postgres.query import Compiler, bulk_scored, proximity_words
from search.engine.postgres.schema import ANSWER_MARK, EXACT_MARK, article_from_json, table, unpack
from search.engine.postgres.statement import kept_sql, statement, tier_sql
from search.engine.postgres.tsquery import FALSE, FIELD_COLUMNS, as_typed, expansions, lexeme, like_pattern, text_array
from search.errors import NotFound
from search.models import Article, QuoteMark, QuotePage, Story
from search.query import ast
from search.settings import Settings

IDF_CACHE = 50_000  # terms whose idf the snippet ranker asked for, per generation
HURRIED_MS = 200  # a search cancelled at its time budget then looks this long for its newest matches


class PostgresReader(ArchiveFacts, Reader):
    def __init__(self, servers: Servers, meta: dict, settings: Settings):
        self.servers, self.meta, self.settings = servers, meta, settings
        self.gen = int(meta["gen"])
        self.generation = f"pg-{self.gen}/{meta.get('commit', 0)}"
        self.sharded = bool(meta.get("shards"))
        self.docs = table("docs", self.gen)
        self.lexicon = table("lexicon", self.gen)
        self.n = max(1, int(meta.get("docs", 0)))
        self.avg_length = (meta.get("total_len", 0) / self.n) or 1.0
        self.avg_title = (meta.get("total_tlen", 0) / self.n) or 1.0
        self._idf: Cache[float] = Cache(IDF_CACHE, name="snippet idf")
        self._totals: tuple[int, dict[str, Counter], Counter] | None = None  # browsing's counts, days
        self._values: dict[str, list[str]] = {}  # a metadata field's distinct values (Field nodes)
        self.layers = Layers(servers, self.gen, int(meta.get("commit", 0)))  # stories, quotes, words

    # -- the seam -------------------------------------------------------------------------------
    def search(self, plan: Plan) -> Hits:
        if plan.query is None and not any(plan.filters.values()) and not (plan.date_from or plan.date_to) \
                and not (plan.story or plan.collapse):
            return self._browse(plan)
        return self._search(plan)

    def warm(self) -> None:
        """The counts over the whole archive (browsing), the stories and the written words
        (did-you-mean), made now so that no visitor waits."""
        self._browse(Plan(query=None, limit=0))
        self.layers.stories()
        self.layers.words()

    def _browse(self, plan: Plan) -> Hits:
        """Every article, newest (or oldest) first: the counts over the whole archive are made
        once per generation, the page by the date index."""
        if self._totals is None:
            hits = self._search(Plan(query=None, limit=0, facets=FACETS, histogram=True))
            self._totals = (hits.total, hits.counts, hits.days or Counter())
        total, counts, days = self._totals
        order = "day ASC NULLS LAST, seq" if plan.sort == "oldest" else "day DESC NULLS LAST, seq"
        sql = f"SELECT id FROM {self.docs} ORDER BY {order} LIMIT {int(plan.limit)}"
        top = [(0.0, r[0]) for r in self.servers.read(lambda c: c.execute(sql).fetchall())] if plan.limit else []
        wanted = {f: Counter(counts.get(f, ())) for f in plan.facets if f in counts or f != "date"}
        if "date" in wanted and not days_wanted(plan, wanted.get("month", Counter())):
            del wanted["date"]
        return Hits(total, top, wanted, Counter(days) if plan.histogram else None)

    def _search(self, plan: Plan) -> Hits:
        node = as_typed(plan.query)
        comp = self._compiler(node, plan.answer)
        where = ["TRUE"]
        if node is not None:
            self._proximity(node, comp)
            where = [comp.where(node)]
        if plan.story:  # that story's articles only (none when it is unknown)
            story = self.layers.stories().story(plan.story)
            where.append(f"id = ANY({text_array(story.members if story else ())})")
        ranked = plan.sort == "relevance" and node is not None
        bulk = ranked and bulk_scored(node)  # else neither an answer mark nor nearness counts
        answer = plan.answer if bulk else None
        score, presences = comp.score(node, answer) if ranked else ("0.0::float8", [])
        tier = tier_sql(comp, tuple(map(as_typed, plan.prefer))) if bulk and plan.prefer else "0"
        words = proximity_words(node, comp.expanded_of) if bulk and self.settings.proximity else []
        nearness = bulk and len(words) + bool(answer and self.settings.answer_nearness) > 1
        # collapsed, the best `limit` stories may need every match (as the Whoosh engine scores all)
        fetch = None if plan.collapse else max(plan.limit, self.settings.proximity_top if nearness else 0)
        sql = statement(self.docs, self.sharded, comp, where, plan, score, presences, fetch, tier)
        rows = self.servers.read_within(sql, plan.budget)
        if rows is None:  # PostgreSQL cancelled it at the time budget
            return self._hurried(where, plan, comp)
        top, total, counts = [], 0, {}
        for kind, key, value, n, t in rows:
            if kind == "top":
                top.append((value, n, key, t))
            elif kind == "total":
                total = n
            elif n:
                counts.setdefault(kind, Counter())[key] = n
        top.sort(key=lambda r: r[1])  # (score, rank, id, tier) in the plan's order
        if nearness and top and not (plan.budget is not None and plan.budget.spent()):
            top = self._near(top, words, answer)  # left out once the budget is spent (plainer order)
        stories = None
        if plan.collapse:
            top, stories = self.layers.collapse(top, plan.limit)
        hits = [(float(s), key) for s, _, key, _ in top[:plan.limit]]
        days = counts.pop("days", Counter()) if plan.histogram else None
        wanted = {f: counts.get(f, Counter()) for f in plan.facets}
        if "date" in wanted and not days_wanted(plan, wanted.get("month", Counter())):
            del wanted["date"]
        return Hits(total, hits, wanted, days, capped=tuple(comp.capped), stories=stories,
                    partial=plan.budget is not None and plan.budget.partial)

    def _hurried(self, where: list[str], plan: Plan, comp: Compiler) -> Hits:
        """After the search was cancelled at its time budget: up to `limit` matches in date
        order (newest first, unless `oldest`), found in at most HURRIED_MS by the date index
        (none if that runs out too); no counts, no scores; partial."""
        order = "day ASC NULLS LAST, seq" if plan.sort == "oldest" else "day DESC NULLS LAST, seq"
        sql = (f"SELECT id FROM {self.docs} WHERE {' AND '.join(where)} AND {kept_sql(plan)} "
               f"ORDER BY {order} LIMIT {int(plan.limit)}")
        top = [(0.0, r[0]) for r in self.servers.read_within(sql, Budget(HURRIED_MS / 1000)) or []]
        return Hits(len(top), top, {f: Counter() for f in plan.facets}, Counter() if plan.histogram else None,
                    partial=True, capped=tuple(comp.capped), stories=len(top) if plan.collapse else None)

    def _proximity(self, node: ast.Node, comp: Compiler) -> None:
        """The ids each proximity node holds for, innermost first (search.engine.postgres.near)."""
        for c in ast.children(node):
            self._proximity(c, comp)
        if not isinstance(node, ast.PROXIMITY) or node in comp.sets:
            return
        cond = comp.where(ast.And(node.children))
        lexemes = sorted(near.body_lexemes(node, comp.expanded_of))
        sql = (f"SELECT d.id, d.paras, u.lexeme, u.positions FROM {self.docs} d LEFT JOIN LATERAL "
               f"(SELECT lexeme, positions FROM unnest(d.terms) WHERE lexeme = ANY(%s)) u ON TRUE WHERE {cond}")
        rows = self.servers.read(lambda c: c.execute(sql, (lexemes,)).fetchall()) if cond != FALSE else []
        comp.sets[node] = near.kept(node, near.positions_of(rows), comp.expanded_of)

    def similar_words(self, word: str, max_distance: int, limit: int,
                      min_freq: int = 1) -> list[tuple[str, int, int]]:
        return self.layers.words().similar(word, max_distance, limit, min_freq)

    def paragraph_hits(self, keys: list[Hashable], titled: list[bool], terms: frozenset[str],
                       phrases: tuple[tuple[str, ...], ...]) -> list[ParagraphHits | None]:
        """From the body lexemes' positions (a body lexeme is the stem); an article where a
        lexeme met the tsvector's bounds (positions cut) is left to the highlighter."""
        # the wanted lexemes alone, by weight (every position is stored with the default D),
        # where unnest(d.terms) would list every lexeme of the ten articles
        sql = (f"SELECT d.id, d.paras, u.lexeme, u.positions FROM {self.docs} d LEFT JOIN LATERAL "
               f"unnest(ts_filter(setweight(d.terms, 'A', %s), '{{a}}')) u ON TRUE WHERE d.id = ANY(%s)")
        words = sorted(set(terms).union(*phrases))
        rows = self.servers.read(lambda c: c.execute(sql, (words, list(keys))).fetchall())
        return near.paragraph_hits(rows, keys, titled, terms, phrases)

    def word_frequency(self, word: str) -> int:
        """Documents holding a written word: its `exact` lexeme's document frequency."""
        return self._df([EXACT_MARK + word]).get(EXACT_MARK + word, 0)

    def _field_values(self, name: str) -> list[str]:
        """The distinct values of a metadata field (FIELD_COLUMNS), once per generation."""
        found = self._values.get(name)
        if found is None:
            column = FIELD_COLUMNS[name]
            sql = (f"SELECT DISTINCT v FROM {self.docs} CROSS JOIN LATERAL unnest({column}) v WHERE v <> ''"
                   if column.endswith("s") else f"SELECT DISTINCT {column} FROM {self.docs} WHERE {column} <> ''")
            found = self._values[name] = [r[0] for r in self.servers.read(lambda c: c.execute(sql).fetchall())]
        return found

    def articles(self, keys: Iterable[Hashable]) -> list[Article]:
        keys = list(keys)
        if not keys:
            return []
        sql = f"SELECT id, article FROM {self.docs} WHERE id = ANY(%s)"
        found = dict(self.servers.read(lambda c: c.execute(sql, (keys,)).fetchall()))
        return [article_from_json(found[k]) for k in keys]

    def article(self, article_id: str) -> Article:
        sql = f"SELECT article FROM {self.docs} WHERE id = %s"
        row = self.servers.read(lambda c: c.execute(sql, (article_id,)).fetchone())
        if row is None:
            raise NotFound(f"No article with id '{article_id}' in this archive.", key="not_found", id=article_id)
        return article_from_json(row[0])

    # Story clusters and the quote book (issue 17): search.engine.postgres.layers.
    def stories(self, article_ids: Iterable[str]) -> dict[str, Story]:
        view = self.layers.stories()
        return view.stories_of(article_ids)

    def story(self, story_id: str) -> Story | None:
        return self.layers.stories().story(story_id)

    def quotes(self, terms: frozenset[str], speaker: str = "", page: int = 1, per_page: int = 20) -> QuotePage:
        return self.layers.stories().book.search(terms, speaker, page, per_page)

    def article_quotes(self, article_id: str) -> dict[int, list[QuoteMark]]:
        return self.layers.stories().book.for_article(article_id)

    def idf(self) -> Callable[[str], float]:
        cache, n = self._idf, self.n

        def idf(term: str) -> float:
            return cache.get_or(term, lambda: _idf(n, self._df([term]).get(term, 0)))

        return idf

    # -- steps ----------------------------------------------------------------------------------
    def _df(self, lexemes: list[str]) -> dict[str, int]:
        if not lexemes:
            return {}
        sql = f"SELECT term, df FROM {self.lexicon} WHERE term = ANY(%s)"
        return dict(self.servers.read(lambda c: c.execute(sql, (lexemes,)).fetchall()))

    def _compiler(self, node: ast.Node | None, answer: str | None) -> Compiler:
        """A compiler with the lexicon's answers for this node: expansions of its prefixes and
        wildcards, and the document frequency of every term it may score (one round trip)."""
        expanded: dict = {}
        capped: list[tuple[str, int]] = []
        lexemes = set()
        if node is not None:
            pats = list(dict.fromkeys(expansions(node)))
            for leaf in ast.leaves(node):
                if isinstance(leaf, ast.Term):
                    lexemes.add(lexeme(leaf.field, leaf.text))
                elif isinstance(leaf, ast.Phrase):
                    lexemes.update(lexeme(leaf.field, w) for w in leaf.words)
                elif isinstance(leaf, ast.ExactPhrase):
                    lexemes.update(leaf.stems)
                    lexemes.update(EXACT_MARK + f for f in leaf.forms)
            if answer:
                lexemes.add(ANSWER_MARK + answer)

            limits = self.settings.limits

            def look(c):  # the first words in byte order, within the limits (as matching.expand)
                out, left = {}, limits.expansions_total
                for key in pats:
                    f, pattern, is_prefix = key
                    room = min(limits.expansions, left)
                    out[key] = [r[0] for r in c.execute(
                        f"SELECT term FROM {self.lexicon} WHERE field = %s AND term LIKE %s "
                        "ORDER BY term COLLATE \"C\" LIMIT %s",
                        ({"body": "b", "exact": "e", "answer": "a", "title": "t"}[f],
                         like_pattern(f, pattern, is_prefix),
                         room + 1)).fetchall()]
                    if len(out[key]) > room:
                        capped.append((pattern, room))
                        del out[key][room:]
                    left -= len(out[key])
                return out

            if pats:
                expanded = self.servers.read(look)
                for terms in expanded.values():
                    lexemes.update(terms)
        df = self._df(sorted(lexemes))
        return Compiler(self.settings, self.n, self.avg_length, lambda lex: df.get(lex, 0), expanded,
                        capped=capped, values=self._field_values, avg_title=self.avg_title)

    def _near(self, top: list[tuple], words: list[str], answer: str | None) -> list[tuple]:
        """The proximity bonus for the best `proximity_top` documents, then the order again."""
        s = self.settings
        best = top[:s.proximity_top]
        terms = [(w, 1.0) for w in words]
        if answer and s.answer_nearness:
            terms.append((ANSWER_MARK + answer, s.answer_nearness))
        ids = [key for _, _, key, _ in best]
        lexemes = [t for t, _ in terms]
        sql = (f"SELECT d.id, d.blen, d.paras, u.lexeme, u.positions FROM {self.docs} d "
               "CROSS JOIN LATERAL unnest(d.terms) u WHERE d.id = ANY(%s) AND u.lexeme = ANY(%s)")
        rows = self.servers.read(lambda c: c.execute(sql, (ids, lexemes)).fetchall())
        df = self._df(lexemes)
        idf = [_idf(self.n, df.get(t, 0)) * w for t, w in terms]
        index = {t: i for i, (t, _) in enumerate(terms)}
        occurrences: dict[str, list[tuple[int, int]]] = {}
        lengths: dict[str, float] = {}
        for key, blen, starts, lex, positions in rows:  # in Kliping's positions, as the Whoosh engine's
            occurrences.setdefault(key, []).extend((unpack(p, starts), index[lex]) for p in positions)
            lengths[key] = blen
        bonus = proximity.bonus(occurrences, idf, len(words), lengths, self.avg_length, s)
        rescored = [(score + s.proximity * bonus.get(key, 0.0), seq, key, tier) for score, seq, key, tier in best]
        rescored += top[s.proximity_top:]
        rescored.sort(key=lambda r: (-(r[3] or 0), -r[0], r[1]))
        return rescored
