"""Questions pasted as queries: which words only frame a question, and how to read around them.

A question is natural language, not keywords: the passage that answers "Siapa ketua KPK?"
does not say `siapa`, and the one that answers "apa nama latin ..." gives the name without
saying `nama`. search.query.parse drops QUESTION_WORDS and QUESTION_PHRASES from plain text
(`plain_text`), reads a query as a question when `asks` says so, and scores each word's
written form without a question particle (`unasked`). Measured by bench/eval_ir.py.
"""
from __future__ import annotations

import re

from search.cache import memoize
from search.settings import DEFAULT, Settings
from search.text.analysis import Analyzer, kept_words

#: Interrogatives, dropped from plain queries that have other words (a query-only stop list:
#: the index keeps them, and `siapa` alone still searches). `apa`/`apakah` are stop words.
QUESTION_WORDS = frozenset("""
    apa apakah siapa siapakah berapa berapakah keberapa keberapakah seberapa kapan kapankah mana
    manakah dimana dimanakah darimana darimanakah kemana kemanakah bagaimana bagaimanakah mengapa
    mengapakah kenapa kenapakah
""".split())
#: Question phrases, dropped whole: an interrogative and a word that only frames the question
#: (the passage answering "apa nama ..." names it, it does not say `nama`). bench/eval_ir.py,
#: Kliping, MRR@10: facqa-dev +0.002, tydiqa-id +0.001.
#: A framing word matches in any written form (dimaksud, di maksud, dimaksudkan, namanya); `_`
#: joins two words (a Latin name is given, not called `latin`; an age is a number, not `umur`).
QUESTION_PHRASES = {
    "apa apakah siapa siapakah": "nama_latin nama",
    "apa apakah": "kepanjangan singkatan arti maksud dimaksud pengertian definisi",
    "berapa berapakah": "jumlah lama banyak umur",
    "mana manakah dimana dimanakah": "letak lokasi",
}


@memoize(8)
def question_re(mode: str) -> re.Pattern:
    """What `Settings.questions` drops: question words and phrases ("phrases"), question
    words only ("words"), or nothing ("off")."""
    if mode == "off":
        return re.compile(r"(?!x)x")
    phrases = [rf"(?:{'|'.join(a.split())})(?:\s+yang)?\s+(?:di\s+)?"
               rf"(?:{'|'.join(b.split()).replace('_', ' +')})(?:kan|nya)?"
               for a, b in QUESTION_PHRASES.items()] if mode == "phrases" else []
    return re.compile(r"(?i)(?<![\w-])(?:" + "|".join(phrases + sorted(QUESTION_WORDS)) + r")(?![\w-])")


QUESTION_RE = question_re("phrases")


def outside_quotes(text: str, fn) -> str:
    """`fn` applied to the text outside balanced quotes; quoted parts are kept as they are."""
    parts = re.split(r'("[^"]*")', text)
    return "".join(p if i % 2 else fn(p) for i, p in enumerate(parts))


def asks(text: str, settings: Settings = DEFAULT) -> bool:
    """A closing `?`, or a question word outside quotes (the title `"Apa Jang Kau Tjari"`
    does not make a query a question)."""
    found = question_re(settings.questions).search(" ".join(re.split(r'"[^"]*"', text)))
    return text.rstrip().endswith("?") or bool(found)


def plain_text(text: str, settings: Settings = DEFAULT) -> str:
    """Outside quotes, brackets and a `?` ending a word (or a quote) are punctuation; question
    words go if others remain."""
    def punctuation(part: str) -> str:
        part = re.sub(r"[()]", " ", part)
        return re.sub(r"(?:(?<=\S)|^)\?+(?=\s|$)", " ", part)

    text = outside_quotes(text, punctuation)
    text = " ".join(w for w in text.split() if w.strip("?*"))
    pattern = question_re(settings.questions)
    kept = outside_quotes(text, lambda part: pattern.sub(" ", part))
    return " ".join(kept.split()) if kept_words(kept) else text


def unasked(form: str, an: Analyzer) -> str:
    """The written form without a question particle, if the stem stays the same: a passage says
    `persen`, `tahun`, not `persenkah`, `tahunkah` (but `menikah` keeps its -kah)."""
    if form[-3:] in ("kah", "tah") and an.stem(form[:-3]) == an.stem(form):
        return form[:-3]
    return form
