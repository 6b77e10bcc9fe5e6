"""The Indonesian stemmer behind the analyzer: `stem(word)` for one lowercased token.

Owns the root lexicon (search/text/data/*.txt, loaded once at import) and the stemming rules:
inflectional and derivational suffixes, prefixes with nasal-assimilation restoration
(meng-/peng- + k, meny-/peny- + s, mem-/pem- + p, men-/pen- + t), infixes, clitics and
reduplication. Every candidate root is checked against the lexicon, so words that only look
affixed (berita, media, selatan) stay whole. Infixed words come from a closed list (kinerja ->
kerja, gemetar -> getar), and so do the few words whose root a shorter lexicon root would hide
(exceptions.tsv: perbankan -> bank, not perban); a reduplicated first syllable goes (lelaki ->
laki). A bare ke-/se-/pe-/te-/be- before a one-syllable root is the root's first syllable
(kebon, kelak), and one before a function word makes a word of its own (peserta, selalu). A
word the lexicon cannot explain goes to PyStemmer's Snowball `indonesian`, which stays the
engine for out-of-lexicon words, unless what Snowball leaves cannot begin an Indonesian word
(kendati -> ndati).
`LEXICON_VERSION` changes whenever the rules or the word lists change.

A `Stemmer` is one of three kinds, chosen by `Settings.stemmer` (search.settings): `kliping`
(all of the above), `snowball` (plain PyStemmer, what Elasticsearch's `indonesian` analyzer
gives) or `none` (words unchanged). Its `version` is part of the index's schema version, so an
index built with one never opens under another. Each keeps its roots in a bounded cache
(search.cache, STEM_CACHE words), and the prefix search shares one (PREFIX_CACHE bases): query
words are user input, and an unbounded cache grew a process by 39 MB over 200,000 of them.
"""
from __future__ import annotations

import zlib
from collections.abc import Iterable
from pathlib import Path

import Stemmer as PyStemmer

from search.cache import Cache
from search.settings import STEMMERS, Settings

_RULES_VERSION = "4"
_DATA = Path(__file__).resolve().with_name("data")
_LEXICON_FILES = ("roots_spacy.txt", "roots_extra.txt", "roots_indosum.txt", "roots_indosum_i.txt")
_FREQ_FILE = "root_freq_indosum.tsv"
_MAPPED_FILES = ("infixed.tsv", "exceptions.tsv")  # word<TAB>root
_MIN_ROOT = 3  # shortest root a stripped candidate may be
_MIN_WORD = 4  # shorter tokens come back unchanged

_VOWELS = frozenset("aeiou")
_PARTICLES = ("lah", "kah", "tah", "pun")  # all three letters long
_POSSESSIVES = ("nya", "ku", "mu")
_CLITIC_PARTS = _PARTICLES + _POSSESSIVES
_LOAN_SUFFIXES = ("isasi", "isme", "is")  # finalisasi, idealisme, idealis
# Prefix-suffix pairs Indonesian does not combine (confix restrictions): memakan is not me-pak-an.
_BAD_CONFIXES = frozenset({("be", "i"), ("di", "an"), ("ke", "i"), ("ke", "kan"), ("me", "an"), ("pe", "kan"),
                           ("se", "i"), ("se", "kan"), ("te", "an")})
# Function words (closed class). A bare prefix does not derive a word from one: peserta, beserta,
# selalu, sesudah, seakan are words of their own, not se-/pe- + serta, lalu, sudah, akan. (But the
# se-...-nya confix does: sebisanya, seadanya.)
_FUNCTION_WORDS = frozenset("""ada akan aku apa atas bagi belum bisa dan dari dengan dia ini itu
kata kau ketika lagi lalu mana oleh pada saat serta sudah telah tentang untuk""".split())
_PREFIX_STARTS = frozenset(("be", "di", "ka", "ke", "ku", "me", "pe", "se", "te"))  # see _unprefix
_BARE_PREFIXES = frozenset(("be", "ke", "pe", "se", "te"))  # removed whole: no nasal, no r
# Before a vowel these prefixes are meng-, peng-, ber-, ter- (mengikuti, berusaha), never bare.
_NO_VOWEL_PREFIXES = frozenset(("me", "pe", "be", "te"))
_NASAL_PREFIXES = frozenset(("pem", "pen", "per", "mem", "men"))  # a word's first three letters
# Consonant clusters an Indonesian word may begin with (native, and those of common loans).
_ONSETS = frozenset("""b c d f g h j k l m n p q r s t v w x y z bh bl br ch cl cr dh dr dw fl
fr gh gl gr kh kl kr kw ng ny ph pl pr ps sh sk sl sm sn sp st sw sy th tr ts tw sch skr spr str
""".split())
_REDUP_PREFIXES = ("memper", "meng", "meny", "mem", "men", "me", "peng", "peny", "pem", "pen",
                   "pe", "ber", "be", "ter", "di", "ke", "se")


