"""Paragraph permalinks and citations, and which stored addresses may be links.

A permalink is /articles/<id>#p<n>. Ids come from file names or the records' own ids, and
paragraph numbers from the cleaned text's order, so rebuilding from the same files gives the
same links. An article's own `url` is untrusted metadata: only an http or https address with a
host is ever a link (`web_link`); anything else (`javascript:`, `data:`, a bare word) is shown
as text, and the ingest report flags it.
"""
from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from search.models import Article, web_link  # noqa: F401 (pages ask for web_link here)
from search.present.i18n import format_date, t

FIRST_WORDS = 12


def article_path(article_id: str) -> str:
    return "/articles/" + quote(article_id, safe="")


def paragraph_path(article_id: str, n: int) -> str:
    return f"{article_path(article_id)}#p{n}"


def display_title(article: Article, words: int = FIRST_WORDS) -> str:
    """The headline, or the first words of the text followed by an ellipsis."""
    if article.title:
        return article.title
    text = " ".join(article.paragraphs[:1]).split()
    return " ".join(text[:words]) + (" …" if len(text) > words else "")


def cite(article: Article, n: int, base_url: str, accessed: dt.date | None = None,
         lang: str = "id") -> str:
    """A plain-text citation of paragraph n: outlet, title or first words, date, paragraph,
    permalink, date accessed (and the original address when it is known)."""
    accessed = accessed or dt.date.today()
    outlet = article.outlet or f"[{t('field_outlet', lang)} {t('unknown', lang)}]"
    title = display_title(article)
    url = base_url.rstrip("/") + paragraph_path(article.id, n)
    parts = [
        f"{outlet}.",
        f"“{title}”.",
        f"{format_date(article.date, lang)}.",
        f"{t('paragraph', lang)} {n}.",
        f"{url}",
        f"({t('accessed', lang)} {format_date(accessed, lang)}).",
    ]
    text = " ".join(parts)
    if article.url:
        text += f" {t('original', lang)}: {article.url}"
    return text
