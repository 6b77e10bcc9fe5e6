"""Formulaic text: which candidate echoes rest on distinctive shared content.

The echo join (search.stories.echoes) links paragraphs whose term sets are alike. Much of what
is alike in news is formula: legal citations ("pasal 2 ayat (1) … UU No 31 Tahun 1999"), match
reports ("bertahan hingga wasit meniup peluit"), lineups, monthly statistics releases, an
attribution frame around a different quote. `Judge.keep(a, b)` decides, at build time, whether a
candidate link between two paragraph groups of the echo table stands:

1. Shape: a paragraph made of names and numbers (a lineup, a results table: LIST_SHARE of its
   words capitalised or numeric) is a list, and lists echo nothing.
2. Figures: two paragraphs that each state FIGURES_MIN decimal or percentage figures, with
   figures of the one missing from the other and no more than half shared, are one template
   with different figures (a release for another month), not one passage.
3. Quotes: two paragraphs that each quote someone (QUOTE_MIN_TERMS terms between quote marks)
   and whose quotes share less than QUOTE_OVERLAP of their terms share only the attribution
   ("…," kata Ketua Majelis Hakim Arief Hidayat di Gedung MK).
4. Stock text: a paragraph that is mostly a statute citation with its penalties ("dijerat Pasal
   114 ayat 1 … UU Nomor 35 Tahun 2009 tentang Narkotika … paling lama 20 tahun") or an
   enumeration of bodies ("dihadiri duta besar negara sahabat, Mahkamah Agung, MUI, BMKG …")
   echoes only a paragraph of an article within UNRELATED_DAYS: the same event's passage, not
   the same stock text written again for another event.
5. Recurrence: the terms the two paragraphs share (their shape) are looked up across the whole
   archive. A paragraph holding SUPPORT_SHARE of the shape's weight (idf over paragraph groups),
   in an article published more than UNRELATED_DAYS from both and not a near copy of either
   (weighted Jaccard below NEAR_COPY), is the same shape in an unrelated article. When
   SUPPORT_MIN such articles exist, the terms most of them hold are the formula; the link
   stands only on what is left: at least RESIDUAL_MIN_TERMS shared terms and a weighted
   Jaccard of RESIDUAL_SIMILARITY over the two paragraphs without the formula.

Everything is decided when the echoes are derived (build, add, remove), so reading an article's
echoes costs nothing more. The measured effect on IndoSum is in bench/eval_echoes.py.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

LIST_SHARE = 0.9
LIST_MIN_WORDS = 8
FIGURES_MIN = 2
QUOTE_MIN_TERMS = 4
QUOTE_OVERLAP = 0.3
SUPPORT_SHARE = 0.5
UNRELATED_DAYS = 14
NEAR_COPY = 0.7
SUPPORT_MIN = 2
SUPPORT_ENOUGH = 20  # supporters looked at, at most, per link
FORMULA_SHARE = 0.5
RESIDUAL_MIN_TERMS = 4
RESIDUAL_SIMILARITY = 0.30

_WORD = re.compile(r"[^\W_]+")
STOCK_SHARE = 0.75  # of a paragraph's words in legal vocabulary, for a statute citation
ENUM_ITEMS, ENUM_SHARE, ENUM_ITEM_WORDS = 6, 0.7, 6  # an enumeration: items, named share, length
ENUM_BODIES = 3  # items of an enumeration that name a body (an acronym, or an office's head word)
_BODY = re.compile(r"\([A-Z][A-Za-z]*[A-Z]\)|^(?:Badan|Lembaga|Kementerian|Komisi|Majelis|Mahkamah|Dewan|"
                   r"Ketua|Menteri|Kepala|Direktur|Pejabat|Tim|Institut|Universitas|Pemerintah|Dinas|"
                   r"Kantor|Kedutaan|Duta|Gubernur|Bupati|Wali|Pimpinan|Perwakilan)\b")
_LEGAL_CUE = re.compile(r"\b(?:[Pp]asal|UU|[Uu]ndang)\b")
_LEGAL = frozenset("""pasal ayat huruf juncto jo subsider subsidair primair kuhp kuhap uu undang nomor
    no tahun tentang sebagaimana telah diubah dengan dan atau serta ke tindak pidana penjara denda
    paling singkat lama sedikit banyak minimal maksimal ancaman hukuman diancam dijerat disangka
    disangkakan dikenakan dikenai melanggar pelanggaran rp miliar juta bulan seumur hidup mati
    keduanya mereka ia para tersangka pelaku kedua satu dua tiga empat lima enam tujuh delapan
    sembilan sepuluh belas puluh ratus""".split())
_ENUM_SPLIT = re.compile(r"[,;]|\b(?:dan|serta)\b")
# (each branch starts at a digit, for re to skip to, not preceded by a digit: a match from inside
# a run of digits would also match from its first digit, tried first)
_FIGURE = re.compile(r"\d(?<!\d\d)\d*(?:[.,]\d+)*(?:\s*(?:%|persen))|\d(?<!\d\d)\d*,\d+")


@dataclass(frozen=True, slots=True)
class Features:
    """What the judge needs of a paragraph's text besides its terms."""

    is_list: bool = False
    figures: frozenset[str] = frozenset()
    quoted: frozenset[str] = frozenset()  # the terms of its direct quotes
    stock: bool = False  # a statute citation with its penalties, or an enumeration of bodies

    def __reduce__(self):  # pickled as its fields (no per-object dict: one is kept per paragraph)
        return Features, (self.is_list, self.figures, self.quoted, self.stock)


