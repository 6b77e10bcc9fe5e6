"""What every response goes through (app.py `serve`): trusted hosts and the public URL, security
headers, gzip, static caching, the JSON-lines access log, /healthz, links only to web addresses;
and `make serve`'s gunicorn command on a real index, with real worker processes."""
from __future__ import annotations

import gzip
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from app import create_app
from conftest import ROOT, SEEDS, corpus
from search import ingest
from search.engine.whoosh import store
from search.engine.whoosh.build import build
from search.models import Article
from search.present.citations import web_link

SEED_ID = "002_a7e7424a1120ba56"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("index")
    bad = [Article(id="js", paragraphs=["Sanksi baru diumumkan hari ini di Jakarta."], outlet="X",
                   url="javascript:alert(1)"),
           Article(id="data", paragraphs=["Sanksi lama dicabut pekan ini."], outlet="Y",
                   url="data:text/html,<script>alert(1)</script>")]
    build(list(ingest.load([SEEDS])) + bad, root)
    return root


@pytest.fixture(scope="module")
def client(index_dir):
    return create_app({"INDEX_DIR": str(index_dir), "TESTING": True, "ACCESS_LOG": "off"}).test_client()


def test_a_host_outside_the_trusted_ones_is_refused_and_never_linked_to(client):
    for path in ("/api/search?q=sanksi", f"/api/articles/{SEED_ID}", f"/api/articles/{SEED_ID}/paragraphs/1/cite",
                 f"/articles/{SEED_ID}", "/?q=sanksi"):
        r = client.get(path, headers={"Host": "evil.example"})
        assert r.status_code == 400, path
        assert b"evil.example/" not in r.data  # the message names the host; no link is made with it
    r = client.get(f"/api/articles/{SEED_ID}/paragraphs/1/cite", headers={"Host": "127.0.0.1:8000"})
    assert r.status_code == 200 and "http://127.0.0.1:8000/articles/" in r.get_data(as_text=True)


def test_the_public_url_makes_every_permalink_and_citation(index_dir, monkeypatch):
    monkeypatch.setenv("KLIPING_PUBLIC_URL", "https://arsip.example.org/kliping")
    c = create_app({"INDEX_DIR": str(index_dir), "ACCESS_LOG": "off"}).test_client()
    urls = [p["url"] for r in c.get("/api/search?q=sanksi").get_json()["results"] for p in r["paragraphs"]]
    assert urls and all(u.startswith("https://arsip.example.org/kliping/articles/") for u in urls)
    cite = c.get(f"/api/articles/{SEED_ID}/paragraphs/2/cite").get_data(as_text=True)
    assert f"https://arsip.example.org/kliping/articles/{SEED_ID}/p2-" in cite  # the durable permalink
    page = c.get(f"/articles/{SEED_ID}").get_data(as_text=True)
    assert f'value="https://arsip.example.org/kliping/articles/{SEED_ID}/p1-' in page
    assert f'<link rel="canonical" href="https://arsip.example.org/kliping/articles/{SEED_ID}">' in page
    assert c.get("/healthz", headers={"Host": "arsip.example.org"}).status_code == 200  # its host is trusted
    assert c.get("/healthz", headers={"Host": "evil.example"}).status_code == 400


def test_trusted_hosts_come_from_the_environment_and_a_bad_public_url_stops_the_start(index_dir, monkeypatch):
    monkeypatch.setenv("KLIPING_TRUSTED_HOSTS", "kliping.example.org, .arsip.example")
    c = create_app({"INDEX_DIR": str(index_dir), "ACCESS_LOG": "off", "WARM": False}).test_client()
    assert c.get("/healthz", headers={"Host": "kliping.example.org"}).status_code == 200
    assert c.get("/healthz", headers={"Host": "www.arsip.example"}).status_code == 200
    assert c.get("/healthz", headers={"Host": "localhost"}).status_code == 400
    monkeypatch.setenv("KLIPING_PUBLIC_URL", "javascript:alert(1)")
    with pytest.raises(ValueError, match="KLIPING_PUBLIC_URL"):
        create_app({"INDEX_DIR": str(index_dir)})


