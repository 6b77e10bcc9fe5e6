"""Quotes in one article: who said what, in which paragraph, quoted directly or reported.

`extract(article)` reads the paragraphs in order and returns `Quote` records:
- direct quotes: text between “…” or "…" of three words or more, attributed after the closing
  mark ("…," kata Febri), before the opening one (Febri mengatakan, "…"; Menurut dia, "…"), or,
  for a paragraph that is all quote, by the paragraph before or after it (a quote running over
  two paragraphs). A quoted title or term without an attribution is not a quote.
- reported speech: a clause introduced by a speaking verb (X mengatakan, menegaskan,
  menjelaskan, mengaku, … bahwa …; Menurut X, …; …, kata X; Disampaikan X, …; Hal ini
  disampaikan X, which attributes the sentence or paragraph before).
Speakers are resolved with search.stories.speakers.Cast: a pronoun, a short name or an epithet
becomes the full name given earlier. Statements of one speaker in one paragraph make one Quote.
The spans are character offsets in the paragraph, for marking the quote on the article page.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from search.models import Article
from search.stories.speakers import Cast, name_in, words_of

OPEN, CLOSE, BOTH = "“„«", "”»", '"″'
MIN_WORDS = 3  # a shorter quoted text is a term or a title, not a statement

#: Verbs after a quote or a clause: "…," kata X / ujarnya / lanjut dia.
SAY_AFTER = ("kata ujar ucap ungkap tutur jelas tegas imbuh tambah terang papar sebut tulis tandas "
             "pungkas lanjut sambung kecam umum jawab seru timpal cetus tukas bilang aku").split()
#: Verbs that introduce a reported clause: X mengatakan (bahwa) ….
SAY_BEFORE = frozenset("""
mengatakan menyatakan menegaskan menjelaskan mengungkapkan mengungkap menuturkan menambahkan
menyebutkan menyebut menerangkan memaparkan mengklaim mengaku mengakui menulis mengumumkan
memastikan menyampaikan berkata bercerita menceritakan menyangkal membantah berdalih beralasan
melaporkan mengingatkan menandaskan menuding menuduh mengulangi berujar bertutur berkata
""".split())
#: Verbs that as often take a plain noun ("menyampaikan protes") as a clause: a clause must follow
#: a comma or "bahwa".
NOUN_OBJECT = frozenset("""menyampaikan mengumumkan menceritakan melaporkan menyebut menyebutkan
mengungkapkan mengungkap bercerita menuding menuduh mengulangi""".split())
_AFTER_RE = re.compile(r"^\s*[,.!?]?\s*(?:(?:demikian|begitu)\s+)?(?P<v>(?:" + "|".join(SAY_AFTER)
                       + r")(?:nya|kan)?)\b(?P<np>[^.!?\"“”]*)", re.I)
_STOP_NP = re.compile(r"\s(?:di|saat|dalam|kepada|pada|usai|seusai|seperti|ketika|melalui|sembari|"
                      r"sambil|yang|dengan|dikutip|dilansir|mengutip|menambahkan|menjawab|soal|"
                      r"tentang|terkait|kemarin|hari|sebagaimana|sesaat|selepas|setelah|"
                      r"sebelum|lewat|dari|via|usai|kala|tatkala|menurut|diikuti|selaku|sebagai)\b|[(]|,\s*(?=[a-z])")
_QUOTE_FOLLOWS = re.compile(r"\b(?:" + "|".join(sorted(SAY_BEFORE)) + r")\b[,:]?\s*[\"“]?\0")
_PASSIVE = ("diakui dikatakan disampaikan diungkapkan ditegaskan dijelaskan").split()
#: Any word a statement could hang on: a paragraph without one of them reports nothing.
SPEECH_WORDS = frozenset([*SAY_BEFORE, *SAY_AFTER, *(w + "nya" for w in SAY_AFTER), "menurut",
                          "menurutnya", *_PASSIVE, *(w + "nya" for w in _PASSIVE)])


def _any_word(words: frozenset[str]) -> re.Pattern:
    """Any of `words` (lowercase letters) as a whole word of a lowercased text, searched in " " +
    text: starting at a non-word character and branching on the first letter, so `re` is fast."""
    first: dict[str, list[str]] = {}
    for w in sorted(words):
        first.setdefault(w[0], []).append(w[1:])
    return re.compile(r"\W(?:" + "|".join(c + "(?:" + "|".join(r) + ")" for c, r in first.items()) + r")(?!\w)")


_SPEECH_RE, _SAY_BEFORE_RE = _any_word(SPEECH_WORDS), _any_word(SAY_BEFORE)


def _says(text: str, words: re.Pattern = _SPEECH_RE) -> bool:
    """Whether a word of `text` is one of the words of `words` (an `_any_word` pattern)."""
    return words.search(" " + text.lower()) is not None


_VERB_AT_END = re.compile(r"(?P<np>[^\"“”]*?)\s+(?P<v>\w+)(?:\s+(?:bahwa|kalau))?$")
_SAY_AT_END = re.compile(r"\b(?P<v>" + "|".join(SAY_AFTER) + r")(?:nya)?(?P<np>\s+[^,]{1,60})?$")
_SENT_RE = re.compile(r"\s(?<=[.!?]\s)\s*(?=[A-Z\"“])")  # spaces after a stop (first, for re to skip to)
_MENURUT = re.compile(r"^(?:[^,]{0,60},\s*)?(?:Adapun\s+|Sebab\s+|Namun\s+|Tapi\s+)?"
                      r"[Mm]enurut(?:nya|\s+(?P<np>[^,]{1,80})),\s*(?P<c>.+)$")
_INVERTED = re.compile(r"^(?P<c1>.+?),\s*(?P<v>" + "|".join(SAY_AFTER) + r")(?:nya)?(?P<np>\s+[^,.]{1,80}?)?"
                       r"\s*(?:[.]$|,\s*(?P<c2>.+)$|$)")
_THIS_SAID = re.compile(r"^(?:Hal|Prediksi|Pernyataan|Keterangan|Informasi|Penjelasan)"
                        r"\s+(?P<which>ini|itu|tersebut|senada|serupa)?\s*(?:(?:juga|pun|kemudian|pula)\s+)*"
                        r"(?:di(?:sampaikan|ungkapkan|katakan|tegaskan|jelaskan|utarakan|akui))"
                        r"\s+(?:oleh\s+)?(?P<np>.+?)[.]?$")
_SAID_BY = re.compile(r"^Di(?:sampaikan|ungkapkan|katakan|tegaskan|jelaskan)\s+(?P<np>[^,]{1,80}),\s*(?P<c>.+)$")
_SAID_IT = re.compile(r"\bdi(?:akui|katakan|sampaikan|ungkapkan|tegaskan)nya\b")
_LEAD = re.compile(r"^(?:di|pada|saat|hari|kepada|dalam|usai|seusai|sebelum|setelah|ketika|"
                   r"sementara|selain|terkait|sedangkan|namun|tapi|tetapi|bahkan|lebih|kemudian|"
                   r"selanjutnya|sebelumnya|adapun|meski|walau|jika|karena|sebab|senin|selasa|rabu|kamis|jumat|"
                   r"sabtu|minggu|\d|[(])", re.I)
#: A source credit ("Mengutip Reuters", "seperti dilansir AFP", "Dikutip dari Antara"): the outlet
#: the text was taken from, never the speaker of the sentence's statement (the agency is the
#: speaker only where the text says it stated something: "Reuters melaporkan", "kata Reuters").
_CREDIT = re.compile(r"^(?:seperti\s+|sebagaimana\s+)?(?:mengutip|dikutip|dilansir|melansir|bersumber)\b", re.I)
_CONJUNCTION = re.compile(r"^(?:namun|tapi|tetapi|dan|lalu|kemudian|bahkan|sedangkan|sementara)\s+(?=[A-Z])",
                          re.I)
_ADVERBS = re.compile(r"(?:\s+(?:juga|pun|sendiri|kembali|telah|sudah|sempat|akhirnya|lalu|memang|"
                      r"mencoba|ingin|akan|hendak|bisa|dapat|harus|mau|enggan|kerap|sering|turut|ikut|sebelumnya|"
                      r"kini|saat\s+ini|pun\s+\w+|"
                      r"malah|bahkan|justru|masih|pernah|tak|tidak|hanya|kemudian|pula|lantas|"
                      r"secara\s+\w+|pada\s+\w+))+$", re.I)


@dataclass(frozen=True)
class Quote:
    """One speaker's statements in one paragraph (`n`, from 1)."""

    article: str
    n: int
    text: str  # the words quoted or reported ("…" joins several)
    speaker: str | None  # a full name, an institution, or None when the text names nobody
    kind: str  # "direct" (between quote marks) or "reported"
    spans: tuple[tuple[int, int], ...]  # character offsets of the text in the paragraph


