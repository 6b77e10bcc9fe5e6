"""Who is speaking: person names in noun phrases, and the cast of an article.

News attributes statements with a noun phrase that stacks offices, ranks and organisations in
front of a name ("Kabid Humas Polda Metro Jaya Kombes Argo Yuwono", "Juru Bicara KPK Febri
Diansyah"), and later refers to the same person by a short name ("Febri"), a nickname
("Jokowi"), an office ("Panglima TNI"), a pronoun ("dia", "ujarnya") or an epithet ("jenderal
polisi bintang dua itu").

- `name_in(words)`: the person name at the end of a capitalised phrase, read backwards from its
  last word. It stops at an office or organisation word (TITLES), an acronym, a function word
  or an affixed common word ("Menurut"), and, once two words are taken, at a common word of the
  stemmer's lexicon; an office word counts as part of a name only between two name words. So
  "Menteri Agama Lukman Hakim Saifuddin" gives "Lukman Hakim Saifuddin" and "Ketua Majelis
  Hakim Arief Hidayat" "Arief Hidayat".
- `Cast`: the people an article has named so far. A short name, a nickname or a bare office is
  resolved to the latest full name it belongs to ("Putin" -> "Vladimir Putin", "Kim" -> "Kim
  Jong Un", "Bamsoet" -> "Bambang Soesatyo", made of the starts of its words; "Panglima TNI" ->
  "Gatot Nurmantyo"); a pronoun or an epithet to whoever came last:
  the latest speaker, or a person named since as the subject of a sentence. Nothing is
  invented: a name the article never gives in full stays as written ("Klopp"), and an unnamed
  speaker ("seorang pejabat", "sumber lain") stays unknown.
"""
from __future__ import annotations

import re

from search.cache import memoize
from search.stories.speakerwords import (
    ALIASES,
    FUNCTION,
    INSTITUTIONS,
    NAME_TITLES,
    OFFICES,
    ORG_HEADS,
    PERSON_NOUNS,
    PLACE_CONTEXT,
    PRONOUNS,
    TITLES,
    UNNAMED,
)
from search.text.analysis import STOP_WORDS
from search.text.stemmer import ROOTS
from search.text.stemmer import get as stemmer

_TITLES_NOT_ORGS, _BODIES = TITLES - ORG_HEADS, INSTITUTIONS | ORG_HEADS
_PLACE_WORDS = sorted(PLACE_CONTEXT | {w.capitalize() for w in PLACE_CONTEXT})
# Patterns here start with a space, a class or a capital, which `re` skips to fast, and look back
# from there: a look-behind or `\b` first is tried at every character. "di Jakarta", "klub Persib":
_PLACE = re.compile(r" (?=[A-Z])(?<=(?:" + "|".join(sorted({w[-2:] for w in _PLACE_WORDS})) + r") )(?:"  # 2 letters
                    + "|".join(r"(?<=\b(?:" + "|".join(w for w in _PLACE_WORDS if len(w) == n) + ") )"  # by length
                               for n in sorted({len(w) for w in _PLACE_WORDS})) + r")([A-Z][\w'’-]+)")
_ALONE = re.compile(r" (?<=[a-z,] )([A-Z][a-z][\w'’-]+)(?=[ ,.][a-z(]|[,.]?$)")
#: "kata X" (X: group 1) or "X mengatakan" (X: from the match's start to group 2's end) in " " + text
_SPEAKING = re.compile(r"[\WA-Z](?:(?<=\W)(?:kata|ujar|ucap|ungkap|tutur|jelas|tegas|imbuh|tambah|terang|"
                       r"lanjut|menurut|Menurut)\s+([A-Z][\w'’-]+)|(?<=[A-Z])([\w'’-]+)\s+(?:mengatakan|"
                       r"menyatakan|menegaskan|menjelaskan|mengungkapkan|menuturkan|menambahkan|mengaku)\b)")
_AFTER_PLACE_WORD = re.compile(r"\b(?:di|ke|dari|menuju|asal)\s+$")
#: A document speaks for whoever issued it: "pernyataan AIAC" is AIAC.
DOCUMENTS = re.compile(r"^(?:pernyataan|rilis|keterangan|laporan|catatan|data|informasi|hasil|"
                       r"siaran pers|keterangan pers|surat kabar|surat|harian|situs|laman|akun)"
                       r"(?:\s+(?:resmi|tertulis|pers))?(?:\s+yang\s+\w+)?\s+", re.I)

