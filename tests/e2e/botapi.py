"""A local stand-in of the Telegram Bot API for end-to-end tests.

The real bot (python-telegram-bot) long-polls this server exactly as it would poll
``api.telegram.org``; tests act as users (``send_text``, ``send_document``, ``press_button``) and
read what the bot did (``sent``, ``edits``, ``calls``, ``wait_for``)::

    with BotApiStandIn() as api:
        app = ApplicationBuilder().token(api.token).base_url(api.base_url)
              .base_file_url(api.file_url).build()
        ...
        alice = User(1001, "Alice", "alice")
        api.send_text(Chat.private(alice), alice, "/start")
        reply = api.wait_for_reply(alice.id)

The server is an aiohttp application served from a daemon thread with its own event loop, so
synchronous tests can use it. Every piece of shared state is guarded by one lock.

What it does like Telegram (so that bugs which would fail in production fail here too):

* dates in seconds, ``is_bot``/``first_name``/``username`` on users, ``bot_command`` entities
  (offsets in UTF-16 code units), one message-id counter per chat shared by users and the bot;
* ``getUpdates`` with ``offset`` confirmation, ``limit`` and long polling; a newer ``getUpdates``
  ends a waiting one with 409 Conflict, and ``getUpdates`` while a webhook is set is a 409;
* **privacy mode** (on by default, as for a new bot): in groups the bot receives commands (bare or
  addressed ``/cmd@this_bot``), messages mentioning ``@this_bot``, and replies to its own
  messages; other group messages are posted (they can be replied to) but not delivered, unless
  the bot is an administrator of the group (``set_chat_admin(chat_id, api.bot_id)``) or the
  stand-in was built with ``privacy_mode=False``;
* ``parse_mode="HTML"`` is checked like Telegram does (unknown or unclosed tags, an unescaped
  ``<``: 400 "can't parse entities") and the stored message has the tags stripped;
  ``MarkdownV2`` is checked approximately (unescaped reserved characters, unbalanced markers);
* 400 errors for empty or too long texts (4096) and captions (1024), callback data over 64 bytes,
  ``getFile`` of a file over 20 MB ("file is too big"),
  invalid command names in setMyCommands, replies to unknown messages, editing or deleting unknown
  messages, and edits that change nothing ("message is not modified");
* ``editMessageText`` without ``reply_markup`` removes the inline keyboard, as Telegram does;
* group lifecycle: ``migrate_group`` posts both migration service messages and makes sends to
  the old id fail with 400 ``migrate_to_chat_id``; ``remove_bot``/``add_bot`` queue
  ``my_chat_member`` updates, and while the bot is out of a chat it receives nothing from it
  and sends there fail with 403.

What it does not do: deliver to webhooks, inline mode, payments, media groups, message entities
in the bot's own messages (``entities`` is never set on them).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import html
import itertools
import json
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import PurePosixPath
from types import TracebackType
from typing import Any, Self

from aiohttp import web

JSONDict = dict[str, Any]

# Parameters that are plain strings in every Bot API method: never JSON-decode them (a text
# "42" must stay a string). Every other form value is JSON-decoded when it parses, because PTB
# sends non-string values (ints, booleans, nested objects) JSON-encoded.
_STRING_PARAMS = frozenset(
    {
        "action",
        "animation",
        "audio",
        "business_connection_id",
        "callback_query_id",
        "caption",
        "data",
        "description",
        "document",
        "emoji",
        "file_id",
        "first_name",
        "inline_message_id",
        "ip_address",
        "language_code",
        "last_name",
        "message_effect_id",
        "name",
        "parse_mode",
        "phone_number",
        "photo",
        "secret_token",
        "short_description",
        "sticker",
        "text",
        "thumbnail",
        "title",
        "url",
        "video",
        "video_note",
        "voice",
    }
)
# Methods that create a message in a chat (subject to ``set_latency``; listed by ``sent()``).
_SEND_METHODS = frozenset({"sendmessage", "sendphoto", "senddocument"})
_MAX_TEXT = 4096
_MAX_CAPTION = 1024
_MAX_CALLBACK_DATA = 64
_MAX_DOWNLOAD = 20 * 1024 * 1024  # bots may download files up to 20 MB
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
_COMMAND_IN_TEXT = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w@])")
_HTML_TAGS = frozenset(
    {
        "a",
        "b",
        "blockquote",
        "code",
        "del",
        "em",
        "i",
        "ins",
        "pre",
        "s",
        "span",
        "strike",
        "strong",
        "tg-emoji",
        "tg-spoiler",
        "u",
    }
)
_HTML_TAG = re.compile(r"<(/?)([^\s<>/]*)([^<>]*)>")
_HTML_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);")
_MD2_RESERVED = frozenset(".!-=#+{}")
_BAD_GATEWAY_BODY = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)
_DEFAULT_FAULT_DESCRIPTIONS = {
    400: "Bad Request: chat not found",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
    500: "Internal Server Error",
}
_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_pin_messages",
)


@dataclass(frozen=True)
class User:
    """A Telegram user the tests speak as."""

    id: int
    first_name: str
    username: str | None = None
    last_name: str | None = None
    language_code: str = "id"

    def to_api(self) -> JSONDict:
        """The Bot API ``User`` object."""
        data: JSONDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name is not None:
            data["last_name"] = self.last_name
        if self.username is not None:
            data["username"] = self.username
        data["language_code"] = self.language_code
        return data


@dataclass(frozen=True)
class Chat:
    """A private chat, group or supergroup. Build with ``Chat.private`` / ``Chat.group``."""

    id: int
    type: str  # "private" | "group" | "supergroup"
    title: str | None = None
    # For private chats: the other party's names, as Telegram puts them on the Chat object.
    first_name: str | None = None
    last_name: str | None = None
    username: str | None = None

    @classmethod
    def private(cls, user: User) -> Chat:
        """The private chat between ``user`` and the bot (its id is the user's id)."""
        return cls(
            id=user.id,
            type="private",
            first_name=user.first_name,
            last_name=user.last_name,
            username=user.username,
        )

    @classmethod
    def group(cls, id: int, title: str, *, supergroup: bool = False) -> Chat:
        """A group (negative id; supergroup ids look like -100xxxxxxxxxx)."""
        if id >= 0:
            raise ValueError("group chat ids are negative")
        return cls(id=id, type="supergroup" if supergroup else "group", title=title)

    def to_api(self) -> JSONDict:
        """The Bot API ``Chat`` object."""
        data: JSONDict = {"id": self.id, "type": self.type}
        for key in ("title", "first_name", "last_name", "username"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data


@dataclass(frozen=True)
class _Upload:
    file_name: str | None
    content: bytes
    mime_type: str | None


@dataclass(frozen=True)
class _StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    file_name: str | None
    mime_type: str | None
    content: bytes


@dataclass(frozen=True)
class _Fault:
    status: int
    retry_after: int | None
    description: str | None


class _ApiError(Exception):
    """Answers the current request with a Bot API error."""

    def __init__(self, status: int, description: str, parameters: JSONDict | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


def _error_response(status: int, description: str, parameters: JSONDict | None = None) -> Any:
    body: JSONDict = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=status)


def _describe_status(status: int) -> str:
    if status in _DEFAULT_FAULT_DESCRIPTIONS:
        return _DEFAULT_FAULT_DESCRIPTIONS[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"Error {status}"


def _decode_param(name: str, value: Any) -> Any:
    if not isinstance(value, str) or name in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return None


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode())


def _html_to_plain(text: str) -> str:
    """Check Telegram-flavoured HTML the way the Bot API does and return the visible text."""
    out: list[str] = []
    open_tags: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "<":
            match = _HTML_TAG.match(text, i)
            offset = _byte_offset(text, i)
            if match is None:
                found = re.match(r"/?([^\s<>/&]*)", text[i + 1 :])
                raise _ApiError(
                    400,
                    "Bad Request: can't parse entities: Unsupported start tag "
                    f'"{found.group(1) if found else ""}" at byte offset {offset}',
                )
            closing, name, attributes = match.group(1), match.group(2).lower(), match.group(3)
            if closing:
                if not open_tags:
                    raise _ApiError(
                        400,
                        f"Bad Request: can't parse entities: Unexpected end tag at byte offset "
                        f"{offset}",
                    )
                if open_tags[-1] != name:
                    raise _ApiError(
                        400,
                        f"Bad Request: can't parse entities: Unmatched end tag at byte offset "
                        f'{offset}, expected "</{open_tags[-1]}>", found "</{name}>"',
                    )
                open_tags.pop()
            else:
                if name not in _HTML_TAGS:
                    raise _ApiError(
                        400,
                        f'Bad Request: can\'t parse entities: Unsupported start tag "{name}" '
                        f"at byte offset {offset}",
                    )
                if name == "span" and "tg-spoiler" not in attributes:
                    raise _ApiError(
                        400,
                        'Bad Request: can\'t parse entities: Tag "span" must have class '
                        f'"tg-spoiler" at byte offset {offset}',
                    )
                open_tags.append(name)
            i = match.end()
            continue
        if char == "&":
            entity = _HTML_ENTITY.match(text, i)
            if entity is not None:
                out.append(html.unescape(entity.group(0)))
                i = entity.end()
                continue
        out.append(char)
        i += 1
    if open_tags:
        raise _ApiError(
            400,
            "Bad Request: can't parse entities: Can't find end tag corresponding to start tag "
            f'"{open_tags[-1]}"',
        )
    return "".join(out)


def _markdown_v2_to_plain(text: str) -> str:
    """An approximate MarkdownV2 check: reserved characters must be escaped outside code, and
    ``*``, ``_``, ``~`` markers must be balanced. Returns the text with escapes removed."""
    i = 0
    code: str | None = None  # "`" or "```" while inside inline code / pre
    counts = {"*": 0, "_": 0, "~": 0, "|": 0}
    in_link_url = False
    link_text_open = False
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if text.startswith("```", i) and code in (None, "```"):
            code = None if code else "```"
            i += 3
            continue
        if char == "`" and code in (None, "`"):
            code = None if code else "`"
            i += 1
            continue
        if code is not None:
            i += 1
            continue
        if in_link_url:
            in_link_url = char != ")"
            i += 1
            continue
        at_line_start = i == 0 or text[i - 1] == "\n"
        if char == "[":
            link_text_open = True
        elif char == "]" and link_text_open:
            link_text_open = False
            if text.startswith("(", i + 1):
                in_link_url = True
                i += 2
                continue
        elif char in counts:
            counts[char] += 1
        elif char in _MD2_RESERVED or char in "()]" or (char == ">" and not at_line_start):
            raise _ApiError(
                400,
                f"Bad Request: can't parse entities: Character '{char}' is reserved and must be "
                "escaped with the preceding '\\'",
            )
        i += 1
    if code is not None:
        raise _ApiError(400, "Bad Request: can't parse entities: Can't find end of Pre entity")
    for marker, count in counts.items():
        if count % 2:
            raise _ApiError(
                400,
                f"Bad Request: can't parse entities: Can't find end of the entity starting "
                f"with '{marker}'",
            )
    return re.sub(r"\\(.)", r"\1", text)


def _render(text: str, parse_mode: Any) -> str:
    """The text as Telegram stores it after parsing ``parse_mode``."""
    if not isinstance(parse_mode, str) or not parse_mode:
        return text
    if parse_mode.lower() == "html":
        return _html_to_plain(text)
    if parse_mode.lower() == "markdownv2":
        return _markdown_v2_to_plain(text)
    if parse_mode.lower() == "markdown":
        return text
    raise _ApiError(400, f"Bad Request: unsupported parse_mode {parse_mode!r}")


def _command_entities(text: str) -> list[JSONDict]:
    return [
        {
            "type": "bot_command",
            "offset": _utf16_len(text[: match.start()]),
            "length": _utf16_len(match.group(0)),
        }
        for match in _COMMAND_IN_TEXT.finditer(text)
    ]


def _without_reply(message: JSONDict) -> JSONDict:
    """A message as embedded in ``reply_to_message`` (Telegram does not nest replies)."""
    embedded = copy.deepcopy(message)
    embedded.pop("reply_to_message", None)
    return embedded


def _message_text(message: JSONDict) -> str:
    return str(message.get("text") or message.get("caption") or "")


def _message_entities(message: JSONDict) -> list[JSONDict]:
    entities = message.get("entities") or message.get("caption_entities") or []
    return list(entities)


class BotApiStandIn:
    """A Telegram Bot API server on 127.0.0.1 for one bot token. See the module docstring."""

    def __init__(
        self,
        token: str = "123456:TEST-token",
        bot_username: str = "zibot_test_bot",
        *,
        bot_first_name: str = "ZiBot Test",
        privacy_mode: bool = True,
    ) -> None:
        bot_id = _as_int(token.partition(":")[0])
        if bot_id is None or bot_id <= 0:
            raise ValueError("a bot token starts with the bot's numeric id: '<id>:<secret>'")
        self.token = token
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.privacy_mode = privacy_mode

        self._lock = threading.Lock()
        self._calls: list[tuple[str, JSONDict]] = []
        self._call_times: list[float] = []  # time.time() at receipt, one per entry of _calls
        self._failures: list[tuple[str, JSONDict, int]] = []
        self._unknown_methods: list[str] = []
        self._sent: list[JSONDict] = []
        self._edits: list[JSONDict] = []
        self._deleted: list[tuple[int, int]] = []
        self._callback_answers: list[JSONDict] = []
        self._updates: list[JSONDict] = []  # queued, not yet confirmed by an offset
        self._withheld: list[JSONDict] = []  # group messages privacy mode kept from the bot
        self._messages: dict[tuple[int, int], JSONDict] = {}
        self._last_message_id: dict[int, int] = {}
        self._chats: dict[int, JSONDict] = {}
        self._users: dict[int, JSONDict] = {}
        self._admins: dict[int, dict[int, str]] = {}  # chat id -> user id -> status
        self._migrated: dict[int, int] = {}  # old group id -> supergroup id
        self._bot_out: dict[int, str] = {}  # chat id -> "left" | "kicked": the bot is not there
        self._files: dict[str, _StoredFile] = {}
        self._files_by_path: dict[str, _StoredFile] = {}
        self._callback_queries: set[str] = set()
        self._commands: dict[tuple[str, str], list[JSONDict]] = {}
        self._faults: dict[str, list[_Fault]] = {}
        self._latency = 0.0
        self._webhook_url = ""
        self._update_ids = itertools.count(1)
        self._file_numbers = itertools.count(1)
        self._query_numbers = itertools.count(1)
        self._poll_generation = 0

        # Owned by the server thread once started.
        self._loop: asyncio.AbstractEventLoop | None = None
        self._update_event: asyncio.Event | None = None
        self._stopping: asyncio.Event | None = None
        self._closing = False
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None
        self._port: int | None = None
        self._startup_error: BaseException | None = None

        self._handlers: dict[str, Callable[[JSONDict, dict[str, _Upload]], Any]] = {
            "getme": self._get_me,
            "logout": self._true,
            "close": self._true,
            "deletewebhook": self._delete_webhook,
            "setwebhook": self._set_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
            "sendmessage": self._send_message,
            "sendphoto": self._send_photo,
            "senddocument": self._send_document,
            "editmessagetext": self._edit_message_text,
            "editmessagecaption": self._edit_message_caption,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "answercallbackquery": self._answer_callback_query,
            "getfile": self._get_file,
            "sendchataction": self._send_chat_action,
            "deletemessage": self._delete_message,
            "getchat": self._get_chat,
            "getchatmember": self._get_chat_member,
            "getchatadministrators": self._get_chat_administrators,
            "setchatmenubutton": self._true,
            "setmydescription": self._true,
            "setmyshortdescription": self._true,
            "setmyname": self._true,
            "setmydefaultadministratorrights": self._true,
        }

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        """Bind 127.0.0.1 on a free port and serve from a daemon thread."""
        if self._thread is not None:
            raise RuntimeError("the stand-in is already running")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self._sock = sock
        self._port = sock.getsockname()[1]
        self._closing = False
        self._startup_error = None
        ready = threading.Event()
        self._thread = threading.Thread(
            target=lambda: asyncio.run(self._serve(sock, ready)),
            name=f"botapi-standin-{self._port}",
            daemon=True,
        )
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the Bot API stand-in did not start within 10 s")
        if self._startup_error is not None:
            self.stop()
            raise RuntimeError("the Bot API stand-in failed to start") from self._startup_error

    def stop(self) -> None:
        """Stop serving: waiting long polls return at once, connections are closed."""
        thread, loop = self._thread, self._loop
        if thread is None:
            return
        if loop is not None and thread.is_alive():
            with contextlib.suppress(RuntimeError):  # the loop already closed
                loop.call_soon_threadsafe(self._begin_stop)
        thread.join(15)
        if thread.is_alive():
            raise RuntimeError("the Bot API stand-in did not stop within 15 s")
        self._thread = None
        self._loop = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("start() the stand-in first")
        return self._port

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)``: PTB appends the token."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def file_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url(...)``: PTB appends the token."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    async def _serve(self, sock: socket.socket, ready: threading.Event) -> None:
        try:
            self._loop = asyncio.get_running_loop()
            self._update_event = asyncio.Event()
            self._stopping = asyncio.Event()
            app = web.Application(client_max_size=64 * 1024 * 1024)
            app.router.add_route("*", "/{tail:.*}", self._handle)
            runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
            await runner.setup()
        except BaseException as exc:
            self._startup_error = exc
            ready.set()
            return
        try:
            await web.SockSite(runner, sock).start()
        except BaseException as exc:
            self._startup_error = exc
            ready.set()
            await runner.cleanup()
            return
        ready.set()
        try:
            await self._stopping.wait()
        finally:
            await runner.cleanup()

    def _begin_stop(self) -> None:
        self._closing = True
        self._set_update_event()
        if self._stopping is not None:
            self._stopping.set()

    def _set_update_event(self) -> None:
        """Wake every waiting getUpdates (runs on the server loop)."""
        event = self._update_event
        if event is not None:
            self._update_event = asyncio.Event()
            event.set()

    def _wake_pollers(self) -> None:
        loop = self._loop
        if loop is None:
            return
        with contextlib.suppress(RuntimeError):  # the server stopped meanwhile
            loop.call_soon_threadsafe(self._set_update_event)

    # ------------------------------------------------------------------ acting as users

    def send_text(
        self, chat: Chat, user: User, text: str, reply_to_message_id: int | None = None
    ) -> JSONDict:
        """``user`` writes ``text`` in ``chat``; commands get ``bot_command`` entities."""
        content: JSONDict = {"text": text}
        entities = _command_entities(text)
        if entities:
            content["entities"] = entities
        return self._post_user_message(chat, user, content, reply_to_message_id)

    def send_document(
        self,
        chat: Chat,
        user: User,
        file_name: str,
        content: bytes,
        mime_type: str = "application/pdf",
        caption: str | None = None,
        reply_to_message_id: int | None = None,
        state_size: bool = True,
    ) -> JSONDict:
        """``user`` sends a file; the bot can fetch it with getFile and download it (up to
        20 MB, as from Telegram). With ``state_size=False`` the update omits ``file_size``."""
        with self._lock:
            stored = self._store_file(content, file_name, mime_type, "documents")
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": len(content),
        }
        if not state_size:
            del document["file_size"]
        return self._post_user_message(
            chat, user, {"document": document, **self._caption(caption)}, reply_to_message_id
        )

    def send_photo(
        self,
        chat: Chat,
        user: User,
        content: bytes,
        caption: str | None = None,
        reply_to_message_id: int | None = None,
    ) -> JSONDict:
        """``user`` sends a photo (two sizes, the largest last, both serving ``content``)."""
        with self._lock:
            sizes = self._photo_sizes(content, None)
        return self._post_user_message(
            chat, user, {"photo": sizes, **self._caption(caption)}, reply_to_message_id
        )

    def press_button(
        self, chat: Chat, user: User, message_id: int, data: str, *, check: bool = True
    ) -> JSONDict:
        """``user`` presses the inline button carrying ``data`` on the bot's message.

        With ``check`` (the default) the message must currently show such a button.
        """
        with self._lock:
            message = self._messages.get((chat.id, message_id))
            if message is None:
                raise AssertionError(f"no message {message_id} in chat {chat.id}")
            if message.get("from", {}).get("id") != self.bot_id:
                raise AssertionError(f"message {message_id} in chat {chat.id} is not the bot's")
            if check:
                rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
                datas = [button.get("callback_data") for row in rows for button in row]
                if data not in datas:
                    raise AssertionError(
                        f"message {message_id} has no button with callback_data {data!r}; "
                        f"its buttons carry {datas!r}"
                    )
            self._remember(chat, user)
            query_id = f"{self.bot_id}{next(self._query_numbers):010d}"
            self._callback_queries.add(query_id)
            update = {
                "update_id": next(self._update_ids),
                "callback_query": {
                    "id": query_id,
                    "from": user.to_api(),
                    "message": copy.deepcopy(message),
                    "chat_instance": str(-7_000_000_000_000_000 - chat.id),
                    "data": data,
                },
            }
            self._updates.append(update)
            result = copy.deepcopy(update)
        self._wake_pollers()
        return result

    def set_chat_admin(self, chat_id: int, user_id: int, status: str = "administrator") -> None:
        """Make ``user_id`` an administrator (or ``status="creator"``) of ``chat_id``.

        Making the bot itself (``api.bot_id``) an administrator lifts privacy mode in that chat.
        """
        if status not in ("administrator", "creator"):
            raise ValueError("status is 'administrator' or 'creator'")
        with self._lock:
            self._admins.setdefault(chat_id, {})[user_id] = status

    def migrate_group(self, chat: Chat, user: User, supergroup_id: int) -> Chat:
        """``user`` upgrades the group ``chat`` to a supergroup, as Telegram does it: a service
        message with ``migrate_to_chat_id`` in the old group, one with ``migrate_from_chat_id``
        in the new supergroup (service messages reach the bot whatever its privacy mode), and
        from then on sends to the old id fail with 400 and ``migrate_to_chat_id``."""
        if chat.type != "group":
            raise ValueError("only a basic group can be upgraded to a supergroup")
        supergroup = Chat(id=supergroup_id, type="supergroup", title=chat.title)
        with self._lock:
            self._migrated[chat.id] = supergroup_id
            self._remember(chat, user)
            self._remember(supergroup, user)
            for where, content in (
                (chat, {"migrate_to_chat_id": supergroup_id}),
                (supergroup, {"migrate_from_chat_id": chat.id}),
            ):
                message = {
                    "message_id": self._next_message_id(where.id),
                    "from": user.to_api(),
                    "chat": where.to_api(),
                    "date": int(time.time()),
                    **content,
                }
                self._messages[(where.id, message["message_id"])] = message
                self._updates.append({"update_id": next(self._update_ids), "message": message})
        self._wake_pollers()
        return supergroup

    def remove_bot(self, chat: Chat, user: User, status: str = "kicked") -> JSONDict:
        """``user`` removes the bot from ``chat`` (``status`` "kicked") or the bot is made to
        leave (``"left"``): a ``my_chat_member`` update; from then on the bot receives nothing
        from the chat and sends there fail with 403."""
        if status not in ("kicked", "left"):
            raise ValueError("status is 'kicked' or 'left'")
        with self._lock:
            self._bot_out[chat.id] = status
            update = self._member_update(chat, user, "member", status)
        self._wake_pollers()
        return update

    def add_bot(self, chat: Chat, user: User) -> JSONDict:
        """``user`` adds the bot (back) to ``chat``: a ``my_chat_member`` update."""
        with self._lock:
            old = self._bot_out.pop(chat.id, "left")
            update = self._member_update(chat, user, old, "member")
        self._wake_pollers()
        return update

    def _member_update(self, chat: Chat, user: User, old: str, new: str) -> JSONDict:
        """Queue a ``my_chat_member`` update (called with the lock held)."""
        self._remember(chat, user)

        def member(status: str) -> JSONDict:
            extra = {"until_date": 0} if status == "kicked" else {}
            return {"status": status, "user": self._bot_user(), **extra}

        update = {
            "update_id": next(self._update_ids),
            "my_chat_member": {
                "chat": chat.to_api(),
                "from": user.to_api(),
                "date": int(time.time()),
                "old_chat_member": member(old),
                "new_chat_member": member(new),
            },
        }
        self._updates.append(update)
        return copy.deepcopy(update)

    def _caption(self, caption: str | None) -> JSONDict:
        if caption is None:
            return {}
        content: JSONDict = {"caption": caption}
        entities = _command_entities(caption)
        if entities:
            content["caption_entities"] = entities
        return content

    def _remember(self, chat: Chat, user: User) -> None:
        self._chats[chat.id] = chat.to_api()
        self._users[user.id] = user.to_api()

    def _post_user_message(
        self, chat: Chat, user: User, content: JSONDict, reply_to_message_id: int | None
    ) -> JSONDict:
        with self._lock:
            self._remember(chat, user)
            message: JSONDict = {
                "message_id": self._next_message_id(chat.id),
                "from": user.to_api(),
                "chat": chat.to_api(),
                "date": int(time.time()),
                **content,
            }
            if reply_to_message_id is not None:
                replied = self._messages.get((chat.id, reply_to_message_id))
                if replied is None:
                    raise AssertionError(f"no message {reply_to_message_id} in chat {chat.id}")
                message["reply_to_message"] = _without_reply(replied)
            self._messages[(chat.id, message["message_id"])] = message
            update = {"update_id": next(self._update_ids), "message": message}
            delivered = self._reaches_bot(chat, message)
            (self._updates if delivered else self._withheld).append(update)
            result = copy.deepcopy(update)
        if delivered:
            self._wake_pollers()
        return result

    def _reaches_bot(self, chat: Chat, message: JSONDict) -> bool:
        """Privacy mode: which group messages Telegram hands to the bot."""
        if chat.id in self._bot_out or chat.id in self._migrated:
            return False  # the bot is not in the chat (any more)
        if chat.type == "private" or not self.privacy_mode:
            return True
        if self.bot_id in self._admins.get(chat.id, {}):
            return True
        replied = message.get("reply_to_message")
        if replied is not None and replied.get("from", {}).get("id") == self.bot_id:
            return True
        text = _message_text(message)
        suffix = f"@{self.bot_username}".lower()
        for entity in _message_entities(message):
            if entity["type"] != "bot_command":
                continue
            command = text.encode("utf-16-le")[
                2 * entity["offset"] : 2 * (entity["offset"] + entity["length"])
            ].decode("utf-16-le")
            if command.lower().endswith(suffix) or (entity["offset"] == 0 and "@" not in command):
                return True
        return re.search(rf"(?<!\w){re.escape(suffix)}(?!\w)", text.lower()) is not None

    # ------------------------------------------------------------------ reading what happened

    @property
    def calls(self) -> list[tuple[str, JSONDict]]:
        """Every API call received (method name as sent, decoded parameters), failed ones too."""
        with self._lock:
            return copy.deepcopy(self._calls)

    def timed_calls(self, method: str | None = None) -> list[tuple[float, str, JSONDict]]:
        """(time.time() at receipt, method, parameters) of every call, or of ``method``'s.

        Several bot processes may share one stand-in (each gets ``base_url``): the times show
        how all of them together paced their calls."""
        with self._lock:
            return [
                (at, name, copy.deepcopy(params))
                for at, (name, params) in zip(self._call_times, self._calls, strict=True)
                if method is None or name.lower() == method.lower()
            ]

    def calls_of(self, method: str) -> list[JSONDict]:
        """The parameters of every call of ``method`` (case-insensitive)."""
        return [params for name, params in self.calls if name.lower() == method.lower()]

    @property
    def failures(self) -> list[tuple[str, JSONDict, int]]:
        """Calls answered by ``fail_next``: (method, parameters, HTTP status)."""
        with self._lock:
            return copy.deepcopy(self._failures)

    @property
    def unknown_methods(self) -> list[str]:
        """Methods the stand-in does not implement that the bot called (answered with 404)."""
        with self._lock:
            return list(self._unknown_methods)

    def sent(self, chat_id: int | None = None) -> list[JSONDict]:
        """Every message the bot sent (sendMessage/sendPhoto/sendDocument), oldest first.

        Each is a dict with ``method``, ``chat_id``, ``message_id``, ``text`` (as the bot sent
        it, markup included), ``caption``, ``parse_mode``, ``reply_markup`` (decoded),
        ``reply_to_message_id``, ``content``/``file_name``/``mime_type`` for uploads (else
        None), ``params`` (all decoded parameters) and ``message`` (the Message returned).
        """
        with self._lock:
            return [
                copy.deepcopy(entry)
                for entry in self._sent
                if chat_id is None or entry["chat_id"] == chat_id
            ]

    def edits(self, chat_id: int | None = None) -> list[JSONDict]:
        """Every successful editMessageText/Caption/ReplyMarkup: ``method``, ``chat_id``,
        ``message_id``, ``text``, ``caption``, ``parse_mode``, ``reply_markup``, ``message``."""
        with self._lock:
            return [
                copy.deepcopy(entry)
                for entry in self._edits
                if chat_id is None or entry["chat_id"] == chat_id
            ]

    def message(self, chat_id: int, message_id: int) -> JSONDict:
        """A message as it is now (after edits), by anyone in the chat."""
        with self._lock:
            found = self._messages.get((chat_id, message_id))
            if found is None:
                raise KeyError((chat_id, message_id))
            return copy.deepcopy(found)

    @property
    def deleted(self) -> list[tuple[int, int]]:
        """(chat_id, message_id) of every message the bot deleted."""
        with self._lock:
            return list(self._deleted)

    @property
    def callback_answers(self) -> list[JSONDict]:
        """The parameters of every answerCallbackQuery."""
        with self._lock:
            return copy.deepcopy(self._callback_answers)

    def pending_updates(self) -> list[JSONDict]:
        """Updates queued and not yet confirmed by the bot."""
        with self._lock:
            return copy.deepcopy(self._updates)

    def withheld_updates(self) -> list[JSONDict]:
        """Group messages that privacy mode kept from the bot."""
        with self._lock:
            return copy.deepcopy(self._withheld)

    def wait_for(self, predicate: Callable[[JSONDict], bool], timeout: float = 10.0) -> JSONDict:
        """The first sent message matching ``predicate``, waiting up to ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            for entry in self.sent():
                if predicate(entry):
                    return entry
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"no message the bot sent matched within {timeout} s; it sent:\n"
                    + self.describe_sent()
                )
            time.sleep(0.02)

    def wait_for_reply(self, chat_id: int, timeout: float = 10.0, after: int = 0) -> JSONDict:
        """The message the bot sent to ``chat_id`` after the first ``after`` ones there.

        Typical use: ``n = len(api.sent(chat.id)); api.send_text(...);
        api.wait_for_reply(chat.id, after=n)``.
        """
        deadline = time.monotonic() + timeout
        while True:
            entries = self.sent(chat_id)
            if len(entries) > after:
                return entries[after]
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"the bot sent no message #{after + 1} to chat {chat_id} within {timeout} s; "
                    f"it sent:\n" + self.describe_sent()
                )
            time.sleep(0.02)

    def wait_for_call(
        self,
        method: str,
        predicate: Callable[[JSONDict], bool] | None = None,
        timeout: float = 10.0,
    ) -> JSONDict:
        """The parameters of the first call of ``method`` matching ``predicate``."""
        deadline = time.monotonic() + timeout
        while True:
            for params in self.calls_of(method):
                if predicate is None or predicate(params):
                    return params
            if time.monotonic() >= deadline:
                methods = [name for name, _ in self.calls]
                raise AssertionError(
                    f"no matching {method} call within {timeout} s; calls: {methods}"
                )
            time.sleep(0.02)

    def wait_until_confirmed(self, timeout: float = 10.0) -> None:
        """Wait until the bot has confirmed (via the getUpdates offset) every queued update."""
        deadline = time.monotonic() + timeout
        while self.pending_updates():
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"the bot did not confirm updates within {timeout} s: "
                    f"{[u['update_id'] for u in self.pending_updates()]}"
                )
            time.sleep(0.02)

    def describe_sent(self) -> str:
        """One line per message the bot sent, for assertion messages."""
        lines = []
        for entry in self.sent():
            body = entry["text"] if entry["text"] is not None else entry["caption"]
            extra = f" [{entry['file_name']}]" if entry["file_name"] else ""
            lines.append(
                f"  {entry['method']} chat={entry['chat_id']} id={entry['message_id']}"
                f"{extra}: {body!r}"
            )
        return "\n".join(lines) or "  (nothing)"

    # ------------------------------------------------------------------ fault injection

    def fail_next(
        self,
        method: str,
        status: int,
        *,
        retry_after: int | None = None,
        count: int = 1,
        description: str | None = None,
    ) -> None:
        """Answer the next ``count`` calls of ``method`` with HTTP ``status``.

        429 carries ``parameters.retry_after`` (1 unless given); 502 is an nginx HTML page;
        400/403/409/... carry the Bot API error body (400: chat not found, 403: bot was blocked
        by the user, unless ``description`` says otherwise). Failed calls deliver nothing.
        """
        if status == 429 and retry_after is None:
            retry_after = 1
        fault = _Fault(status=status, retry_after=retry_after, description=description)
        with self._lock:
            self._faults.setdefault(method.lower(), []).extend([fault] * count)

    def set_latency(self, seconds: float) -> None:
        """Delay the answer to every send method by ``seconds``.

        The message is delivered first (it shows in ``sent()`` at once) and the answer comes
        late, as when Telegram accepted a message but the response was slow.
        """
        with self._lock:
            self._latency = seconds

    # ------------------------------------------------------------------ HTTP

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        if path.startswith("/file/bot"):
            return self._serve_file(path.removeprefix("/file/bot"))
        if not path.startswith("/bot"):
            return _error_response(404, "Not Found")
        arrived = time.time()  # before any waiting (reading the body, the lock)
        token, _, method = path.removeprefix("/bot").partition("/")
        if token != self.token:
            return _error_response(401, "Unauthorized")
        if not method or "/" in method:
            return _error_response(404, "Not Found")
        try:
            params, files = await self._read_params(request)
        except _ApiError as error:
            return _error_response(error.status, error.description)

        recorded = dict(params)
        for part, upload in files.items():
            recorded.setdefault(part, f"<upload {upload.file_name} ({len(upload.content)} B)>")
        with self._lock:
            self._calls.append((method, recorded))
            self._call_times.append(arrived)
            queue = self._faults.get(method.lower())
            fault = queue.pop(0) if queue else None
            if fault is not None:
                self._failures.append((method, recorded, fault.status))
            latency = self._latency
        if fault is not None:
            return self._fault_response(fault)

        try:
            if method.lower() == "getupdates":
                result = await self._get_updates(params)
            else:
                handler = self._handlers.get(method.lower())
                if handler is None:
                    with self._lock:
                        self._unknown_methods.append(method)
                    return _error_response(404, "Not Found: method not found")
                with self._lock:
                    result = handler(params, files)
        except _ApiError as error:
            return _error_response(error.status, error.description, error.parameters)
        if latency > 0 and method.lower() in _SEND_METHODS:
            await asyncio.sleep(latency)
        return web.json_response({"ok": True, "result": result})

    async def _read_params(self, request: web.Request) -> tuple[JSONDict, dict[str, _Upload]]:
        raw: JSONDict = dict(request.query)
        files: dict[str, _Upload] = {}
        if request.body_exists:
            if request.content_type == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    raise _ApiError(400, "Bad Request: can't parse JSON") from None
                if not isinstance(body, dict):
                    raise _ApiError(400, "Bad Request: JSON object expected")
                raw.update(body)
            elif request.content_type in (
                "application/x-www-form-urlencoded",
                "multipart/form-data",
            ):
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        with value.file as handle:
                            content = handle.read()
                        files[key] = _Upload(value.filename or None, content, value.content_type)
                    else:
                        raw[key] = value
        return {key: _decode_param(key, value) for key, value in raw.items()}, files

    def _fault_response(self, fault: _Fault) -> web.Response:
        if fault.status == 502 and fault.description is None:
            return web.Response(status=502, text=_BAD_GATEWAY_BODY, content_type="text/html")
        if fault.status == 429:
            description = fault.description or f"Too Many Requests: retry after {fault.retry_after}"
            return _error_response(429, description, {"retry_after": fault.retry_after})
        return _error_response(fault.status, fault.description or _describe_status(fault.status))

    def _serve_file(self, rest: str) -> web.Response:
        token, _, file_path = rest.partition("/")
        if token != self.token:
            return _error_response(401, "Unauthorized")
        with self._lock:
            stored = self._files_by_path.get(file_path)
        if stored is None:
            return _error_response(404, "Not Found")
        return web.Response(body=stored.content, content_type="application/octet-stream")

    # ------------------------------------------------------------------ state helpers
    # (called with self._lock held)

    def _bot_user(self) -> JSONDict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def _next_message_id(self, chat_id: int) -> int:
        self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
        return self._last_message_id[chat_id]

    def _chat_id(self, params: JSONDict) -> int:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise _ApiError(400, "Bad Request: chat_id is empty")
        chat_id = _as_int(raw)
        if chat_id is None or chat_id == 0:
            raise _ApiError(400, "Bad Request: chat not found")
        return chat_id

    def _chat(self, chat_id: int) -> JSONDict:
        """The chat object; chats no user has written in yet are made up (private for positive
        ids, group for negative ones), so reminders can go to users the test only seeded."""
        known = self._chats.get(chat_id)
        if known is not None:
            return copy.deepcopy(known)
        if chat_id > 0:
            user = self._users.get(chat_id, {})
            return {
                "id": chat_id,
                "type": "private",
                "first_name": user.get("first_name", f"User {chat_id}"),
            }
        return {"id": chat_id, "type": "group", "title": f"Group {chat_id}"}

    def _user(self, user_id: int) -> JSONDict:
        if user_id == self.bot_id:
            return self._bot_user()
        return copy.deepcopy(
            self._users.get(
                user_id, {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}
            )
        )

    def _message_ref(self, params: JSONDict, verb: str) -> tuple[int, int, JSONDict]:
        chat_id = self._chat_id(params)
        message_id = _as_int(params.get("message_id"))
        if message_id is None:
            raise _ApiError(400, "Bad Request: message identifier is not specified")
        message = self._messages.get((chat_id, message_id))
        if message is None:
            raise _ApiError(400, f"Bad Request: message to {verb} not found")
        return chat_id, message_id, message

    def _reply_target(self, chat_id: int, params: JSONDict) -> JSONDict | None:
        reply = params.get("reply_parameters")
        allow_missing = bool(params.get("allow_sending_without_reply", False))
        message_id: int | None = None
        if isinstance(reply, dict):
            message_id = _as_int(reply.get("message_id"))
            allow_missing = bool(reply.get("allow_sending_without_reply", allow_missing))
            chat_id = _as_int(reply.get("chat_id")) or chat_id
        elif params.get("reply_to_message_id") is not None:
            message_id = _as_int(params.get("reply_to_message_id"))
        if message_id is None:
            return None
        replied = self._messages.get((chat_id, message_id))
        if replied is None:
            if allow_missing:
                return None
            raise _ApiError(400, "Bad Request: message to be replied not found")
        return _without_reply(replied)

    def _reply_markup(self, params: JSONDict) -> JSONDict | None:
        markup = params.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if "callback_data" not in button:
                    continue
                data = button["callback_data"]
                if not isinstance(data, str) or not 1 <= len(data.encode()) <= _MAX_CALLBACK_DATA:
                    raise _ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    def _store_file(
        self, content: bytes, file_name: str | None, mime_type: str | None, folder: str
    ) -> _StoredFile:
        number = next(self._file_numbers)
        suffix = PurePosixPath(file_name).suffix if file_name else ""
        if folder == "photos":
            suffix = ".jpg"
        stored = _StoredFile(
            file_id=f"{'AgAC' if folder == 'photos' else 'BQAC'}{self.bot_id}-{number:06d}",
            file_unique_id=f"AQAD{number:06d}",
            file_path=f"{folder}/file_{number}{suffix}",
            file_name=file_name,
            mime_type=mime_type,
            content=content,
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    def _photo_sizes(self, content: bytes, file_name: str | None) -> list[JSONDict]:
        sizes = []
        for width, height in ((90, 68), (800, 600)):
            stored = self._store_file(content, file_name, "image/jpeg", "photos")
            sizes.append(
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "file_size": len(content),
                    "width": width,
                    "height": height,
                }
            )
        return sizes

    def _input_file(self, name: str, params: JSONDict, files: dict[str, _Upload]) -> _Upload:
        """The file a send method carries: uploaded, ``attach://``, a known file_id or a URL."""
        if name in files:
            return files[name]
        value = params.get(name)
        if not isinstance(value, str) or not value:
            raise _ApiError(400, f"Bad Request: there is no {name} in the request")
        if value.startswith("attach://") and value.removeprefix("attach://") in files:
            return files[value.removeprefix("attach://")]
        known = self._files.get(value)
        if known is not None:
            return _Upload(known.file_name, known.content, known.mime_type)
        if value.startswith(("http://", "https://")):
            return _Upload(value.rsplit("/", 1)[-1] or None, b"", None)
        raise _ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    def _caption_content(self, params: JSONDict) -> JSONDict:
        caption = params.get("caption")
        if caption is None or caption == "":
            return {}
        rendered = _render(str(caption), params.get("parse_mode"))
        if _utf16_len(rendered) > _MAX_CAPTION:
            raise _ApiError(400, "Bad Request: message caption is too long")
        return {"caption": rendered}

    def _deliver(
        self,
        method: str,
        params: JSONDict,
        content: JSONDict,
        upload: _Upload | None = None,
    ) -> JSONDict:
        """Store a message from the bot, record it in ``sent`` and return the Message."""
        chat_id = self._chat_id(params)
        if chat_id in self._migrated:
            raise _ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": self._migrated[chat_id]},
            )
        if chat_id in self._bot_out:
            if self._bot_out[chat_id] == "kicked":
                raise _ApiError(403, "Forbidden: bot was kicked from the group chat")
            raise _ApiError(403, "Forbidden: bot is not a member of the group chat")
        replied = self._reply_target(chat_id, params)
        markup = self._reply_markup(params)
        message: JSONDict = {
            "message_id": self._next_message_id(chat_id),
            "from": self._bot_user(),
            "chat": self._chat(chat_id),
            "date": int(time.time()),
            **content,
        }
        if replied is not None:
            message["reply_to_message"] = replied
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup  # only inline keyboards are echoed on a Message
        self._messages[(chat_id, message["message_id"])] = message
        self._sent.append(
            {
                "method": method,
                "chat_id": chat_id,
                "message_id": message["message_id"],
                "text": params.get("text"),
                "caption": params.get("caption"),
                "parse_mode": params.get("parse_mode"),
                "reply_markup": markup,
                "reply_to_message_id": replied["message_id"] if replied else None,
                "content": upload.content if upload else None,
                "file_name": upload.file_name if upload else None,
                "mime_type": upload.mime_type if upload else None,
                "params": copy.deepcopy(params),
                "message": copy.deepcopy(message),
            }
        )
        return copy.deepcopy(message)

    # ------------------------------------------------------------------ methods
    # (synchronous handlers run with self._lock held, on the server thread)

    def _true(self, params: JSONDict, files: dict[str, _Upload]) -> bool:
        return True

    def _get_me(self, params: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": not self.privacy_mode,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        offset = _as_int(params.get("offset"))
        limit = min(max(_as_int(params.get("limit")) or 100, 1), 100)
        timeout = params.get("timeout") or 0
        if not isinstance(timeout, int | float) or isinstance(timeout, bool):
            raise _ApiError(400, "Bad Request: wrong timeout specified")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(float(timeout), 0.0)
        with self._lock:
            if self._webhook_url:
                raise _ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first",
                )
            if offset is not None and offset < 0:
                self._updates = self._updates[offset:]
            elif offset is not None:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            self._poll_generation += 1
            generation = self._poll_generation
        self._set_update_event()  # an older waiting getUpdates ends with 409
        while True:
            event = self._update_event
            with self._lock:
                if generation != self._poll_generation:
                    raise _ApiError(409, _DEFAULT_FAULT_DESCRIPTIONS[409])
                batch = copy.deepcopy(self._updates[:limit])
            remaining = deadline - loop.time()
            if batch or self._closing or remaining <= 0 or event is None:
                return batch
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    def _delete_webhook(self, params: JSONDict, files: dict[str, _Upload]) -> bool:
        self._webhook_url = ""
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _set_webhook(self, params: JSONDict, files: dict[str, _Upload]) -> bool:
        self._webhook_url = str(params.get("url") or "")
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _get_webhook_info(self, params: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        return {
            "url": self._webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    @staticmethod
    def _commands_key(params: JSONDict) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    def _set_my_commands(self, params: JSONDict, files: dict[str, _Upload]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _ApiError(400, "Bad Request: can't parse commands JSON object")
        for command in commands:
            if not isinstance(command, dict) or not _COMMAND_NAME.fullmatch(
                str(command.get("command", ""))
            ):
                raise _ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise _ApiError(400, "Bad Request: command description is empty or too long")
        self._commands[self._commands_key(params)] = commands
        return True

    def _get_my_commands(self, params: JSONDict, files: dict[str, _Upload]) -> list[JSONDict]:
        return copy.deepcopy(self._commands.get(self._commands_key(params), []))

    def _delete_my_commands(self, params: JSONDict, files: dict[str, _Upload]) -> bool:
        self._commands.pop(self._commands_key(params), None)
        return True

    def _send_message(self, params: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        rendered = _render(text, params.get("parse_mode"))
        if not rendered.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if _utf16_len(rendered) > _MAX_TEXT:
            raise _ApiError(400, "Bad Request: message is too long")
        return self._deliver("sendMessage", params, {"text": rendered})

    def _send_photo(self, params: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        caption = self._caption_content(params)
        upload = self._input_file("photo", params, files)
        sizes = self._photo_sizes(upload.content, upload.file_name)
        return self._deliver("sendPhoto", params, {"photo": sizes, **caption}, upload)

    def _send_document(self, params: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        caption = self._caption_content(params)
        upload = self._input_file("document", params, files)
        mime_type = upload.mime_type or "application/octet-stream"
        stored = self._store_file(upload.content, upload.file_name, mime_type, "documents")
        document: JSONDict = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "mime_type": mime_type,
            "file_size": len(upload.content),
        }
        if upload.file_name:
            document["file_name"] = upload.file_name
        return self._deliver("sendDocument", params, {"document": document, **caption}, upload)

    def _edit_target(self, params: JSONDict) -> JSONDict:
        _, _, message = self._message_ref(params, "edit")
        if message.get("from", {}).get("id") != self.bot_id:
            raise _ApiError(400, "Bad Request: message can't be edited")
        return message

    def _edit(self, method: str, params: JSONDict, change: Callable[[JSONDict], None]) -> JSONDict:
        """Apply ``change`` to a copy of the bot's message; store it unless nothing changed."""
        message = self._edit_target(params)
        edited = copy.deepcopy(message)
        change(edited)
        markup = self._reply_markup(params)
        if markup is not None and markup.get("inline_keyboard"):
            edited["reply_markup"] = markup
        else:  # Telegram drops the inline keyboard when an edit does not repeat it
            edited.pop("reply_markup", None)
        if edited == message:
            raise _ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        edited["edit_date"] = int(time.time())
        self._messages[(edited["chat"]["id"], edited["message_id"])] = edited
        self._edits.append(
            {
                "method": method,
                "chat_id": edited["chat"]["id"],
                "message_id": edited["message_id"],
                "text": params.get("text"),
                "caption": params.get("caption"),
                "parse_mode": params.get("parse_mode"),
                "reply_markup": markup,
                "message": copy.deepcopy(edited),
            }
        )
        return copy.deepcopy(edited)

    def _edit_message_text(self, params: JSONDict, files: dict[str, _Upload]) -> JSONDict | bool:
        if params.get("inline_message_id"):
            return True
        if "text" not in self._edit_target(params):
            raise _ApiError(400, "Bad Request: there is no text in the message to edit")
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        rendered = _render(text, params.get("parse_mode"))
        if _utf16_len(rendered) > _MAX_TEXT:
            raise _ApiError(400, "Bad Request: message is too long")
        return self._edit("editMessageText", params, lambda m: m.update(text=rendered))

    def _edit_message_caption(self, params: JSONDict, files: dict[str, _Upload]) -> JSONDict | bool:
        if params.get("inline_message_id"):
            return True
        target = self._edit_target(params)
        if "photo" not in target and "document" not in target:
            raise _ApiError(400, "Bad Request: there is no caption in the message to edit")
        caption = self._caption_content(params)

        def change(message: JSONDict) -> None:
            message.pop("caption", None)
            message.update(caption)

        return self._edit("editMessageCaption", params, change)

    def _edit_message_reply_markup(
        self, params: JSONDict, files: dict[str, _Upload]
    ) -> JSONDict | bool:
        if params.get("inline_message_id"):
            return True
        return self._edit("editMessageReplyMarkup", params, lambda m: None)

    def _answer_callback_query(self, params: JSONDict, files: dict[str, _Upload]) -> bool:
        if params.get("callback_query_id") not in self._callback_queries:
            raise _ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        self._callback_answers.append(copy.deepcopy(params))
        return True

    def _get_file(self, params: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        stored = self._files.get(str(params.get("file_id", "")))
        if stored is None:
            raise _ApiError(400, "Bad Request: invalid file_id")
        if len(stored.content) > _MAX_DOWNLOAD:
            raise _ApiError(400, "Bad Request: file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }

    def _send_chat_action(self, params: JSONDict, files: dict[str, _Upload]) -> bool:
        self._chat_id(params)
        if not params.get("action"):
            raise _ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    def _delete_message(self, params: JSONDict, files: dict[str, _Upload]) -> bool:
        chat_id, message_id, _ = self._message_ref(params, "delete")
        del self._messages[(chat_id, message_id)]
        self._deleted.append((chat_id, message_id))
        return True

    def _get_chat(self, params: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        return {
            **self._chat(self._chat_id(params)),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def _member(self, chat_id: int, user_id: int) -> JSONDict:
        status = self._admins.get(chat_id, {}).get(user_id, "member")
        member: JSONDict = {"status": status, "user": self._user(user_id)}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member.update(
                {"can_be_edited": False, "is_anonymous": False} | dict.fromkeys(_ADMIN_RIGHTS, True)
            )
        return member

    def _get_chat_member(self, params: JSONDict, files: dict[str, _Upload]) -> JSONDict:
        chat_id = self._chat_id(params)
        user_id = _as_int(params.get("user_id"))
        if user_id is None:
            raise _ApiError(400, "Bad Request: invalid user_id specified")
        return self._member(chat_id, user_id)

    def _get_chat_administrators(
        self, params: JSONDict, files: dict[str, _Upload]
    ) -> list[JSONDict]:
        chat_id = self._chat_id(params)
        return [self._member(chat_id, user_id) for user_id in self._admins.get(chat_id, {})]
