"""Permalinks and the plain-text citation of an article or of one of its paragraphs, and which
stored addresses may be links.

A paragraph's durable permalink is `/articles/<id>/p<n>-<fingerprint>` (search.present.anchors):
the server resolves it to the paragraph's current anchor, `/articles/<id>#p<n>`, even after the
article was re-ingested with paragraphs inserted, removed or edited. The page keeps its `#p<n>`
anchors, so links of unchanged articles keep working.

Citations say what is known and say "unknown" where it is not: an unknown author, outlet or
date is written as such, never guessed. The structured formats are in
search.present.cite_formats.

An article's own `url` is untrusted metadata: only an http or https address with a host is
ever a link (`web_link`); anything else (`javascript:`, `data:`, a bare word) is shown as text,
and the ingest report flags it.
"""
from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from search.models import Article, web_link
from search.present.anchors import anchor, paragraph_print, text_fragment
from search.present.i18n import format_date, t

FIRST_WORDS = 12


def article_path(article_id: str) -> str:
    return "/articles/" + quote(article_id, safe="")


def paragraph_path(article_id: str, n: int) -> str:
    """The paragraph's anchor on today's page: /articles/<id>#p<n>."""
    return f"{article_path(article_id)}#p{n}"


def permalink_path(article: Article, n: int) -> str:
    """The paragraph's durable permalink: /articles/<id>/p<n>-<fingerprint> (the fingerprint
    stored with the article, when it has them)."""
    return f"{article_path(article.id)}/{anchor(n, article.paragraphs[n - 1], paragraph_print(article, n))}"


def fragment_path(article: Article, n: int) -> str:
    """Today's anchor with a text fragment: the browser scrolls to and highlights the passage."""
    return f"{article_path(article.id)}#p{n}{text_fragment(article.paragraphs[n - 1])}"


def original_fragment(article: Article, n: int) -> str | None:
    """The publisher's address with a text fragment for paragraph n, when the address is known
    and may be a link (`web_link`: http or https, with a host)."""
    url = web_link(article.url)
    if url is None:
        return None
    return url.split("#", 1)[0] + "#" + text_fragment(article.paragraphs[n - 1])


def display_title(article: Article, words: int = FIRST_WORDS) -> str:
    """The headline, or the first words of the text followed by an ellipsis."""
    if article.title:
        return article.title
    text = " ".join(article.paragraphs[:1]).split()
    return " ".join(text[:words]) + (" …" if len(text) > words else "")


def cite_title(article: Article) -> str:
    """The headline; an article without one is described by its first words in square brackets,
    as citation styles mark a title that is not the work's own."""
    return article.title or f"[{display_title(article)}]"


def names(values: list[str]) -> str:
    return ", ".join(values)


def cite(article: Article, n: int | None, base_url: str, accessed: dt.date | None = None,
         lang: str = "id") -> str:
    """A plain-text citation of paragraph n (or of the whole article when n is None): authors,
    date, title or first words, outlet, wire source, editors, paragraph, permalink, date
    accessed, and the original address when it is known."""
    accessed = accessed or dt.date.today()
    base = base_url.rstrip("/")
    url = base + (permalink_path(article, n) if n else article_path(article.id))
    who = names(article.authors) if article.authors else f"[{t('author_unknown', lang)}]"
    when = format_date(article.date, lang) if article.date else t("date_unknown", lang)
    outlet = article.outlet or f"[{t('outlet_unknown', lang)}]"
    extra = [outlet]
    if article.source:
        extra.append(f"{t('wire', lang).lower()}: {article.source}")
    if article.editors:
        extra.append(f"{t('editor', lang).lower()}: {names(article.editors)}")
    title = f"“{article.title}”" if article.title else cite_title(article)
    parts = [f"{who}.", f"({when}).", f"{title}.", "; ".join(extra) + "."]
    if n:
        parts.append(f"{t('paragraph', lang)} {n}.")
    parts.append(f"{url} ({t('accessed', lang)} {format_date(accessed, lang)}).")
    text = " ".join(parts)
    if article.url:
        text += f" {t('original', lang)}: {article.url}"
    return text