_ACRONYM = re.compile(r"^[A-Z0-9][A-Z0-9&.\-]+$")
_NAME_RUN = re.compile(r"[A-Z](?<![\w'’.-].)(?:[\w'’-]*|\.)\s+(?:(?:[A-Z][\w'’-]*|[A-Z]\.)\s+){0,8}"
                       r"[A-Z][\w'’-]+")  # two words or more
#: Capitalised words followed by a verb: the subject of a sentence ("Lucky menolak", "Kapolda
#: Jawa Tengah Irjen Pol Condro Kirono menyatakan").
_SUBJECT = re.compile(r"([A-Z](?<![\w'’.-].)[\w'’-]+),?\s+(?:(?:juga|pun|lalu|kemudian|sempat|telah|sudah|akhirnya|"
                      r"tetap)\s+)?(?:me|ber|di|ter)[a-z]{3,}\b")
_RUN_BEFORE = re.compile(r"[A-Z](?<![\w'’.-].)(?:[\w'’-]*|\.)\s+(?:(?:[A-Z][\w'’-]*|[A-Z]\.)\s+){0,8}$")
_ALIAS_NOTE = re.compile(r"([A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3})\s*\(\s*([A-Z][\w-]{1,15})\s*\)")
_ALIAS_BRACKET = re.compile(r"\(\s*[A-Z][\w-]{1,15}\s*\)")  # the end of an _ALIAS_NOTE, fast to find
_CALLED = re.compile(r"\b([A-Z][\w-]+),?\s+(?:sapaan akrab|sapaan|panggilan akrab|alias)\s+"
                     r"([A-Z][\w-]+(?:\s+[A-Z][\w-]+){0,3})")
_WORD = re.compile(r"\(?[\w'’.-]+\)?")
_STEM = stemmer("kliping").stem


def _capital(word: str) -> bool:
    return word[:1].isupper()


@memoize(16384)
def _common(low: str) -> bool:
    """A function word or an affixed common word (menurut -> turut), never a name."""
    if low in STOP_WORDS or low in FUNCTION:
        return True
    root = _STEM(low)
    return root != low and root in ROOTS and len(low) - len(root) >= 2


def _namelike(word: str) -> bool:
    low = word.lower()
    return _capital(word) and low not in TITLES and not _ACRONYM.match(word) and not _common(low)


def name_in(words: list[str], places: set[str] = frozenset(), orgs: set[str] = frozenset()) -> str | None:
    """The person name ending a phrase's capitalised words, without the offices in front; None
    when the phrase ends in an office, an organisation, a place word or an acronym. A first
    word that the article uses as a place (`places`), or of a name of three words or more as
    an organisation (`orgs`), is left out."""
    name = _name_in(tuple(words))
    if name is None or not (places or orgs):
        return name
    parts = name.split()
    while len(parts) > 1 and (parts[0] in places or (len(parts) > 2 and parts[0] in orgs)):
        parts.pop(0)  # "KJRI Jeddah Rahmat Aming", "Pelatih Arsenal Arsene Wenger"
    return None if all(len(p) == 1 for p in parts) else " ".join(parts)


@memoize(16384)
def _name_in(words: tuple[str, ...]) -> str | None:
    name: list[str] = []
    i = len(words) - 1
    while i >= 0 and len(name) < 5:
        raw = words[i]
        w = raw.strip(",;:()\"'“”")
        if not w or not w[:1].isupper() or raw.startswith("(") or raw.endswith(")"):
            break
        low = w.lower().rstrip(".")
        initial, common = len(low) == 1, _common(low)
        if common and low in STOP_WORDS and name and i > 0 and _namelike(words[i - 1]):
            name.insert(0, w)  # Iqbal Lalu Muhammad: a function word between two names
            i -= 1
            continue
        if (_ACRONYM.match(w) and not initial) or common or low in PERSON_NOUNS:
            break
        if low in TITLES:
            if low in NAME_TITLES and name and i > 0 and _namelike(words[i - 1]) \
                    and words[i - 1].lower() not in ROOTS:
                name.insert(0, w)  # Lukman Hakim Saifuddin: an office word between names
                i -= 1
                continue
            break
        if low in ROOTS and len(name) >= 2:
            break
        name.insert(0, w.rstrip("."))
        i -= 1
    if not name or all(len(n) == 1 for n in name):
        return None
    return " ".join(name)


def words_of(phrase: str) -> list[str]:
    """Words with their dots, hyphens and brackets ("(Gaikindo)" stays marked as an aside)."""
    return _WORD.findall(phrase)


BLEND_MIN = 5  # letters of a nickname blended from a full name's words


