"""Words of serving within limits: notices on responses cut to fit (search.settings.Limits),
the errors of requests beyond them, and links that are not followed."""

ID = {
    "query_cut_chars": "Kueri terlalu panjang: hanya {chars} karakter pertama yang dibaca.",
    "query_cut_terms": "Kueri terlalu panjang: hanya {terms} kata pertama yang dibaca.",
    "pattern_capped": ("Terlalu banyak kata cocok dengan {patterns}: hanya {count} kata pertama (menurut "
                       "abjad) tiap pola, {total} kata seluruhnya, yang dicari."),
    "partial": ("Pencarian ini dihentikan setelah {seconds} detik: hasilnya mungkin tidak lengkap. "
                "Gunakan kata yang lebih khusus atau lebih sedikit pola."),
    "too_many_values": "'{name}' diberikan {count} kali; paling banyak {limit} nilai yang dibaca.",
    "too_many_params": "Permintaan memuat {count} parameter; paling banyak {limit} yang dibaca.",
    "too_deep": ("Hasil hanya dapat dibuka sampai urutan ke-{depth}. Persempit pencarian dengan filter "
                 "atau tanggal."),
    "unsafe_link": "alamat asli bukan tautan web dan tidak dibuka",
    "index_unreadable": "Indeks tidak dapat dibaca. Bangun ulang: python -m search build",
}

EN = {
    "query_cut_chars": "The query is too long: only its first {chars} characters were read.",
    "query_cut_terms": "The query is too long: only its first {terms} words were read.",
    "pattern_capped": ("Too many words match {patterns}: only the first {count} of each "
                       "(alphabetically), {total} in all, were searched."),
    "partial": ("This search was stopped after {seconds} seconds: its results may be incomplete. "
                "Use more specific words or fewer patterns."),
    "too_many_values": "'{name}' is given {count} times; at most {limit} values are read.",
    "too_many_params": "The request has {count} parameters; at most {limit} are read.",
    "too_deep": "Results can be paged to the {depth}th only. Narrow the search with filters or dates.",
    "unsafe_link": "the original address is not a web link and is not opened",
    "index_unreadable": "The index cannot be read. Rebuild it: python -m search build",
}
