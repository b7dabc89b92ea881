"""Every sentence zibot shows a person, in Bahasa Indonesia, kept in one place for review.

Strings are ``str.format`` templates; callers fill in named fields. Chat templates mark
emphasis in a channel-neutral way: ``**bold**``, ``__italic__``, ```` `code` ```` and
```` ```preformatted``` ````. Each channel's style (``handlers/views.py``) turns the marks into
its own formatting and escapes the values it fills in; a template itself holds no markup of
any channel.
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
SETTING_BAD_LISTEN = "harus berbentuk HOST:PORT, mis. 127.0.0.1:8080, bukan {value!r}"
SETTING_BAD_SECRET = "hanya boleh berisi A-Z, a-z, 0-9, _ dan -, paling banyak 256 karakter"
SETTING_MISSING = "Pengaturan {name} belum diisi."
SETTING_BAD_RANGE = "harus antara {low} dan {high}: {value!r}"
SETTING_BAD_DAYS = "harus daftar hari kerja dipisah koma, mis. 7,3,1,0: {value!r}"
SETTING_BAD_TIME = "harus jam berbentuk JJ:MM, mis. 08:00: {value!r}"
SETTING_BAD_CHAT = "harus id chat Telegram berupa angka, mis. -1001234567890: {value!r}"
SETTING_BAD_CLOCK = "berkas jam {path} berisi waktu yang tidak valid: {value!r}"
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

# --- command line ------------------------------------------------------------------------------
CLI_HELP = "zibot: koordinasi pembangunan Zona Integritas satker KPU."
CLI_SATKER_HELP = "Kelola daftar satker."
CLI_ERROR_PREFIX = "Galat:"
CLI_FILE_HELP = "Berkas CSV atau XLSX."
CLI_EXPORT_FILE_HELP = "Berkas XLSX tujuan."
CLI_YEAR_HELP = "Tahun rencana aksi (bawaan: dari berkas atau tahun berjalan)."
CLI_DRY_RUN_HELP = "Hanya periksa dan laporkan; tidak menyimpan apa pun."
CLI_INIT_SEED_HELP = "Data awal satker: 'bali' atau path berkas satker CSV/XLSX."
CLI_SATKER_CODE_HELP = "Kode satker (mis. 5103) atau potongan namanya."
CLI_SATKER_HELP_ONE = "Tampilkan butir satu satker (kode atau potongan nama)."
CLI_ROLE_HELP = "Peran: agen, pimpinan, admin atau verifikator."
CLI_COUNT_HELP = "Jumlah kode."
CLI_DAYS_HELP = "Masa berlaku dalam hari."
CLI_DEMO_DB_HELP = "Berkas SQLite contoh yang dibuat ulang."
CLI_HOLIDAY_HELP = "Kelola hari libur tambahan (cuti bersama, Galungan, Kuningan ...)."
CLI_HOLIDAY_DATE_HELP = "Tanggal, TTTT-BB-HH."
CLI_HOLIDAY_NAME_HELP = "Nama hari libur."
CLI_HOLIDAY_YEAR_HELP = "Tahun (bawaan: tahun berjalan)."
CLI_REMINDERS_DATE_HELP = "Hari yang diperiksa, TTTT-BB-HH (bawaan: hari ini)."
CLI_REMINDERS_FAILED_HELP = "Tampilkan pesan yang gagal terkirim."
HOLIDAY_LIST_TITLE = "Hari libur {year}"
HOLIDAY_COL_DATE = "Tanggal"
HOLIDAY_COL_NAME = "Nama"
HOLIDAY_COL_SOURCE = "Sumber"
PREVIEW_COL_CHAT = "Tujuan"
PREVIEW_COL_KIND = "Jenis"
PREVIEW_COL_ITEMS = "Isi"
FAILED_TITLE = "Pesan yang gagal terkirim"
FAILED_COL_WHEN = "Dibuat"
FAILED_COL_ATTEMPTS = "Percobaan"
FAILED_COL_ERROR = "Galat terakhir"
DB_OUTDATED = "Skema basis data belum mutakhir: jalankan 'zibot init' untuk memperbaruinya."
FILE_UNWRITABLE = "Berkas {path} tidak dapat ditulis: {reason}"
INIT_NOTHING_CHANGED = "Basis data sudah mutakhir; tidak ada yang berubah."
INIT_SCHEMA_UPGRADED = "Skema basis data dibuat/diperbarui."
INIT_SCHEMA_CURRENT = "Skema basis data sudah mutakhir."
INIT_DONE = (
    "{schema} Area perubahan ditambahkan: {areas}; satker baru: {added}; "
    "satker diperbarui: {updated}."
)
SATKER_IMPORTED = "Satker dimuat: {added} baru, {updated} diperbarui."
IMPORT_DONE = (
    "Impor rencana aksi {year} selesai: {items} butir ({items_added} baru, {items_updated} "
    "diperbarui, {items_unchanged} tetap); target satker: {targets_added} baru, "
    "{targets_removed} dihapus."
)
IMPORT_DRY_RUN = (
    "Uji coba (tidak disimpan): rencana aksi {year} berisi {items} butir ({items_added} baru, "
    "{items_updated} diperbarui, {items_unchanged} tetap); target satker: {targets_added} baru, "
    "{targets_removed} dihapus."
)
PLAN_EMPTY = "Belum ada rencana aksi: impor dahulu dengan 'zibot import BERKAS'."
PLAN_EMPTY_YEAR = "Tidak ada target untuk rencana aksi tahun {year}."
PROGRESS_TITLE = "Kemajuan Zona Integritas {year}"
PROGRESS_SATKER_HEADLINE = (
    "{name} ({code}), rencana aksi {year}: {percent} selesai ({done}/{total}), {overdue} terlambat"
)
EXPORT_NEEDS_XLSX = "Nama berkas ekspor harus berakhiran .xlsx"
EXPORT_DONE = "Rekap {year} ditulis ke {path} ({count} target)."
DEMO_DONE = (
    "Basis data contoh: {path}. Coba: "
    "ZIBOT_DATABASE_URL=sqlite:///{path} zibot progress --satker badung"
)

# --- chat: registration, groups, access -------------------------------------------------------
NOT_REGISTERED = (
    "Anda belum terdaftar. Minta kode undangan kepada admin provinsi, lalu kirim "
    "/daftar KODE di chat pribadi dengan saya."
)
PRIVATE_ONLY = "Perintah ini hanya untuk chat pribadi dengan saya."
GROUP_ONLY = "Perintah ini hanya untuk grup."
GROUP_NOT_LINKED = (
    "Grup ini belum terhubung ke satker. Admin atau agen perubahan dapat menghubungkannya "
    "dengan /hubungkan KODE_SATKER (atau /hubungkan provinsi)."
)
DAFTAR_USAGE = "Kirim /daftar KODE_UNDANGAN (kode dari admin provinsi)."
INVITE_UNKNOWN = "Kode undangan tidak dikenal. Periksa kembali kodenya atau minta kode baru."
INVITE_USED = "Kode undangan ini sudah dipakai. Minta kode baru kepada admin provinsi."
INVITE_LEAKED = (
    "Kode undangan itu terlihat oleh semua anggota grup, jadi sudah saya nonaktifkan. "
    "Minta kode baru kepada admin provinsi dan kirimkan hanya di chat pribadi dengan saya."
)
INVITE_EXPIRED = "Kode undangan ini sudah kedaluwarsa. Minta kode baru kepada admin provinsi."
LINK_USAGE = "Kirim /hubungkan KODE_SATKER (mis. /hubungkan 5103) atau /hubungkan provinsi."
LINK_FORBIDDEN = (
    "Hanya admin, atau agen perubahan dari satker itu sendiri, yang dapat menghubungkan grup."
)
FORBIDDEN_PIMPINAN = (
    "Pimpinan dapat memantau kemajuan, tetapi pembaruan dan bukti dukung dikirim oleh agen "
    "perubahan/PIC."
)
FORBIDDEN_OTHER_SATKER = "Anda hanya dapat memperbarui satker Anda sendiri, bukan {name}."
WRITE_NOT_IN_PROVINCE_GROUP = (
    "Di grup provinsi tidak ada satker yang diperbarui. Gunakan grup satker atau chat pribadi."
)
PLAN_EMPTY_CHAT = (
    "Belum ada rencana aksi yang dimuat. Admin provinsi dapat memuatnya dengan zibot import."
)
SATKER_NO_TARGETS = "{name} tidak memiliki target pada rencana aksi {year}."
AREA_UNKNOWN = "Area perubahan {value!r} tidak dikenal. Pilihan: {areas}."
ITEM_UNKNOWN = "Kode item {code!r} tidak ada dalam rencana aksi."
ITEM_UNKNOWN_SUGGEST = (
    "Kode item {code!r} tidak ada dalam rencana aksi. Mungkin maksud Anda: {suggestions}?"
)
LAPOR_BAD_STATUS = "Status {word!r} tidak dikenal; gunakan belum, proses atau selesai."
BUKTI_USAGE = "Kirim /bukti KODE_ITEM (mis. /bukti MP-01), lalu kirim berkas atau fotonya."
BUKTI_SLOT_GONE = "Item ini tidak lagi tersedia untuk satker Anda. Kirim /bukti KODE_ITEM lagi."
EVIDENCE_TOO_BIG = (
    "Berkas terlalu besar ({size_mb:.1f} MB). Bot hanya dapat menerima berkas sampai 20 MB; "
    "kecilkan atau pisahkan berkasnya."
)
EVIDENCE_BAD_TYPE = (
    "Jenis berkas {mime} tidak diterima sebagai bukti dukung. Kirim dokumen (PDF, Word, Excel, "
    "dll.) atau foto."
)

# --- chat: command replies (handlers/views.py) -----------------------------------------------
ROLE_LABELS = {"admin": "admin provinsi", "agen": "agen perubahan/PIC", "pimpinan": "pimpinan"}
STATUS_ICONS = {"belum": "⚪", "proses": "🟡", "selesai": "✅", "terlambat": "🔴"}
DAYS_TODAY = "hari ini"
DAYS_LEFT = "{days} hari lagi"
DAYS_LATE = "terlambat {days} hari"
VIEW_ITEM_LINE = "• **{code}** {activity} — {tenggat} ({when})"
VIEW_AND_MORE = "… dan {count} item lainnya"
VIEW_AS_OF = "__Per {date}__"
VIEW_PROGRESS_HEAD = "**Kemajuan ZI {name}** ({code}) · rencana aksi {year}"
VIEW_PROGRESS_TOTAL = "Selesai **{percent}** {bar} ({done} dari {total} item)"
VIEW_PROGRESS_AREAS = "**Per area perubahan**"
VIEW_AREA_LINE = "{code} {bar} {percent} {done}/{total}"
VIEW_OVERDUE_HEAD = "**🔴 Terlambat ({count})**"
VIEW_NO_OVERDUE = "Tidak ada item yang terlambat. 👍"
VIEW_NEXT_HEAD = "**Tenggat berikutnya**"
VIEW_NO_UPCOMING = "Tidak ada tenggat berikutnya yang belum selesai."
VIEW_RANK_HEAD = "**Peringkat kemajuan ZI {year}**"
VIEW_RANK_LINE = "{rank}. {name} — **{percent}** {bar} · terlambat {overdue}"
VIEW_RANK_EMPTY = "Belum ada satker dengan target."
VIEW_DEADLINE_HEAD = "**Tenggat {name}** · rencana aksi {year}"
VIEW_DEADLINE_HEAD_PLAN = "**Tenggat rencana aksi {year}, semua satker**"
VIEW_DUE_HEAD = "**Jatuh tempo dalam {days} hari**"
VIEW_NO_DUE = "Tidak ada item yang jatuh tempo dalam {days} hari."
VIEW_PLAN_ITEM_LINE = "• **{code}** {activity} — {tenggat} ({when}); selesai {done}/{total} satker"
VIEW_PLAN_HEAD = "**Rencana aksi {year} — {name}**"
VIEW_PLAN_HEAD_ALL = "**Rencana aksi {year} — semua satker**"
VIEW_PLAN_LINE = "{icon} **{code}** {activity} — {tenggat} · {status}{evidence}"
VIEW_PLAN_ALL_LINE = "• **{code}** {activity} — {tenggat} · selesai {done}/{total} satker"
VIEW_PLAN_EMPTY = "Tidak ada item."
VIEW_EVIDENCE_COUNT = " · 📎 {count}"
HELP_HEAD = "**Bantuan zibot** — koordinasi pembangunan Zona Integritas"
HELP_NOT_REGISTERED = (
    "Anda belum terdaftar. Minta kode undangan kepada admin provinsi, lalu kirim "
    "/daftar KODE di sini."
)
HELP_GROUP_ANYONE = "Untuk mendaftar, tulis ke saya secara pribadi dengan /daftar KODE."
HELP_WHO = "Anda terdaftar sebagai **{role}** di {satker} ({name})."
HELP_READ = (
    "/progres — kemajuan satker (atau /progres KODE, /progres semua, /progres grafik)\n"
    "/tenggat — item yang jatuh tempo 14 hari ke depan dan yang terlambat\n"
    "/rencana [area] — daftar rencana aksi dengan statusnya"
)
HELP_WRITE = (
    "/lapor KODE belum|proses|selesai [catatan] — perbarui kemajuan item (tanpa argumen: "
    "pilih lewat tombol)\n"
    "/bukti KODE — lalu kirim dokumen atau foto sebagai bukti dukung"
)
HELP_LINK = "/hubungkan KODE_SATKER atau /hubungkan provinsi — hubungkan grup ini"
HELP_FOOT = "/batal — keluar dari percakapan yang sedang berjalan\n/bantuan — pesan ini"

# --- chat: commands ----------------------------------------------------------------------------
START_GROUP = (
    "Untuk mendaftar atau melihat bantuan pribadi, tulis ke saya secara pribadi: "
    "https://t.me/{username}"
)
START_NEW = (
    "Selamat datang di **zibot**, asisten koordinasi pembangunan Zona Integritas.\n\n"
    "Untuk mendaftar, minta kode undangan kepada admin provinsi lalu kirim /daftar KODE. "
    "Ketik /bantuan untuk melihat apa yang dapat saya lakukan."
)
START_KNOWN = (
    "Halo {name}! Anda terdaftar sebagai **{role}** di {satker}. "
    "Ketik /bantuan untuk melihat perintah yang tersedia."
)
DAFTAR_DONE = (
    "Pendaftaran berhasil. {name}, Anda terdaftar sebagai **{role}** di {satker}. "
    "Ketik /bantuan untuk melihat perintah yang tersedia."
)
DAFTAR_ALREADY = "Anda sudah terdaftar sebagai **{role}** di {satker}. Tidak ada yang berubah."
LINKED_SATKER = (
    "Grup ini sekarang terhubung ke **{name}** ({code}). /progres dan pengingat di grup ini "
    "berlaku untuk satker tersebut."
)
LINKED_PROVINCE = (
    "Grup ini sekarang menjadi **grup koordinasi provinsi**. /progres di sini menampilkan "
    "peringkat semua satker."
)
BATAL_NOTHING = "Tidak ada percakapan yang sedang berjalan."
BATAL_DONE = "Dibatalkan. Tidak ada yang diubah."
ERROR_APOLOGY = (
    "Maaf, terjadi kesalahan saat memproses permintaan Anda. Silakan coba lagi sebentar lagi; "
    "bila berulang, hubungi admin provinsi."
)
CHART_CAPTION = "Grafik kemajuan Zona Integritas {year}"
CHART_PERCENT = "Persentase selesai (%)"
CHART_RANKING_TITLE = "Kemajuan ZI {year} per satker"
CHART_SATKER_TITLE = "{name}: {percent} selesai ({year})"

# --- chat: lapor and bukti --------------------------------------------------------------------
LAPOR_CHOOSE_ITEM = "Pilih item {name} yang akan diperbarui:"
LAPOR_CHOOSE_STATUS = "**{code}** {activity}\nStatus sekarang: {status}. Pilih status baru:"
LAPOR_NOTHING_OPEN = "Semua item {name} sudah selesai. 🎉"
LAPOR_DONE = "✅ **{code}** {activity}\nStatus: {old} → **{new}**{note}"
LAPOR_NOTE = "\nCatatan: {note}"
LAPOR_SAVED = "Tersimpan."
BUKTI_SEND_FILE = (
    "Kirim bukti dukung untuk **{code}** {activity} sebagai dokumen atau foto, "
    "dengan membalas pesan ini. Ketik /batal untuk membatalkan."
)
BUKTI_PLACEHOLDER = "Lampirkan dokumen atau foto"
BUKTI_WRONG_KIND = (
    "Yang saya tunggu adalah dokumen (PDF, Word, Excel, dll.) atau foto. "
    "Kirim berkasnya, atau /batal untuk membatalkan."
)
BUKTI_STORED = "📎 Bukti dukung **{code}** tersimpan: {name} ({size}, SHA-256 {sha}…)."

# --- chat: command menus ----------------------------------------------------------------------
MENU_PROGRES = "Kemajuan ZI satker atau semua satker"
MENU_TENGGAT = "Tenggat 14 hari ke depan dan yang terlambat"
MENU_RENCANA = "Daftar rencana aksi dan statusnya"
MENU_LAPOR = "Perbarui kemajuan item"
MENU_BUKTI = "Kirim bukti dukung untuk item"
MENU_DAFTAR = "Daftar dengan kode undangan"
MENU_HUBUNGKAN = "Hubungkan grup ini ke satker"
MENU_BANTUAN = "Apa yang dapat saya lakukan"
MENU_BATAL = "Batalkan percakapan"
TOKEN_REJECTED = (
    "Telegram menolak ZIBOT_TELEGRAM_TOKEN: periksa token dari @BotFather (mungkin sudah dicabut)."
)
RUN_NO_TOKEN = (
    "ZIBOT_TELEGRAM_TOKEN belum diisi: isi di .env atau lingkungan untuk menjalankan bot."
)

# --- calendar and reminders ----------------------------------------------------------------------
WEEKEND_NAMES = ("Sabtu", "Minggu")
HOLIDAY_NAME_EMPTY = "Nama hari libur tidak boleh kosong."
HOLIDAY_SOURCE_NATIONAL = "nasional"
HOLIDAY_SOURCE_EXTRA = "tambahan admin"
HOLIDAY_ADDED = "Hari libur {day} ({name}) ditambahkan."
HOLIDAY_UPDATED = "Hari libur {day} diperbarui: {name}."
HOLIDAY_BAD_DATE = "Tanggal {value!r} tidak valid; gunakan format TTTT-BB-HH, mis. 2026-12-24."
REMINDER_STAGE_LABELS = {
    "h7": "Tenggat 7 hari kerja lagi",
    "h3": "Tenggat 3 hari kerja lagi",
    "h1": "Tenggat besok (1 hari kerja lagi)",
    "h0": "Tenggat hari ini",
}
REMINDER_STAGE_DAYS = "Tenggat {days} hari kerja lagi"
REMINDER_STAGE_LATE = "🔴 Terlambat"
REMINDER_STAGE_AGAIN = "⏰ Pengingat ulang"
REMINDER_HEAD = "🔔 **Pengingat rencana aksi ZI — {satker}**\n{date}"
REMINDER_HEAD_CONTINUED = "🔔 **Pengingat rencana aksi ZI — {satker}** (lanjutan)"
REMINDER_ITEM = "• **{code}** {activity} — tenggat {tenggat}{late}"
REMINDER_LATE_DAYS = " (terlambat {days} hari)"
REMINDER_FOOT = "Perbarui dengan /lapor KODE selesai, atau tombol di bawah."
REMINDER_BUTTON_DONE = "✅ {code} selesai"
REMINDER_BUTTON_SNOOZE = "⏰ {code} besok"
WEEKLY_HEAD = "📊 **Rekap mingguan ZI {year}** — {date}"
WEEKLY_LINE = "{rank}. {name} — {percent} · terlambat {overdue}"
WEEKLY_FOOT = "Total item terlambat: {overdue}. Rincian: /progres NAMA_SATKER"
SNOOZED = "Baik, pengingat {code} untuk chat ini ditunda sampai {date}."
SNOOZE_FORBIDDEN = "Hanya anggota satker ini atau admin yang dapat menunda pengingat."
SNOOZE_GONE = "Item ini sudah tidak ada."
PREVIEW_NONE = "Tidak ada pengingat yang akan dikirim pada {date} ({reason})."
PREVIEW_DAY_OFF = "hari libur: {name}"
PREVIEW_NOTHING_DUE = "tidak ada yang jatuh tempo"
PREVIEW_HEAD = "Pengingat yang akan dikirim pada {date} pukul {time}:"
PREVIEW_WEEKLY = "rekap mingguan semua satker"
PREVIEW_GROUP = "grup {name}"
PREVIEW_PERSON = "{name} ({satker}, pribadi)"
PROVINCE_GROUP = "koordinasi provinsi"
FAILED_NONE = "Tidak ada pesan yang gagal terkirim."
SQLITE_SECOND_PROCESS = (
    "Bot lain sudah berjalan pada basis data SQLite ini ({path}). SQLite hanya mendukung satu "
    "proses; gunakan PostgreSQL untuk lebih dari satu."
)

# --- kendala ----------------------------------------------------------------------------------
KENDALA_GENERAL = "Umum (tidak terkait item tertentu)"
KENDALA_BAD_NUMBER = "Nomor tiket {value!r} tidak valid; contoh yang benar: KDL-2026-0007."
KENDALA_UNKNOWN = "Tiket {number} tidak ditemukan."
KENDALA_BAD_CATEGORY = "Kategori kendala tidak dikenal."
KENDALA_EMPTY = "Uraian kendala tidak boleh kosong."
KENDALA_ADMIN_ONLY = "Hanya admin provinsi yang dapat menanggapi atau menutup kendala."
KENDALA_ANSWER_EMPTY = "Tanggapan tidak boleh kosong."
KENDALA_ALREADY_CLOSED = "Tiket {number} sudah selesai."
KENDALA_NOT_CLOSED = "Tiket {number} belum ditutup, jadi tidak perlu dibuka kembali."
KENDALA_REOPEN_FORBIDDEN = "Hanya pelapor atau admin yang dapat membuka kembali tiket ini."
KENDALA_REOPEN_TOO_LATE = (
    "Tiket {number} ditutup lebih dari {days} hari yang lalu; laporkan kendala baru dengan "
    "/kendala."
)
KENDALA_NOT_VISIBLE = "Anda tidak dapat melihat tiket {number}."
KENDALA_POST = (
    "🆘 **Kendala {number}**{reopened}\n"
    "Satker: {satker}\n"
    "Pelapor: {reporter}\n"
    "Item: {item}\n"
    "Kategori: {category}\n"
    "Dilaporkan: {when}\n\n"
    "{description}"
)
KENDALA_REOPENED_MARK = " (dibuka kembali)"
KENDALA_ATTACHMENT_CAPTION = "Lampiran kendala {number}"
KENDALA_BUTTON_ANSWER = "💬 Tanggapi"
KENDALA_BUTTON_CLOSE = "✅ Selesai"
KENDALA_ANSWER = (
    "💬 **Tanggapan provinsi untuk kendala {number}**\n__{description}__\n\n{answer}\n\n— {admin}"
)
KENDALA_CLOSED_NOTICE = (
    "✅ Kendala {number} ditutup oleh provinsi. Bila belum tuntas, buka kembali dalam {days} hari "
    "dengan /kendala buka {number}."
)
KENDALA_ESCALATION = (
    "⚠️ **Eskalasi kendala {number}** — {satker}\n"
    "Belum ditanggapi selama {days} hari kerja.\n\n{description}"
)
KENDALA_PROVINCE_REMINDER = (
    "⏰ Kendala {number} dari {satker} belum ditanggapi selama {days} hari kerja."
)
KENDALA_START_ITEM = (
    "Laporkan kendala. Kendala ini terkait item di area perubahan mana? "
    "Pilih area, atau **Umum** bila tidak terkait item tertentu. /batal untuk keluar."
)
KENDALA_BUTTON_GENERAL = "Umum"
KENDALA_CHOOSE_ITEM = "Pilih item di area {area}:"
KENDALA_CHOOSE_CATEGORY = "Item: {item}\nApa jenis kendalanya?"
KENDALA_ASK_TEXT = "Jelaskan kendalanya dalam satu pesan (balas pesan ini)."
KENDALA_ASK_TEXT_PLACEHOLDER = "Uraian kendala"
KENDALA_ASK_ATTACHMENT = (
    "Bila ada, kirim foto atau dokumen pendukung (balas pesan ini), atau tekan Lewati."
)
KENDALA_BUTTON_SKIP = "Lewati"
KENDALA_CONFIRM = (
    "Periksa laporan Anda:\nItem: {item}\nKategori: {category}\nUraian: {description}\n"
    "Lampiran: {attachment}\n\nKirim ke provinsi?"
)
KENDALA_NO_ATTACHMENT = "tidak ada"
KENDALA_BUTTON_SEND = "📨 Kirim"
KENDALA_BUTTON_CANCEL = "Batal"
KENDALA_SAVED = (
    "Kendala tercatat dengan nomor **{number}** dan diteruskan ke Divisi Hukum dan "
    "Pengawasan provinsi. Tanggapan akan dikirim ke sini."
)
KENDALA_SAVED_WAITING = (
    "Kendala tercatat dengan nomor **{number}**. Grup provinsi belum terhubung, jadi laporan "
    "menunggu dan akan diteruskan begitu grup provinsi terhubung."
)
KENDALA_WRONG_STEP = "Pada langkah ini saya menunggu {expected}. Ketik /batal untuk keluar."
KENDALA_EXPECT_BUTTON = "pilihan dari tombol di atas"
KENDALA_EXPECT_TEXT = "uraian kendala berupa teks"
KENDALA_EXPECT_FILE = "foto/dokumen, atau tombol Lewati"
KENDALA_EXPIRED = "Percakapan ini sudah tidak berlaku. Mulai lagi dengan /kendala."
KENDALA_ASK_ANSWER = "Tulis tanggapan untuk {number} (balas pesan ini)."
KENDALA_ANSWER_SAVED = (
    "Tanggapan untuk {number} tersimpan dan dikirim ke pelapor dan grup satkernya."
)
KENDALA_CLOSED_DONE = "Kendala {number} ditutup."
KENDALA_REOPENED = "Kendala {number} dibuka kembali dan diteruskan lagi ke provinsi."
TANGGAPI_USAGE = (
    "Kirim /tanggapi NOMOR_TIKET teks tanggapan, mis. /tanggapi KDL-2026-0007 Sudah kami "
    "koordinasikan."
)
KENDALA_LIST_HEAD = "**Kendala terbuka** ({count}), terlama dahulu:"
KENDALA_LIST_LINE = (
    "• **{number}** {satker} — {category}, {status}, {age} hari kerja: {description}"
)
KENDALA_LIST_EMPTY = "Tidak ada kendala terbuka. 👍"
KENDALA_STATUS_LABELS = {
    "baru": "menunggu tanggapan",
    "ditanggapi": "ditanggapi",
    "selesai": "selesai",
}
KENDALA_SUBCOMMAND_UNKNOWN = "Gunakan /kendala, /kendala daftar, atau /kendala buka NOMOR_TIKET."

# --- instruksi ---------------------------------------------------------------------------------
INSTRUKSI_ADMIN_ONLY = "Hanya admin provinsi yang dapat mengirim instruksi."
INSTRUKSI_USAGE = (
    "Kirim /instruksi teks instruksi (bisa sebagai balasan ke dokumen untuk melampirkannya), "
    "atau /instruksi status [nomor]."
)
INSTRUKSI_TOO_LONG = (
    "Instruksi terlalu panjang ({length} karakter; paling banyak {limit}). Ringkas teksnya, atau "
    "kirim rinciannya sebagai dokumen lalu balas dokumen itu dengan /instruksi ringkasan."
)
INSTRUKSI_UNKNOWN = "Instruksi {number} tidak ditemukan."
INSTRUKSI_NONE = "Belum ada instruksi."
INSTRUKSI_BAD_NUMBER = "Nomor instruksi {value!r} tidak valid; contoh: INS-2026-0003 atau 3."
INSTRUKSI_MESSAGE = "📢 **Instruksi {number}**\n\n{text}\n\n— {admin}, KPU Provinsi"
INSTRUKSI_ATTACHMENT_CAPTION = "Lampiran instruksi {number}"
INSTRUKSI_BUTTON_READ = "✅ Sudah dibaca"
INSTRUKSI_SENT = (
    "Instruksi {number} dikirim ke {groups} grup satker dan {leaders} pimpinan. "
    "Pantau dengan /instruksi status."
)
INSTRUKSI_CONFIRMED = "Terima kasih, konfirmasi Anda untuk {number} tercatat."
INSTRUKSI_ALREADY = "Konfirmasi Anda untuk {number} sudah tercatat sebelumnya."
INSTRUKSI_REMINDER = (
    "⏰ Mohon konfirmasi instruksi {number} yang belum Anda tandai sudah dibaca:\n\n{text}"
)
INSTRUKSI_STATUS_HEAD = "**Status instruksi {number}** ({date})\n{text}"
INSTRUKSI_STATUS_SATKER = "\n**{satker}**"
INSTRUKSI_STATUS_LINE = "  {icon} {name} ({structure}){when}"
INSTRUKSI_STATUS_NONE = "  (belum ada pimpinan terdaftar)"
INSTRUKSI_STATUS_FOOT = "\nSudah: {done} · Belum: {missing} · Konfirmasi lain di grup: {others}"
STRUCTURE_LABELS = {
    "komisioner": "komisioner",
    "sekretariat": "sekretariat",
    None: "struktur belum diisi",
}
INVITE_STRUCTURE_BAD = "Struktur {structure!r} tidak dikenal; gunakan komisioner atau sekretariat."
INVITE_STRUCTURE_ONLY_PIMPINAN = "--structure hanya untuk peran pimpinan."
CLI_STRUCTURE_HELP = (
    "Untuk pimpinan: komisioner (Ketua/Anggota) atau sekretariat (Sekretaris/Kasubbag)."
)
CLI_KENDALA_HELP = "Daftar dan ekspor tiket kendala."
KENDALA_EXPORT_DONE = "{count} tiket kendala ditulis ke {path}."
KENDALA_COLUMNS = ("Nomor", "Satker", "Kategori", "Status", "Umur (hari kerja)", "Uraian")
KENDALA_EXPORT_COLUMNS = (
    "Nomor", "Satker", "Pelapor", "Item", "Kategori", "Status", "Uraian",
    "Umur (hari kerja)", "Tanggapan",
)  # fmt: skip
EXPORT_SHEET_KENDALA = "Kendala"
MENU_KENDALA = "Laporkan kendala ke provinsi"
MENU_INSTRUKSI = "Kirim instruksi (admin)"
MENU_TANGGAPI = "Tanggapi kendala (admin)"

# --- import (rencana aksi spreadsheets) -------------------------------------------------------
IMPORT_FILE_NOT_FOUND = "Berkas rencana aksi tidak ditemukan: {path}"
IMPORT_XLS_UNSUPPORTED = (
    "Berkas {name} berformat XLS (Excel lama) yang tidak didukung; simpan ulang sebagai XLSX "
    "atau CSV lalu impor lagi."
)
IMPORT_UNSUPPORTED_TYPE = "Jenis berkas {name} tidak didukung; gunakan XLSX atau CSV."
IMPORT_UNREADABLE = "Berkas {name} tidak dapat dibaca sebagai {kind}: {detail}"
IMPORT_NO_HEADER = (
    "Baris judul kolom tidak ditemukan di {rows} baris pertama {name}; pastikan ada kolom "
    "seperti 'Kegiatan' dan 'Tenggat' (atau kolom bulan/triwulan)."
)
IMPORT_MISSING_COLUMNS = (
    "Kolom wajib tidak ditemukan di baris judul (baris {row}, {where}): {columns}. "
    "Judul kolom yang dikenali: {accepted}."
)
IMPORT_COLUMN_ACTIVITY = "kegiatan"
IMPORT_COLUMN_DEADLINE = "tenggat (atau kolom bulan/triwulan)"
IMPORT_NO_YEAR = (
    "Tahun rencana aksi tidak dapat ditentukan dari judul, nama berkas, maupun tenggat di {name}; "
    "sebutkan tahunnya dengan --year."
)
IMPORT_NO_ITEMS = "tidak ada baris rencana aksi di bawah baris judul kolom"
IMPORT_ACTIVITY_EMPTY = "kegiatan kosong"
IMPORT_DEADLINE_EMPTY = "tenggat kosong dan tidak ada bulan/triwulan yang ditandai"
IMPORT_BAD_DATE = "tanggal tidak dikenali: {value!r}"
IMPORT_AREA_UNKNOWN = "area perubahan tidak dikenal: {value!r}"
IMPORT_AREA_AMBIGUOUS = "area perubahan tidak jelas: {value!r} (bisa {candidates})"
IMPORT_AREA_MISSING = "area perubahan kosong dan tidak ada baris judul area di atasnya"
IMPORT_BAD_CODE = "kode tidak valid: {value!r}"
IMPORT_CODE_AREA_MISMATCH = "kode {code} tidak sesuai dengan area perubahan {area}"
IMPORT_DUPLICATE_CODE = "kode ganda: {code} sudah dipakai di baris {first_row}"
IMPORT_BAD_SATKER_CODE = "kode satker tidak valid: {value!r} (harus 2–4 angka)"

# --- group lifecycle ---
GROUP_PROVINCE_LABEL = "grup koordinasi provinsi"
GROUP_LINK_INACTIVE = (
    "Bot sempat dikeluarkan dari grup ini, jadi grup ini tidak lagi terhubung ke {name}. "
    "Admin atau agen perubahan dapat menghubungkannya kembali dengan /hubungkan {argument}."
)
GROUP_BOT_RETURNED = (
    "Terima kasih, bot sudah kembali di grup ini. Grup ini sebelumnya terhubung ke {name}; "
    "pengingat dan /progres aktif lagi setelah admin atau agen perubahan mengirim "
    "/hubungkan {argument}."
)
GROUP_BOT_ADDED = (
    "Terima kasih telah menambahkan bot ke grup ini. Admin atau agen perubahan dapat "
    "menghubungkannya ke satker dengan /hubungkan KODE_SATKER (atau /hubungkan provinsi)."
)
GROUP_LOST_NOTICE = (
    "⚠️ Bot dikeluarkan dari grup **{title}** milik **{satker}** ({code}). Pengingat, "
    "tanggapan kendala dan instruksi tidak lagi dikirim ke grup itu. Tambahkan kembali bot ke "
    "grup tersebut, lalu kirim /hubungkan {code} di sana."
)

# --- bad input ---
INPUT_TOO_LONG = (
    "{what} terlalu panjang ({length} karakter; paling banyak {limit}). Tidak ada yang disimpan: "
    "ringkas teksnya lalu kirim lagi."
)
INPUT_WHAT_KENDALA = "Uraian kendala"
INPUT_WHAT_NOTE = "Catatan laporan"
INPUT_WHAT_ANSWER = "Tanggapan"
INPUT_WHAT_INSTRUKSI = "Instruksi"
INPUT_BAD_NUMBER = "Nomor {value!r} tidak valid."
BUTTON_INVALID = "Tombol tidak berlaku."
DOWNLOAD_TOO_BIG = (
    "Berkas terlalu besar untuk diunduh bot (batas Telegram 20 MB). Kecilkan atau pisahkan "
    "berkasnya, lalu kirim lagi."
)
DOWNLOAD_FAILED = "Berkas tidak dapat diambil dari Telegram: coba kirim ulang."

# --- newcomer ------------------------------------------------------------------------------------
TELEGRAM_UNREACHABLE = (
    "Telegram tidak dapat dihubungi di {url} ({reason}): periksa jaringan, proxy atau "
    "ZIBOT_TELEGRAM_API_URL, lalu jalankan lagi."
)
REMINDER_DUE_LAST_WORKING_DAY = "Tenggat {date} (hari libur): hari ini hari kerja terakhir"
PREVIEW_NOBODY = (
    "belum ada grup yang dihubungkan (/hubungkan) dan belum ada yang mendaftar dengan kode "
    "undangan (zibot invite), jadi pengingat belum dapat dikirim ke siapa pun"
)
PREVIEW_NO_RECIPIENTS = "yang jatuh tempo belum punya penerima"
PREVIEW_NO_RECIPIENT = "belum ada penerima"
PREVIEW_SATKER = "{name} ({code})"
PREVIEW_UNREACHED_HEAD = "Jatuh tempo pada {date}, per satker:"
KENDALA_LIST_NONE = "Belum ada tiket kendala."
HOLIDAY_LIST_NONE = "Tidak ada hari libur pada {year}."
CLI_VERSION_HELP = "Tampilkan versi zibot lalu keluar."

# --- lke (self-assessment on the LKE worksheet, projected score) -----------------------------
LKE_INVALID = "Lembar kerja LKE tidak valid: {problem}"
LKE_BAD_JSON = "bukan JSON yang valid ({reason})"
LKE_NOT_OBJECT = "isi berkas harus objek JSON"
LKE_MISSING_KEY = "kunci utama {key!r} tidak ada"
LKE_NO_REGULATION = "nama peraturan ('regulation') kosong"
LKE_BAD_SOURCE = "sumber tidak lengkap (perlu repo, path dan commit 40 karakter): {source}"
LKE_SCALE_PINNED = "skala jawaban {scale} berisi {got}, seharusnya {want}"
LKE_SCALE_BAD = (
    "skala jawaban {scale} harus berisi minimal dua pilihan bernilai 0..1, terbaik 1 dan terburuk 0"
)
LKE_SCALE_SPECIAL = "skala jawaban 'persen' dan 'survei_0_4' harus ada"
LKE_COMPONENTS = "komponen harus tepat 'pengungkit' dan 'hasil'"
LKE_COMPONENTS_SUM = "bobot komponen berjumlah {total}, seharusnya 100"
LKE_WEIGHT_BAD = "bobot {code} tidak ada atau bukan angka"
LKE_NO_PARTS = "komponen {code} tidak punya bagian"
LKE_PARTS_SUM = "bagian komponen {code} berjumlah {total}, seharusnya {want}"
LKE_PARTS_CODES = "bagian komponen {code} tidak sesuai dengan PermenPANRB 90/2021"
LKE_PART_ITEMS = "daftar 'items' bagian {part} tidak valid"
LKE_PINNED = "bobot {what} adalah {got}, seharusnya {want}"
LKE_AREAS_ORDER = (
    "kode atau urutan area tidak sesuai (harus unik; PermenPANRB 90/2021: MP, TL, SDM, AK, PW, PP)"
)
LKE_AREA_PART_MISSING = "area {area} tidak punya bagian {part}"
LKE_PART_TOTAL = "bobot area bagian {part} berjumlah {total}, seharusnya {want}"
LKE_NO_INDICATORS = "{area} {part} tidak punya indikator"
LKE_INDICATORS_SUM = "{area} {part}: bobot indikator berjumlah {total}, seharusnya {want}"
LKE_DUPLICATE = "kode ganda atau kosong: {code!r}"
LKE_INDICATOR_BAD = "indikator {code} harus punya nama dan bobot lebih dari 0"
LKE_NO_QUESTIONS = "indikator {code} tidak punya pertanyaan"
LKE_NO_TEXT = "pertanyaan {code} tidak punya teks"
LKE_UNKNOWN_SCALE = "pertanyaan {code}: skala {scale!r} tidak dikenal"
LKE_INPUTS = "pertanyaan {code}: perlu minimal dua masukan dengan kode berbeda"
LKE_FORMULA = "pertanyaan {code}: rumus {formula!r} tidak valid ({reason})"
LKE_FORMULA_CHAR = (
    "karakter {char!r} tidak diizinkan; hanya angka, kode masukan, + - * / dan kurung"
)
LKE_FORMULA_END = "rumus berakhir terlalu cepat"
LKE_FORMULA_PAREN = "kurung tutup hilang"
LKE_FORMULA_UNEXPECTED = "tidak diharapkan: {token!r}"
LKE_FORMULA_EMPTY = "rumus kosong"
LKE_FORMULA_UNKNOWN = "memakai masukan yang tidak ada: {names}"
LKE_HASIL_ITEMS = "butir hasil harus unik (PermenPANRB 90/2021: ipak, capaian_kinerja, ipkp)"
LKE_HASIL_BAD = "butir hasil {code}: bagian, bobot atau skala tidak sesuai"
LKE_HASIL_PART_ITEMS = (
    "bagian hasil {part}: daftar 'items' tidak sama dengan butir hasil bagian itu"
)
LKE_HASIL_PART_SUM = "bobot butir hasil bagian {part} berjumlah {total}, seharusnya {want}"
LKE_BEST_SCORE = "nilai terbaik yang mungkin adalah {score}, seharusnya 100"
LKE_NO_LEVELS = "nilai minimum tidak berisi predikat apa pun (wbk, wbbm)"
LKE_MINIMUM_PINNED = "nilai minimum {level}.{key} adalah {got}, seharusnya {want}"
LKE_MINIMUM_MISSING = "nilai minimum {level}.{key} tidak ada atau tidak valid"
LKE_MINIMUM_UNKNOWN = "nilai minimum {level}.{key} tidak merujuk ke butir/bagian hasil yang ada"
LKE_AREA_RULE_MISSING = "'per_area_applies_to' tidak ada"
LKE_AREA_RULE_UNKNOWN = (
    "'per_area_applies_to' harus diawali 'area total' atau 'each part', bukan {value!r}"
)
LKE_SURVEY_INDEX = "minimum WBK {item} tidak sama dengan indeks survei {index} / 4 × bobot"
LKE_COMPARISON = "perbandingan minimum harus '>=' atau '>', bukan {value!r}"
LKE_NO_VERSION = "Lembar kerja LKE belum dimuat: jalankan dahulu 'zibot lke load'."
LKE_QUESTION_UNKNOWN = "Pertanyaan LKE {code!r} tidak ada di lembar kerja {label}."
LKE_NOT_A_NUMBER = "Bukan angka: {value!r}"
LKE_CHOICE_BAD = "Jawaban {value!r} untuk {code} tidak dikenal; pilih salah satu: {choices}."
LKE_CHOICE_MISSING = "Pertanyaan {code} perlu jawaban pilihan."
LKE_INPUTS_MISSING = "Pertanyaan {code} perlu angka untuk masukan: {names}."
LKE_INPUT_NEGATIVE = "Masukan pertanyaan {code} tidak boleh negatif."
LKE_EVIDENCE_UNKNOWN = "Bukti dukung {ids} tidak ada atau bukan milik satker ini."
LKE_HASIL_NOTHING = "Tidak ada nilai hasil yang diisi (mis. --ipak 3,62 --ipkp 3,41 --capaian B)."
LKE_HASIL_UNKNOWN = "Butir hasil {code!r} tidak dikenal; yang ada: {codes}."
LKE_SURVEY_RANGE = "Indeks {name} harus antara 0 dan 4, bukan {value!r}."
LKE_ITEM_UNKNOWN = "Item rencana aksi {code!r} tahun {year} tidak ada."
LKE_NO_PROPOSAL = (
    "Tidak ada usulan jawaban untuk {code} (item terkait belum semua selesai dan terverifikasi)."
)
LKE_LOADED = (
    "Lembar kerja {label} dimuat sebagai versi #{id} ({questions} pertanyaan, sha256 {sha})."
)
LKE_LOADED_ALREADY = (
    "Lembar kerja {label} sudah dimuat sebagai versi #{id} (sha256 {sha}); tidak ada yang berubah."
)
LKE_HASIL_DONE = "Hasil {satker} tahun {year} disimpan: {values}."
LKE_LINKED = "Item {item} ({year}) kini terkait dengan pertanyaan {question}."
LKE_LINKED_ALREADY = "Item {item} ({year}) sudah terkait dengan pertanyaan {question}."
CLI_LKE_HELP = "Penilaian mandiri LKE Zona Integritas dan proyeksi nilai terhadap minimum WBK/WBBM."
CLI_LKE_FILE_HELP = "Berkas JSON lembar kerja LKE (bawaan: PermenPANRB 90/2021)."
CLI_LKE_IPAK_HELP = "Indeks Persepsi Anti Korupsi (0–4), mis. 3,62."
CLI_LKE_IPKP_HELP = "Indeks Persepsi Kualitas Pelayanan (0–4), mis. 3,41."
CLI_LKE_CAPAIAN_HELP = "Capaian kinerja (A–E)."
CLI_LKE_ITEM_HELP = "Kode item rencana aksi, mis. MP-01."
CLI_LKE_QUESTION_HELP = "Kode pertanyaan LKE, mis. MP.P1.a."
CLI_LKE_REPORT_HELP = "Berkas XLSX tujuan."
LKE_HASIL_CLI_CODES = {"ipak": "ipak", "ipkp": "ipkp", "capaian": "capaian_kinerja"}

# Projection (CLI now; chat /progres nilai later): plain text, no markup.
LKE_PROJ_HEAD = "Proyeksi nilai LKE — {name} ({code}), tahun {year}"
LKE_PROJ_SHEET = "Lembar kerja: {label}"
LKE_PROJ_UNANSWERED = (
    "Dijawab {answered} dari {total} pertanyaan; {unanswered} yang belum dijawab dihitung 0."
)
LKE_PROJ_HASIL_MISSING = "Hasil belum diisi (dihitung 0): {names}."
LKE_PROJ_AREA = "{code} {name}: {parts} · jumlah {points}/{weight} ({percent})"
LKE_PROJ_PART = "{part} {points}/{weight} ({percent})"
LKE_PROJ_PENGUNGKIT = "Pengungkit: {parts} · jumlah {points}/{weight}"
LKE_PROJ_HASIL = "Hasil: {items} · jumlah {points}/{weight}"
LKE_PROJ_TOTAL = "Nilai total: {total}/100"
LKE_PROJ_LEVEL = "Minimum {level}: {verdict}"
LKE_PROJ_LEVEL_MET = "semua terpenuhi"
LKE_PROJ_LEVEL_MISSED = "{missed} belum terpenuhi"
LKE_PROJ_REQUIRES = "  • syarat: sudah berpredikat {levels} (tidak dapat diperiksa di sini)"
LKE_PROJ_CHECK = "  {icon} {what}: {score} (minimum {minimum}; {distance})"
LKE_PROJ_SHORT = "kurang {value}"
LKE_PROJ_OVER = "lebih {value}"
LKE_PROJ_AREA_RULE_TOTAL = (
    "Minimum area diterapkan pada jumlah pemenuhan + reform setiap area (lembar kerja: {text})."
)
LKE_PROJ_AREA_RULE_PART = (
    "Minimum area diterapkan pada pemenuhan dan reform masing-masing (lembar kerja: {text})."
)
LKE_PROJ_MOVES = "Lima jawaban yang paling menambah nilai:"
LKE_PROJ_MOVE = "{n}. {code} +{gain} (bobot indikator {weight}; kini {current}): {text}"
LKE_PROJ_MOVE_ITEMS = "   item terkait belum selesai: {items}"
LKE_PROJ_NONE = "(tidak ada: semua jawaban sudah bernilai terbaik)"
LKE_PROJ_UNANSWERED_SHORT = "belum dijawab"
LKE_PROJ_PROPOSALS = (
    "Usulan jawaban (semua item terkait selesai dan terverifikasi; konfirmasi oleh agen):"
)
LKE_PROJ_PROPOSAL = "  {code} → {choice} (item {items})"
LKE_WHAT_TOTAL = "Nilai total"
LKE_WHAT_PENGUNGKIT = "Pengungkit"
LKE_WHAT_AREA = "Area {code}"
LKE_WHAT_AREA_PART = "Area {code} {part}"
LKE_PART_LABELS = {"pemenuhan": "Pemenuhan", "reform": "Reform"}
LKE_RANK_TITLE = "Proyeksi nilai LKE tahun {year}: semua satker berperingkat"
LKE_RANK_COLUMNS = ("#", "Kode", "Satker", "Total", "Minimum WBK tak terpenuhi",
                    "Minimum WBBM tak terpenuhi", "Belum dijawab")  # fmt: skip
LKE_RANK_FOOT = "Pertanyaan yang belum dijawab dan hasil yang belum diisi dihitung 0."
LKE_REPORT_DONE = "Laporan LKE tahun {year} ({count} satker) ditulis ke {path}."
LKE_SHEET_SUMMARY = "Ringkasan"
LKE_SHEET_WORKSHEET = "LKE {code}"
LKE_REPORT_TITLE = "Proyeksi nilai LKE {name} ({code}) tahun {year}"
LKE_REPORT_RANK_TITLE = "Proyeksi nilai LKE semua satker, tahun {year}"
LKE_REPORT_SHEET = "Lembar kerja: {label}"
LKE_REPORT_AREA_COLUMNS = ("Area", "Nama", "Pemenuhan", "Reform", "Jumlah", "Bobot", "% bobot",
                           "Minimum WBK %", "Minimum WBBM %")  # fmt: skip
LKE_REPORT_CHECK_COLUMNS = ("Predikat", "Ukuran", "Nilai", "Minimum", "Terpenuhi", "Selisih")
LKE_REPORT_ROW_PENGUNGKIT = "Pengungkit"
LKE_REPORT_ROW_HASIL = "Hasil"
LKE_REPORT_ROW_TOTAL = "Nilai total"
LKE_REPORT_RANK_COLUMNS = ("#", "Kode", "Satker", "Pengungkit", "Hasil", "Total",
                           "Minimum WBK tak terpenuhi", "Minimum WBBM tak terpenuhi",
                           "Belum dijawab")  # fmt: skip
LKE_REPORT_WORKSHEET_COLUMNS = ("Kode", "Area", "Bagian", "Indikator", "Bobot indikator",
                                "Pertanyaan", "Skala", "Jawaban", "Masukan", "Skor (0–1)",
                                "Nilai", "Item terkait", "Bukti dukung")  # fmt: skip
LKE_REPORT_HASIL_SCALE = "hasil"
LKE_REPORT_CHART_AREA = "Proyeksi per area (% bobot) terhadap minimum"
LKE_REPORT_CHART_TOTAL = "Proyeksi nilai total terhadap minimum"
LKE_REPORT_SERIES_PROJECTION = "Proyeksi"
LKE_REPORT_SERIES_MINIMUM = "Minimum {level}"
LKE_REPORT_ITEM_NOT_APPLICABLE = "tidak berlaku"
CLI_LKE_VALUES_HELP = (
    "Jawaban: Ya/Tidak atau A–E; untuk pertanyaan persen angka per masukan, mis. a=12 b=10."
)
CLI_LKE_BUKTI_HELP = "Id bukti dukung yang mendukung jawaban (boleh berulang)."
LKE_ANSWERED = "Jawaban {satker} tahun {year} untuk {question} disimpan: {answer} (skor {score})."
CLI_LKE_SOAL_HELP = (
    "Kode area (MP, TL, SDM, AK, PW, PP) atau kode pertanyaan (MP.P1.a); kosong: semua."
)
LKE_SOAL_UNKNOWN = "{query!r} bukan kode area maupun pertanyaan di lembar kerja {label}."
LKE_SOAL_AREA = "{code} {name}"
LKE_SOAL_INDICATOR = "  {code} {name} (bobot {weight})"
LKE_SOAL_LINE = "    {code} [{scale}] {text}"
LKE_SOAL_DETAIL_HEAD = (
    "{code} — {area}, {part}, indikator {indicator} (bobot {weight}, {count} pertanyaan)"
)
LKE_SOAL_SCALE = "Pilihan jawaban: {choices}"
LKE_SOAL_INPUTS = "Masukan angka (rumus {formula}, dibatasi 0–1):"
LKE_SOAL_INPUT = "  {code} = {text}"
LKE_SOAL_CRITERIA = "Kriteria:"


# --- import of real plans ---
IMPORT_ACCEPTED_FOR = "untuk {field}: {names}"
IMPORT_EXPECTED_DATE = " (yang dikenali: 31 Desember 2026, 31/12/2026, 2026-12-31, Desember, TW IV)"
IMPORT_EXPECTED_CODE = " (yang dikenali: kode seperti MP-01, atau nomor urut di kolom No)"
IMPORT_EXPECTED_AREA = " (yang dikenali: nama atau kode area {codes})"
IMPORT_HEADING_NOT_AREA = (
    "judul {value!r} bernomor seperti judul area, tetapi bukan nama area yang dikenal "
    "(yang dikenal: {names}); tulis nama areanya, atau beri nomor lain bila ini sub-kelompok"
)
IMPORT_LOOKS_LIKE_HEADING = (
    " (baris ini terlihat seperti judul kelompok; bila memang judul, biarkan hanya satu sel terisi)"
)
IMPORT_NOTE_COLUMN_NUMBERS = "nomor kolom"
IMPORT_NOTE_HEADER_AGAIN = "judul kolom diulang"
IMPORT_NOTE_ONLY_NUMBER = "hanya nomor, tanpa isi"
IMPORT_SHEET_NO_HEADER = "tidak ada baris judul kolom (dianggap catatan)"
IMPORT_SHEET_NOT_FIRST = (
    "judul kolom lengkap, tetapi hanya lembar pertama yang dibaca (nama lembar bukan nama area)"
)
IMPORT_NO_HEADER_TEXT = "tanpa judul"
IMPORT_SHEET_NOT_AREA = "lembar lain ini bernama bukan nama area (rencana aksi dibaca per area)"
IMPORT_COLUMN_OPTION_BAD = (
    "Opsi --column tidak dikenali: {value!r}; tulis NAMA=KOLOM, NAMA salah satu dari: {fields}."
)
IMPORT_COLUMN_OPTION_UNKNOWN = (
    "Kolom {value!r} pada --column tidak ada di baris judul; kolom yang ada: {columns}."
)
IMPORT_COLUMN_OPTION_AMBIGUOUS = (
    "Kolom {value!r} pada --column cocok dengan beberapa kolom: {columns}; "
    "tulis 'Grup/Sub' atau huruf kolomnya."
)
IMPORT_COLUMN_UNSURE = (
    "Kolom {field} tidak dapat dipastikan ({where}): ada beberapa kolom yang sama mungkinnya: "
    "{columns}. Sebutkan yang dimaksud dengan {options}."
)
IMPORT_EVIDENCE_UNSURE = (
    "Kolom bukti dukung tidak ditemukan ({where}), tetapi kolom {columns} berisi teks di "
    "sebagian besar baris. Bila itu bukti dukung, sebutkan dengan --column bukti={letter}; "
    "bila tidak ada kolom bukti dukung, tulis --column bukti=-."
)
READING_TITLE = "Cara berkas {name} dibaca (rencana aksi tahun {year}):"
READING_SHEET = "Lembar {sheet!r}"
READING_CSV = "Berkas CSV"
READING_SHEET_AREA = "  area dari nama lembar: {area}"
READING_SHEET_IGNORED = "Lembar {sheet!r} tidak dibaca: {reason}"
READING_HEADER_ROWS = "  baris judul kolom: {rows}"
READING_COLUMNS = "  kolom:"
READING_COLUMN = "    {letter:>2}  {header} → {meaning}"
READING_FIELD = "{field}"
READING_FIELD_GRID = "tanda bulan/triwulan (tenggat)"
READING_FIELD_NOTE = "dibaca, tidak dipakai (keterangan)"
READING_FIELD_UNUSED = "TIDAK DIPAKAI"
READING_ROWS = "  baris:"
READING_ROW = "    baris {row}: {kind}{detail}"
READING_ROW_TITLE = "judul berkas"
READING_ROW_HEADER = "judul kolom"
READING_ROW_SKIPPED = "dilewati"
READING_ROW_FOOTER = "keterangan/tanda tangan di bawah tabel, diabaikan"
READING_ROW_ERROR = "bermasalah (lihat daftar masalah)"
READING_ROW_HEADING = "    baris {row}: {label} {text!r} → {effect}"
READING_HEADING_COMPONENT = "judul komponen"
READING_HEADING_AREA = "judul area"
READING_HEADING_SUB = "judul sub-indikator"
READING_HEADING_GROUP = "judul kelompok"
READING_AREA_SET = "area {area}"
READING_AREA_NONE = "area dimulai lagi"
READING_AREA_KEPT = "area tetap {area}"
READING_ITEM_RUN = "    baris {rows}: {items} butir ({codes}){parts}"
READING_CODES_SPAN = "{first} s.d. {last}"
READING_PARTS = ", {parts} baris lanjutan butir di atasnya"
READING_PER_AREA = "Butir per area: {summary} (jumlah {total})"
READING_ITEM = "  {code} (baris {row}): {activity} | bukti: {evidence} | tenggat {tenggat}{group}"
READING_ITEM_GROUP = " | kelompok: {group}"
READING_ERRORS = "Ada {count} masalah: berkas tidak akan disimpan sampai semuanya diperbaiki."
CLI_COLUMN_HELP = (
    "Tetapkan kolom untuk satu isian bila tebakan salah atau ragu, mis. "
    '--column kegiatan="Rincian Kegiatan/Uraian" atau --column bukti=E (bukti=- : tidak ada). '
    "Isian: kode, area, kegiatan, kelompok, bukti, tenggat, berlaku, pic."
)
IMPORT_PROBLEM_SHEET = "lembar {sheet!r}: {reason}"

# --- flood and replicas ---
FLOOD_NOTICE = (
    "Maaf, pesan Anda terlalu banyak dalam waktu singkat. Mohon tunggu sekitar satu menit, "
    "lalu kirim perintah Anda lagi."
)

# --- notices ---
# Templates of notices (services/notices.py) mark emphasis as **bold** and __italic__; each
# channel's presenter turns the marks into its own formatting (rich text, or plain text where a
# channel has none).
REMINDER_SECTION = "**{label}**"
SETTING_BAD_ADDRESS = (
    "harus id chat Telegram berupa angka (mis. -1001234567890) atau kanal:id "
    "(mis. telegram:-1001234567890, whatsapp:6281234567890): {value!r}"
)

# --- core ---
KENDALA_BUTTON_GONE = "Tiket ini sudah tidak ada."

# --- h-wa ---
# WhatsApp (inbound): commands are words, with or without "/"; templates use **bold** marks.
SETTING_MISSING_WHATSAPP = (
    "Pengaturan {name} belum diisi, padahal WhatsApp aktif (ZIBOT_WHATSAPP_PHONE_ID dan "
    "ZIBOT_WHATSAPP_TOKEN diisi): tanpa itu webhook WhatsApp tidak dapat diperiksa."
)
SETTING_BAD_PHONE_ID = "harus ID nomor telepon WhatsApp berupa angka: {value!r}"
WA_MENU = (
    "Halo! Saya **zibot**, asisten koordinasi pembangunan Zona Integritas.\n\n"
    'Ketik salah satu kata ini (boleh dengan atau tanpa "/"):\n'
    "• **progres** — kemajuan satker\n"
    "• **tenggat** — item yang jatuh tempo dan yang terlambat\n"
    "• **rencana** [area] — rencana aksi dengan statusnya\n"
    "• **lapor** — perbarui status item\n"
    "• **bukti** — kirim bukti dukung (dokumen atau foto)\n"
    "• **kendala** — laporkan kendala ke provinsi; **kendala daftar** — kendala terbuka\n"
    "• **daftar** KODE — mendaftar dengan kode undangan\n"
    "• **tautkan** KODE — tautkan WhatsApp ini ke akun Telegram Anda (kode dari /tautkan di "
    "Telegram); **tautkan** saja — kode untuk menautkan akun Telegram ke akun ini\n"
    "• **batal** — keluar dari percakapan; **bantuan** — pesan ini"
)
WA_LIST_BUTTON = "Pilih"
WA_NUMBER_HINT = "Balas dengan nomor pilihan Anda (mis. 1)."
WA_NUMBER_UNKNOWN = "Nomor {number} tidak ada dalam daftar pilihan. Ketik **bantuan** untuk menu."
WA_UNSUPPORTED = (
    "Saya hanya membaca pesan teks, dokumen dan foto. Ketik **bantuan** untuk melihat menu."
)
WA_BUTTON_GONE = "Pilihan ini sudah tidak berlaku. Mulai lagi dari menu (ketik **bantuan**)."
WA_BUKTI_CHOOSE_ITEM = "Bukti dukung untuk item {name} yang mana?"
WA_BUKTI_SEND_FILE = (
    "Kirim bukti dukung untuk **{code}** {activity} sebagai dokumen atau foto. "
    "Ketik **batal** untuk membatalkan."
)
WA_BUKTI_USAGE = (
    "Ketik **bukti** lalu pilih itemnya, atau **bukti KODE_ITEM** (mis. bukti MP-01), lalu kirim "
    "berkas atau fotonya. Berkas juga boleh dikirim dengan kode item sebagai keterangannya."
)
WA_MEDIA_UNKNOWN = "Berkas tidak dapat diambil dari WhatsApp: coba kirim ulang."
WA_KENDALA_AREA_MORE = "Umum"
WA_KENDALA_CHOOSE_AREA = (
    "Laporkan kendala. Kendala ini terkait item di area perubahan mana? Pilih area, atau "
    "**Umum** bila tidak terkait item tertentu. Ketik **batal** untuk keluar."
)
WA_KENDALA_ASK_TEXT = "Jelaskan kendalanya dalam satu pesan."
WA_KENDALA_ASK_ATTACHMENT = "Bila ada, kirim foto atau dokumen pendukung, atau tekan **Lewati**."
WA_KENDALA_WRONG_STEP = "Pada langkah ini saya menunggu {expected}. Ketik **batal** untuk keluar."
WA_KENDALA_EXPECT_CHOICE = "pilihan dari daftar di atas"
WA_KENDALA_EXPECT_TEXT = "uraian kendala berupa teks"
WA_KENDALA_EXPECT_FILE = "foto/dokumen, atau tombol Lewati"
WA_KENDALA_EXPIRED = "Laporan kendala ini sudah tidak berlaku. Mulai lagi dengan **kendala**."
WA_GENERAL_DESCRIPTION = "Tidak terkait item tertentu"
# --- h-waout ---
# WhatsApp notices inside the 24-hour window (free-form), and the parameters of the approved
# templates sent outside it (README: "WhatsApp templates"). A template parameter may hold no
# line break, tab or run of spaces, and the template body at most 1,024 characters.
WA_REMINDER_FOOT = "Perbarui dengan **lapor KODE selesai**, atau pilih di bawah."
WA_CHOOSE = "Pilih tindakan:"
WA_LIST_BUTTON = "Pilih tindakan"
WA_MORE_ACTIONS = "Tombol lain: balas **lapor KODE selesai** untuk item yang belum tercantum."
WA_BUTTON_DETAIL = "Lihat detail"
WA_BUTTON_READ = "Sudah dibaca"
WA_EXCERPT_MORE = "…"
WA_TPL_ITEMS_MORE = "{codes} dan {more} lainnya"
WA_TPL_PROVINCE = "admin KPU Provinsi"
WA_TPL_INSTRUKSI_ATTACHMENT = "lampiran instruksi ini."
WA_TPL_INSTRUKSI_REMINDER = "mohon tandai sudah dibaca: {excerpt}"
WA_TPL_KENDALA_ANSWER = "sudah ditanggapi oleh {admin}."
WA_TPL_KENDALA_CLOSED = "sudah ditutup; dapat dibuka kembali dalam {days} hari."
WA_TPL_KENDALA_POST = "laporan baru dari {satker}."
WA_TPL_KENDALA_ATTACHMENT = "lampiran laporan."
WA_TPL_KENDALA_ESCALATION = "dari {satker} belum ditanggapi {days} hari kerja."
WA_TPL_GROUP_LOST = "bot dikeluarkan dari grup milik {satker} ({code})."
WA_TPL_WEEKLY = "rekap mingguan ZI {year}."
WA_TPL_GENERIC = "pesan baru menunggu Anda."
WA_TPL_TEMPLATE_REJECTED = "templat WhatsApp {template} ditolak Meta."
WA_DETAIL_GONE = "Pesan itu sudah tidak tersedia."
WA_DETAIL_NOT_YOURS = "Tombol tidak berlaku."
TEMPLATE_REJECTED_NOTICE = (
    "⚠️ **Templat WhatsApp {name} ditolak Meta** ({error}). Pengingat dan instruksi untuk "
    "pengguna WhatsApp yang sudah lebih dari 24 jam tidak menulis ke bot tidak terkirim sampai "
    "templat itu disetujui kembali di WhatsApp Manager (atau nama/bahasanya diperbaiki di "
    "ZIBOT_WHATSAPP_TEMPLATE_*)."
)
SETTING_BAD_TEMPLATE = "harus nama templat WhatsApp (huruf kecil, angka, garis bawah): {value!r}"
SETTING_BAD_TEMPLATE_LANG = "harus kode bahasa templat WhatsApp, mis. id atau en_US: {value!r}"

# --- h-core2 ---
VIEW_AREA_TABLE = "```{rows}```"
VIEW_AREA_NAME = "**{area}**"
GROUP_SATKER_NAME = "**{name}**"
KENDALA_CATEGORY_CHOSEN = "\n→ **{category}**"
CHANNEL_LABELS = {"telegram": "Telegram", "whatsapp": "WhatsApp"}
LINK_USAGE = (
    "Kirim /tautkan (dari akun yang sudah terdaftar) untuk mendapat kode, lalu kirim kode itu "
    "dari akun yang akan ditautkan."
)
LINK_CODE_FOR_WHATSAPP = (
    "Kode penautan Anda: `{code}` (sekali pakai, berlaku {minutes} menit).\n\n"
    "Untuk menautkan WhatsApp Anda, kirim pesan **tautkan {code}** dari nomor WhatsApp Anda ke "
    "nomor WhatsApp zibot. Untuk menautkan akun Telegram lain, kirim /tautkan {code} kepada "
    "saya dari akun itu. Jangan bagikan kode ini kepada orang lain."
)
LINK_CODE_FOR_TELEGRAM = (
    "Kode penautan Anda: `{code}` (sekali pakai, berlaku {minutes} menit).\n\n"
    "Untuk menautkan Telegram Anda, kirim **/tautkan {code}** kepada bot zibot di Telegram. "
    "Jangan bagikan kode ini kepada orang lain."
)
LINK_CODE_UNKNOWN = (
    "Kode penautan tidak dikenal. Periksa kembali kodenya, atau minta kode baru dari akun yang "
    "sudah terdaftar (/tautkan di Telegram, tautkan di WhatsApp)."
)
LINK_CODE_USED = "Kode penautan ini sudah dipakai. Minta kode baru dari akun yang sudah terdaftar."
LINK_CODE_EXPIRED = (
    "Kode penautan ini sudah kedaluwarsa (berlaku {minutes} menit). Minta kode baru dari akun "
    "yang sudah terdaftar."
)
LINK_OTHER_USER = (
    "Akun {channel} ini sudah terdaftar atas nama orang lain, jadi tidak dapat ditautkan. "
    "Hubungi admin provinsi bila ini keliru."
)
LINK_CHANNEL_TAKEN = (
    "Anda sudah punya akun {channel} lain yang tertaut. Hubungi admin provinsi bila akun itu "
    "perlu diganti."
)
LINK_DONE = (
    "Berhasil ditautkan. Akun {channel} ini kini milik **{name}** ({role} di {satker}); "
    "pengingat dan pesan untuk Anda juga dikirim ke sini."
)
LINK_ALREADY = "Akun {channel} ini sudah tertaut ke **{name}**. Tidak ada yang berubah."
MENU_TAUTKAN = "Tautkan akun WhatsApp atau Telegram lain"
HELP_TAUTKAN = "/tautkan — tautkan nomor WhatsApp Anda ke akun ini (atau /tautkan KODE)"
LINK_CODE_LEAKED = (
    "Kode penautan itu terlihat oleh semua anggota grup, jadi sudah saya nonaktifkan. Minta kode "
    "baru dengan /tautkan di chat pribadi dengan saya."
)
KENDALA_PROMPT_EXPIRED = (
    "Permintaan tanggapan ini sudah kedaluwarsa, jadi tanggapan Anda belum tersimpan. Kirim "
    "/tanggapi NOMOR_TIKET teks tanggapan."
)
# --- h-review ---
# Evidence review by the province (/verifikasi). Templates mark emphasis as **bold** and
# __italic__; the channel's presenter renders them.
ROLE_LABELS = {**ROLE_LABELS, "verifikator": "verifikator provinsi"}
REVIEW_INVITE_ROLE_BAD = (
    "Peran {role!r} tidak dikenal; gunakan agen, pimpinan, admin atau verifikator."
)
REVIEW_INVITE_PROVINCE_ONLY = (
    "Verifikator memeriksa bukti dukung untuk provinsi: undangan verifikator hanya untuk "
    "satker provinsi (atau pusat), bukan {name}."
)
REVIEW_FORBIDDEN = "Hanya admin provinsi dan verifikator yang dapat memverifikasi bukti dukung."
REVIEW_FORBIDDEN_WRITE = (
    "Verifikator memeriksa bukti dukung, tetapi tidak dapat mengubah kemajuan atau mengirim "
    "bukti dukung. Itu dilakukan agen perubahan satker."
)
REVIEW_STATUS_LABELS = {
    "menunggu": "menunggu verifikasi",
    "diterima": "diterima",
    "ditolak": "ditolak",
}
ITEM_STATE_LABELS = {
    "belum": "Belum",
    "proses": "Proses",
    "selesai": "Selesai (dilaporkan)",
    "menunggu_verifikasi": "Menunggu verifikasi",
    "terverifikasi": "Terverifikasi",
}
REVIEW_GONE = "Bukti dukung ini sudah tidak ada."
REVIEW_FILE_MISSING = "Berkas {name} tidak ditemukan di penyimpanan bukti dukung."
REVIEW_ALREADY = "Bukti dukung {name} sudah {status} oleh {reviewer}."
REVIEW_REASON_EMPTY = "Alasan penolakan wajib diisi. Tulis alasannya, lalu kirim lagi."
REVIEW_INPUT_REASON = "Alasan penolakan"
REVIEW_QUEUE_EMPTY = "✅ Tidak ada bukti dukung yang menunggu verifikasi."
REVIEW_QUEUE_EMPTY_SATKER = "✅ Tidak ada bukti dukung {name} yang menunggu verifikasi."
REVIEW_QUEUE_HEAD = "🔎 **Menunggu verifikasi: {total} bukti dukung** (terlama dahulu)"
REVIEW_QUEUE_HEAD_SATKER = (
    "🔎 **Menunggu verifikasi — {name}: {total} bukti dukung** (terlama dahulu)"
)
REVIEW_QUEUE_MORE = (
    "Ditampilkan {shown} dari {total}. Setelah memutuskan, kirim /verifikasi lagi untuk berikutnya."
)
REVIEW_REQUEST = (
    "📄 **{item_code}** — {activity}\n"
    "Satker: {satker}\n"
    "Bukti yang diharapkan: {expected}\n"
    "Berkas: {file_name} ({size_kb} KB)\n"
    "Dikirim oleh {uploader}, {when}"
)
REVIEW_REQUEST_AGAIN = "\n__Unggahan ulang: {count} bukti sebelumnya ditolak.__"
REVIEW_EXPECTED_NONE = "-"
REVIEW_BUTTON_FILE = "📎 Kirim file"
REVIEW_BUTTON_ACCEPT = "✅ Terima"
REVIEW_BUTTON_REJECT = "❌ Tolak"
REVIEW_ASK_REASON = "Tulis alasan penolakan {name} ({code}). /batal untuk membatalkan."
REVIEW_ASK_REASON_PLACEHOLDER = "Alasan penolakan"
REVIEW_ACCEPTED_DONE = "✅ Bukti dukung {name} ({code}, {satker}) diterima. Status item: {state}."
REVIEW_REJECTED_DONE = (
    "❌ Bukti dukung {name} ({code}, {satker}) ditolak. Pengirim dan grup satker diberi tahu."
)
REVIEW_REASON_CANCELLED = "Penolakan dibatalkan; bukti dukung tetap menunggu verifikasi."
REVIEW_NOTICE_ACCEPTED = (
    "✅ **Bukti dukung diterima**\n"
    "Item: {item_code} — {activity}\n"
    "Satker: {satker}\n"
    "Berkas: {file_name}\n"
    "Diperiksa oleh {reviewer}."
)
REVIEW_NOTICE_VERIFIED = "\nItem ini sekarang **terverifikasi**."
REVIEW_NOTICE_REJECTED = (
    "❌ **Bukti dukung ditolak**\n"
    "Item: {item_code} — {activity}\n"
    "Satker: {satker}\n"
    "Berkas: {file_name}\n"
    "Alasan: {reason}\n"
    "Diperiksa oleh {reviewer}.\n\n"
    "Perbaiki, lalu kirim lagi dengan /bukti {item_code}: unggahan baru masuk antrean "
    "verifikasi."
)
REVIEW_USAGE_HELP = (
    "/verifikasi [KODE_SATKER] — bukti dukung yang menunggu verifikasi, terlama dahulu, "
    "dengan tombol Kirim file, Terima dan Tolak"
)
MENU_VERIFIKASI = "Verifikasi bukti dukung (admin, verifikator)"
# /progres, the ranking, the chart and the workbook: verified beside reported.
VIEW_PROGRESS_VERIFIED = "Terverifikasi: **{percent}** ({verified}/{total}); menunggu: {waiting}"
VIEW_RANK_VERIFIED = " · terverifikasi {percent}"
VIEW_AREA_VERIFIED = " ✔{verified}"
VIEW_AREA_VERIFIED_NOTE = "__✔ = item terverifikasi (bukti dukung diterima provinsi)__"
CHART_REPORTED = "Dilaporkan selesai"
CHART_VERIFIED = "Terverifikasi"
EXPORT_COL_VERIFIED = "% Terverifikasi"
EXPORT_COL_VERIFIED_COUNT = "Terverifikasi"
EXPORT_COL_STATE = "Status verifikasi"
SETTING_BAD_CHOICE = "harus salah satu dari {choices}: {value!r}"

# --- h-pack ---
# The evidence pack (services/evidence_pack.py, `zibot bukti-pack`, /paketbukti).
PACK_TITLE = "Paket bukti dukung {satker} ({code}), tahun {year}, dibuat {at} WITA"
PACK_CHECKSUM_NOTE = (
    "SHA-256 setiap berkas dihitung ulang saat paket dibuat dan dibandingkan dengan nilai yang "
    "dicatat saat unggah; berkas yang hilang atau berubah ditandai (untuk berkas yang hilang "
    "ditampilkan nilai catatan unggah)."
)
PACK_SHEET_TITLE = "Indeks"
PACK_COLUMNS = (
    "Area", "Kode", "Kegiatan", "Bukti dukung yang diminta", "Tenggat", "Status", "Berkas",
    "Ukuran (byte)", "SHA-256", "Pemeriksaan berkas", "Pengunggah", "Waktu unggah (WITA)",
    "Hasil verifikasi", "Lokasi dalam paket",
)  # fmt: skip
PACK_PAGE_COLUMNS = (
    "Area", "Kode", "Kegiatan", "Bukti dukung yang diminta", "Tenggat", "Status", "Berkas",
)  # fmt: skip
PACK_FILE_STATES = {
    "ok": "cocok",
    "hilang": "BERKAS HILANG dari penyimpanan",
    "berubah": "BERUBAH: SHA-256 tidak sama dengan catatan unggah",
}
PACK_STATUS_LABELS = {
    "belum": "Belum",
    "proses": "Proses",
    "selesai": "Selesai",
    "menunggu_verifikasi": "Menunggu verifikasi",
    "terverifikasi": "Terverifikasi",
}
PACK_REVIEW_LABELS = {
    "menunggu": "Menunggu verifikasi",
    "diterima": "Diterima",
    "ditolak": "Ditolak",
}
PACK_REVIEW_WITH_REASON = "{label}: {reason}"
PACK_NO_FILE = "(belum ada berkas)"
PACK_FILTER_AREA = "Area:"
PACK_FILTER_STATUS = "Status:"
PACK_FILTER_ALL_AREAS = "Semua area"
PACK_FILTER_ALL_STATUSES = "Semua status"
PACK_SHOWN = "{n} butir ditampilkan"
PACK_NAME_SATKER = (
    "Di grup provinsi, sebutkan satkernya: /paketbukti KODE_SATKER (mis. /paketbukti 5103)."
)
PACK_FORBIDDEN_ROLE = "Paket bukti dukung hanya dapat dibuat oleh admin atau agen perubahan satker."
PACK_FORBIDDEN_OTHER = (
    "Anda hanya dapat membuat paket bukti dukung satker Anda sendiri; paket {name} dibuat oleh "
    "admin provinsi."
)
PACK_TOO_BIG = (
    "Paket bukti dukung {name} tahun {year} berukuran sekitar {size_mb} MB, melebihi batas "
    "kiriman Telegram ({limit_mb} MB). Minta admin membuatnya di komputer dengan perintah: "
    "zibot bukti-pack --satker {code} --year {year} bukti-{code}-{year}.zip"
)
PACK_BUILDING = "Menyiapkan paket bukti dukung… mohon tunggu."
PACK_CAPTION = (
    "**Paket bukti dukung {name}** tahun {year}: {items} butir, {files} berkas ({size}). "
    "Buka index.html setelah diekstrak."
)
PACK_CAPTION_PROBLEMS = (
    " Perhatian: {missing} berkas hilang, {changed} berkas berubah (lihat indeks)."
)
HELP_PACK = "/paketbukti [KODE_SATKER] — paket bukti dukung (ZIP dengan indeks) untuk tim penilai"
CLI_PACK_HELP = (
    "Tulis paket bukti dukung satu satker (ZIP berurutan area / butir / berkas, dengan "
    "index.xlsx dan index.html) untuk tim penilai."
)
CLI_PACK_FILE_HELP = "Berkas ZIP yang ditulis, mis. bukti-5103-2026.zip"
CLI_PACK_NEEDS_ZIP = "Nama berkas paket harus berakhiran .zip."
CLI_PACK_DONE = (
    "Paket {path} ditulis: {satker}, tahun {year}, {items} butir, {packed} berkas "
    "({size_mb} MB) dalam {seconds:.1f} detik."
)
CLI_PACK_PROBLEMS = (
    "Perhatian: {missing} berkas tidak ada di penyimpanan dan {changed} berkas SHA-256-nya "
    "berbeda dari catatan unggah; semuanya ditandai di index.xlsx dan index.html."
)
MENU_PAKETBUKTI = "Paket bukti dukung untuk tim penilai"
# Amati, Tiru, Modifikasi (/contoh, /berbagi, the area leaders under the province ranking).
CONTOH_USAGE = (
    "Tulis /contoh KODE_ITEM, mis. /contoh MP-01: lihat bukti dukung satker lain yang sudah "
    "diterima provinsi untuk item yang sama."
)
CONTOH_HEAD = "**Contoh bukti dukung {code}** · rencana aksi {year}\n{activity}"
CONTOH_EXPECTED = "Bukti yang diminta: {expected}"
CONTOH_SATKER = "\n**{name}** ({code})"
CONTOH_NOTE = "  Catatan: __{note}__"
CONTOH_FILE = "  {number}. {name} ({size}) · diterima {date}"
CONTOH_NONE = "Belum ada satker lain yang membagikan bukti dukung terverifikasi untuk item ini."
CONTOH_NOT_SHARED = (
    "{count} satker lain punya bukti yang sudah diterima untuk item ini tetapi belum "
    "membagikannya (admin satker: /berbagi ya)."
)
CONTOH_FOOT = (
    "Ketuk nomor berkas untuk menerimanya. Amati, tiru, lalu modifikasi sesuai satker Anda."
)
CONTOH_FOOT_MORE = (
    "Tombol tersedia untuk {shown} berkas pertama; {more} berkas lain tercantum di atas."
)
CONTOH_BUTTON = "{number}. {name}"
CONTOH_FILE_GONE = (
    "Berkas contoh ini tidak lagi dibagikan (satkernya berhenti berbagi atau bukti ditinjau "
    "ulang). Ketik /contoh KODE lagi untuk daftar terbaru."
)
CONTOH_FILE_MISSING = "Berkas contoh ini tidak ditemukan di penyimpanan; hubungi admin provinsi."
CONTOH_FILE_CAPTION = "Contoh bukti dukung {code} dari **{satker}**: {name}"
BERBAGI_USAGE = (
    "Tulis /berbagi ya (izinkan satker lain melihat bukti dukung Anda yang sudah diterima "
    "provinsi lewat /contoh) atau /berbagi tidak. Tanpa kata: lihat pengaturannya."
)
BERBAGI_ADMIN_ONLY = "Hanya admin {name} yang dapat mengubah pengaturan berbagi bukti dukung."
BERBAGI_OWN_GROUP = (
    "Pengaturan berbagi hanya dapat dilihat atau diubah di grup satker Anda sendiri atau di "
    "chat pribadi."
)
BERBAGI_ON = (
    "**{name}** membagikan bukti dukungnya yang sudah diterima provinsi: satker lain dapat "
    "melihatnya lewat /contoh KODE. Hentikan dengan /berbagi tidak."
)
BERBAGI_OFF = (
    "**{name}** tidak membagikan bukti dukungnya (bawaan). Admin satker dapat mengizinkan "
    "dengan /berbagi ya."
)
BERBAGI_UNCHANGED = "Pengaturan tidak berubah."
RANK_LEADERS_HEAD = "\n**Teladan per area** (item terverifikasi terbanyak; tanyakan praktiknya):"
RANK_LEADERS_LINE = "⭐ {area}: {satkers} ({count} item)"
HELP_CONTOH = (
    "/contoh KODE — contoh bukti dukung satker lain yang sudah diterima provinsi\n"
    "/berbagi [ya|tidak] — izinkan satker lain melihat bukti Anda yang diterima (admin)"
)
MENU_CONTOH = "Contoh bukti dukung satker lain"
MENU_BERBAGI = "Izinkan berbagi bukti dukung (admin)"
# --- h-lke ---
# The /lke self-assessment walk, /progres nilai and /lke hasil in chat. Neutral marks only.
LKE_WALK_UNKNOWN = "{value!r} bukan kode area maupun pertanyaan LKE. Area: {areas}."
LKE_WALK_NO_CRITERIA = "Lembar kerja tidak memuat kriteria untuk pertanyaan ini."
LKE_WALK_ANSWER_FIRST = "Jawab dahulu pertanyaan {code}, lalu tautkan bukti dukungnya."
LKE_WALK_NUMBER_BAD = (
    "{value!r} bukan angka. Ketik satu angka untuk {input} ({what}), mis. 12 atau 3,5."
)
LKE_WALK_NUMBER_NEGATIVE = "Angka untuk {input} ({what}) tidak boleh negatif."
LKE_WALK_STOPPED = (
    "Penilaian mandiri dihentikan. Jawaban yang sudah disimpan tetap tersimpan; lanjutkan "
    "kapan saja dengan /lke."
)
LKE_HASIL_ADMIN_ONLY = "Hanya admin provinsi yang dapat mengisi nilai hasil LKE."
LKE_HASIL_USAGE = (
    "Tulis: /lke hasil KODE_SATKER ipak=3,62 ipkp=3,41 capaian=B "
    "(IPAK dan IPKP indeks 0–4, capaian kinerja A–E; boleh sebagian)."
)
LKE_HASIL_PAIR_BAD = "{value!r} tidak dikenali; tulis NAMA=NILAI, mis. ipak=3,62 atau capaian=B."
LKE_MENU_HEAD = "📝 **Penilaian mandiri LKE — {name}** ({code}), tahun {year}"
LKE_MENU_SHEET = "__Lembar kerja: {label}__"
LKE_MENU_AREA = "• **{code}** {name}: {answered}/{count} dijawab"
LKE_MENU_CHOOSE = "Pilih area untuk mulai menjawab (atau ketik /lke MP, /lke MP.P1.a)."
LKE_MENU_PROPOSALS = (
    "💡 **Usulan jawaban** (semua item terkait selesai dan terverifikasi; "
    "konfirmasi dengan tombol):"
)
LKE_MENU_PROPOSAL = "• {code} → {choice} (item {items})"
LKE_COUNT_NOTE = (
    "Dijawab {answered} dari {total} pertanyaan; yang belum dijawab dihitung 0 dalam proyeksi."
)
LKE_CARD_SAVED = "✓ Tersimpan — {saved}"
LKE_CARD_HEAD = "**{code}** · {area} — pertanyaan {position} dari {count}"
LKE_CARD_INDICATOR = "__Indikator {indicator} (bobot {weight})__"
LKE_CARD_TEXT = "{text}"
LKE_CARD_CURRENT = "Jawaban kini: **{answer}** (skor {score})"
LKE_CARD_UNANSWERED = "Belum dijawab (dihitung 0)."
LKE_CARD_ITEMS = "Item rencana aksi terkait:"
LKE_CARD_ITEM = "• {code} {activity} — {status}"
LKE_CARD_EVIDENCE = "Bukti dukung item terkait (tekan untuk menautkan ke jawaban / melepasnya):"
LKE_CARD_EVIDENCE_LINE = "{icon} {name} ({item})"
LKE_CARD_PROPOSAL = (
    "💡 Usulan: **{choice}**, karena semua item terkait selesai dan terverifikasi. Konfirmasi?"
)
LKE_CARD_CHOOSE = "Pilih jawaban: {choices}."
LKE_CARD_INPUTS = "Jawaban berupa angka (rumus {formula}, dibatasi 0–1):"
LKE_CARD_INPUT = "• {code} = {text}{value}"
LKE_CARD_INPUT_VALUE = " → {value}"
LKE_CARD_ASK = "Ketik angka untuk **{code}**: {text}"
LKE_AREA_DONE = "Area **{code} {name}** sudah ditelusuri sampai akhir: {answered}/{count} dijawab."
LKE_AREA_DONE_NEXT = "Lihat proyeksi nilai dengan /progres nilai, atau pilih area lain: /lke"
LKE_CRITERIA = "📖 **Kriteria {code}**"
LKE_ASK_NUMBER = "Ketik angka untuk {question} {code}: {text}"
LKE_ASK_PLACEHOLDER = "angka untuk {code}"
LKE_BUTTON_CRITERIA = "📖 Kriteria"
LKE_BUTTON_SKIP = "Lewati ⏭"
LKE_BUTTON_STOP = "Selesai"
LKE_BUTTON_CONFIRM = "✓ Konfirmasi {choice}"
LKE_BUTTON_EVIDENCE = "📎 {name}"
LKE_BUTTON_EVIDENCE_ON = "✅ {name}"
LKE_BUTTON_AREA = "{code} ({answered}/{count})"
LKE_NILAI_HEAD = "📈 **Proyeksi nilai LKE — {name}** ({code}), tahun {year}"
LKE_NILAI_SECTION = "**{title}**"
LKE_NILAI_AREAS = "Pengungkit per area"
LKE_NILAI_MINIMUMS = "Minimum {level}: {verdict}"
LKE_NILAI_RANK_HEAD = "📈 **Proyeksi nilai LKE {year} — semua satker**"
LKE_NILAI_RANK_LINE = (
    "{rank}. {name} — **{total}** · minimum terlewat: WBK {wbk}, WBBM {wbbm} · "
    "belum dijawab {unanswered}"
)
LKE_NILAI_RANK_EMPTY = "Belum ada satker."
HELP_LKE = (
    "/lke [area] — penilaian mandiri LKE lewat tombol (admin: /lke hasil KODE ipak=… ipkp=… "
    "capaian=…)\n"
    "/progres nilai — proyeksi nilai LKE terhadap minimum WBK/WBBM dan lima langkah terbesar"
)
MENU_LKE = "Penilaian mandiri LKE"
IMPORT_LKE_COLUMN = "Kode LKE"
IMPORT_LKE_UNKNOWN = "pertanyaan LKE {code!r} tidak ada di lembar kerja {label}"
IMPORT_LKE_LINKED = "Kaitan item dengan pertanyaan LKE ditambahkan: {count}."
INIT_LKE_LOADED = "Lembar kerja LKE dimuat: {label} ({questions} pertanyaan)."
# --- h-wafeat ---
# WhatsApp words for the assessors' features (progres nilai, lke, contoh, berbagi).
WA_MENU_ASSESSMENT = (
    "• **progres nilai** — proyeksi nilai LKE terhadap minimum WBK/WBBM (provinsi: peringkat)\n"
    "• **lke** [area] — penilaian mandiri LKE, pertanyaan demi pertanyaan\n"
    "• **contoh** KODE — bukti dukung satker lain yang sudah diterima provinsi\n"
    "• **berbagi** ya|tidak — izinkan satker lain melihat bukti Anda yang diterima (admin)\n"
    "• **verifikasi** [satker] — bukti dukung yang menunggu verifikasi (admin provinsi, "
    "verifikator)"
)
WA_CONTOH_FOOT = (
    "Pilih berkas untuk menerimanya sebagai dokumen. Amati, tiru, lalu modifikasi sesuai "
    "satker Anda."
)
WA_CONTOH_FOOT_MORE = (
    "Pilihan tersedia untuk {shown} berkas pertama; {more} berkas lain tercantum di atas."
)
WA_FILE_SEND_FAILED = "Berkas tidak dapat dikirim lewat WhatsApp saat ini. Coba lagi nanti."
WA_LKE_CRITERIA = "Kriteria"
WA_LKE_SKIP = "Lewati"
WA_LKE_STOP = "Selesai"
WA_LKE_STOPPED = (
    "Penilaian mandiri dihentikan. Jawaban yang sudah disimpan tetap tersimpan; lanjutkan "
    "kapan saja dengan **lke**."
)
WA_REVIEW_ASK_REASON = (
    "Tulis alasan penolakan {name} ({code}) sebagai pesan berikutnya. Ketik **batal** untuk "
    "membatalkan."
)

# --- h-lkeverify ---
LKE_AWAITING_LINE = (
    "• {code} → {choice}: __menunggu verifikasi bukti dukung ({count} item: {items})__"
)
LKE_AWAITING_HEAD = (
    "⏳ **Belum diusulkan** (item terkait sudah selesai, bukti dukung belum diverifikasi):"
)
LKE_PROJ_AWAITING_HEAD = (
    "Menunggu verifikasi (item terkait selesai, bukti dukung belum diverifikasi):"
)
LKE_PROJ_AWAITING = "  {code} → {choice}: menunggu verifikasi bukti dukung ({count} item: {items})"
LKE_REPORT_ITEM_STATE = "{code} ({state})"
LKE_CARD_AWAITING = "⏳ Usulan {choice} menunggu verifikasi bukti dukung ({count} item: {items})."
REVIEW_NOTICE_LKE = "\n📋 Jawaban LKE kini diusulkan: {proposals}. Ketik /lke untuk mengonfirmasi."

# --- h-warobust ---
INPUT_WHAT_MESSAGE = "Pesan Anda"
