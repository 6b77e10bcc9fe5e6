"""The commands that write (search.cli_ingest): `python -m search build/add/remove` as real
processes (summaries, --report and its warnings, the writer lock, a build killed mid-way leaving the
previous index serving, a build that reads nothing publishing nothing), and a bad --map or a busy
index as one-line errors."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_cli import RECORDS, assert_one_line_error, cli

from conftest import ROOT
from search.engine.whoosh import store
from search.query.archive import Archive
from search.query.params import SearchRequest


def run(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "search", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


REC = [{"id": "r1", "sumber": "cnn indonesia", "paragraphs": [
           "Jakarta, CNN Indonesia -- Harga cabai naik tajam pada Senin (27/3/2017). (ugo/gil)"]},
       {"id": "r2", "sumber": "merdeka", "paragraphs": ["Merdeka.com - Banjir melanda Bekasi. [feb]"]}]


def test_build_add_remove_with_map_and_report(tmp_path):
    ix = tmp_path / "ix"
    src = write_jsonl(tmp_path / "a.jsonl", REC[:1])
    r = run("build", str(src), "--index", str(ix), "--map", "outlet=sumber",
            "--report", str(tmp_path / "b.json"))
    assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path / "b.json").read_text())["items"] == [
        {"origin": f"{src}:1", "outcome": "added", "id": "r1"}]

    more = write_jsonl(tmp_path / "b.jsonl", REC + [{"id": "r3"}] + [{"id": "r4", "paragraphs": []}])
    with (tmp_path / "b.jsonl").open("a", encoding="utf-8") as f:
        f.write("{broken\n")
    r = run("add", str(more), "--index", str(ix), "--map", "outlet=sumber", "--report", str(tmp_path / "r.json"))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("1 added, 0 updated, 1 unchanged, 3 skipped in ")
    assert "line 3: missing 'paragraphs' or 'body'" in r.stderr and "line 5: not valid JSON" in r.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["counts"]["added"] == 1 and report["counts"]["skipped"] == 3
    outcomes = {i["origin"].rsplit(":", 1)[1]: i["outcome"] for i in report["items"]}
    assert outcomes == {"1": "unchanged", "2": "added", "3": "skipped", "4": "skipped", "5": "skipped"}

    a = Archive(ix)
    r2 = a.article("r2")
    assert r2.outlet == "Merdeka" and r2.editors == [] and r2.paragraphs == ["Banjir melanda Bekasi."]
    assert "[feb]" in r2.notes["editors"]  # one staff code: whose it is, is not said
    a.close()

    again = run("add", str(more), "--index", str(ix), "--map", "outlet=sumber")
    assert "0 added, 0 updated, 2 unchanged" in again.stdout and "the index was not written" in again.stdout

    gone = run("remove", "r1", "zzz", "--index", str(ix))
    assert gone.returncode == 0 and gone.stdout.startswith("0 added, 0 updated, 0 unchanged, 1 removed, 1 not found")
    assert "not found: zzz" in gone.stderr


def test_add_needs_an_index(tmp_path):
    src = write_jsonl(tmp_path / "a.jsonl", REC)
    r = run("add", str(src), "--index", str(tmp_path / "none"))
    assert r.returncode != 0 and "No index in" in r.stderr and "Traceback" not in r.stderr


HOLD = """
import sys, time
from search.engine.whoosh import store
with store.writer_lock(sys.argv[1]):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def test_second_writer_process_says_another_is_running_or_waits(tmp_path):
    ix = tmp_path / "ix"
    src = write_jsonl(tmp_path / "a.jsonl", REC)
    assert run("build", str(src), "--index", str(ix)).returncode == 0
    # held 10 s: the busy `add` must start and reach the lock within it, even on a loaded machine
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(ix), "10"], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        busy = run("add", str(src), "--index", str(ix))
        assert busy.returncode == 2
        assert "Another build or update is writing" in busy.stderr and "--wait" in busy.stderr
        waited = run("build", str(src), "--index", str(ix), "--wait", "20")
        assert waited.returncode == 0, waited.stderr
    finally:
        holder.wait(timeout=20)
        holder.stdout.close()


