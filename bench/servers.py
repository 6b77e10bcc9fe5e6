"""The HTTP side of bench/run.py: each system measured as a `Server` (a subprocess on a free port
of 127.0.0.1, its log in bench/work/), one timed GET on a fresh connection (`fetch`), the
requests of bench/queries.txt (`read_queries`, `label_of`), how each system is asked one
(`kliping_path` for Kliping and the FTS5 reference; `datasette_path`, through the measured
checkout's `request_of`), and the number of matches it answered (`total_of`).
"""
from __future__ import annotations

import http.client
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import serving
from corpora import WORK

HERE = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent
QUERIES = HERE / "queries.txt"
# Kliping is served as `make serve` serves it (gunicorn, the Makefile's own line), with one
# worker, so every cold request reaches the same freshly started process. Before 2026-12-06 the
# bench used `flask run` (`make run`'s development server), about 1 to 2 ms slower a request.
KLIPING_SERVER = serving.serve_command("{port}", 1)  # type: ignore[arg-type]
# The FTS5 reference is served by the very same gunicorn line, its app in place of Kliping's (the
# database from KLIPING_REF_DB), so the two differ in what answers a request, not in the server.
# Until 2026-12-07 it ran on Flask's development server: its cold p50 at 3.5k was 3.7 ms there,
# 2.7 to 3.3 ms here, in quick runs of one sitting (bench/HISTORY.md, eleventh session).
FTS5_SERVER = serving.serve_command("{port}", 1, app="bench.fts5_ref:create_app()")  # type: ignore[arg-type]


@dataclass
class Server:
    name: str  # e.g. "kliping", "fts5", "datasette"
    kind: str  # kliping | fts5 | datasette
    url_for: object  # callable: request params dict -> path
    proc: subprocess.Popen | None = None
    port: int = 0
    ready_path: str = "/-/nothing-here"

    def start(self, cmd: list[str], cwd: Path, env: dict) -> None:
        self._args = (cmd, cwd, env)  # for restart()
        self.port = serving.free_port()
        cmd = [c.replace("{port}", str(self.port)) for c in cmd]
        self.log = open(WORK / f"server-{self.name}.log", "w")  # noqa: SIM115 (closed in stop())
        self.proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited: see {self.log.name}")
            try:
                status, _, _ = fetch(self.port, self.ready_path)
                if status:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not start in 120 s")

    def ask(self, pairs) -> tuple[bytes, float]:
        """One search request: (body, ms); anything but 200 stops the run."""
        status, body, secs = fetch(self.port, self.url_for(pairs))
        if status != 200:
            raise RuntimeError(f"{self.name} {label_of(pairs)} -> {status}: {body[:300]!r}")
        return body, secs * 1000

    def restart(self) -> None:
        """Stop it and start it again as it was started: a fresh server, every cache empty."""
        self.stop()
        self.start(*self._args)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "log", None):
            self.log.close()


def fetch(port: int, path: str) -> tuple[int, bytes, float]:
    """One GET on a fresh connection: status, body, seconds (connect to last byte)."""
    t0 = time.perf_counter()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        c.request("GET", path)
        r = c.getresponse()
        body = r.read()
    finally:
        c.close()
    return r.status, body, time.perf_counter() - t0


def read_queries(path: Path = QUERIES) -> list[list[tuple[str, str]]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        pairs = []
        for part in line.split("&"):
            k, _, v = part.partition("=")
            pairs.append((k.strip(), v.strip()))
        out.append(pairs)
    return out


def label_of(pairs) -> str:
    return "&".join(f"{k}={v}" for k, v in pairs) or "(empty)"


def kliping_path(pairs) -> str:
    return "/api/search?" + urlencode(pairs)


def request_of(pairs):
    """The query-string pairs as the measured checkout's SearchRequest."""
    from search.query.params import SearchRequest

    args: dict[str, list[str]] = {}
    for k, v in pairs:
        args.setdefault(k, []).append(v)
    return SearchRequest.from_args(args)


def datasette_path(pairs) -> str:
    """The same request on Datasette's table JSON API: _search (FTS5, raw syntax, analysed terms),
    filters as column filters, and _facet on outlet and month."""
    from fts5_ref import to_fts

    from search.query.parse import parse_query

    req = request_of(pairs)
    parsed = parse_query(req.q)
    qs: list[tuple[str, str]] = []
    if not parsed.is_browse:
        pos, negs = to_fts(parsed.query)
        if pos is not None:
            qs += [("_search", pos), ("_searchmode", "raw")]
        for n in negs:
            qs.append(("_where", "rowid not in (select rowid from articles_fts where articles_fts match "
                                 + "'" + n.replace("'", "''") + "')"))
    if req.effective_sort == "newest" or parsed.is_browse:
        qs.append(("_sort_desc", "date"))
    elif req.effective_sort == "oldest":
        qs.append(("_sort", "date"))
    if req.filters.get("outlet"):
        qs.append(("outlet__in", json.dumps(list(req.filters["outlet"]), ensure_ascii=False)))
    for v in req.filters.get("date", ()):
        qs.append(("month" if len(v) == 7 else "date", v))
    for v in req.filters.get("tag", ()):
        qs.append(("tags__arraycontains", v))
    lo, hi = req.date_range
    if lo:
        qs.append(("date__gte", lo))
    if hi:
        qs.append(("date__lte", hi + "~"))
    qs += [("_facet", "outlet"), ("_facet", "month"), ("_size", str(req.per_page))]
    # Datasette pages by an opaque cursor, so a `page` beyond 1 is asked as page 1 there.
    for c in ("id", "title", "outlet", "date", "url"):
        qs.append(("_col", c))
    return "/kliping/articles.json?" + urlencode(qs)


def total_of(kind: str, body: bytes) -> int | None:
    try:
        d = json.loads(body)
    except ValueError:
        return None
    if kind == "datasette":
        return d.get("filtered_table_rows_count")
    return d.get("total")
