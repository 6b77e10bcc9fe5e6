"""Where the stemmer's word lists (search/text/data/) come from, and under which licence, for
the about page and GET /api/stats. search/text/data/README.md tells the whole story; a list
whose `licence` is None is Kliping's own work, under Kliping's licence."""
from __future__ import annotations

WORD_LISTS = (
    {"files": ("roots_spacy.txt",), "source": "spaCy lookups data 1.0.5 (Explosion AI)", "licence": "MIT"},
    {"files": ("roots_indosum.txt", "roots_indosum_i.txt", "root_freq_indosum.tsv"),
     "source": "IndoSum (Kemal Kurniawan, Samuel Louvan, 2018)", "licence": "CC BY-SA 4.0"},
    {"files": ("infixed.tsv",), "source": "Wikipedia bahasa Indonesia: Sisipan dalam bahasa Indonesia",
     "licence": "CC BY-SA"},
    {"files": ("roots_extra.txt", "exceptions.tsv", "synonyms.txt"), "source": "Kliping", "licence": None},
)
