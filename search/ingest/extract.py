"""Metadata read from an article's own text: source, editors, outlet, dateline and date.

This module owns turning a `Cleaned` text (see `search.clean`) into metadata values. Everything
found here is "stated" (the text says it); callers let explicit metadata override it. It is pure:
no files, no clock. `extract(cleaned, reference_date)` returns {field: Found(value, note)}; a
Found with value None carries a note saying why a field the text seems to give was left unknown
(e.g. a date that contradicts its weekday).

* "Sumber: Reuters | Editor: Herlina Kartika Dewi" -> source "Reuters", editors [that name].
* "KONTAN.CO.ID - SEOUL." -> outlet from `OUTLETS` ("Kontan"), dateline "Seoul" (title case).
* "[jm/lt]" at the end -> editors ["lt"]: by newsroom convention a closing tag gives the
  writer's code, then the editor's; codes are not names, so "jm" is not an author. A single
  code ("[feb]") does not say whose it is: no editor, and the note says why.
* Credit lines: "Penulis: A | Editor: B", "Pewarta: A / Editor: B", "Reporter: A", "Rep: A Red:
  B", "Oleh: A", "Laporan wartawan Tribunnews.com, A" -> authors [A], editors [B] (`credits`).
* A closing "(Yendhi / win)" (a name written out, then initials) or "[Priscilla Trisna]" ->
  authors ["Yendhi"] / ["Priscilla Trisna"], basis "inferred": by the newsroom convention that
  a closing tag names the writer (then the editor), not by a word of the text.
* The first Indonesian day name followed by "(d/m)" or "(d/m/yyyy)" gives the date. A full date
  whose weekday disagrees with the day name is not used. A date without a year takes the year
  (reference year, the year before, or the year after) whose date falls on that weekday and is
  closest on or before `reference_date` + `TOLERANCE`.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from typing import NamedTuple
from urllib.parse import urlsplit

from search.ingest.boilerplate import AUTHOR_ROLES, EDITOR_ROLES
from search.ingest.clean import Cleaned
from search.text.calendar import DAY_FORMS, DAY_PATTERN, MONTH_FORMS, day_name, month_name

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
    "juara.net": "Juara.net",
    "juara.bolasport.com": "Juara.net",
    "bolasport.com": "BolaSport",
    "dailysocial.id": "DailySocial",
    "goal.com": "Goal Indonesia",
    "rimanews.com": "Rimanews",
    "poskotanews.com": "Pos Kota",
}

#: Outlet names as dumps and datelines write them (lowercased) -> display names. IndoSum's
#: `source` values are all here, so `--map outlet=source` gives display names.
OUTLET_NAMES: dict[str, str] = {
    "cnn indonesia": "CNN Indonesia", "cnbc indonesia": "CNBC Indonesia",
    "antara": "ANTARA", "antara news": "ANTARA", "antaranews": "ANTARA",
    "pos kota": "Pos Kota", "poskota": "Pos Kota", "poskotanews": "Pos Kota",
    "merdeka": "Merdeka", "suara": "Suara", "kumparan": "kumparan", "rimanews": "Rimanews",
    "juara.net": "Juara.net", "goal indonesia": "Goal Indonesia", "dailysocial.id": "DailySocial",
    "kompas": "Kompas", "kontan": "Kontan", "tempo": "Tempo", "detikcom": "detikcom",
    "detiknews": "detikcom", "tribunnews": "Tribunnews", "okezone": "Okezone",
    "republika": "Republika", "voa": "VOA Indonesia", "bbc": "BBC News Indonesia",
    "bbc news indonesia": "BBC News Indonesia", "idn times": "IDN Times", "katadata": "Katadata",
    "liputan6": "Liputan6", "beritasatu": "Beritasatu", "medcom": "Medcom", "inews": "iNews",
}

#: How far after the reference date a year-less date may still fall (a reference date set a
#: few days early should not push the date back a whole year).
TOLERANCE = timedelta(days=7)

DAY_DATE = re.compile(
    r"\b(?P<day>" + DAY_PATTERN + r")\s*,?\s*"
    r"\(\s*(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})(?:\s*/\s*(?P<y>\d{4}|\d{2}))?\s*\)",
    re.I,
)


class Found(NamedTuple):
    value: object  # str, list[str], or None when the text's claim was not usable
    note: str | None = None
    basis: str = "stated"


_ROLE_SPLIT = re.compile(r"\b(" + "|".join(AUTHOR_ROLES + EDITOR_ROLES + ("Sumber",)) + r")\s*:\s*")
_NAME_SPLIT = re.compile(r"\s*(?:,|&|\bdan\b)\s*")


def credits(line: str) -> dict[str, list[str]]:
    """A credit line -> {"authors": [...], "editors": [...], "source": [...]}: "Penulis: Ani |
    Editor: Budi" -> authors ["Ani"], editors ["Budi"]; "Oleh Ani dan Budi" -> authors [both]."""
    out: dict[str, list[str]] = {"authors": [], "editors": [], "source": []}
    text = line.strip().strip("()[]").strip()
    if text.startswith("Oleh ") and ":" not in text[:6]:
        text = "Oleh: " + text[5:]
    parts = _ROLE_SPLIT.split(text)
    for role, names in zip(parts[1::2], parts[2::2]):
        names = names.strip().rstrip(".").strip(" |;/,")
        names = names.split(", ")[0] if role in AUTHOR_ROLES and re.search(r",\s*[a-z]", names) else names
        key = "authors" if role in AUTHOR_ROLES else "editors" if role in EDITOR_ROLES else "source"
        for name in _NAME_SPLIT.split(names):
            name = " ".join(name.split()).strip(" |;/")
            if name and name not in out[key]:
                out[key].append(name)
    return out


