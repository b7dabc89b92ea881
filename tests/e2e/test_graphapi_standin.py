"""The Graph API stand-in, driven by a real ``pywa_async.WhatsApp`` client."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import httpx
import pytest
from pywa_async import WhatsApp, errors
from pywa_async.types import Button, Section, SectionList, SectionRow
from pywa_async.types.templates import BodyText, QuickReplyButton, TemplateLanguage

from .graphapi import GraphApiStandIn

T = TypeVar("T")
USER = "6281234567890"
ID = TemplateLanguage.INDONESIAN


@pytest.fixture
def api() -> Iterator[GraphApiStandIn]:
    with GraphApiStandIn() as standin:
        yield standin


def run(api: GraphApiStandIn, action: Callable[[WhatsApp], Awaitable[T]]) -> T:
    """Run ``action`` with a pywa client pointed at the stand-in."""

    async def main() -> T:
        async with api.async_client() as session:
            wa = WhatsApp(phone_id=api.phone_id, token=api.token, session=session)
            return await action(wa)

    return asyncio.run(main())


def test_text_inside_the_window_is_recorded_with_its_tracker(api: GraphApiStandIn) -> None:
    api.user_wrote(USER)
    sent = run(api, lambda wa: wa.send_message(USER, "Halo *tebal*", tracker="42"))
    [msg] = api.sent_to(USER)
    assert msg.id == sent.id and msg.text == "Halo *tebal*" and msg.tracker == "42"


def test_free_form_outside_the_window_is_refused_131047(api: GraphApiStandIn) -> None:
    api.user_wrote(USER, datetime.now(UTC) - timedelta(hours=24, minutes=1))
    with pytest.raises(errors.ReEngagementMessage):
        run(api, lambda wa: wa.send_message(USER, "Halo"))
    with pytest.raises(errors.ReEngagementMessage):  # never wrote at all
        run(api, lambda wa: wa.send_message("628999", "Halo"))
    assert api.sent == []


def test_the_window_follows_the_stand_in_clock(api: GraphApiStandIn) -> None:
    start = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
    api.now = lambda: start
    api.user_wrote(USER)
    api.now = lambda: start + timedelta(hours=23, minutes=59)
    assert api.window_open(USER)
    api.now = lambda: start + timedelta(hours=24)
    assert not api.window_open(USER)


def test_late_window_failure_is_a_queued_failed_status(api: GraphApiStandIn) -> None:
    late = GraphApiStandIn(window_errors="late")
    with late:
        sent = run(late, lambda wa: wa.send_message(USER, "Halo", tracker="7"))
        [body] = late.take_statuses()
    status = body["entry"][0]["changes"][0]["value"]["statuses"][0]
    assert status["id"] == sent.id and status["status"] == "failed"
    assert status["errors"][0]["code"] == 131047
    assert status["biz_opaque_callback_data"] == "7"


def test_reply_buttons_limits(api: GraphApiStandIn) -> None:
    api.user_wrote(USER)
    run(
        api,
        lambda wa: wa.send_message(
            USER, "Pilih", buttons=[Button("Sudah dibaca", "a"), Button("Lihat", "b")]
        ),
    )
    assert api.sent[-1].buttons == [("a", "Sudah dibaca"), ("b", "Lihat")]
    four = [Button(f"B{i}", f"id{i}") for i in range(4)]
    with pytest.raises(errors.InvalidParameter):
        run(api, lambda wa: wa.send_message(USER, "Pilih", buttons=four))
    with pytest.raises(errors.InvalidParameter):
        run(api, lambda wa: wa.send_message(USER, "Pilih", buttons=[Button("x" * 21, "a")]))
    with pytest.raises(errors.InvalidParameter):
        run(api, lambda wa: wa.send_message(USER, "x" * 1025, buttons=[Button("ok", "a")]))
    assert api.refusals[-1][1]["code"] == 131009
    assert len(api.sent) == 1


def test_list_limits(api: GraphApiStandIn) -> None:
    api.user_wrote(USER)

    def listing(rows: int, title: str = "Baris", description: str = "") -> SectionList:
        return SectionList(
            "Pilih",
            [
                Section(
                    "Butir",
                    [SectionRow(title, f"r{i}", description or None) for i in range(rows)],
                )
            ],
        )

    run(api, lambda wa: wa.send_message(USER, "Daftar", buttons=listing(10)))
    assert len(api.sent[-1].rows) == 10
    for bad in (listing(11), listing(1, "x" * 25), listing(1, "ok", "d" * 73)):
        with pytest.raises(errors.InvalidParameter):
            run(api, lambda wa, bad=bad: wa.send_message(USER, "Daftar", buttons=bad))
    assert len(api.sent) == 1


def test_text_length_limit(api: GraphApiStandIn) -> None:
    api.user_wrote(USER)
    run(api, lambda wa: wa.send_message(USER, "x" * 4096))
    with pytest.raises(errors.WhatsAppError) as caught:
        run(api, lambda wa: wa.send_message(USER, "x" * 4097))
    assert caught.value.code == 100


def test_templates_pass_outside_the_window_and_are_checked(api: GraphApiStandIn) -> None:
    api.approve_template(
        "zibot_pengingat", "id", "Halo {{1}}, ada {{2}} butir.", buttons=["Lihat detail"]
    )
    params = [
        BodyText.params("Budi", "3"),
        QuickReplyButton.params(callback_data="wd:9", index=0),
    ]
    run(api, lambda wa: wa.send_template(USER, "zibot_pengingat", ID, params, tracker="9"))
    [msg] = api.sent
    assert msg.template == "zibot_pengingat" and msg.text == "Halo Budi, ada 3 butir."
    assert msg.buttons == [("wd:9", "Lihat detail")] and msg.tracker == "9"
    with pytest.raises(errors.TemplateNotExists):
        run(api, lambda wa: wa.send_template(USER, "nope", ID, [BodyText.params("a")]))
    with pytest.raises(errors.TemplateParamCountMismatch):
        run(api, lambda wa: wa.send_template(USER, "zibot_pengingat", ID, [BodyText.params("a")]))
    api.pause_template("zibot_pengingat")
    with pytest.raises(errors.TemplatePaused):
        run(api, lambda wa: wa.send_template(USER, "zibot_pengingat", ID, params))


def test_injected_failures(api: GraphApiStandIn) -> None:
    api.user_wrote(USER)
    api.fail_next(131026, to=USER)
    api.fail_next(130429)
    api.fail_next(131056)
    api.fail_next(503)
    with pytest.raises(errors.MessageUndeliverable):
        run(api, lambda wa: wa.send_message(USER, "a"))
    with pytest.raises(errors.RateLimitHit):
        run(api, lambda wa: wa.send_message(USER, "a"))
    with pytest.raises(errors.TooManyMessages):
        run(api, lambda wa: wa.send_message(USER, "a"))
    with pytest.raises(errors.WhatsAppError) as caught:
        run(api, lambda wa: wa.send_message(USER, "a"))
    assert caught.value.status_code == 503
    run(api, lambda wa: wa.send_message(USER, "a"))
    api.fail_later(131026)
    sent = run(api, lambda wa: wa.send_message(USER, "b", tracker="5"))
    [body] = api.take_statuses()
    status = body["entry"][0]["changes"][0]["value"]["statuses"][0]
    assert (status["id"], status["errors"][0]["code"]) == (sent.id, 131026)
    assert api.take_statuses() == []


def test_media_upload_metadata_and_download(api: GraphApiStandIn) -> None:
    api.user_wrote(USER)
    pdf = b"%PDF-1.4 laporan"

    async def send_and_fetch(wa: WhatsApp) -> tuple[bytes, str, int | None]:
        await wa.send_document(USER, pdf, filename="lap.pdf", mime_type="application/pdf")
        incoming = api.add_media(b"\x89PNG data", "image/png")
        url = await wa.get_media_url(incoming.id)
        data = await wa.get_media_bytes(url.url)
        return data, url.mime_type, url.file_size

    data, mime, size = run(api, send_and_fetch)
    assert (data, mime, size) == (b"\x89PNG data", "image/png", 9)
    assert api.media_uploads[0].data == pdf
    assert api.sent[-1].media_id == api.media_uploads[0].id
    with pytest.raises(errors.MediaUploadError):
        run(
            api,
            lambda wa: wa.send_document(
                USER, b"MZ", filename="x.exe", mime_type="application/x-ms"
            ),
        )
    with pytest.raises(errors.MediaUploadError):
        run(
            api, lambda wa: wa.send_image(USER, b"x" * (5 * 1024 * 1024 + 1), mime_type="image/png")
        )


def test_wrong_token_is_refused(api: GraphApiStandIn) -> None:
    async def wrong() -> None:
        async with api.async_client() as session:
            wa = WhatsApp(phone_id=api.phone_id, token="bad", session=session)
            await wa.send_message(USER, "x")

    with pytest.raises(errors.ExpiredAccessToken):
        asyncio.run(wrong())


def test_post_webhook_signs_and_learns_the_window(api: GraphApiStandIn) -> None:
    seen: list[tuple[bytes, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.content, request.headers["X-Hub-Signature-256"]))
        return httpx.Response(200)

    body = api.text_message_body(USER, "progres")
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        raw = json.dumps(body).encode()
        client.post(
            "http://bot/whatsapp", content=raw, headers={"X-Hub-Signature-256": api.sign(raw)}
        )
    assert seen[0][1] == api.sign(seen[0][0]) and seen[0][1].startswith("sha256=")
    assert not api.window_open(USER)
    api.post_webhook(f"{api.base_url}/whatsapp", body)  # any URL: the stand-in learns the time
    assert api.window_open(USER)
    contact = body["entry"][0]["changes"][0]["value"]["contacts"][0]
    assert contact["user_id"]  # pywa 4.5 skips an update without it
