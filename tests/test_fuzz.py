"""Generated hostile requests against the real app over a real index of the seeds: query texts
of words, operators, brackets, quotes, patterns and any unicode, every search parameter with
valid, invalid and repeated values, on the search page, the search API and the article page.
None may be a server error; the API always answers JSON, a 400 saying what was wrong.
(bench/fuzz.py sends thousands more to `make serve` over IndoSum.)"""
from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import create_app
from conftest import SEEDS
from search import ingest
from search.engine.whoosh.build import build

SEED_ID = "002_a7e7424a1120ba56"
WORDS = ["sanksi", "PBB", "Korea", "utara", "harga", "minyak", "kapan", "berapa", "2017", "11.000"]
OPS = ["AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "REQUIRE", "-", "+", "(", ")", '"', "*", "?", "~", "~2",
       "\\", ":", "'", "*a*", "a~"]
PARAMS = ["q", "outlet", "tag", "editor", "source", "from", "to", "sort", "page", "per_page", "exact", "lang"]

token = st.one_of(st.sampled_from(WORDS), st.sampled_from(OPS), st.text(min_size=1, max_size=8))
query_text = st.lists(token, max_size=25).map(" ".join)
value = st.one_of(query_text, st.integers(-10**12, 10**12).map(str),
                  st.sampled_from(["", "newest", "2017", "2017-13", "2017-02-30", "Kontan", "0", "100", "101", "en"]))
search_args = st.lists(st.tuples(st.sampled_from(PARAMS), value), max_size=10)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("index")
    build(ingest.load([SEEDS]), root)
    app = create_app({"INDEX_DIR": str(root), "TESTING": True, "ACCESS_LOG": "off"})
    yield app.test_client()
    app.extensions["kliping"].close()


@pytest.mark.parametrize("q", ["NOT + OR x", "*a* *e* *i* *o* *u*", "a~ b~ c~", "((((( x", '"""', "\x00\ufffd"])
def test_the_queries_that_once_failed_are_answered(client, q):
    for path in ("/?", "/api/search?"):
        r = client.get(path + urlencode({"q": q}))
        assert r.status_code == 200, (path, q, r.status_code)


@given(st.sampled_from(["/?", "/api/search?", f"/articles/{SEED_ID}?"]), search_args)
@settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_generated_requests_are_never_a_server_error(client, route, args):
    path = route + urlencode(args)
    r = client.get(path, headers={"Accept-Encoding": "identity"})
    assert r.status_code < 500, (path, r.status_code)
    if route.startswith("/api/"):
        body = r.get_json()
        assert body is not None and (("results" in body) if r.status_code == 200 else ("error" in body)), path
    else:
        assert r.mimetype == "text/html", path


@given(st.text(max_size=20), st.integers(-5, 10**20))
@settings(max_examples=100, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_generated_article_ids_and_paragraphs_are_never_a_server_error(client, aid, n):
    for path in (f"/articles/{quote(aid, safe='')}", f"/api/articles/{quote(aid, safe='')}",
                 f"/api/articles/{quote(aid, safe='')}/paragraphs/{n}/cite"):
        assert client.get(path).status_code < 500, path
