"""Shared fixtures: a small hand-written corpus and a factory building a REAL Whoosh index.

Nothing here mocks the index or the stemmer: `make_index` runs search.indexer.build into a
directory under tmp_path and opens it with search.archive.Archive.

The corpus (ids a1..a5) is designed so expected results can be read off the text:

    id  outlet  date        editors        tags                source   sanksi  PBB  phrase "sanksi PBB"
    a1  Kontan  2024-06-18  Rina Sari      sanksi, korea       Reuters  yes     yes  yes (paragraph 3)
    a2  Kompas  2024-06-20  Budi Santoso   diplomasi           -        yes     no   no
    a3  Kontan  2024-07-02  Rina Sari      ekonomi             Reuters  yes     yes  no (split across paragraphs)
    a4  Kompas  (unknown)   -              -                   -        no      no   no
    a5  Tempo   2024-06-05  Dewi Lestari   sanksi              AP       yes     yes  yes (title and paragraph 1)

`Rusia` occurs in a1 and a5 only; `mengunjungi`/`kunjungan` in a2, `berkunjung` in a4.
"""
from __future__ import annotations

import itertools
import os
import shutil
import threading
from pathlib import Path

import pytest

from search.engine.whoosh.build import build
from search.models import Article
from search.query.archive import Archive
from search.query.params import SearchRequest
from search.settings import DEFAULT, Settings

#: The checkout, its seeds, and the shared data beside it (../shared, or $KLIPING_SHARED).
ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = Path(os.environ.get("KLIPING_SHARED") or ROOT.parent / "shared")
INDOSUM = SHARED / "corpora" / "indosum" / "articles.jsonl"
INDOSUM_MAP = {"outlet": "source", "url": "source_url", "date": "date_from_id_timestamp", "tags": "category"}

#: The browser tests: Debian's chromium driven by Playwright, axe-core (package.json, installed by
#: `make test` with npm) loaded into pages from disk, screenshots saved under tests/artifacts/.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "artifacts"
#: axe-core's verdicts that fail a page; "minor" ones are reported in the saved .axe.json only.
BLOCKING = ("critical", "serious", "moderate")
#: Run in a page (axe-core loaded): its violations, each with its rule, impact and first nodes.
AXE_RUN = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                 nodes: v.nodes.slice(0, 4).map(n => n.target.join(' '))}));
}"""


def search(archive: Archive, q: str = "", **args):
    """A search through the archive as the web makes it: query-string arguments in."""
    return archive.search(SearchRequest.from_args({"q": q, **args}))


def ids(resp) -> list[str]:
    """The article ids of a response's results, in order."""
    return [r.id for r in resp.results]


def require_indosum() -> None:
    """Skip the calling test or fixture when the shared IndoSum corpus is not beside the checkout."""
    if not INDOSUM.exists():
        pytest.skip(f"{INDOSUM} is not here")


def seeds_and_indosum(tmp: Path, sample: int) -> list[Article]:
    """The seeds and the first `sample` IndoSum articles (the seeds alone without the corpus)."""
    from search import ingest

    arts = [a for a in ingest.load([SEEDS]) if isinstance(a, Article)]
    if INDOSUM.exists():
        part = tmp / "indosum-sample.jsonl"
        with INDOSUM.open(encoding="utf-8") as f:
            part.write_text("".join(itertools.islice(f, sample)), encoding="utf-8")
        arts += [a for a in ingest.load([part], field_map=INDOSUM_MAP) if isinstance(a, Article)]
    return arts


