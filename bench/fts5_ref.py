"""A small reference implementation of Kliping's /api/search on SQLite FTS5, for benchmarks.

    python bench/fts5_ref.py build SOURCES... --map outlet=source,... --db bench/work/x.sqlite
    KLIPING_REF_DB=bench/work/x.sqlite flask --app bench.fts5_ref:create_app run   (or: python bench/fts5_ref.py serve --db X --port P)

bench/run.py serves it with `make serve`'s gunicorn line instead (bench/servers.py FTS5_SERVER),
as it serves Kliping; `serve` here is Flask's development server, for a look by hand.

Same analysis as Kliping: articles come from `search.ingest.load` (same cleaning, same ids and
metadata), and the indexed text is the project analyzer's output (`search.analysis.tokens`:
regex tokens, lowercase, stop list, the project stemmer with PyStemmer's Snowball fallback),
stored space-separated in the `terms` column. FTS5's own tokenizer (unicode61, with `-.,` as token
characters) then only splits on those spaces. Queries are read by Kliping's own `parse_query`
and translated to FTS5 syntax (`to_fts`). Snippets use Kliping's highlighter
(`search.snippets.best_paragraphs`) over the stored paragraphs with FTS5's document frequencies.

Differences to keep in mind: phrases may match across two paragraphs here; ranking is FTS5's
bm25, not Whoosh's BM25F; facets are outlet, month and tag only (Kliping also counts editor,
source and days), counted disjunctively like Kliping's.

The same database is what Datasette serves in the benchmark (`articles` + `articles_fts`).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sqlite3
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if not os.environ.get("PYTHONPATH"):  # a checkout on PYTHONPATH (bench/run.py --at) wins
    sys.path.insert(0, str(HERE.parent))

from whoosh import query as wq

from search.text.analysis import join_paragraphs, tokens

SCHEMA = """
CREATE TABLE articles (
    rowid INTEGER PRIMARY KEY,
    id TEXT UNIQUE NOT NULL,
    title TEXT,
    outlet TEXT,
    date TEXT,
    month TEXT,
    url TEXT,
    tags TEXT,          -- JSON array
    editors TEXT,       -- JSON array
    source TEXT,
    paragraphs TEXT,    -- JSON array
    terms TEXT          -- the analyzer's terms, space-separated
);
"""
FTS = """
CREATE VIRTUAL TABLE articles_fts USING fts5(terms, content="articles", content_rowid="rowid",
    tokenize="unicode61 remove_diacritics 0 tokenchars '-.,'");
