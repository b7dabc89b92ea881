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

# --- database --------------------------------------------------------------------------------
DB_NOT_INITIALISED = "Basis data belum disiapkan: jalankan dahulu 'zibot init'."
DB_UNREACHABLE = "Basis data tidak dapat dihubungi: {reason}"
IMPORT_SATKER_UNKNOWN = "kode satker tidak dikenal: {codes}"

# --- invites -----------------------------------------------------------------------------------
INVITE_ROLE_BAD = "Peran {role!r} tidak dikenal; gunakan agen, pimpinan atau admin."
INVITE_COUNT_BAD = "Jumlah kode harus antara 1 dan 500."
INVITE_DAYS_BAD = "Masa berlaku harus antara 1 dan 365 hari."
INVITE_CREATED = "{count} kode undangan untuk {satker} sebagai {role}, berlaku sampai {expires}."

# --- recap workbook ----------------------------------------------------------------------------
YES = "Ya"
NO = "Tidak"
EXPORT_SHEET_MATRIX = "Rekap"
EXPORT_SHEET_DETAIL = "Detail"
EXPORT_COL_RANK = "Peringkat"
EXPORT_COL_CODE = "Kode"
EXPORT_COL_SATKER = "Satker"
EXPORT_COL_AREA = "Area"
EXPORT_COL_ITEM = "Kode Item"
EXPORT_COL_ACTIVITY = "Kegiatan"
EXPORT_COL_EVIDENCE = "Bukti Dukung"
EXPORT_COL_TENGGAT = "Tenggat"
EXPORT_COL_STATUS = "Status"
EXPORT_COL_LATE = "Terlambat"
EXPORT_COL_NOTE = "Catatan"
EXPORT_COL_TOTAL = "Total"
EXPORT_COL_DONE = "Selesai"
EXPORT_COL_COUNT = "Jumlah"
EXPORT_COL_OVERDUE = "Terlambat"

# --- import (rencana aksi spreadsheets) -------------------------------------------------------
