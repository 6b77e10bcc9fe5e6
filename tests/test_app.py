"""The web app through Flask's test client, over a real index built from seeds/."""
from __future__ import annotations

import html
import json
import re

import pytest

from app import create_app
from conftest import SEEDS
from search import ingest
from search.engine.whoosh import store
from search.engine.whoosh.build import build
from search.models import Article
from search.text.analysis import analyze

SEED_ID = "002_a7e7424a1120ba56"


@pytest.fixture(scope="module")
def seed_articles() -> dict[str, Article]:
    return {a.id: a for a in ingest.load([SEEDS]) if isinstance(a, Article)}


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory, seed_articles):
    root = tmp_path_factory.mktemp("index")
    build(ingest.load([SEEDS]), root)
    return root


@pytest.fixture(scope="module")
def client(index_dir):
    return create_app({"INDEX_DIR": str(index_dir), "TESTING": True}).test_client()


def text_of(snippet_html: str) -> str:
    plain = html.unescape(re.sub(r"</?mark>", "", snippet_html))
    return plain.replace("… ", "").replace(" …", "").strip()


def has_terms(article: Article, *words: str) -> bool:
    terms = set(analyze(" ".join([article.title or ""] + article.paragraphs)))
    return all(analyze(w)[0] in terms for w in words)


def test_sanksi_pbb_finds_every_article_with_both_words_and_highlights(client, seed_articles):
    data = client.get("/api/search?q=sanksi+PBB").get_json()
    expected = {a.id for a in seed_articles.values() if has_terms(a, "sanksi", "PBB")}
    assert expected and {r["id"] for r in data["results"]} == expected
    assert data["total"] == len(expected)
    for r in data["results"]:
        assert r["paragraphs"], r["id"]
        assert any("<mark>" in p["html"] for p in r["paragraphs"])
    page = client.get("/?q=sanksi+PBB").get_data(as_text=True)
    assert "<mark>sanksi PBB</mark>" in page


def test_phrase_returns_only_articles_containing_the_phrase(client, seed_articles):
    data = client.get('/api/search?q="sanksi+PBB"').get_json()
    with_phrase = {a.id for a in seed_articles.values()
                   if any(re.search(r"\bsanksi PBB\b", p, re.I) for p in a.paragraphs)}
    assert {r["id"] for r in data["results"]} == with_phrase
    with_words = {a.id for a in seed_articles.values() if has_terms(a, "sanksi", "PBB")}
    assert with_phrase < with_words  # the phrase is narrower than the words


def test_outlet_filter_keeps_only_that_outlet(client, seed_articles):
    data = client.get("/api/search?q=Korea&outlet=Kontan").get_json()
    assert data["total"] >= 1
    assert all(r["outlet"] == "Kontan" for r in data["results"])
    kontan = [v for v in data["facets"]["outlet"] if v["value"] == "Kontan"]
    assert kontan and kontan[0]["selected"] is True


def test_paragraph_permalink_opens_the_paragraph_in_the_snippet(client):
    data = client.get("/api/search?q=sanksi+PBB").get_json()
    checked = 0
    for r in data["results"]:
        for p in r["paragraphs"]:
            assert re.fullmatch(r"http://localhost/articles/[^/#?]+/p\d+-[0-9a-f]{16}", p["url"]), p["url"]
            landed = client.get(p["url"])  # the durable permalink lands on the paragraph's anchor
            assert landed.status_code == 302, p["url"]
            m = re.search(r"/articles/([^#?/]+)#p(\d+)$", landed.headers["Location"])
            assert m and m.group(2) == str(p["n"]), landed.headers["Location"]
            article = client.get(f"/api/articles/{m.group(1)}").get_json()
            text = article["paragraphs"][int(m.group(2)) - 1]["text"]
            assert text_of(p["html"]) in text
            page = client.get(f"/articles/{m.group(1)}").get_data(as_text=True)
            assert f'id="p{m.group(2)}"' in page
            checked += 1
    assert checked >= 4


def test_article_page_numbers_paragraphs_and_highlights_stemmed_matches(client, seed_articles):
    aid = "002_a7e7424a1120ba56"
    page = client.get(f"/articles/{aid}?q=kunjungan").get_data(as_text=True)
    n = len(seed_articles[aid].paragraphs)
    for i in range(1, n + 1):
        assert f'id="p{i}"' in page
    assert f'id="p{n + 1}"' not in page
    assert "<mark>mengunjungi</mark>" in page  # kunjungan and mengunjungi share a root
    assert "Kutip" in page


