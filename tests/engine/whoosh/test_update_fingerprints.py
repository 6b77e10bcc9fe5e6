"""The input fingerprints' fast path of `add` (search.ingest.fingerprints, read and kept by
search.engine.whoosh.update), on a REAL index built from inputs of every kind: unchanged inputs
are neither cleaned nor written, with the same report as cleaning them; any change to a record,
a row, a file or its sidecar is an update; a changed field map, new cleaning rules, a commit the
file does not describe, or an index built without it fall back to cleaning."""
from __future__ import annotations

from pathlib import Path

import pytest
from test_update import art, files, ids

from search.engine.whoosh import store
from search.engine.whoosh import update as updater
from search.engine.whoosh.build import build
from search.query.archive import Archive

FM = {"outlet": "source", "tags": "category"}


def rec(i: int, text: str, **kw) -> str:
    import json
    return json.dumps({"id": f"j{i}", "paragraphs": [text], "source": "kompas", **kw},
                      ensure_ascii=False) + "\n"


@pytest.fixture
def sources(tmp_path):
    """One input of every kind: JSONL records, CSV rows, a .txt with a sidecar, a .md."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.jsonl").write_text(rec(1, "Harga cabai naik di Jakarta pekan ini.", category="ekonomi")
                                 + rec(2, "Banjir melanda Bekasi sejak Senin pagi.")
                                 + rec(3, "Gempa mengguncang Palu pada malam hari."), encoding="utf-8")
    (src / "b.csv").write_text('id,source,body\nc1,Tempo,"Pemilu digelar serentak tahun depan."\n'
                               'c2,Tempo,"Harga beras stabil menjelang Lebaran."\n', encoding="utf-8")
    (src / "c.txt").write_text("Kereta cepat mulai beroperasi bulan ini.\n", encoding="utf-8")
    (src / "c.meta.yaml").write_text("outlet: Kontan\n", encoding="utf-8")
    (src / "d.md").write_text("---\ntitle: Jalan tol baru\n---\nJalan tol baru dibuka untuk umum.\n",
                              encoding="utf-8")
    return src


@pytest.fixture
def built(sources, tmp_path):
    from search import ingest
    root = tmp_path / "fx"
    rep = build(ingest.load([sources], field_map=FM), root)
    assert rep.added == 7 and not rep.skipped
    return root


def re_add(sources: Path, root: Path, fm=FM) -> updater.UpdateReport:
    from search import ingest
    return updater.add(ingest.load([sources], field_map=fm), root)


def outcomes(rep) -> list:
    return [o.as_dict() for o in rep.outcomes]


def test_build_records_a_fingerprint_per_article(built):
    from whoosh import index as whoosh_index

    from search.ingest import fingerprints
    gen = store.current_generation(built)
    ix = whoosh_index.open_dir(str(gen))
    assert sorted(fingerprints.read(gen, ix)) == ["c", "c1", "c2", "d", "j1", "j2", "j3"]


def test_re_adding_unchanged_inputs_cleans_nothing_and_writes_nothing(sources, built):
    before = files(built)
    rep = re_add(sources, built)
    assert (rep.count("unchanged"), rep.count("added"), rep.count("updated")) == (7, 0, 0)
    assert (rep.fingerprinted, rep.cleaned) == (7, 0)
    assert not rep.committed and files(built) == before
    # the same outcomes, origins, summary and report as cleaning everything (a plain list)
    from search import ingest
    slow = updater.add(list(ingest.load([sources], field_map=FM)), built)
    assert (slow.fingerprinted, slow.cleaned) == (0, 7)
    assert outcomes(rep) == outcomes(slow)
    assert rep.summary().split(" in ")[0] == slow.summary().split(" in ")[0]
    assert {k: v for k, v in rep.as_dict().items() if k != "seconds"} == \
        {k: v for k, v in slow.as_dict().items() if k != "seconds"}


def test_the_fast_path_cannot_be_cleaning(sources, built, monkeypatch):
    """With cleaning broken, unchanged inputs still come out unchanged: they were not cleaned."""
    from search.ingest import document, records

    def broken(*a, **kw):
        raise RuntimeError("cleaning called")
    for module in (document, records):
        for name in ("clean_text", "clean_paragraphs", "clean_blocks"):
            if hasattr(module, name):
                monkeypatch.setattr(module, name, broken)
    rep = re_add(sources, built)
    assert rep.count("unchanged") == 7 and not rep.skipped
    # and the breakage is real: without fingerprints every file fails to clean
    (store.current_generation(built) / "fingerprints.json").unlink()
    rep = re_add(sources, built)
    assert rep.count("unchanged") == 0 and len(rep.skipped) == 4
    assert all("cleaning called" in o.reason for o in rep.skipped)


def test_one_changed_character_in_a_record_is_an_update(sources, built):
    p = sources / "a.jsonl"
    p.write_text(p.read_text(encoding="utf-8").replace("Bekasi sejak", "Bekasi sejek"), encoding="utf-8")
    rep = re_add(sources, built)
    assert [(o.id, o.outcome) for o in rep.outcomes if o.outcome != "unchanged"] == [("j2", "updated")]
    assert (rep.fingerprinted, rep.cleaned) == (6, 1) and rep.committed
    assert ids(built, "sejek") == {"j2"}
    again = re_add(sources, built)  # the new fingerprint was recorded with the commit
    assert (again.fingerprinted, again.cleaned, again.committed) == (7, 0, False)


def test_a_changed_csv_row_is_an_update(sources, built):
    p = sources / "b.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("stabil", "stabiL"), encoding="utf-8")
    rep = re_add(sources, built)
    assert [(o.id, o.outcome) for o in rep.outcomes if o.outcome != "unchanged"] == [("c2", "updated")]


def test_a_changed_sidecar_is_an_update(sources, built):
    (sources / "c.meta.yaml").write_text("outlet: Tempo\n", encoding="utf-8")
    rep = re_add(sources, built)
    assert [(o.id, o.outcome) for o in rep.outcomes if o.outcome != "unchanged"] == [("c", "updated")]
    a = Archive(built)
    assert a.article("c").outlet == "Tempo"
    a.close()
    (sources / "c.meta.yaml").unlink()  # a sidecar taken away is a change too
    rep = re_add(sources, built)
    assert [(o.id, o.outcome) for o in rep.outcomes if o.outcome != "unchanged"] == [("c", "updated")]


def test_a_changed_field_map_is_not_trusted(sources, built):
    rep = re_add(sources, built, fm={"outlet": "source"})  # tags no longer read from category
    assert rep.fingerprinted == 0 and rep.cleaned == 7
    assert [(o.id, o.outcome) for o in rep.outcomes if o.outcome != "unchanged"] == [("j1", "updated")]


def test_new_cleaning_rules_make_fingerprints_stale(sources, built, monkeypatch):
    from search.ingest import clean, fingerprints
    monkeypatch.setattr(clean, "CLEANING_VERSION", clean.CLEANING_VERSION + 1)
    monkeypatch.setattr(fingerprints, "RULES_KEY", fingerprints._rules_key())
    rep = re_add(sources, built)
    assert (rep.fingerprinted, rep.cleaned, rep.count("unchanged")) == (0, 7, 7)


def test_an_index_built_without_fingerprints_falls_back(sources, tmp_path):
    from search import ingest
    root = tmp_path / "old"
    build(list(ingest.load([sources], field_map=FM)), root)  # not ingest.load: no fingerprints
    assert not (store.current_generation(root) / "fingerprints.json").exists()
    rep = re_add(sources, root)
    assert (rep.fingerprinted, rep.cleaned, rep.count("unchanged"), rep.committed) == (0, 7, 7, False)
    (sources / "d.md").write_text("Jalan tol baru ditutup sementara.\n", encoding="utf-8")
    rep = re_add(sources, root)
    assert [(o.id, o.outcome) for o in rep.outcomes if o.outcome != "unchanged"] == [("d", "updated")]
    again = re_add(sources, root)  # that commit recorded what it had cleaned
    assert (again.fingerprinted, again.cleaned) == (7, 0)


def test_a_commit_the_file_does_not_describe_makes_it_stale(sources, built):
    gen = store.current_generation(built)
    saved = (gen / "fingerprints.json").read_bytes()
    updater.add([art("x1", "Sebuah artikel lain tentang pasar.")], built)
    (gen / "fingerprints.json").write_bytes(saved)  # as if a crash came between the two writes
    rep = re_add(sources, built)
    assert (rep.fingerprinted, rep.count("unchanged")) == (0, 7)


def test_an_article_written_from_elsewhere_forgets_its_fingerprint(sources, built):
    updater.add([art("c", "Kereta cepat ditunda.")], built)  # not from the source file
    rep = re_add(sources, built)
    assert [(o.id, o.outcome) for o in rep.outcomes if o.outcome != "unchanged"] == [("c", "updated")]
    assert rep.fingerprinted == 6


def test_a_removed_article_comes_back_as_added(sources, built):
    updater.remove(["j3"], built)
    rep = re_add(sources, built)
    assert [(o.id, o.outcome) for o in rep.outcomes if o.outcome != "unchanged"] == [("j3", "added")]
    assert rep.fingerprinted == 6


def test_duplicate_ids_are_still_skipped_on_the_fast_path(sources, built):
    (sources / "e.jsonl").write_text(rec(1, "Harga cabai naik di Jakarta pekan ini.", category="ekonomi"),
                                     encoding="utf-8")
    rep = re_add(sources, built)
    assert [o.reason for o in rep.skipped] == [f"duplicate id j1, first seen in {sources / 'a.jsonl'}:1"]

