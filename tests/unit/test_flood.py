"""Flood control without a database: the throttle policy, GCRA, and the per-chat processor."""

from __future__ import annotations

import asyncio
import itertools
import random
from typing import Any

import pytest
from telegram import Bot, Update

from bot.flood import ChatOrderedProcessor, chat_key, group_of, is_paced
from services import flood
from services.throttle import Throttle, Verdict, Window


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# ---------------------------------------------------------------------- the throttle policy


def test_a_person_at_human_speed_is_never_throttled() -> None:
    clock = FakeClock()
    throttle = Throttle(clock)
    # A double tap, then a whole conversation of quick answers, for ten minutes.
    verdicts = []
    for step in range(300):
        verdicts.append(throttle.hit(7))
        clock.now += 0.2 if step % 10 == 0 else 2.5
    assert set(verdicts) == {Verdict.PASS}


def test_a_flood_gets_one_notice_then_silence() -> None:
    clock = FakeClock()
    throttle = Throttle(clock)
    verdicts = []
    for _ in range(300):  # 300 commands in 10 s
        verdicts.append(throttle.hit(7))
        clock.now += 10 / 300
    assert verdicts[:10] == [Verdict.PASS] * 10
    assert verdicts[10] is Verdict.NOTICE
    assert set(verdicts[11:]) == {Verdict.DROP}


def test_others_are_not_affected_by_a_flood() -> None:
    clock = FakeClock()
    throttle = Throttle(clock)
    for _ in range(50):
        throttle.hit("flooder")
    assert throttle.hit("neighbour") is Verdict.PASS


def test_the_episode_ends_when_the_windows_calm_down() -> None:
    clock = FakeClock()
    throttle = Throttle(clock, (Window(3, 10.0), Window(5, 60.0)))
    assert [throttle.hit(1) for _ in range(5)] == [
        Verdict.PASS,
        Verdict.PASS,
        Verdict.PASS,
        Verdict.NOTICE,
        Verdict.DROP,
    ]
    clock.now += 11  # the short window is calm, the minute still holds 5 (dropped ones count)
    assert throttle.hit(1) is Verdict.DROP
    clock.now += 60
    assert throttle.hit(1) is Verdict.PASS
    # A new episode gets a new notice.
    assert [throttle.hit(1) for _ in range(3)] == [Verdict.PASS, Verdict.PASS, Verdict.NOTICE]


def test_the_long_window_catches_a_steady_stream() -> None:
    clock = FakeClock()
    throttle = Throttle(clock)  # 10 in 10 s, 30 in 60 s
    verdicts = []
    for _ in range(31):
        verdicts.append(throttle.hit(1))
        clock.now += 1.5  # under the short limit, over the long one
    assert verdicts[:30] == [Verdict.PASS] * 30
    assert verdicts[30] is Verdict.NOTICE


def test_idle_people_are_forgotten() -> None:
    clock = FakeClock()
    throttle = Throttle(clock, cleanup_every=10)
    for person in range(9):
        throttle.hit(person)
    clock.now += 61
    throttle.hit("late")  # the tenth call cleans up
    assert throttle.tracked() == 1


def test_windows_must_make_sense() -> None:
    with pytest.raises(ValueError):
        Throttle(FakeClock(), (Window(0, 10.0),))
    with pytest.raises(ValueError):
        Throttle(FakeClock(), ())


# ---------------------------------------------------------------------- GCRA


def schedule(limit: flood.Limit, arrivals: list[float]) -> list[float]:
    """The send time GCRA gives each arrival (as the database would, one after the other)."""
    tat: float | None = None
    times = []
    for now in arrivals:
        tat, at = flood.gcra(tat, now, limit)
        times.append(at)
    return times


def busiest(times: list[float], window: float) -> int:
    ordered = sorted(times)
    return max(sum(1 for u in ordered if t <= u < t + window) for t in ordered)


def test_overall_pace_is_even_and_under_thirty_a_second() -> None:
    times = schedule(flood.OVERALL, [0.0] * 200)  # a backlog arriving at once
    assert times[0] == 0.0
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) == pytest.approx(1 / 25)
    # 25 a second in theory; float sums of 1/25 may let a 26th touch the window's end.
    assert flood.OVERALL.most_in(1.0) == 25
    assert busiest(times, 1.0) <= 26


def test_group_burst_then_one_every_four_seconds() -> None:
    times = schedule(flood.GROUP, [0.0] * 40)
    assert times[:5] == [0.0] * 5
    assert times[5:8] == [4.0, 8.0, 12.0]
    assert busiest(times, 60.0) <= 20
    assert flood.GROUP.most_in(60.0) == 19


def test_random_arrivals_never_exceed_the_limits() -> None:
    rng = random.Random(8)
    arrivals = sorted(rng.uniform(0, 120) for _ in range(600))
    # In exact arithmetic 25 and 19 (see most_in); floats may add one at a window's very end.
    assert busiest(schedule(flood.OVERALL, arrivals), 1.0) <= 26
    assert busiest(schedule(flood.GROUP, arrivals), 60.0) <= 20


