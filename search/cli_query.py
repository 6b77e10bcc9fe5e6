"""The commands that read: query and stats on an archive (as text, or --json), and stem and
analyze on words and text."""
from __future__ import annotations

import json
import sys

from search.cli_common import engine_of, message, say
from search.present import i18n


def cmd_query(args) -> int:
    from search.present.i18n import format_date
    from search.present.jsonview import search_json
    from search.query.archive import Archive
    from search.query.params import SearchRequest

    raw = {"q": args.text, "outlet": args.outlet or [], "editor": args.editor or [], "tag": args.tag or [],
           "source": args.source or [], "from": args.date_from or "", "to": args.date_to or "",
           "sort": args.sort or "", "page": str(args.page), "per_page": str(args.per_page),
           "exact": "1" if args.exact else ""}
    req = SearchRequest.from_args(raw)
    resp = Archive(engine_of(args)).search(req)
    if args.json:
        print(json.dumps(search_json(resp), ensure_ascii=False, indent=2))
        return 0
    lang = i18n.env_lang()
    read = resp.query.describe()
    found = message("cli_found_one" if resp.total == 1 else "cli_found", n=i18n.format_number(resp.total, lang))
    if read:
        found = message("cli_found_for", found=found, read=read)
    say(f"{found} ({i18n.format_number(resp.took_ms, lang, 1)} ms)")
    for i, r in enumerate(resp.results, (req.page - 1) * req.per_page + 1):
        meta = " · ".join(x for x in (r.outlet, format_date(r.date, lang) if r.date else None) if x)
        print(f"\n{i}. {r.title}" + (f"  [{meta}]" if meta else "") + f"  {r.id}")
        for p in r.paragraphs:
            print(f"   ¶{p.n}: {_terminal(p.html)}")
    return 0


def _terminal(html_text: str) -> str:
    import html
    import re

    bold = sys.stdout.isatty()
    text = html_text.replace("<mark>", "\x1b[1m" if bold else "[").replace("</mark>", "\x1b[0m" if bold else "]")
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def cmd_stats(args) -> int:
    from search.query.archive import Archive

    stats = Archive(engine_of(args)).stats()
    if args.json:
        print(json.dumps(stats, ensure_ascii=False, indent=2))
    else:
        lang = i18n.env_lang()
        labels = {k: message("stat_" + k) if i18n.MESSAGES["en"].get("stat_" + k) else k for k in stats}
        width = max(map(len, labels.values())) + 1
        for k, v in stats.items():
            if k in ("first_date", "last_date") and v:
                v = i18n.format_date(v, lang)
            elif k in ("built_at", "updated_at"):
                v = i18n.format_datetime(v, lang) if v else message("about_never")
            elif isinstance(v, int):
                v = i18n.format_number(v, lang)
            print(f"{labels[k]:{width}} {v}")
    return 0


def cmd_stem(args) -> int:
    from search.text.stemmer import stem

    words = args.words or (w for line in sys.stdin for w in line.split())
    for w in words:
        print(f"{w}\t{stem(w.lower())}")
    return 0


def cmd_analyze(args) -> int:
    from search.text.analysis import analyze

    print(" ".join(analyze(args.text)))
    return 0
