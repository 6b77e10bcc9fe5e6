"""The on-disk layout: one writer at a time, atomic publishing, pruning old generations."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from search.engine.whoosh import store
from search.engine.whoosh.build import build
from search.engine.whoosh.schema import schema_version
from search.errors import IndexBusy, IndexMissing, IndexVersionMismatch
from search.models import Article
from search.settings import DEFAULT

SCHEMA_VERSION = schema_version(DEFAULT)

ART = [Article(id="a", paragraphs=["Sanksi PBB dibahas."])]


def gens(root):
    return sorted(p.name for p in root.glob("gen-*") if p.is_dir())


def test_second_writer_gets_index_busy_with_a_clear_message(tmp_path):
    with store.writer_lock(tmp_path), pytest.raises(IndexBusy) as e, store.writer_lock(tmp_path):
        pass  # pragma: no cover - must not get here
    msg = e.value.message
    assert str(tmp_path) in msg and "--wait" in msg and "Another build" in msg
    assert e.value.status == 409


def test_busy_writer_waits_then_gives_up(tmp_path):
    with store.writer_lock(tmp_path):
        started = time.monotonic()
        with pytest.raises(IndexBusy), store.writer_lock(tmp_path, wait=0.5):
            pass  # pragma: no cover
        assert time.monotonic() - started >= 0.5


def test_lock_is_released_after_use_and_after_errors(tmp_path):
    with pytest.raises(RuntimeError), store.writer_lock(tmp_path):
        raise RuntimeError("boom")
    with store.writer_lock(tmp_path):
        assert (tmp_path / ".lock").read_text().strip().isdigit()


def test_build_while_another_writer_holds_the_lock_changes_nothing(tmp_path):
    build(ART, tmp_path)
    served = (tmp_path / "CURRENT").read_text()
    before = gens(tmp_path)
    with store.writer_lock(tmp_path), pytest.raises(IndexBusy):
        build(ART, tmp_path)
    assert (tmp_path / "CURRENT").read_text() == served and gens(tmp_path) == before


def test_publish_points_current_at_the_new_generation(tmp_path):
    build(ART, tmp_path)
    gen = store.new_generation(tmp_path)
    store.write_manifest(gen, {"schema_version": SCHEMA_VERSION})
    stamp = store.pointer_stamp(tmp_path)
    store.publish(tmp_path, gen)
    assert (tmp_path / "CURRENT").read_text().strip() == gen.name
    assert store.current_generation(tmp_path) == gen
    assert store.pointer_stamp(tmp_path) != stamp
    assert not (tmp_path / "CURRENT.tmp").exists()


def test_older_generations_are_pruned_beyond_two(tmp_path):
    for _ in range(4):
        build(ART, tmp_path)
    left = gens(tmp_path)
    assert len(left) == store.KEEP_GENERATIONS == 2
    assert store.current_generation(tmp_path).name in left


def test_prune_drops_half_built_generations_and_keeps_the_previous_served(tmp_path):
    build(ART, tmp_path)
    previous = store.current_generation(tmp_path).name
    (tmp_path / "gen-99991231-235959-999999").mkdir()  # what a killed build leaves: no manifest
    build(ART, tmp_path)
    assert set(gens(tmp_path)) == {previous, store.current_generation(tmp_path).name}


def test_generation_names_sort_in_creation_order(tmp_path):
    names = []
    for _ in range(60):
        names.append(store.new_generation(tmp_path).name)
        time.sleep(0.0004)
    assert names == sorted(names)


def test_generation_names_are_unique(tmp_path):
    names = {store.new_generation(tmp_path).name for _ in range(20)}
    assert len(names) == 20


def test_missing_and_incomplete_index(tmp_path):
    with pytest.raises(IndexMissing) as e:
        store.current_generation(tmp_path)
    assert f"python -m search build --index {tmp_path}" in e.value.message
    (tmp_path / "gen-x").mkdir()
    (tmp_path / "CURRENT").write_text("gen-x\n")
    with pytest.raises(IndexMissing) as e:
        store.current_generation(tmp_path)
    assert "incomplete" in e.value.message


def test_manifest_version_is_checked(tmp_path):
    build(ART, tmp_path)
    gen = store.current_generation(tmp_path)
    assert store.check_version(gen)["schema_version"] == SCHEMA_VERSION
    store.write_manifest(gen, {**store.read_manifest(gen), "schema_version": "1"})
    with pytest.raises(IndexVersionMismatch) as e:
        store.check_version(gen)
    assert "Rebuild" in e.value.message and SCHEMA_VERSION in e.value.message
    assert json.loads((gen / store.MANIFEST).read_text())["schema_version"] == "1"


def test_default_location_follows_the_environment(tmp_path, monkeypatch):
    from search.engine import default_location

    monkeypatch.delenv("KLIPING_ENGINE", raising=False)
    monkeypatch.setenv("KLIPING_INDEX", str(tmp_path / "elsewhere"))
    assert default_location() == str(tmp_path / "elsewhere")
    monkeypatch.setenv("KLIPING_ENGINE", str(tmp_path / "engine"))
    assert default_location() == str(tmp_path / "engine")
    monkeypatch.delenv("KLIPING_ENGINE")
    monkeypatch.delenv("KLIPING_INDEX")
    assert Path(default_location()).name == "index"
