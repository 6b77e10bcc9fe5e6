"""search.engine.whoosh.compat: the check finds what differs from the Whoosh 2.7.4 the fast path
relies on, and Whoosh's public path (what Kliping falls back to) gives the same index, postings,
match sets, BM25 scores and search results as the fast path.

Real indexes only: seeds/ + the conftest corpus + 300 articles with long posting lists, and a
slice of IndoSum (300 articles) when /work/shared has it, each grown the same way twice (once per path) by a
build, two `add`s (one updating articles) and a `remove`: three segments with deletions.
"""
from __future__ import annotations

import json
import subprocess
import sys
import types
from dataclasses import replace
from itertools import islice
from pathlib import Path

import pytest
import whoosh
from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from conftest import INDOSUM, SEEDS, corpus
from conftest import ROOT as REPO
from search import ingest
from search.engine.whoosh import compat, postings, update
from search.engine.whoosh.build import build
from search.engine.whoosh.matching import match_docs
from search.engine.whoosh.schema import schema
from search.engine.whoosh.scoring import BulkScorer
from search.engine.whoosh.translate import to_whoosh
from search.engine.whoosh.writer import FastWriter, open_writer
from search.models import Article
from search.query.archive import Archive
from search.query.params import SearchRequest
from search.query.parse import parse_query
from search.settings import DEFAULT

SCHEMA = schema(DEFAULT)
MAP = {"outlet": "source", "url": "source_url", "date": "date_from_id_timestamp", "tags": "category"}
QUERIES = ["sanksi", "sanksi PBB", "korea utara", "rusia OR china", "sanksi NOT rusia", "-rusia",
           "presiden (seoul OR pyongyang)", "kunjung*", "s?nksi", "umu*", "k*a", '"sanksi PBB"',
           '"korea utara"', "Siapa yang memveto sanksi terhadap Korea Utara di Dewan Keamanan",
           "kapan sanksi diumumkan", "berapa peserta pameran", "korea utara --exact", "zzzz",
           "jokowi", "bank indonesia", "harga", "persija OR persib", "teroris NOT bom",
           '"presiden joko widodo"', "ekonom*", "pemerintah daerah anggaran",
           "bagaimana dampak kenaikan harga bahan bakar minyak terhadap inflasi di indonesia"]
FIELDS = ("body", "exact", "answer")

needs_fast = pytest.mark.skipif(not compat.SUPPORTED, reason=compat.REASON)


def on(fast: bool):
    return compat.use_public(not fast)


# ------------------------------------------------------------------------------ the check
def test_the_installed_whoosh_passes_every_check():
    assert whoosh.__version__ == compat.VERSION
    assert compat.check(whoosh.__version__, compat.modules(), compat.live_objects()) == []
    assert compat.SUPPORTED and compat.PROBLEMS == ()
    assert len(compat.NAMES) > 20 and len(compat.LIVE) > 20


def test_another_version_is_a_difference():
    problems = compat.check((2, 7, 5), compat.modules())
    assert problems == ["Whoosh 2.7.5 is installed; Kliping's fast path is written for 2.7.4"]
    assert "public, slower path" in compat.message(problems) and "2.7.5" in compat.message(problems)


def _without(obj, name: str):
    """A copy of a module or class without attribute `name` (a class keeps everything else,
    inherited methods included)."""
    if isinstance(obj, type):
        attrs = {k: getattr(obj, k) for k in dir(obj) if not k.startswith("__") and k != name}
        return type(obj.__name__, (), attrs)
    return types.SimpleNamespace(**{k: v for k, v in vars(obj).items() if k != name})


@pytest.mark.parametrize("module,name,user", compat.NAMES)
def test_each_missing_name_is_reported(module, name, user):
    mods = compat.modules()
    owner, _, attr = name.rpartition(".")
    fake = types.SimpleNamespace(**vars(mods[module]))
    if owner:
        setattr(fake, owner, _without(getattr(fake, owner), attr))
    else:
        fake = _without(fake, name)
    problems = compat.check(compat.VERSION, dict(mods, **{module: fake}))
    assert f"{module}.{name} is missing (used by {user})" in problems
    assert all(name in p for p in problems), problems  # nothing else is reported