Shape = tuple[bool, frozenset[str], bool]  # (is_list, figures, stock) of a paragraph's text


def shape(text: str) -> Shape | None:
    """What `features` reads of a paragraph's own text (the costly part; a build works it out
    in its reading child): None when it is nothing (no list, fewer than FIGURES_MIN figures,
    no stock text)."""
    # A list has its names and numbers separated by commas, semicolons or dashes: a paragraph
    # without several of them is not one, and is not counted.
    seps = text.count(",") + text.count(";") + text.count(" - ")
    words = _WORD.findall(text) if seps >= 4 else []  # dashes and quote marks are not words
    is_list = len(words) >= LIST_MIN_WORDS and \
        sum(1 for w in words if w[0].isupper() or w[0].isdigit()) >= LIST_SHARE * len(words)
    figures = frozenset(re.sub(r"\s+", "", f).replace("persen", "%") for f in _FIGURE.findall(text)) \
        if "," in text or "%" in text or "persen" in text else frozenset()
    if len(figures) < FIGURES_MIN:
        figures = frozenset()
    stock = not is_list and _stock(text)
    return (is_list, figures, stock) if is_list or figures or stock else None


def features(text: str, quoted_terms: frozenset[str] = frozenset()) -> Features | None:
    """A paragraph's features, or None when it has none worth keeping."""
    return features_of(shape(text), quoted_terms)


def features_of(known: Shape | None, quoted_terms: frozenset[str] = frozenset()) -> Features | None:
    """`features` from the paragraph's `shape` and the terms of its direct quotes."""
    if len(quoted_terms) < QUOTE_MIN_TERMS:
        return None if known is None else Features(*known[:2], frozenset(), known[2])
    is_list, figures, stock = known or (False, frozenset(), False)
    return Features(is_list, figures, quoted_terms, stock)


