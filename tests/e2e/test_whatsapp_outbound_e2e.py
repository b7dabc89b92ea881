"""WhatsApp reminders end to end: the real ``zibot serve`` with WhatsApp on, its Graph API the
local stand-in (which enforces the 24-hour window and knows the README's templates), the clock
moved through ``ZIBOT_CLOCK_FILE``.

Three agen of Badung on WhatsApp: one wrote on Friday (outside the window by Monday 08:00), two
on Sunday (inside it). On Monday's sweep the first gets the approved template with "Lihat
detail", the second the full digest free-form; the third's free-form digest is accepted and
then fails late with 131047, which the signed status webhook turns into the template. Pressing
"Lihat detail" brings the full digest; receipts are recorded on the outbox row.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from models import Outbox

from .conftest import FROZEN_NOW, START_TIMEOUT, Deployment
from .graphapi import GraphApiStandIn, SentMessage
from .test_kendala_e2e import set_clock
from .test_webhook_e2e import PUBLIC_URL, SECRET, free_port, healthy
from .test_whatsapp_e2e import VERIFY_TOKEN, Server, WhatsAppPerson

ROOT = Path(__file__).resolve().parents[2]
SUNDAY = "2026-11-29T10:00:00+08:00"
MONDAY = "2026-11-30T08:01:00+08:00"  # a working day, after the 08:00 reminder time


def clock_of(deployment: Deployment) -> datetime:
    """The time every zibot process takes as now (the stand-in follows it too)."""
    return datetime.fromisoformat(deployment.clock_file.read_text(encoding="utf-8").strip())


@pytest.fixture(scope="module")
def server(deployment: Deployment) -> Iterator[Server]:
    """``zibot serve`` with Telegram and WhatsApp, sweeping every second."""
    with GraphApiStandIn() as graph:
        graph.now = lambda: clock_of(deployment)
        graph.approve_readme_templates((ROOT / "README.md").read_text(encoding="utf-8"))
        port = free_port()
        deployment.start(
            "serve",
            ZIBOT_LISTEN=f"127.0.0.1:{port}",
            ZIBOT_WEBHOOK_URL=PUBLIC_URL,
            ZIBOT_WEBHOOK_SECRET=SECRET,
            ZIBOT_SWEEP_SECONDS="1",
            ZIBOT_WHATSAPP_PHONE_ID=graph.phone_id,
            ZIBOT_WHATSAPP_TOKEN=graph.token,
            ZIBOT_WHATSAPP_APP_SECRET=graph.app_secret,
            ZIBOT_WHATSAPP_VERIFY_TOKEN=VERIFY_TOKEN,
            ZIBOT_WHATSAPP_API_URL=graph.base_url,
        )
        base_url = f"http://127.0.0.1:{port}"
        deployment.wait_until(lambda: healthy(base_url), "answer /healthz", START_TIMEOUT)
        yield Server(deployment, graph, base_url)
        deployment.stop()
        set_clock(deployment, FROZEN_NOW)


def digest_to(server: Server, person: WhatsAppPerson, after: int) -> SentMessage:
    return server.graph.wait_for(
        lambda m: m.to == person.user_id and server.graph.sent.index(m) >= after, timeout=20
    )


def row(server: Server, outbox_id: int) -> Outbox:
    with server.deployment.db() as session:
        found = session.scalar(select(Outbox).where(Outbox.id == outbox_id))
        assert found is not None
        return found


def recorded(server: Server, outbox_id: int, **expected: object) -> Outbox:
    """The row once the bot recorded ``expected`` (it records right after the stand-in
    answered, so a test can see the message a moment before the row changes)."""

    def matches() -> Outbox | None:
        found = row(server, outbox_id)
        return found if all(getattr(found, k) == v for k, v in expected.items()) else None

    return server.deployment.wait_until(matches, f"record {expected} on outbox {outbox_id}", 15)


def test_reminders_inside_and_outside_the_window_late_131047_and_lihat_detail(
    server: Server,
) -> None:
    graph, deployment = server.graph, server.deployment
    set_clock(deployment, FROZEN_NOW)  # Friday 07:00
    friday = server.registered(name="Komang")
    set_clock(deployment, SUNDAY)
    inside = server.registered(name="Made")
    late = server.registered(name="Wayan")
    graph.fail_later(131047, to=late.user_id)

    before = len(graph.sent)
    set_clock(deployment, MONDAY)

    # Inside the window: the full digest, in WhatsApp's formatting, tracked by its outbox id.
    free = digest_to(server, inside, before)
    assert free.template is None, free.text
    assert free.text.startswith("🔔 *Pengingat rencana aksi ZI —"), free.text
    assert "<b>" not in free.text and "**" not in free.text
    assert free.tracker is not None and free.tracker.startswith("ob:")
    free_row = recorded(server, int(free.tracker[3:]), status="sent", message_id=free.id)
    assert not free_row.via_template

    # Outside it: the approved template, with "Lihat detail".
    template = digest_to(server, friday, before)
    assert template.template == "zibot_pengingat", template.text
    assert template.text.startswith("Pengingat tenggat rencana aksi Zona Integritas untuk KPU")
    assert template.tracker is not None
    outbox_id = int(template.tracker[3:])
    assert template.buttons == [(f"wd:{outbox_id}", "Lihat detail")]
    recorded(server, outbox_id, status="sent", via_template=True, message_id=template.id)

    # Accepted free-form, then a late 131047: the signed status makes it the template.
    first = digest_to(server, late, before)
    assert first.template is None
    statuses = graph.take_statuses()
    assert statuses, "the stand-in queued the late failure"
    count = len(graph.sent)
    for body in statuses:
        assert server.post(body).status_code == 200
    resent = graph.wait_for(
        lambda m: m.to == late.user_id and graph.sent.index(m) >= count, timeout=20
    )
    assert resent.template == "zibot_pengingat" and resent.tracker == first.tracker
    assert first.tracker is not None
    recorded(server, int(first.tracker[3:]), status="sent", via_template=True,
             message_id=resent.id)  # fmt: skip

    # "Lihat detail" on the template: the window opens and the full digest follows.
    count = len(graph.sent)
    body = graph.quick_reply_body(
        friday.wa_id, f"wd:{outbox_id}", "Lihat detail", template.id, user_id=friday.user_id
    )
    assert server.post(body).status_code == 200
    full = graph.wait_for(
        lambda m: m.to == friday.user_id and graph.sent.index(m) >= count, timeout=20
    )
    assert full.template is None and full.text.startswith("🔔 *Pengingat rencana aksi ZI —")

    # Receipts (their order is checked in the integration tests).
    for status in ("delivered", "read"):
        assert server.post(graph.status_body(free.id, status)).status_code == 200
    recorded(server, free_row.id, receipt="read")