def test_article_api_has_metadata_with_bases(client):
    data = client.get("/api/articles/002_a7e7424a1120ba56").get_json()
    assert (data["outlet"]["value"], data["outlet"]["basis"]) == ("Kontan", "stated")
    assert data["source"]["value"] == "Reuters"
    assert data["editors"]["value"] == ["Herlina Kartika Dewi"]
    assert data["date"]["value"] == "2024-06-18"
    assert data["paragraphs"][0]["n"] == 1 and data["paragraphs"][0]["text"]
    unknown = client.get("/api/articles/001_8d21a0af7c968f8f").get_json()
    assert (unknown["outlet"]["value"], unknown["outlet"]["basis"]) == (None, "unknown")


def test_citation_is_plain_text_with_every_part(client):
    r = client.get("/api/articles/002_a7e7424a1120ba56/paragraphs/3/cite")
    assert r.status_code == 200 and r.mimetype == "text/plain"
    text = r.get_data(as_text=True)
    for part in ("Kontan", "18 Juni 2024", "Paragraf 3", "/articles/002_a7e7424a1120ba56/p3-", "diakses"):
        assert part in text, part
    r = client.get("/api/articles/002_a7e7424a1120ba56/paragraphs/999/cite")
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "not_found"


def test_unknown_article_is_a_404_page_and_a_json_error(client):
    r = client.get("/articles/tidak-ada")
    assert r.status_code == 404 and "tidak-ada" in r.get_data(as_text=True)
    r = client.get("/api/articles/tidak-ada")
    assert r.status_code == 404
    assert r.get_json()["error"]["code"] == "not_found"
    assert client.get("/api/no-such-endpoint").get_json()["error"]["message"]


@pytest.mark.parametrize("q", ['"sanksi PBB', "sanksi AND", "OR", "NOT", "((", ")", "*", "?", "-", "\\",
                               'a"b"c"', "sanksi OR OR PBB", "AND AND", "~~~", "%", "dan yang", "x" * 2000])
def test_malformed_queries_never_fail(client, q):
    r = client.get("/api/search", query_string={"q": q})
    assert r.status_code == 200, r.get_data(as_text=True)
    assert isinstance(r.get_json()["total"], int)
    assert client.get("/", query_string={"q": q}).status_code == 200


@pytest.mark.parametrize("args,param", [({"from": "2024-13-01"}, "from"), ({"to": "kemarin"}, "to"),
                                        ({"page": "0"}, "page"), ({"per_page": "1000"}, "per_page"),
                                        ({"sort": "random"}, "sort"), ({"from": "2024-07", "to": "2024-06"}, "from")])
def test_bad_parameters_are_400_with_a_message(client, args, param):
    r = client.get("/api/search", query_string=args)
    assert r.status_code == 400
    err = r.get_json()["error"]
    assert err["code"] == "bad_request" and param in err["message"]
    page = client.get("/", query_string=args)
    assert page.status_code == 400 and param in page.get_data(as_text=True)


def test_empty_query_browses_newest_first(client, seed_articles):
    data = client.get("/api/search?per_page=100").get_json()
    assert data["total"] == len(seed_articles)
    dates = [r["date"] for r in data["results"]]
    known = [d for d in dates if d]
    assert known == sorted(known, reverse=True)
    assert dates[: len(known)] == known  # unknown dates come last
    assert all(r["paragraphs"] for r in data["results"])  # the lede stands in for a snippet


def test_browsing_with_filters_and_facet_shape(client):
    data = client.get("/api/search?editor=Herlina+Kartika+Dewi").get_json()
    assert [r["id"] for r in data["results"]] == ["002_a7e7424a1120ba56"]
    assert set(data["facets"]) == {"outlet", "date", "editor", "source", "tag"}
    for values in data["facets"].values():
        for v in values:
            assert set(v) == {"value", "count", "selected"} and v["count"] >= 0
    data = client.get("/api/search?from=2024-06-18&to=2024-06-18").get_json()
    assert {r["date"] for r in data["results"]} == {"2024-06-18"}


def test_facet_counts_count_articles_and_chips_remove_filters(client):
    page = client.get("/?q=sanksi&outlet=Kontan").get_data(as_text=True)
    chip = re.search(r'<a class="chip" href="([^"]+)"', page)
    assert chip and "outlet=" not in html.unescape(chip.group(1))
    data = client.get("/api/search?q=sanksi").get_json()
    assert sum(v["count"] for v in data["facets"]["outlet"]) <= data["total"]