def _stock(text: str) -> bool:
    """A statute citation with its penalties (STOCK_SHARE of the words legal vocabulary, numbers
    or the statute's title), or an enumeration of bodies (ENUM_ITEMS items, ENUM_SHARE of them
    short and named with a capital, ENUM_BODIES of them a body: an office or an acronym)."""
    if ("asal" in text or "UU" in text or "ndang" in text) and _LEGAL_CUE.search(text):  # (a cheap look first)
        words = _WORD.findall(text)
        legal, title = 0, False
        for w in words:
            low = w.casefold()
            if low == "tentang":
                title = True
            elif title and not w[0].isupper():
                title = False
            legal += low in _LEGAL or w[0].isdigit() or title
        if len(words) >= LIST_MIN_WORDS and legal >= STOCK_SHARE * len(words):
            return True
    if text.count(",") + text.count(";") + 1 < ENUM_ITEMS - 1:
        return False
    segs = [seg.strip() for seg in _ENUM_SPLIT.split(text)]
    items = [(seg, ws) for seg in segs if (ws := _WORD.findall(seg))]
    named = sum(1 for _, ws in items if len(ws) <= ENUM_ITEM_WORDS and ws[0][0].isupper())
    bodies = sum(1 for seg, _ in items if _BODY.search(seg))
    return len(items) >= ENUM_ITEMS and named >= ENUM_SHARE * len(items) and bodies >= ENUM_BODIES


def _day(iso: str | None) -> int | None:
    try:
        return date.fromisoformat(iso[:10]).toordinal() if iso else None
    except ValueError:
        return None


