"""The highlighter's marks (search.query.marking): the probe-driven paths, which analyse only
the words around a query word's probe, mark exactly what analysing every word marks."""
from __future__ import annotations

from conftest import SEEDS
from search.query.parse import parse_query
from search.text import stemmer


def test_plain_term_fast_path_marks_exactly_what_the_general_path_marks():
    """search.query.marking._marked_terms (plain terms, found from the probes) and _marked_scan
    (every word analysed) against the general highlighter, over the seeds' paragraphs, the
    corpus fixture and hand-made edge cases, for stemmed and exact terms."""

    from conftest import corpus
    from search import ingest
    from search.query.highlight import Highlight
    from search.query.marking import _marked_general, _marked_scan, _marked_terms, probes_of

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
            fast = _marked_terms(text, hl.terms, hl.exact_terms, probes_of(hl))
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
    from search.query.marking import probes_of
    from search.text.analysis import TOKEN_RE

    seeds = SEEDS
    texts = [t for a in list(ingest.load([seeds])) + corpus() if not hasattr(a, "reason")
             for t in [a.title or "", *a.paragraphs]]
    texts.append("mengunjungi menolak menerima mengirim memasok pasokan kinerja berhati-hati "
                 "besar-besaran memperhatikan mempunyai mengutip kerjasama penyanyi")
    words = {w.lower() for t in texts for w in TOKEN_RE.findall(t)}
    assert len(words) > 500
    missing = [(w, stemmer.stem(w)) for w in sorted(words)
               if not any(p in w for p in probes_of(Highlight(terms=frozenset({stemmer.stem(w)}))))]
    assert not missing, missing[:20]


def test_phrase_and_prefix_marks_from_probes_equal_the_general_path():
    """search.query.marking._marked_probed (phrases and prefixes, analysing only the words around
    the probes) against _marked_general (every word analysed), over the seeds, the corpus
    fixture and edge cases: stop words inside a phrase, a phrase broken by another word,
    hyphenated and numeric tokens, repeated phrases, nasal-prefixed phrase words."""

    from conftest import corpus
    from search import ingest
    from search.query.marking import _marked_general, _marked_probed

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
