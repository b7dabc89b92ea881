"""End-to-end fixtures: the real ``zibot`` process against the Bot API stand-in.

A ``Deployment`` is what an admin would set up on a server: a fresh database built with the
real command line (``zibot init``, ``zibot import``, ``zibot invite``), then ``zibot run`` (long
polling) or ``zibot serve`` (webhook) as a child process whose Bot API is the stand-in. Tests
speak as Telegram users through the stand-in and read the database with SQLAlchemy.

Starting a deployment costs a few seconds (five CLI processes and the bot), so one is shared per
test module and per database backend: SQLite always, PostgreSQL too when
``ZIBOT_TEST_DATABASE_URL`` is set (each module gets a schema of its own, dropped afterwards).
Tests stay independent by using their own users, groups and items.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from models import make_engine, make_session_factory
from services import catalog

from .botapi import BotApiStandIn, Chat, JSONDict, User

if TYPE_CHECKING:
    from conftest import Databases

T = TypeVar("T")

PG_URL = os.environ.get("ZIBOT_TEST_DATABASE_URL", "")
BOT_USERNAME = "zibot_test_bot"
BADUNG = "5103"
PROVINCE = "51"
# Invite codes made by the fixture: (satker, role, how many). Tests take them from the pool.
INVITES = ((BADUNG, "agen", 16), (BADUNG, "pimpinan", 6), (PROVINCE, "admin", 2))
# Every zibot process reads "now" from a clock file (ZIBOT_CLOCK_FILE): a Friday in the
# middle of the sample plan, before the 08:00 reminder time, so that no reminder from the
# periodic sweep can slip in between a command and its answer.
FROZEN_NOW = "2026-11-27T07:00:00+08:00"
# Upper bounds only (a passing test never waits them out): generous, because CI runs two test
# workers, each with its bot processes, on two cores.
START_TIMEOUT = 60.0
REPLY_TIMEOUT = 20.0
LOG_TAIL_LINES = 200


def zibot_executable() -> str:
    """The ``zibot`` console script of the interpreter running the tests."""
    candidate = Path(sys.executable).with_name("zibot")
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return str(candidate)
    found = shutil.which("zibot")
    if found is None:
        pytest.fail("the zibot console script is not installed (pip install -e .)", pytrace=False)
    return found


def base_environment() -> dict[str, str]:
    """The test runner's environment without any ZIBOT_* setting (no stray configuration)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZIBOT_")}
    env.pop("FORCE_COLOR", None)
    env.pop("PTB_TIMEDELTA", None)  # the bot must set it itself
    env["NO_COLOR"] = "1"
    env["PYTHONUNBUFFERED"] = "1"
    return env