def test_a_hook_whoosh_no_longer_calls_is_reported():
    class Writer(SegmentWriter):
        def _finalize_segment(self):  # flushes without calling _flush_segment
            self._close_segment()

    mods = compat.modules()
    fake = types.SimpleNamespace(**vars(mods["whoosh.writing"]))
    fake.SegmentWriter = Writer
    assert compat.check(compat.VERSION, dict(mods, **{"whoosh.writing": fake})) == [
        "whoosh.writing.SegmentWriter._finalize_segment no longer uses _flush_segment "
        "(FastWriter overrides _flush_segment)"]


def test_live_attributes_and_the_block_format_are_checked():
    mods = compat.modules()
    live = compat.live_objects()
    live["writer"] = types.SimpleNamespace(**{k: v for k, v in vars(live["writer"]).items()
                                              if k != "perdocwriter"})
    live["reader"] = types.SimpleNamespace(_terms=object(), leaf_readers=lambda: [])
    problems = compat.check(compat.VERSION, mods, live)
    assert "the writer has no attribute perdocwriter.start_doc" in problems
    assert "the reader's _terms is object, not W3TermsReader" in problems
    assert "the reader has no attribute _terms._postfile.get" in problems

    good = compat.live_objects()["postings"]
    assert compat.check_postings(good) == []
    assert compat.check_postings(b"W3BX" + good[4:])[0].startswith("a posting list starts with")
    assert compat.check_postings(good[:-3]) != []  # a truncated block
    assert compat.check(compat.VERSION, mods, {"error": "boom"}) == [
        "a two-document index in memory could not be probed: boom"]


def test_use_public_switches_paths_and_restores_them():
    assert compat.FAST is compat.SUPPORTED or compat.REASON
    before = (compat.FAST, compat.REASON)
    with compat.use_public():
        assert compat.FAST is False and compat.REASON == "forced by compat.use_public()"
        with compat.use_public(False):
            assert compat.FAST is compat.SUPPORTED
        assert compat.FAST is False
    assert before == (compat.FAST, compat.REASON)
    switch = compat.use_public(True)  # a plain call switches at once
    try:
        assert not compat.FAST
    finally:
        switch.__exit__(None, None, None)
    assert before == (compat.FAST, compat.REASON)


@needs_fast
def test_open_writer_follows_the_path(tmp_path):
    ix = whoosh_index.create_in(str(tmp_path), SCHEMA)
    with on(True):
        w = open_writer(ix)
        assert type(w) is FastWriter
        w.cancel()
    with on(False):
        w = open_writer(ix)
        assert type(w) is SegmentWriter
        w.cancel()


def _run(code: str, **env) -> dict:
    import os
    r = subprocess.run([sys.executable, "-W", "error", "-c", code], cwd=REPO, capture_output=True,
                       text=True, env=dict(os.environ, PYTHONPATH=str(REPO), **env), timeout=120)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.splitlines()[-1])


def test_the_environment_variable_forces_the_public_path_without_a_warning():
    got = _run("import json; from search.engine.whoosh import compat; "
               "print(json.dumps([compat.SUPPORTED, compat.FAST, compat.REASON]))",
               KLIPING_WHOOSH_PUBLIC="1")
    assert got == [True, False, "forced by KLIPING_WHOOSH_PUBLIC=1"]
    assert _run("import json; from search.engine.whoosh import compat; "
                "print(json.dumps(compat.FAST))", KLIPING_WHOOSH_PUBLIC="0") is True


MISMATCH = """
import json, warnings
import whoosh

whoosh.__version__ = (2, 7, 5)  # what another installed Whoosh would say
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    from search.engine.whoosh import compat, matching, postings, scoring, writer
    from search.engine.whoosh.build import build
    from search.query.archive import Archive
    from search.query.params import SearchRequest
    from search.models import Article
    import conftest
    build(conftest.corpus(), ROOT)
    from whoosh import index
    w = writer.open_writer(index.open_dir(str(next(ROOT.glob("gen-*")))))
    kind = type(w).__name__
    w.cancel()
    compat.use_public(False)
    arc = Archive(ROOT)
    out = {q: [(r.id, r.score) for r in arc.search(SearchRequest.from_args({"q": q})).results]
           for q in QUERIES}
    arc.close()
print(json.dumps({"warnings": [str(w.message) for w in caught], "fast": compat.FAST,
                  "reason": compat.REASON, "writer": kind, "results": out}))
"""


