"""search.postings reads every term's postings exactly as Whoosh's own matcher does, on the fast
path (the block decoder) and on Whoosh's public path (search.engine.whoosh.compat)."""
from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from conftest import SEEDS, corpus
from search import ingest
from search.engine.whoosh import compat, postings
from search.engine.whoosh.build import document
from search.engine.whoosh.schema import schema
from search.engine.whoosh.writer import FastWriter
from search.models import Article
from search.settings import DEFAULT

SCHEMA = schema(DEFAULT)


def articles() -> list[Article]:
    # 300 extra articles share words, so posting lists span several 128-posting blocks, and
    # their last blocks are both compressed and not.
    extra = [Article(id=f"x{i}", paragraphs=[f"Sanksi umum nomor {i} " + "kata " * (i % 7)])
             for i in range(300)]
    return [a for a in ingest.load([SEEDS]) if not hasattr(a, "reason")] + corpus() + extra


def whoosh_read(reader, field: str, text: str):
    ids, weights, values = [], [], []
    for leaf, base in reader.leaf_readers():
        if (field, text) not in leaf:
            continue
        m = leaf.postings(field, text)
        while m.is_active():
            ids.append(m.id() + base)
            weights.append(m.weight())
            values.append(m.value())
            m.next()
    return ids, weights, values


def check_every_term(root: Path, fast: bool = True) -> int:
    ix = whoosh_index.open_dir(str(root))
    compared = 0
    with ix.searcher() as s:
        r = s.reader()
        for field in ("body", "exact"):
            for text in r.lexicon(field):
                text = text.decode("utf-8") if isinstance(text, bytes) else text
                ids, weights, values = postings.read(r, field, text, values=True)
                # Whoosh's matcher skips deleted documents; ours lists them for the caller.
                live = [i for i, d in enumerate(ids) if not r.is_deleted(d)]
                got = ([ids[i] for i in live], [weights[i] for i in live], [values[i] for i in live])
                assert got == whoosh_read(r, field, text), (field, text)
                assert postings.read(r, field, text)[:2] == (ids, weights)
                if not fast:  # Whoosh's matcher lists live documents only
                    assert ids == got[0]
                if not ids:  # only in deleted documents
                    continue
                # `only`: blocks without a wanted document are skipped; the wanted are all there.
                wanted = set(ids[::3]) | {ids[-1]}
                few = postings.read(r, field, text, values=True, only=wanted)
                kept = [(d, w, v) for d, w, v in zip(*few) if d in wanted]
                assert kept == [(d, w, v) for d, w, v in zip(ids, weights, values) if d in wanted]
                compared += 1
        assert postings.read(r, "body", "tidakadadiindeks") == ([], [], None)
        # A long list read for one document decodes one block, not all of them.
        ids = postings.read(r, "body", "sanksi")[0]
        assert len(ids) > 256
        if fast:
            assert len(postings.read(r, "body", "sanksi", only={ids[-1]})[0]) <= 128
    return compared


@pytest.fixture
def fast():
    """The fast path, even when KLIPING_WHOOSH_PUBLIC forces the public one for the run."""
    if not compat.SUPPORTED:
        pytest.skip(compat.REASON)
    with compat.use_public(False):
        yield


@pytest.mark.parametrize("writer_class", [FastWriter, SegmentWriter])
def test_one_segment_reads_like_whooshs_matcher(tmp_path, writer_class, monkeypatch, fast):
    def no_fallback(*args):
        raise AssertionError("fell back to Whoosh's matcher")

    monkeypatch.setattr(postings, "_by_matcher", no_fallback)  # the block decoder must do it all
    ix = whoosh_index.create_in(str(tmp_path), SCHEMA)
    w = writer_class(ix)
    for article in articles():
        w.add_document(**document(article))
    w.commit()
    assert check_every_term(tmp_path) > 500


def several_segments(root: Path) -> None:
    """Three segments of articles(), document x5 deleted."""
    root.mkdir(exist_ok=True)
    ix = whoosh_index.create_in(str(root), SCHEMA)
    items = articles()
    for chunk in (items[:150], items[150:250], items[250:]):
        w = FastWriter(ix)
        for article in chunk:
            w.add_document(**document(article))
        w.commit(merge=False)
    w = FastWriter(ix)
    w.delete_by_term("id", "x5")
    w.commit(merge=False)
    with ix.searcher() as s:
        assert len(s.reader().leaf_readers()) == 3 and s.reader().has_deletions()


def test_several_segments_and_deletions_read_like_whooshs_matcher(tmp_path, fast):
    """Document numbers of later segments are offset by their base; deleted documents are
    still listed (callers intersect with the live documents)."""
    several_segments(tmp_path)
    assert check_every_term(tmp_path) > 500


@pytest.mark.parametrize("writer_class", [FastWriter, SegmentWriter])
def test_the_public_path_reads_through_whooshs_matcher(tmp_path, writer_class, monkeypatch):
    """On Whoosh's public path (a Whoosh that fails the compat check, or forced) the block
    decoder is never used, and the postings are Whoosh's matcher's, deleted documents left out."""
    def no_decoder(*args):
        raise AssertionError("decoded blocks on the public path")

    monkeypatch.setattr(postings, "_decode", no_decoder)
    (tmp_path / "one").mkdir()
    ix = whoosh_index.create_in(str(tmp_path / "one"), SCHEMA)
    w = writer_class(ix)
    for article in articles():
        w.add_document(**document(article))
    w.commit()
    several_segments(tmp_path / "several")
    with compat.use_public():
        assert check_every_term(tmp_path / "one", fast=False) > 500
        assert check_every_term(tmp_path / "several", fast=False) > 500

