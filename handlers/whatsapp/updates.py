"""WhatsApp webhook bodies: split into one update each (the inbox's unit), and read with pywa.

Meta may batch several messages or statuses into one POST; each becomes a body of its own,
with the contact that sent it, keyed by its message id (a status by message id and status), so
that the inbox recognises any redelivery of it. pywa 4.5 reads a message only when its contact
carries ``user_id`` (the business-scoped user id); a body from before those ids gets the phone
number there, so that it is not skipped.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from dataclasses import dataclass, replace
from typing import Any

from pywa.errors import PywaUnknownEnumMemberWarning
from pywa.types.chat import ChatType
from pywa.types.message import MessageType
from pywa_async import WhatsApp
from pywa_async.types import (
    CallbackButton,
    CallbackSelection,
    Message,
    MessageStatus,
    RawUpdate,
)

from handlers.whatsapp.chat import Incoming, Media

Json = dict[str, Any]


class NotAnUpdate(ValueError):
    """A body that is no WhatsApp webhook update."""


@dataclass(frozen=True)
class Single:
    """One update cut out of a webhook body: its inbox key, its own body (JSON text) and who
    sent it (the business-scoped id or phone; empty for statuses and other fields)."""

    key: str
    body: str
    sender: str = ""


def _contact_for(message: Json, contacts: list[Json], index: int) -> Json | None:
    sender = message.get("from")
    sender_id = message.get("from_user_id")
    for contact in contacts:
        if (sender and contact.get("wa_id") == sender) or (
            sender_id and contact.get("user_id") == sender_id
        ):
            return contact
    if index < len(contacts):
        return contacts[index]
    return contacts[0] if contacts else None


def _made_contact(message: Json) -> Json | None:
    sender, sender_id = message.get("from"), message.get("from_user_id")
    if not sender and not sender_id:
        return None
    made: Json = {"profile": {"name": ""}, "user_id": sender_id or sender}
    if sender:
        made["wa_id"] = sender
    return made


def _recipient(status: Json, contacts: list[Json]) -> Json:
    """The contact pywa 4.5 reads a status's recipient from; status bodies before
    business-scoped ids carry only ``recipient_id``."""
    wa_id = status.get("recipient_id")
    user_id = status.get("recipient_user_id")
    for contact in contacts:
        if (wa_id and contact.get("wa_id") == wa_id) or (
            user_id and contact.get("user_id") == user_id
        ):
            return contact
    made: Json = {"user_id": user_id or wa_id or ""}
    if wa_id:
        made["wa_id"] = wa_id
    return made


def _wrap(body: Json, entry: Json, field: str, value: Json) -> str:
    return json.dumps(
        {
            "object": body.get("object", "whatsapp_business_account"),
            "entry": [{"id": entry.get("id", ""), "changes": [{"field": field, "value": value}]}],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def split(raw: bytes, phone_id: str | None = None) -> list[Single]:
    """Every update in a webhook body; ``NotAnUpdate`` for anything else. With ``phone_id``,
    a change whose ``metadata.phone_number_id`` names another number is left out (it is not
    ours: another number of the same business account)."""
    try:
        return _split(raw, phone_id)
    except NotAnUpdate:
        raise
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise NotAnUpdate(f"{type(exc).__name__}: {exc}") from None


def _ours(value: Json, phone_id: str | None) -> bool:
    metadata = value.get("metadata")
    if not phone_id or not isinstance(metadata, dict) or "phone_number_id" not in metadata:
        return True
    return str(metadata["phone_number_id"]) == phone_id


def _split(raw: bytes, phone_id: str | None) -> list[Single]:
    body = json.loads(raw)
    if not isinstance(body, dict):
        raise NotAnUpdate("the body is not an object")
    entries = body["entry"]
    if not isinstance(entries, list):
        raise NotAnUpdate("entry is not a list")
    found: list[Single] = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise NotAnUpdate("an entry is not an object")
        changes = entry.get("changes") or []
        if not isinstance(changes, list):
            raise NotAnUpdate("changes is not a list")
        for change in changes:
            if not isinstance(change, dict) or not isinstance(change.get("value"), dict):
                raise NotAnUpdate("a change without a value")
            field, value = str(change.get("field", "")), change["value"]
            if not _ours(value, phone_id):
                continue
            rest = {k: v for k, v in value.items() if k not in ("messages", "statuses", "contacts")}
            contacts = value.get("contacts") or []
            messages = value.get("messages") or []
            statuses = value.get("statuses") or []
            if not all(isinstance(x, list) for x in (contacts, messages, statuses)):
                raise NotAnUpdate("contacts, messages or statuses is not a list")
            contacts = [c for c in contacts if isinstance(c, dict)]
            for index, message in enumerate(messages):
                if not isinstance(message, dict) or not isinstance(message.get("id"), str):
                    raise NotAnUpdate("a message without an id")
                contact = _contact_for(message, contacts, index)
                if contact is None:  # a body without contacts: the sender from the message
                    contact = _made_contact(message)
                one: Json = {**rest, "messages": [message]}
                if contact is not None:
                    contact = dict(contact)
                    if not contact.get("user_id"):  # pywa 4.5 needs it; older bodies lack it
                        contact["user_id"] = contact.get("wa_id") or message.get("from")
                    one["contacts"] = [contact]
                sender = ""
                if contact is not None:
                    sender = str(contact.get("user_id") or "")
                key = f"msg:{message['id']}"
                found.append(Single(key, _wrap(body, entry, field, one), sender))
            for status in statuses:
                if not isinstance(status, dict) or not isinstance(status.get("id"), str):
                    raise NotAnUpdate("a status without an id")
                key = f"status:{status['id']}:{status.get('status', '')}"
                one = {**rest, "statuses": [status], "contacts": [_recipient(status, contacts)]}
                found.append(Single(key, _wrap(body, entry, field, one)))
            if not messages and not statuses:
                # Another field (template status, account update ...): kept once by content.
                digest = hashlib.sha256(
                    json.dumps(change, sort_keys=True).encode("utf-8")
                ).hexdigest()
                found.append(Single(f"other:{field}:{digest}", _wrap(body, entry, field, value)))
    return found


# A reaction to a reply, an edit or deletion of a message, a number change: nothing to answer.
IGNORED = frozenset({"reaction", "edit", "revoke", "system"})

Update = Message | CallbackButton[str] | CallbackSelection[str] | MessageStatus | RawUpdate


def read(client: WhatsApp, body: str) -> Update:
    """The typed pywa update of a single body (``split``); the raw update when pywa has no
    type for it. A message type newer than pywa is read as unknown (pywa's warning about it
    is not repeated for every such message)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PywaUnknownEnumMemberWarning)
        return _read(client, body)


