"""Failures of the disk and of writers (search.engine.whoosh.store: storage_errors, sweep, the
lock's message; the manifest repaired by update): a read-only folder, a full disk, a corrupt
index, a stale lock and a writer killed between its commit and its side files each end in one
clear line, lose nothing, and leave nothing behind after the next run.

The read-only folder and the full disk are real: a read-only bind mount and a small tmpfs
(root may mount them on this machine and on CI; elsewhere those tests skip)."""
from __future__ import annotations

import fcntl
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS, corpus
from search.engine.whoosh import store
from search.engine.whoosh.build import build
from search.engine.whoosh.update import add
from search.errors import IndexBusy
from search.models import Article


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "search", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def one_line(proc: subprocess.CompletedProcess, *needles: str) -> str:
    assert proc.returncode != 0, proc.stdout
    # progress lines ("[1/2] reading 13% · 0:02 elapsed") show when the machine is slow
    lines = [line for line in proc.stderr.splitlines()
             if not line.startswith(("Adding", "Indexing")) and not re.match(r"\[\d+/\d+\] ", line)]
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert "Traceback" not in proc.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def mount(*args: str) -> None:
    r = subprocess.run(["mount", *args], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount here: {r.stderr.strip()}")


def articles(root: Path) -> int:
    return json.loads(run("stats", "--json", "--index", str(root)).stdout)["articles"]


def files(root: Path) -> dict[str, set[str]]:
    return {p.name: {f.name for f in p.iterdir()} if p.is_dir() else set() for p in root.iterdir()}


@pytest.fixture
def jsonl(tmp_path) -> Path:
    src = tmp_path / "new.jsonl"
    src.write_text("".join(json.dumps({"id": f"n{i}", "title": f"Judul {i}", "paragraphs": [
        f"Sanksi PBB baru nomor {i} diumumkan di New York oleh Dewan Keamanan setelah rapat panjang."]}) + "\n"
        for i in range(3000)), encoding="utf-8")
    return src


def test_a_read_only_folder_is_one_line_for_every_writer_and_nothing_changes(tmp_path):
    src, ro = tmp_path / "src", tmp_path / "ro"
    build(corpus(), src)
    ro.mkdir()
    mount("--bind", str(src), str(ro))
    try:
        mount("-o", "remount,bind,ro", str(ro))
        before = files(src)
        for args in (("add", str(SEEDS)), ("remove", "a1"), ("build", str(SEEDS))):
            one_line(run(*args, "--index", str(ro)), "cannot be written", "Read-only file system", "as it was")
        assert articles(ro) == 5 and files(src) == before
    finally:
        subprocess.run(["umount", str(ro)], check=False)


def test_a_full_disk_is_one_line_leaves_no_debris_and_loses_nothing(tmp_path, jsonl):
    disk = tmp_path / "disk"
    disk.mkdir()
    mount("-t", "tmpfs", "-o", "size=1200k", "tmpfs", str(disk))
    try:
        root = disk / "ix"
        build(corpus(), root)
        (disk / "filler").write_bytes(os.urandom(600_000))
        before = files(root)
        one_line(run("add", str(jsonl), "--index", str(root)), "disk holding", "is full", "Free some space")
        assert files(root) == before  # nothing of the failed commit is left in the served generation
        one_line(run("build", str(SEEDS), str(jsonl), "--index", str(root)), "is full")
        assert files(root) == before  # no gen-* folder of the failed build
        assert articles(root) == 5
        assert "1 removed" in run("remove", "a1", "--index", str(root)).stdout  # still writable
        assert articles(root) == 4
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def test_the_next_writer_sweeps_what_killed_ones_left(tmp_path):
    root = tmp_path / "ix"
    build(corpus(), root)
    served = store.current_generation(root)
    half = root / "gen-00000000-000000-000000"  # a build killed before its manifest
    (half / "MAIN.tmp").mkdir(parents=True)
    late = root / "gen-99999999-999999-999999"  # a build killed between its manifest and publishing
    late.mkdir()
    (late / store.MANIFEST).write_text("{}")
    (root / "CURRENT.tmp").write_text("x")
    (served / "kliping.json.tmp").write_text("{")
    (served / "MAIN_deadbeefdeadbeef.seg").write_bytes(b"x" * 100)  # a segment no commit names
    (served / "MAIN.tmp").mkdir()
    add([Article(id="baru", paragraphs=["Sanksi PBB baru diumumkan."])], root)
    assert [p.name for p in root.glob("gen-*")] == [served.name]
    assert not list(root.glob("*.tmp")) and not list(served.glob("*.tmp"))
    assert not (served / "MAIN_deadbeefdeadbeef.seg").exists()
    assert articles(root) == 6


def test_a_kill_between_a_commit_and_the_manifest_is_repaired_by_the_next_run(tmp_path):
    root = tmp_path / "ix"
    build(corpus(), root)
    gen = store.current_generation(root)
    stale = store.read_manifest(gen)
    add([Article(id="baru", paragraphs=["Sanksi PBB baru diumumkan."])], root)
    store.write_manifest(gen, stale)  # as if killed after the commit, before the manifest
    assert store.read_manifest(gen)["articles"] == 5
    report = add([corpus()[0]], root)  # unchanged: nothing to commit, and still the repair
    assert not report.committed
    manifest = store.read_manifest(gen)
    assert manifest["articles"] == 6 and manifest["commit"] == 2


def test_a_busy_lock_names_its_holder_and_a_stale_one_says_what_to_stop(tmp_path):
    root = tmp_path / "ix"
    build(corpus(), root)
    with store.writer_lock(root), pytest.raises(IndexBusy, match=f"process {os.getpid()}"), store.writer_lock(root):
        pass  # pragma: no cover
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    with open(root / ".lock", "a+") as fh:  # held, as by a child of a writer that died
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fh.seek(0)
        fh.truncate()
        fh.write(gone.stdout)
        fh.flush()
        line = one_line(run("add", str(SEEDS), "--index", str(root)), f"process {gone.stdout.strip()}", "is gone")
        assert "fuser" in line
    assert articles(root) == 5


def test_a_corrupt_index_is_one_line_for_readers_and_writers(tmp_path):
    root = tmp_path / "ix"
    build(corpus(), root)
    gen = store.current_generation(root)
    for seg in gen.glob("*.seg"):
        seg.write_bytes(b"\0" * 64)
    for args in (("stats",), ("query", "sanksi"), ("add", str(SEEDS)), ("remove", "a1")):
        one_line(run(*args, "--index", str(root)), "cannot be read", "python -m search build")
    (gen / store.MANIFEST).write_text("{not json")
    one_line(run("stats", "--index", str(root)), "cannot be read")
    assert "Indexed" in run("build", str(SEEDS), "--index", str(root)).stdout  # a rebuild mends it
    assert articles(root) == 5