_MARKS = re.compile("[" + re.escape(OPEN + CLOSE + BOTH) + "]")


def quote_spans(text: str, open_at_start: bool = False) -> tuple[list[tuple[int, int]], bool]:
    """(start, end) of the text inside each pair of quote marks, and whether a quote is still
    open at the end of the paragraph."""
    spans, start = [], 0 if open_at_start else None
    for m in _MARKS.finditer(text):
        ch, i = m.group(), m.start()
        if start is None and (ch in OPEN or ch in BOTH):
            start = i + 1
        elif start is not None and (ch in CLOSE or ch in BOTH):
            spans.append((start, i))
            start = None
    still_open = start is not None
    if still_open and len(words_of(text[start:])) >= MIN_WORDS:
        spans.append((start, len(text)))
    return spans, still_open


#: MIN_WORDS words of `words_of`, each one run of its characters: a text without them is short.
_ENOUGH_WORDS = re.compile(r"[\w'’.-]" + r"[^\w'’.-]+[\w'’.-]+" * (MIN_WORDS - 1))


def _short(text: str) -> bool:
    """Fewer than MIN_WORDS words: `len(words_of(text)) < MIN_WORDS`, without listing them."""
    return _ENOUGH_WORDS.search(text) is None


def _np(text: str) -> str:
    """The noun phrase at the start of `text`, cut before a place, a time or a clause."""
    m = _STOP_NP.search(" " + text)
    np = (" " + text)[: m.start()] if m else text
    m = re.search(r"[A-Z][\w'’-]*\s+(?:di|me|ber|ter)[a-z]{3,}\b", np)  # "Retno ditemui di …"
    if m:
        np = np[: m.start() + len(m.group().split()[0])]
    return np.strip(" ,.;:")


