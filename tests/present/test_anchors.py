"""Durable paragraph permalinks: fingerprints, history across re-ingests, and where an old link
lands, unit by unit and through the real index, `add` and the app."""
from __future__ import annotations

import shutil

import pytest

from app import create_app
from conftest import SEEDS
from search.engine import open_engine
from search.ingest import load
from search.models import Article
from search.present.anchors import (
    LANES,
    NEAR_BITS,
    Located,
    _counted,
    _digest,
    anchor,
    carry,
    distance,
    fingerprint,
    locate,
    parse_anchor,
    text_fragment,
)
from search.present.citations import permalink_path

P = [
    "Presiden tiba di Pyongyang pada Rabu dini hari untuk kunjungan kenegaraan dua hari.",
    "Juru bicara Departemen Luar Negeri AS Matthew Miller mengatakan Korea Utara telah memasok "
    "lusinan rudal balistik dan lebih dari 11.000 kontainer amunisi ke Rusia.",
    "Moskow dan Pyongyang membantah adanya transfer senjata.",
    "Financial Times melaporkan pada Maret bahwa Rusia memasok minyak ke Korea Utara.",
]


def test_fingerprints_are_stable_and_near_for_small_edits():
    assert fingerprint(P[1]) == fingerprint(P[1]) and len(fingerprint(P[1])) == 16
    assert fingerprint("Moskow dan  Pyongyang, membantah!") == fingerprint("moskow dan pyongyang membantah")
    edited = P[1].replace("lusinan", "puluhan")
    assert 0 < distance(fingerprint(P[1]), fingerprint(edited)) <= NEAR_BITS
    assert min(distance(fingerprint(a), fingerprint(b)) for a in P for b in P if a != b) > NEAR_BITS


def test_fingerprints_keep_the_values_of_links_already_given():
    # Computed by the first implementation (one hash per feature, counted byte by byte): a
    # faster one must give the very same digits, or every permalink out there breaks.
    assert fingerprint("Dewan Keamanan PBB menjatuhkan sanksi baru.") == "75c46d81ef35b941"
    assert fingerprint(" ".join(f"kata{i}" for i in range(64))) == "b7e8706f9069e80f"  # 127 features
    assert fingerprint(" ".join(f"kata{i}" for i in range(70))) == "f7ec706f9c68e80f"  # 139: counted
    assert fingerprint("") == fingerprint(" ,. ") == "0" * 16


