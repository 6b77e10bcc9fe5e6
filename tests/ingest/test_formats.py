"""CSV, saved HTML pages, the field map, Indonesian dates in records, and byte progress."""
from __future__ import annotations

import json
from pathlib import Path

from search.ingest import load, total_bytes
from search.models import Article, Skipped


def split(items):
    items = list(items)
    return ([a for a in items if isinstance(a, Article)],
            {s.origin.rsplit(":", 1)[-1] if ":" in Path(s.origin).name else Path(s.origin).name: s.reason
             for s in items if isinstance(s, Skipped)})


def test_csv_with_field_map_lists_and_bad_rows(tmp_path):
    path = tmp_path / "dump.csv"
    path.write_text(
        "kode,media,isi,tanggal,label\n"
        'c1,cnn indonesia,"Jakarta, CNN Indonesia -- Harga cabai naik.\n\nPedagang mengeluh. (ugo/gil)",'
        "27 Maret 2017,ekonomi; pangan\n"
        "c2,kompas,,2017-03-27,x\n"
        "c3,kompas,Isi.,kemarin,x\n"
        "c4,kompas,Isi,27/3/2017\n"
        'c5,Kompas,"[""Paragraf satu."", ""Paragraf dua.""]",27/3/2017,a|b\n',
        encoding="utf-8")
    fm = {"id": "kode", "outlet": "media", "body": "isi", "date": "tanggal", "tags": "label"}
    arts, reasons = split(load([path], field_map=fm))
    c1, c5 = arts
    assert c1.id == "c1" and c1.outlet == "CNN Indonesia" and c1.basis["outlet"] == "source"
    assert c1.paragraphs == ["Harga cabai naik.", "Pedagang mengeluh."]
    assert (c1.date, c1.tags, c1.editors, c1.dateline) == \
        ("2017-03-27", ["ekonomi", "pangan"], ["gil"], "Jakarta")  # (ugo / gil): the writer's code, the editor's
    assert c5.outlet == "Kompas" and c5.paragraphs == ["Paragraf satu.", "Paragraf dua."] and c5.tags == ["a", "b"]
    assert reasons == {"3": "row 3: missing 'paragraphs' or 'isi'",
                       "4": "row 4: date 'kemarin' is not a date: use YYYY-MM-DD",
                       "5": "row 5: has 4 cells but the header has 5"}


def test_csv_that_is_not_utf8_or_has_no_header(tmp_path):
    (tmp_path / "latin.csv").write_bytes("id,body\nx,caf\xe9\n".encode("latin-1"))
    (tmp_path / "blank.csv").write_text("\n\n", encoding="utf-8")
    _, reasons = split(load([tmp_path]))
    assert reasons == {"blank.csv": "empty file", "latin.csv": "not UTF-8 at byte 13: save it as UTF-8"}


PAGE = """<!doctype html><html lang="id"><head>
<title>Harga Cabai Naik Jelang Lebaran - Kompas.com</title>
<meta property="og:site_name" content="KOMPAS.com"><meta name="author" content="Rina Sari">
<meta property="og:title" content="Harga Cabai Naik Jelang Lebaran">
<meta property="article:published_time" content="2017-03-27T10:00:00+07:00">
<link rel="canonical" href="https://www.kompas.com/read/2017/03/27/harga-cabai"></head>
<body><nav><a href="/">Beranda</a> | <a href="/nasional">Nasional</a> | <a href="/bola">Bola</a></nav>
<article><h1>Harga Cabai Naik Jelang Lebaran</h1>
<p>JAKARTA, KOMPAS.com - Harga cabai rawit di pasar tradisional Jakarta naik tajam menjelang
Lebaran, menurut para pedagang yang ditemui pada Senin (27/3/2017) pagi.</p>
<p>Baca juga: Harga Bawang Merah Turun</p>
<p>Kenaikan itu dipicu oleh pasokan yang berkurang akibat hujan deras di sentra produksi di
Jawa Tengah dan Jawa Timur selama dua pekan terakhir, kata seorang pedagang.</p>
<p>Pemerintah berjanji akan menggelar operasi pasar untuk menekan harga dalam waktu dekat.</p>
</article>
<footer><p>Bagikan: Facebook Twitter WhatsApp</p><p>Hak cipta 2017 Kompas Cyber Media</p></footer>
</body></html>"""


def test_saved_html_page_text_and_metadata(tmp_path):
    (tmp_path / "cabai.html").write_text(PAGE, encoding="utf-8")
    (a,), reasons = split(load([tmp_path]))
    assert reasons == {}
    assert a.id == "cabai" and a.title == "Harga Cabai Naik Jelang Lebaran"
    assert a.paragraphs[0].startswith("Harga cabai rawit di pasar")  # dateline removed
    assert a.paragraphs[-1].startswith("Pemerintah berjanji")
    assert not any("Beranda" in p or "Baca juga" in p or "Bagikan" in p for p in a.paragraphs)
    assert (a.outlet, a.date, a.authors, a.dateline) == ("Kompas", "2017-03-27", ["Rina Sari"], "Jakarta")
    assert a.editors == [] and a.basis["authors"] == "stated"  # the page's author is the author
    assert a.url == "https://www.kompas.com/read/2017/03/27/harga-cabai"
    assert a.basis["date"] == a.basis["outlet"] == "stated"


def test_html_without_an_article_and_binary_html_are_skipped(tmp_path):
    (tmp_path / "kosong.html").write_text("<html><body><nav>Beranda</nav></body></html>", encoding="utf-8")
    (tmp_path / "bin.htm").write_bytes(b"\x00\x01\x02" * 100)
    _, reasons = split(load([tmp_path]))
    assert reasons == {"bin.htm": "binary file (NUL bytes)",
                       "kosong.html": "no article text found in this HTML page"}


def test_url_gives_an_inferred_outlet_when_nothing_states_one(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"id": "u1", "url": "https://m.goal.com/id/berita/1",
                                "paragraphs": ["Persib menang."]}) + "\n", encoding="utf-8")
    (a,), _ = split(load([path]))
    assert a.outlet == "Goal Indonesia" and a.basis["outlet"] == "inferred"


def test_progress_counts_every_byte_of_the_sources(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"id": "j1", "paragraphs": ["Satu."]}\n{bad\n\n', encoding="utf-8")
    (tmp_path / "b.txt").write_text("Teks berita.\n", encoding="utf-8")
    (tmp_path / "c.csv").write_text('id,body\nk1,"Isi satu."\nk2,"Isi dua."\n', encoding="utf-8")
    (tmp_path / "d.txt").write_bytes(b"")
    seen = []
    items = list(load([tmp_path], progress=seen.append))
    assert sum(seen) == total_bytes([tmp_path]) == sum(p.stat().st_size for p in tmp_path.iterdir())
    assert len(seen) > 4  # record by record, not one step per file
    assert sum(isinstance(i, Article) for i in items) == 4