def test_a_build_killed_midway_leaves_the_previous_index_serving(tmp_path):
    ix = tmp_path / "ix"
    small = write_jsonl(tmp_path / "small.jsonl", REC)
    assert run("build", str(small), "--index", str(ix)).returncode == 0
    served = store.current_generation(ix)
    big = write_jsonl(tmp_path / "big.jsonl", [
        {"id": f"x{i}", "paragraphs": [f"Artikel nomor {i} tentang gempa di Palu dan banjir di Bekasi. " * 20] * 5}
        for i in range(20000)])
    proc = subprocess.Popen([sys.executable, "-m", "search", "build", str(big), "--index", str(ix)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until the new generation is being written
        gens = [g for g in ix.glob("gen-*") if g != served and any(g.iterdir())]
        if gens:
            break
        time.sleep(0.05)
    time.sleep(0.5)
    assert proc.poll() is None, "the build finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert store.current_generation(ix) == served
    a = Archive(ix)
    assert {r.id for r in a.search(SearchRequest.from_args({"q": "cabai"})).results} == {"r1"}
    a.close()
    # and the lock died with the killed writer: the next update goes ahead
    r = run("add", str(small), "--index", str(ix))
    assert r.returncode == 0 and "2 unchanged" in r.stdout


def test_busy_index_is_a_one_line_error(capsys, tmp_path):
    src = tmp_path / "b.jsonl"
    src.write_text(json.dumps(RECORDS[0]) + "\n", encoding="utf-8")
    with store.writer_lock(tmp_path / "ix"):
        code, _, err = cli(capsys, "build", str(src), "--index", str(tmp_path / "ix"))
    assert_one_line_error(code, err, "--wait")


@pytest.mark.parametrize("mapping", ["outlet", "foo=bar", "outlet="])
def test_bad_map_is_a_one_line_error(capsys, tmp_path, mapping):
    code, _, err = cli(capsys, "build", "--map", mapping, "--index", str(tmp_path / "ix"))
    assert_one_line_error(code, err, "--map")


def test_unknown_map_field_through_python_m_search_says_what_to_do(tmp_path):
    r = run("build", "--map", "foo=bar", "--index", str(tmp_path / "ix"))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines() == [r.stderr.strip()] and "outlet=source" in r.stderr
    assert not (tmp_path / "ix" / "CURRENT").exists()


def test_build_that_reads_nothing_publishes_nothing(tmp_path):
    ix = tmp_path / "ix"
    assert run("build", str(ROOT / "seeds"), "--index", str(ix)).returncode == 0
    before = (ix / "CURRENT").read_text()
    built = run("build", str(tmp_path / "typo.jsonl"), "--index", str(ix))
    assert built.returncode != 0 and "Traceback" not in built.stderr
    assert built.stderr.startswith("error: Nothing to index") and "unchanged" in built.stderr
    assert (ix / "CURRENT").read_text() == before
    p = run("query", "sanksi", "--index", str(ix))
    assert p.returncode == 0 and "Traceback" not in p.stderr and not p.stdout.startswith("0 articles")


def test_an_address_that_is_not_a_web_link_is_flagged_in_the_ingest_report(tmp_path):
    src = tmp_path / "bad.jsonl"
    rows = [{"id": "js", "url": "javascript:alert(1)", "paragraphs": ["Sanksi PBB diumumkan."]},
            {"id": "ok", "url": "https://kontan.example/ok", "paragraphs": ["Sanksi baru."]}]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    report = tmp_path / "report.json"
    r = run("build", str(src), "--index", str(tmp_path / "ix"), "--report", str(report))
    assert r.returncode == 0 and "Indexed 2 articles" in r.stdout  # indexed all the same
    assert "warning" in r.stderr and "javascript:alert(1)" in r.stderr and "shown as text" in r.stderr
    items = {i["id"]: i for i in json.loads(report.read_text())["items"]}
    assert items["js"]["flags"] and "flags" not in items["ok"]
    rows[0]["paragraphs"] = ["Sanksi PBB diumumkan lagi."]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    r = run("add", str(src), "--index", str(tmp_path / "ix"), "--report", str(report))
    assert "1 updated" in r.stdout and "javascript:alert(1)" in r.stderr
    assert [i["flags"] for i in json.loads(report.read_text())["items"] if i.get("id") == "js"][0]