def test_an_idle_limit_lets_the_next_message_go_at_once() -> None:
    tat, at = flood.gcra(None, 100.0, flood.GROUP)
    assert (tat, at) == (104.0, 100.0)
    _, later = flood.gcra(tat, 500.0, flood.GROUP)
    assert later == 500.0


# ---------------------------------------------------------------------- request routing


@pytest.mark.parametrize(
    ("endpoint", "paced"),
    [
        ("sendMessage", True),
        ("sendDocument", True),
        ("editMessageText", True),
        ("copyMessage", True),
        ("sendChatAction", False),
        ("getChatMember", False),
        ("answerCallbackQuery", False),
    ],
)
def test_which_calls_are_paced(endpoint: str, paced: bool) -> None:
    assert is_paced(endpoint) is paced


def test_groups_are_negative_ids_or_channel_names() -> None:
    assert group_of({"chat_id": -100123}) == -100123
    assert group_of({"chat_id": "-42"}) == -42
    assert group_of({"chat_id": "@kanal"}) == "@kanal"
    assert group_of({"chat_id": 777}) is None
    assert group_of({}) is None


# ---------------------------------------------------------------------- the update processor

BOT = Bot("123:abc")


def message_update(update_id: int, chat_id: int, user_id: int = 5) -> Update:
    chat = {"id": chat_id, "type": "private" if chat_id > 0 else "group", "title": "G"}
    data = {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "chat": chat,
            "from": {"id": user_id, "is_bot": False, "first_name": "U"},
            "text": "hai",
        },
    }
    return Update.de_json(data, BOT)


def test_updates_are_keyed_by_chat() -> None:
    assert chat_key(message_update(1, -5, user_id=9)) == ("chat", -5)
    assert chat_key("not an update") is None


async def feed(processor: ChatOrderedProcessor, updates: list[Update], work: Any) -> None:
    """Start one task per update in order, as PTB's fetcher does, and wait for all."""
    tasks = [asyncio.create_task(processor.process_update(u, work(u))) for u in updates]
    await asyncio.gather(*tasks)


def test_one_chat_is_served_in_order_and_one_at_a_time() -> None:
    log: list[tuple[str, int]] = []
    running = [0]

    async def work(update: Update) -> None:
        running[0] += 1
        assert running[0] == 1, "two updates of one chat ran at once"
        log.append(("start", update.update_id))
        await asyncio.sleep(random.Random(update.update_id).uniform(0, 0.003))
        log.append(("end", update.update_id))
        running[0] -= 1

    async def main() -> ChatOrderedProcessor:
        processor = ChatOrderedProcessor(running=8)
        async with processor:
            await feed(processor, [message_update(i, -77) for i in range(1, 41)], work)
            return processor

    processor = asyncio.run(main())
    assert [u for kind, u in log if kind == "start"] == list(range(1, 41))
    assert processor.busy_chats() == 0  # the chat's queue is gone once idle


def test_a_busy_chat_does_not_hold_up_other_chats() -> None:
    finished: list[int] = []
    release = None

    async def work(update: Update) -> None:
        assert release is not None
        chat = update.effective_chat
        assert chat is not None
        if chat.id == -1:
            await release.wait()  # the flooded chat is stuck (waiting for its flood slots)
        finished.append(chat.id)

    async def main() -> None:
        nonlocal release
        release = asyncio.Event()
        processor = ChatOrderedProcessor(running=4)
        async with processor:
            flood_updates = [message_update(i, -1) for i in range(1, 301)]
            others = [message_update(1000 + i, 100 + i) for i in range(16)]
            everything = asyncio.create_task(feed(processor, flood_updates + others, work))
            for _ in range(200):
                await asyncio.sleep(0)
                if len(finished) == 16:
                    break
            assert sorted(finished) == [100 + i for i in range(16)]
            assert processor.busy_chats() == 1
            release.set()
            await everything
        assert finished.count(-1) == 300

    asyncio.run(main())


def test_running_handlers_are_bounded() -> None:
    peak = [0, 0]

    async def work(update: Update) -> None:
        peak[0] += 1
        peak[1] = max(peak)
        await asyncio.sleep(0.001)
        peak[0] -= 1

    async def main() -> None:
        processor = ChatOrderedProcessor(running=3)
        async with processor:
            await feed(processor, [message_update(i, 1000 + i) for i in range(30)], work)

    asyncio.run(main())
    assert peak[1] == 3


def test_the_gate_counts_updates_as_they_arrive_not_when_their_turn_comes() -> None:
    events: list[tuple[str, int]] = []

    class Gate:
        def arrive(self, update: object) -> None:
            assert isinstance(update, Update)
            events.append(("arrive", update.update_id))

        def leave(self, update: object) -> None:
            assert isinstance(update, Update)
            events.append(("leave", update.update_id))

    async def work(update: Update) -> None:
        await asyncio.sleep(0.002)  # a slow answer (waiting for the group's flood slot)
        events.append(("work", update.update_id))

    async def main() -> None:
        processor = ChatOrderedProcessor(running=4, gate=Gate())
        async with processor:
            await feed(processor, [message_update(i, -9) for i in range(1, 6)], work)

    asyncio.run(main())
    assert events[:5] == [("arrive", i) for i in range(1, 6)]
    assert events[5:] == [e for i in range(1, 6) for e in (("work", i), ("leave", i))]
