"""What a WhatsApp text asks for: a command word (with or without "/", any case), a number
answering a numbered list, or nothing the bot knows (the menu).

pywa's ``command`` filter is a prefix match ("progres" would take "progress"), so the words
are parsed here, whole.
"""

from __future__ import annotations

from dataclasses import dataclass

COMMANDS = frozenset(
    {
        "daftar",
        "progres",
        "tenggat",
        "rencana",
        "lapor",
        "bukti",
        "kendala",
        "bantuan",
        "batal",
        "tautkan",
        "lke",
        "contoh",
        "berbagi",
        "verifikasi",
    }
)
# Other words people type for the same thing.
ALIASES = {
    "help": "bantuan",
    "menu": "bantuan",
    "start": "bantuan",
    "mulai": "bantuan",
    "progress": "progres",
    "cancel": "batal",
}
GREETINGS = frozenset(
    {
        "halo",
        "hallo",
        "hai",
        "hi",
        "hello",
        "hey",
        "p",
        "ping",
        "assalamualaikum",
        "om",
        "selamat",
        "pagi",
        "siang",
        "sore",
        "malam",
        "permisi",
        "tes",
        "test",
    }
)
MAX_NUMBER = 999


@dataclass(frozen=True)
class Command:
    """A command word and the rest of the message as typed (line breaks kept)."""

    name: str
    rest: str = ""


def parse_command(text: str) -> Command | None:
    """The command a message starts with (``daftar KODE``, ``/Progres``, ``LAPOR MP-01``);
    None when its first word is no command."""
    stripped = text.strip()
    if not stripped:
        return None
    parts = stripped.split(None, 1)
    word = parts[0].lstrip("/").lower()
    # "/progres@bot" habits from Telegram, and a trailing punctuation mark ("bantuan?").
    word = word.split("@", 1)[0].rstrip(".,!?:;")
    word = ALIASES.get(word, word)
    if word not in COMMANDS:
        return None
    return Command(word, parts[1].strip() if len(parts) > 1 else "")


def is_greeting(text: str) -> bool:
    """A hello of some kind (answered with the menu)."""
    words = text.strip().lower().split()
    return bool(words) and words[0].strip(".,!?") in GREETINGS


def parse_number(text: str) -> int | None:
    """A message that is just a number (an answer to a numbered list): the number, else None."""
    stripped = text.strip().rstrip(".")
    if not stripped.isascii() or not stripped.isdigit():
        return None
    number = int(stripped)
    return number if 1 <= number <= MAX_NUMBER else None
