"""The command line: build, query (text and --json), stats, stem, analyze, and one-line errors."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT as REPO
from search.cli import main
from search.engine.whoosh import store
from search.engine.whoosh.build import build
from search.text import stemmer
from search.text.analysis import analyze

RECORDS = [
    {"id": "k1", "title": "Sanksi PBB diperluas", "outlet": "Kontan", "date": "2024-06-18",
     "paragraphs": ["Dewan Keamanan PBB memperluas sanksi terhadap Rusia.", "Langkah itu diambil setelah rapat."]},
    {"id": "k2", "title": "Presiden mengunjungi Seoul", "outlet": "Kompas", "date": "2024-07-01",
     "paragraphs": ["Presiden mengunjungi Seoul untuk membahas perdagangan."]},
]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "search", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=120)


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code: int, err: str, *needles: str) -> None:
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    for n in needles:
        assert n in lines[0]


@pytest.fixture
def index_dir(tmp_path, articles) -> Path:
    root = tmp_path / "index"
    build(articles, root)
    return root


def test_build_then_query_through_python_m_search(tmp_path):
    src = tmp_path / "berita.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in RECORDS) + "\n", encoding="utf-8")
    ix = tmp_path / "ix"
    built = run("build", str(src), "--index", str(ix))
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith("Indexed 2 articles") and str(ix) in built.stdout
    assert store.read_manifest(store.current_generation(ix))["sources"] == [str(src.resolve())]
    q = run("query", "sanksi PBB", "--index", str(ix))
    assert q.returncode == 0, q.stderr
    lines = q.stdout.splitlines()
    assert lines[0].startswith("1 article for sanksi AND (pbb OR ")  # PBB also reads as its long form
    assert any(line.startswith("1. Sanksi PBB diperluas") and "Kontan" in line and "k1" in line for line in lines)
    assert any("¶1:" in line and "[sanksi]" in line and "[PBB]" in line for line in lines)


def test_query_prints_results_with_paragraphs(capsys, index_dir):
    code, out, err = cli(capsys, "query", "sanksi PBB", "--index", str(index_dir))
    assert code == 0 and err == ""
    assert out.splitlines()[0].startswith(f"3 articles for {stemmer.stem('sanksi')} AND (pbb OR ")
    assert "Kontan · 18 June 2024" in out and "¶3:" in out and "[sanksi PBB]" in out


def test_query_filters_and_sort(capsys, index_dir):
    code, out, _ = cli(capsys, "query", "--outlet", "Kompas", "--sort", "oldest", "--index", str(index_dir))
    assert code == 0
    titled = [line for line in out.splitlines() if line[:3] in ("1. ", "2. ")]
    assert titled[0].endswith("a2") and titled[1].endswith("a4")


def test_query_json_has_the_api_shape(capsys, index_dir):
    code, out, _ = cli(capsys, "query", "sanksi", "--json", "--outlet", "Kontan", "--per-page", "1",
                       "--index", str(index_dir))
    assert code == 0
    data = json.loads(out)
    assert {"query", "total", "page", "per_page", "results", "facets"} <= set(data)
    assert (data["query"], data["total"], data["page"], data["per_page"]) == ("sanksi", 2, 1, 1)
    (r,) = data["results"]
    assert r["outlet"] == "Kontan" and r["article_url"].startswith(f"/articles/{r['id']}?q=")
    assert all(re.fullmatch(rf"/articles/{r['id']}/p{p['n']}-[0-9a-f]{{16}}", p["url"]) for p in r["paragraphs"])
    assert {v["value"]: v["count"] for v in data["facets"]["outlet"]} == {"Kontan": 2, "Kompas": 1, "Tempo": 1}
    assert [v["value"] for v in data["facets"]["outlet"] if v["selected"]] == ["Kontan"]


def test_stats(capsys, index_dir):
    code, out, _ = cli(capsys, "stats", "--index", str(index_dir))
    assert code == 0
    rows = dict(line.split(None, 1) for line in out.splitlines())
    assert rows["articles"] == "5" and rows["outlets"] == "3" and rows["first_date"] == "5 June 2024"
    code, out, _ = cli(capsys, "stats", "--json", "--index", str(index_dir))
    manifest = store.read_manifest(store.current_generation(index_dir))
    assert json.loads(out)["schema_version"] == manifest["schema_version"]


def test_index_from_the_environment(capsys, index_dir, monkeypatch):
    monkeypatch.setenv("KLIPING_INDEX", str(index_dir))
    code, out, _ = cli(capsys, "query", "minyak")
    assert code == 0 and out.startswith("1 article")


def test_stem_prints_word_tab_root(capsys):
    code, out, _ = cli(capsys, "stem", "kunjungan", "Mengunjungi", "PBB")
    assert code == 0
    assert out.splitlines() == [f"kunjungan\t{stemmer.stem('kunjungan')}",
                                f"Mengunjungi\t{stemmer.stem('mengunjungi')}", "PBB\tpbb"]


def test_stem_reads_words_from_stdin():
    p = subprocess.run([sys.executable, "-m", "search", "stem"], cwd=REPO, input="berkunjung sanksi\nperdagangan\n",
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0
    assert [line.split("\t") for line in p.stdout.splitlines()] == [
        [w, stemmer.stem(w)] for w in ("berkunjung", "sanksi", "perdagangan")]


def test_analyze_prints_the_terms(capsys):
    text = "Sanksi-sanksi yang dijatuhkan PBB senilai 7.000 dolar"
    code, out, _ = cli(capsys, "analyze", text)
    assert code == 0 and out.split() == analyze(text)
    assert "yang" not in out.split() and "7.000" in out.split()


def test_missing_index_is_a_one_line_error(tmp_path):
    p = run("query", "sanksi", "--index", str(tmp_path / "none"))
    assert_one_line_error(p.returncode, p.stderr, "No index", "python -m search build")
    assert p.stdout == ""


def test_stats_on_missing_index(capsys, tmp_path):
    code, _, err = cli(capsys, "stats", "--index", str(tmp_path / "none"))
    assert_one_line_error(code, err, "No index")


@pytest.mark.parametrize("args, needle", [
    (["--from", "kemarin"], "'from'"),
    (["--from", "2024-07", "--to", "2024-06"], "'from'"),
    (["--per-page", "500"], "'per_page'"),
    (["--page", "0"], "'page'"),
])
def test_bad_arguments_are_one_line_errors(capsys, index_dir, args, needle):
    code, out, err = cli(capsys, "query", "sanksi", *args, "--index", str(index_dir))
    assert_one_line_error(code, err, needle)
    assert out == ""


def test_bad_from_through_python_m_search(index_dir):
    p = run("query", "sanksi", "--from", "2024-13-01", "--index", str(index_dir))
    assert_one_line_error(p.returncode, p.stderr, "'from'")


def test_old_schema_is_a_one_line_error_saying_rebuild(capsys, index_dir):
    gen = store.current_generation(index_dir)
    store.write_manifest(gen, {**store.read_manifest(gen), "schema_version": "0"})
    code, _, err = cli(capsys, "query", "sanksi", "--index", str(index_dir))
    assert_one_line_error(code, err, "Rebuild", "python -m search build")


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
    assert run("build", str(REPO / "seeds"), "--index", str(ix)).returncode == 0
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
