"""Answer types: what kind of word answers a question, marked in the index and asked for at query time.

This is predictive annotation (Prager, Brown, Coden and Radev, "Question-answering by predictive
annotation", SIGIR 2000): the passage that answers "Kapan MOU Indonesia-GAM ditandatangani?"
need not repeat any word of the question, but it holds a date, and the one that answers
"Berapa jumlah penduduk kota Padang?" holds a number. So the indexer marks, at the position of
each such word, the type it can answer (`marks`, in the positional field FIELD), and a question
that asks `kapan` or `berapa` (`kind`) adds that mark to its query as one more scored word and
one more word whose nearness to the question's words counts (search.scoring). Only questions do
this: plain keywords never ask for a type.

Two types, both unambiguous in Indonesian text:
- TIME (`kapan`, `tanggal/tahun/bulan/hari berapa`): a year (1800-2099), a month or a day name;
- NUMBER (any other `berapa`): a number written in digits or in words.
"""
from __future__ import annotations

import re

from search.text.calendar import DAYS, MONTHS

FIELD = "answer"
NUMBER, TIME = "angka", "waktu"

NUMBER_WORDS = frozenset("""
    satu dua tiga empat lima enam tujuh delapan sembilan sepuluh sebelas belas puluh ratus
    ribu juta miliar milyar triliun seratus seribu sejuta setengah separuh
""".split())
TIME_WORDS = frozenset(name.lower() for name in MONTHS["id"] + DAYS["id"])
_DIGITS = frozenset("0123456789")
_YEAR = re.compile(r"1[89]\d\d|20\d\d")

_WORD = r"(?<![\w-])(?:{})(?![\w-])"
_WHEN = re.compile(_WORD.format(r"kapan(?:kah)?|(?:tanggal|tahun|bulan|hari)\s+(?:berapa|apa)(?:kah)?"), re.I)
_HOW_MANY = re.compile(_WORD.format(r"(?:ke)?berapa(?:kah)?"), re.I)


def kind(question: str) -> str | None:
    """The answer type a question asks for: TIME, NUMBER or None (`siapa`, `apa`, `di mana`).
    Quoted text is a title or a phrase, not the question (`"Kapan Kawin?"`)."""
    question = re.sub(r'"[^"]*"', " ", question)
    if _WHEN.search(question):
        return TIME
    if _HOW_MANY.search(question):
        return NUMBER
    return None


def marks(terms: list[tuple[str, str, int]]) -> dict[str, list[int]]:
    """Type -> positions of the words that can answer it, from search.analysis.index_terms
    ((stem, surface, position) per term). A year is both a number and a time."""
    numbers: list[int] = []
    times: list[int] = []
    for _stem, word, pos in terms:
        if word[0] in _DIGITS:
            numbers.append(pos)
            if len(word) == 4 and _YEAR.fullmatch(word):
                times.append(pos)
        elif word in NUMBER_WORDS:
            numbers.append(pos)
        elif word in TIME_WORDS:
            times.append(pos)
    return {k: v for k, v in ((NUMBER, numbers), (TIME, times)) if v}
