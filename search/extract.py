"""Metadata read from an article's own text: source, editors, outlet, dateline and date.

This module owns turning a `Cleaned` text (see `search.clean`) into metadata values. Everything
found here is "stated" (the text says it); callers let explicit metadata override it. It is pure:
no files, no clock. `extract(cleaned, reference_date)` returns {field: Found(value, note)}; a
Found with value None carries a note saying why a field the text seems to give was left unknown
(e.g. a date that contradicts its weekday).

* "Sumber: Reuters | Editor: Herlina Kartika Dewi" -> source "Reuters", editors [that name].
* "KONTAN.CO.ID - SEOUL." -> outlet from `OUTLETS` ("Kontan"), dateline "Seoul" (title case).
* "[jm/lt]" at the end -> editors ["jm", "lt"].
* The first Indonesian day name followed by "(d/m)" or "(d/m/yyyy)" gives the date. A full date
  whose weekday disagrees with the day name is not used. A date without a year takes the year
  (reference year, the year before, or the year after) whose date falls on that weekday and is
  closest on or before `reference_date` + `TOLERANCE`.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from typing import NamedTuple

from search.clean import Cleaned

#: Indonesian news domains -> the outlet's display name. Unlisted domains fall back to the
#: first label, title-cased ("contoh.co.id" -> "Contoh").
OUTLETS: dict[str, str] = {
    "kontan.co.id": "Kontan",
    "kompas.com": "Kompas",
    "detik.com": "detikcom",
    "cnnindonesia.com": "CNN Indonesia",
    "tempo.co": "Tempo",
    "antaranews.com": "ANTARA",
    "liputan6.com": "Liputan6",
    "voaindonesia.com": "VOA Indonesia",
    "tribunnews.com": "Tribunnews",
    "republika.co.id": "Republika",
    "merdeka.com": "Merdeka",
    "suara.com": "Suara",
    "kumparan.com": "kumparan",
    "okezone.com": "Okezone",
    "cnbcindonesia.com": "CNBC Indonesia",
    "bisnis.com": "Bisnis.com",
    "katadata.co.id": "Katadata",
    "idntimes.com": "IDN Times",
    "bbc.com": "BBC News Indonesia",
}

#: Day names -> Python weekday numbers (Monday = 0).
DAYS: dict[str, int] = {
    "senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "jum'at": 4,
    "sabtu": 5, "minggu": 6, "ahad": 6,
}
DAY_NAMES = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
_EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")

#: How far after the reference date a year-less date may still fall (a reference date set a
#: few days early should not push the date back a whole year).
TOLERANCE = timedelta(days=7)

DAY_DATE = re.compile(
    r"\b(?P<day>Senin|Selasa|Rabu|Kamis|Jum['’]?at|Sabtu|Minggu|Ahad)\s*,?\s*"
    r"\(\s*(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})(?:\s*/\s*(?P<y>\d{4}|\d{2}))?\s*\)",
    re.I,
)


class Found(NamedTuple):
    value: object  # str, list[str], or None when the text's claim was not usable
    note: str | None = None


def outlet_name(domain: str) -> str:
    """Display name for a news domain ("KONTAN.CO.ID" -> "Kontan")."""
    domain = domain.strip().lower().removeprefix("www.")
    if domain in OUTLETS:
        return OUTLETS[domain]
    return domain.split(".")[0].replace("-", " ").title()


def extract(cleaned: Cleaned, reference_date: date | None = None) -> dict[str, Found]:
    """Every metadata field the text states. Fields the text says nothing about are absent."""
    found: dict[str, Found] = {}
    editors: list[str] = []
    notes: list[str] = []

    for cap in cleaned.captures:
        g = cap.groups
        if g.get("source") and "source" not in found:
            found["source"] = Found(g["source"].strip(), cap.text)
        if g.get("outlet") and "outlet" not in found:
            found["outlet"] = Found(g["outlet"].strip(), cap.text)
        if g.get("domain") and "outlet" not in found:
            found["outlet"] = Found(outlet_name(g["domain"]), cap.text)
        if g.get("city") and "dateline" not in found:
            found["dateline"] = Found(title_case(g["city"]), cap.text)
        names = [g["editor"]] if g.get("editor") else []
        names += g.get("editors", "").split("/") if g.get("editors") else []
        for name in (n.strip() for n in names):
            if name and name not in editors:
                editors.append(name)
                if cap.text not in notes:
                    notes.append(cap.text)
    if editors:
        found["editors"] = Found(editors, "; ".join(notes))

    dated = find_date(cleaned.paragraphs, reference_date)
    if dated is not None:
        found["date"] = dated
    return found


def title_case(city: str) -> str:
    """"SEOUL" -> "Seoul", "BANDA ACEH" -> "Banda Aceh"; mixed-case input is kept."""
    city = " ".join(city.split())
    return city.title() if city.isupper() else city


def find_date(paragraphs: list[str], reference_date: date | None) -> Found | None:
    """The date of the first day-name + (d/m[/y]) in the text, or None if there is none."""
    for para in paragraphs:
        m = DAY_DATE.search(para)
        if m:
            return resolve_day_date(m, reference_date)
    return None


def resolve_day_date(m: re.Match, reference_date: date | None) -> Found:
    said = m.group(0)
    weekday = DAYS[m.group("day").lower().replace("’", "'")]
    d, mo = int(m.group("d")), int(m.group("m"))
    if m.group("y"):
        year = int(m.group("y"))
        year += 2000 if year < 100 else 0
        try:
            when = date(year, mo, d)
        except ValueError:
            return Found(None, f"text says '{said}', which is not a real date; date left unknown")
        if when.weekday() != weekday:
            return Found(None, f"text says '{said}', but {human(when)} was a "
                               f"{weekday_name(when.weekday())}; date left unknown")
        return Found(when.isoformat(), said)

    if reference_date is None:
        return Found(None, f"text says '{said}' without a year and no reference_date is set; "
                           f"date left unknown")
    ref = reference_date
    candidates = []
    for year in (ref.year + 1, ref.year, ref.year - 1):
        try:
            when = date(year, mo, d)
        except ValueError:
            continue
        if when.weekday() == weekday and when <= ref + TOLERANCE:
            candidates.append(when)
    if not candidates:
        return Found(None, f"text says '{said}', but no {d}/{mo} in {ref.year - 1}-{ref.year} "
                           f"before reference date {ref.isoformat()} was a "
                           f"{weekday_name(weekday)}; date left unknown")
    when = max(candidates)
    return Found(when.isoformat(), f"{said}; year from reference date {ref.isoformat()}")


def human(when: date) -> str:
    """date(2024, 6, 16) -> "16 June 2024" (notes are in English, quotes in Indonesian)."""
    return f"{when.day} {_EN_MONTHS[when.month - 1]} {when.year}"


def weekday_name(n: int) -> str:
    """0 -> "Monday (Senin)"."""
    return f"{_EN_DAYS[n]} ({DAY_NAMES[n]})"