class Deployment:
    """One zibot installation: database, evidence folder, log file, the bot process."""

    def __init__(self, api: BotApiStandIn, database_url: str, home: Path) -> None:
        self.api = api
        self.database_url = database_url
        self.home = home
        self.evidence_dir = home / "bukti"
        self.log_path = home / "zibot.log"
        self.clock_file = home / "clock.txt"
        self.clock_file.write_text(FROZEN_NOW + "\n", encoding="utf-8")
        self.executable = zibot_executable()
        self.process: subprocess.Popen[bytes] | None = None
        self.command = "run"
        self.settings: dict[str, str] = {}
        self.starts = 0
        self._codes: dict[tuple[str, str], list[str]] = {}
        self._numbers = itertools.count(1)
        self._engine: Engine | None = None

    # ------------------------------------------------------------------ the command line

    def environment(self, **overrides: str) -> dict[str, str]:
        """What every zibot process gets: the test database, the stand-in, the evidence dir."""
        env = base_environment()
        env.update(
            ZIBOT_DATABASE_URL=self.database_url,
            ZIBOT_TELEGRAM_TOKEN=self.api.token,
            ZIBOT_TELEGRAM_API_URL=self.api.base_url,
            ZIBOT_TELEGRAM_FILE_URL=self.api.file_url,
            ZIBOT_EVIDENCE_DIR=str(self.evidence_dir),
            ZIBOT_CLOCK_FILE=str(self.clock_file),
        )
        env.update(overrides)
        return env

    def spawn(self, *args: str, **env: str) -> subprocess.Popen[str]:
        """Start ``zibot ARGS`` in the deployment's folder, output captured."""
        return subprocess.Popen(
            [self.executable, *args],
            cwd=self.home,
            env=self.environment(**env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    @staticmethod
    def finish(
        process: subprocess.Popen[str], *, check: bool = True, timeout: float = 60.0
    ) -> subprocess.CompletedProcess[str]:
        """Wait for a spawned command (killing it if it hangs) and collect its output."""
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            stdout, stderr = process.communicate()
            raise AssertionError(f"{process.args} hung:\n{stdout}{stderr}") from None
        result = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
        if check and result.returncode != 0:
            raise AssertionError(
                f"{' '.join(map(str, process.args))} exited with {result.returncode}:\n"
                f"{result.stdout}{result.stderr}"
            )
        return result

    def cli(self, *args: str, check: bool = True, **env: str) -> subprocess.CompletedProcess[str]:
        """Run ``zibot ARGS`` to completion."""
        return self.finish(self.spawn(*args, **env), check=check)

    def cli_together(
        self, *invocations: tuple[tuple[str, ...], dict[str, str]], check: bool = True
    ) -> list[subprocess.CompletedProcess[str]]:
        """Run independent ``zibot`` commands side by side (each costs a second of imports)."""
        processes = [self.spawn(*args, **env) for args, env in invocations]
        try:
            return [self.finish(process, check=check) for process in processes]
        finally:
            for process in processes:
                if process.poll() is None:
                    process.kill()
                    process.communicate()

    def prepare(self, invites: tuple[tuple[str, str, int], ...] = INVITES) -> None:
        """A fresh database the way an admin makes one, and a pool of invite codes."""
        self.cli("init")
        plan = (("import", str(catalog.sample_plan_path())), {})
        made = [
            (("invite", "--satker", satker, "--role", role, "--count", str(count)), {})
            for satker, role, count in invites
        ]
        _, *results = self.cli_together(plan, *made)
        for (satker, role, count), result in zip(invites, results, strict=True):
            codes = [line.split()[0] for line in result.stdout.splitlines()]
            assert len(codes) == count and all(codes), result.stdout
            self._codes.setdefault((satker, role), []).extend(codes)

    def invite(self, satker: str = BADUNG, role: str = "agen") -> str:
        """An unused invite code from the pool."""
        pool = self._codes.get((satker, role))
        if not pool:
            raise AssertionError(f"no invite code left for {role} of {satker}: raise INVITES")
        return pool.pop()

    # ------------------------------------------------------------------ the bot process

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, command: str | None = None, **settings: str) -> None:
        """Start ``zibot run`` (or ``serve``) with output appended to the log file.

        The command and extra settings are remembered, so a later ``start()`` restarts the same
        way.
        """
        if self.running:
            raise AssertionError("zibot is already running")
        if command is not None:
            self.command, self.settings = command, dict(settings)
        self.starts += 1
        with self.log_path.open("ab") as log:
            log.write(f"===== zibot {self.command} (start #{self.starts}) =====\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                [self.executable, self.command],
                cwd=self.home,
                env=self.environment(**self.settings),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def start_polling(self, **settings: str) -> None:
        """``zibot run``, returning once the bot long-polls the stand-in."""
        polls = len(self.api.calls_of("getUpdates"))
        self.start("run", **settings)
        self.wait_until(
            lambda: len(self.api.calls_of("getUpdates")) > polls,
            "poll the Bot API (getUpdates)",
            START_TIMEOUT,
        )

    def restart_polling(self) -> None:
        """Start the stopped bot again the way it was started before."""
        polls = len(self.api.calls_of("getUpdates"))
        self.start()
        self.wait_until(
            lambda: len(self.api.calls_of("getUpdates")) > polls,
            "poll the Bot API again (getUpdates)",
            START_TIMEOUT,
        )

    def stop(self, timeout: float = 15.0) -> int | None:
        """SIGTERM, wait, then SIGKILL: the exit code (None when nothing was running)."""
        process, self.process = self.process, None
        if process is None:
            return None
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout)
        return process.returncode

    def log_text(self) -> str:
        if not self.log_path.exists():
            return ""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        text = self.log_text().splitlines()
        skipped = f"[... {len(text) - lines} earlier lines in {self.log_path}]\n"
        return (skipped if len(text) > lines else "") + "\n".join(text[-lines:])

    def wait_until(
        self, condition: Callable[[], T | None], what: str, timeout: float = REPLY_TIMEOUT
    ) -> T:
        """Poll ``condition`` until it returns something truthy; fail at once if zibot died."""
        deadline = time.monotonic() + timeout
        while True:
            result = condition()
            if result:
                return result
            if self.process is not None and self.process.poll() is not None:
                raise AssertionError(
                    f"zibot exited with {self.process.returncode} before it did {what}; log:\n"
                    + self.log_tail()
                )
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"zibot did not {what} within {timeout} s; log:\n{self.log_tail()}\n"
                    f"messages it sent:\n{self.api.describe_sent()}"
                )
            time.sleep(0.02)

    # ------------------------------------------------------------------ speaking as users

    def new_user(self, first_name: str, last_name: str | None = None) -> User:
        """A Telegram user nobody has seen yet."""
        number = next(self._numbers)
        return User(700_000 + number, first_name, f"{first_name.lower()}{number}", last_name)

    def new_group(self, title: str) -> Chat:
        """A Telegram group the bot has not been in yet."""
        return Chat.group(-(900_000 + next(self._numbers)), title)

    def say(self, chat: Chat, user: User, text: str, *, reply_to: int | None = None) -> JSONDict:
        """``user`` writes ``text`` in ``chat``; the bot's next message there."""
        before = len(self.api.sent(chat.id))
        self.api.send_text(chat, user, text, reply_to_message_id=reply_to)
        return self.wait_for_message(chat.id, before)

    def wait_for_message(
        self, chat_id: int, after: int, timeout: float = REPLY_TIMEOUT
    ) -> JSONDict:
        """The bot's message to ``chat_id`` after the first ``after`` ones there."""

        def arrived() -> JSONDict | None:
            sent = self.api.sent(chat_id)
            return sent[after] if len(sent) > after else None

        return self.wait_until(arrived, f"send message #{after + 1} to chat {chat_id}", timeout)

    def wait_for_edit(self, chat_id: int, after: int, timeout: float = REPLY_TIMEOUT) -> JSONDict:
        """The bot's edit in ``chat_id`` after the first ``after`` ones there."""

        def arrived() -> JSONDict | None:
            edits = self.api.edits(chat_id)
            return edits[after] if len(edits) > after else None

        return self.wait_until(arrived, f"edit a message in chat {chat_id}", timeout)

    def register(self, role: str = "agen", satker: str = BADUNG, name: str = "Agen") -> User:
        """A new user registered by the bot with an invite code (``/daftar``)."""
        user = self.new_user(name)
        reply = self.say(Chat.private(user), user, f"/daftar {self.invite(satker, role)}")
        assert "<b>" in reply["text"] and satker_name(satker) in reply["text"], reply["text"]
        return user

    def linked_group(self, agen: User, satker: str = BADUNG, title: str = "Tim ZI") -> Chat:
        """A new group that ``agen`` linked to ``satker`` with ``/hubungkan``."""
        group = self.new_group(title)
        reply = self.say(group, agen, f"{command('hubungkan')} {satker}")
        assert f"({satker})" in reply["text"], reply["text"]
        return group

    # ------------------------------------------------------------------ the database

    @contextlib.contextmanager
    def db(self) -> Iterator[Session]:
        """A read session on the deployment's database (what the bot committed)."""
        if self._engine is None:
            self._engine = make_engine(self.database_url)
        with make_session_factory(self._engine)() as session:
            yield session

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def command(name: str) -> str:
    """A command addressed to the bot, as people type it in groups under privacy mode."""
    return f"/{name}@{BOT_USERNAME}"