def data_lines(text: str) -> list[str]:
    """The entries of a word list in search/text/data: its lines, less blank and `#` comment lines."""
    return [line for line in text.split("\n") if line and line[0] != "#"]


def _load_lexicon() -> tuple[frozenset[str], dict[str, tuple[int, int]], dict[str, str], int]:
    crc = 0

    def read(name: str) -> list[str]:
        nonlocal crc
        raw = (_DATA / name).read_bytes()
        crc = zlib.crc32(raw, crc)
        return data_lines(raw.decode("utf-8"))

    words = {w for name in _LEXICON_FILES for w in read(name)}
    freq = {}
    for line in read(_FREQ_FILE):
        w, passive, bare = line.split("\t")
        freq[w] = (int(passive), int(bare))
    mapped = dict(line.split("\t") for name in _MAPPED_FILES for line in read(name))
    words.update(mapped)
    words.update(mapped.values())
    return frozenset(words), freq, mapped, crc


ROOTS, _FREQ, _MAPPED, _crc = _load_lexicon()
LEXICON_VERSION = f"id-stem-{_RULES_VERSION}-{_crc:08x}"
STEM_CACHE = 65_536  # words per stemmer
PREFIX_CACHE = 32_768  # bases whose prefixed root was searched

_snowball = PyStemmer.Stemmer("indonesian")
_prefix_memo: Cache[str | None] = Cache(PREFIX_CACHE, name="stemmer prefixes")


def snowball(word: str) -> str:
    """Plain Snowball, the reference baseline (what Elasticsearch's `indonesian` gives)."""
    return _snowball.stemWord(word)


def _unprefix(b: str, first: bool) -> list[str]:
    """Forms of `b` with one prefix removed, nasal-restored alternatives in preference order."""
    out: list[str] = []
    h2 = b[:2]
    if h2 in ("di", "ke", "se"):
        out.append(b[2:])
    if first:
        if b.startswith("kau"):
            out.append(b[3:])
        elif h2 == "ku":
            out.append(b[2:])
    if h2 in ("me", "pe"):
        r = b[2:]
        if r.startswith("ng"):
            x = r[2:]
            if x[:1] in _VOWELS:
                out += [x, "k" + x]  # mengudara -> udara, mengupas -> kupas
                if x[0] == "e" and len(x) <= 5:
                    out.append(x[1:])  # mengebom -> bom (one-syllable roots only)
            else:
                out.append(x)  # menggila, menghajar, mengkritik
            out.append(r)  # menganga -> nganga
        elif r.startswith("ny"):
            x = r[2:]
            if x[:1] in _VOWELS:
                out += [r, "s" + x]  # menyala -> nyala, menyapu -> sapu
        elif r[:1] == "m":
            x = r[1:]
            if x[:1] in _VOWELS:
                out += [r, "p" + x]  # meminum -> minum, memukul -> pukul
            elif x[:1] in ("b", "f", "v", "p"):
                out.append(x)  # membangun, memfitnah, memproteksi, memperbarui -> perbarui
        elif r[:1] == "n":
            x = r[1:]
            if x[:1] in _VOWELS:
                out += [r, "t" + x]  # menuklir -> nuklir, menolak -> tolak
            elif x[:1] in ("c", "d", "j", "z", "t") or (x[:1] == "s" and x[1:2] not in _VOWELS):
                out.append(x)  # mencinta, mendua, menziarah, mentaati, mensyukuri, penstabilan
        elif h2 == "me":
            if r[:1] in ("l", "r", "w", "y"):
                out.append(r)  # melipat, meringkas, mewarnai, meyakinkan
        elif r[:1] == "r":
            out += [r[1:], r]  # peradilan -> adil, perumahan -> rumah
        elif r.startswith("lajar"):
            out.append(r[1:])  # pelajar -> ajar
        elif r:
            out.append(r)  # petani, pekerja, pewarna, peserta
    elif h2 in ("be", "te"):
        r = b[2:]
        if r[:1] == "r":
            out += [r[1:], r]  # bersuara -> suara, berambut -> rambut, teraup -> raup
        elif r.startswith("lajar"):
            out.append(r[1:])  # belajar -> ajar
        elif r[:1] not in _VOWELS and r[1:3] == "er":
            out.append(r)  # bekerja, beternak, teterbang
    return out