def test_another_whoosh_warns_once_and_every_module_takes_the_public_path(tmp_path, make_index):
    code = (f"import sys; sys.path.insert(0, {str(REPO / 'tests')!r}); from pathlib import Path; "
            f"ROOT = Path({str(tmp_path / 'ix')!r}); QUERIES = {QUERIES!r}\n" + MISMATCH)
    got = _run(code)
    assert [w for w in got["warnings"] if "Kliping" in w] == [compat.message(
        ["Whoosh 2.7.5 is installed; Kliping's fast path is written for 2.7.4"])]
    assert got["fast"] is False and "2.7.5" in got["reason"] and got["writer"] == "SegmentWriter"
    arc = make_index(corpus(), tmp_path / "here")
    expected = {q: [[r.id, r.score] for r in arc.search(SearchRequest.from_args({"q": q})).results]
                for q in QUERIES}
    assert got["results"] == expected
    assert sum(map(len, expected.values())) > 20


# ------------------------------------------------------------------- both paths, real data
def _seed_items() -> list[Article]:
    extra = [Article(id=f"x{i}", paragraphs=[f"Sanksi umum nomor {i} " + "kata " * (i % 7)])
             for i in range(300)]
    return [a for a in ingest.load([SEEDS]) if isinstance(a, Article)] + corpus() + extra


def _indosum_items(tmp: Path) -> list[Article]:
    if not INDOSUM.exists():
        pytest.skip(f"{INDOSUM} is not here")
    part = tmp / "indosum-300.jsonl"
    with INDOSUM.open(encoding="utf-8") as f:
        part.write_text("".join(islice(f, 300)), encoding="utf-8")
    return [a for a in ingest.load([part], field_map=MAP) if isinstance(a, Article)]


def grow(items: list[Article], root: Path) -> None:
    """A build, an add, an add that also updates three articles, and a remove, in three
    segments (a merge floor of 1: no segment is small enough to be merged into the next add's)."""
    a, b = len(items) // 2, len(items) * 3 // 4
    keep = replace(DEFAULT, merge_floor=1)
    build(items[:a], root)
    update.add(items[a:b], root, settings=keep)
    changed = [replace(x, paragraphs=x.paragraphs + ["Sanksi tambahan diumumkan pada 2017."])
               for x in items[:3]]
    update.add(items[b:] + changed, root, settings=keep)
    update.remove([items[5].id, items[a + 1].id, items[-1].id], root, settings=keep)


