"""Interface words in Bahasa Indonesia (first) and English, and date formatting.

Kept in the core, free of Flask, so the CLI, citations and the web pages say the same things.
"""
from __future__ import annotations

import datetime as dt

from search.text.calendar import month_name

LANGS = ("id", "en")
DEFAULT_LANG = "id"

MESSAGES = {
    "id": {
        "app_tagline": "Arsip berita berbahasa Indonesia yang dapat ditelusuri",
        "search": "Cari", "search_placeholder": "mis. sanksi PBB", "search_label": "Kata kunci",
        "results_count": "{total} artikel", "results_count_one": "1 artikel", "results_none": "Tidak ada artikel yang cocok.",
        "results_none_hint": "Coba kata lain, hapus filter, atau gunakan lebih sedikit kata.",
        "browse_title": "Artikel terbaru",
        "read_as": "Dibaca sebagai", "mode_all": "semua kata harus ada",
        "mode_any": "artikel dengan lebih banyak kata di atas",
        "answer_angka": "pertanyaan ini mencari angka: bagian yang memuat angka di dekat kata-katanya naik",
        "answer_waktu": "pertanyaan ini mencari waktu: bagian yang memuat tahun, bulan atau hari di dekat kata-katanya naik",
        "note_unbalanced_quote": "Tanda kutip tanpa pasangan diabaikan.",
        "note_unbalanced_paren": "Tanda kurung tanpa pasangan diabaikan.",
        "note_lone_operator": "Operator tanpa kata diabaikan.",
        "note_no_terms": "Kueri hanya berisi kata umum; menampilkan semua artikel.",
        "facet_outlet": "Media", "facet_date": "Tanggal", "facet_source": "Kantor berita",
        "facet_editor": "Editor", "facet_tag": "Topik", "facet_more": "nilai lain tidak ditampilkan",
        "filters": "Filter aktif", "remove_filter": "Hapus filter", "clear_all": "Hapus semua",
        "from": "Dari", "to": "Sampai", "apply": "Terapkan", "date_range": "Rentang tanggal",
        "sort": "Urutkan", "sort_relevance": "Relevansi", "sort_newest": "Terbaru", "sort_oldest": "Terlama",
        "prev": "Sebelumnya", "next": "Berikutnya", "page_of": "Halaman {page} dari {pages}",
        "unknown": "tidak diketahui", "no_date": "tanpa tanggal", "untitled": "Tanpa judul",
        "paragraph": "Paragraf", "cite": "Kutip", "permalink": "Tautan permanen",
        "citation": "Kutipan", "copy": "Salin", "copied": "Tersalin",
        "original": "Sumber asli", "metadata": "Metadata", "basis": "Dasar",
        "basis_stated": "tertulis", "basis_inferred": "disimpulkan", "basis_curated": "dikurasi",
        "basis_unknown": "tidak diketahui",
        "field_title": "Judul", "field_outlet": "Media", "field_url": "URL", "field_date": "Tanggal",
        "field_editors": "Editor", "field_source": "Kantor berita", "field_dateline": "Dateline",
        "field_tags": "Topik", "back": "Kembali ke hasil", "language": "Bahasa",
        "error_title": "Terjadi masalah", "not_found": "Artikel '{id}' tidak ada di arsip ini.",
        "page_not_found": "Halaman tidak ditemukan.",
        "index_missing": "Indeks belum dibangun. Jalankan: python -m search build",
        "index_version": "Indeks dibuat oleh versi Kliping lain dan perlu dibangun ulang: python -m search build",
        "index_busy": "Indeks sedang diperbarui. Coba lagi sebentar lagi.",
        "bad_request": "Permintaan tidak dapat dibaca.", "error_detail": "Rincian",
        "bad_date": "'{name}' harus berupa tanggal seperti 2024-06-17 (atau 2024-06, atau 2024); tertulis '{value}'.",
        "bad_month": "'{name}': bulan {month} tidak ada pada '{value}'.",
        "bad_day": "'{name}': tanggal {day} tidak ada pada '{value}'.",
        "bad_number": "'{name}' harus berupa bilangan bulat; tertulis '{value}'.",
        "bad_range": "'{name}' harus antara {lo} dan {hi}; tertulis {value}.",
        "bad_sort": "'sort' harus salah satu dari {choices}; tertulis '{value}'.",
        "bad_order": "Tanggal 'dari' ({lo}) jatuh sesudah tanggal 'sampai' ({hi}).",
        "no_paragraph": "Artikel '{id}' memiliki paragraf 1 sampai {count}; paragraf {n} tidak ada.",
        "accessed": "diakses", "skip_to_results": "Langsung ke hasil",
        "facets": "Saring hasil", "matches_in": "cocok di paragraf",
        "exact_words": "Kata persis", "exact_words_hint": "cocokkan bentuk kata yang diketik, tanpa imbuhan lain",
        "expansions": "Juga dicari", "mode_exact": "bentuk kata persis",
        "echoes": "Juga di", "echo_title": "Paragraf serupa ({similarity}% kata sama): {title}, {date}",
    },
    "en": {
        "app_tagline": "A searchable archive of Indonesian-language news",
        "search": "Search", "search_placeholder": "e.g. sanksi PBB", "search_label": "Search terms",
        "results_count": "{total} articles", "results_count_one": "1 article", "results_none": "No article matches.",
        "results_none_hint": "Try other words, remove a filter, or use fewer words.",
        "browse_title": "Newest articles",
        "read_as": "Read as", "mode_all": "every word must occur",
        "mode_any": "articles with more of the words rank first",
        "answer_angka": "this question asks for a number: passages with a number near its words rank higher",
        "answer_waktu": "this question asks for a time: passages with a year, month or day near its words rank higher",
        "note_unbalanced_quote": "An unmatched quote was ignored.",
        "note_unbalanced_paren": "An unmatched bracket was ignored.",
        "note_lone_operator": "An operator with nothing to join was ignored.",
        "note_no_terms": "The query has only common words; showing every article.",
        "facet_outlet": "Outlet", "facet_date": "Date", "facet_source": "Wire source",
        "facet_editor": "Editor", "facet_tag": "Topic", "facet_more": "more values not shown",
        "filters": "Active filters", "remove_filter": "Remove filter", "clear_all": "Clear all",
        "from": "From", "to": "To", "apply": "Apply", "date_range": "Date range",
        "sort": "Sort", "sort_relevance": "Relevance", "sort_newest": "Newest", "sort_oldest": "Oldest",
        "prev": "Previous", "next": "Next", "page_of": "Page {page} of {pages}",
        "unknown": "unknown", "no_date": "undated", "untitled": "Untitled",
        "paragraph": "Paragraph", "cite": "Cite", "permalink": "Permalink",
        "citation": "Citation", "copy": "Copy", "copied": "Copied",
        "original": "Original", "metadata": "Metadata", "basis": "Basis",
        "basis_stated": "stated", "basis_inferred": "inferred", "basis_curated": "curated",
        "basis_unknown": "unknown",
        "field_title": "Title", "field_outlet": "Outlet", "field_url": "URL", "field_date": "Date",
        "field_editors": "Editors", "field_source": "Wire source", "field_dateline": "Dateline",
        "field_tags": "Topics", "back": "Back to results", "language": "Language",
        "error_title": "Something went wrong", "not_found": "Article '{id}' is not in this archive.",
        "page_not_found": "Page not found.",
        "index_missing": "The index has not been built. Run: python -m search build",
        "index_version": "The index was built by another Kliping version and must be rebuilt: python -m search build",
        "index_busy": "The index is being updated. Try again in a moment.",
        "bad_request": "The request could not be read.", "error_detail": "Details",
        "bad_date": "'{name}' must be a date like 2024-06-17 (or 2024-06, or 2024); got '{value}'.",
        "bad_month": "'{name}': month {month} does not exist in '{value}'.",
        "bad_day": "'{name}': day {day} does not exist in '{value}'.",
        "bad_number": "'{name}' must be a whole number; got '{value}'.",
        "bad_range": "'{name}' must be between {lo} and {hi}; got {value}.",
        "bad_sort": "'sort' must be one of {choices}; got '{value}'.",
        "bad_order": "The 'from' date ({lo}) is after the 'to' date ({hi}).",
        "no_paragraph": "Article '{id}' has paragraphs 1 to {count}; there is no paragraph {n}.",
        "accessed": "accessed", "skip_to_results": "Skip to results",
        "facets": "Narrow results", "matches_in": "matches in paragraph",
        "exact_words": "Exact words", "exact_words_hint": "match the words as typed, not other forms of them",
        "expansions": "Also searched", "mode_exact": "exact word forms",
        "echoes": "Also in", "echo_title": "A similar paragraph ({similarity}% shared words): {title}, {date}",
    },
}


