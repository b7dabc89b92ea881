"""An in-process Bot API for handler tests, and a harness that drives the real application.

``OfflineRequest`` is a ``telegram.request.BaseRequest`` (the idea of PTB's own
``tests/auxil/networking.py``): python-telegram-bot sends every Bot API call and every file
download through it, and it answers in-process, never touching the network. It records each
call (method, decoded parameters, uploaded files) and refuses what Telegram would refuse:
unknown methods, HTML that Telegram cannot parse, texts over 4096 characters (after parsing),
captions over 1024, callback data over 64 bytes, replies to or edits of messages that do not
exist, edits that change nothing, unknown ``file_id``s.

``BotHarness`` builds updates as Telegram would send them (private and group messages,
``bot_command`` entities, documents, photos, videos, replies, button presses) and feeds them to
``Application.process_update``; each call returns the Bot API calls the bot made meanwhile.

The seeding helpers and ``snapshot`` (everything a command may change) are here too, so that
the test modules can import them (conftest modules are not importable by name).
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import re
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from telegram import Update
from telegram.request import BaseRequest, RequestData

from models import AuditLog, BuktiDukung, ChatLink, Invite, RencanaAksi, Satker, Target, User
from services import catalog, importer, invites

JSONDict = dict[str, Any]

# A Friday in the sample plan (09:00 WITA): some items overdue, SDM-03 due today.
NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
BOT_ID = 123456
TOKEN = f"{BOT_ID}:TEST"
BOT_USERNAME = "zibot_test_bot"
API_URL = "https://api.telegram.org/bot"
FILE_URL = "https://api.telegram.org/file/bot"

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_CALLBACK_ANSWER = 200
MAX_DOWNLOAD = 20 * 1024 * 1024  # bots may download files up to 20 MB
SENDING = ("sendMessage", "sendPhoto", "sendDocument")


# --- Telegram's HTML ---------------------------------------------------------------------------

_HTML_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
    "code", "pre", "blockquote", "tg-emoji",
}  # fmt: skip
_TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:=\"[^\"]*\"|='[^']*'|=\S+)?)*)\s*>"
)
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


class TelegramHtmlError(ValueError):
    """Text that Telegram's HTML parser refuses ("Bad Request: can't parse entities")."""


def html_to_plain(text: str) -> str:
    """Parse Telegram-flavoured HTML as the Bot API does (strict on ``<`` and ``&``) and
    return the visible text; raise ``TelegramHtmlError`` where Telegram would answer 400."""
    out: list[str] = []
    open_tags: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "<":
            match = _TAG.match(text, i)
            if match is None:
                raise TelegramHtmlError(
                    f"unsupported start tag at offset {i}: {text[i : i + 20]!r}"
                )
            closing, name = match.group(1), match.group(2).lower()
            if closing:
                if not open_tags or open_tags[-1] != name:
                    raise TelegramHtmlError(f"unmatched end tag </{name}> at offset {i}")
                open_tags.pop()
            else:
                if name not in _HTML_TAGS:
                    raise TelegramHtmlError(f"unsupported tag <{name}> at offset {i}")
                open_tags.append(name)
            i = match.end()
            continue
        if char == "&":
            entity = _ENTITY.match(text, i)
            if entity is None:
                raise TelegramHtmlError(f"unescaped & at offset {i}")
            out.append(html.unescape(entity.group(0)))
            i = entity.end()
            continue
        out.append(char)
        i += 1
    if open_tags:
        raise TelegramHtmlError(f"no end tag for <{open_tags[-1]}>")
    return "".join(out)


# --- the recorded calls ------------------------------------------------------------------------


