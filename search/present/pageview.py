"""What the article page shows about citing: each paragraph's permalinks and citation, the
article's citation in every format, and the metadata reference managers read from the page's
head (Highwire `citation_*` tags as Zotero reads them, Dublin Core, OpenGraph, JSON-LD
`NewsArticle`).

Plain data for the template; nothing here is marked safe (the template escapes it all, and the
JSON-LD is serialised with Jinja's `tojson`, which escapes `<`, `>` and `&`). Unknown values are
left out of the tags: a reference manager then asks, rather than storing a guess.
"""
from __future__ import annotations

import datetime as dt

from search.models import Article
from search.present import cite_formats
from search.present.citations import (
    article_path,
    cite,
    display_title,
    fragment_path,
    original_fragment,
    permalink_path,
)

DESCRIPTION_CHARS = 300


def article_view(article: Article, base_url: str, lang: str, today: dt.date) -> dict:
    base = base_url.rstrip("/")
    api = f"/api{article_path(article.id)}"
    paragraphs = [
        {
            "n": n,
            "text": text,
            "permalink": base + permalink_path(article, n),
            "fragment": base + fragment_path(article, n),
            "original": original_fragment(article, n),
            "citation": cite(article, n, base, today, lang),
            "formats": {fmt: f"{api}/paragraphs/{n}/cite?format={fmt}&download=1"
                        for fmt in cite_formats.FORMATS},
        }
        for n, text in enumerate(article.paragraphs, 1)
    ]
    return {
        "paragraphs": paragraphs,
        "url": base + article_path(article.id),
        "formats": [
            {"format": fmt, "text": cite_formats.render(fmt, [(article, None)], base, today, lang),
             "download": f"{api}/cite?format={fmt}&download=1"}
            for fmt in cite_formats.FORMATS
        ],
        "head": head_tags(article, base),
        "jsonld": json_ld(article, base),
    }


def head_tags(article: Article, base: str) -> list[tuple[str, str, str]]:
    """(attribute, name, content) of every <meta> tag: citation_* (Highwire, read by Zotero and
    Google Scholar), DC.* (Dublin Core) and og:/article: (OpenGraph)."""
    url = base + article_path(article.id)
    title = display_title(article)
    tags = [("name", "citation_title", title)]
    tags += [("name", "citation_author", a) for a in article.authors]
    if article.date:
        tags.append(("name", "citation_publication_date", article.date.replace("-", "/")))
        tags.append(("name", "citation_date", article.date.replace("-", "/")))
    if article.outlet:
        tags.append(("name", "citation_journal_title", article.outlet))
        tags.append(("name", "citation_publisher", article.outlet))
    tags.append(("name", "citation_public_url", url))
    tags.append(("name", "citation_language", "id"))
    tags += [("name", "citation_keywords", tag) for tag in article.tags]
    tags.append(("name", "DC.type", "Text"))
    tags.append(("name", "DC.title", title))
    tags += [("name", "DC.creator", a) for a in article.authors]
    tags += [("name", "DC.contributor", e) for e in article.editors]
    if article.date:
        tags.append(("name", "DC.date", article.date))
    if article.outlet:
        tags.append(("name", "DC.publisher", article.outlet))
    tags.append(("name", "DC.identifier", url))
    tags.append(("name", "DC.language", "id"))
    if article.url:
        tags.append(("name", "DC.source", article.url))
    tags += [("property", "og:type", "article"), ("property", "og:title", title),
             ("property", "og:url", url), ("property", "og:site_name", "Kliping"),
             ("property", "og:locale", "id_ID"),
             ("property", "og:description", description(article))]
    if article.date:
        tags.append(("property", "article:published_time", article.date))
    tags += [("property", "article:author", a) for a in article.authors]
    if article.outlet:
        tags.append(("property", "article:publisher", article.outlet))
    tags += [("property", "article:tag", tag) for tag in article.tags]
    return tags


def description(article: Article) -> str:
    text = " ".join(article.paragraphs[:1])
    return text if len(text) <= DESCRIPTION_CHARS else text[:DESCRIPTION_CHARS].rsplit(" ", 1)[0] + " …"


def json_ld(article: Article, base: str) -> dict:
    """schema.org NewsArticle, as search engines and reference tools read it."""
    url = base + article_path(article.id)
    out: dict = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": display_title(article),
                 "url": url, "mainEntityOfPage": url, "inLanguage": "id",
                 "description": description(article)}
    if article.date:
        out["datePublished"] = article.date
    if article.authors:
        out["author"] = [{"@type": "Person", "name": a} for a in article.authors]
    if article.editors:
        out["editor"] = [{"@type": "Person", "name": e} for e in article.editors]
    if article.outlet:
        out["publisher"] = {"@type": "Organization", "name": article.outlet}
    if article.source:
        out["sourceOrganization"] = {"@type": "Organization", "name": article.source}
    if article.dateline:
        out["locationCreated"] = {"@type": "Place", "name": article.dateline}
    if article.tags:
        out["keywords"] = list(article.tags)
    if article.url:
        out["isBasedOn"] = article.url
    out["archivedAt"] = url
    out["hasPart"] = [{"@type": "WebPageElement", "cssSelector": f"#p{n}",
                       "url": base + permalink_path(article, n)} for n in range(1, len(article.paragraphs) + 1)]
    return out
