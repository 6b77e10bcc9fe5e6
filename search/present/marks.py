"""Quotes marked in a paragraph of the article page.

`mark_quotes(text, marks, hl)` is the paragraph as escaped HTML with the query's terms marked
(search.query.snippets.highlight) and each quote (search.stories.quotebook) wrapped in
`<span class="quote" data-quote="ID">`, so a reader sees what was said and can follow it to its
other appearances. Only our own markup is added; the text itself is escaped.
"""
from __future__ import annotations

from markupsafe import escape

from search.models import QuoteMark
from search.query.highlight import Highlight
from search.query.snippets import highlight


def mark_quotes(text: str, marks: list[QuoteMark], hl: Highlight) -> str:
    spans = sorted((s, e, m.quote) for m in marks for s, e in m.spans if 0 <= s < e <= len(text))
    out, at = [], 0
    for s, e, qid in spans:
        if s < at:  # overlapping spans: the first one wins
            continue
        out.append(highlight(text[at:s], hl))
        out.append(f'<span class="quote" data-quote="{escape(qid)}">{highlight(text[s:e], hl)}</span>')
        at = e
    out.append(highlight(text[at:], hl))
    return "".join(out)
