"""The PostgreSQL engine: the same Kliping on a primary, read replicas and shards.

`engine.py` (the Engine, selected by a postgresql:// DSN), `reader.py` (search, articles, echoes,
stats of one generation), `statement.py` (a search's one statement), `tsquery.py` (query nodes
as a tsquery, filters in SQL), `query.py` (BM25 in SQL; the proximity bonus is
search.engine.proximity's), `schema.py` (tables, rows, version), `build.py` and `update.py` (writing),
`files.py` (Kliping's own SQLite files as content-addressed parts), `store.py` (meta row,
generations, lock), `connect.py` (primary, replicas, falling back), `shards.py` (`python -m
search postgres init`), `local.py` (throwaway servers for tests and benchmarks). Only this
folder imports the PostgreSQL driver (psycopg).
"""
