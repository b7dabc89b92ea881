"""Events: in-transaction subscribers commit or roll back with the change; after-commit
subscribers (waking the sender) run only once the change is committed."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import Outbox, RencanaAksi, StageDone
from services import catalog, events, members
from services.importer import import_plan
from services.outbox import enqueue, outbox_row
from services.progress import data_version

NOW = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)


@pytest.fixture
def woken() -> Iterator[list[object]]:
    seen: list[object] = []
    events.subscribe(events.OutboxQueued, seen.append, after_commit=True)
    events.subscribe(events.ChatLinked, seen.append, after_commit=True)
    yield seen
    events.unsubscribe(events.OutboxQueued, seen.append)
    events.unsubscribe(events.ChatLinked, seen.append)


def row(key: str) -> dict[str, object]:
    return outbox_row(key=key, kind="t", chat_id="1", day=NOW.date(), now=NOW, text="x")


def test_the_sender_is_woken_after_commit_never_on_rollback(
    sessions: sessionmaker[Session], woken: list[object]
) -> None:
    with sessions() as session:
        enqueue(session, [row("a"), row("b")])
        assert woken == []  # not before the commit: nothing to send yet
        session.commit()
    assert woken == [events.OutboxQueued(2)]

    with sessions() as session:
        enqueue(session, [row("c")])
        session.rollback()
        session.commit()  # a later commit does not deliver what was rolled back
    assert woken == [events.OutboxQueued(2)]

    with sessions.begin() as session:
        assert enqueue(session, [row("a")]) == 0  # known keys: nothing queued, nobody woken
    assert woken == [events.OutboxQueued(2)]


def test_the_same_key_enqueued_by_two_transactions_at_once_is_recorded_once(
    sessions: sessionmaker[Session], woken: list[object]
) -> None:
    """Two replicas (or two workers) enqueue one key at the same instant: each looked before
    the other inserted, so the second insert meets the first one's row. It records nothing
    and its transaction goes on, instead of failing on the unique key."""
    first = sessions()
    assert enqueue(first, [row("k"), row("k"), row("other")]) == 2  # a key twice: once
    outcome: list[int | BaseException] = []

    def second() -> None:
        try:
            with sessions.begin() as session:
                # What the second process saw before the first committed: the key was new.
                outcome.append(enqueue(session, [row("k"), row("later")]))
        except BaseException as exc:  # reported below, on the test's thread
            outcome.append(exc)

    thread = threading.Thread(target=second)
    thread.start()
    thread.join(0.5)  # it waits for the first transaction's lock on the key (or the file)
    first.commit()
    first.close()
    thread.join(30)
    assert outcome == [1]  # only "later" is new
    with sessions() as session:
        keys = sorted(session.scalars(select(Outbox.key)))
    assert keys == ["k", "later", "other"]


def test_progress_and_links_take_effect_in_the_same_transaction(
    sessions: sessionmaker[Session], woken: list[object]
) -> None:
    with sessions() as session:
        before = data_version(session)
    with sessions() as session:
        events.publish(session, events.ProgressChanged())
        assert data_version(session) == before + 1
        session.rollback()
    with sessions() as session:
        assert data_version(session) == before  # rolled back with the change
    with sessions.begin() as session:
        events.publish(session, events.PlanChanged())
    with sessions() as session:
        assert data_version(session) == before + 1

    with sessions.begin() as session:
        import_plan(session, catalog.sample_plan_path(), year=None, now=NOW, actor="test")
        item = session.scalars(select(RencanaAksi.id).limit(1)).one()
        session.add(StageDone(item_id=item, stage="h7", day=NOW.date()))
    with sessions.begin() as session:
        events.publish(session, events.ChatLinked("telegram", "-100"))
        assert session.scalars(select(StageDone)).all() == []  # every target looked at again
    assert woken == [events.ChatLinked("telegram", "-100")]


def test_a_group_that_moved_wakes_the_sender_for_what_waited(
    sessions: sessionmaker[Session], woken: list[object]
) -> None:
    with sessions.begin() as session:
        enqueue(session, [row("a"), row("b")])
    woken.clear()
    with sessions.begin() as session:
        members.move_chat(session, channel="telegram", old_chat_id="1", new_chat_id="-1001",
                          now=NOW)  # fmt: skip
        assert woken == []
    assert woken == [events.OutboxQueued(2)]  # no handler has to remember to kick the sweep
    with sessions.begin() as session:
        members.move_chat(session, channel="telegram", old_chat_id="7", new_chat_id="-1007",
                          now=NOW)  # fmt: skip
    assert woken == [events.OutboxQueued(2)]  # nothing waited: nobody woken