def outlet_name(domain: str) -> str:
    """Display name for a news domain ("KONTAN.CO.ID" -> "Kontan"); a subdomain falls back to
    its parent ("m.goal.com" -> "Goal Indonesia")."""
    domain = domain.strip().lower().removeprefix("www.")
    labels = domain.split(".")
    for i in range(len(labels) - 1):
        if ".".join(labels[i:]) in OUTLETS:
            return OUTLETS[".".join(labels[i:])]
    return labels[0].replace("-", " ").title()


def display_outlet(name: str) -> str:
    """A named outlet as written in a dateline or a dump -> its display name ("ANTARA News" ->
    "ANTARA", "cnn indonesia" -> "CNN Indonesia", "Suara.com" -> "Suara"). Unknown names are kept."""
    key = " ".join(name.split()).lower()
    if key in OUTLET_NAMES:
        return OUTLET_NAMES[key]
    if re.fullmatch(r"[a-z0-9-]+(?:\.[a-z]{2,}){1,2}", key):
        return outlet_name(key)
    return " ".join(name.split())


def outlet_from_url(url: str) -> str | None:
    """The outlet of an article address, from its host, or None when it has none."""
    host = urlsplit(url.strip()).hostname if url else None
    return outlet_name(host) if host and "." in host else None


def extract(cleaned: Cleaned, reference_date: date | None = None) -> dict[str, Found]:
    """Every metadata field the text states. Fields the text says nothing about are absent."""
    found: dict[str, Found] = {}
    editors: list[str] = []
    notes: list[str] = []
    authors: list[str] = []
    author_notes: list[str] = []
    writers: list[str] = []  # from a closing tag (inferred)
    writer_notes: list[str] = []
    tags: list[str] = []  # closing tags of one code: whose it is is not stated

    for cap in cleaned.captures:
        g = cap.groups
        source = g.get("source") or g.get("source2")
        if source and "source" not in found:
            found["source"] = Found(source.strip().rstrip("."), cap.text)
        if g.get("outlet") and "outlet" not in found:
            found["outlet"] = Found(display_outlet(g["outlet"]), cap.text)
        if g.get("domain") and "outlet" not in found:
            found["outlet"] = Found(outlet_name(g["domain"]), cap.text)
        if g.get("city") and "dateline" not in found:
            found["dateline"] = Found(title_case(g["city"]), cap.text)
        names = [g["editor"]] if g.get("editor") else []
        if cap.kind == "editor-tag":
            # Newsroom convention: "writer / editor" codes; the writer's code is not a name, and
            # a single code does not say whose it is (kept in the note only).
            codes = [c.strip() for c in g["editors"].split("/") if c.strip()]
            if len(codes) > 1:
                names.append(codes[-1])
            else:
                tags.append(cap.text)
        else:
            names += g.get("editors", "").split("/") if g.get("editors") else []
        if cap.kind == "credits":
            said = credits(g["credits"])
            names += said["editors"]
            _add(authors, author_notes, said["authors"], cap.text)
            if said["source"] and "source" not in found:
                found["source"] = Found(said["source"][0], cap.text)
        writer = g.get("writer") or g.get("writer2")
        if writer and cap.kind == "report-credit":
            _add(authors, author_notes, [writer], cap.text)
        elif writer:
            _add(writers, writer_notes, [writer], cap.text)
        for name in (n.strip() for n in names):
            if name and name not in editors:
                editors.append(name)
                if cap.text not in notes:
                    notes.append(cap.text)
    if editors:
        found["editors"] = Found(editors, "; ".join(notes) + (
            ": by newsroom convention the last code is the editor's" if any(
                c.kind == "editor-tag" for c in cleaned.captures) else ""))
    elif tags:
        found["editors"] = Found(None, f"closing tag {'; '.join(tags)}: a staff code; the text "
                                       f"does not say whose it is")
    if authors:
        found["authors"] = Found(authors, "; ".join(author_notes))
    elif writers:
        found["authors"] = Found(writers, "closing tag " + "; ".join(writer_notes)
                                 + ": by newsroom convention the writer's name", "inferred")

    dated = find_date(cleaned.paragraphs, reference_date)
    if dated is not None:
        found["date"] = dated
    return found


