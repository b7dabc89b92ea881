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

# --- import (rencana aksi spreadsheets) -------------------------------------------------------
