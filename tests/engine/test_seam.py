"""The engine seam: only search/engine/whoosh/ knows Whoosh, and the archive works through the
seam's Reader (search.engine.base) on a real index."""
from __future__ import annotations

import re

from conftest import ROOT, ids, search
from search.engine import open_engine
from search.engine.base import Engine, Hits, Plan, Reader
from search.query import ast

WHOOSH_IMPORT = re.compile(r"^\s*(?:import whoosh|from whoosh)\b", re.M)


def test_only_the_whoosh_engine_imports_whoosh():
    outside = [str(p.relative_to(ROOT)) for p in [*(ROOT / "search").rglob("*.py"), ROOT / "app.py"]
               if "engine/whoosh" not in p.as_posix() and WHOOSH_IMPORT.search(p.read_text(encoding="utf-8"))]
    assert outside == []
    inside = [p for p in (ROOT / "search" / "engine" / "whoosh").glob("*.py") if WHOOSH_IMPORT.search(p.read_text())]
    assert len(inside) >= 5  # the pattern does find imports


def test_a_reader_answers_a_plan_with_hits(archive):
    engine = open_engine(archive.root)
    try:
        assert isinstance(engine, Engine)
        reader = engine.reader()
        assert isinstance(reader, Reader)
        hits = reader.search(Plan(query=ast.Term(ast.BODY, "rusia"), limit=10, facets=("outlet",)))
        assert isinstance(hits, Hits) and hits.total == 2
        assert sorted(a.id for a in reader.articles([k for _, k in hits.top])) == ["a1", "a5"]
        assert dict(hits.counts["outlet"]) == {"Kontan": 1, "Tempo": 1}
        browse = reader.search(Plan(query=None, sort="newest", limit=2, filters={"outlet": ("Kontan",)}))
        assert browse.total == 2 and [a.id for a in reader.articles([k for _, k in browse.top])] == ["a3", "a1"]
    finally:
        engine.close()
    assert ids(search(archive, "rusia")) and set(ids(search(archive, "rusia"))) == {"a1", "a5"}