class Judge:
    """Decides candidate echo links over one echo table (see the module docstring). `table`
    gives: `term_sets()` -> (gid, term ranks) of every group, `where(gid)` -> [(article id,
    n)], `date_of(article id)`, and `df(rank)`; `feature_of(article id, n)` gives Features."""

    def __init__(self, table, feature_of: Callable[[str, int], Features | None]):
        self.t, self.feature_of = table, feature_of
        self.n = max(1, table.group_count())
        self._idf: dict[int, float] = {}
        self._postings: dict[int, list[int]] | None = None
        self.verdicts: Counter = Counter()

    def idf(self, rank: int) -> float:
        w = self._idf.get(rank)
        if w is None:
            w = self._idf[rank] = math.log(self.n / max(1, self.t.df(rank)))
        return w

    def weight(self, terms: Iterable[int]) -> float:
        return sum(map(self.idf, terms))

    def _wj(self, a: frozenset, b: frozenset) -> float:
        union = self.weight(a | b)
        return self.weight(a & b) / union if union else 0.0

    # -- the decision -----------------------------------------------------------------------------
    def prepare(self, links: Iterable[tuple[int, int]]) -> None:
        """Read, in one pass over every group, the postings of the terms that the links' shapes
        are looked up by (their rarest terms: a supporter must hold one of them)."""
        wanted: set[int] = set()
        for a, b in links:
            wanted.update(self._probe(frozenset(self.t.terms(a)) & frozenset(self.t.terms(b))))
        postings: dict[int, list[int]] = {r: [] for r in wanted}
        for gid, ranks in self.t.term_sets():
            for r in ranks:
                p = postings.get(r)
                if p is not None:
                    p.append(gid)
        self._postings = postings

    def _probe(self, shared: frozenset[int]) -> list[int]:
        """The rarest shared terms whose weight is over 1 - SUPPORT_SHARE of the whole: any
        paragraph holding SUPPORT_SHARE of the weight holds one of them."""
        ranks = sorted(shared, key=self.idf, reverse=True)
        total, need, out, got = self.weight(ranks), 0.0, [], 0.0
        need = (1 - SUPPORT_SHARE) * total
        for r in ranks:
            out.append(r)
            got += self.idf(r)
            if got > need:
                break
        return out

    def keep(self, a: int, b: int) -> bool:
        why = self.reason(a, b)
        self.verdicts[why] += 1
        return why == "kept"

    def reason(self, a: int, b: int) -> str:
        """"kept", or why not: "list", "stock", "figures", "quotes", "formula", "residual"."""
        wa, wb = self.t.where(a), self.t.where(b)
        fa, fb = self.feature_of(*wa[0]), self.feature_of(*wb[0])
        if (fa and fa.is_list) or (fb and fb.is_list):
            return "list"
        if ((fa and fa.stock) or (fb and fb.stock)) and self._apart(wa, wb):
            return "stock"
        if fa and fb and fa.figures and fb.figures:
            both, fewest = len(fa.figures & fb.figures), min(len(fa.figures), len(fb.figures))
            if both < fewest and both <= 0.5 * fewest:
                return "figures"
        if fa and fb and fa.quoted and fb.quoted and \
                len(fa.quoted & fb.quoted) < QUOTE_OVERLAP * min(len(fa.quoted), len(fb.quoted)):
            return "quotes"
        ta, tb = frozenset(self.t.terms(a)), frozenset(self.t.terms(b))
        formula = self.formula(ta, tb, {aid for aid, _ in wa} | {aid for aid, _ in wb},
                               [self.t.date_of(aid) for aid, _ in wa + wb])
        rest = (ta & tb) - formula
        if len(rest) < RESIDUAL_MIN_TERMS:
            return "formula"
        if self._wj(ta - formula, tb - formula) < RESIDUAL_SIMILARITY:
            return "residual"
        return "kept"

    def together(self, a: tuple[str, int], b: tuple[str, int]) -> bool:
        """Whether two paragraphs with the same terms (one group of the table) echo: the same
        stock text in articles apart in time does not (rule 4)."""
        f = self.feature_of(*a)
        return not (f and f.stock and self._apart([a], [b]))

    def _apart(self, wa, wb) -> bool:
        """Whether every article of the one side is more than UNRELATED_DAYS from every article
        of the other: two events, not one."""
        da = [d for d in (_day(self.t.date_of(aid)) for aid, _ in wa) if d is not None]
        db = [d for d in (_day(self.t.date_of(aid)) for aid, _ in wb) if d is not None]
        return bool(da and db) and all(abs(x - y) > UNRELATED_DAYS for x in da for y in db)

    def formula(self, ta: frozenset[int], tb: frozenset[int], articles: set[str],
                dates: list[str | None]) -> frozenset[int]:
        """The shared terms that recur, as one shape, in unrelated articles (empty if the shape
        does not recur in SUPPORT_MIN of them)."""
        shared = ta & tb
        if not shared:
            return frozenset()
        if self._postings is None:
            self.prepare([])
        need = SUPPORT_SHARE * self.weight(shared)
        days = [d for d in map(_day, dates) if d is not None]
        seen: set[int] = set()
        supporters: list[frozenset[int]] = []
        support_articles: set[str] = set()
        for r in self._probe(shared):
            for gid in self._postings.get(r, ()):
                if gid in seen:
                    continue
                seen.add(gid)
                terms = frozenset(self.t.terms(gid))
                if self.weight(terms & shared) < need:
                    continue
                where = [w for w in self.t.where(gid) if w[0] not in articles and self._far(w[0], days)]
                if not where or self._wj(terms, ta) >= NEAR_COPY or self._wj(terms, tb) >= NEAR_COPY:
                    continue
                supporters.append(terms & shared)
                support_articles.update(aid for aid, _ in where)
                if len(supporters) >= SUPPORT_ENOUGH:
                    break
            if len(supporters) >= SUPPORT_ENOUGH:
                break
        if len(support_articles) < SUPPORT_MIN:
            return frozenset()
        counts = Counter(r for s in supporters for r in s)
        return frozenset(r for r in shared if counts[r] >= FORMULA_SHARE * len(supporters))

    def _far(self, aid: str, days: list[int]) -> bool:
        d = _day(self.t.date_of(aid))
        return d is None or all(abs(d - x) > UNRELATED_DAYS for x in days)


def feature_lookup(by_article: Mapping[str, Mapping[int, Features]]) -> Callable[[str, int], Features | None]:
    def get(aid: str, n: int) -> Features | None:
        return by_article.get(aid, {}).get(n)

    return get
