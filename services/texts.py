"""Every sentence zibot shows a person, in Bahasa Indonesia, kept in one place for review.

Strings are ``str.format`` templates; callers fill in named fields.  Text that came from users
must be escaped by the caller before it is put into HTML messages.
"""

from __future__ import annotations

# --- status and area vocabulary -------------------------------------------------------------
STATUS_LABELS = {"belum": "Belum", "proses": "Proses", "selesai": "Selesai"}
LEVEL_LABELS = {"pusat": "Pusat", "provinsi": "Provinsi", "kabkota": "Kabupaten/Kota"}

# --- settings ---------------------------------------------------------------------------------
SETTING_INVALID = "Pengaturan {name} tidak valid: {reason}"
SETTING_BAD_TIMEZONE = "zona waktu tidak dikenal: {value!r}"
SETTING_BAD_URL = "bukan URL http(s) yang valid: {value!r}"
SETTING_BAD_DB_URL = "bukan URL basis data yang valid: {value!r}"
SETTING_BAD_INT = "harus bilangan bulat: {value!r}"
SETTING_BAD_LOG_LEVEL = "harus salah satu dari DEBUG, INFO, WARNING, ERROR, CRITICAL: {value!r}"

# --- files and the command line --------------------------------------------------------------
FILE_NOT_FOUND = "Berkas tidak ditemukan: {path}"
FILE_UNREADABLE = "Berkas {path} tidak dapat dibaca: {reason}"
FILE_TYPE_UNKNOWN = "Jenis berkas {path} tidak didukung; gunakan CSV atau XLSX."
SPREADSHEET_REJECTED = "Berkas ditolak: {count} masalah ditemukan, tidak ada yang disimpan."
ROW_PROBLEM = "baris {row}, kolom {column}: {reason}"
ROW_PROBLEM_NO_COLUMN = "baris {row}: {reason}"

# --- satkers and seeding -----------------------------------------------------------------------
SEED_UNKNOWN = "Data awal {name!r} tidak dikenal; gunakan 'bali' atau path berkas satker CSV/XLSX."
SATKER_HEADER_MISSING = (
    "Baris judul kolom tidak ditemukan: berkas satker perlu kolom kode, nama, level (dan induk)."
)
SATKER_CODE_EMPTY = "kode satker kosong"
SATKER_CODE_DUPLICATE = "kode ganda: {code} sudah dipakai di baris {row}"
SATKER_NAME_EMPTY = "nama satker kosong"
SATKER_LEVEL_BAD = "level harus pusat, provinsi atau kabkota, bukan {value!r}"
SATKER_PARENT_UNKNOWN = "satker induk {code} tidak dikenal"
SATKER_UNKNOWN = "Satker {query!r} tidak dikenal."
SATKER_AMBIGUOUS = "Satker {query!r} tidak jelas, cocok dengan: {names}"

# --- import (rencana aksi spreadsheets) -------------------------------------------------------
