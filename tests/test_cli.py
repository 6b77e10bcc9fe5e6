"""The command line as a whole (search.cli): `python -m search` runs a command, and a domain error
is one line on stderr, never a traceback. The commands have their own tests (test_cli_ingest.py,
test_cli_query.py); the command line's language, test_cli_lang.py."""
from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT as REPO
from search.cli import main
from search.engine.whoosh import store

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


def test_missing_index_is_a_one_line_error(tmp_path):
    p = run("query", "sanksi", "--index", str(tmp_path / "none"))
    assert_one_line_error(p.returncode, p.stderr, "No index", "python -m search build")
    assert p.stdout == ""


def test_stats_on_missing_index(capsys, tmp_path):
    code, _, err = cli(capsys, "stats", "--index", str(tmp_path / "none"))
    assert_one_line_error(code, err, "No index")