@pytest.fixture(scope="module", params=["seeds", "indosum"])
def roots(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(request.param)
    items = _seed_items() if request.param == "seeds" else _indosum_items(tmp)
    out = {}
    for name, fast in (("fast", True), ("public", False)):
        with on(fast):
            grow(items, tmp / name)
        out[name] = tmp / name
    return out


def _open(root: Path):
    from search.engine.whoosh import store
    return whoosh_index.open_dir(str(store.current_generation(root)))


def _terms(r, field: str) -> list[bytes]:
    """Every term of `field`, or for a large lexicon (IndoSum) every few terms and the commonest."""
    lexicon = list(r.lexicon(field))
    step = max(1, len(lexicon) // 2500)
    return lexicon[::step] + [t for t in lexicon[1::step] if r.doc_frequency(field, t) > 30]


def _dump(root: Path) -> dict:
    """What Whoosh's public API reads back: postings and term statistics (of _terms), lengths,
    stored fields, segments and deletions."""
    with _open(root).searcher() as s:
        r = s.reader()
        out = {"segments": [leaf.doc_count_all() for leaf, _ in r.leaf_readers()],
               "deleted": [d for d in range(r.doc_count_all()) if r.is_deleted(d)],
               "stored": list(r.all_stored_fields())}
        for field in FIELDS:
            for text in _terms(r, field):
                m, posts = r.postings(field, text), []
                while m.is_active():
                    posts.append((m.id(), m.weight(), m.value()))
                    m.next()
                ti = r.term_info(field, text)
                out[field, text] = (posts, ti.doc_frequency(), ti.weight(), ti.max_weight(),
                                    ti.min_length(), ti.max_length())
        out["lengths"] = [tuple(r.doc_field_length(d, f) for f in FIELDS) for d in range(r.doc_count_all())]
        return out


@needs_fast
def test_both_writers_grow_the_same_index(roots):
    fast, public = _dump(roots["fast"]), _dump(roots["public"])
    assert len(fast["segments"]) == 3 and len(fast["deleted"]) >= 6  # 3 updated, 3 removed
    assert fast == public


@needs_fast
@pytest.mark.parametrize("built", ["fast", "public"])
def test_postings_read_the_same_on_both_paths(roots, built):
    with _open(roots[built]).searcher() as s:
        r = s.reader()
        listed_deleted = compared = 0
        for field in FIELDS:
            for btext in _terms(r, field):
                text = btext.decode("utf-8")
                with on(True):
                    ids, weights, values = postings.read(r, field, text, values=True)
                with on(False):
                    public = postings.read(r, field, text, values=True)
                live = [i for i, d in enumerate(ids) if not r.is_deleted(d)]
                listed_deleted += len(ids) - len(live)
                assert public == ([ids[i] for i in live], [weights[i] for i in live],
                                  [values[i] for i in live]), (field, text)
                if public[0]:
                    wanted = set(public[0][::5])
                    with on(False):
                        few = postings.read(r, field, text, values=True, only=wanted)
                    assert [(d, w, v) for d, w, v in zip(*few) if d in wanted] == \
                        [(d, w, v) for d, w, v in zip(*public) if d in wanted]
                compared += 1
        assert compared > 900 and listed_deleted > 0  # the fast path lists deleted documents


def _queries() -> list:
    out = []
    for text in QUERIES:
        parsed = parse_query(text)
        if parsed.query is not None:
            out.append((text, to_whoosh(parsed.query), parsed.answer))
    return out


def _match_and_score(root: Path, fast: bool) -> dict:
    with on(fast), _open(root).searcher() as s:
        live = frozenset(s.reader().all_doc_ids())
        scorer = BulkScorer(s)
        out = {}
        for text, q, answer in _queries():
            docs = match_docs(s, q, live)
            out[text] = (docs, scorer.score(q, docs, answer), scorer.bm25(q, docs))
        return out


@needs_fast
def test_match_sets_and_scores_are_the_same_on_both_paths(roots):
    fast = _match_and_score(roots["fast"], True)
    for root, path in ((roots["public"], False), (roots["fast"], False), (roots["public"], True)):
        assert _match_and_score(root, path) == fast
    assert sum(1 for docs, scores, _ in fast.values() if docs and scores) >= 12
    for text in ("kunjung*", "s?nksi", "umu*", "k*a"):  # expanded by _btexts or by simplify
        assert fast[text][0], text
    with _open(roots["fast"]).searcher() as s:  # and Whoosh's own matcher agrees
        live = frozenset(s.reader().all_doc_ids())
        for text in ("umu*", "k*a", "s?nksi"):
            q = to_whoosh(parse_query(text).query)
            assert fast[text][0] == set(q.matcher(s).all_ids()) & live


def _search(root: Path, fast: bool, requests: list[dict]) -> list:
    with on(fast):
        # No time budget: a loaded machine must not make one path's answers partial.
        arc = Archive(root, replace(DEFAULT, limits=replace(DEFAULT.limits, budget=600.0)))
        try:
            out = []
            for args in requests:
                resp = arc.search(SearchRequest.from_args(args))
                out.append((resp.total, resp.results, resp.facets))
            return out
        finally:
            arc.close()


def _bench_requests() -> list[dict]:
    out = [{"q": q} for q in QUERIES]
    for line in (REPO / "bench" / "queries.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            args: dict[str, list[str]] = {}
            for part in line.split("&"):
                k, _, v = part.partition("=")
                args.setdefault(k.strip(), []).append(v.strip())
            out.append(args)
    return out


@needs_fast
def test_search_results_are_the_same_on_both_paths(roots):
    requests = _bench_requests()
    fast = _search(roots["fast"], True, requests)
    assert _search(roots["public"], False, requests) == fast
    assert _search(roots["fast"], False, requests) == fast
    assert sum(1 for total, results, _ in fast if results) > 20
    assert max(total for total, _, _ in fast) > 50
