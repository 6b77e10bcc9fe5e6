"""Interface words in Bahasa Indonesia (first) and English, and date formatting.

Kept in the core, free of Flask, so the CLI, citations and the web pages say the same things.
The words themselves are in search/present/words/, one module a topic.
"""
from __future__ import annotations

import datetime as dt
import importlib
import os
import pkgutil
from collections.abc import Mapping

from search.present import words
from search.text.calendar import month_name

LANGS = ("id", "en")
DEFAULT_LANG = "id"

def _catalog() -> dict[str, dict[str, str]]:
    """Every module of search.present.words merged, per language; a key defined twice is an error."""
    out: dict[str, dict[str, str]] = {lang: {} for lang in LANGS}
    for info in pkgutil.iter_modules(words.__path__):
        module = importlib.import_module(f"{words.__name__}.{info.name}")
        for lang in LANGS:
            found = getattr(module, lang.upper(), {})
            twice = out[lang].keys() & found.keys()
            if twice:
                raise ValueError(f"message keys defined twice ({info.name}): {', '.join(sorted(twice))}")
            out[lang].update(found)
    return out


MESSAGES = _catalog()


def env_lang(environ: Mapping[str, str] | None = None) -> str:
    """The command line's language: Indonesian when the first of LANGUAGE, LC_ALL, LC_MESSAGES
    and LANG that is set (the order gettext reads them in) names it (id, id_ID.UTF-8, or the
    old code in), else English."""
    environ = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            code = value.split(":")[0].split(".")[0].split("_")[0].lower()
            return "id" if code in ("id", "in") else "en"
    return "en"


def t(key: str, lang: str = DEFAULT_LANG, **kw) -> str:
    text = MESSAGES.get(lang, MESSAGES[DEFAULT_LANG]).get(key) or MESSAGES[DEFAULT_LANG].get(key, key)
    return text.format(**kw) if kw else text


def error_message(err, lang: str = DEFAULT_LANG) -> str:
    """A domain error (search.errors) in the reader's language when it carries a message key,
    else its own (English) message: a detail shown under the catalog's headline for its code."""
    if err.key and err.key in MESSAGES.get(lang, MESSAGES[DEFAULT_LANG]):
        return t(err.key, lang, **err.params)
    return err.message


def format_date(value: str | dt.date | None, lang: str = DEFAULT_LANG) -> str:
    """'2024-06-18' -> '18 Juni 2024'; '2024-06' -> 'Juni 2024'; None -> 'tanpa tanggal'."""
    if not value:
        return t("no_date", lang)
    if isinstance(value, dt.date):
        value = value.isoformat()
    parts = value.split("-")
    try:
        if len(parts) == 3:
            return f"{int(parts[2])} {month_name(int(parts[1]), lang)} {parts[0]}"
        if len(parts) == 2:
            return f"{month_name(int(parts[1]), lang)} {parts[0]}"
    except (ValueError, IndexError):
        pass
    return value


def format_number(n: float, lang: str = DEFAULT_LANG, places: int = 0) -> str:
    """3463 -> '3.463' in Indonesian, '3,463' in English; places=2: 0.5 -> '0,50' / '0.50'."""
    text = f"{n:,.{places}f}"
    return text.translate(str.maketrans(",.", ".,")) if lang == "id" else text


def format_datetime(value: str | None, lang: str = DEFAULT_LANG) -> str:
    """An ISO timestamp ('2024-06-18T07:01:17+0000') as its date and time, '18 Juni 2024 07.01'
    ('18 June 2024 07:01'), with its offset from UTC when it has one; None -> 'tidak diketahui'."""
    if not value:
        return t("unknown", lang)
    try:
        when = dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        try:
            when = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    clock = when.strftime("%H.%M" if lang == "id" else "%H:%M")
    zone = ""
    if when.utcoffset() is not None:
        minutes = int(when.utcoffset().total_seconds() // 60)
        zone = " UTC" + (f"{'+' if minutes >= 0 else '-'}{abs(minutes) // 60}" if minutes else "")
        if minutes % 60:
            zone += f":{abs(minutes) % 60:02d}"
    return f"{format_date(when.date(), lang)} {clock}{zone}"
