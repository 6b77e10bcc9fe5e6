"""Words of the query language's page parts: readings, did-you-mean, partial matches, the date
histogram, facet pages, paragraph counts, exports and feeds (issue 16)."""

ID = {
    "ignored": "Diabaikan", "ignored_hint": "kata umum atau kata tanya",
    "did_you_mean": "Mungkin maksud Anda", "partial_matches": (
        "Tidak ada artikel yang memuat semua kata. Ini artikel yang memuat sebagian besar kata-kata itu."),
    "note_lowercase_operator": "Kata and/or di antara dua kata dibaca sebagai operator DAN/ATAU.",
    "note_bad_date_field": ("Tanggal pada tanggal: tidak dapat dibaca dan diabaikan "
                            "(contoh: tanggal:2024-06, tanggal:2024-06-17..2024-06-19)."),
    "note_fuzzy_capped": "Kata mirip (~) dibatasi dua huruf beda.",
    "note_distance_capped": "Jarak kata dibatasi 100.",
    "histogram": "Sebaran menurut waktu", "histogram_unit_day": "per hari", "histogram_unit_week": "per minggu",
    "histogram_unit_month": "per bulan", "histogram_unit_year": "per tahun",
    "histogram_bar": "{label}: {count} artikel", "histogram_undated": "{count} artikel tanpa tanggal",
    "facet_all": "lihat semua nilai", "facet_page_title": "Semua nilai: {facet}",
    "facet_page_count": "{n} nilai", "facet_page_count_one": "1 nilai",
    "see_all_paragraphs": "lihat semua {count} paragraf", "matching_paragraphs": "{count} paragraf cocok",
    "export": "Unduh", "export_csv": "CSV", "export_jsonl": "JSONL", "feed": "Ikuti (Atom)",
    "filter_tag": "Saring topik ini",
    "no_facet": "Tidak ada filter '{name}'.",
}

EN = {
    "ignored": "Ignored", "ignored_hint": "common or question words",
    "did_you_mean": "Did you mean", "partial_matches": (
        "No article holds every word. These articles hold most of them."),
    "note_lowercase_operator": "and/or between two words were read as the operators AND/OR.",
    "note_bad_date_field": ("A date: value could not be read and was ignored "
                            "(e.g. date:2024-06, date:2024-06-17..2024-06-19)."),
    "note_fuzzy_capped": "Fuzzy words (~) allow at most two differing letters.",
    "note_distance_capped": "Word distances are capped at 100.",
    "histogram": "Over time", "histogram_unit_day": "by day", "histogram_unit_week": "by week",
    "histogram_unit_month": "by month", "histogram_unit_year": "by year",
    "histogram_bar": "{label}: {count} articles", "histogram_undated": "{count} undated articles",
    "facet_all": "see all values", "facet_page_title": "All values: {facet}",
    "facet_page_count": "{n} values", "facet_page_count_one": "1 value",
    "see_all_paragraphs": "see all {count} paragraphs", "matching_paragraphs": "{count} matching paragraphs",
    "export": "Download", "export_csv": "CSV", "export_jsonl": "JSONL", "feed": "Follow (Atom)",
    "filter_tag": "Filter on this topic",
    "no_facet": "There is no filter '{name}'.",
}
