"""What a PostgreSQL reader tells of its archive beside searching: an article's echoes (rows of
the generation's `echoes` table, labelled from the documents table), the stats of `GET
/api/stats` and the about page's coverage. Mixed into search.engine.postgres.reader's
PostgresReader, whose `servers`, `gen`, `docs`, `lexicon`, `meta` and `settings` it reads."""
from __future__ import annotations

from collections import Counter

from search.engine.base import coverage_of
from search.engine.postgres.schema import table
from search.models import Coverage, Echo
from search.text.analysis import analyzer


class ArchiveFacts:
    def echoes(self, article_id: str) -> dict[int, list[Echo]]:
        sql = (f"SELECT n, other_id, m, sim FROM {table('echoes', self.gen)} WHERE article_id = %s "
               "ORDER BY n, rank")
        rows = self.servers.read(lambda c: c.execute(sql, (article_id,)).fetchall())
        if not rows:
            return {}
        others = sorted({r[1] for r in rows})
        meta_sql = f"SELECT id, outlet, day, label FROM {self.docs} WHERE id = ANY(%s)"
        meta = {r[0]: r[1:] for r in self.servers.read(lambda c: c.execute(meta_sql, (others,)).fetchall())}
        out: dict[int, list[Echo]] = {}
        for n, oid, m, sim in rows:
            if oid in meta:
                outlet, day, label = meta[oid]
                out.setdefault(n, []).append(Echo(id=oid, n=m, outlet=outlet, date=day, title=label,
                                                  similarity=round(sim, 3)))
        return out

    def stats(self) -> dict:
        sql = f"SELECT count(*), count(DISTINCT outlet), count(day), min(day), max(day) FROM {self.docs}"
        terms_sql = f"SELECT count(*) FROM {self.lexicon} WHERE field = 'b'"
        (articles, outlets, dated, first, last), (terms,) = self.servers.read(
            lambda c: (c.execute(sql).fetchone(), c.execute(terms_sql).fetchone()))
        return {"engine": "postgresql", "generation": f"pg-{self.gen}",
                "schema_version": self.meta.get("schema_version"),
                "built_at": self.meta.get("built_at"), "updated_at": self.meta.get("updated_at"),
                "articles": articles, "outlets": outlets, "dated": dated, "first_date": first, "last_date": last,
                "terms": terms, "shards": len(self.meta.get("shards") or [])}

    def coverage(self) -> Coverage:
        """Articles and paragraphs per outlet, articles per month: two grouped statements (on a
        sharded archive each shard counts its part); the build's meta row as the manifest."""
        by_outlet = (f"SELECT outlet, count(*), sum(jsonb_array_length(article::jsonb -> 'paragraphs')) "
                     f"FROM {self.docs} GROUP BY outlet")
        by_month = f"SELECT month, count(*), min(day), max(day) FROM {self.docs} WHERE day IS NOT NULL GROUP BY month"
        outlets, months, (version,) = self.servers.read(lambda c: (
            c.execute(by_outlet).fetchall(), c.execute(by_month).fetchall(),
            c.execute("SHOW server_version").fetchone()))
        articles = Counter({o: n for o, n, _ in outlets})
        paragraphs = Counter({o: int(p or 0) for o, _, p in outlets})
        dates = (min((r[2] for r in months), default=None), max((r[3] for r in months), default=None))
        versions = {"index_version": self.meta.get("schema_version"), "stemmer": analyzer(self.settings).version,
                    "engine": f"postgresql {version}"}
        return coverage_of(sum(articles.values()), articles, paragraphs, Counter({m: n for m, n, _, _ in months}),
                           dates, self.meta, versions)
