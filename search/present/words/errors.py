"""Errors about the index itself, for the error page's details and the command line."""

ID = {
    "no_index": "Belum ada indeks di {root}. Bangun dengan: python -m search build --index {root}",
    "index_incomplete": ("Indeks di {root} tidak lengkap. Bangun ulang dengan: "
                         "python -m search build --index {root}"),
    "index_old": ("Indeks di {root} dibuat dengan skema {found}, sedangkan Kliping ini memerlukan {needed}. "
                  "Bangun ulang dengan: python -m search build --index {root}"),
    "nothing_to_index": "Tidak ada yang diindeks ({n} masukan dilewati{reasons}). Indeks di {root} tidak berubah.",
    "index_locked": ("Proses build atau pembaruan lain sedang menulis ke {root}. Tunggu sampai selesai, "
                     "atau berikan --wait DETIK."),
}

EN = {
    "no_index": "No index in {root}. Build it with: python -m search build --index {root}",
    "index_incomplete": "The index in {root} is incomplete. Rebuild it with: python -m search build --index {root}",
    "index_old": ("The index in {root} was built with schema {found}, but this Kliping needs {needed}. "
                  "Rebuild it with: python -m search build --index {root}"),
    "nothing_to_index": "Nothing to index ({n} input(s) skipped{reasons}). The index in {root} is unchanged.",
    "index_locked": "Another build or update is writing to {root}. Wait for it to finish, or pass --wait SECONDS.",
}
