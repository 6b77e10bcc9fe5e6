"""Highlighted snippets: stem-aware marks, escaping, best paragraph first, trimming."""
from __future__ import annotations

import re

import pytest
from whoosh import index as whoosh_index

from conftest import SEEDS
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


def test_plain_term_fast_path_marks_exactly_what_the_general_path_marks():
    """search.snippets._marked_terms (plain terms, found from the probes) and _marked_scan
    (every word analysed) against the general highlighter, over the seeds' paragraphs, the
    corpus fixture and hand-made edge cases, for stemmed and exact terms."""

    from conftest import corpus
    from search import ingest
    from search.query.highlight import Highlight
    from search.query.snippets import _marked_general, _marked_scan, _marked_terms, _probes

    seeds = SEEDS
    paragraphs = [p for a in list(ingest.load([seeds])) + corpus() if not hasattr(a, "reason")
                  for p in [a.title or "", *a.paragraphs]]
    paragraphs += ["Kunjungan-kunjungan PBB, 2PBB pbb2 x-pbb sanksi.pbb (PBB) mengunjungi,kunjungan",
                   "İstanbul: kunjungan ke İzmir", "PBB  PBB\nPBB", "11.000 sanksi-sanksi 1.250,5pbb"]
    highlights = [
        Highlight(terms=frozenset({stemmer.stem("kunjungan"), stemmer.stem("sanksi"), "pbb"})),
        Highlight(terms=frozenset({stemmer.stem("korea"), stemmer.stem("utara")})),
        Highlight(exact_terms=frozenset({"putin", "rusia"}), terms=frozenset({stemmer.stem("pasokan")})),
    ]
    marked = 0
    for hl in highlights:
        for text in paragraphs:
            fast = _marked_terms(text, hl.terms, hl.exact_terms, _probes(hl))
            assert fast == _marked_general(text, hl), text
            assert _marked_scan(text, hl.terms, hl.exact_terms) == fast, text
            marked += bool(fast[0])
    assert marked > 10  # the comparison covered paragraphs with marks


def test_every_word_contains_its_roots_probe():
    """The probe-driven highlighter finds words only through their root's probe (the root, or
    the root without its first letter), so this must hold for every word the stemmer sees:
    checked over the vocabulary of the seeds, the corpus fixture and the stemmer's test words."""

    from conftest import corpus
    from search import ingest
    from search.query.highlight import Highlight
    from search.query.snippets import _probes
    from search.text.analysis import TOKEN_RE

    seeds = SEEDS
    texts = [t for a in list(ingest.load([seeds])) + corpus() if not hasattr(a, "reason")
             for t in [a.title or "", *a.paragraphs]]
    texts.append("mengunjungi menolak menerima mengirim memasok pasokan kinerja berhati-hati "
                 "besar-besaran memperhatikan mempunyai mengutip kerjasama penyanyi")
    words = {w.lower() for t in texts for w in TOKEN_RE.findall(t)}
    assert len(words) > 500
    missing = [(w, stemmer.stem(w)) for w in sorted(words)
               if not any(p in w for p in _probes(Highlight(terms=frozenset({stemmer.stem(w)}))))]
    assert not missing, missing[:20]


def test_phrase_and_prefix_marks_from_probes_equal_the_general_path():
    """search.snippets._marked_probed (phrases and prefixes, analysing only the words around
    the probes) against _marked_general (every word analysed), over the seeds, the corpus
    fixture and edge cases: stop words inside a phrase, a phrase broken by another word,
    hyphenated and numeric tokens, repeated phrases, nasal-prefixed phrase words."""

    from conftest import corpus
    from search import ingest
    from search.query.snippets import _marked_general, _marked_probed

    seeds = SEEDS
    paragraphs = [p for a in list(ingest.load([seeds])) + corpus() if not hasattr(a, "reason")
                  for p in [a.title or "", *a.paragraphs]]
    paragraphs += ["Dewan Keamanan yang PBB; Dewan Keamanan PBB, dewan keamanan-PBB dewan, keamanan",
                   "Korea Utara Korea Utara korea selatan utara korea utara.",
                   "Presiden Joko Widodo dan presiden joko widodo-nya; Presiden Jokowi Widodo",
                   "Mengunjungi kunjungan Putin, berkunjung ke Pyongyang: kunjungan  Putin ke Pyongyang",
                   "Sanksi ekonomi, sanksi-sanksi ekonomi 11.000 sanksi PBB 11.000"]
    queries = ['"dewan keamanan PBB"', '"korea utara"', '"presiden joko widodo" sanksi', 'ekonom*',
               '"kunjungan putin" pyongyang', '"sanksi ekonomi" PBB*', 'korea "utara korea"']
    from search.query.highlight import Highlight

    def stems(text: str) -> tuple[str, ...]:
        return tuple(stemmer.stem(w) for w in text.split())

    highlights = [parse_query(q, exact=exact).highlight for q in queries for exact in (False, True)]
    highlights += [Highlight(phrases=(stems("dewan keamanan pbb"), stems("kunjungan putin"))),
                   Highlight(phrases=(stems("korea utara"),), terms=frozenset(stems("sanksi")),
                             exact_terms=frozenset({"pyongyang"})),
                   Highlight(phrases=(stems("sanksi ekonomi"),), prefixes=("kunjung",))]
    marked = phrases = 0
    for hl in highlights:
        assert hl.phrases or hl.exact_phrases or hl.prefixes, hl
        for text in paragraphs:
            got = _marked_probed(text, hl)
            assert got == _marked_general(text, hl), (hl, text)
            marked += bool(got[0])
            phrases += got[2]
    assert marked > 20 and phrases > 10  # the comparison covered paragraphs with marks and phrases


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
