"""/paketbukti [SATKER]: the evidence pack, sent as a document when it fits an upload."""

from __future__ import annotations

import tempfile
from pathlib import Path

from telegram import Update
from telegram.constants import FileSizeLimit

from handlers.telegram.commands import argument_text, refusals_answered, run
from handlers.telegram.common import caller_of, reply
from handlers.telegram.context import ZiContext
from handlers.telegram.presenter import fill
from services import texts

UPLOAD_LIMIT = int(FileSizeLimit.FILESIZE_UPLOAD)  # 50 MB: what a bot may send


def _size(size: int) -> str:
    """Decimal units, as Telegram states its 50 MB limit."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    return f"{max(size, 1000) / 1000:.0f} KB"


@refusals_answered
async def paketbukti(update: Update, context: ZiContext) -> None:
    """Build the pack in a temporary folder, send it, and remove it."""
    message = update.effective_message
    assert message is not None
    caller, argument, limit = caller_of(update), argument_text(context), UPLOAD_LIMIT
    await run(context.paket.pack_request, caller, argument, limit)  # refusals before the wait
    await reply(update, texts.PACK_BUILDING)
    with tempfile.TemporaryDirectory(prefix="zibot-pack-") as folder:
        built = await run(context.paket.evidence_pack, caller, argument, Path(folder), limit)
        caption = fill(
            texts.PACK_CAPTION,
            name=built.satker.name,
            year=built.year,
            items=built.result.items,
            files=built.result.packed,
            size=_size(built.size),
        )
        if built.result.missing or built.result.changed:
            caption += fill(
                texts.PACK_CAPTION_PROBLEMS,
                missing=built.result.missing,
                changed=built.result.changed,
            )
        with built.path.open("rb") as handle:
            await message.reply_document(
                handle,
                filename=built.file_name,
                caption=caption,
                parse_mode="HTML",
                do_quote=message.chat.type != message.chat.PRIVATE,
                read_timeout=300,
                write_timeout=300,
            )