def _read(client: WhatsApp, body: str) -> Update:
    raw = RawUpdate(body.encode("utf-8"), hmac_header=None, update_hash="")
    value = raw.value
    if raw.field != "messages":
        return raw
    if value.get("statuses"):
        return MessageStatus.from_update(client=client, update=raw)
    message = value["messages"][0]
    kind = message.get("type")
    if kind in IGNORED:
        return raw
    if kind == "button":  # a template's quick reply
        return CallbackButton.from_update(client=client, update=raw)
    if kind == "interactive":
        interactive = message.get("interactive", {}).get("type")
        if interactive == "button_reply":
            return CallbackButton.from_update(client=client, update=raw)
        if interactive == "list_reply":
            return CallbackSelection.from_update(client=client, update=raw)
    return Message.from_update(client=client, update=raw)


def incoming_of(update: Update) -> Incoming | None:
    """What a person sent, as plain data for ``WhatsAppChat``; None for what is not a private
    message (a group message, a status, another field)."""
    if isinstance(update, RawUpdate | MessageStatus):
        return None
    user = update.from_user
    user_id = user.bsuid or user.wa_id
    if not user_id:
        return None
    phone = user.wa_id if user.wa_id and user.wa_id != user_id else None
    base = Incoming(message_id=update.id, user_id=user_id, user_name=user.name or "", phone=phone)
    if isinstance(update, CallbackButton | CallbackSelection):
        return replace(base, payload=str(update.data))
    if update.chat.type != ChatType.PRIVATE:
        return None
    if update.type == MessageType.REQUEST_WELCOME:  # the person opened the chat: the menu
        return base
    if update.document is not None:
        doc = update.document
        name = doc.filename or "dokumen"
        media = Media(doc.id, name, doc.mime_type)
        return replace(base, text=update.caption or "", media=media)
    if update.image is not None:
        image = update.image
        media = Media(image.id, f"foto-{update.id[-12:]}.jpg".replace("=", ""), image.mime_type)
        return replace(base, text=update.caption or "", media=media)
    if update.text is not None:
        return replace(base, text=update.text)
    return replace(base, unsupported=True)


def sender_of(body: str) -> str:
    """Who sent a single message body (the id it is answered at): the business-scoped id,
    else the phone number; empty when there is none."""
    try:
        value = json.loads(body)["entry"][0]["changes"][0]["value"]
        message = value["messages"][0]
        contact = (value.get("contacts") or [{}])[0]
        found = contact.get("user_id") or contact.get("wa_id") or message.get("from") or ""
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return ""
    return found if isinstance(found, str) else ""


@dataclass(frozen=True)
class IdentityChange:
    """WhatsApp says a person's id changed: a new phone number, or a new business-scoped id."""

    old_id: str
    new_id: str


# A number change: ``user_changed_number`` (``system.wa_id``; older versions called it
# ``customer_changed_number``, some with ``new_wa_id``) moves the phone number;
# ``user_changed_user_id`` moves the business-scoped id.
NUMBER_CHANGES = frozenset({"user_changed_number", "customer_changed_number"})
USER_ID_CHANGES = frozenset({"user_changed_user_id", "customer_changed_user_id"})


def identity_change(body: str) -> IdentityChange | None:
    """The id change a ``system`` message announces; None for anything else."""
    try:
        message = json.loads(body)["entry"][0]["changes"][0]["value"]["messages"][0]
        if message.get("type") != "system" or not isinstance(message.get("system"), dict):
            return None
        system = message["system"]
        kind = system.get("type")
        if kind in NUMBER_CHANGES:
            old, new = message.get("from"), system.get("new_wa_id") or system.get("wa_id")
        elif kind in USER_ID_CHANGES:
            old, new = system.get("previous_user_id"), system.get("user_id")
        else:
            return None
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return None
    if not isinstance(old, str) or not isinstance(new, str) or not old or not new:
        return None
    return IdentityChange(old, new)


def fallback(body: str) -> Incoming | None:
    """A message pywa could not read (a type or shape it does not know): who sent it, to be
    told what the bot reads; None when it is no message."""
    try:
        value = json.loads(body)["entry"][0]["changes"][0]["value"]
        message = value["messages"][0]
        contact = (value.get("contacts") or [{}])[0]
        user_id = str(contact.get("user_id") or contact.get("wa_id") or message.get("from") or "")
        if not user_id or message.get("type") in IGNORED:
            return None
        name = str((contact.get("profile") or {}).get("name") or "")
        return Incoming(str(message["id"]), user_id, name, unsupported=True)
    except (ValueError, KeyError, IndexError, TypeError):
        return None
