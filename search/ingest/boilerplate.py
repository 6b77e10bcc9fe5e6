"""The rule tables of the cleaner (search.ingest.clean): what is not article text.

Rules are data, so new sites are new table rows. Each `Rule` has a `kind` that names it in
reports, and its pattern's named groups are captured for `search.ingest.extract`:

* `LINE_RULES` drop a whole line wherever it occurs (player fallback, "by -122 Views",
  "Baca Juga:" and "MEMBACA" link lines, © photo captions, "Sumber: | Editor:" lines, and the
  credit lines of Indonesian outlets: "Penulis: A | Editor: B", "Pewarta: A / Editor: B",
  "Reporter: A", "Rep: A Red: B", "Oleh: A", "Laporan wartawan Tribunnews.com, A"; their
  names are read by `search.ingest.extract.credits`).
* `INLINE_RULES` drop a "Baca juga:" link glued to the end of a line; `LINK_HEADING` and
  `LINK_ITEM` tell a heading of links and the link titles after it.
* `LEAD_RULES` strip a prefix from one of the first `LEAD_SCOPE` paragraphs, once (datelines).
* `TAIL_RULES` strip a suffix from the last paragraph (editor-initials tags).

Beside the tables, the words they are written from: outlets in datelines, wire services,
publication words, and the roles that introduce credited people (`AUTHOR_ROLES`,
`EDITOR_ROLES`, read by `search.ingest.extract` too).
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """One cleaning rule: `kind` names it in reports; named groups in `pattern` are captured."""

    kind: str
    pattern: re.Pattern


def _rule(kind: str, pattern: str, flags: int = 0) -> Rule:
    return Rule(kind, re.compile(pattern, flags))


#: Named outlets that appear in datelines without a domain ("Jakarta, CNN Indonesia --").
DATELINE_NAMES = (r"CNN\s+Indonesia|CNBC\s+Indonesia|ANTARA(?:\s+News)?|Antara(?:news)?|Pos\s*Kota|"
                  r"Rimanews|Tribunnews|Okezone|Republika|Tempo|VOA|BBC(?:\s+News)?(?:\s+Indonesia)?|"
                  r"Kumparan|IDN\s+Times|Katadata|Liputan6|detikcom|detikNews|Beritasatu|Medcom|iNews")
_NAME = (r"(?P<outlet>[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z]{2,}){1,2}(?![A-Za-z])|"
         r"(?:" + DATELINE_NAMES + r")(?![A-Za-z]))")
_CITY = r"(?P<city>[A-Z][A-Za-z'’.]*(?:[ -](?:de |da |del )?[A-Z][A-Za-z'’.]*){0,3})"
_DASH = r"\s*(?:[-–—]\s*){1,2}"
#: Wire services and publications credited in a closing "(Antara)" tag; other capitalized
#: words in brackets ("(Liverpool)", "(Tri)") are left alone: they may be text.
WIRES = (r"Antara|ANTARA|Reuters|AP|AFP|BBC|Xinhua|Bernama|Kyodo|Yonhap|DPA|dpa|Anadolu(?:\s+Agency)?|"
         r"Al\s+Arabiya|Al\s+Jazeera|Sputnik|TASS|CNN|Bloomberg|Metro|Dailymail|Independent|"
         r"Motorsport|Telegraph|Guardian|Huffington\s+Post|The\s+Next\s+Web|Menshealth|Boldsky|"
         r"[A-Z][A-Za-z]+\.com")
_INIT = r"(?:[a-z]{1,10}|\*)"
#: Words that introduce the people credited in a byline or a footer ("Penulis: Ani").
AUTHOR_ROLES = ("Penulis", "Pewarta", "Reporter", "Wartawan", "Kontributor", "Oleh", "Rep", "Teks")
EDITOR_ROLES = ("Editor", "Redaktur", "Red", "Penyunting")
_ROLE1 = r"(?:" + "|".join(AUTHOR_ROLES + EDITOR_ROLES) + r")"
_ROLE = r"(?:" + "|".join(AUTHOR_ROLES + EDITOR_ROLES + ("Sumber",)) + r")"
#: A person's name as bylines write it: capitalized words (with initials, "Moh.", "I", "Al-",
#: particles such as bin or van), at most six words.
NAME = (r"(?:[A-Z][\w'’.-]*|[A-Z]\.)(?:\s+(?:[A-Z][\w'’.-]*|bin|binti|van|von|de|da|al|el)){0,5}")
_NAMES = NAME + r"(?:\s*(?:,|&|\bdan\b)\s*" + NAME + r"){0,4}"
#: Publication words: a closing "[Daily Mail]" credits a publication, not a writer.
PUBLICATION_WORDS = ("Times", "Post", "News", "Mail", "Sport", "Sports", "Echo", "Journal", "Herald",
                     "Daily", "Sun", "Express", "Mirror", "Guardian", "Telegraph", "Agency", "Press",
                     "Tribune", "Today", "Weekly", "Magazine", "Online", "TV", "Radio", "Network",
                     "Channel", "Media", "Web", "Review", "Report", "Insider", "Star", "Football",
                     "Gazzetta", "Marca", "Goal", "Indonesia", "Asia", "World", "Net", "Com")
_CODE = r"[A-Za-z][A-Za-z0-9.]*(?:\s?-\s?[A-Za-z0-9.]+)*"
_AFTER_SENTENCE = r"(?:^|(?<=[.!?…\"”’)\]:])\s*)"

#: Whole lines that are not article text. Matched against the whitespace-collapsed line.
LINE_RULES: tuple[Rule, ...] = (
    _rule("player-fallback", r"^Your browser does(?:n['’]t| not) support HTML5(?: video)?\.?$", re.I),
    _rule("view-count", r"^by\s*-?\s*\d[\d.,]*\s+Views?$", re.I),
    _rule("baca-juga", r"^(?:[\[(]\s*)?(?:Baca|Simak|Lihat|Tonton)\s+(?:juga|pula)\b\s*(?:[:\-–—]|$)"
                       r"|^Baca_Juga$", re.I),
    _rule("membaca", r"^MEMBACA(?:\s|:|$)"),  # uppercase only: "Membaca buku ..." is prose
    _rule("share", r"^(?:Bagikan|Share|Berbagi)(?:\s+(?:artikel|berita|ini|this|article|on|ke|via))*"
                   r"\s*:?\s*(?:(?:Facebook|Twitter|X|WhatsApp|WA|Line|Telegram|E-?mail|LinkedIn|"
                   r"Pinterest|Copy\s*Link|Salin\s*tautan)\s*[,|/·•]?\s*)*$", re.I),
    _rule("subscribe", r"^(?:Ikuti|Follow)\s+(?:kami|berita|akun|kanal|channel|update|perkembangan)\b"
                       r".{0,120}\b(?:di|on|lewat|melalui|via)\s+(?:Twitter|Instagram|Facebook|"
                       r"Google\s*News|WhatsApp|Telegram|YouTube|TikTok|Line)\b"
                       r"|^(?:Download|Unduh)\s+aplikasi\b|^Berlangganan\b.{0,80}$"
                       r"|^(?:Dapatkan|Simak)\s+(?:update|berita|informasi)\b.{0,100}\b(?:Google\s*News|"
                       r"WhatsApp|Telegram|aplikasi|newsletter)\b"
                       r"|^\S+\s+adalah\s+portal\s+berita\b.{0,300}\b(?:member|berlangganan|mengunduh)\b",
          re.I),
    _rule("photo-caption", r"^(?=[^©]{1,300}©).{1,300}?\s©\s*[\w][\w .,&/'’-]{0,60}$"),
    _rule("photo-credit", r"^(?:Foto|Photo|Sumber\s+foto|Kredit\s+foto|Gambar)\s*:\s*(?:\S+\s*){1,10}$"
                          r"|^[^().!?]{1,100}\(\s*(?:Foto|Photo)\s*:\s*[^()]{1,60}\)$"
                          r"|^Ilustrasi\s[^.!?]{1,80}?(?:\.\s*|\s)(?:[A-Z][\w.-]*(?:\s[A-Z][\w.-]*){0,2})$",
          re.I),
    _rule("source-editor",
          r"^Sumber\s*:\s*(?P<source>[^|]+?)\s*\|\s*Editor\s*:\s*(?P<editor>.+?)$", re.I),
    # Penulis: Ani | Editor: Budi / Pewarta: Ani / Editor: Budi / Rep: Ani Red: Budi / Oleh: Ani
    _rule("credits", r"^[(\[]?\s*(?P<credits>" + _ROLE1 + r"\s*:\s*" + _NAMES
                     + r"(?:\s*(?:[|;/,]\s*|\s)\s*" + _ROLE + r"\s*:\s*" + _NAMES + r")*)"
                     r"\s*(?:,\s*[a-z][^|]{0,160})?[)\]]?\.?$"),
    # Oleh Ani Lestari (a byline without a colon: names only, nothing else on the line)
    _rule("credits", r"^(?P<credits>Oleh\s+" + _NAMES + r")$"),
    # Laporan wartawan Tribunnews.com, Ani / Laporan langsung Ani dari Kuala Lumpur / Laporan Ani
    # Lestari dan videografer Budi
    _rule("report-credit", r"^(?:Berdasarkan\s+)?Laporan\s+(?:(?:[Ww]artawan|[Rr]eporter|[Kk]oresponden|"
                           r"[Kk]ontributor|[Jj]urnalis)\s+[\w.]+(?:\s+[A-Z][\w.]*)?\s*,\s*"
                           r"(?P<writer>" + NAME + r")|(?:langsung\s+)?(?P<writer2>[A-Z][\w'’.-]*"
                           r"(?:\s+[A-Z][\w'’.-]*){1,4}))(?:\s+(?:dan|&)\s+(?:videogra(?:f|ph)er|"
                           r"fotogra(?:f|ph)er|kamerawan|juru\s+kamera)\s+" + NAME + r")?"
                           r"(?:\s+dari\s+[A-Z][\w .-]{0,40})?\.?$"),
    _rule("source-credit", r"^Sumber(?:\s+berita)?\s*:\s*(?P<source>(?:[^\s|:]+\s*){1,8}?)\.?$"
                           r"|^Sumber\s+berita\s+(?P<source2>[A-Z][\w.&'’-]*(?:\s[A-Z][\w.&'’-]*){0,3})\.?$"),
    _rule("separator", r"^(?:[*•·=_~]\s*){3,}$"),
)

#: A "Baca juga:" link glued to the end of a line of text: the suffix is dropped.
INLINE_RULES: tuple[Rule, ...] = (
    _rule("baca-juga", r"(?<=[.!?…\"”’])\s+[\[(]?\s*(?:Baca|Simak)\s+juga\s*:.*$", re.I),
)

#: A heading that introduces a list of links ("Baca juga:" alone): the links after it go too.
LINK_HEADING = re.compile(r"^\W*(?:Baca|Simak|Lihat)\s+juga\s*:?\W*$|\s(?:Baca|Simak)\s+juga\s*:\s*$", re.I)
#: A line that looks like a link title: short, not a sentence, not a quotation.
LINK_ITEM = re.compile(r"^(?:[-•*]\s*)?[A-Z0-9][^\"“”]{0,150}(?<![.,;:])$")
LINK_ITEM_WORDS, LINK_LIST_MAX = 20, 8

#: How many leading paragraphs a LEAD_RULE may look at.
LEAD_SCOPE = 2
#: Prefixes of the lede: the city-and-outlet datelines of Indonesian outlets. First match wins.
LEAD_RULES: tuple[Rule, ...] = (
    # KONTAN.CO.ID - SEOUL. Menjelang ...
    _rule("dateline", r"^(?P<domain>[A-Z0-9][A-Z0-9-]*(?:\.[A-Z]{2,}){1,2})\s*[-–—]\s*"
                      r"(?P<city>[A-Z][A-Z'’ -]*[A-Z])\s*[.,]\s+"),
    # Jakarta, CNN Indonesia -- / JAKARTA, KOMPAS.com - / GIANYAR, JUARA.net -
    _rule("dateline", r"^" + _CITY + r"\s*,\s*" + _NAME + _DASH),
    # Jakarta (ANTARA News) - / Jeddah, Saudi Arabia, 27/11 (Antara) - / JAKARTA (Pos Kota) –
    _rule("dateline", r"^" + _CITY + r"(?:\s*,\s*[A-Z][\w ]{1,30}?)?(?:\s*,\s*\d{1,2}\s*/\s*\d{1,2}"
                      r"(?:\s*/\s*\d{2,4})?)?\s*\(\s*" + _NAME + r"\s*\)" + _DASH),
    # JUARA.NET, BANDUNG -
    _rule("dateline", r"^" + _NAME + r"\s*,\s*" + _CITY + _DASH),
    # Merdeka.com - / Rimanews -
    _rule("dateline", r"^" + _NAME + _DASH + r"(?=\S)"),
    # INGGRIS - / KOREA SELATAN – (a city or country alone, in capitals)
    _rule("dateline", r"^(?P<city>[A-Z]{4,}(?:\s[A-Z]{2,}){0,3})\s*[–—-]\s+(?=[A-Z\"“])"),
)

#: Closing tags of the last paragraph, tried until none matches: "[feb]", "(ugo / gil)",
#: "(T.H - ZG / S023)", "(Antara)". A tag follows the end of a sentence or stands alone.
TAIL_RULES: tuple[Rule, ...] = (
    _rule("editor-tag", _AFTER_SENTENCE + r"\[\s*(?P<editors>" + _INIT + r"(?:\s*/\s*" + _INIT
                        + r")*)\s*\]$"),
    _rule("editor-tag", _AFTER_SENTENCE + r"\(\s*(?P<editors>" + _INIT + r"(?:\s*/\s*" + _INIT
                        + r")*)\s*\)$"),
    _rule("editor-tag", _AFTER_SENTENCE + r"[\[(]\s*(?P<editors>(?=[^()\[\]]*\d)" + _CODE
                        + r"(?:\s*/\s*" + _CODE + r")*|[A-Z])\s*[\])]$"),
    # (Yendhi / win): the writer's name written out, then the editor's initials
    _rule("writer-tag", _AFTER_SENTENCE + r"[\[(]\s*(?!(?:" + WIRES + r")\s*/)(?P<writer>[A-Z][a-z]+"
                        r"(?:\s+[A-Z][a-z]+){0,3})\s*/\s*(?P<editors>" + _INIT
                        + r"(?:\s*/\s*" + _INIT + r")*)\s*[\])]$"),
    _rule("source-tag", _AFTER_SENTENCE + r"[\[(]\s*(?P<source>(?:" + WIRES + r"))\s*"
                        r"(?:/\s*(?P<source2>(?:" + WIRES + r"))\s*)?(?:/\s*(?P<editors>" + _INIT
                        + r")\s*)?[\])]$"),
    # [Priscilla Trisna]: a writer's full name closing the text (after the wire tags above)
    _rule("writer-tag", _AFTER_SENTENCE + r"\[\s*(?P<writer>(?!(?:The|Al)\b)[A-Z][a-z]+(?:\s+[A-Z][a-z]+){1,3})"
                        r"(?<!" + r")(?<!".join(PUBLICATION_WORDS) + r")\s*\]$"),
    # (Yendhi): a name alone closing the text, after a sentence, that no wire or publication has
    _rule("writer-tag", _AFTER_SENTENCE + r"\(\s*(?!(?:The|Al)\b)(?P<writer>[A-Z][a-z]{2,}(?:\s+[A-Z][a-z]+){0,2})"
                        r"(?<!" + r")(?<!".join(PUBLICATION_WORDS) + r")\s*\)$"),
    _rule("empty-tag", r"\s*\(\s*\)$"),
)
