"""Exports and feeds as text: CSV and JSON Lines rows (one per matching paragraph, from
search.query.export) and an Atom feed of the newest matches. Streams of str chunks, so the web
layer sends them as they come. Everything written is escaped for its format.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape, quoteattr

from search.present.citations import display_title
from search.query.export import Notice, Row

COLUMNS = ("article_id", "n", "url", "text", "matched", "title", "outlet", "date", "source",
           "authors", "editors", "tags", "dateline", "original_url")
FORMATS = ("csv", "jsonl")


def record(row: Row, base: str) -> dict:
    a = row.article
    return {"article_id": a.id, "n": row.n, "url": base + row.path, "text": row.text,
            "matched": row.matched, "title": a.title, "outlet": a.outlet, "date": a.date,
            "source": a.source, "authors": list(a.authors), "editors": list(a.editors), "tags": list(a.tags),
            "dateline": a.dateline, "original_url": a.url}


def notice_text(n: Notice) -> str:
    return (f"Export stopped at {n.limit} rows: {n.rows} rows from {n.written} of {n.articles} "
            f"matching articles were written. Narrow the search (a date range, an outlet) to export the rest.")


def as_jsonl(items: Iterable[Row | Notice], base: str) -> Iterator[str]:
    for item in items:
        if isinstance(item, Notice):
            yield json.dumps({"notice": notice_text(item), "truncated": True, "rows": item.rows,
                              "articles": item.articles, "articles_written": item.written}) + "\n"
        else:
            yield json.dumps(record(item, base), ensure_ascii=False) + "\n"


def as_csv(items: Iterable[Row | Notice], base: str) -> Iterator[str]:
    buf = io.StringIO()
    out = csv.writer(buf)

    def flush() -> str:
        text = buf.getvalue()
        buf.seek(0)
        buf.truncate()
        return text

    out.writerow(COLUMNS)
    yield flush()
    for item in items:
        if isinstance(item, Notice):  # a last row with no article: the notice in the text column
            out.writerow(["", "", "", notice_text(item)] + [""] * (len(COLUMNS) - 4))
        else:
            r = record(item, base)
            out.writerow([r[c] if not isinstance(r[c], list) else "; ".join(r[c])
                          for c in COLUMNS[:-1]] + [r["original_url"] or ""])
        yield flush()


def atom(title: str, self_url: str, page_url: str, entries: list[tuple], base: str) -> str:
    """An Atom feed: entries are (article, best paragraph text, article page path)."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    updated = max((a.date for a, _, _ in entries if a.date), default=None)
    lines = ['<?xml version="1.0" encoding="utf-8"?>', '<feed xmlns="http://www.w3.org/2005/Atom">',
             f"  <title>{escape(title)}</title>", f"  <id>{escape(self_url)}</id>",
             f"  <link rel=\"self\" href={quoteattr(self_url)}/>",
             f"  <link rel=\"alternate\" type=\"text/html\" href={quoteattr(page_url)}/>",
             f"  <updated>{updated + 'T00:00:00Z' if updated else now}</updated>",
             "  <generator>Kliping</generator>"]
    for a, text, path in entries:
        link = base + path
        lines += ["  <entry>", f"    <title>{escape(display_title(a))}</title>", f"    <id>{escape(link)}</id>",
                  f"    <link href={quoteattr(link)}/>",
                  f"    <updated>{a.date + 'T00:00:00Z' if a.date else now}</updated>",
                  f"    <author><name>{escape(a.outlet or 'Kliping')}</name></author>",
                  f"    <summary>{escape(text)}</summary>", "  </entry>"]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"
