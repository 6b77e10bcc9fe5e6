"""The public ingest API on real files: seeds, sidecars, Markdown, JSONL, and bad input."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import INDOSUM, SEEDS, SHARED
from search.errors import BadRequest
from search.ingest import SUPPORTED, iter_sources, load, load_file
from search.ingest.document import file_id
from search.models import Article, Skipped

SHARED_SEEDS = SHARED / "seeds"
INDOSUM_MAP = {"outlet": "source", "url": "source_url", "date": "date_from_id_timestamp",
               "tags": "category"}


def articles(items) -> dict[str, Article]:
    items = list(items)
    return {a.id: a for a in items if isinstance(a, Article)}


def skipped(items) -> dict[str, str]:
    return {Path(s.origin).name: s.reason for s in items if isinstance(s, Skipped)}


def seed_path(prefix: str) -> Path:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path


def copy_seed(prefix: str, dest: Path, sidecar: str | None = None) -> Path:
    target = dest / seed_path(prefix).name
    shutil.copyfile(seed_path(prefix), target)
    if sidecar is not None:
        target.with_name(target.stem + ".meta.yaml").write_text(sidecar, encoding="utf-8")
    return target


# ---------------------------------------------------------------- seeds

def test_seeds_are_byte_for_byte_copies():
    if not SHARED_SEEDS.is_dir():
        pytest.skip("shared seeds are not on this machine")
    for original in SHARED_SEEDS.glob("*.txt"):
        assert (SEEDS / original.name).read_bytes() == original.read_bytes()


def test_seed_ids_are_file_stems_and_stable():
    first, second = list(load([SEEDS])), list(load([str(SEEDS)]))
    assert all(isinstance(a, Article) for a in first)
    assert [a.id for a in first] == sorted(p.stem for p in SEEDS.glob("*.txt"))
    assert [(a.id, a.paragraphs, a.content_hash) for a in first] == \
           [(a.id, a.paragraphs, a.content_hash) for a in second]


def test_shipped_seed_002():
    a = articles(load([seed_path("002")]))["002_a7e7424a1120ba56"]
    assert (a.outlet, a.source, a.editors, a.date, a.dateline) == (
        "Kontan", "Reuters", ["Herlina Kartika Dewi"], "2024-06-18", "Seoul")
    assert a.title is None and a.url is None
    assert a.tags == ["Rusia", "Korea Utara", "Vladimir Putin", "sanksi"]
    assert a.basis == {"outlet": "stated", "source": "stated", "editors": "stated",
                       "date": "stated", "dateline": "stated", "tags": "curated"}
    assert a.origin == str(seed_path("002"))
    assert {r.kind for r in a.removed} == {"source-editor", "baca-juga", "dateline"}


def test_seed_002_from_extraction_alone(tmp_path):
    copy_seed("002", tmp_path, "reference_date: 2024-06-19\ntags: [Rusia]\n")
    a = articles(load([tmp_path]))["002_a7e7424a1120ba56"]
    assert (a.outlet, a.source, a.editors, a.date, a.dateline) == (
        "Kontan", "Reuters", ["Herlina Kartika Dewi"], "2024-06-18", "Seoul")
    assert all(a.basis[f] == "stated" for f in ("outlet", "source", "editors", "date", "dateline"))
    assert a.basis["tags"] == "curated"
    assert a.notes["outlet"] == "KONTAN.CO.ID - SEOUL."


def test_without_any_sidecar_a_yearless_date_stays_unknown(tmp_path):
    copy_seed("002", tmp_path)
    a = articles(load([tmp_path]))["002_a7e7424a1120ba56"]
    assert a.date is None and "reference_date" in a.notes["date"]
    assert a.outlet == "Kontan"


def test_seed_000_date_from_text_and_reference_date(tmp_path):
    copy_seed("000", tmp_path, "reference_date: 2024-06-19\n")
    a = articles(load([tmp_path]))["000_faf80de4edf6396f"]
    assert (a.date, a.basis["date"]) == ("2024-06-17", "stated")
    assert a.editors == ["lt"] and a.outlet is None and a.title is None  # [jm/lt]: writer, editor
    assert any("hubungan antara kedua negara" in p for p in a.paragraphs)


def test_seed_001_contradictory_date_is_left_unknown_with_a_note(tmp_path):
    copy_seed("001", tmp_path)
    a = articles(load([tmp_path]))["001_8d21a0af7c968f8f"]
    assert a.date is None and a.basis_of("date") == "unknown"
    assert "Sunday" in a.notes["date"]
    assert (a.title, a.basis["title"]) == (
        "Kedatangan Putin dan Kim Jong Un di Korea Utara Besok Menguatkan Hubungan Mereka", "stated")


def test_explicit_unknown_blocks_extraction_and_values_override(tmp_path):
    copy_seed("002", tmp_path, "outlet: {value: null, basis: unknown, note: checking}\n"
                               "source: {value: AFP, basis: curated}\n")
    a = articles(load([tmp_path]))["002_a7e7424a1120ba56"]
    assert a.outlet is None and a.notes["outlet"] == "checking"
    assert (a.source, a.basis["source"]) == ("AFP", "curated")
    assert a.dateline == "Seoul"  # absent from the sidecar: extraction decides


# ---------------------------------------------------------------- sources and ids

def test_iter_sources(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    for name in ("b/z.txt", "b/a.md", "a.jsonl", "c.TXT", "c.meta.yaml", "notes.pdf",
                 ".hidden/x.txt", ".dot.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = [p.relative_to(tmp_path).as_posix() for p in iter_sources([tmp_path])]
    assert found == ["a.jsonl", "b/a.md", "b/z.txt", "c.TXT"]
    assert SUPPORTED == (".txt", ".md", ".jsonl", ".csv", ".html", ".htm")
    assert list(iter_sources(tmp_path / "b")) == [tmp_path / "b" / "a.md", tmp_path / "b" / "z.txt"]


def test_explicit_paths_that_cannot_be_read(tmp_path):
    (tmp_path / "notes.pdf").write_text("x", encoding="utf-8")
    (tmp_path / "a.meta.yaml").write_text("x", encoding="utf-8")
    items = list(load([tmp_path / "nope.txt", tmp_path / "notes.pdf", tmp_path / "a.meta.yaml"]))
    assert skipped(items) == {"nope.txt": "no such file or directory",
                              "notes.pdf": "unsupported file type '.pdf': Kliping reads "
                                           ".txt, .md, .jsonl, .csv, .html, .htm files"}


@pytest.mark.parametrize("stem, expected", [
    ("002_a7e7424a1120ba56", "002_a7e7424a1120ba56"),
    ("berita.v2-final", "berita.v2-final"),
    ("Berita Hari Ini!", "berita-hari-ini-9ce7e2fb"),
    ("_draft", "draft-" ),
    ("Ékonomi 2024", "ekonomi-2024-"),
    ("日本", "doc-"),
])
def test_file_ids(stem, expected):
    got = file_id(stem)
    assert got.startswith(expected) and got == file_id(stem)
    if expected.endswith("-"):
        assert len(got) == len(expected) + 8


def test_duplicate_ids_later_one_is_skipped(tmp_path):
    for d in ("a", "b"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "same.txt").write_text(f"Teks {d}.\n", encoding="utf-8")
    items = list(load([tmp_path]))
    assert [a.paragraphs for a in items if isinstance(a, Article)] == [["Teks a."]]
    (dup,) = [s for s in items if isinstance(s, Skipped)]
    assert dup.origin == str(tmp_path / "b" / "same.txt")
    assert dup.reason == f"duplicate id same, first seen in {tmp_path / 'a' / 'same.txt'}"


# ---------------------------------------------------------------- Markdown

MD = """---
title: Putin tiba di Pyongyang
date: 2024-06-19
tags: Korea Utara
editors: {value: [Ani], basis: stated, note: byline}
url: https://contoh.co.id/putin
---
# Putin tiba di Pyongyang