@dataclass
class ApiCall:
    """One Bot API call the bot made: method, decoded parameters, uploaded files, outcome."""

    method: str
    params: JSONDict
    files: dict[str, tuple[str | None, bytes, str | None]] = field(default_factory=dict)
    result: Any = None
    error: str | None = None

    @property
    def text(self) -> str:
        """The text or caption as sent (Telegram HTML)."""
        value = self.params.get("text", self.params.get("caption", ""))
        return str(value or "")

    @property
    def visible(self) -> str:
        """What a person reads: the text with HTML parsed."""
        if str(self.params.get("parse_mode", "")).lower() == "html":
            return html_to_plain(self.text)
        return self.text

    @property
    def chat_id(self) -> int:
        """The chat the call went to."""
        return int(self.params["chat_id"])

    @property
    def reply_markup(self) -> JSONDict:
        """The markup sent with the call ({} when none)."""
        markup = self.params.get("reply_markup") or {}
        return json.loads(markup) if isinstance(markup, str) else dict(markup)

    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback data) of every inline button, row by row."""
        rows = self.reply_markup.get("inline_keyboard", [])
        return [(b["text"], b.get("callback_data", "")) for row in rows for b in row]

    @property
    def message(self) -> JSONDict:
        """The Message the Bot API returned for this call."""
        assert isinstance(self.result, dict), f"{self.method} returned {self.result!r}"
        return self.result


class UnknownMethodError(AssertionError):
    """The bot used a Bot API method (or URL) the offline API does not know."""


class _ApiError(Exception):
    def __init__(self, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.description = description
        self.status = status


# --- the offline Bot API -----------------------------------------------------------------------


class OfflineRequest(BaseRequest):
    """Answers Bot API methods in-process; records every call; never touches the network."""

    def __init__(
        self,
        *,
        token: str = TOKEN,
        api_url: str = API_URL,
        file_url: str = FILE_URL,
        now: datetime = NOW,
    ) -> None:
        self.api_base = f"{api_url}{token}/"
        self.file_base = f"{file_url}{token}/"
        self.date = int(now.timestamp())  # the Bot API sends dates in seconds
        self.calls: list[ApiCall] = []
        self.unknown: list[str] = []
        self.downloads: list[str] = []
        self._files: dict[str, bytes] = {}
        self._paths: dict[str, str] = {}
        self._messages: dict[tuple[int, int], JSONDict] = {}
        self._chats: dict[int, JSONDict] = {}
        self._ids = itertools.count(1)
        self._methods = {
            "getMe": self._get_me,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_reply_markup,
            "answerCallbackQuery": self._answer_callback_query,
            "setMyCommands": self._set_my_commands,
            "deleteWebhook": lambda call: True,
            "getFile": self._get_file,
        }

    # The state tests set up and read.

    def add_file(self, file_id: str, content: bytes) -> None:
        """Make ``file_id`` downloadable with ``content`` (what a user uploaded)."""
        self._files[file_id] = content

    def next_message_id(self) -> int:
        """A fresh message id (users' and the bot's messages share one counter)."""
        return next(self._ids)

    def remember(self, message: JSONDict) -> None:
        """Record a user's message, so that the bot may reply to it."""
        chat = message["chat"]
        self._chats.setdefault(chat["id"], chat)
        self._messages[(chat["id"], message["message_id"])] = message

    def stored(self, chat_id: int, message_id: int) -> JSONDict:
        """A message as it is now (after edits)."""
        return self._messages[(chat_id, message_id)]

    def calls_of(self, method: str) -> list[ApiCall]:
        """Every successful call of one method."""
        return [c for c in self.calls if c.method == method and c.error is None]

    def failures(self) -> list[ApiCall]:
        """Calls the offline API refused, as Telegram would have (400)."""
        return [c for c in self.calls if c.error is not None]

    # BaseRequest.

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        url = urllib.parse.unquote(url)  # PTB quotes file URLs ("123456%3ATEST")
        if method == "GET" and url.startswith(self.file_base):
            return self._download(url[len(self.file_base) :])
        if not url.startswith(self.api_base):
            self.unknown.append(url)
            raise UnknownMethodError(f"the offline Bot API does not serve {url}")
        name = url[len(self.api_base) :]
        call = ApiCall(name, _parameters(request_data), _files(request_data))
        self.calls.append(call)
        answer = self._methods.get(name)
        if answer is None:
            self.unknown.append(name)
            raise UnknownMethodError(f"the offline Bot API does not know {name}")
        try:
            call.result = answer(call)
        except _ApiError as exc:
            call.error = exc.description
            body = {"ok": False, "error_code": exc.status, "description": exc.description}
            return exc.status, json.dumps(body).encode()
        return 200, json.dumps({"ok": True, "result": call.result}).encode()

    # Methods.

    def _bot_user(self) -> JSONDict:
        return {"id": BOT_ID, "is_bot": True, "first_name": "Zibot", "username": BOT_USERNAME}

    def _get_me(self, call: ApiCall) -> JSONDict:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _chat(self, chat_id: int) -> JSONDict:
        if chat_id in self._chats:
            return self._chats[chat_id]
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": f"user{chat_id}"}
        return {"id": chat_id, "type": "group", "title": f"group{chat_id}"}

    def _new_message(self, call: ApiCall, content: JSONDict) -> JSONDict:
        chat_id = call.chat_id
        reply = call.params.get("reply_parameters") or {}
        if reply:
            target = (int(reply.get("chat_id", chat_id)), int(reply["message_id"]))
            if target not in self._messages and not reply.get("allow_sending_without_reply"):
                raise _ApiError("Bad Request: message to be replied not found")
        _check_markup(call.params.get("reply_markup"))
        message: JSONDict = {
            "message_id": self.next_message_id(),
            "date": self.date,
            "chat": self._chat(chat_id),
            "from": self._bot_user(),
            **content,
        }
        markup = call.reply_markup
        if "inline_keyboard" in markup:
            message["reply_markup"] = markup
        self._messages[(chat_id, message["message_id"])] = message
        return message

    def _rendered(self, call: ApiCall, key: str, limit: int) -> str:
        raw = str(call.params.get(key) or "")
        try:
            html_mode = str(call.params.get("parse_mode", "")).lower() == "html"
            plain = html_to_plain(raw) if html_mode else raw
        except TelegramHtmlError as exc:
            raise _ApiError(f"Bad Request: can't parse entities: {exc}") from exc
        if key == "text" and not plain.strip():
            raise _ApiError("Bad Request: message text is empty")
        if len(plain) > limit:
            kind = "message" if key == "text" else "caption"
            raise _ApiError(f"Bad Request: {kind} is too long")
        return plain

    def _send_message(self, call: ApiCall) -> JSONDict:
        return self._new_message(call, {"text": self._rendered(call, "text", MAX_TEXT)})

    def _media(self, call: ApiCall, key: str) -> bytes:
        if key in call.files:
            return call.files[key][1]
        file_id = str(call.params.get(key, ""))
        if file_id not in self._files:
            raise _ApiError("Bad Request: wrong file identifier/HTTP URL specified")
        return self._files[file_id]

    def _send_photo(self, call: ApiCall) -> JSONDict:
        content = self._media(call, "photo")
        caption = self._rendered(call, "caption", MAX_CAPTION)
        file_id = f"bot-photo-{len(self._files)}"
        self._files[file_id] = content
        size = {"file_id": file_id, "file_unique_id": file_id, "width": 800, "height": 600}
        extra = {"caption": caption} if caption else {}
        return self._new_message(call, {"photo": [{**size, "file_size": len(content)}], **extra})

    def _send_document(self, call: ApiCall) -> JSONDict:
        content = self._media(call, "document")
        caption = self._rendered(call, "caption", MAX_CAPTION)
        name = call.files["document"][0] if "document" in call.files else "document"
        file_id = f"bot-document-{len(self._files)}"
        self._files[file_id] = content
        document = {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_name": name,
            "file_size": len(content),
        }
        extra = {"caption": caption} if caption else {}
        return self._new_message(call, {"document": document, **extra})

    def _edited(self, call: ApiCall) -> tuple[tuple[int, int], JSONDict]:
        if "inline_message_id" in call.params:
            raise _ApiError("Bad Request: inline messages are not sent by this bot")
        key = (call.chat_id, int(call.params["message_id"]))
        if key not in self._messages:
            raise _ApiError("Bad Request: message to edit not found")
        _check_markup(call.params.get("reply_markup"))
        return key, self._messages[key]

    def _edit_message_text(self, call: ApiCall) -> JSONDict:
        key, old = self._edited(call)
        text = self._rendered(call, "text", MAX_TEXT)
        markup = call.reply_markup
        if old.get("text") == text and old.get("reply_markup", {}) == markup:
            raise _ApiError("Bad Request: message is not modified")
        new = {k: v for k, v in old.items() if k != "reply_markup"}
        new.update(text=text, edit_date=self.date)
        if "inline_keyboard" in markup:  # without reply_markup Telegram drops the keyboard
            new["reply_markup"] = markup
        self._messages[key] = new
        return new

    def _edit_reply_markup(self, call: ApiCall) -> JSONDict:
        key, old = self._edited(call)
        markup = call.reply_markup
        if old.get("reply_markup", {}) == markup:
            raise _ApiError("Bad Request: message is not modified")
        new = {k: v for k, v in old.items() if k != "reply_markup"}
        if "inline_keyboard" in markup:
            new["reply_markup"] = markup
        new["edit_date"] = self.date
        self._messages[key] = new
        return new

    def _answer_callback_query(self, call: ApiCall) -> bool:
        if len(str(call.params.get("text") or "")) > MAX_CALLBACK_ANSWER:
            raise _ApiError("Bad Request: MESSAGE_TOO_LONG")
        return True

    def _set_my_commands(self, call: ApiCall) -> bool:
        commands = call.params.get("commands") or []
        if isinstance(commands, str):
            commands = json.loads(commands)
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command["command"]):
                raise _ApiError("Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(command["description"]) <= 256:
                raise _ApiError("Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        return True

    def _get_file(self, call: ApiCall) -> JSONDict:
        file_id = str(call.params.get("file_id", ""))
        if file_id not in self._files:
            raise _ApiError("Bad Request: invalid file_id")
        if len(self._files[file_id]) > MAX_DOWNLOAD:
            raise _ApiError("Bad Request: file is too big")
        path = f"documents/file_{len(self._paths)}.bin"
        self._paths[path] = file_id
        return {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "file_size": len(self._files[file_id]),
            "file_path": path,
        }

    def _download(self, path: str) -> tuple[int, bytes]:
        self.downloads.append(path)
        if path not in self._paths:
            return 404, b'{"ok":false,"error_code":404,"description":"Not Found"}'
        return 200, self._files[self._paths[path]]


def _parameters(request_data: RequestData | None) -> JSONDict:
    if request_data is None:
        return {}
    return dict(request_data.parameters)


def _files(request_data: RequestData | None) -> dict[str, tuple[str | None, bytes, str | None]]:
    if request_data is None or not request_data.contains_files:
        return {}
    files: dict[str, tuple[str | None, bytes, str | None]] = {}
    for name, value in request_data.multipart_data.items():
        file_name, content, *rest = value
        data = content.read() if hasattr(content, "read") else content
        files[name] = (file_name, bytes(data), rest[0] if rest else None)
    return files


def _check_markup(markup: Any) -> None:
    if isinstance(markup, str):
        markup = json.loads(markup)
    for row in (markup or {}).get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
                raise _ApiError("Bad Request: BUTTON_DATA_INVALID")


# --- people, chats and updates -----------------------------------------------------------------


@dataclass(frozen=True)
class TgUser:
    """A Telegram account."""

    id: int
    first_name: str
    last_name: str | None = None

    def to_api(self) -> JSONDict:
        data: JSONDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        return data

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name


@dataclass(frozen=True)
class TgChat:
    """A private chat or a group (negative id, type ``group``)."""

    id: int
    type: str
    title: str | None = None

    @classmethod
    def private(cls, user: TgUser) -> TgChat:
        return cls(user.id, "private")

    @classmethod
    def group(cls, id: int, title: str) -> TgChat:
        assert id < 0, "group chat ids are negative"
        return cls(id, "group", title)

    def to_api(self, user: TgUser) -> JSONDict:
        if self.type == "private":
            return {"id": self.id, "type": "private", **_names(user)}
        return {"id": self.id, "type": self.type, "title": self.title}


def _names(user: TgUser) -> JSONDict:
    names = {"first_name": user.first_name}
    return {**names, "last_name": user.last_name} if user.last_name else names


def command_entities(text: str) -> list[JSONDict]:
    """A ``bot_command`` entity for a leading ``/command`` (offsets in UTF-16 units)."""
    match = re.match(r"/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?", text)
    if match is None:
        return []
    length = len(match.group(0).encode("utf-16-le")) // 2
    return [{"type": "bot_command", "offset": 0, "length": length}]


class BotHarness:
    """Acts as Telegram users towards the real application, one update at a time."""

    def __init__(self, application: Any, api: OfflineRequest, runner: asyncio.Runner) -> None:
        self.application = application
        self.api = api
        self._runner = runner
        self._update_ids = itertools.count(1)
        self.errors_expected = False
        self.rebuild: Any = None  # builds a fresh application (set by the ``tg`` fixture)

    def restart(self) -> None:
        """What a new process sees: a freshly built application (nothing left in PTB's memory:
        no conversation state, no chat_data), the same database, Bot API and use cases."""
        assert self.rebuild is not None, "the fixture did not say how to rebuild"
        old = self.application
        self._runner.run(old.stop())
        self._runner.run(old.shutdown())
        new = self.rebuild()
        new.bot_data.engine = old.bot_data.engine
        new.bot_data.zibot = old.bot_data.zibot
        self._runner.run(new.initialize())
        self._runner.run(new.start())
        self.application = new

    def process(self, update: JSONDict) -> list[ApiCall]:
        """Feed one update to ``Application.process_update``; return the calls it caused."""
        before = len(self.api.calls)
        parsed = Update.de_json(update, self.application.bot)
        self._runner.run(self.application.process_update(parsed))
        return self.api.calls[before:]

    def run(self, coroutine: Any) -> Any:
        """Run a coroutine on the application's event loop."""
        return self._runner.run(coroutine)

    def _message(
        self, user: TgUser, chat: TgChat, reply_to: JSONDict | None, **content: Any
    ) -> JSONDict:
        message: JSONDict = {
            "message_id": self.api.next_message_id(),
            "date": self.api.date,
            "chat": chat.to_api(user),
            "from": user.to_api(),
            **content,
        }
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        self.api.remember(message)
        return message

    def _post(self, message: JSONDict) -> list[ApiCall]:
        return self.process({"update_id": next(self._update_ids), "message": message})

    def send(
        self, user: TgUser, chat: TgChat, text: str, *, reply_to: JSONDict | None = None
    ) -> list[ApiCall]:
        """A text message; a leading ``/command`` gets its ``bot_command`` entity."""
        content: JSONDict = {"text": text}
        if entities := command_entities(text):
            content["entities"] = entities
        return self._post(self._message(user, chat, reply_to, **content))

    def _caption(self, caption: str | None) -> JSONDict:
        if caption is None:
            return {}
        content: JSONDict = {"caption": caption}
        if entities := command_entities(caption):
            content["caption_entities"] = entities
        return content

    def document(
        self,
        user: TgUser,
        chat: TgChat,
        file_name: str,
        content: bytes,
        *,
        mime_type: str | None = "application/pdf",
        caption: str | None = None,
        reply_to: JSONDict | None = None,
        file_size: int | None = None,
        state_size: bool = True,
    ) -> list[ApiCall]:
        """A document (its bytes become downloadable under a fresh ``file_id``); with
        ``state_size=False`` the update does not say how big it is (Telegram may omit it)."""
        file_id = f"doc-{self.api.next_message_id()}"
        self.api.add_file(file_id, content)
        document: JSONDict = {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "file_name": file_name,
            "file_size": len(content) if file_size is None else file_size,
        }
        if not state_size:
            del document["file_size"]
        if mime_type is not None:
            document["mime_type"] = mime_type
        message = self._message(user, chat, reply_to, document=document, **self._caption(caption))
        return self._post(message)

    def photo(
        self,
        user: TgUser,
        chat: TgChat,
        content: bytes,
        *,
        caption: str | None = None,
        reply_to: JSONDict | None = None,
    ) -> list[ApiCall]:
        """A photo in two sizes; only the largest one is downloadable."""
        file_id = f"photo-{self.api.next_message_id()}"
        self.api.add_file(file_id, content)
        sizes = [
            {"file_id": f"{file_id}-s", "file_unique_id": f"u-{file_id}-s", "width": 90,
             "height": 67, "file_size": 900},
            {"file_id": file_id, "file_unique_id": f"u-{file_id}", "width": 1280, "height": 960,
             "file_size": len(content)},
        ]  # fmt: skip
        message = self._message(user, chat, reply_to, photo=sizes, **self._caption(caption))
        return self._post(message)

    def video(
        self, user: TgUser, chat: TgChat, *, reply_to: JSONDict | None = None
    ) -> list[ApiCall]:
        """A video message (not a document)."""
        video = {
            "file_id": "video-1",
            "file_unique_id": "u-video-1",
            "width": 640,
            "height": 360,
            "duration": 12,
            "mime_type": "video/mp4",
            "file_size": 1_000_000,
        }
        return self._post(self._message(user, chat, reply_to, video=video))

    def press(
        self,
        user: TgUser,
        message: JSONDict,
        data: str,
        *,
        stale: bool = False,
        forged: bool = False,
    ) -> list[ApiCall]:
        """A press on an inline button of one of the bot's messages, as it is now (or, with
        ``stale``, as the user's app still shows it: a double tap before the edit arrived).
        With ``forged`` the data need not be on the message (a modified client sends any)."""
        chat_id = message["chat"]["id"]
        current = message if stale else self.api.stored(chat_id, message["message_id"])
        offered = [
            b.get("callback_data")
            for row in current.get("reply_markup", {}).get("inline_keyboard", [])
            for b in row
        ]
        assert forged or data in offered, f"no button {data!r} on the message; offered: {offered}"
        query = {
            "id": f"cq-{self.api.next_message_id()}",
            "from": user.to_api(),
            "chat_instance": f"ci{chat_id}",
            "data": data,
            "message": current,
        }
        return self.process({"update_id": next(self._update_ids), "callback_query": query})

    def migrate(
        self, user: TgUser, group: TgChat, supergroup_id: int, *, order: str = "to,from"
    ) -> tuple[TgChat, list[ApiCall]]:
        """``user`` upgrades ``group`` to a supergroup: Telegram posts ``migrate_to_chat_id`` in
        the old group and ``migrate_from_chat_id`` in the new one (``order`` picks which
        arrive, in which order: "to,from", "from,to", "to" or "from")."""
        supergroup = TgChat(supergroup_id, "supergroup", group.title)
        calls: list[ApiCall] = []
        for which in order.split(","):
            if which == "to":
                message = self._message(user, group, None, migrate_to_chat_id=supergroup_id)
            else:
                message = self._message(user, supergroup, None, migrate_from_chat_id=group.id)
            calls += self._post(message)
        return supergroup, calls

    def bot_status(self, user: TgUser, chat: TgChat, old: str, new: str) -> list[ApiCall]:
        """A ``my_chat_member`` update: ``user`` changed the bot's status in ``chat`` from
        ``old`` to ``new`` ("member", "left", "kicked")."""
        bot = {"id": BOT_ID, "is_bot": True, "first_name": "Zibot", "username": BOT_USERNAME}

        def member(status: str) -> JSONDict:
            extra = {"until_date": 0} if status == "kicked" else {}
            return {"status": status, "user": bot, **extra}

        change = {
            "chat": chat.to_api(user),
            "from": user.to_api(),
            "date": self.api.date,
            "old_chat_member": member(old),
            "new_chat_member": member(new),
        }
        return self.process({"update_id": next(self._update_ids), "my_chat_member": change})


def sent(calls: Sequence[ApiCall]) -> list[ApiCall]:
    """The messages (text, photo, document) among the calls."""
    return [c for c in calls if c.method in SENDING and c.error is None]


def only_reply(calls: Sequence[ApiCall]) -> ApiCall:
    """The one message the bot sent; fails when it sent none or several."""
    messages = sent(calls)
    assert len(messages) == 1, f"expected one reply, got {[(c.method, c.text) for c in calls]}"
    return messages[0]


# --- seeding -----------------------------------------------------------------------------------


def import_sample(sessions: sessionmaker[Session]) -> None:
    """The bundled 2026 plan: 27 items for every satker, PP-05 for the nine kab/kota."""
    with sessions.begin() as session:
        importer.import_plan(session, catalog.sample_plan_path(), year=None, now=NOW, actor="test")


def import_plan(sessions: sessionmaker[Session], path: Path) -> None:
    """Import a plan file written by a test."""
    with sessions.begin() as session:
        importer.import_plan(session, path, year=None, now=NOW, actor="test")


def satker_id(session: Session, code: str) -> int:
    found = session.scalar(select(Satker.id).where(Satker.code == code))
    assert found is not None, code
    return found


def add_user(sessions: sessionmaker[Session], user: TgUser, role: str, satker_code: str) -> int:
    """Register a Telegram user directly (faster than an invite); return the user's id."""
    with sessions.begin() as session:
        row = User(
            name=user.full_name,
            role=role,
            satker_id=satker_id(session, satker_code),
            telegram_id=user.id,
            created_at=NOW,
        )
        session.add(row)
        session.flush()
        return row.id


def link_group(sessions: sessionmaker[Session], chat: TgChat, satker_code: str | None) -> None:
    """Link a group to a satker (or to the province with ``None``) directly."""
    with sessions.begin() as session:
        session.add(
            ChatLink(
                channel="telegram",
                chat_id=str(chat.id),
                satker_id=satker_id(session, satker_code) if satker_code else None,
                is_province=satker_code is None,
                title=chat.title,
                linked_at=NOW,
            )
        )


def make_invite(
    sessions: sessionmaker[Session], satker_code: str, role: str, *, days: int = 7
) -> str:
    """One invite code made the way an admin makes them."""
    with sessions.begin() as session:
        satker = session.scalars(select(Satker).where(Satker.code == satker_code)).one()
        (code,) = invites.create_invites(
            session, satker=satker, role=role, count=1, days=days, now=NOW, actor="test"
        )
    return code


def set_status(
    sessions: sessionmaker[Session], satker_code: str, item_codes: Sequence[str], status: str
) -> None:
    """Set targets' status directly (to give the progress views something to count)."""
    with sessions.begin() as session:
        sid = satker_id(session, satker_code)
        for target in session.scalars(
            select(Target)
            .join(RencanaAksi, RencanaAksi.id == Target.item_id)
            .where(Target.satker_id == sid, RencanaAksi.code.in_(item_codes))
        ):
            target.status = status


def target_of(session: Session, satker_code: str, item_code: str) -> Target:
    """One satker's target for one item of the plan."""
    return session.scalars(
        select(Target)
        .join(RencanaAksi, RencanaAksi.id == Target.item_id)
        .join(Satker, Satker.id == Target.satker_id)
        .where(Satker.code == satker_code, RencanaAksi.code == item_code)
    ).one()


def _rows(result: Any) -> list[tuple[Any, ...]]:
    return sorted(tuple(row) for row in result)  # the first column is unique


def snapshot(sessions: sessionmaker[Session], evidence_dir: Path | None = None) -> JSONDict:
    """Everything a chat command may change, as comparable plain data."""
    with sessions() as session:
        state: JSONDict = {
            "targets": _rows(
                session.execute(
                    select(
                        Target.id,
                        Target.status,
                        Target.note,
                        Target.updated_by_id,
                        Target.updated_at,
                    )
                )
            ),
            "chat_links": _rows(
                session.execute(
                    select(
                        ChatLink.chat_id,
                        ChatLink.satker_id,
                        ChatLink.is_province,
                        ChatLink.linked_by_id,
                        ChatLink.linked_at,
                    )
                )
            ),
            "bukti": _rows(
                session.execute(select(BuktiDukung.id, BuktiDukung.path, BuktiDukung.sha256))
            ),
            "users": _rows(
                session.execute(select(User.id, User.telegram_id, User.role, User.satker_id))
            ),
            "invites": _rows(session.execute(select(Invite.id, Invite.used_at, Invite.used_by_id))),
            "audit": session.scalar(select(func.count()).select_from(AuditLog)),
        }
    if evidence_dir is not None:
        state["files"] = sorted(
            p.relative_to(evidence_dir).as_posix() for p in evidence_dir.rglob("*") if p.is_file()
        )
    return state
