"""Connections: the primary for writes, read replicas for searches, and falling back.

`Servers(primary, replicas)` keeps a small pool of open connections per server. `read(fn)` runs
`fn(connection)` on the next replica in turn (KLIPING_PG_READ=dsn,dsn), and on the primary when
none is usable. A replica that refuses a connection, drops one, or cancels a query because of
recovery is marked down for DOWN_SECONDS and the call is retried elsewhere: reads are
idempotent, so a replica stopping under load costs no failed search. A replica is used for a
generation only once it has replayed the primary's WAL up to where the reader saw it
(`need_lsn`), so a search never reads a generation the replica does not have yet.
`read_within(sql, budget)` runs a search's statement under a `statement_timeout` of the time
its budget has left (search.engine.base.Budget): cancelled, it answers None and the search is
partial, and the server is not marked down.
"""
from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import psycopg
from psycopg import errors

from search.errors import IndexMissing

if TYPE_CHECKING:
    from search.engine.base import Budget

T = TypeVar("T")
DOWN_SECONDS = 5.0  # a failed replica is left alone this long before it is tried again
CONNECT_TIMEOUT = 5
MIN_TIMEOUT_MS = 1  # a search whose time budget is already spent still gets this long
POOL_SIZE = 8  # idle connections kept per server
#: Every session: no JIT (it costs more than it saves on these short queries); partitionwise
#: aggregation, so that per-document work runs on each shard (search.engine.postgres.reader);
#: and no sequential scan where the GIN index can answer: a tsvector is stored out of line, so
#: scanning a table reads every article's (90 ms for `harga` at 3.5k articles, against 0.4 ms
#: through the index), which the planner does not count. The shards' sessions get the same
#: from their foreign servers' options (search.engine.postgres.shards).
NO_SEQSCAN = "-c enable_seqscan=off -c jit=off"
SESSION = ("SET jit = off", "SET enable_seqscan = off", "SET enable_partitionwise_aggregate = on",
           "SET enable_partitionwise_join = on")
#: Errors after which another server is tried: the server went away, or a standby cancelled
#: the query because of a conflict with recovery.
RETRY = (psycopg.OperationalError, errors.SerializationFailure, errors.AdminShutdown)


def read_replicas() -> list[str]:
    return [d.strip() for d in os.environ.get("KLIPING_PG_READ", "").split(",") if d.strip()]


def connect(dsn: str, autocommit: bool = True) -> psycopg.Connection:
    try:
        conn = psycopg.connect(dsn, autocommit=autocommit, connect_timeout=CONNECT_TIMEOUT,
                               application_name="kliping")
    except psycopg.OperationalError as e:
        raise IndexMissing(f"Cannot reach PostgreSQL at {redact(dsn)}: {str(e).strip().splitlines()[0]}. "
                           "Start the server, or check the address.") from None
    for s in SESSION:
        conn.execute(s)
    return conn


def redact(dsn: str) -> str:
    """A DSN without its password, for messages."""
    if "://" in dsn and "@" in dsn:
        scheme, rest = dsn.split("://", 1)
        cred, host = rest.rsplit("@", 1)
        return f"{scheme}://{cred.split(':', 1)[0]}@{host}"
    return dsn


class Server:
    def __init__(self, dsn: str, replica: bool):
        self.dsn, self.replica = dsn, replica
        self.idle: list[psycopg.Connection] = []
        self.down_until = 0.0
        self.replayed = ""  # the last LSN this replica was seen to have replayed
        self.lock = threading.Lock()

    def take(self) -> psycopg.Connection:
        with self.lock:
            while self.idle:
                conn = self.idle.pop()
                if not conn.closed:
                    return conn
        return connect(self.dsn)

    def give(self, conn: psycopg.Connection) -> None:
        with self.lock:
            if len(self.idle) < POOL_SIZE and not conn.closed and conn.info.transaction_status == 0:
                self.idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        with self.lock:
            for conn in self.idle:
                conn.close()
            self.idle.clear()


class Servers:
    """The primary and its read replicas."""

    def __init__(self, primary: str, replicas: list[str] | None = None):
        self.primary = Server(primary, False)
        self.replicas = [Server(d, True) for d in (replicas or [])]
        self._next = 0
        self.need_lsn = ""  # replicas serve only once replayed this far (set by the engine)
        self.used: dict[str, int] = {}  # reads answered per server (stats, tests)

    def close(self) -> None:
        for s in [self.primary, *self.replicas]:
            s.close()

    def write(self, fn: Callable[[psycopg.Connection], T]) -> T:
        return self._on(self.primary, fn)

    def read(self, fn: Callable[[psycopg.Connection], T]) -> T:
        """fn on a replica in turn, else on the primary; retried elsewhere if a replica fails."""
        now = time.monotonic()
        n = len(self.replicas)
        start, self._next = self._next, self._next + 1
        for i in range(n):
            server = self.replicas[(start + i) % n]
            if server.down_until > now:
                continue
            try:
                if not self._caught_up(server):
                    continue
                out = self._on(server, fn)
            except errors.QueryCanceled:
                raise  # the search's own statement_timeout (search.engine.postgres.reader): not the server's fault
            except (*RETRY, IndexMissing):
                server.down_until = time.monotonic() + DOWN_SECONDS
                continue
            except errors.UndefinedTable:
                continue  # a generation it has not replayed: the primary has it
            self.used[server.dsn] = self.used.get(server.dsn, 0) + 1
            return out
        out = self._on(self.primary, fn)
        self.used[self.primary.dsn] = self.used.get(self.primary.dsn, 0) + 1
        return out

    def read_within(self, sql: str, budget: Budget | None) -> list[tuple] | None:
        """The statement's rows; with a budget, under a `statement_timeout` of the time left
        (at least MIN_TIMEOUT_MS): None, and the budget spent, when PostgreSQL cancelled it."""
        if budget is None:
            return self.read(lambda c: c.execute(sql).fetchall())

        def run(c):
            left = int((budget.deadline - time.monotonic()) * 1000)
            with c.transaction():
                c.execute(f"SET LOCAL statement_timeout = {max(MIN_TIMEOUT_MS, left)}")
                return c.execute(sql).fetchall()

        try:
            return self.read(run)
        except errors.QueryCanceled:
            budget.partial = True
            return None

    def _caught_up(self, server: Server) -> bool:
        need = self.need_lsn
        if not need or server.replayed == need:
            return True
        ok = self._on(server, lambda c: c.execute(
            "SELECT coalesce(pg_last_wal_replay_lsn() >= %s::pg_lsn, false)", (need,)).fetchone()[0])
        if ok:
            server.replayed = need
        return ok

    def primary_lsn(self) -> str:
        return self.write(lambda c: c.execute("SELECT pg_current_wal_lsn()::text").fetchone()[0])

    @staticmethod
    def _on(server: Server, fn: Callable[[psycopg.Connection], T]) -> T:
        conn = server.take()
        try:
            out = fn(conn)
        except BaseException:
            conn.close()  # a failed or interrupted connection is never reused
            raise
        server.give(conn)
        return out