def corpus() -> list[Article]:
    """Fresh Article records (a new list each call, so a test may change them freely)."""
    return [
        Article(
            id="a1",
            title="PBB bahas rancangan baru untuk Korea Utara",
            paragraphs=[
                "Dewan Keamanan PBB bersidang di New York pada Selasa malam.",
                "Sanksi-sanksi sebelumnya dinilai belum efektif oleh para diplomat.",
                "Rusia menolak rancangan sanksi PBB yang baru itu.",
                "Ekspor batu bara Korea Utara tercatat 7.000 ton per bulan.",
            ],
            outlet="Kontan", date="2024-06-18", editors=["Rina Sari"], tags=["sanksi", "korea"],
            source="Reuters", dateline="Seoul", url="https://kontan.example/a1",
        ),
        Article(
            id="a2",
            title="Presiden mengunjungi Seoul",
            paragraphs=[
                "Presiden mengunjungi Seoul untuk membahas kerja sama perdagangan.",
                "Kunjungan itu berlangsung dua hari dengan 11.000 peserta pameran.",
                "Isu sanksi tidak dibahas dalam pertemuan tersebut.",
            ],
            outlet="Kompas", date="2024-06-20", editors=["Budi Santoso"], tags=["diplomasi"],
        ),
        Article(
            id="a3",
            title="Harga minyak naik",
            paragraphs=[
                "Harga minyak dunia naik karena pasokan Iran terganggu oleh sanksi",
                "PBB memperkirakan permintaan tetap tinggi hingga akhir tahun.",
            ],
            outlet="Kontan", date="2024-07-02", editors=["Rina Sari"], tags=["ekonomi"],
            source="Reuters",
        ),
        Article(
            id="a4",
            paragraphs=[
                "Warga Jakarta berkunjung ke pameran buku yang dibuka pada akhir pekan lalu di Senayan.",
                "Panitia mencatat jumlah pengunjung meningkat.",
            ],
            outlet="Kompas",
        ),
        Article(
            id="a5",
            title="Sanksi PBB terhadap Rusia diperluas",
            paragraphs=[
                "Sanksi PBB terhadap Rusia kembali diperluas pekan ini.",
                "Langkah itu diambil setelah rapat panjang.",
            ],
            outlet="Tempo", date="2024-06-05", editors=["Dewi Lestari"], tags=["sanksi"], source="AP",
        ),
    ]


@pytest.fixture
def articles() -> list[Article]:
    return corpus()


@pytest.fixture
def make_index(tmp_path):
    """Factory: make_index(articles, root=None, settings=DEFAULT) builds a real index and returns
    an open Archive with those settings.

    Calling it again with the same root rebuilds there (a new generation). Every Archive it
    returns is closed at teardown.
    """
    opened: list[Archive] = []

    def make(items, root: Path | None = None, settings: Settings = DEFAULT) -> Archive:
        root = Path(root) if root is not None else tmp_path / "index"
        build(list(items), root, settings=settings)
        arc = Archive(root, settings, refresh=0)  # sees a new generation at once
        opened.append(arc)
        return arc

    yield make
    for arc in opened:
        arc.close()


@pytest.fixture
def archive(make_index, articles) -> Archive:
    """The corpus above, indexed."""
    return make_index(articles)



# -- PostgreSQL: real servers, started once per session -----------------------------------------
#: The engines the API and CLI tests run against (a pytest parameter).
ENGINES = ("whoosh", "postgres")


