"""The command line speaks English, and Indonesian when LANG (or LANGUAGE, LC_ALL, LC_MESSAGES)
asks for it: its messages, errors, help, dates and numbers (search.present.words.cli)."""
from __future__ import annotations

import json

import pytest

from search.cli import main
from search.engine.whoosh.build import build
from search.models import Article
from search.present import i18n


@pytest.fixture
def index_dir(tmp_path):
    build([Article(id="k1", title="Sanksi PBB diperluas", outlet="Kontan", date="2024-06-18",
                   paragraphs=["Dewan Keamanan PBB memperluas sanksi terhadap Rusia."])], tmp_path / "ix")
    return tmp_path / "ix"


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("env", "lang"), [
    ({"LANG": "id_ID.UTF-8"}, "id"), ({"LANG": "C.UTF-8"}, "en"), ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANGUAGE": "id:en", "LANG": "en_US.UTF-8"}, "id"), ({"LC_ALL": "en_GB.UTF-8", "LANG": "id_ID"}, "en"),
    ({"LC_MESSAGES": "in_ID"}, "id"), ({}, "en"),
])
def test_the_language_comes_from_the_environment(env, lang):
    assert i18n.env_lang(env) == lang


def test_query_and_errors_in_indonesian(capsys, index_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("LANG", "id_ID.UTF-8")
    code, out, _ = cli(capsys, "query", "sanksi", "--index", str(index_dir))
    assert code == 0 and out.startswith("1 artikel untuk ") and "Kontan · 18 Juni 2024" in out
    code, _, err = cli(capsys, "query", "x", "--index", str(tmp_path / "nothing"))
    assert code != 0 and err.startswith("galat: Belum ada indeks di ") and "python -m search build" in err
    code, _, err = cli(capsys, "build", str(tmp_path), "--map", "outlet", "--index", str(tmp_path / "i2"))
    assert code == 2 and err.strip() == "galat: --map menerima pasangan KOLOM=KOLOM_SUMBER, mis. outlet=source; " \
                                        "tertulis 'outlet'."


def test_build_and_add_report_in_indonesian(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("LANG", "id_ID.UTF-8")
    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps({"id": "a", "paragraphs": ["Sanksi PBB berlaku.", "Paragraf kedua."]}) + "\n")
    code, out, _ = cli(capsys, "build", str(src), "--index", str(tmp_path / "ix"))
    assert code == 0 and out.startswith("1 artikel diindeks, 0 potongan boilerplate dibuang, dalam ")
    assert " dtk -> " in out
    code, out, _ = cli(capsys, "add", str(src), "--index", str(tmp_path / "ix"))
    assert out.startswith("0 ditambahkan, 0 diperbarui, 1 tidak berubah, 0 dilewati dalam ")
    assert out.rstrip().endswith("tidak ada yang berubah, indeks tidak ditulis")


def test_help_in_indonesian(capsys, monkeypatch):
    monkeypatch.setenv("LANG", "id_ID.UTF-8")
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("pemakaian: python -m search build") and "opsi:" in out and "--wait DETIK" in out
    with pytest.raises(SystemExit):
        main(["query", "--sort", "acak"])
    assert "galat: " in capsys.readouterr().err


def test_english_stays_as_it_was(capsys, index_dir):
    code, out, _ = cli(capsys, "query", "sanksi", "--index", str(index_dir))
    assert out.startswith("1 article for ") and "Kontan · 18 June 2024" in out