def _segment_speaker(before: str) -> str | None:
    """The speaker phrase just before a reporting verb: the nearest comma-separated part that
    names someone ("Jenny Town, seorang rekan senior, mengatakan" -> "Jenny Town"), else the
    nearest part that is not an adverbial ("Saat masuknya siswa baru, Muhadjir")."""
    parts = [p.strip() for p in re.split(r",|\s+(?:dan|serta|sedangkan)\s+(?=seorang|sejumlah|[A-Z])", before)
             if p.strip()]
    fallback = None
    for part in reversed(parts):
        part = re.split(r"\s+yang\s+", part)[0] if not part.lower().startswith("yang") else part
        part = re.split(r"\s+kepada\s+", part)[0]  # "Ahmad Kamal kepada Antara": Antara was told
        part = _ADVERBS.sub("", part).strip()
        part = _CONJUNCTION.sub("", part)  # "Namun Menlu Retno menjelaskan"
        m = re.search(r"\b(?:ia|dia|beliau)$", part)
        if m:
            return fallback or m.group()
        if not part or _LEAD.match(part) or _CREDIT.match(part):
            continue  # an adverbial, or a source credit ("Mengutip Reuters"): not who speaks
        if re.match(r"(?:seorang|salah\s+(?:satu|seorang)|sebuah|sejumlah)\b", part, re.I) and part != parts[0]:
            continue  # "Jenny Town, seorang rekan senior, mengatakan": the name is before
        if name_in(words_of(part)) or re.match(r"[A-Z]", part):
            return part if fallback is None or not re.match(r"(?:seorang|salah|sang|mantan)\b", fallback) \
                else part
        if fallback is None:
            fallback = part
    return fallback


def _clause(text: str) -> str:
    text = re.sub(r"^\s*[,:]?\s*(?:\S+\s+){0,5}?(?=bahwa\b)", "", text)  # "tuduhan pada hari Senin bahwa"
    text = re.sub(r"^\s*[,:]?\s*(?:bahwa|kalau|jika)?\s*,?\s*", "", text)
    return text.strip().rstrip(".")


