"""The one statement of a PostgreSQL search, as SQL text (run by search.engine.postgres.reader):
- `m`: the matching documents (the plan's tsquery, search.engine.postgres.tsquery, on the GIN
  index), with each scored term's frequency (search.engine.postgres.query). On a sharded
  archive `m` groups by `id`, the partition key, so PostgreSQL runs the matching and the
  per-document work on every shard (partitionwise aggregation through postgres_fdw) and ships
  back one small row per match;
- `s`: those the date range and every filter keep, with their scores and tiers;
- the top rows of `s`, its count, its days (the histogram), and each facet counted over `m`
  with every filter but its own (the same disjunctive counts as the Whoosh engine's facet table).
Each row is (kind, key, score, count or rank, tier).
"""
from __future__ import annotations

from search.engine.base import Plan
from search.engine.postgres.query import Compiler, tf_sql
from search.engine.postgres.tsquery import FALSE, TRUE, lexeme, special, sql_literal, text_array
from search.query import ast

FACET_SQL = {"outlet": "outlet", "source": "source", "month": "month", "date": "day"}
MANY_SQL = {"editor": "editors", "tag": "tags"}


def statement(docs: str, sharded: bool, comp: Compiler, where: list[str], plan: Plan, score: str,
              presences: list[str], fetch: int | None, tier: str = "0") -> str:
    """The search's statement over the documents table `docs` (`sharded`: partitioned on the
    shards): `where` the plan's matching, `score` and `tier` SQL over m, `presences` the clauses
    a scaled OR's coordination counts, `fetch` the top rows wanted (None: all)."""
    cols = ["id", "seq", "outlet", "source", "day", "month", "editors", "tags", "authors", "blen", "tblen"]
    # On one node, each matching row's tsvector is read (detoasted) once, into `w`: its
    # scored terms alone, which every term frequency and phrase below then reads. (Shards
    # cannot be sent that expression; there each reads `terms`.)
    col = "terms" if sharded else "w"
    exprs = [(tf_sql(lex, col), alias, "sum") for lex, alias in comp.tfs.items()]
    exprs += [(f"{col} @@ {sql_literal(tsq)}::tsquery", alias, "bool_or") for tsq, alias in comp.phrases.items()]
    if sharded:  # grouped by the partition key: computed on each shard
        select = ["id"] + [f"min({c}) AS {c}" for c in cols[1:]] + [f"{agg}({e}) AS {a}" for e, a, agg in exprs]
        m = f"SELECT {', '.join(select)} FROM {docs} WHERE {' AND '.join(where)} GROUP BY id"
    else:
        select = cols + [f"{e} AS {a}" for e, a, _ in exprs]
        lexemes = sorted(comp.tfs)  # every phrase word is scored, so is among them
        inner = cols + ([f"ts_filter(setweight(terms, 'A', ARRAY[{', '.join(map(sql_literal, lexemes))}]::text[]),"
                         " '{a}') AS w"] if exprs else [])
        m = (f"SELECT {', '.join(select)} FROM (SELECT {', '.join(inner)} FROM {docs} "
             f"WHERE {' AND '.join(where)} OFFSET 0) d")
    # The date range filters every count, but m keeps the matches outside it: a scaled OR's
    # coordination counts the clauses that match anywhere, as the Whoosh engine does.
    conds = conditions(plan)
    kept = " AND ".join(conds.values()) or "TRUE"
    source = "m"
    if presences:
        count = " + ".join(f"coalesce(bool_or({p}), false)::int" for p in presences)
        source = f"m CROSS JOIN (SELECT ({count})::float8 AS count_ FROM m) c"
    if plan.sort == "relevance" and plan.query is not None:
        order = "tier DESC, score DESC, seq"
    elif plan.sort == "oldest":
        order = "day ASC NULLS LAST, seq"
    else:
        order = "day DESC NULLS LAST, seq"
    parts = [f"(SELECT 'top'::text, id, score, row_number() OVER (ORDER BY {order}), tier FROM s "
             f"ORDER BY {order} LIMIT {'ALL' if fetch is None else int(fetch)})",
             "SELECT 'total', NULL, NULL, count(*), NULL FROM s"]
    if plan.histogram:
        parts.append("SELECT 'days', day, NULL, count(*), NULL FROM s WHERE day IS NOT NULL GROUP BY day")
    for name in plan.facets:
        others = " AND ".join(c for f, c in conds.items() if f != ("date" if name == "month" else name)) or "TRUE"
        if name in FACET_SQL:
            col = FACET_SQL[name]
            parts.append(f"SELECT '{name}', {col}, NULL, count(*), NULL FROM m WHERE {col} IS NOT NULL "
                         f"AND {others} GROUP BY {col}")
        elif name in MANY_SQL:
            col = MANY_SQL[name]
            parts.append(f"SELECT '{name}', v, NULL, count(*), NULL FROM m CROSS JOIN LATERAL unnest(m.{col}) v "
                         f"WHERE v <> '' AND {others} GROUP BY v")
    return (f"WITH m AS MATERIALIZED ({m}), s AS MATERIALIZED (SELECT id, seq, day, {score} AS score, "
            f"{tier} AS tier FROM {source} WHERE {kept}) " + " UNION ALL ".join(parts))


def kept_sql(plan: Plan) -> str:
    """What every kept row satisfies: each filter and the date range."""
    return " AND ".join(conditions(plan).values()) or "TRUE"


def conditions(plan: Plan) -> dict[str, str]:
    """Each filter's SQL, and the date range's ("range")."""
    conds = _filters(plan)
    span = [f"day >= {sql_literal(plan.date_from)}"] * bool(plan.date_from) \
        + [f"day <= {sql_literal(plan.date_to)}"] * bool(plan.date_to)
    if span:
        conds["range"] = "(" + " AND ".join(span) + ")"
    return conds


def _filters(plan: Plan) -> dict[str, str]:
    out = {}
    for name, values in plan.filters.items():
        if not values:
            continue
        arr = text_array(values)
        if name in ("outlet", "source"):
            out[name] = f"{name} = ANY({arr})"
        elif name in MANY_SQL:
            out[name] = f"{MANY_SQL[name]} && {arr}"
        elif name == "date":
            out[name] = f"(day = ANY({arr}) OR month = ANY({arr}))"
    return out


def tier_sql(comp: Compiler, prefer: tuple[ast.Node, ...]) -> str:
    """How many of the preferred nodes (the words as typed) a document holds, as SQL over m:
    with relevance, more of them rank first (search.engine.base.Plan.prefer)."""
    flags = []
    for p in prefer:
        if special(p):
            continue
        for leaf in ast.leaves(p):
            if isinstance(leaf, ast.Term):
                comp.tf(lexeme(leaf.field, leaf.text))  # kept in m's terms, for the flag
        tsq = comp.match(p)
        flags.append(TRUE if tsq == TRUE else FALSE if tsq == FALSE else comp.phrase_flag(tsq))
    return "(" + " + ".join(f"({f})::int" for f in flags) + ")" if flags else "0"