def _prefixed_root(b: str) -> str | None:
    """Root reached by removing up to three prefixes from `b`, breadth first. Two valid readings
    at one depth (mengalahkan: alah, kalah) go to the root the news corpus uses more with di-.
    Memoised: many words share a base (menggunakan, menggunakannya)."""
    if b[:2] not in _PREFIX_STARTS:
        return None  # most words the lexicon cannot explain (names) stop here
    memo = _prefix_memo
    root = memo.hot.get(b, memo)  # the memo itself marks "not there" (None is a result)
    if root is memo:
        root = memo.get(b, memo)
        if root is memo:
            root = memo.put(b, _search_prefixes(b))
    return root


def _search_prefixes(b: str) -> str | None:
    level = [b]
    for depth in range(3):
        nxt: list[str] = []
        hits: list[str] = []
        for form in level:
            for c in _unprefix(form, depth == 0):
                if len(c) < _MIN_ROOT:
                    continue
                if c not in ROOTS:
                    nxt.append(c)
                elif form[2:] == c and form[:2] in _BARE_PREFIXES and not _syllabic(c):
                    hits.append(form)  # kebon, kelak, (di)ketik: ke- is the root's first syllable
                else:
                    hits.append(c)
        if hits:
            return max(hits, key=lambda c: _FREQ.get(c, (0, 0))) if len(hits) > 1 else hits[0]
        level = nxt
    return None


def _derived(b: str) -> list[tuple[str, str]]:
    """(form, suffix) for `b` with one derivational suffix removed, in preference order."""
    out = []
    n = len(b) - _MIN_ROOT  # longest suffix that leaves a root of _MIN_ROOT letters
    if b[-2:] == "an":
        if b[-3] == "k" and n >= 3:
            out.append((b[:-3], "kan"))
        if n >= 2:
            # pasokan -> pasok; a root ending in k comes first (gerakan, desakan, masakan: not
            # gera, desa, masa + -kan, which a root ending in k would write -kkan)
            out.insert(0 if b[-3] == "k" and b[:-2] in ROOTS else len(out), (b[:-2], "an"))
    elif b[-1] == "i" and n >= 1:
        out.append((b[:-1], "i"))
    if b.endswith(_LOAN_SUFFIXES):
        suf = next(x for x in _LOAN_SUFFIXES if b.endswith(x))
        if n >= len(suf):
            out.append((b[: -len(suf)], suf))
    return out


def _infixed_root(b: str) -> str | None:
    """Root of words with a reduplicated first syllable: rerata, lelaki, reruntuhan. (Infixes
    are no longer productive: the infixed words are the closed list of infixed.tsv. A rule
    taking -el-, -em-, -er-, -in- out of any word read serial as sial, semarang as sarang,
    kelapa as kapa, relawan as rawan, seminar as sinar.)"""
    if len(b) < 6 or b[0] in _VOWELS:
        return None
    if b[1] == "e" and b[2] == b[0] and b[2:] in ROOTS:
        return b[2:]
    return None


def _syllabic(root: str) -> bool:
    """True if `root` has two vowels or more: Indonesian roots are mostly disyllabic, and a
    one-syllable candidate (nas from nasi, bon from kebon) is far more often a misreading."""
    n = 0
    for ch in root:
        if ch in _VOWELS:
            n += 1
            if n == 2:
                return True
    return False


def _bases(w: str) -> list[str]:
    """`w`, then without a particle, then without a possessive (each step only if it applies)."""
    bases = [w]
    b = w
    if b[-3:] in _PARTICLES and len(b) >= _MIN_ROOT + 3:
        b = b[:-3]
        bases.append(b)
    n = 3 if b[-3:] == "nya" else 2 if b[-2:] in ("ku", "mu") else 0
    if n and len(b) - n >= _MIN_ROOT:
        bases.append(b[:-n])
    return bases


def _lexical_root(w: str) -> str | None:
    """Root of one unhyphenated word found through the lexicon, or None."""
    if w in ROOTS:
        return w
    bases = _bases(w)
    for b in bases[1:]:
        if b in ROOTS:
            return b
    # Readings with a prefix-suffix pair Indonesian does not combine (memakan is not me-pak-an)
    # come last, after the unsuffixed forms; they still catch misspellings such as menaikan.
    good: list[tuple[str, str]] = []
    bad: list[tuple[str, str]] = []
    for d, suf in _derived(bases[-1]):
        if (suf in _LOAN_SUFFIXES or suf == "i" and bases[-1][:3] in _NASAL_PREFIXES) \
                and _prefixed_root(bases[-1]):
            continue  # pelukis, pencari, pendaki: pe-lukis, peN-cari, not peluk-is, pencar-i
            # (idealis, teroris keep -is; bekasi, hadapi keep -i)
        # A one-syllable root takes -i or -is only together with a prefix (dibomi; nasi, tesis).
        if d in ROOTS and (suf in ("kan", "an") or _syllabic(d)):
            return d
        (bad if (d[:2], suf) in _BAD_CONFIXES else good).append((d, suf))
    forms = good + [(b, "") for b in reversed(bases)] + bad
    for b, suf in forms:
        root = _prefixed_root(b)
        if root:
            if suf and root == b:
                root = b[2:]  # kebon is a root, but kekhasan is ke-khas-an
            elif (not suf and root in _FUNCTION_WORDS and b[2:] == root and b[:2] in _BARE_PREFIXES
                    and not (b[:2] == "se" and len(bases) > 1 and bases[-2][-3:] == "nya")):
                return b  # peserta, beserta, selalu, sesudah; but sebisanya, seadanya: bisa, ada
            return root + "i" if suf == "i" and root + "i" in ROOTS else root  # dimulai -> mulai
    for b, _ in forms:
        root = _infixed_root(b)
        if root:
            return root
    return None