class _Reader:
    """Reads one article's paragraphs in order, keeping the cast and who spoke last."""

    def __init__(self, article: Article):
        self.a = article
        self.cast = Cast(([article.title] if article.title else []) + list(article.paragraphs))
        if article.title:
            self.cast.learn(article.title)
        self.found: dict[tuple[int, str | None], list] = {}  # (n, speaker) -> [kind, texts, spans]
        self.pending: list[tuple[int, tuple[int, int], str]] = []  # unattributed quote paragraphs
        self.say_before = True  # whether the paragraph read has a word of SAY_BEFORE

    def add(self, n: int, speaker: str | None, kind: str, text: str, span: tuple[int, int]) -> None:
        text = text.strip(" ,.\"'“”")
        if _short(text):
            return
        self.cast.said(speaker)
        entry = self.found.setdefault((n, speaker), ["reported", [], []])
        if kind == "direct":
            entry[0] = "direct"
        entry[1].append(text)
        entry[2].append(span)

    def speaker(self, phrase: str | None) -> str | None:
        if phrase is None:
            return None
        return self.cast.speaker(phrase.strip())

    # -- direct quotes -------------------------------------------------------------------------
    def direct(self, n: int, text: str, span: tuple[int, int], quoted: int) -> None:
        s, e = span
        body = text[s:e]
        if _short(body):
            return
        after = text[e + 1:] if e < len(text) else ""
        before = text[:max(0, s - 1)]
        sentence_before = _SENT_RE.split(before)[-1] if before.strip() else ""
        who = self._after(after)
        if who is None:
            who = self._before(sentence_before)
        if who is None:
            if quoted >= 0.5 * len(text.strip()) or not sentence_before.strip():
                self.pending.append((n, (s, e), body))
            return
        self.add(n, self.speaker(who), "direct", body, (s, e))

    def _after(self, after: str) -> str | None:
        m = _AFTER_RE.match(after)
        if m:
            v = m.group("v").lower()
            if v.endswith("nya") and v[:-3] in SAY_AFTER:
                return "nya"
            np = _np(m.group("np"))
            return np or "nya"
        m = re.match(r"^\s*[,.]?\s*(?P<np>[A-Z][^\"“”.]{0,80}?)\s+(?P<v>\w+)\b", after)
        if m and m.group("v").lower() in SAY_BEFORE:
            return _segment_speaker(m.group("np"))
        return None

    def _before(self, before: str) -> str | None:
        b = before.rstrip(" ,:")
        m = re.search(r"[Mm]enurut(?:nya|\s+(?P<np>[^,]{1,80}))$", b)
        if m:
            return m.group("np") or "nya"
        # A match starts just after the last quote mark or nowhere: match there (a search
        # would retry every start, each over the rest of the text).
        m = _VERB_AT_END.match(b, 1 + max(b.rfind('"'), b.rfind("“"), b.rfind("”")))
        if m and m.group("v").lower() in SAY_BEFORE:
            return _segment_speaker(m.group("np")) or "nya"
        m = _SAY_AT_END.search(b)
        if m and m.start() > 0 and b[m.start() - 1] in " ,":
            return _np(m.group("np") or "") or "nya"
        return None

    # -- reported speech -----------------------------------------------------------------------
    def _sentence(self, n: int, text: str, sent: str, start: int, k: int) -> None:
        clean = sent.strip()
        if "\0" in clean and clean.replace("\0", "").strip(" ,.") == "":
            return
        m = _THIS_SAID.match(clean)
        if m:
            who = self.speaker(_np(m.group("np")) or None)
            if m.group("which") in ("ini", "itu", "tersebut", None) and who:
                if k > 0:
                    prev = text[:start].rstrip()
                    last = _SENT_RE.split(prev)[-1]
                    self.add(n, who, "reported", last, (len(prev) - len(last), len(prev)))
                elif n > 1 and not any(key[0] == n - 1 for key in self.found):
                    p = self.a.paragraphs[n - 2]
                    self.add(n - 1, who, "reported", p, (0, len(p)))
            return
        m = _SAID_BY.match(clean) or _MENURUT.match(clean)
        if m:
            np, content = (m.group("np") or "nya"), m.group("c")
            if m.group("np") and name_in(words_of(np)) is None:
                head, _, rest = content.partition(",")  # Menurut Direktur PT LIB, Berlington S, …
                if rest and name_in(words_of(head)) and len(head.split()) <= 4 and \
                        all(w[:1].isupper() for w in head.split()):
                    np, content = head, rest
            who = self.speaker(_np(np))
            self._add_clause(n, text, who, content, start + sent.find(content))
            return
        words = clean.split() if self.say_before and _says(clean, _SAY_BEFORE_RE) else []
        for i, w in enumerate(words):
            verb = w.lower().strip(",")
            if verb in SAY_BEFORE and i > 0:
                before = " ".join(words[:i])
                if re.search(r"\b(?:yang|untuk|akan)$", before.lower()):
                    continue
                content = " ".join(words[i + 1:])
                if _short(content.replace("\0", " ")) or _QUOTE_FOLLOWS.search(content):
                    continue  # the quote that follows is the statement
                clause = w.endswith(",") or re.match(r"(?:\S+\s+){0,5}(?:bahwa|kalau|jika)\b", content)
                if verb in NOUN_OBJECT and not clause:
                    continue  # menyampaikan protes, mengungkap rencana: no clause is reported
                phrase = _segment_speaker(before)
                if phrase is None:
                    return
                who = self.speaker(phrase)
                if who is None and not re.search(r"\b(?:sumber|pejabat|pihak|warga)\b", phrase.lower()):
                    return
                at = sent.find(content) if content else -1
                self._add_clause(n, text, who, content, start + max(at, 0))
                return
        m = _INVERTED.match(clean)
        if m and len((m.group("c1") + " " + (m.group("c2") or "")).split()) >= MIN_WORDS:
            np = _np(m.group("np") or "") or "nya"
            who = self.speaker(np)
            c2 = m.group("c2") or ""
            if re.match(r"(?:dikutip|dilansir|seperti|mengutip|sebagaimana|saat|ketika|usai)\b", c2):
                c2 = ""
            c = m.group("c1") + (" " + c2 if c2 else "")
            self._add_clause(n, text, who, c, start)
            return
        if _SAID_IT.search(clean):
            self._add_clause(n, text, self.speaker("nya"), clean, start)

    def _add_clause(self, n: int, text: str, who: str | None, content: str, at: int) -> None:
        if "\0" in content:  # a partial quote inside the clause: its words are the statement's
            i = text.find(content.split("\0")[0][:30], max(0, at)) if content.split("\0")[0].strip() else at
            content = text[i:i + len(content)] if i >= 0 else content.replace("\0", " ")
        content = _clause(content.strip())
        if _short(content):
            return
        found = text.find(content[:40], max(0, at))
        start = found if found >= 0 else max(0, at)
        self.add(n, who, "reported", content, (start, min(len(text), start + len(content))))

    # -- the article ---------------------------------------------------------------------------
    def run(self) -> list[Quote]:
        still_open = False
        direct_paras: dict[int, str | None] = {}
        for n, text in enumerate(self.a.paragraphs, 1):
            self.cast.learn(text)
            spans, still_open = quote_spans(text, still_open)
            before = dict(self.found)
            masked = text
            for s, e in spans:
                masked = masked[:s] + "\0" * (e - s) + masked[e:]
            quoted = sum(e - s for s, e in spans)
            low = " " + text.lower()  # a sentence's words are among its paragraph's
            says = _SPEECH_RE.search(low) is not None
            self.say_before = says and _SAY_BEFORE_RE.search(low) is not None
            if not spans and not says:
                self.cast.subjects(text)  # nothing said here; who it is about still counts
                continue
            # Sentence by sentence, so that a pronoun means whoever was named before it.
            pos = 0
            for k, sent in enumerate(_SENT_RE.split(masked)):
                start = masked.find(sent, pos)
                pos = start + len(sent)
                for span in spans:
                    if start <= span[0] < pos or (k == 0 and span[0] < start):
                        self.direct(n, text, span, quoted)
                self._sentence(n, text, sent, start, k)
                self.cast.subjects(masked[start:pos])
            new = [key for key in self.found if key not in before and self.found[key][0] == "direct"]
            if new:
                direct_paras[n] = new[-1][1]
        for n, span, body in self.pending:
            who = direct_paras.get(n - 1, direct_paras.get(n - 2)) if n - 1 in direct_paras or \
                n - 2 in direct_paras else direct_paras.get(n + 1)
            if who is None and (n - 1 in direct_paras or n + 1 in direct_paras):
                continue
            if n - 1 in direct_paras or n + 1 in direct_paras or n - 2 in direct_paras:
                self.add(n, who, "direct", body, span)
        out = []
        for (n, speaker), (kind, texts, spans) in sorted(self.found.items(), key=lambda kv: (kv[0][0], kv[1][2][0])):
            out.append(Quote(self.a.id, n, " … ".join(texts), speaker, kind, tuple(sorted(spans))))
        return out


def extract(article: Article) -> list[Quote]:
    """Every quote of an article, in paragraph order."""
    if not any(_MARKS.search(p) for p in article.paragraphs) and not _says(" ".join(article.paragraphs)):
        return []  # nobody says anything: nothing to read
    return _Reader(article).run()
