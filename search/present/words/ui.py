"""The frame of every page: site navigation, page titles, headings, the filter control, the
keyboard shortcuts (their list and what the script announces) and errors beyond the core's."""

ID = {
    "skip_to_main": "Langsung ke isi", "site_nav": "Navigasi situs",
    "about": "Tentang", "help": "Bantuan", "help_title": "Bantuan",
    "lang_id": "Bahasa Indonesia", "lang_en": "Bahasa Inggris",
    "filter_toggle": "Saring", "filters_active": "{n} aktif",
    "results_heading": "Hasil pencarian", "for_query": "untuk “{q}”", "pager": "Halaman hasil",
    "field_name": "Kolom", "field_value": "Nilai", "article_id": "ID artikel",
    "not_found_title": "Tidak ditemukan",
    "internal_error": "Terjadi kesalahan tak terduga dan sudah dicatat. Tidak ada yang berubah di arsip.",
    "http_error": "Permintaan ini tidak dapat dilayani ({status}).",
    # keyboard shortcuts: the list (a dialog) and what the script says (static/kliping.js)
    "keys_title": "Pintasan papan ketik", "keys_open": "Pintasan papan ketik",
    "keys_slash": "ke kotak pencarian", "keys_next": "hasil (atau paragraf) berikutnya",
    "keys_prev": "hasil (atau paragraf) sebelumnya",
    "keys_enter": "buka hasil yang dipilih", "keys_help": "daftar pintasan ini",
    "keys_esc": "tutup daftar ini", "key_enter": "Enter", "key_esc": "Esc",
    "keys_enabled": "Pintasan papan ketik aktif", "close": "Tutup",
    "keys_on": "Pintasan papan ketik aktif.", "keys_off": "Pintasan papan ketik dimatikan.",
    "keys_result": "Hasil {n} dari {count}", "keys_para": "Paragraf {n} dari {count}",
}

EN = {
    "skip_to_main": "Skip to content", "site_nav": "Site",
    "about": "About", "help": "Help", "help_title": "Help",
    "lang_id": "Indonesian", "lang_en": "English",
    "filter_toggle": "Filter", "filters_active": "{n} active",
    "results_heading": "Search results", "for_query": "for “{q}”", "pager": "Result pages",
    "field_name": "Field", "field_value": "Value", "article_id": "Article id",
    "not_found_title": "Not found",
    "internal_error": "An unexpected error occurred; it has been logged. Nothing in the archive was changed.",
    "http_error": "This request cannot be served ({status}).",
    "keys_title": "Keyboard shortcuts", "keys_open": "Keyboard shortcuts",
    "keys_slash": "go to the search box", "keys_next": "next result (or paragraph)",
    "keys_prev": "previous result (or paragraph)",
    "keys_enter": "open the chosen result", "keys_help": "this list of shortcuts",
    "keys_esc": "close this list", "key_enter": "Enter", "key_esc": "Esc",
    "keys_enabled": "Keyboard shortcuts on", "close": "Close",
    "keys_on": "Keyboard shortcuts are on.", "keys_off": "Keyboard shortcuts are off.",
    "keys_result": "Result {n} of {count}", "keys_para": "Paragraph {n} of {count}",
}

#: The words static/kliping.js shows or announces, handed to it in the page (base.html).
SCRIPT = ("copy", "copied", "keys_on", "keys_off", "keys_result", "keys_para")
