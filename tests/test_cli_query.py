"""The commands that read (search.cli_query): query (text and --json, filters, its bad arguments and
an index too old to read), stats, stem and analyze, and the archive named by the environment."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from test_cli import assert_one_line_error, cli, run

from conftest import ROOT as REPO
from search.engine import open_engine
from search.engine.whoosh import store
from search.text import stemmer
from search.text.analysis import analyze


@pytest.fixture
def index_dir(make_location, articles) -> str:
    """The test corpus, in an archive of each engine (a directory, or a PostgreSQL DSN)."""
    root = make_location()
    engine = open_engine(root)
    engine.build(articles)
    engine.close()
    return root


def test_query_prints_results_with_paragraphs(capsys, index_dir):
    code, out, err = cli(capsys, "query", "sanksi PBB", "--engine", index_dir)
    assert code == 0 and err == ""
    assert out.splitlines()[0].startswith(f"3 articles for {stemmer.stem('sanksi')} AND (pbb OR ")
    assert "Kontan · 18 June 2024" in out and "¶3:" in out and "[sanksi PBB]" in out


def test_query_filters_and_sort(capsys, index_dir):
    code, out, _ = cli(capsys, "query", "--outlet", "Kompas", "--sort", "oldest", "--engine", index_dir)
    assert code == 0
    titled = [line for line in out.splitlines() if line[:3] in ("1. ", "2. ")]
    assert titled[0].endswith("a2") and titled[1].endswith("a4")


def test_query_json_has_the_api_shape(capsys, index_dir):
    code, out, _ = cli(capsys, "query", "sanksi", "--json", "--outlet", "Kontan", "--per-page", "1",
                       "--engine", index_dir)
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
    code, out, _ = cli(capsys, "stats", "--engine", index_dir)
    assert code == 0
    rows = dict(line.split(None, 1) for line in out.splitlines())
    assert rows["articles"] == "5" and rows["outlets"] == "3" and rows["first_date"] == "5 June 2024"
    code, out, _ = cli(capsys, "stats", "--json", "--engine", index_dir)
    assert json.loads(out)["schema_version"] == open_engine(index_dir).reader().meta["schema_version"] \
        if index_dir.startswith("postgresql://") else \
        store.read_manifest(store.current_generation(Path(index_dir)))["schema_version"]


def test_index_from_the_environment(capsys, index_dir, monkeypatch):
    monkeypatch.setenv("KLIPING_ENGINE" if index_dir.startswith("postgresql://") else "KLIPING_INDEX", index_dir)
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


@pytest.mark.parametrize("args, needle", [
    (["--from", "kemarin"], "'from'"),
    (["--from", "2024-07", "--to", "2024-06"], "'from'"),
    (["--per-page", "500"], "'per_page'"),
    (["--page", "0"], "'page'"),
])
def test_bad_arguments_are_one_line_errors(capsys, index_dir, args, needle):
    code, out, err = cli(capsys, "query", "sanksi", *args, "--engine", index_dir)
    assert_one_line_error(code, err, needle)
    assert out == ""


def test_bad_from_through_python_m_search(index_dir):
    p = run("query", "sanksi", "--from", "2024-13-01", "--engine", index_dir)
    assert_one_line_error(p.returncode, p.stderr, "'from'")


def test_old_schema_is_a_one_line_error_saying_rebuild(capsys, index_dir):
    if index_dir.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(index_dir, autocommit=True) as c:
            c.execute("UPDATE kliping_meta SET value = jsonb_set(value, '{schema_version}', '\"0\"')")
    else:
        gen = store.current_generation(Path(index_dir))
        store.write_manifest(gen, {**store.read_manifest(gen), "schema_version": "0"})
    code, _, err = cli(capsys, "query", "sanksi", "--engine", index_dir)
    assert_one_line_error(code, err, "Rebuild", "python -m search build")