def _add(names: list[str], notes: list[str], new: list[str], said: str) -> None:
    for name in new:
        if name not in names:
            names.append(name)
            if said not in notes:
                notes.append(said)


def title_case(city: str) -> str:
    """"SEOUL" -> "Seoul", "BANDA ACEH" -> "Banda Aceh"; mixed-case input is kept."""
    city = " ".join(city.split())
    return city.title() if city.isupper() else city


#: Indonesian time zones -> offset from UTC.
ZONES = {"WIB": "UTC+7", "WITA": "UTC+8", "WIT": "UTC+9"}
_DAY = r"(?P<day>" + DAY_PATTERN + ")"
_MON = r"(?P<mon>" + "|".join(sorted(MONTH_FORMS, key=len, reverse=True)) + r")\.?"
_TIME = r"(?:pukul|jam|pk\.?)?\s*(?P<h>\d{1,2})[.:](?P<mi>\d{2})\s*(?P<tz>WITA|WIB|WIT)\b"
LONG_DATE = re.compile(r"\b(?P<d>\d{1,2})\s+" + _MON + r"\s+(?P<y>\d{4})\b", re.I)
NUM_DATE = re.compile(r"\b(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})\s*/\s*(?P<y>\d{4})\b")
TIME = re.compile(r"\b" + _TIME, re.I)
#: A cheap test for paragraphs that may hold a dating expression (a day name or a time zone).
_DATE_HINTS = ("senin", "selasa", "rabu", "kamis", "jum", "sabtu", "minggu", "ahad", "wib", "wit")
#: Forms that date the article itself: a day name with a date, or a date with a zoned time
#: (a timestamp). A bare "19 Mei 2013" in the text is often some other event and is not used.
TEXT_DATES = (
    DAY_DATE,
    re.compile(r"\b" + _DAY + r"\s*,?\s*\(?\s*(?P<d>\d{1,2})\s+" + _MON + r"\s+(?P<y>\d{4})\b", re.I),
    re.compile(r"\b" + _DAY + r"\s*,\s*(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})\s*/\s*(?P<y>\d{4})\b", re.I),
    re.compile(r"\b(?P<d>\d{1,2})\s+" + _MON + r"\s+(?P<y>\d{4})\s*,?\s*" + _TIME, re.I),
    re.compile(r"\b(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})\s*/\s*(?P<y>\d{4})\s*,?\s*" + _TIME, re.I),
)


def find_date(paragraphs: list[str], reference_date: date | None) -> Found | None:
    """The date of the first dating expression in the text (see `TEXT_DATES`), with any WIB/
    WITA/WIT time in the same paragraph in its note; None if the text dates nothing."""
    for para in paragraphs:
        low = para.lower()
        if not any(word in low for word in _DATE_HINTS):
            continue
        hits = [m for rx in TEXT_DATES for m in [rx.search(para)] if m]
        if hits:
            m = min(hits, key=lambda h: h.start())
            found = resolve_day_date(m, reference_date)
            t = TIME.search(para)
            if found.value and t:
                found = Found(found.value, f"{found.note}; time {zoned(t)}")
            return found
    return None


def zoned(t: re.Match) -> str:
    """A time match -> "14.30 WIB (UTC+7)"."""
    tz = t.group("tz").upper()
    return f"{int(t.group('h')):02d}.{t.group('mi')} {tz} ({ZONES[tz]})"


def parse_date_text(text: str) -> str | None:
    """An Indonesian date written out -> ISO: "27 Maret 2017", "Senin, 27/3/2017 14:30 WIB",
    "27/3/2017". None when `text` holds no such date or it is not a real calendar date."""
    for rx in (LONG_DATE, NUM_DATE):
        m = rx.search(text)
        if m:
            try:
                return date(int(m.group("y")), _month(m), int(m.group("d"))).isoformat()
            except ValueError:
                return None
    return None


def _month(m: re.Match) -> int:
    mon = m.groupdict().get("mon")
    return MONTH_FORMS[mon.lower()] if mon else int(m.group("m"))


def resolve_day_date(m: re.Match, reference_date: date | None) -> Found:
    said = m.group(0)
    day = m.groupdict().get("day")
    weekday = DAY_FORMS[day.lower().replace("’", "'")] if day else None
    d, mo = int(m.group("d")), _month(m)
    if m.group("y"):
        year = int(m.group("y"))
        year += 2000 if year < 100 else 0
        try:
            when = date(year, mo, d)
        except ValueError:
            return Found(None, f"text says '{said}', which is not a real date; date left unknown")
        if weekday is not None and when.weekday() != weekday:
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
    return f"{when.day} {month_name(when.month, 'en')} {when.year}"


def weekday_name(n: int) -> str:
    """0 -> "Monday (Senin)"."""
    return f"{day_name(n, 'en')} ({day_name(n)})"
