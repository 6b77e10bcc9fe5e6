"""The shared Indonesian analyzer: tokens, stop words, the real stemmer, paragraph gaps."""
from __future__ import annotations

import pytest

from search.engine.whoosh.schema import TokenAdapter
from search.models import Article
from search.query.params import SearchRequest
from search.text import stemmer
from search.text.analysis import PARA_GAP, PARA_SEP, STOP_WORDS, analyze, analyzer, join_paragraphs, tokens

ANALYZER = TokenAdapter(analyzer())


def test_lowercases_every_term():
    terms = analyze("PBB Rusia KONTAN")
    assert terms == [stemmer.stem("pbb"), stemmer.stem("rusia"), stemmer.stem("kontan")]
    assert all(t == t.lower() for t in terms)


@pytest.mark.parametrize("word", ["sanksi-sanksi", "7.000", "11.000", "1.250.000,75", "2,5"])
def test_numbers_and_hyphenated_words_stay_single_tokens(word):
    toks = list(tokens(word))
    assert len(toks) == 1
    assert toks[0].surface == word.lower()
    assert (toks[0].start, toks[0].end) == (0, len(word))


def test_numbers_keep_their_digits_in_a_sentence():
    assert analyze("Ekspor naik 7.000 ton, impor 11.000 ton") == [
        stemmer.stem("ekspor"), stemmer.stem("naik"), "7.000", stemmer.stem("ton"),
        stemmer.stem("impor"), "11.000", stemmer.stem("ton")]


@pytest.mark.parametrize("word", ["yang", "dan", "di", "Yang", "DAN"])
def test_stop_words_are_dropped(word):
    assert word.lower() in STOP_WORDS
    assert analyze(word) == []
    assert analyze(f"sanksi {word} PBB") == [stemmer.stem("sanksi"), stemmer.stem("pbb")]


@pytest.mark.parametrize("word", ["tidak", "bukan", "baru", "dalam"])
def test_meaningful_short_words_stay_searchable(word):
    assert analyze(word) == [stemmer.stem(word)]


@pytest.mark.parametrize("word", ["kunjungan", "mengunjungi", "menjatuhkan", "perdagangan",
                                  "sanksi-sanksi", "pemerintah", "berkunjung"])
def test_content_words_go_through_the_project_stemmer(word):
    assert analyze(word) == [stemmer.stem(word)]
    assert analyze(word.upper()) == [stemmer.stem(word)]


def test_the_stemmer_actually_changes_affixed_words():
    # Guards the test above from passing with an identity "stemmer".
    changed = [w for w in ("kunjungan", "menjatuhkan", "perdagangan", "berkunjung") if analyze(w) != [w]]
    assert changed


def test_positions_skip_stop_words_and_jump_between_paragraphs():
    text = join_paragraphs(["sanksi yang baru", "PBB bersidang"])
    toks = list(tokens(text))
    assert [t.surface for t in toks] == ["sanksi", "baru", "pbb", "bersidang"]
    assert [t.pos for t in toks[:2]] == [0, 1]
    assert toks[2].pos - toks[1].pos > PARA_GAP
    assert toks[3].pos == toks[2].pos + 1


def test_character_offsets_point_at_the_words_across_paragraphs():
    text = join_paragraphs(["Sanksi PBB", "Rusia menolak"])
    for t in tokens(text):
        assert text[t.start:t.end].lower() == t.surface


def test_join_paragraphs_removes_separator_inside_a_paragraph():
    joined = join_paragraphs([f"satu{PARA_SEP}dua", "tiga"])
    assert joined.count(PARA_SEP) == 1


def test_whoosh_adapter_yields_the_same_terms_as_analyze():
    text = join_paragraphs(["Sanksi-sanksi yang dijatuhkan PBB", "Presiden mengunjungi Seoul, 7.000 orang"])
    toks = [(t.text, t.pos, t.startchar, t.endchar)
            for t in ANALYZER(text, positions=True, chars=True)]
    assert [t[0] for t in toks] == analyze(text)
    assert [(t[1], t[2], t[3]) for t in toks] == [(t.pos, t.start, t.end) for t in tokens(text)]


def test_whoosh_adapter_without_tokenizing_stems_the_whole_value():
    (tok,) = list(ANALYZER("Kunjungan", tokenize=False))
    assert tok.text == stemmer.stem("kunjungan")


def _hits(archive, q):
    return archive.search(SearchRequest.from_args({"q": q})).total


def test_phrase_never_matches_across_paragraphs(make_index):
    arc = make_index([
        Article(id="split", paragraphs=["Dewan menjatuhkan sanksi", "PBB menolak usulan itu"]),
        Article(id="joined", paragraphs=["Dewan menjatuhkan sanksi PBB kemarin"]),
    ])
    # Both words occur in both articles ...
    assert _hits(arc, "sanksi PBB") == 2
    # ... but the phrase is only in one, not across the paragraph break of the other.
    resp = arc.search(SearchRequest.from_args({"q": '"sanksi PBB"'}))
    assert [r.id for r in resp.results] == ["joined"]


def test_phrase_never_matches_from_title_into_first_paragraph(make_index):
    arc = make_index([Article(id="t", title="Dewan menjatuhkan sanksi", paragraphs=["PBB menolak"])])
    assert _hits(arc, '"sanksi PBB"') == 0
    assert _hits(arc, '"menjatuhkan sanksi"') == 1


def test_phrase_with_a_stop_word_inside_matches_the_text(make_index):
    arc = make_index([Article(id="s", paragraphs=["Laporan tentang sanksi dari PBB terbit"])])
    assert _hits(arc, '"sanksi dari PBB"') == 1
    assert _hits(arc, '"laporan sanksi"') == 1  # `tentang` is a stop word: no position


def test_paragraph_stems_reuse_the_index_analysis_paragraph_by_paragraph():
    from search.text.analysis import join_paragraphs
    paragraph_stems = analyzer().paragraph_stems

    texts = ["yang dan", "Sanksi PBB baru", "yang dan di", "", "Rusia menolak sanksi-sanksi"]
    expected = [frozenset(analyze(t)) for t in texts]
    assert paragraph_stems(join_paragraphs(texts)) == expected[: len(paragraph_stems(join_paragraphs(texts)))]
    assert paragraph_stems(join_paragraphs(["Judul berita"] + texts), skip=1)[:5] == expected[:5]
    assert paragraph_stems(join_paragraphs(texts))[1] == frozenset(analyze("Sanksi PBB baru"))


def test_the_indexers_terms_are_the_tokens_terms_even_as_the_stem_cache_turns_over(tmp_path):
    """`index_terms` (the indexer's loop, which looks in the stemmer's cache itself) gives the
    (stem, surface, position) of every `tokens` Term, with a stem cache small enough to turn
    over inside one text, on compounds, camel case and the seeds and 200 IndoSum articles."""
    from conftest import seeds_and_indosum
    from search.text.analysis import Analyzer

    an = Analyzer("kliping")
    an.stemmer = stemmer.Stemmer("kliping", cache_size=16)
    an.stem = an.stemmer.stem
    texts = ["Kim Jong-un dan e-KTP di MotoGP, sanksi-sanksi iPhone PBB berhati-hati",
             join_paragraphs(["Perekonomian membaik", "", "Pemerintah memerintahkan pemerintahan"])]
    texts += [join_paragraphs(([a.title] if a.title else []) + a.paragraphs)
              for a in seeds_and_indosum(tmp_path, 200)]
    for text in texts:
        want = [(t.text, t.surface, t.pos) for t in an.tokens(text)]
        assert an.index_terms(text) == want
    assert len(an.stemmer.cache) <= 32