def t(key: str, lang: str = DEFAULT_LANG, **kw) -> str:
    text = MESSAGES.get(lang, MESSAGES[DEFAULT_LANG]).get(key) or MESSAGES[DEFAULT_LANG].get(key, key)
    return text.format(**kw) if kw else text


def error_message(err, lang: str = DEFAULT_LANG) -> str:
    """A domain error (search.errors) in the reader's language: its own message key, else its
    code's (index_missing, index_busy, ...), else its English message."""
    catalog = MESSAGES.get(lang, MESSAGES[DEFAULT_LANG])
    if err.key and err.key in catalog:
        return t(err.key, lang, **err.params)
    if err.code in catalog and not err.params:
        return t(err.code, lang)
    return err.message


def format_date(value: str | dt.date | None, lang: str = DEFAULT_LANG) -> str:
    """'2024-06-18' -> '18 Juni 2024'; '2024-06' -> 'Juni 2024'; None -> 'tanpa tanggal'."""
    if not value:
        return t("no_date", lang)
    if isinstance(value, dt.date):
        value = value.isoformat()
    parts = value.split("-")
    try:
        if len(parts) == 3:
            return f"{int(parts[2])} {month_name(int(parts[1]), lang)} {parts[0]}"
        if len(parts) == 2:
            return f"{month_name(int(parts[1]), lang)} {parts[0]}"
    except (ValueError, IndexError):
        pass
    return value
