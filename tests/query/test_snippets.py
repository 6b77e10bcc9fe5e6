"""Highlighted snippets: stem-aware marks, escaping, best paragraph first, trimming."""
from __future__ import annotations

import re

import pytest
from whoosh import index as whoosh_index

from search.engine.whoosh import store
from search.models import Article
from search.query.params import SearchRequest
from search.query.parse import parse_query
from search.query.snippets import CONTEXT, MAX_CHARS, best_paragraphs, highlight, idf_from, lede
from search.text import stemmer

PAIRS = [("kunjungan", "mengunjungi"), ("kunjungan", "berkunjung"), ("menjatuhkan", "dijatuhkan"),
         ("perdagangan", "berdagang"), ("sanksi", "sanksi-sanksi")]


def flat(_term: str) -> float:
    return 1.0


def marks(html: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", html)


def conflated_pair() -> tuple[str, str]:
    """A query word and a different surface form the project stemmer gives the same root."""
    for query_word, surface in PAIRS:
        if stemmer.stem(query_word) == stemmer.stem(surface):
            return query_word, surface
    pytest.fail(f"the stemmer conflates none of {PAIRS}")


def test_stemmed_match_is_highlighted():
    query_word, surface = conflated_pair()
    html = highlight(f"Presiden {surface} Seoul pekan lalu.", parse_query(query_word).highlight)
    assert marks(html) == [surface]


def test_stemmed_match_is_highlighted_in_search_results(make_index):
    query_word, surface = conflated_pair()
    arc = make_index([Article(id="x", paragraphs=["Pembukaan acara.", f"Presiden {surface} Seoul."])])
    (r,) = arc.search(SearchRequest.from_args({"q": query_word})).results
    assert [(p.n, marks(p.html)) for p in r.paragraphs] == [(2, [surface])]


def test_unrelated_words_are_not_marked():
    html = highlight("Sanksi PBB terhadap Rusia diperluas.", parse_query("Rusia").highlight)
    assert marks(html) == ["Rusia"]


def test_html_in_article_text_is_escaped_only_marks_are_markup():
    text = '<script>alert(1)</script> Sanksi <b>PBB</b> & "Rusia"'
    html = highlight(text, parse_query("sanksi").highlight)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert set(re.findall(r"</?[a-z][^>]*>", html)) == {"<mark>", "</mark>"}
    assert "&amp;" in html and "&lt;b&gt;" in html


def test_html_is_escaped_in_results_from_the_index(make_index):
    arc = make_index([Article(id="x", title="<i>Judul</i> sanksi",
                              paragraphs=["<script>alert(1)</script> sanksi dijatuhkan"])])
    (r,) = arc.search(SearchRequest.from_args({"q": "sanksi"})).results
    html = r.paragraphs[0].html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert set(re.findall(r"</?[a-z][^>]*>", html + r.title_html)) == {"<mark>", "</mark>"}
    assert "&lt;i&gt;Judul&lt;/i&gt;" in r.title_html


def test_phrase_is_one_mark_and_only_where_adjacent():
    hl = parse_query('"sanksi PBB"').highlight
    assert marks(highlight("Rusia menolak sanksi PBB baru.", hl)) == ["sanksi PBB"]
    assert marks(highlight("Sanksi dari Rusia, bukan PBB.", hl)) == []


def test_best_paragraph_with_more_distinct_terms_comes_first():
    paras = ["Sanksi lagi, sanksi lagi, sanksi lagi.", "Dewan bersidang.", "PBB menjatuhkan sanksi baru."]
    got = best_paragraphs(paras, parse_query("sanksi PBB").highlight, flat, k=3)
    assert [n for n, _ in got] == [3, 1]
    assert marks(got[0][1]) == ["PBB", "sanksi"]


def test_rarer_term_outweighs_common_one(make_index, tmp_path):
    common = [Article(id=f"c{i}", paragraphs=["sanksi biasa"]) for i in range(5)]
    paras = ["Sanksi diumumkan.", "Pyongyang menolak."]
    arc = make_index(common + [Article(id="r", paragraphs=paras)])
    with whoosh_index.open_dir(str(store.current_generation(tmp_path / "index"))).searcher() as searcher:
        idf = idf_from(searcher)
        assert idf(stemmer.stem("pyongyang")) > idf(stemmer.stem("sanksi"))
        got = best_paragraphs(paras, parse_query("sanksi OR Pyongyang").highlight, idf)
    assert [n for n, _ in got] == [2, 1]
    # The archive ranks the same way in its results.
    (r,) = [x for x in arc.search(SearchRequest.from_args({"q": "sanksi OR Pyongyang"})).results if x.id == "r"]
    assert [p.n for p in r.paragraphs] == [2, 1]


def test_ties_keep_text_order_and_k_limits():
    paras = ["sanksi satu", "sanksi dua", "sanksi tiga", "sanksi empat"]
    got = best_paragraphs(paras, parse_query("sanksi").highlight, flat, k=3)
    assert [n for n, _ in got] == [1, 2, 3]


def test_phrase_only_query_skips_paragraphs_without_the_phrase():
    paras = ["Sanksi dijatuhkan kemarin.", "Sanksi PBB berlaku."]
    got = best_paragraphs(paras, parse_query('"sanksi PBB"').highlight, flat)
    assert [n for n, _ in got] == [2]


def test_no_highlight_gives_no_snippets_and_lede_is_first_paragraph():
    assert best_paragraphs(["a b"], parse_query("").highlight, flat) == []
    assert lede(["<b>Pertama</b>", "Kedua"]) == [(1, "&lt;b&gt;Pertama&lt;/b&gt;")]
    assert lede([]) == []


def test_long_paragraph_is_trimmed_around_the_match():
    before = " ".join(["kalimat pembuka panjang"] * 40)
    after = " ".join(["kalimat penutup panjang"] * 40)
    text = f"{before} Rusia menolak sanksi PBB. {after}"
    assert len(text) > MAX_CHARS
    (n, html), = best_paragraphs([text], parse_query("sanksi").highlight, flat)
    assert html.startswith("… ") and html.endswith(" …")
    assert marks(html) == ["sanksi"]
    plain = html.removeprefix("… ").removesuffix(" …").replace("<mark>", "").replace("</mark>", "")
    assert len(plain) <= MAX_CHARS and plain in text
    assert plain.index("sanksi") <= CONTEXT + 1
    assert not plain.startswith(" ") and plain.split()[0] in ("kalimat", "pembuka", "panjang")


def test_long_paragraph_matching_near_start_is_trimmed_only_at_the_end():
    text = "Sanksi " + " ".join(["kata"] * 200)
    (_, html), = best_paragraphs([text], parse_query("sanksi").highlight, flat)
    assert html.startswith("<mark>Sanksi</mark>") and html.endswith(" …")


def test_highlight_for_pages_does_not_trim():
    text = "Sanksi " + " ".join(["kata"] * 200)
    html = highlight(text, parse_query("sanksi").highlight)
    assert "…" not in html and html.endswith("kata")


def test_prefix_marks_words_starting_with_it():
    html = highlight("Sanksi-sanksi dan sanksi baru, bukan santai.", parse_query("sank*").highlight)
    assert marks(html) == ["Sanksi-sanksi", "sanksi"]


def test_single_character_wildcard_marks_only_matching_words():
    html = highlight("Sanksi dibahas pada Selasa di sidang.", parse_query("s?nksi").highlight)
    assert marks(html) == ["Sanksi"]


@pytest.mark.parametrize("text", [
    'Sanksi <b>PBB</b> & "Korea" \'Utara\' ' * 3,
    "Teks dengan \x02 dan \x03 <script>alert(1)</script> sanksi PBB",
    "x" * 50 + " <mark>sanksi</mark> " + "kata & kata " * 60,
])
def test_render_escapes_everything_but_its_own_marks(text):
    """render() against escaping each piece separately, for every span layout, including text
    holding the control characters render uses as placeholders."""
    from html import escape

    from search.query.snippets import render

    def reference(spans):
        out, at = [], 0
        for s, e in spans:
            out += [escape(text[at:s]), "<mark>", escape(text[s:e]), "</mark>"]
            at = e
        return "".join(out) + escape(text[at:])

    words = [m.span() for m in re.finditer(r"\S+", text)]
    for spans in ([], words[:1], words[1::3], words[-2:], words):
        got = render(text, spans, trim=False)
        assert got == reference(spans)
        assert got.count("<mark>") == len(spans)
    trimmed = render(text, words[-1:])
    assert trimmed.count("<mark>") == 1 and "<script>" not in trimmed