KONTAN.CO.ID - SEOUL. Putin **tiba** di Pyongyang, Rabu (19/6) &amp; disambut Kim.

<script>alert('xss')</script>
<p onclick="steal()">Klik <a href="javascript:alert(1)">di sini</a> <b>sekarang</b>.</p>

* butir satu
* butir dua

> kutipan panjang

Baca juga: Tautan lain
"""


def test_markdown_with_front_matter(tmp_path):
    (tmp_path / "kabar.md").write_text(MD, encoding="utf-8")
    a = articles(load([tmp_path]))["kabar"]
    assert a.paragraphs == ["Putin tiba di Pyongyang, Rabu (19/6) & disambut Kim.",
                            "Klik di sini sekarang.", "butir satu", "butir dua", "kutipan panjang"]
    assert (a.title, a.date, a.tags, a.url) == (
        "Putin tiba di Pyongyang", "2024-06-19", ["Korea Utara"], "https://contoh.co.id/putin")
    assert a.basis["title"] == a.basis["date"] == a.basis["tags"] == "curated"
    assert (a.editors, a.basis["editors"], a.notes["editors"]) == (["Ani"], "stated", "byline")
    assert (a.outlet, a.basis["outlet"]) == ("Kontan", "stated")  # extraction fills the gap
    text = " ".join(a.paragraphs)
    for bad in ("<", ">", "script", "alert", "onclick", "steal", "javascript"):
        assert bad not in text
    assert {r.kind for r in a.removed} == {"baca-juga", "dateline"}


def test_markdown_heading_is_the_title_and_front_matter_id_wins(tmp_path):
    (tmp_path / "Nama Berkas.md").write_text(
        "---\nid: putin-2024\n---\n# Judul Dari Heading\n\nIsi pertama.\n\n## Sub\n\nIsi kedua.\n",
        encoding="utf-8")
    (tmp_path / "tanpa.md").write_text("---\nid: bukan aman!\n---\nIsi saja.\n", encoding="utf-8")
    found = articles(load([tmp_path]))
    a = found["putin-2024"]
    assert (a.title, a.basis["title"]) == ("Judul Dari Heading", "stated")
    assert a.paragraphs == ["Isi pertama.", "Sub", "Isi kedua."]
    assert "tanpa" in found  # an id that is not URL-safe is ignored


# ---------------------------------------------------------------- JSONL

def test_jsonl_with_paragraphs_and_with_body(tmp_path):
    records = [
        {"id": "satu", "title": "Judul", "outlet": "Tempo", "date": "2024-06-18",
         "editors": ["Ani"], "source": "AP", "tags": ["a", "b"],
         "paragraphs": ["Paragraf satu tanpa titik", "lanjutan kalimat.", "Baca juga: X"]},
        {"title": "Dua", "body": "Sumber: Reuters | Editor: Budi\n\nIsi pertama.\n\nIsi kedua."},
        {"url": "https://contoh.co.id/tiga", "paragraphs": ["Tiga."]},
    ]
    path = tmp_path / "dump.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records[:2]) + "\n\n" + json.dumps(records[2]) + "\n",
                    encoding="utf-8")
    items = list(load_file(path))
    one, two, three = items
    assert (one.id, one.origin, one.paragraphs) == (
        "satu", f"{path}:1", ["Paragraf satu tanpa titik lanjutan kalimat."])
    assert (one.title, one.outlet, one.date, one.editors, one.source, one.tags) == (
        "Judul", "Tempo", "2024-06-18", ["Ani"], "AP", ["a", "b"])
    assert set(one.basis.values()) == {"source"}  # read from the record: no person decided it
    assert two.paragraphs == ["Isi pertama.", "Isi kedua."] and two.title == "Dua"
    assert (two.source, two.editors, two.basis["source"], two.basis["title"]) == (
        "Reuters", ["Budi"], "stated", "source")
    assert two.id.startswith("a-") and len(two.id) == 18
    assert three.origin == f"{path}:4" and three.id.startswith("a-")
    assert [a.id for a in load_file(path)] == [one.id, two.id, three.id]  # stable


def test_jsonl_indosum_with_field_map(tmp_path):
    if not INDOSUM.is_file():
        pytest.skip("IndoSum corpus is not on this machine")
    with INDOSUM.open(encoding="utf-8") as f:
        lines = [next(f) for _ in range(5)]
    path = tmp_path / "indosum.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    got = list(load([path], field_map=INDOSUM_MAP))
    assert all(isinstance(a, Article) for a in got) and len(got) == 5
    for line, a in zip(lines, got):
        rec = json.loads(line)
        assert a.id == rec["id"]
        assert (a.url, a.tags) == (rec["source_url"], [rec["category"]])
        assert a.outlet == DISPLAY[rec["source"]]  # lowercase dump names get display names
        assert a.date == rec["date_from_id_timestamp"][:10]
        # IndoSum's "source" is the outlet, not a wire service: a source comes only from the text
        assert a.source is None or a.basis["source"] == "stated"
        assert a.basis["outlet"] == a.basis["date"] == "source"
        assert not any(p.lower().startswith("baca juga") for p in a.paragraphs)
    first = got[0]
    assert first.id == "1490674536-mustahil-transportasi-tradisional-dan-online-bersa"
    assert [r.kind for r in first.removed] == ["baca-juga", "baca-juga"]


DISPLAY = {"cnn indonesia": "CNN Indonesia", "kumparan": "kumparan", "suara": "Suara",
           "antaranews": "ANTARA", "merdeka": "Merdeka", "dailysocial.id": "DailySocial",
           "juara.net": "Juara.net", "rimanews": "Rimanews", "goal indonesia": "Goal Indonesia",
           "poskotanews": "Pos Kota"}


def test_field_map_must_name_kliping_fields():
    with pytest.raises(BadRequest, match="unknown Kliping field 'headline'"):
        load([], field_map={"headline": "title"})


def test_bad_jsonl_lines_are_skipped_with_line_numbers(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b'{"id": "ok", "paragraphs": ["Baik."]}\n'
                     b'{bad json\n'
                     b'\n'
                     b'{"id": "kosong", "title": "Tanpa isi"}\n'
                     b'[1, 2]\n'
                     b'{"id": "tanggal", "paragraphs": ["Isi."], "date": "kemarin"}\n'
                     b'{"id": "latin", "paragraphs": ["caf\xe9"]}\n'
                     b'{"id": "angka", "paragraphs": [1, 2]}\n'
                     b'{"id": "ok", "paragraphs": ["Lagi."]}\n')
    items = list(load([path]))
    assert [a.id for a in items if isinstance(a, Article)] == ["ok"]
    reasons = {s.origin.rsplit(":", 1)[1]: s.reason for s in items if isinstance(s, Skipped)}
    assert reasons["2"].startswith("line 2: not valid JSON (")
    assert reasons["4"] == "line 4: missing 'paragraphs' or 'body'"
    assert reasons["5"] == "line 5: not a JSON object but list"
    assert reasons["6"] == "line 6: date 'kemarin' is not a date: use YYYY-MM-DD"
    assert reasons["7"].startswith("line 7: not UTF-8 at byte ")
    assert reasons["8"] == "line 8: 'paragraphs' must be a list of strings"
    assert reasons["9"] == f"duplicate id ok, first seen in {path}:1"


def test_jsonl_is_read_line_by_line_and_a_late_binary_line_skips_only_itself(tmp_path):
    """A dump is streamed, not read whole: the first record arrives before the file is read
    to its end (the reader sees a line appended after it started), and a NUL byte past the
    first 64 KB costs its own line, not the file."""
    path = tmp_path / "big.jsonl"
    filler = b"".join(b'{"id": "f%d", "paragraphs": ["Isi berita nomor %d."]}\n' % (i, i) for i in range(2000))
    path.write_bytes(filler + b'{"id": "nul", "paragraphs": ["a\x00b"]}\n')
    items = load([path])
    first = next(items)
    assert isinstance(first, Article) and first.id == "f0"
    with path.open("ab") as f:  # appended while reading: a whole-file read would miss it
        f.write(b'{"id": "late", "paragraphs": ["Ditambah kemudian."]}\n')
    rest = list(items)
    assert [a.id for a in rest if isinstance(a, Article)][-1] == "late"
    assert len(filler) > 1 << 16
    assert {s.reason for s in rest if isinstance(s, Skipped)} == {"line 2001: binary data (NUL bytes)"}


def test_jsonl_that_starts_binary_is_one_skipped_file(tmp_path):
    path = tmp_path / "bin.jsonl"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\n{}\n")
    assert [(type(i).__name__, i.reason) for i in load([path])] == [("Skipped", "binary file (NUL bytes)")]


# ---------------------------------------------------------------- bad input never stops a build

def test_bad_inputs_are_skipped_and_the_rest_still_loads(tmp_path):
    copy_seed("002", tmp_path)
    copy_seed("004", tmp_path)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"  \n\n")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (tmp_path / "latin1.txt").write_bytes("Berita tentang café.\n".encode("latin-1"))
    (tmp_path / "utf16.txt").write_bytes("Berita.\n".encode("utf-16"))
    (tmp_path / "open.md").write_text("---\ntitle: x\nIsi tanpa penutup.\n", encoding="utf-8")
    (tmp_path / "notyaml.md").write_text("---\ntitle: [x\n---\nIsi.\n", encoding="utf-8")
    (tmp_path / "list.md").write_text("---\n- a\n---\nIsi.\n", encoding="utf-8")
    (tmp_path / "dated.md").write_text("---\ndate: kemarin\n---\nIsi.\n", encoding="utf-8")
    (tmp_path / "only-boilerplate.txt").write_text("Baca juga: X\nby -3 Views\n", encoding="utf-8")
    (tmp_path / "badmeta.txt").write_text("Isi.\n", encoding="utf-8")
    (tmp_path / "badmeta.meta.yaml").write_text("date: {value: 2024-06-18, basis: guessed}\n",
                                                encoding="utf-8")
    (tmp_path / "empty.jsonl").write_text("\n\n", encoding="utf-8")

    items = list(load([tmp_path]))
    assert sorted(articles(items)) == ["002_a7e7424a1120ba56", "004_2071e3baa605258b"]
    reasons = skipped(items)
    assert reasons == {
        "empty.txt": "empty file",
        "blank.txt": "empty file",
        "binary.txt": "binary file (NUL bytes)",
        "latin1.txt": "not UTF-8 at byte 18: save it as UTF-8",  # 0-based offset of "é"
        "utf16.txt": "UTF-16 text: save it as UTF-8",
        "open.md": "front matter is not closed: add a '---' line after it",
        "notyaml.md": reasons["notyaml.md"],
        "list.md": "front matter is not a YAML mapping: write 'key: value' lines",
        "dated.md": "date 'kemarin' is not a date: use YYYY-MM-DD",
        "only-boilerplate.txt": "no article text left after cleaning (only boilerplate or metadata)",
        "badmeta.txt": "metadata file badmeta.meta.yaml: field 'date': unknown basis 'guessed' "
                       "(use stated, inferred, source, curated, unknown)",
        "empty.jsonl": "empty file",
    }
    assert reasons["notyaml.md"].startswith("front matter is not valid YAML: line 2")
