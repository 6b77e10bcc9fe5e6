"""`python -m search postgres init --dsn COORDINATOR --shard DSN --shard DSN`: a coordinator and
its shards.

On the coordinator it creates the postgres_fdw extension, one foreign server per shard
(`kliping_shard_<n>`, asynchronous, fetching 10,000 rows a round trip) with a user mapping from
the shard's DSN, and the `kliping_shards` table the builder reads. Every build then makes its
documents table on the coordinator hash-partitioned on the article id, one foreign partition per
shard, backed by a table with its own GIN index on that shard: matching and per-document scoring
run on every shard at once, and the coordinator merges (search.engine.postgres.reader). Without
`--shard` the coordinator is one node holding everything. Run it once, before the first build;
changing the shards of a built archive means building it again.
"""
from __future__ import annotations

from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from search.engine.postgres import store
from search.engine.postgres.connect import NO_SEQSCAN, connect, redact
from search.engine.postgres.schema import SHARDS
from search.errors import KlipingError


def init(dsn: str, shard_dsns: list[str]) -> list[str]:
    """Set up the coordinator at `dsn` with these shards; lines saying what was done."""
    lines = []
    for d in shard_dsns:  # each shard must answer before anything is changed
        with connect(d) as c:
            c.execute("SELECT 1")
    with connect(dsn) as conn:
        store.ensure_meta(conn)
        present = [d for _, _, d in store.shards(conn)]
        built = conn.execute("SELECT count(*) FROM kliping_meta WHERE key = 'current'").fetchone()[0]
        if built and present != list(shard_dsns):
            raise KlipingError(
                f"{redact(dsn)} already serves an archive on {len(present)} shard(s). Its shards cannot change "
                "under it: set up a new coordinator database with these shards and build there.")
        if shard_dsns:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgres_fdw")
        with conn.transaction():
            for n, _, _ in store.shards(conn):
                conn.execute(sql.SQL("DROP SERVER IF EXISTS {} CASCADE").format(sql.Identifier(f"kliping_shard_{n}")))
            conn.execute(f"DELETE FROM {SHARDS}")
            for n, d in enumerate(shard_dsns):
                server = f"kliping_shard_{n}"
                info = conninfo_to_dict(d)
                opts = {"host": info.get("host", "127.0.0.1"), "port": str(info.get("port", 5432)),
                        "dbname": info.get("dbname", "postgres"), "async_capable": "true",
                        "fetch_size": "10000", "batch_size": "500", "options": NO_SEQSCAN}
                conn.execute(sql.SQL("CREATE SERVER {} FOREIGN DATA WRAPPER postgres_fdw OPTIONS ({})").format(
                    sql.Identifier(server), _options(opts)))
                user = {"user": info.get("user", "postgres")}
                if info.get("password"):
                    user["password"] = info["password"]
                conn.execute(sql.SQL("CREATE USER MAPPING FOR PUBLIC SERVER {} OPTIONS ({})").format(
                    sql.Identifier(server), _options(user)))
                conn.execute(f"INSERT INTO {SHARDS} (n, server, dsn) VALUES (%s, %s, %s)", (n, server, d))
                lines.append(f"shard {n}: {redact(d)} as foreign server {server}")
    lines.append(f"coordinator {redact(dsn)}: " + (f"{len(shard_dsns)} shard(s)" if shard_dsns else "one node")
                 + f". Next: python -m search build SOURCES --engine {redact(dsn)}")
    return lines


def _options(opts: dict) -> sql.Composed:
    return sql.SQL(", ").join(sql.SQL("{} {}").format(sql.Identifier(k), sql.Literal(v)) for k, v in opts.items())
