"""What every response shares that needs no Flask (search.present.web), on werkzeug's own
response objects: static files' versions and caching, gzip and the entity tags of gzipped bodies,
trusted hosts and the public URL. Through the app, tests/test_serving.py."""
from __future__ import annotations

import gzip
import hashlib

import pytest
from werkzeug.wrappers import Response

from search.present import web

BIG = "<p>" + "Sanksi baru diumumkan hari ini di Jakarta. " * 60 + "</p>"


def test_a_file_version_is_its_sha1_prefix_and_empty_when_it_cannot_be_read(tmp_path):
    (tmp_path / "app.css").write_bytes(b"body { color: black }")
    assert web.file_version(tmp_path / "app.css") == hashlib.sha1(b"body { color: black }").hexdigest()[:12]
    assert web.file_version(tmp_path / "missing.css") == ""
    assert web.file_version(tmp_path) == ""  # a folder


def test_a_static_file_under_its_version_is_cached_for_a_year_else_for_five_minutes():
    fresh, stale = Response("x"), Response("x")
    fresh.cache_control.no_cache = True
    web.cache_static(fresh.cache_control, True)
    web.cache_static(stale.cache_control, False)
    assert fresh.headers["Cache-Control"] == f"public, max-age={web.STATIC_MAX_AGE}, immutable"
    assert stale.headers["Cache-Control"] == "public, max-age=300"


def test_a_textual_body_is_gzipped_with_a_marked_tag_for_a_client_that_accepts_it():
    resp = Response(BIG, mimetype="text/html", headers={"Accept-Ranges": "bytes"})
    resp.set_etag("abc")
    assert web.compress(resp, False, "GET", lambda: True) is resp
    assert gzip.decompress(resp.get_data()).decode() == BIG
    assert resp.headers["Content-Encoding"] == "gzip" and "Accept-Ranges" not in resp.headers
    assert resp.headers["Vary"] == "Accept-Encoding"
    assert resp.get_etag() == ("abc" + web.GZ_TAG, False)
    again = web.compress(Response(BIG, mimetype="text/html"), False, "GET", lambda: True)
    assert again.get_data() == resp.get_data()  # no timestamp: the same body, the same bytes


def test_what_is_not_gzipped():
    asked = []

    def sent(accepts=True, method="GET", static=False, **kw):
        def accepts_gzip():
            asked.append(kw)
            return accepts

        resp = web.compress(Response(**{"response": BIG, "mimetype": "text/html", **kw}), static, method,
                            accepts_gzip)
        return resp.headers.get("Content-Encoding"), resp.headers.get("Vary")

    assert sent(accepts=False) == (None, "Accept-Encoding")  # a cache must ask again for each encoding
    assert sent(method="HEAD") == (None, None)
    assert sent(status=404) == (None, None)
    assert sent(mimetype="image/png") == (None, None)
    assert sent(response="<p>short</p>") == (None, "Accept-Encoding")  # under GZIP_MIN_BYTES
    assert sent(headers={"Content-Encoding": "br"}) == ("br", None)
    assert sent(response=iter([BIG])) == (None, None)  # streamed: an export
    assert sent(response=iter([BIG]), static=True) == ("gzip", "Accept-Encoding")  # a static file is read whole
    # Accept-Encoding is read only for the bodies that could be gzipped (the refused one, the short
    # one and the static file), not for a HEAD, a 404, an image, an encoded body or an export's stream
    assert len(asked) == 3 and asked[:2] == [{}, {"response": "<p>short</p>"}]


def test_a_revalidation_names_the_plain_tags_of_gzipped_bodies():
    assert web.plain_tags(f'"abc{web.GZ_TAG}", W/"def{web.GZ_TAG}", "ghi"') == '"abc", W/"def", "ghi"'


def test_trusted_hosts_and_the_public_url():
    assert web.trusted_hosts(None, None) == web.LOCAL_HOSTS
    assert web.trusted_hosts("https://arsip.example.org/k/", " a.example, .b.example ,,a.example") == [
        "a.example", ".b.example", "arsip.example.org"]
    assert web.public_url("https://arsip.example.org/k") == "https://arsip.example.org/k/"
    assert web.public_url("") is None
    with pytest.raises(ValueError, match="KLIPING_PUBLIC_URL"):
        web.public_url("ftp://arsip.example.org")