def _plausible(stem: str) -> bool:
    """True if `stem` begins the way an Indonesian word can (not ndati, rjasama, yboard)."""
    for i, ch in enumerate(stem):
        if ch in _VOWELS:
            return i == 0 or stem[:i] in _ONSETS
    return False


def _stem_simple(w: str) -> str:
    if len(w) < _MIN_WORD:
        return w
    root = _lexical_root(w)
    if root is not None:
        return _MAPPED.get(root, root)  # kinerja -> kerja, perbankan -> bank
    root = _snowball.stemWord(w)
    if root[:2] != w[:2] and not _plausible(root):
        return _bases(w)[-1]  # Snowball cut a false prefix: kendati, kerjasama(nya), keyboard
    if w[:2] in _NO_VOWEL_PREFIXES and w[2] in _VOWELS and root[:1] == w[2]:
        return _bases(w)[-1]  # me-, pe-, be-, te- never come bare before a vowel: meiji, peugeot
    return root


def _stem_hyphenated(w: str) -> str:
    """Reduplication and hyphenated clitics: negara-negara, berhati-hati, kuasa-mu."""
    parts = [p for p in w.split("-") if p]
    while len(parts) > 1 and parts[-1] in _CLITIC_PARTS:
        parts.pop()  # malaikat-malaikat-nya, allah-lah
    if len(parts) == 1:
        return _stem_simple(parts[0])
    if len(parts) != 2:
        return w
    a, b = parts
    ra = _stem_simple(a)
    if a == b or ra == _stem_simple(b) or b.startswith(a) or a.endswith(b):
        return ra  # buku-buku, berbalas-balasan, besar-besaran, berhati-hati
    for prefix in _REDUP_PREFIXES:  # meniru-nirukan, menyepak-nyepak
        if a.startswith(prefix) and _stem_simple(prefix + b) == ra:
            return ra
    return w  # bolak-balik: a compound, not a reduplication


def _compute(w: str) -> str:
    if len(w) < _MIN_WORD or (not w.isalpha() and any(ch.isdigit() for ch in w)):
        return w  # short words and numbers such as 7.000 come back unchanged
    if "-" in w:
        return _stem_hyphenated(w)
    return _stem_simple(w)


def _unchanged(w: str) -> str:
    return w


class Stemmer:
    """One kind of stemmer with its bounded cache of roots. Get one with `get(kind)`."""

    def __init__(self, kind: str, cache_size: int = STEM_CACHE):
        if kind not in STEMMERS:
            raise ValueError(f"the stemmer must be one of {', '.join(STEMMERS)}; got {kind!r}")
        self.kind = kind
        self.version = {"kliping": LEXICON_VERSION, "snowball": f"snowball-{PyStemmer.version()}",
                        "none": "nostem"}[kind]
        self._compute = {"kliping": _compute, "snowball": _snowball.stemWord, "none": _unchanged}[kind]
        self.cache: Cache[str] = Cache(cache_size, name=f"{kind} stems")

    def stem(self, word: str) -> str:
        """Root of one lowercased token (possibly hyphenated). Cached: call it freely."""
        cache = self.cache
        root = cache.hot.get(word)
        if root is None:
            root = cache.get(word)
            if root is None:
                root = cache.put(word, self._compute(word))
        return root

    def stem_words(self, words: Iterable[str]) -> list[str]:
        """Roots of many lowercased tokens, in order."""
        return list(map(self.stem, words))

    def clear_cache(self) -> None:
        """Forget cached roots (benchmarks measure a cold cache)."""
        self.cache.clear()
        _prefix_memo.clear()


_instances: dict[str, Stemmer] = {}


def get(kind: str | None = None) -> Stemmer:
    """The process's stemmer of `kind` (default: the default settings' kind)."""
    kind = kind or Settings().stemmer
    found = _instances.get(kind)
    if found is None:
        found = _instances[kind] = Stemmer(kind)
    return found


def stem(word: str) -> str:
    """Root of one lowercased token with the default stemmer (the CLI's `stem`, tests)."""
    return get().stem(word)
