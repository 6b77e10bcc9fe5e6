"""The progress line of long command-line runs (search.indexing.progress)."""

ID = {
    "progress_line": "[{step}/{steps}] {doing} · {elapsed} berlalu · {left}",
    "progress_index": "membaca dan mengindeks", "progress_commit": "menulis indeks",
    "progress_echoes": "mencari gema antarmedia", "progress_publish": "menerbitkan",
    "progress_read": "membaca", "progress_update": "memperbarui indeks", "progress_between": "berpindah tahap",
    "progress_eta": "sisa ±{left}", "progress_eta_soon": "hampir selesai",
    "progress_eta_unknown": "sisa waktu belum dapat diperkirakan",
}

EN = {
    "progress_line": "[{step}/{steps}] {doing} · {elapsed} elapsed · {left}",
    "progress_index": "reading and indexing", "progress_commit": "writing the index",
    "progress_echoes": "finding echoes across outlets", "progress_publish": "publishing",
    "progress_read": "reading", "progress_update": "updating the index", "progress_between": "between steps",
    "progress_eta": "about {left} left", "progress_eta_soon": "nearly done",
    "progress_eta_unknown": "time left not known yet",
}
