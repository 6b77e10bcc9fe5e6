"""Where a PostgreSQL archive's state lives: the meta row, generations, shards and the lock.

`kliping_meta` holds one row, `current`: the served generation, its commit count (every `add`
or `remove` that changes something adds one), the schema version, the document count and total
body length (BM25's N and average length), the next sequence number (the order articles
arrived in: the tie-breaker of every ranking, as Whoosh's document numbers are), the sources it
was built from, and the shards. A build publishes a new generation by replacing that row in one
transaction; readers poll it (search.engine.postgres.engine).

`kliping_shards` (made by `python -m search postgres init`) lists the shards: the postgres_fdw
server of each and the DSN the engine uses to create and index the generation's tables there.
One writer at a time holds WRITER_LOCK, a session advisory lock on the coordinator.
"""
from __future__ import annotations

import json
import re
import time

import psycopg

from search.engine.postgres.connect import redact
from search.engine.postgres.schema import KINDS, META, SHARDS, schema_version, table
from search.errors import IndexBusy, IndexMissing, IndexVersionMismatch
from search.settings import Settings

WRITER_LOCK = 0x6B6C6970  # "klip"
KEEP_GENERATIONS = 2  # the served one and the one before, for readers still holding it


def ensure_meta(conn: psycopg.Connection) -> None:
    conn.execute(f"CREATE TABLE IF NOT EXISTS {META} (key text PRIMARY KEY, value jsonb NOT NULL)")
    conn.execute(f"CREATE TABLE IF NOT EXISTS {SHARDS} (n integer PRIMARY KEY, server text NOT NULL, "
                 "dsn text NOT NULL)")
    conn.execute(f"REVOKE ALL ON {SHARDS} FROM PUBLIC")
    conn.execute("CREATE SEQUENCE IF NOT EXISTS kliping_generation")


def read_meta(conn: psycopg.Connection, location: str) -> dict:
    """The served generation's meta, or IndexMissing with what to run."""
    location = redact(location)
    try:
        row = conn.execute(f"SELECT value FROM {META} WHERE key = 'current'").fetchone()
    except psycopg.errors.UndefinedTable:
        row = None
    if row is None:
        raise IndexMissing(f"No Kliping archive in {location}. Build it with: "
                           f"python -m search build --engine {location}")
    return row[0]


def check_version(meta: dict, settings: Settings, location: str) -> dict:
    found, needed = meta.get("schema_version"), schema_version(settings)
    location = redact(location)
    if found != needed:
        raise IndexVersionMismatch(
            f"The archive in {location} was built with schema {found}, but this Kliping needs "
            f"{needed}. Rebuild it with: python -m search build --engine {location}")
    return meta


def write_meta(conn: psycopg.Connection, meta: dict) -> None:
    conn.execute(f"INSERT INTO {META} (key, value) VALUES ('current', %s) "
                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (json.dumps(meta),))


def shards(conn: psycopg.Connection) -> list[tuple[int, str, str]]:
    """(n, postgres_fdw server, DSN) of each shard, in order; [] for one node."""
    try:
        return [tuple(r) for r in conn.execute(f"SELECT n, server, dsn FROM {SHARDS} ORDER BY n").fetchall()]
    except psycopg.errors.UndefinedTable:
        return []


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


class WriterLock:
    """The one-writer lock, held on its own connection; IndexBusy after `wait` seconds."""

    def __init__(self, conn: psycopg.Connection, location: str, wait: float = 0.0):
        self.conn, self.location, self.wait = conn, location, wait

    def __enter__(self):
        deadline = time.monotonic() + self.wait
        while not self.conn.execute("SELECT pg_try_advisory_lock(%s)", (WRITER_LOCK,)).fetchone()[0]:
            if time.monotonic() >= deadline:
                raise IndexBusy(f"Another build or update is writing to {redact(self.location)}. Wait for it to "
                                "finish, or pass --wait SECONDS.")
            time.sleep(0.2)
        return self

    def __exit__(self, *exc):
        if not self.conn.closed:
            self.conn.execute("SELECT pg_advisory_unlock(%s)", (WRITER_LOCK,))


_GEN = re.compile(rf"^kliping_({'|'.join(KINDS)})_(\d+)$")


def generations(conn: psycopg.Connection) -> dict[int, list[str]]:
    """{generation: its tables} found on one server."""
    out: dict[int, list[str]] = {}
    for (name,) in conn.execute("SELECT c.relname FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace "
                                "WHERE s.nspname = current_schema() AND c.relkind IN ('r', 'p', 'f')").fetchall():
        m = _GEN.match(name)
        if m:
            out.setdefault(int(m.group(2)), []).append(name)
    return out


def drop_generation(conn: psycopg.Connection, gen: int) -> None:
    for kind in KINDS:
        conn.execute(f"DROP TABLE IF EXISTS {table(kind, gen)} CASCADE")


def prune(conns: list[psycopg.Connection], keep: list[int]) -> None:
    """Drop every generation but `keep` (the served one and the one before) on every server,
    including half-built ones a killed build left."""
    for conn in conns:
        for gen in generations(conn):
            if gen not in keep:
                drop_generation(conn, gen)
