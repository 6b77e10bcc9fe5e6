"""Sidecar metadata files and Markdown front matter."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from conftest import SEEDS
from search.errors import IngestError
from search.ingest.metafile import Field, parse_meta, read_sidecar, sidecar_path, split_front_matter
from search.models import BASES, META_FIELDS


def write_sidecar(tmp_path: Path, text: str) -> Path:
    source = tmp_path / "a.txt"
    source.write_text("Teks.\n", encoding="utf-8")
    sidecar_path(source).write_text(text, encoding="utf-8")
    return source


def test_sidecar_path():
    assert sidecar_path(Path("seeds/002_x.txt")) == Path("seeds/002_x.meta.yaml")


def test_no_sidecar_is_none(tmp_path):
    assert read_sidecar(tmp_path / "a.txt") is None


def test_short_and_long_forms(tmp_path):
    meta = read_sidecar(write_sidecar(tmp_path, (
        "reference_date: 2024-06-19\n"
        "outlet: Kontan\n"
        "source: {value: Reuters, basis: stated, note: 'Sumber: Reuters'}\n"
        "title: {value: null, basis: unknown, note: no headline}\n"
        "date: 2017-07-21T09:00:00\n"
        "tags: Rusia\n"
        "editors: [A, B, A]\n"
        "dateline:\n")))
    assert meta.reference_date == date(2024, 6, 19)
    assert meta.fields == {
        "outlet": Field("Kontan", "curated"),
        "source": Field("Reuters", "stated", "Sumber: Reuters"),
        "title": Field(None, "unknown", "no headline"),
        "date": Field("2017-07-21", "curated"),
        "tags": Field(["Rusia"], "curated"),
        "editors": Field(["A", "B"], "curated"),
        "dateline": Field(None, "unknown"),
    }


@pytest.mark.parametrize("text, reason", [
    ("outlet: Kontan\n  bad: indent\n", "metadata file a.meta.yaml is not valid YAML: line 2"),
    ("- a\n- b\n", "is not a YAML mapping"),
    ("outlet: {value: Kontan, basis: guessed}\n", "unknown basis 'guessed'"),
    ("date: kemarin\n", "date 'kemarin' is not a date: use YYYY-MM-DD"),
    ("date: 2024-02-30\n", "date '2024-02-30' is not a real calendar date"),
    ("reference_date: 19/6/2024\n", "reference_date '19/6/2024' is not a date"),
    ("outelt: Kontan\n", "unknown key 'outelt'"),
    ("outlet: {value: Kontan, basis: unknown}\n", "has a value but basis 'unknown'"),
    ("outlet: {value: null, basis: stated}\n", "has no value but basis 'stated'"),
    ("outlet: {valeu: Kontan}\n", "unknown key 'valeu'"),
    ("title: {value: [a, b], basis: curated}\n", "must be text"),
])
def test_bad_sidecars_say_why(tmp_path, text, reason):
    with pytest.raises(IngestError) as err:
        read_sidecar(write_sidecar(tmp_path, text))
    assert reason in err.value.message
    assert "a.meta.yaml" in err.value.message


def test_sidecar_not_utf8(tmp_path):
    source = write_sidecar(tmp_path, "")
    sidecar_path(source).write_bytes(b"outlet: caf\xe9\n")
    with pytest.raises(IngestError, match="not UTF-8 at byte 11"):
        read_sidecar(source)


def test_front_matter_split():
    meta, body = split_front_matter("---\ntitle: Judul\ndate: 2024-06-18\n---\n# H\n\nTeks.\n")
    assert meta == {"title": "Judul", "date": "2024-06-18"}  # dates stay text
    assert body == "# H\n\nTeks.\n"
    assert split_front_matter("Tanpa front matter.\n---\n") == (None, "Tanpa front matter.\n---\n")
    assert split_front_matter("---\n---\nTeks") == ({}, "Teks")


@pytest.mark.parametrize("text, reason", [
    ("---\ntitle: x\n", "front matter is not closed"),
    ("---\ntitle: x\n  bad: indent\n---\n", "front matter is not valid YAML: line 3"),
    ("---\n- a\n---\n", "front matter is not a YAML mapping"),
])
def test_broken_front_matter(text, reason):
    with pytest.raises(IngestError) as err:
        split_front_matter(text)
    assert reason in err.value.message


def test_front_matter_bases_and_unknown_keys():
    meta = parse_meta({"title": "Judul", "date": "2024-06-18", "layout": "post",
                       "basis": {"date": "stated"}, "notes": {"date": "Selasa (18/6)"}},
                      strict=False)
    assert meta.fields["title"] == Field("Judul", "curated")
    assert meta.fields["date"] == Field("2024-06-18", "stated", "Selasa (18/6)")
    with pytest.raises(IngestError, match="unknown key 'layout'"):
        parse_meta({"layout": "post"}, strict=True)
    with pytest.raises(IngestError, match="unknown basis 'maybe'"):
        parse_meta({"basis": {"date": "maybe"}}, strict=False)


# The shipped seed sidecars: truthful, complete, valid.

def seed_sidecar(prefix: str):
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return read_sidecar(path)


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_every_seed_has_a_valid_complete_sidecar(prefix):
    meta = seed_sidecar(prefix)
    assert meta is not None
    assert set(meta.fields) == set(META_FIELDS)
    assert meta.reference_date == date(2024, 6, 19)
    assert all(f.basis in BASES for f in meta.fields.values())
    assert meta.fields["tags"].basis == "curated" and meta.fields["tags"].value
    assert meta.fields["url"] == Field(None, "unknown")


def test_seed_sidecars_never_invent_outlets_or_dates():
    outlets = {p: seed_sidecar(p).fields["outlet"] for p in ("000", "001", "002", "003", "004")}
    assert {p: f.value for p, f in outlets.items()} == {
        "000": None, "001": None, "002": "Kontan", "003": None, "004": None}
    assert "VOA Indonesia" in outlets["000"].note and "inference" in outlets["000"].note
    dates = {p: seed_sidecar(p).fields["date"] for p in ("000", "001", "002", "003", "004")}
    assert {p: (f.value, f.basis) for p, f in dates.items()} == {
        "000": ("2024-06-17", "stated"), "001": (None, "unknown"), "002": ("2024-06-18", "stated"),
        "003": (None, "unknown"), "004": (None, "unknown")}
    assert "Sunday" in dates["001"].note
    assert "on or after" in dates["003"].note and "on or before" in dates["004"].note
    assert seed_sidecar("003").fields["source"] == Field(
        "Financial Times", "inferred", seed_sidecar("003").fields["source"].note)


def test_seed_002_sidecar_matches_the_documented_example():
    raw = yaml.safe_load((SEEDS / "002_a7e7424a1120ba56.meta.yaml").read_text(encoding="utf-8"))
    assert raw["outlet"] == {"value": "Kontan", "basis": "stated", "note": "KONTAN.CO.ID - SEOUL."}
    assert raw["editors"]["value"] == ["Herlina Kartika Dewi"]
    assert raw["tags"] == {"value": ["Rusia", "Korea Utara", "Vladimir Putin", "sanksi"],
                           "basis": "curated"}