def test_interface_is_indonesian_first_with_english(client):
    assert "Cari" in client.get("/").get_data(as_text=True)
    r = client.get("/?lang=en")
    assert "Search" in r.get_data(as_text=True) and "lang=en" in r.headers.get("Set-Cookie", "")


def test_untrusted_text_is_escaped(tmp_path):
    src = tmp_path / "evil.jsonl"
    src.write_text(json.dumps({"id": "evil", "title": "<img src=x onerror=alert(1)>",
                               "paragraphs": ["Sanksi <script>alert('x')</script> PBB berlaku."]}) + "\n")
    build(ingest.load([src]), tmp_path / "ix")
    c = create_app({"INDEX_DIR": str(tmp_path / "ix")}).test_client()
    for url in ("/?q=sanksi", "/articles/evil?q=sanksi", "/"):
        body = c.get(url).get_data(as_text=True)
        assert "<script>alert" not in body and "<img src=x" not in body, url
        assert "&lt;script&gt;" in body or "&lt;img" in body


def test_missing_and_stale_index_say_what_to_run(tmp_path):
    c = create_app({"INDEX_DIR": str(tmp_path / "none")}).test_client()
    r = c.get("/api/search?q=x")
    assert r.status_code == 503 and r.get_json()["error"]["code"] == "index_missing"
    assert "python -m search build" in c.get("/").get_data(as_text=True)
    build(ingest.load([SEEDS]), tmp_path / "old")
    gen = store.current_generation(tmp_path / "old")
    manifest = store.read_manifest(gen)
    store.write_manifest(gen, {**manifest, "schema_version": "0-old"})
    r = create_app({"INDEX_DIR": str(tmp_path / "old")}).test_client().get("/api/search")
    assert r.status_code == 503 and "Rebuild" in r.get_json()["error"]["message"]


def test_rebuild_keeps_ids_and_paragraph_numbers(tmp_path):
    def snapshot(root):
        c = create_app({"INDEX_DIR": str(root)}).test_client()
        ids = [r["id"] for r in c.get("/api/search?per_page=100&sort=oldest").get_json()["results"]]
        return {i: c.get(f"/api/articles/{i}").get_json()["paragraphs"] for i in ids}

    build(ingest.load([SEEDS]), tmp_path / "a")
    first = snapshot(tmp_path / "a")
    build(ingest.load([SEEDS]), tmp_path / "a")
    build(ingest.load([SEEDS]), tmp_path / "b")
    assert snapshot(tmp_path / "a") == first == snapshot(tmp_path / "b")
    assert sorted(first) == sorted(p.stem for p in SEEDS.glob("*.txt"))


def test_a_question_says_what_kind_of_answer_it_looks_for(client):
    q = "Kapan Putin mengunjungi Korea Utara?"
    page = client.get("/", query_string={"q": q, "lang": "id"}).get_data(as_text=True)
    assert 'class="answer-type"' in page and "mencari waktu" in page
    english = client.get("/", query_string={"q": q, "lang": "en"}).get_data(as_text=True)
    assert "asks for a time" in english
    assert client.get("/api/search", query_string={"q": q}).get_json()["answer_type"] == "waktu"
    plain = client.get("/api/search", query_string={"q": "Putin Korea Utara"}).get_json()
    assert plain["answer_type"] is None
    assert 'class="answer-type"' not in client.get("/", query_string={"q": "Putin Korea Utara"}).get_data(as_text=True)


def test_the_app_works_mounted_under_a_prefix(index_dir):
    """Every link the pages make stays under the mount point (url_for, script_root)."""
    import re

    from werkzeug.middleware.dispatcher import DispatcherMiddleware
    from werkzeug.test import Client

    app = create_app({"INDEX_DIR": str(index_dir), "TESTING": True})
    client = Client(DispatcherMiddleware(lambda e, s: s("404 Not Found", []) or [b""], {"/kliping": app}))
    pages = ["/kliping/?q=sanksi&outlet=Kontan", "/kliping/?q=sanksi&page=1&per_page=1",
             f"/kliping/articles/{SEED_ID}?q=sanksi", "/kliping/help", "/kliping/articles/nope"]
    for page in pages:
        html = client.get(page).get_data(as_text=True)
        links = re.findall(r'(?:href|action|src)="([^"#][^"]*)"', html)
        assert links, page
        local = [u for u in links if not u.startswith(("http://", "https://"))]
        outside = [u for u in local if not u.startswith("/kliping/")]
        assert local and not outside, (page, outside)
    data = client.get("/kliping/api/search?q=sanksi").get_json()
    urls = [p["url"] for r in data["results"] for p in r["paragraphs"]]
    assert urls and all(u.startswith("http://localhost/kliping/articles/") for u in urls)
    app.extensions["kliping"].close()