class PgCluster:
    """A coordinator, two shards and one streaming replica of the coordinator, each a real
    PostgreSQL server in a temporary folder on 127.0.0.1 (search.engine.postgres.local).
    `archive()` makes a fresh archive: a new database on the coordinator and on each shard,
    set up with `python -m search postgres init`'s code; `single()` one on the coordinator alone."""

    def __init__(self):
        from search.engine.postgres.local import LocalServer

        self.servers = []
        self.coordinator = self._start(LocalServer.start)
        self.shards = [self._start(LocalServer.start) for _ in range(2)]
        self.replica = self._start(lambda: LocalServer.replica_of(self.coordinator))
        self._n = itertools.count(1)

    def _start(self, make):
        server = make()
        self.servers.append(server)
        return server

    def stop(self) -> None:
        for server in reversed(self.servers):
            server.stop()

    @staticmethod
    def _dsn(server, db: str) -> str:
        return server.dsn.rsplit("/", 1)[0] + "/" + db

    def _database(self, server, db: str) -> str:
        import psycopg

        with psycopg.connect(server.dsn, autocommit=True) as c:
            c.execute(f"CREATE DATABASE {db}")
        return self._dsn(server, db)

    def single(self) -> str:
        return self._database(self.coordinator, f"single_{next(self._n)}")

    def archive(self) -> str:
        from search.engine.postgres.shards import init

        db = f"archive_{next(self._n)}"
        dsn = self._database(self.coordinator, db)
        init(dsn, [self._database(s, db) for s in self.shards])
        return dsn

    def replica_dsn(self, dsn: str) -> str:
        """The replica's DSN of a coordinator database."""
        return self._dsn(self.replica, dsn.rsplit("/", 1)[1])

    def wait_for_replica(self, timeout: float = 30) -> None:
        """Until the replica has replayed everything the coordinator has written."""
        import time

        import psycopg

        with psycopg.connect(self.coordinator.dsn, autocommit=True) as c:
            lsn = c.execute("SELECT pg_current_wal_lsn()::text").fetchone()[0]
        deadline = time.monotonic() + timeout
        with psycopg.connect(self.replica.dsn, autocommit=True) as r:
            while not r.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (lsn,)).fetchone()[0]:
                assert time.monotonic() < deadline, "the replica did not catch up"
                time.sleep(0.05)


@pytest.fixture(scope="session")
def pg(tmp_path_factory):
    from search.engine.postgres import local

    if not local.available():
        pytest.skip("PostgreSQL is not installed (make test installs Debian's postgresql)")
    # The readers' copies of stories files (search.engine.postgres.layers) and the writers' cache
    # (search.engine.postgres.files) stay with the run.
    before = {k: os.environ.get(k) for k in ("KLIPING_STORIES_COPIES", "KLIPING_WRITER_CACHE")}
    os.environ["KLIPING_STORIES_COPIES"] = str(tmp_path_factory.mktemp("stories-copies"))
    os.environ["KLIPING_WRITER_CACHE"] = str(tmp_path_factory.mktemp("writer-cache"))
    cluster = PgCluster()
    try:
        yield cluster
    finally:
        cluster.stop()
        for k, v in before.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def new_location(kind: str, request, tmp_path_factory) -> str:
    """A fresh, empty archive location of an engine kind: a directory, or a sharded PostgreSQL
    archive (coordinator + 2 shards)."""
    if kind == "whoosh":
        return str(tmp_path_factory.mktemp("index"))
    return request.getfixturevalue("pg").archive()


@pytest.fixture(params=ENGINES)
def engine_kind(request) -> str:
    return request.param


@pytest.fixture
def make_location(engine_kind, request, tmp_path_factory):
    """Factory: a fresh archive location of the test's engine kind."""
    return lambda: new_location(engine_kind, request, tmp_path_factory)

# -- the browser tests' server and browser, one of each per browser module (their threads end with
# the module, so later tests still fork: search.indexing.parallel.can_fork) ----------------------
@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A real server on 127.0.0.1 (a free port) over an index built from seeds/."""
    from werkzeug.serving import make_server

    from app import create_app
    from search import ingest

    root = tmp_path_factory.mktemp("browser-index")
    build(ingest.load([SEEDS]), root)
    srv = make_server("127.0.0.1", 0, create_app({"INDEX_DIR": str(root)}), threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()


@pytest.fixture(scope="module")
def browser():
    """Debian's headless chromium; the tests fail under CI, and are skipped elsewhere, without it."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is missing; `make test` installs it with apt-get.")
        pytest.skip("Debian's chromium is not installed; run `make test` to install it.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(autouse=True)
def english_command_line(monkeypatch):
    """The command line speaks the language of LANG (search.present.i18n.env_lang): tests run
    it in English unless they ask for another."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