@pytest.mark.parametrize("words", [1, 2, 3, 17, LANES // 2, LANES // 2 + 1, LANES // 2 + 2, 90, 200])
def test_the_big_integer_count_equals_counting_byte_by_byte(words):
    for seed in range(25):  # repeated words too: the count must hold when many hashes agree
        ws = [f"w{(i * (seed + 3)) % (seed + 2)}x{seed}" for i in range(words)]
        features = ws + [a + " " + b for a, b in zip(ws, ws[1:])]
        expected = _counted(b"".join(_digest(f) for f in features), len(features))
        assert fingerprint(" ".join(ws)) == expected


def test_anchor_round_trip():
    assert parse_anchor(anchor(8, P[1])) == (8, fingerprint(P[1]))
    for bad in ("p8", "8-abc", "p8-XYZ", "p-0123456789abcdef", "p8-0123456789abcde"):
        assert parse_anchor(bad) is None


def art(paragraphs, **kw) -> Article:
    return Article(id="x", paragraphs=list(paragraphs), **kw)


def test_an_unchanged_article_resolves_to_the_same_number():
    a = art(P)
    for n, text in enumerate(P, 1):
        assert locate(a, n, fingerprint(text)).kind == "here" and locate(a, n, fingerprint(text)).n == n


def test_inserted_before_and_a_word_changed_inside_still_land():
    old = art(P)
    links = [(n, fingerprint(t)) for n, t in enumerate(P, 1)]
    new = carry(old, art(["Paragraf baru di awal."] + [P[0], P[1].replace("lusinan", "puluhan")] + P[2:]))
    assert [locate(new, n, fp).n for n, fp in links] == [2, 3, 4, 5]
    assert all(locate(new, n, fp).exact for n, fp in links)  # by history, not by guess
    assert new.anchors["moved"] == {fingerprint(P[1]): fingerprint(new.paragraphs[2])}


def test_a_removed_paragraph_says_so_with_its_last_text():
    old = art(P)
    new = carry(old, art([P[0], P[1], P[3]]))
    found = locate(new, 3, fingerprint(P[2]))
    assert (found.kind, found.n, found.text) == ("gone", 3, P[2])
    assert locate(new, 4, fingerprint(P[3])).n == 3


def test_history_survives_more_updates_and_follows_chains():
    a1 = art(P)
    a2 = carry(a1, art([P[0], P[1].replace("lusinan", "puluhan"), P[2], P[3]]))
    a3 = carry(a2, art([P[0], P[1].replace("lusinan", "puluhan").replace("Rusia.", "Moskow."),
                        P[3]]))
    assert locate(a3, 2, fingerprint(P[1])).n == 2  # two edits later
    assert locate(a3, 3, fingerprint(P[2])).kind == "gone"
    a4 = carry(a3, art(P))  # the removed paragraph came back
    assert locate(a4, 3, fingerprint(P[2])).n == 3 and fingerprint(P[2]) not in a4.anchors.get("gone", {})


def test_without_history_an_edited_paragraph_is_found_by_nearness_and_a_lost_one_is_not_guessed():
    rebuilt = art(["Paragraf baru."] + [P[0], P[1].replace("lusinan", "puluhan")] + P[3:])
    found = locate(rebuilt, 2, fingerprint(P[1]))
    assert (found.kind, found.n, found.exact) == ("here", 3, False)
    assert locate(rebuilt, 3, fingerprint(P[2])).kind == "lost"


def test_text_fragment_escapes_the_directive_syntax():
    assert text_fragment("Satu, dua - tiga & empat") == ":~:text=Satu%2C%20dua%20%2D%20tiga%20%26%20empat"
    long = "a b c d e f g h i j"
    assert text_fragment(long) == ":~:text=a%20b%20c%20d,g%20h%20i%20j"


# -- through the real index, `add` and the app -----------------------------------------------------
SEED = "002_a7e7424a1120ba56"


def build(items, root):
    return open_engine(root).build(items)


def add(items, root):
    return open_engine(root).add(items)


@pytest.fixture
def served(tmp_path, make_location):
    """The five seeds copied to a folder, indexed (by each engine), and served by the real app."""
    src = tmp_path / "src"
    shutil.copytree(SEEDS, src)
    root = make_location()
    build(list(load([src])), root)
    app = create_app({"ENGINE": root, "TESTING": True})
    app.extensions["kliping"].engine.refresh = 0  # see each update at once
    yield src, root, app.test_client()
    app.extensions["kliping"].close()


def edit_seed(src, insert_before: str, old: str, new: str, drop: str | None = None) -> None:
    path = src / f"{SEED}.txt"
    text = path.read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new)
    if drop:
        assert drop in text
        text = text.replace(drop + "\n", "")
    first_body = "Mengutip Reuters, Selasa (18/6)"
    text = text.replace(first_body, insert_before + "\n" + first_body)
    path.write_text(text, encoding="utf-8")


def paragraph_urls(client) -> list[str]:
    data = client.get(f"/api/articles/{SEED}").get_json()
    return [p["url"].removeprefix("http://localhost") for p in data["paragraphs"]]


def test_permalinks_taken_before_an_add_of_an_edited_copy_land_right(served):
    src, root, client = served
    before = client.get(f"/api/articles/{SEED}").get_json()["paragraphs"]
    links = [p["url"].removeprefix("http://localhost") for p in before]
    assert before[7]["text"].startswith("Juru bicara Departemen Luar Negeri AS Matthew Miller")
    assert client.get(links[7]).headers["Location"].endswith(f"/articles/{SEED}#p8")
    removed = before[10]["text"]  # paragraph 11: "Korea Utara, yang secara resmi dikenal …"
    edit_seed(src, "Financial Times melaporkan hal serupa pada Maret lalu.",
              "mengulangi tuduhan pada hari Senin", "kembali mengulangi tuduhan pada Senin",
              drop=removed)
    report = add(list(load([src])), root)
    assert report.count("updated") == 1
    after = client.get(f"/api/articles/{SEED}").get_json()["paragraphs"]
    assert after[8]["text"].startswith("Juru bicara") and "kembali mengulangi" in after[8]["text"]
    for n, link in enumerate(links, 1):
        r = client.get(link)
        if n == 11:  # the removed paragraph
            assert r.status_code == 410
            page = r.get_data(as_text=True)
            assert removed in page and f'href="/articles/{SEED}"' in page
            continue
        assert r.status_code == 302, link
        m = int(r.headers["Location"].rsplit("#p", 1)[1])
        assert after[m - 1]["text"].split()[:3] == before[n - 1]["text"].split()[:3], (n, m)
    assert client.get(links[7]).headers["Location"].endswith("#p9")  # Matthew Miller's statement
    # the same file added again changes nothing and keeps the history
    assert add(list(load([src])), root).count("unchanged") == 5
    assert client.get(links[10]).status_code == 410


def test_after_a_rebuild_without_history_edited_paragraphs_are_found_by_nearness(served):
    src, root, client = served
    links = paragraph_urls(client)
    edit_seed(src, "Paragraf baru.", "mengulangi tuduhan pada hari Senin", "mengulangi tuduhan pada Senin")
    build(list(load([src])), root)  # a new generation, built from files: no history
    assert client.get(links[7]).headers["Location"].endswith("#p9")
    assert client.get(links[0]).headers["Location"].endswith("#p1")


def test_todays_anchors_stay_on_the_page_and_bad_links_say_so(served):
    _, _, client = served
    page = client.get(f"/articles/{SEED}").get_data(as_text=True)
    assert 'id="p8"' in page and 'id="p1"' in page
    lost = client.get(f"/articles/{SEED}/p8-0000000000000000")
    assert lost.status_code == 404 and "tidak tersimpan" in lost.get_data(as_text=True)
    assert client.get(f"/articles/{SEED}/p8?lang=en").status_code == 404
    assert client.get(f"/articles/nope/{anchor(1, P[0])}").status_code == 404


def test_fingerprints_are_made_when_read_stored_and_used(served):
    src, root, client = served
    read = next(a for a in load([src]) if isinstance(a, Article) and a.id == SEED)
    assert read.prints == [fingerprint(p) for p in read.paragraphs]  # made when read from its file
    stored = client.application.extensions["kliping"].article(SEED)
    assert stored.prints == read.prints and stored.content_hash == read.content_hash
    bare = Article(SEED, list(read.paragraphs))  # made otherwise: none stored, computed
    with_prints = Article(SEED, list(read.paragraphs), prints=read.prints)
    assert not bare.prints and bare.content_hash == with_prints.content_hash
    assert paragraph_urls(client)[1] == f"/articles/{SEED}/{anchor(2, read.paragraphs[1])}"
    # The stored ones are what a permalink shows (here a made-up one, to tell them apart).
    fake = Article(SEED, list(read.paragraphs), prints=["0123456789abcdef"] * len(read.paragraphs))
    assert permalink_path(fake, 2) == f"/articles/{SEED}/p2-0123456789abcdef"
    assert permalink_path(bare, 2) == f"/articles/{SEED}/{anchor(2, read.paragraphs[1])}"
    assert locate(fake, 2, "0123456789abcdef") == Located("here", 2)
