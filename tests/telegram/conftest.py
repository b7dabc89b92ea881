"""Fixtures for the Telegram handler tests: the real application over an offline Bot API.

``tg`` builds the application with ``bot.app.build_application`` (the composition root, with
its settings, rate limiter, typed context, handlers and error handler) and only swaps the HTTP
layer, through its ``request`` parameter, for an ``OfflineRequest``. The application is
initialised and started (the JobQueue must run for the ``/bukti`` conversation timeout) on one
event loop per test (``asyncio.Runner``), and updates go through ``Application.process_update``.

``engine`` overrides the one in ``tests/conftest.py`` with the same thing, an empty database
migrated to the newest schema on SQLite and (when ``ZIBOT_TEST_DATABASE_URL`` is set)
PostgreSQL, but migrated once per session and emptied before each test: the migration costs
~0.4 s and the authorisation matrix alone has 132 cells per backend. ``sessions`` (seeding the
six areas and the Bali satkers) still comes from ``tests/conftest.py``.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from offline import NOW, TOKEN, BotHarness, OfflineRequest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

import bot.app
from bot.flood import SharedRateLimiter
from bot.runtime import Runtime
from bot.settings import Settings
from models import make_engine, upgrade_schema
from services.flood import Limit

if TYPE_CHECKING:
    from conftest import Databases

PG_URL = os.environ.get("ZIBOT_TEST_DATABASE_URL", "")


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def migrated_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, databases: Databases
) -> Iterator[Engine]:
    """One migrated database per backend for the whole session."""
    with databases.scratch(request.param, tmp_path_factory.mktemp("db"), "telegram") as url:
        engine = make_engine(url)
        try:
            upgrade_schema(engine)
            yield engine
        finally:
            engine.dispose()


@pytest.fixture
def engine(migrated_engine: Engine, databases: Databases) -> Engine:
    """An empty database at the newest schema (emptied here, migrated once per session)."""
    return databases.empty(migrated_engine)


@pytest.fixture
def evidence_dir(tmp_path: Path) -> Path:
    return tmp_path / "bukti"


@pytest.fixture
def settings(engine: Engine, evidence_dir: Path) -> Settings:
    return Settings.from_mapping(
        {
            "ZIBOT_DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "ZIBOT_TELEGRAM_TOKEN": TOKEN,
            "ZIBOT_EVIDENCE_DIR": str(evidence_dir),
        }
    )


class _Problems(logging.Handler):
    """Collects warnings and errors logged by the handlers and by python-telegram-bot."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def tg(
    engine: Engine,
    sessions: sessionmaker[Session],
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[BotHarness]:
    """The real application (``build_application``) started over an offline Bot API.

    After the test: the bot used no unknown Bot API method, Telegram refused none of its calls
    and nothing was logged at WARNING or above, unless the test set ``errors_expected``.
    """
    api = OfflineRequest(now=NOW)
    # Telegram's pace (a group gets 5 messages, then one every 4 s) is real time: a scripted
    # conversation in a group would wait seconds for each reply. The shared limiter still
    # reserves every slot in the database, with limits no test reaches; the pace itself is
    # tested in tests/integration/test_flood_db.py (with a clock) and the flood e2e tests.
    unpaced = Limit(interval=1e-6, burst=1_000_000)
    monkeypatch.setattr(
        bot.app,
        "flood_limiter",
        lambda sessions: SharedRateLimiter(sessions, overall=unpaced, group=unpaced),
    )
    runtime = Runtime(settings, engine, sessions, lambda: NOW)
    application = bot.app.build_application(runtime, request=api)
    # The reminder engine has tests of its own; here a background sweep (the clock says Friday
    # 09:00 WITA) would slip digests between a command and its reply.
    application.bot_data.engine = None
    # A scripted person answers faster than any real one: the per-user flood throttle would
    # silence long conversations. It has tests of its own (test_flood_handlers.py), which put
    # one back with a clock they move.
    application.bot_data.throttle = None
    problems = _Problems()
    loggers = [logging.getLogger(name) for name in ("handlers", "bot", "services", "telegram")]
    for logger in loggers:
        logger.addHandler(problems)
    try:
        with asyncio.Runner() as runner:
            runner.run(application.initialize())
            harness = BotHarness(application, api, runner)
            harness.rebuild = lambda: bot.app.build_application(runtime, request=api)
            try:
                runner.run(application.start())
                yield harness
                runner.run(harness.application.stop())
            finally:
                runner.run(harness.application.shutdown())
    finally:
        for logger in loggers:
            logger.removeHandler(problems)
    assert not api.unknown, f"unknown Bot API methods used: {api.unknown}"
    if not harness.errors_expected:
        assert not [(c.method, c.error) for c in api.failures()], "the Bot API refused calls"
        assert not [r.getMessage() for r in problems.records], "unexpected warnings/errors"
