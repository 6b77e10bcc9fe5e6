"""Words of citations, permalinks and authorship: the formats, the permalink pages, and the
metadata fields and bases they added (authors; values read from a record's fields)."""

ID = {
    "field_authors": "Penulis", "basis_source": "dari data sumber",
    "author_unknown": "Penulis tidak diketahui", "outlet_unknown": "Media tidak diketahui",
    "date_unknown": "tanggal tidak diketahui", "wire": "Sumber", "editor": "Editor",
    "cite_article": "Kutip artikel ini", "cite_formats": "Format kutipan",
    "format_text": "Teks", "format_csl-json": "CSL-JSON", "format_ris": "RIS",
    "format_biblatex": "BibLaTeX", "download": "Unduh",
    "text_fragment": "Tautan yang menyorot paragraf ini",
    "text_fragment_original": "Paragraf ini di situs aslinya",
    "paragraph_gone_title": "Paragraf ini sudah tidak ada",
    "paragraph_lost_title": "Paragraf tidak ditemukan",
    "paragraph_gone": ("Paragraf yang ditautkan sudah dihapus dari artikel ini ketika artikel "
                       "diperbarui. Teks terakhir yang diketahui:"),
    "paragraph_lost": ("Paragraf yang ditautkan tidak lagi ditemukan di artikel ini, dan teksnya "
                       "tidak tersimpan."),
    "paragraph_was": "Dulu paragraf {n}.", "read_article": "Baca artikel",
    "bad_format": "'format' harus salah satu dari {choices}; tertulis '{value}'.",
    "bad_permalink": "Tautan paragraf '{anchor}' tidak dapat dibaca.",
    "cite_set_note": "{shown} dari {total} hasil dikutip (paling banyak {cap}).",
}

EN = {
    "field_authors": "Authors", "basis_source": "from the source data",
    "author_unknown": "Author unknown", "outlet_unknown": "Outlet unknown",
    "date_unknown": "date unknown", "wire": "Source", "editor": "Editor",
    "cite_article": "Cite this article", "cite_formats": "Citation formats",
    "format_text": "Text", "format_csl-json": "CSL-JSON", "format_ris": "RIS",
    "format_biblatex": "BibLaTeX", "download": "Download",
    "text_fragment": "A link that highlights this paragraph",
    "text_fragment_original": "This paragraph on the original site",
    "paragraph_gone_title": "This paragraph is gone",
    "paragraph_lost_title": "Paragraph not found",
    "paragraph_gone": ("The linked paragraph was removed from this article when the article was "
                       "updated. Its last known text:"),
    "paragraph_lost": ("The linked paragraph is no longer found in this article, and its text was "
                       "not kept."),
    "paragraph_was": "It was paragraph {n}.", "read_article": "Read the article",
    "bad_format": "'format' must be one of {choices}; got '{value}'.",
    "bad_permalink": "The paragraph link '{anchor}' cannot be read.",
    "cite_set_note": "{shown} of {total} results cited (at most {cap}).",
}