def test_security_headers_on_pages_json_errors_and_static_files(client):
    for path in ("/", f"/articles/{SEED_ID}", "/api/search", "/api/articles/nope", "/nope",
                 "/static/kliping.css", "/healthz", "/?page=0"):
        r = client.get(path)
        r.close()  # a static file's response holds the file open until closed
        h = r.headers
        assert "frame-ancestors 'none'" in h["Content-Security-Policy"], path
        csp = h["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert h["X-Frame-Options"] == "DENY" and h["Referrer-Policy"] == "strict-origin-when-cross-origin", path
        assert h["X-Content-Type-Options"] == "nosniff"


def test_responses_are_gzipped_for_clients_that_accept_it(client):
    plain = client.get("/?q=sanksi")
    packed = client.get("/?q=sanksi", headers={"Accept-Encoding": "gzip, br"})
    assert "Content-Encoding" not in plain.headers and "Accept-Encoding" in plain.headers["Vary"]
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    untimed = lambda body: re.sub(rb"\(\d+ ms\)", b"", body)  # noqa: E731
    assert untimed(gzip.decompress(packed.data)) == untimed(plain.data)
    assert len(packed.data) < len(plain.data) / 2
    api = client.get("/api/search?q=sanksi", headers={"Accept-Encoding": "gzip"})
    assert json.loads(gzip.decompress(api.data))["total"] == plain_total(client)
    small = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in small.headers  # under GZIP_MIN_BYTES


def plain_total(client) -> int:
    return client.get("/api/search?q=sanksi").get_json()["total"]


def test_static_files_are_cached_for_a_year_under_their_hash_and_revalidated_otherwise(client):
    page = client.get("/").get_data(as_text=True)
    urls = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    assert len(urls) == 2 and all(re.search(r"\?v=[0-9a-f]{12}$", u) for u in urls)
    for u in urls:
        r = client.get(u, headers={"Accept-Encoding": "gzip"})
        assert r.status_code == 200 and r.headers["Content-Encoding"] == "gzip"
        assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        again = client.get(u, headers={"Accept-Encoding": "gzip", "If-None-Match": r.headers["ETag"]})
        r.close()
        again.close()
        assert again.status_code == 304
    stale = client.get("/static/kliping.css?v=0000")
    stale.close()
    assert stale.status_code == 200 and stale.headers["Cache-Control"] == "public, max-age=300"


def test_the_citation_names_its_charset_once(client):
    r = client.get(f"/api/articles/{SEED_ID}/paragraphs/1/cite")
    assert r.headers["Content-Type"] == "text/plain; charset=utf-8"


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # Whoosh leaves the
# corrupt file to the garbage collector when it fails to open it
def test_healthz_reports_the_generation_and_503_when_the_index_cannot_be_read(client, index_dir, tmp_path):
    data = client.get("/healthz").get_json()
    assert data["status"] == "ok" and data["articles"] == len(list(SEEDS.glob("*.txt"))) + 2
    assert data["generation"].startswith(store.current_generation(index_dir).name + "/")
    missing = create_app({"INDEX_DIR": str(tmp_path / "none"), "ACCESS_LOG": "off"}).test_client().get("/healthz")
    assert missing.status_code == 503 and missing.get_json()["status"] == "unavailable"
    assert "python -m search build" in missing.get_json()["error"]["message"]
    build(corpus(), tmp_path / "broken")
    gen = store.current_generation(tmp_path / "broken")
    for f in gen.glob("*.seg"):
        f.write_bytes(b"\0" * 64)  # the segment's bytes gone: a corrupt index
    broken = create_app({"INDEX_DIR": str(tmp_path / "broken"), "ACCESS_LOG": "off"}).test_client()
    r = broken.get("/healthz")
    assert r.status_code == 503 and r.get_json()["error"]["code"] in ("index_unreadable", "index_missing")
    assert broken.get("/api/search?q=sanksi").status_code in (500, 503)


def test_an_access_log_switched_on_goes_to_standard_error_not_to_a_file_named_on(index_dir, tmp_path,
                                                                                monkeypatch):
    from search.present.web import access_logger

    monkeypatch.chdir(tmp_path)
    c = create_app({"INDEX_DIR": str(index_dir), "ACCESS_LOG": "on"}).test_client()
    assert c.get("/api/search?q=sanksi").status_code == 200
    assert not (tmp_path / "on").exists()
    for value in ("on", "ON", "1", "true", "yes"):
        assert access_logger(value) is access_logger("-")  # the standard-error log (one logger a target)
    assert not any(isinstance(h, logging.FileHandler) for h in access_logger("on").handlers)


def test_the_access_log_is_one_json_object_a_line(index_dir, tmp_path):
    log = tmp_path / "access.log"
    c = create_app({"INDEX_DIR": str(index_dir), "ACCESS_LOG": str(log)}).test_client()
    c.get("/api/search?q=sanksi+PBB", headers={"User-Agent": "uji/1.0"})
    c.get("/articles/nope")
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [(e["method"], e["path"], e["status"]) for e in lines[-2:]] == [
        ("GET", "/api/search", 200), ("GET", "/articles/nope", 404)]
    first = lines[-2]
    assert first["query"] == "q=sanksi+PBB" and first["ua"] == "uji/1.0" and first["bytes"] > 100
    assert first["ms"] >= 0 and first["pid"] == os.getpid() and first["ts"].endswith("+00:00")


@pytest.mark.parametrize("url, ok", [("https://kontan.example/a1", True), ("HTTP://Kompas.example/x", True),
                                     ("javascript:alert(1)", False), ("JaVaScRiPt:alert(1)", False),
                                     ("data:text/html,x", False), ("vbscript:x", False), ("//evil.example/x", False),
                                     ("https:///nohost", False), ("http://a.example/x y", False),
                                     ("java\tscript:alert(1)", False), ("kompas.com/berita", False), ("", False)])
def test_only_http_and_https_addresses_are_links(url, ok):
    assert (web_link(url) == url) is ok


def test_an_article_page_shows_other_addresses_as_text(client):
    for aid, url in (("js", "javascript:alert(1)"), ("data", "data:text/html,")):
        page = client.get(f"/articles/{aid}").get_data(as_text=True)
        assert f'href="{url}' not in page and 'class="unsafe-url"' in page, aid
        assert "<script>alert" not in page
    page = client.get(f"/articles/{SEED_ID}").get_data(as_text=True)
    assert 'class="unsafe-url"' not in page


# -- make serve: gunicorn, worker processes, the index opened before forking --------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, timeout: float = 10) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def serve_command(port: int) -> list[str]:
    """The gunicorn command of `make serve` (read from the Makefile, so the test runs what it runs)."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    line = re.search(r"\$\(BIN\)/gunicorn (.+)", text).group(1)
    line = line.replace("$(WORKERS)", "2").replace("$(HOST)", "127.0.0.1").replace("$(PORT)", str(port))
    import shlex

    return [str(Path(sys.executable).parent / "gunicorn"), *shlex.split(line)]


def test_make_serve_runs_workers_that_share_the_warm_index_and_see_an_add(tmp_path):
    root = tmp_path / "index"
    build(corpus(), root)
    port, log = free_port(), tmp_path / "access.log"
    env = {**os.environ, "KLIPING_INDEX": str(root), "KLIPING_ACCESS_LOG": str(log)}
    errors = tmp_path / "gunicorn.log"
    with open(errors, "wb") as err:
        proc = subprocess.Popen(serve_command(port), cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                stderr=err, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if get(base + "/healthz", 2)[0] == 200:
                    break
            except OSError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, errors.read_text()[-2000:]
            time.sleep(0.2)
        before = json.loads(get(base + "/healthz")[1])
        assert before["articles"] == 5
        # Concurrent searches, so that a worker busy with one leaves the next to the other (sent
        # one at a time, they may all go to whichever worker is waiting); in rounds until both
        # have answered or 20 s have passed.
        totals, pids = set(), set()
        with ThreadPoolExecutor(8) as pool:
            deadline = time.monotonic() + 20
            while len(pids) < 2 and time.monotonic() < deadline:
                totals |= set(pool.map(lambda _: json.loads(get(base + "/api/search?q=sanksi")[1])["total"],
                                       range(16)))
                pids = {json.loads(line)["pid"] for line in log.read_text().splitlines()}
        assert totals == {4}  # every worker reads the same, through its own files
        assert len(pids) == 2 and proc.pid not in pids  # two worker processes answered
        from search.engine.whoosh.update import add

        add([Article(id="baru", paragraphs=["Sanksi PBB baru diumumkan di New York."], outlet="Antara")], root)
        time.sleep(1.5)  # REFRESH_SECONDS
        seen = {json.loads(get(base + "/healthz")[1])["articles"] for _ in range(10)}
        assert seen == {6}
        assert {json.loads(get(base + "/api/search?q=sanksi")[1])["total"] for _ in range(10)} == {5}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(20)


def test_under_gunicorn_the_loaded_app_is_frozen_out_of_collection_until_the_index_changes(tmp_path, monkeypatch):
    """`make serve` loads the app in gunicorn's master: what loading and warming made is left
    out of cyclic collection (no full-collection pause on a worker's cold request); a new
    generation of the index makes it collectable again. Outside gunicorn nothing is frozen."""
    import gc
    import importlib

    from search.engine.whoosh.update import add

    root = tmp_path / "index"
    build(list(ingest.load([SEEDS])), root)
    gc.unfreeze()
    try:
        create_app({"INDEX_DIR": str(root), "TESTING": True, "ACCESS_LOG": "off"})
        assert gc.get_freeze_count() == 0  # the test process has not imported gunicorn
        monkeypatch.setitem(sys.modules, "gunicorn", importlib.import_module("gunicorn"))
        client = create_app({"INDEX_DIR": str(root), "TESTING": True, "ACCESS_LOG": "off"}).test_client()
        assert gc.get_freeze_count() > 0
        before = client.get("/api/search?q=sanksi").get_json()["total"]
        assert before > 0 and gc.get_freeze_count() > 0  # the same generation: still frozen
        add([Article(id="baru", paragraphs=["Sanksi PBB baru diumumkan di New York."], outlet="Antara")], root)
        deadline = time.monotonic() + 10
        while client.get("/api/search?q=sanksi").get_json()["total"] != before + 1 and time.monotonic() < deadline:
            time.sleep(0.3)  # the reader looks for a new commit every REFRESH_SECONDS
        assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()
