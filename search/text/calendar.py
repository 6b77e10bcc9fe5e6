"""Month and day names, the one home of every word Kliping reads or writes about dates.

Indonesian first, English second (the interface's languages); weekdays Monday first, as
Python's `date.weekday()`. `MONTH_FORMS` and `DAY_FORMS` are the written forms the ingest step
reads in news text (abbreviations, old spellings, Jum'at, Ahad); `DAY_PATTERN` is the same days
as a regular expression.
"""
from __future__ import annotations

MONTHS = {
    "id": ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
           "September", "Oktober", "November", "Desember"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}
DAYS = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}

#: Written forms (lowercase) -> month number: full names, abbreviations, old spellings.
MONTH_FORMS: dict[str, int] = {
    **{name.lower(): n for n, name in enumerate(MONTHS["id"], 1)},
    "jan": 1, "feb": 2, "pebruari": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "agu": 8, "agt": 8,
    "ags": 8, "agus": 8, "sep": 9, "sept": 9, "okt": 10, "nov": 11, "nopember": 11, "des": 12,
}
#: Written forms (lowercase) -> weekday (Monday = 0).
DAY_FORMS: dict[str, int] = {**{name.lower(): n for n, name in enumerate(DAYS["id"])},
                             "jum'at": 4, "ahad": 6}
#: The Indonesian day names as written in news text, for regular expressions (case-insensitive).
DAY_PATTERN = r"Senin|Selasa|Rabu|Kamis|Jum['’]?at|Sabtu|Minggu|Ahad"


def month_name(n: int, lang: str = "id") -> str:
    """1 -> Januari (January); IndexError outside 1..12."""
    if not 1 <= n <= 12:
        raise IndexError(f"no month {n}")
    return MONTHS.get(lang, MONTHS["id"])[n - 1]


def day_name(n: int, lang: str = "id") -> str:
    return DAYS.get(lang, DAYS["id"])[n]
