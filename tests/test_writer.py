"""The faster segment writer reads back exactly like Whoosh's own writer."""
from __future__ import annotations

from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from conftest import corpus
from search import ingest
from search.indexer import document
from search.models import Article
from search.schema import SCHEMA
from search.writer import FastWriter, _BulkFieldWriter, _LeanPool

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def write(root: Path, writer_class, limitmb: int = 128) -> None:
    root.mkdir()
    ix = whoosh_index.create_in(str(root), SCHEMA)
    w = writer_class(ix, limitmb=limitmb)
    # 300 extra articles share words, so posting lists span several 128-posting blocks.
    extra = [Article(id=f"x{i}", paragraphs=[f"Sanksi umum nomor {i} " + "kata " * (i % 7)])
             for i in range(300)]
    for article in [a for a in ingest.load([SEEDS]) if not hasattr(a, "reason")] + corpus() + extra:
        w.add_document(**document(article))
    w.commit()


def dump(root: Path) -> dict:
    ix = whoosh_index.open_dir(str(root))
    with ix.searcher() as s:
        r = s.reader()
        out = {}
        for field in ("body", "exact"):
            for text in r.lexicon(field):
                m = r.postings(field, text)
                postings = []
                while m.is_active():
                    postings.append((m.id(), m.weight(), m.value()))
                    m.next()
                ti = r.term_info(field, text)
                out[field, text] = (postings, ti.doc_frequency(), ti.weight(), ti.max_weight(),
                                    ti.min_length(), ti.max_length())
        lengths = [(d, r.doc_field_length(d, "body"), r.doc_field_length(d, "exact"))
                   for d in range(r.doc_count_all())]
        return {"postings": out, "lengths": lengths, "stored": list(r.all_stored_fields())}


def test_fast_writer_reads_back_like_whooshs_writer(tmp_path):
    write(tmp_path / "whoosh", SegmentWriter)
    write(tmp_path / "fast", FastWriter)
    write(tmp_path / "spilled", FastWriter, limitmb=1)  # sorted runs spill to disk and merge
    plain, fast = dump(tmp_path / "whoosh"), dump(tmp_path / "fast")
    assert dump(tmp_path / "spilled") == plain
    assert len(plain["postings"]) > 500
    assert max(len(v[0]) for v in plain["postings"].values()) > 256  # multi-block lists covered
    assert fast == plain


def test_fast_writer_really_uses_the_bulk_posting_writer(tmp_path):
    ix = whoosh_index.create_in(str(tmp_path), SCHEMA)
    w = FastWriter(ix)
    assert isinstance(w.fieldwriter, _BulkFieldWriter)
    assert isinstance(w.pool, _LeanPool)
    w.cancel()