def satker_name(code: str) -> str:
    """The name of a seeded Bali satker."""
    names = {
        BADUNG: "KPU Kabupaten Badung",
        PROVINCE: "KPU Provinsi Bali",
    }
    return names[code]


# ---------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def e2e_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, databases: Databases
) -> Iterator[str]:
    """An empty database per module and backend (PostgreSQL: a schema of its own).

    Like ``database_url`` in tests/conftest.py, but module-scoped so that one bot process can
    serve a whole module.
    """
    with databases.scratch(request.param, tmp_path_factory.mktemp("db"), "e2e") as url:
        yield url


@pytest.fixture(scope="module")
def deployment(
    e2e_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    """A prepared database, invite codes and a Bot API stand-in (privacy mode on) of its own;
    no bot process yet (the module starts one).

    Whatever bot process the module started is stopped on teardown: SIGTERM, then SIGKILL.
    """
    with BotApiStandIn(bot_username=BOT_USERNAME) as api:
        deployment = Deployment(api, e2e_database_url, tmp_path_factory.mktemp("zibot"))
        try:
            deployment.prepare()
            yield deployment
        finally:
            deployment.stop()
            deployment.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/e2e is marked ``e2e``: ``pytest -m "not e2e"`` runs the fast ones."""
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """On failure, attach the bot's log and what it sent to the report."""
    report = yield
    if report.failed:
        for argument in getattr(item, "funcargs", {}).values():
            value = getattr(argument, "deployment", argument)
            if isinstance(value, Deployment):
                report.sections.append((f"zibot log ({value.log_path})", value.log_tail()))
                report.sections.append(("messages the bot sent", value.api.describe_sent()))
                break
    return report
