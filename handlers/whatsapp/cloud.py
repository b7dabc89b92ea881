"""The WhatsApp Cloud API as the WhatsApp handlers use it: send a reply, look at a media file's
metadata, download it, send a file as a document. ``CloudPort`` is what the handlers need;
``PywaCloud`` does it with a ``pywa_async.WhatsApp`` client (tests give the handlers a fake)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pywa_async import WhatsApp
from pywa_async.types import Button, Section, SectionList, SectionRow

from handlers.whatsapp.presenter import ListMessage, Outgoing, ReplyButtons, Text, check

log = logging.getLogger(__name__)
MAX_CAPTION = 1024  # a media message's caption


@dataclass(frozen=True)
class MediaInfo:
    """What the Cloud API says about a media file before it is downloaded."""

    url: str
    size: int | None
    mime_type: str | None


class CloudPort(Protocol):
    """What the WhatsApp handlers ask of the Cloud API."""

    async def send(self, to: str, message: Outgoing) -> str:
        """Send one message; its WhatsApp message id."""
        ...

    async def media_info(self, media_id: str) -> MediaInfo:
        """The media's URL (valid for minutes), size and type."""
        ...

    async def download(self, info: MediaInfo) -> bytes:
        """The media's bytes."""
        ...

    async def send_document(
        self, to: str, path: Path, name: str, mime_type: str | None, caption: str
    ) -> str:
        """Upload a file and send it as a document; its WhatsApp message id."""
        ...


class PywaCloud:
    """``CloudPort`` over pywa's async client."""

    def __init__(self, client: WhatsApp) -> None:
        self._client = client

    async def send(self, to: str, message: Outgoing) -> str:
        check(message)  # Meta refuses what breaks its limits; pywa would send it anyway
        if isinstance(message, Text):
            sent = await self._client.send_message(to=to, text=message.body)
        elif isinstance(message, ReplyButtons):
            sent = await self._client.send_message(
                to=to,
                text=message.body,
                buttons=[Button(title=c.title, callback_data=c.payload) for c in message.choices],
            )
        else:
            assert isinstance(message, ListMessage)
            rows = [
                SectionRow(
                    title=c.title, callback_data=c.payload, description=c.description or None
                )
                for c in message.choices
            ]
            sent = await self._client.send_message(
                to=to,
                text=message.body,
                buttons=SectionList(
                    button_title=message.button, sections=[Section(title=message.button, rows=rows)]
                ),
            )
        return str(sent.id)

    async def media_info(self, media_id: str) -> MediaInfo:
        found = await self._client.get_media_url(media_id)
        return MediaInfo(found.url, found.file_size, found.mime_type)

    async def download(self, info: MediaInfo) -> bytes:
        return await self._client.get_media_bytes(info.url)

    async def send_document(
        self, to: str, path: Path, name: str, mime_type: str | None, caption: str
    ) -> str:
        if len(caption) > MAX_CAPTION:
            caption = ""  # the file's text says what it is; a caption is never cut
        sent = await self._client.send_document(
            to=to,
            document=path,
            filename=name,
            caption=caption or None,
            mime_type=mime_type or "application/octet-stream",
        )
        return str(sent.id)
