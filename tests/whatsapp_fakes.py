"""Test doubles for the WhatsApp channel: a Cloud API port that records, and webhook bodies
shaped like the Cloud API's (after pywa's own test data, with ``contacts[].user_id``)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from handlers.whatsapp.cloud import MediaInfo
from handlers.whatsapp.presenter import ListMessage, Outgoing, ReplyButtons, Text, check

PHONE_ID = "1122334455667"
APP_SECRET = "test-app-secret"
_ids = itertools.count(1)


@dataclass
class FakeCloud:
    """Records every message sent (checked against Meta's limits) and serves media."""

    sent: list[tuple[str, Outgoing]] = field(default_factory=list)
    media: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    downloads: list[str] = field(default_factory=list)
    sizes: dict[str, int] = field(default_factory=dict)  # a size to report instead of the real
    documents: list[tuple[str, str, bytes, str | None, str]] = field(default_factory=list)

    async def send(self, to: str, message: Outgoing) -> str:
        check(message)
        self.sent.append((to, message))
        return f"wamid.out{next(_ids)}"

    async def media_info(self, media_id: str) -> MediaInfo:
        data, mime = self.media[media_id]
        return MediaInfo(
            f"https://media.invalid/{media_id}", self.sizes.get(media_id, len(data)), mime
        )

    async def download(self, info: MediaInfo) -> bytes:
        media_id = info.url.rsplit("/", 1)[1]
        self.downloads.append(media_id)
        return self.media[media_id][0]

    async def send_document(
        self, to: str, path: Path, name: str, mime_type: str | None, caption: str
    ) -> str:
        """Records (to, file name, bytes, type, caption); the caption within Meta's 1,024."""
        assert len(caption) <= 1024
        data = await asyncio.to_thread(path.read_bytes)
        self.documents.append((to, name, data, mime_type, caption))
        return f"wamid.out{next(_ids)}"

    def texts_to(self, to: str) -> list[str]:
        return [m.body for t, m in self.sent if t == to]

    def last(self, to: str) -> Outgoing:
        return [m for t, m in self.sent if t == to][-1]


def body_of(message: Outgoing) -> str:
    return message.body


def choices_of(message: Outgoing) -> list[tuple[str, str]]:
    if isinstance(message, ReplyButtons | ListMessage):
        return [(c.payload, c.title) for c in message.choices]
    assert isinstance(message, Text)
    return []


def envelope(value: dict[str, Any]) -> dict[str, Any]:
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "1234567890987654321",
                "changes": [
                    {
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": "6281100000000",
                                "phone_number_id": PHONE_ID,
                            },
                            **value,
                        },
                        "field": "messages",
                    }
                ],
            }
        ],
    }


def user_id_of(wa_id: str) -> str:
    """A business-scoped user id for a phone number (country prefix, long digits)."""
    return "ID." + str(int(hashlib.sha256(wa_id.encode()).hexdigest(), 16))[:60]


def inbound(wa_id: str, content: dict[str, Any], name: str = "Pengguna") -> dict[str, Any]:
    message = {"from": wa_id, "id": f"wamid.in{next(_ids)}", "timestamp": "1764201600", **content}
    contact = {"profile": {"name": name}, "wa_id": wa_id, "user_id": user_id_of(wa_id)}
    return envelope({"contacts": [contact], "messages": [message]})


def text_body(wa_id: str, text: str, name: str = "Pengguna") -> dict[str, Any]:
    return inbound(wa_id, {"type": "text", "text": {"body": text}}, name)


def button_body(wa_id: str, payload: str, title: str = "x") -> dict[str, Any]:
    content = {
        "type": "interactive",
        "context": {"from": "6281100000000", "id": "wamid.prev"},
        "interactive": {"type": "button_reply", "button_reply": {"id": payload, "title": title}},
    }
    return inbound(wa_id, content)


def list_body(wa_id: str, payload: str, title: str = "x") -> dict[str, Any]:
    content = {
        "type": "interactive",
        "context": {"from": "6281100000000", "id": "wamid.prev"},
        "interactive": {"type": "list_reply", "list_reply": {"id": payload, "title": title}},
    }
    return inbound(wa_id, content)


def document_body(
    wa_id: str, media_id: str, filename: str, mime: str, caption: str | None = None
) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": media_id,
        "mime_type": mime,
        "sha256": "c2hh",
        "filename": filename,
    }
    if caption is not None:
        document["caption"] = caption
    return inbound(wa_id, {"type": "document", "document": document})


def status_body(message_id: str, status: str, wa_id: str) -> dict[str, Any]:
    return envelope(
        {
            "statuses": [
                {
                    "id": message_id,
                    "status": status,
                    "timestamp": "1764201600",
                    "recipient_id": wa_id,
                    "recipient_user_id": user_id_of(wa_id),
                }
            ]
        }
    )


def raw(body: dict[str, Any]) -> bytes:
    return json.dumps(body).encode()


def sign(data: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()