def _blend(word: str, parts: list[str], used: int = 0) -> bool:
    """Whether `word` is made of the starts (two letters or more) of two or more of `parts`, in
    order, the last start perhaps with a letter or two more of its word: "jokowi" of Joko
    Widodo, "bamsoet" of Bambang Soesatyo (Bam-Soe-t)."""
    if not word:
        return used >= 2
    for i, part in enumerate(parts):
        for k in range(min(len(part), len(word)), 1, -1):
            if word[:k] != part[:k]:
                continue
            rest = word[k:]
            if _blend(rest, parts[i + 1:], used + 1):
                return True
            if used and 0 < len(rest) <= 2 and _within(rest, part[k:]):
                return True
    return False


def _within(letters: str, word: str) -> bool:
    """Whether `letters` appear in `word` in order."""
    it = iter(word)
    return all(c in it for c in letters)


class Cast:
    """The people an article names, in order, and who spoke or acted last."""

    def __init__(self, paragraphs: list[str] = ()):
        #: Capitalised words the article uses as a place or an organisation ("di Jeddah",
        #: "KJRI Jeddah", "klub Persib"): not the first word of a person's name.
        text = "\n".join(paragraphs)  # one pass of each pattern over the whole article
        self.places: set[str] = set()
        end = -1  # "di Kota Bogor": "Kota", not "Bogor" after the place word just taken
        for m in _PLACE.finditer(text):
            if m.start() != end:
                self.places.add(m.group(1))
                end = m.end()
        # A word used alone ("pemain baru Arsenal") but never for someone speaking ("kata
        # Iqbal") is an organisation or a place before a name: "Arsenal Arsene Wenger".
        alone = {m.group(1) for m in _ALONE.finditer(text)}
        speaking = {m.group(1) or m.string[m.start():m.end(2)] for m in _SPEAKING.finditer(" " + text)}
        self.orgs: set[str] = alone - speaking
        self.full: list[str] = []  # full names (two words or more), latest last
        self.people: set[str] = set()  # everyone who has spoken
        self.aliases: dict[str, str] = {}  # lowercased alias or office -> full name, from the text
        self.clock = 0  # paragraphs read
        self.last_speaker: str | None = None
        self.speaker_at = -1
        self.last_subject: str | None = None  # the latest person a sentence starts with
        self.subject_at = -1
        self.last_person: str | None = None

    def learn(self, paragraph: str) -> None:
        """Names a paragraph states: "Ade Komarudin (Akom)", "Djanur, sapaan akrab Djadjang",
        full names after an office word ("Presiden Joko Widodo"), and who its sentences are
        about."""
        self.clock += 1
        for m in _ALIAS_NOTE.finditer(paragraph) if _ALIAS_BRACKET.search(paragraph) else ():
            full = name_in(words_of(m.group(1)), self.places, self.orgs)
            if full and " " in full:
                self.aliases[m.group(2).lower()] = full
        for m in _CALLED.finditer(paragraph) if "sapaan" in paragraph or "alias" in paragraph \
                or "panggilan" in paragraph else ():
            self.aliases[m.group(1).lower()] = self.resolve_name(m.group(2))
        for m in _NAME_RUN.finditer(paragraph):  # a full name has two words or more
            words = m.group().split()
            if _AFTER_PLACE_WORD.search(paragraph, max(0, m.start() - 8), m.start()):
                continue  # a place: "di Trump Tower", "ke Jakarta"
            name = name_in(words, self.places, self.orgs)
            if not name or (words[0].lower() in ORG_HEADS and not any(w.lower() in _TITLES_NOT_ORGS
                                                                       for w in words)):
                continue
            offices = words[: len(words) - len(name.split())]
            known = self.resolve_name(name)
            if " " in name or known != name:
                self.mention(known)
                if offices and offices[0].lower() in OFFICES:
                    key = " ".join(w.lower() for w in offices if not _common(w.lower()))
                    for k in (key, " ".join(key.split()[:2]), key.split()[0] if key else ""):
                        if k:
                            self.aliases[k] = known

    def subjects(self, paragraph: str) -> None:
        """Whom a paragraph's sentences are about ("X menolak …"): read after its quotes, as a
        pronoun there means someone named before."""
        for m in _SUBJECT.finditer(paragraph):
            run = _RUN_BEFORE.search(paragraph, max(0, m.start() - 120), m.start())
            words = (run.group().split() if run else []) + [m.group(1)]
            name = name_in(words, self.places, self.orgs)
            if not name:
                continue
            known = self.resolve_name(name)
            if " " in known or known in self.aliases.values() or known in self.people:
                self.last_subject, self.subject_at = known, self.clock

    def mention(self, name: str) -> None:
        if " " in name:
            if name in self.full:
                self.full.remove(name)
            self.full.append(name)
        self.last_person = name

    def resolve_name(self, name: str) -> str:
        """A name as the article gave it in full: "Putin" -> "Vladimir Putin"."""
        low = name.lower()
        if low in self.aliases:
            return self.aliases[low]
        target = ALIASES.get(low)
        for full in reversed(self.full):
            fl = full.lower()
            if target and fl == target:
                return full
            if fl != low and f" {low} " in f" {fl} ":
                return full
        if " " not in low and len(low) >= BLEND_MIN:
            for full in reversed(self.full):
                if _blend(low, full.lower().split()):
                    return full
        return name

    def said(self, speaker: str | None) -> None:
        """Someone spoke (None: someone unnamed, whom a following "ujarnya" also means)."""
        self.last_speaker, self.speaker_at = speaker, self.clock
        if speaker:
            self.people.add(speaker)

    def latest(self) -> str | None:
        """Whom a pronoun means: the latest speaker, unless a person has since been the subject
        of a sentence."""
        if self.last_subject and self.subject_at > self.speaker_at:
            return self.last_subject
        if self.speaker_at >= 0:
            return self.last_speaker
        return self.last_subject or self.last_person

    def speaker(self, phrase: str | None) -> str | None:
        """The speaker a phrase stands for (a name, a pronoun, an office, an epithet, an
        institution), or None when it names nobody in particular."""
        if phrase is None:
            return None
        phrase = re.sub(r"(?:\s+(?:lagi|pula|juga|pun|sendiri|tadi))+$", "", phrase.strip(" ,.;:\"'“”"))
        if "," in phrase:  # "General Manager Arema FC, Ruddy Widodo": the part with a name
            for part in phrase.split(","):
                if name_in(words_of(part), self.places):
                    phrase = part
                    break
        document = DOCUMENTS.match(phrase)
        phrase = DOCUMENTS.sub("", phrase)
        called = re.search(r"(?:disapa|dipanggil|sapaan(?:\s+akrab)?)\s+([A-Z][\w-]+)", phrase)
        if called:
            return self.resolve_name(called.group(1))
        words = words_of(phrase)
        while 1 < len(words) <= 4 and _capital(words[0]) and not _capital(words[-1]) \
                and words[0].lower() not in _BODIES \
                and words[-1].lower() not in ("itu", "ini", "tersebut"):
            words.pop()  # "Muhadjir belum": the name without the words after it
        if document and [w.lower() for w in words] in (["tersebut"], ["itu"], ["ini"]):
            return None  # "Menurut surat kabar tersebut": a document, not a person
        if not words:
            return self.latest()
        low = [w.lower().rstrip(".") for w in words]
        if low[-1] in PRONOUNS or low == ["nya"]:
            return self.latest()
        if low[0] in UNNAMED or low[-1] in UNNAMED or "lain" in low[-2:]:
            return None
        if low[0] in PERSON_NOUNS:
            return self.latest()  # "pria Kosta Rika yang …", "pebalap Monako itu"
        if low[0] == "pihak" and len(words) > 1:
            return " ".join(words[1:])  # "pihak Hibernian": the club itself
        if low[0] in ORG_HEADS or (not _capital(words[0]) and low[0] in INSTITUTIONS):
            return " ".join(words)  # "Pusat Peringatan Tsunami Pasifik", "otoritas olah raga Saudi"
        name = name_in(words, self.places, self.orgs)
        if name:
            full = self.resolve_name(name)
            self.mention(full)
            return full
        office = " ".join(w for w in low if not _common(w))
        for k in (office, " ".join(office.split()[:2])):
            if k in self.aliases:
                return self.aliases[k]
        if low[-1] in ("itu", "ini", "tersebut"):
            return self.latest()
        if low[0] in INSTITUTIONS and len(low) <= 4:
            return " ".join(words)
        if not _capital(words[0]):  # an epithet ("pria Kosta Rika"), or nobody ("bocoran")
            person = low[0] in PERSON_NOUNS or low[0] in TITLES
            return self.latest() if person and len(low) <= 8 else None
        if len(words) > 5 or sum(not _capital(w) for w in words) > 1:
            return None  # a clause, not a name ("Barang haram tersebut dibeli HD …")
        kept = [w.strip("()") for w in words]
        while kept and _common(kept[0].lower()):
            kept.pop(0)
        return " ".join(kept) if kept else None  # an institution: "BMKG", "Media Korea Utara"
