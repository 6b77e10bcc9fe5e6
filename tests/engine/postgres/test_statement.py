"""The one statement of a PostgreSQL search as SQL text (search.engine.postgres.statement): what
each filter keeps, which filters each facet counts under, the tier of preferred forms, and the
`m` of one node against that of a sharded archive. No server: tests/engine/postgres/test_engine.py
runs the statement against the Whoosh engine's answers."""
from __future__ import annotations

from search.engine.base import Plan
from search.engine.postgres.query import Compiler
from search.engine.postgres.statement import conditions, kept_sql, statement, tier_sql
from search.query import ast
from search.settings import DEFAULT

SANKSI = ast.Term(ast.BODY, "sanksi")
OUTLET = "outlet = ANY(ARRAY['Kontan']::text[])"
MONTH = "(day = ANY(ARRAY['2024-06']::text[]) OR month = ANY(ARRAY['2024-06']::text[]))"
TAG, RANGE = "tags && ARRAY['x']::text[]", "(day >= '2024-06-01')"


def compiler() -> Compiler:
    return Compiler(DEFAULT, 10, 5.0, lambda lex: 1)


def plan(**kw) -> Plan:
    return Plan(query=SANKSI, filters={"outlet": ("Kontan",), "date": ("2024-06",), "tag": ("x",), "editor": ()},
                date_from="2024-06-01", **kw)


def test_each_filter_and_the_date_range_keep_rows():
    assert conditions(plan()) == {"outlet": OUTLET, "date": MONTH, "tag": TAG, "range": RANGE}
    assert kept_sql(plan()) == " AND ".join([OUTLET, MONTH, TAG, RANGE])
    assert kept_sql(Plan(query=None)) == "TRUE"


def test_each_facet_is_counted_over_m_with_every_filter_but_its_own():
    comp = compiler()
    score, presences = comp.score(SANKSI)
    sql = statement("docs", False, comp, ["TRUE"], plan(facets=("outlet", "month", "tag"), histogram=True),
                    score, presences, 10)
    assert f"FROM m WHERE outlet IS NOT NULL AND {MONTH} AND {TAG} AND {RANGE} GROUP BY outlet" in sql
    # a month is counted without the date filter (a click on another month widens the selection)
    assert f"FROM m WHERE month IS NOT NULL AND {OUTLET} AND {TAG} AND {RANGE} GROUP BY month" in sql
    assert f"unnest(m.tags) v WHERE v <> '' AND {OUTLET} AND {MONTH} AND {RANGE} GROUP BY v" in sql
    assert f"FROM m WHERE {OUTLET} AND {MONTH} AND {TAG} AND {RANGE})" in sql  # s: every filter
    assert "SELECT 'days', day" in sql and "ORDER BY tier DESC, score DESC, seq LIMIT 10)" in sql


def test_one_node_reads_each_tsvector_once_and_shards_group_by_the_partition_key():
    comp = compiler()
    score, presences = comp.score(SANKSI)
    one = statement("docs", False, comp, ["TRUE"], Plan(query=SANKSI), score, presences, None)
    assert "ts_filter(setweight(terms, 'A', ARRAY['sanksi']::text[]), '{a}') AS w FROM docs" in one
    assert "GROUP BY id" not in one and "LIMIT ALL" in one
    sharded = statement("docs", True, comp, ["TRUE"], Plan(query=SANKSI, sort="oldest"), score, presences, 5)
    assert "min(seq) AS seq" in sharded and "FROM docs WHERE TRUE GROUP BY id)" in sharded
    assert " w " not in sharded and "ORDER BY day ASC NULLS LAST, seq LIMIT 5)" in sharded


def test_the_tier_counts_the_preferred_forms_a_document_holds():
    comp = compiler()
    exact = ast.Term(ast.EXACT, "Sanksi")
    assert tier_sql(comp, (exact, ast.Field("outlet", "x"), ast.Every())) == "((p0)::int + (TRUE)::int)"
    assert comp.phrases == {"'=Sanksi'": "p0"} and comp.tfs == {"=Sanksi": "t0"}  # m computes the flag
    assert tier_sql(comp, ()) == "0"
