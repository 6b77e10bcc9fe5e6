"""search.stories.rowmap: a build's SpoolMap reads as the dict it stands for, through its
buffer, its cache and its table, and across the spool being closed and opened again."""
from __future__ import annotations

import sqlite3

import pytest

from search.stories import rowmap


def _spool(tmp_path, *names):
    con = sqlite3.connect(tmp_path / "spool.sqlite", isolation_level=None)
    for name in names:
        rowmap.create_table(con, name)
    con.execute("BEGIN")
    return rowmap.Spool(tmp_path / "spool.sqlite", con)


def test_a_spool_map_reads_as_a_dict(tmp_path):
    spool = _spool(tmp_path, "t")
    m = rowmap.SpoolMap(spool, "t", batch=4, cache=3)
    want = {}
    for i in range(50):  # sets, replacements and deletions across many flushes
        k = f"k{i % 17}"
        if i % 7 == 6 and k in want:
            del m[k], want[k]
        else:
            m[k] = want[k] = (i, [k] * (i % 3))
        assert m.get(f"k{(i * 5) % 17}") == want.get(f"k{(i * 5) % 17}")
    assert dict(m.items()) == want and sorted(m) == sorted(want) and len(m) == len(want)
    assert "nope" not in m and m.get("nope") is None
    with pytest.raises(KeyError):
        del m["nope"]
    spool.close()  # committed; the next use opens the file again
    assert {k: m[k] for k in want} == want
    con = spool.take()
    assert con.in_transaction and dict(m.items()) == want


def test_a_value_set_stays_the_object_set_until_the_next_flush(tmp_path):
    m = rowmap.SpoolMap(_spool(tmp_path, "t"), "t", batch=2)
    first = m["a"] = []
    assert m["a"] is first
    m["b"] = 1
    m["c"] = 2  # the buffer was full: a and b are written, c waits
    assert m["a"] == [] and m._buf == {"c": 2}