CREATE VIRTUAL TABLE articles_vocab USING fts5vocab(articles_fts, 'row');
CREATE INDEX articles_outlet ON articles(outlet);
CREATE INDEX articles_month ON articles(month);
CREATE INDEX articles_date ON articles(date);
"""


def _fresh(db) -> tuple[Path, Path, sqlite3.Connection]:
    """A new database built beside `db` (renamed onto it when complete), written without a journal."""
    db = Path(db)
    db.parent.mkdir(parents=True, exist_ok=True)
    tmp = db.with_suffix(".building")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    return db, tmp, con


# -- build --------------------------------------------------------------------------------------
def build(sources: list[str], db: Path, field_map: dict | None = None) -> dict:
    from search import ingest
    from search.models import Skipped

    started = time.perf_counter()
    db, tmp, con = _fresh(db)
    con.executescript(SCHEMA)
    added = skipped = 0
    rows = []
    for item in ingest.load(sources, field_map=field_map):
        if isinstance(item, Skipped):
            skipped += 1
            continue
        texts = ([item.title] if item.title else []) + list(item.paragraphs)
        terms = " ".join(t.text for t in tokens(join_paragraphs(texts)))
        rows.append((item.id, item.title, item.outlet, item.date, (item.date or "")[:7] or None, item.url,
                     json.dumps(item.tags, ensure_ascii=False), json.dumps(item.editors, ensure_ascii=False),
                     item.source, json.dumps(item.paragraphs, ensure_ascii=False), terms))
        added += 1
        if len(rows) >= 2000:
            _insert(con, rows)
    _insert(con, rows)
    con.executescript(FTS)
    con.execute("INSERT INTO articles_fts(articles_fts) VALUES('rebuild')")
    con.execute("INSERT INTO articles_fts(articles_fts) VALUES('optimize')")
    con.commit()
    con.execute("VACUUM")
    con.close()
    os.replace(tmp, db)
    return {"added": added, "skipped": skipped, "seconds": time.perf_counter() - started}


BARE_RE = r"[^\W_]+"


def build_bare(sources: list[str], db: Path) -> dict:
    """The bare reference the build is compared with (issue 13): JSONL lines parsed, the
    title and paragraphs split by a simple tokenizer (runs of letters and digits, lowercased),
    stemmed by PyStemmer's Indonesian Snowball stemmer, in an FTS5 table beside the record as
    read; no cleaning, no metadata, no stop words, no positions of our own."""
    import re

    import Stemmer

    started = time.perf_counter()
    db, tmp, con = _fresh(db)
    con.execute("CREATE VIRTUAL TABLE articles USING fts5(id UNINDEXED, record UNINDEXED, terms)")
    stem = Stemmer.Stemmer("indonesian").stemWords
    findall = re.compile(BARE_RE).findall
    added, rows = 0, []
    for path in sources:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                rec = json.loads(line)
                text = " ".join([rec.get("title") or "", *rec.get("paragraphs", ())])
                rows.append((str(rec.get("id", added)), line, " ".join(stem(findall(text.lower())))))
                added += 1
                if len(rows) >= 2000:
                    con.executemany("INSERT INTO articles VALUES (?,?,?)", rows)
                    rows.clear()
    con.executemany("INSERT INTO articles VALUES (?,?,?)", rows)
    con.execute("INSERT INTO articles(articles) VALUES('optimize')")
    con.commit()
    con.close()
    os.replace(tmp, db)
    return {"added": added, "seconds": time.perf_counter() - started}


def _insert(con, rows: list) -> None:
    con.executemany("INSERT INTO articles (id, title, outlet, date, month, url, tags, editors, source, "
                    "paragraphs, terms) VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
    rows.clear()


# -- reading queries --------------------------------------------------------------------------
def _q(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def to_fts(q) -> tuple[str | None, list[str]]:
    """A Kliping query (search.query.ast nodes, read through their Whoosh translation; or a
    Whoosh query, from checkouts before query nodes) -> (FTS5 MATCH expression or None,
    [negative expressions]). None with negatives means "every article except"."""
    if not isinstance(q, wq.Query):
        from search.engine.whoosh.translate import to_whoosh
        q = to_whoosh(q)
    if isinstance(q, wq.Not):
        return None, [_expr(q.query)]
    if isinstance(q, wq.And) and all(isinstance(c, wq.Not) for c in q.subqueries):
        return None, [_expr(c.query) for c in q.subqueries]
    return _expr(q), []


def _word(q, text: str) -> str:
    """Terms of other fields (e.g. an unstemmed `exact` twin) are looked up by their stem here."""
    if getattr(q, "fieldname", "body") != "body":
        from search.text.stemmer import stem
        return stem(text)
    return text


def _expr(q) -> str:
    if isinstance(q, wq.Phrase):
        return _q(" ".join(_word(q, w) for w in q.words))
    if isinstance(q, wq.Prefix):
        return _q(q.text) + "*"
    if isinstance(q, wq.Wildcard):
        return _q(q.text.split("*")[0].split("?")[0]) + "*"
    if isinstance(q, wq.Term):
        return _q(_word(q, q.text))
    if isinstance(q, wq.AndNot):
        return f"({_expr(q.a)} NOT {_expr(q.b)})"
    if isinstance(q, (wq.AndMaybe,)):
        return _expr(q.a)
    if isinstance(q, wq.Require):
        return f"({_expr(q.a)} AND {_expr(q.b)})"
    if isinstance(q, wq.And):
        pos = [c for c in q.subqueries if not isinstance(c, wq.Not)]
        neg = [c.query for c in q.subqueries if isinstance(c, wq.Not)]
        s = " AND ".join(_expr(c) for c in pos)
        for n in neg:
            s = f"({s}) NOT {_expr(n)}"
        return f"({s})"
    if isinstance(q, (wq.Or, wq.DisjunctionMax)):
        return "(" + " OR ".join(_expr(c) for c in q.subqueries) + ")"
    if isinstance(q, wq.Not):  # a NOT nested where FTS5 cannot say it: keep the positive side empty
        return _q("\u0000")
    raise ValueError(f"cannot translate {q!r}")


# -- serving ------------------------------------------------------------------------------------
class Ref:
    def __init__(self, db: str | Path):
        self.db = str(db)
        self._local = None
        import threading
        self._local = threading.local()
        self._df: dict[str, int] = {}
        self._n = None

    def con(self) -> sqlite3.Connection:
        c = getattr(self._local, "con", None)
        if c is None:
            c = self._local.con = sqlite3.connect(f"file:{self.db}?mode=ro&immutable=1", uri=True,
                                                  check_same_thread=False)
        return c

    def idf(self, term: str) -> float:
        if self._n is None:
            self._n = self.con().execute("SELECT count(*) FROM articles").fetchone()[0]
        df = self._df.get(term)
        if df is None:
            row = self.con().execute("SELECT doc FROM articles_vocab WHERE term = ?", (term,)).fetchone()
            df = self._df[term] = row[0] if row else 0
        return math.log(1 + (self._n - df + 0.5) / (df + 0.5))

    def search(self, args) -> dict:
        from search.query.params import SearchRequest
        from search.query.parse import parse_query
        from search.query.snippets import best_paragraphs, lede

        started = time.perf_counter()
        req = SearchRequest.from_args(args)
        parsed = parse_query(req.q)
        con = self.con()
        # Filters, per facet, as SQL on the alias `a`.
        where: dict[str, tuple[str, list]] = {}
        if req.filters.get("outlet"):
            vals = list(req.filters["outlet"])
            where["outlet"] = (f"a.outlet IN ({','.join('?' * len(vals))})", vals)
        if req.filters.get("date"):
            vals = list(req.filters["date"])
            where["month"] = ("(" + " OR ".join("a.month = ?" if len(v) == 7 else "a.date = ?" for v in vals) + ")", vals)
        if req.filters.get("tag"):
            vals = list(req.filters["tag"])
            where["tag"] = (f"EXISTS (SELECT 1 FROM json_each(a.tags) WHERE value IN ({','.join('?' * len(vals))}))", vals)
        lo, hi = req.date_range
        base: list[tuple[str, list]] = []
        if lo:
            base.append(("a.date >= ?", [lo]))
        if hi:
            base.append(("a.date <= ?", [hi]))
        match_sql, match_args, join = "", [], ""
        order = "a.date DESC, a.rowid"
        if not parsed.is_browse:
            pos, negs = to_fts(parsed.query)
            if pos is not None:
                join = "JOIN articles_fts f ON f.rowid = a.rowid"
                match_sql, match_args = "articles_fts MATCH ?", [pos]
                if req.effective_sort == "relevance":
                    order = "f.rank, a.date DESC"
            for n in negs:
                base.append(("a.rowid NOT IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)", [n]))
        if req.effective_sort == "oldest":
            order = "a.date IS NULL, a.date, a.rowid"

        def clause(skip: str | None = None) -> tuple[str, list]:
            parts = ([(match_sql, match_args)] if match_sql else []) + base + [
                v for k, v in where.items() if k != skip]
            if not parts:
                return "", []
            return " WHERE " + " AND ".join(p for p, _ in parts), [x for _, a in parts for x in a]

        w, wa = clause()
        total = con.execute(f"SELECT count(*) FROM articles a {join}{w}", wa).fetchone()[0]
        rows = con.execute(
            f"SELECT a.id, a.title, a.outlet, a.date, a.url, a.paragraphs, {'f.rank' if join else '0'} "
            f"FROM articles a {join}{w} ORDER BY {order} LIMIT ? OFFSET ?",
            wa + [req.per_page, (req.page - 1) * req.per_page]).fetchall()
        results = []
        for id_, title, outlet, date, url, paras_json, rank in rows:
            paras = json.loads(paras_json)
            snips = best_paragraphs(paras, parsed.highlight, self.idf, 3) if parsed.highlight else []
            snips = snips or lede(paras)
            results.append({"id": id_, "title": title or (paras[0][:80] if paras else id_), "outlet": outlet,
                            "date": date, "url": url, "score": round(-rank, 4),
                            "paragraphs": [{"n": n, "html": h, "url": f"/articles/{id_}#p{n}"} for n, h in snips]})
        facets = {}
        for name, col, key in (("outlet", "a.outlet", "outlet"), ("date", "a.month", "month")):
            fw, fa = clause(key)
            cnt = con.execute(f"SELECT {col}, count(*) FROM articles a {join}{fw} GROUP BY {col}", fa).fetchall()
            cnt = [(v, n) for v, n in cnt if v]
            if name == "date":
                cnt = sorted(cnt)[-20:]
            else:
                cnt = sorted(cnt, key=lambda kv: (-kv[1], kv[0].lower()))[:10]
            sel = set(req.filters.get(name, ()))
            facets[name] = [{"value": v, "count": n, "selected": v in sel} for v, n in cnt]
        return {"query": req.q, "read_as": parsed.describe(), "mode": parsed.mode, "total": total,
                "page": req.page, "per_page": req.per_page, "results": results, "facets": facets,
                "took_ms": round((time.perf_counter() - started) * 1000, 2)}


def create_app(db: str | None = None):
    from flask import Flask, jsonify, request

    app = Flask(__name__)
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    ref = Ref(db or os.environ["KLIPING_REF_DB"])

    @app.get("/api/search")
    def api_search():
        return jsonify(ref.search(request.args.to_dict(flat=False)))

    return app


def _field_map(text: str | None) -> dict | None:
    if not text:
        return None
    return dict(kv.split("=", 1) for kv in text.split(",") if kv)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="SQLite FTS5 reference for Kliping's /api/search")
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build")
    b.add_argument("sources", nargs="+")
    b.add_argument("--map")
    b.add_argument("--db", required=True)
    b.add_argument("--bare", action="store_true", help="the bare reference: JSONL only, simple tokens, "
                   "PyStemmer, no cleaning (see build_bare)")
    s = sub.add_parser("serve")
    s.add_argument("--db", required=True)
    s.add_argument("--port", type=int, default=5050)
    q = sub.add_parser("query")
    q.add_argument("--db", required=True)
    q.add_argument("text")
    args = ap.parse_args(argv)
    if args.cmd == "build":
        if args.bare:
            print(json.dumps(build_bare(args.sources, Path(args.db))))
        else:
            print(json.dumps(build(args.sources, Path(args.db), _field_map(args.map))))
    elif args.cmd == "serve":
        create_app(args.db).run(host="127.0.0.1", port=args.port)
    else:
        print(json.dumps(Ref(args.db).search({"q": [args.text]}), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
