"""The stored session page: conversation first, honest costs, the recording, small fixes."""

import re
import wave
from pathlib import Path

import pytest
from django.urls import reverse

from botbuilder.models import Session, TranscriptItem
from botbuilder.services.sessions import session_recording_store
from tests.botbuilder.exports.conftest import create_golden_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(bot) -> Session:
    session = create_golden_session(bot)
    TranscriptItem.objects.create(
        session=session,
        seq=9,
        role="user",
        text="Typed: where is my parcel?",
        started_ms=65_000,
        ended_ms=65_000,
    )
    return session


def page(client, session) -> str:
    url = reverse("admin:botbuilder_session_change", args=[session.pk])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_conversation_comes_first_and_the_configuration_last_collapsed(
    staff_client, session
):
    html = page(staff_client, session)
    conversation = html.index('id="ss-conversation"')
    assert conversation < html.index("Configuration sent to the model")
    assert conversation < html.index("Usage")
    config = re.search(
        r'<fieldset class="([^"]*)"[^>]*>\s*<h2[^>]*>\s*Configuration', html
    )
    if config is None:  # Django 5.1+: collapsible fieldsets are <details>
        section = html[html.index("Configuration sent to the model") - 400 :]
        assert "<details" in section or "collapse" in section
    else:
        assert "collapse" in config.group(1)


def test_conversation_shows_speakers_clock_cuts_tools_and_typed_turns(
    staff_client, session
):
    html = page(staff_client, session)
    lines = html[html.index('id="ss-conversation"') :]
    assert re.search(
        r'class="ss-clock">00:04</span>\s*<span class="ss-speaker">Caller', lines
    )
    # The interrupted reply: what was heard, visibly cut, and the unheard rest struck out.
    assert "Your order 4567 ships tomorrow and should</span>" in lines
    assert "✂ cut off" in lines
    assert '<del class="ss-unheard"' in lines and "arrive in Tokyo by Friday" in lines
    # The tool call: name, arguments, result, status and duration.
    assert "<code>get_order_status</code>" in lines
    assert "&quot;order_number&quot;: &quot;4567&quot;" in lines
    assert "Order 4567 ships tomorrow to 東京 (Tokyo)." in lines
    assert "Succeeded" in lines and "120 ms" in lines
    # The typed turn, at 01:05, and only that one marked typed.
    assert lines.count(">typed</span>") == 1
    typed_line = lines[lines.index('data-seq="9"') :]
    assert typed_line.index(">typed</span>") < typed_line.index("where is my parcel")
    assert 'data-start="65.000"' in typed_line and ">01:05<" in typed_line


def test_page_has_no_raw_ms_no_interrupted_icons_no_view_on_site(staff_client, session):
    html = page(staff_client, session)
    assert "65000" not in html and "11800" not in html
    assert "icon-no.svg" not in html
    assert "View on site" not in html


def test_purge_date_is_readable(staff_client, session):
    session.bot.retention_days = 30
    session.bot.save()
    html = page(staff_client, session)
    assert "2026-04-13 09:30 UTC" in html
    assert "+00:00" not in html


def test_offline_session_costs_nothing_with_a_labelled_estimate(staff_client, session):
    html = page(staff_client, session)
    assert 'id="ss-engine">offline rehearsal engine<' in html
    assert "$0.00 (estimate on gpt-realtime-mini: $0.02)" in html
    assert "$0.015234" not in html
    changelist = staff_client.get(reverse("admin:botbuilder_session_changelist"))
    assert "$0.00 (estimate on gpt-realtime-mini" in changelist.content.decode()


def test_failed_session_summary_is_marked_failed(staff_client, session):
    Session.objects.filter(pk=session.pk).update(status="failed")
    html = page(staff_client, session)
    assert "ss-summary ss-status-failed" in html


def write_wav(path: Path, frames: int) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(24000)
        out.writeframes(b"\x01\x00" * 2 * frames)
    return path


def test_empty_recording_is_not_stored_or_offered(
    staff_client, session, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    empty = write_wav(tmp_path / "empty.wav", 0)
    assert empty.stat().st_size == 44
    assert session_recording_store(session_id=session.pk, path=empty) == ""
    session.refresh_from_db()
    assert not session.recording and not empty.exists()
    # A 44-byte file stored by an older version is not offered either.
    session.recording.save("old.wav", open(write_wav(tmp_path / "e2.wav", 0), "rb"))
    html = page(staff_client, session)
    assert "<audio" not in html and "Recording (WAV)" not in html
    wav = reverse("admin:botbuilder_session_export", args=[session.pk, "wav"])
    assert staff_client.get(wav).status_code == 404


def test_recording_plays_in_the_page_and_seeks_by_range(
    staff_client, session, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    stored = session_recording_store(
        session_id=session.pk, path=write_wav(tmp_path / "r.wav", 24000)
    )
    assert stored
    session.refresh_from_db()
    html = page(staff_client, session)
    src = reverse("admin:botbuilder_session_recording", args=[session.pk])
    assert f'<audio id="ss-audio" controls preload="metadata" src="{src}"' in html
    assert "Recording (WAV)" in html
    whole = staff_client.get(src)
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes"
    size = 44 + 24000 * 4
    part = staff_client.get(src, HTTP_RANGE="bytes=1000-1999")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 1000-1999/{size}"
    assert len(b"".join(part.streaming_content)) == 1000
    tail = staff_client.get(src, HTTP_RANGE="bytes=-10")
    assert tail["Content-Range"] == f"bytes {size - 10}-{size - 1}/{size}"
    assert staff_client.get(src, HTTP_RANGE=f"bytes={size}-").status_code == 416


def test_redacted_downloads_say_so_in_their_name(staff_client, session):
    url = reverse("admin:botbuilder_session_export", args=[session.pk, "txt"])
    plain = staff_client.get(url)["Content-Disposition"]
    redacted = staff_client.get(url + "?redact=1")["Content-Disposition"]
    assert "-redacted" not in plain
    assert re.search(r'filename="[^"]+-5f0c1d2e-redacted\.txt"', redacted)


def test_admin_is_branded_with_a_favicon(staff_client):
    html = staff_client.get(reverse("admin:index")).content.decode()
    assert 'id="site-name"><a href="/admin/">Voice bot builder</a>' in html
    assert "Django administration" not in html
    assert '<link rel="icon" type="image/svg+xml" href="/static/favicon.svg">' in html
    response = staff_client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/favicon.svg"
    assert (Path(__file__).parents[3] / "static" / "favicon.svg").is_file()
