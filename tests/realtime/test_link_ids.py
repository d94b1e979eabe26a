"""UpstreamLink's event ids: an upstream error is tied to the request it refuses, and the
50-a-second appends neither fill the memory of requests nor push real requests out of it."""

import json

from realtime import protocol
from realtime.session.link import SENT_REQUESTS_REMEMBERED, UpstreamLink


class FakeClient:
    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send(self, event) -> bool:
        return await self.send_json(json.dumps(event))

    async def send_json(self, text: str) -> bool:
        self.sent.append(text)
        return True


def link_with_client() -> tuple[UpstreamLink, FakeClient]:
    async def ignore(*args):
        return None

    link = UpstreamLink(None, None, None, on_event=ignore, on_close=ignore)
    link._client = client = FakeClient()
    return link, client


async def test_an_append_error_is_tied_to_the_append_without_remembering_it():
    link, client = link_with_client()
    await link.send_audio(b"\x00\x01" * 480)
    append = json.loads(client.sent[-1])
    assert append["type"] == "input_audio_buffer.append"
    assert link.request_type(append["event_id"]) == "input_audio_buffer.append"
    assert len(link._sent) == 0


async def test_a_response_request_is_remembered_across_many_appends():
    link, client = link_with_client()
    await link.send_now(protocol.response_create())
    create_id = json.loads(client.sent[-1])["event_id"]
    for _ in range(SENT_REQUESTS_REMEMBERED * 4):  # 20 s of 20 ms frames
        await link.send_audio(b"\x00\x00" * 480)
    assert link.request_type(create_id) == "response.create"
    assert link.request_type("evt_someone_else") is None
    assert link.request_type(None) is None
