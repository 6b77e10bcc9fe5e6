"""What worker processes share of one index commit (search.engine.whoosh.sharing): made once,
loaded by the others, never taken for another commit's."""
from __future__ import annotations

import os
import time

from conftest import corpus, search
from search.engine.whoosh import sharing, store
from search.engine.whoosh.build import build
from search.engine.whoosh.update import add
from search.models import Article
from search.query.archive import Archive


def test_the_first_reader_of_a_commit_makes_the_file_and_the_next_one_loads_it(tmp_path):
    root = tmp_path / "ix"
    build(corpus(), root)
    first = Archive(root, refresh=0)
    try:
        total = search(first, "sanksi").total
        gen = store.current_generation(root)
        stamp = first.engine.reader().searcher.reader().generation()
        assert (gen / sharing.FILE).is_file()

        def never():
            raise AssertionError("derived again instead of loaded")

        state = sharing.derived(gen, stamp, never)
        assert state["table"].live == first.engine.reader().table.live
        assert set(state["lengths"]) == {"body", "exact"}
        second = Archive(root, refresh=0)
        try:
            assert search(second, "sanksi").total == total
            assert search(second, "sanksi", outlet="Kontan").total == search(first, "sanksi", outlet="Kontan").total
        finally:
            second.close()
        # a new commit: its readers derive anew, and see the new article in the facets
        add([Article(id="baru", paragraphs=["Sanksi PBB baru diumumkan."], outlet="Antara")], root)
        third = Archive(root, refresh=0)
        try:
            resp = search(third, "sanksi")
            assert resp.total == total + 1
            assert any(v.value == "Antara" for f in resp.facets if f.name == "outlet" for v in f.values)
            assert sharing._load(gen / sharing.FILE, stamp) is None  # replaced by the new commit's
        finally:
            third.close()
    finally:
        first.close()


def test_a_file_of_another_commit_or_a_broken_one_is_not_used(tmp_path):
    gen = tmp_path
    sharing._dump(gen / sharing.FILE, 1, {"x": 1})
    assert sharing.derived(gen, 2, lambda: {"x": 2}) == {"x": 2}
    assert sharing.derived(gen, 2, lambda: {"x": 3}) == {"x": 2}  # now made for commit 2
    (gen / sharing.FILE).write_bytes(b"\x80\x05garbage")
    assert sharing.derived(gen, 2, lambda: {"x": 4}) == {"x": 4}
    assert not list(gen.glob("*.tmp"))


def test_processes_opening_a_commit_at_once_derive_it_once(tmp_path):
    made = tmp_path / "made"

    def make():
        with open(made, "a") as fh:
            fh.write(f"{os.getpid()}\n")
        time.sleep(0.5)
        return {"by": os.getpid()}

    children = []
    for _ in range(3):
        pid = os.fork()
        if pid == 0:  # a worker
            code = 0
            try:
                sharing.derived(tmp_path, 7, make)
            except BaseException:
                code = 1
            os._exit(code)
        children.append(pid)
    for pid in children:
        assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
    assert len(made.read_text().split()) == 1
    assert sharing.derived(tmp_path, 7, make)["by"] == int(made.read_text())