# -- first visits: the about page, one h1, every word in the reader's language (issue 19) -------
def test_about_page_and_api_stats_say_what_the_archive_holds(client, seed_articles):
    stats = client.get("/api/stats").get_json()
    assert stats["articles"] == len(seed_articles)
    assert stats["paragraphs"] == sum(len(a.paragraphs) for a in seed_articles.values())
    by_outlet = {o["outlet"]: o for o in stats["outlets"]}
    kontan = [a for a in seed_articles.values() if a.outlet == "Kontan"]
    assert by_outlet["Kontan"] == {"outlet": "Kontan", "articles": len(kontan),
                                   "paragraphs": sum(len(a.paragraphs) for a in kontan)}
    assert stats["dates"]["months"] and stats["built_at"] and stats["versions"]["stemmer"]
    assert stats["licences"]["articles"] == []  # built without naming its sources
    for lang, words in (("id", ("Tentang arsip ini", "Per media", "tidak diketahui", "Juni 2024")),
                        ("en", ("About this archive", "By outlet", "unknown", "June 2024"))):
        page = client.get(f"/about?lang={lang}").get_data(as_text=True)
        assert all(w in page for w in words), lang
        assert f"<td>{by_outlet['Kontan']['paragraphs']}</td>" in page
        assert 'role="img"' in page and "<rect " in page  # the histogram
    named = len({a.outlet for a in seed_articles.values() if a.outlet})
    unnamed = sum(1 for a in seed_articles.values() if not a.outlet)
    page = client.get("/about?lang=en").get_data(as_text=True)
    assert f"from {'1 outlet' if named == 1 else f'{named} outlets'}." in page  # never "1 outlets"
    if unnamed:  # the articles of no known outlet are said, not counted as one
        assert f"The outlet of {unnamed} article{'' if unnamed == 1 else 's'} is not known." in page
    assert "this build recorded no sources" in page


def test_every_page_type_has_one_h1(client):
    for url in ("/?q=sanksi", "/", "/?q=zzyzxqq", f"/articles/{SEED_ID}", "/help", "/help?lang=en",
                "/about", "/tidak-ada", "/articles/tidak-ada", "/?page=zz"):
        assert client.get(url).get_data(as_text=True).count("<h1") == 1, url


def test_back_to_results_keeps_the_whole_search(client):
    page = client.get("/?q=sanksi&outlet=Kontan&sort=newest&per_page=1").get_data(as_text=True)
    link = html.unescape(re.search(r'<li class="hit"[^>]*>\s*<h3[^>]*><a href="([^"]+)"', page).group(1))
    assert link.startswith(f"/articles/{SEED_ID}?")
    article = client.get(link).get_data(as_text=True)
    back = html.unescape(re.search(r'<p class="back"><a href="([^"]+)"', article).group(1))
    assert back == "/?q=sanksi&outlet=Kontan&sort=newest&per_page=1"
    assert "<mark>" in article  # the query still highlights
    bad = client.get(f"/articles/{SEED_ID}?q=sanksi&page=zz").get_data(as_text=True)
    assert html.unescape(re.search(r'<p class="back"><a href="([^"]+)"', bad).group(1)) == "/?q=sanksi"


def test_readers_see_no_timing_but_the_json_keeps_it(client):
    assert not re.search(r"\(\d+ ms\)", client.get("/?q=sanksi").get_data(as_text=True))
    assert "took_ms" in client.get("/api/search?q=sanksi").get_json()


def test_page_titles_and_errors_are_in_the_readers_language(client):
    assert "<title>Help — Kliping</title>" in client.get("/help?lang=en").get_data(as_text=True)
    assert "<title>Bantuan — Kliping</title>" in client.get("/help?lang=id").get_data(as_text=True)
    id_page = client.get("/articles/tidak-ada?lang=id").get_data(as_text=True)
    assert "Artikel &#39;tidak-ada&#39; tidak ada di arsip ini." in id_page and "is not in" not in id_page
    refused = client.post("/?lang=id").get_data(as_text=True)
    assert "Permintaan ini tidak dapat dilayani (405)." in refused and "Method Not Allowed" not in refused
    meta = client.get(f"/articles/{SEED_ID}?lang=en").get_data(as_text=True)
    assert re.search(r'<time datetime="2024-06-18">18 June 2024</time>', meta.split('class="metadata"')[1])
