"""The licences a build records for its sources: stated in a file beside or inside a source,
shortened to a Creative Commons code, and unknown (None) when no file states one."""
from __future__ import annotations

import json

import pytest

from conftest import INDOSUM, SEEDS
from search import ingest
from search.engine.whoosh import store
from search.engine.whoosh.build import build
from search.indexing.licences import licence_of, licences


def test_a_licence_line_beside_a_file_is_read(tmp_path):
    (tmp_path / "ATTRIBUTION.md").write_text("# Berita contoh\n\n**Licence:** Creative Commons Attribution 4.0 "
                                             "International (CC BY 4.0). Keep this notice.\n")
    (tmp_path / "a.jsonl").write_text("")
    assert licence_of(tmp_path / "a.jsonl") == {"source": "a.jsonl", "title": "Berita contoh",
                                                "licence": "CC BY 4.0", "file": "ATTRIBUTION.md"}


def test_a_licence_that_is_not_creative_commons_is_kept_as_stated(tmp_path):
    (tmp_path / "LICENSE.txt").write_text("License: used with permission of the publisher. Not for resale.\n")
    assert licence_of(tmp_path)["licence"] == "used with permission of the publisher"


def test_no_licence_file_means_unknown(tmp_path):
    (tmp_path / "README.md").write_text("# Notes\nLicence: CC BY 4.0\n")  # a README is not a licence file
    assert licence_of(tmp_path) == {"source": tmp_path.name, "title": None, "licence": None, "file": None}
    assert licences([SEEDS])[0]["licence"] is None


@pytest.mark.skipif(not INDOSUM.exists(), reason="the shared IndoSum corpus is not here")
def test_indosum_is_cc_by_sa():
    assert licence_of(INDOSUM)["licence"] == "CC BY-SA 4.0"


def test_a_build_records_its_sources_licences(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "LICENCE").write_text("Licence: CC BY-SA 4.0\n")
    (src / "a.txt").write_text("Jakarta - Paragraf pertama yang cukup panjang untuk diindeks.\n\nParagraf kedua.\n")
    build(ingest.load([src]), tmp_path / "index", sources=[str(src)])
    manifest = json.loads((store.current_generation(tmp_path / "index") / store.MANIFEST).read_text())
    assert manifest["licences"] == [{"source": "src", "title": None, "licence": "CC BY-SA 4.0", "file": "LICENCE"}]
