"""Admin downloads, the bulk zip action and the change-page buttons, on the real admin site."""

import io
import threading
import zipfile

import pytest
from asgiref.testing import ApplicationCommunicator
from django.contrib.auth.models import Permission
from django.core.signals import request_finished
from django.db import connection, connections
from django.test import override_settings
from django.urls import resolve, reverse

from botbuilder.asgi import application
from botbuilder.exports import admin_views
from botbuilder.exports.admin_views import NO_RECORDING_MESSAGE
from botbuilder.exports.formats import TEXT_FORMATS
from botbuilder.exports.recordings import session_recording_save
from botbuilder.exports.services import session_export, session_export_filename
from botbuilder.exports.wav import stereo_wav_bytes
from botbuilder.models import Session
from tests.botbuilder.exports.factories import create_sessions


def export_url(session, fmt):
    return reverse("admin:botbuilder_session_export", args=[session.pk, fmt])


@pytest.mark.parametrize("fmt", sorted(TEXT_FORMATS))
def test_session_download_streams_the_export(staff_client, golden_session, fmt):
    response = staff_client.get(export_url(golden_session, fmt))
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == TEXT_FORMATS[fmt].content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="acme-support-20260314-093000-5f0c1d2e.{fmt}"'
    )
    body = b"".join(response.streaming_content)
    assert body == b"".join(session_export(session=golden_session, fmt=fmt))


def test_session_download_can_be_redacted(staff_client, golden_session):
    body = b"".join(
        staff_client.get(
            export_url(golden_session, "txt") + "?redact=1"
        ).streaming_content
    )
    assert b"[EMAIL]" in body and b"jane.doe@example.com" not in body


def test_session_download_needs_staff_and_view_permission(
    client, django_user_model, golden_session
):
    url = export_url(golden_session, "json")
    assert client.get(url).status_code == 302  # to the admin login
    user = django_user_model.objects.create_user(
        "clerk", password="pw-clerk-123", is_staff=True
    )
    client.force_login(user)
    assert client.get(url).status_code == 403
    user.user_permissions.add(
        Permission.objects.get(
            codename="view_session", content_type__app_label="botbuilder"
        )
    )
    client.force_login(django_user_model.objects.get(pk=user.pk))
    assert client.get(url).status_code == 200


def test_unknown_format_is_not_routed(staff_client, golden_session):
    url = export_url(golden_session, "json").replace("/json/", "/docx/")
    assert resolve(url).func.__name__ != "session_export_view"
    response = staff_client.get(url, follow=True)
    assert not response.streaming and "attachment" not in response.get(
        "Content-Disposition", ""
    )


def test_wav_download_without_recording_explains_the_404(staff_client, golden_session):
    response = staff_client.get(export_url(golden_session, "wav"))
    assert response.status_code == 404
    assert response.content.decode() == NO_RECORDING_MESSAGE


def test_wav_download_serves_the_recording(staff_client, golden_session, tmp_path):
    wav = stereo_wav_bytes(b"\x01\x00" * 2400, b"\x02\x00" * 4800)
    (tmp_path / "in.wav").write_bytes(wav)
    with override_settings(MEDIA_ROOT=tmp_path / "media"):
        name = session_recording_save(session=golden_session, path=tmp_path / "in.wav")
        assert name.startswith("recordings/") and name.endswith(".wav")
        response = staff_client.get(export_url(golden_session, "wav"))
        assert response.status_code == 200 and response["Content-Type"] == "audio/wav"
        assert b"".join(response.streaming_content) == wav
        change = staff_client.get(
            reverse("admin:botbuilder_session_change", args=[golden_session.pk])
        )
        assert f'href="{export_url(golden_session, "wav")}"' in change.content.decode()
        (tmp_path / "media" / name).unlink()
        missing = staff_client.get(export_url(golden_session, "wav"))
        assert missing.status_code == 404 and b"missing" in missing.content


def test_change_page_shows_a_button_per_format(staff_client, golden_session):
    page = staff_client.get(
        reverse("admin:botbuilder_session_change", args=[golden_session.pk])
    )
    html = page.content.decode()
    for fmt in TEXT_FORMATS:
        assert f'href="{export_url(golden_session, fmt)}"' in html
        assert f'href="{export_url(golden_session, fmt)}?redact=1"' in html
    assert "No recording." in html and export_url(golden_session, "wav") not in html


def _changelist_post(client, sessions, **extra):
    data = {
        "action": "export_sessions_action",
        "_selected_action": [str(s.pk) for s in sessions],
    }
    return client.post(
        reverse("admin:botbuilder_session_changelist"), {**data, **extra}
    )


def test_bulk_action_asks_for_format_then_streams_a_zip(staff_client, golden_bot):
    sessions = create_sessions(3, items=4, bot=golden_bot)
    page = _changelist_post(staff_client, sessions)
    assert page.status_code == 200
    html = page.content.decode()
    assert "3 sessions will be exported" in html and 'name="export_format"' in html
    for session in sessions:
        assert f'value="{session.pk}"' in html
    response = _changelist_post(
        staff_client, sessions[:2], export_confirm="1", export_format="csv", redact="on"
    )
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="sessions-csv-'
    )
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.testzip() is None
    names = archive.namelist()
    assert len(names) == 2 and all(
        n.startswith("acme-support-") and n.endswith(".csv") for n in names
    )
    assert archive.read(names[0]) == b"".join(
        session_export(session=sessions[0], fmt="csv", redact=True)
    )


def test_bulk_action_rejects_an_unknown_format_and_shows_the_form_again(
    staff_client, golden_bot
):
    sessions = create_sessions(1, items=1, bot=golden_bot)
    page = _changelist_post(
        staff_client, sessions, export_confirm="1", export_format="docx"
    )
    assert page.status_code == 200 and not page.streaming
    assert "Select a valid choice" in page.content.decode()


def test_bulk_action_exports_all_matching_with_select_across(staff_client, golden_bot):
    sessions = create_sessions(5, items=1, bot=golden_bot)
    response = _changelist_post(
        staff_client,
        sessions[:1],
        export_confirm="1",
        export_format="txt",
        select_across="1",
    )
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert len(archive.namelist()) == Session.objects.count() == 5


@pytest.mark.django_db(transaction=True)
async def test_download_under_asgi_streams_asynchronously(
    async_client, django_user_model, asgiref_thread_connections_closed
):
    from asgiref.sync import sync_to_async

    from tests.botbuilder.exports.conftest import create_golden_session

    user = await django_user_model.objects.acreate(
        username="boss", is_staff=True, is_superuser=True
    )
    session = await sync_to_async(create_golden_session)()
    await async_client.aforce_login(user)
    response = await async_client.get(export_url(session, "csv"))
    assert response.status_code == 200 and response.is_async
    body = b"".join([chunk async for chunk in response.streaming_content])
    expected = await sync_to_async(
        lambda: b"".join(session_export(session=session, fmt="csv"))
    )()
    assert body == expected


@pytest.mark.django_db(transaction=True)
async def test_download_under_asgi_closes_the_connection_its_iteration_used(
    golden_session, staff_cookie, monkeypatch
):
    """The chunks are pulled in the request's sync thread, whose connection Django closes
    when the response ends (`request_finished`); another thread's would stay open."""
    used = []  # (thread, its connection wrapper, open while pulling) per chunk
    finished_in = []  # the threads `request_finished` ran in

    def recording_export(**kwargs):
        for chunk in session_export(**kwargs):
            wrapper = connections["default"]
            used.append(
                (threading.get_ident(), wrapper, wrapper.connection is not None)
            )
            yield chunk

    def record_finished(**kwargs):
        finished_in.append(threading.get_ident())

    monkeypatch.setattr(admin_views, "session_export", recording_export)
    request_finished.connect(record_finished)
    scope = {
        "type": "http",
        "method": "GET",
        "path": export_url(golden_session, "csv"),
        "query_string": b"",
        "headers": [(b"host", b"testserver"), (b"cookie", staff_cookie.encode())],
    }
    app = ApplicationCommunicator(application, scope)
    try:
        await app.send_input({"type": "http.request", "body": b""})
        start = await app.receive_output(timeout=5)
        body = b""
        while (message := await app.receive_output(timeout=5)).get("more_body"):
            body += message["body"]
        await app.wait(timeout=5)  # the handler closes the response after the body
    finally:
        request_finished.disconnect(record_finished)
    assert start["status"] == 200 and body.count(b"\n") > 5
    assert used and all(was_open for _, _, was_open in used)
    assert {thread for thread, _, _ in used} == set(finished_in)
    if connection.vendor != "sqlite":  # Django never closes in-memory SQLite
        assert [wrapper.connection for _, wrapper, _ in used] == [None] * len(used)


def test_bulk_action_zips_the_recordings_and_names_sessions_without_one(
    staff_client, golden_bot, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    recorded, silent = create_sessions(2, items=2, bot=golden_bot)
    wav = stereo_wav_bytes(b"\x01\x00" * 2400, b"\x02\x00" * 2400)
    source = tmp_path / "take.wav"
    source.write_bytes(wav)
    session_recording_save(session=recorded, path=source)

    response = _changelist_post(
        staff_client, [recorded, silent], export_confirm="1", export_format="wav"
    )
    assert response.status_code == 200 and response.streaming
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    recorded.refresh_from_db()
    wav_name = session_export_filename(session=recorded, fmt="wav")
    assert sorted(archive.namelist()) == sorted([wav_name, "no-recording.txt"])
    assert archive.read(wav_name) == wav
    silent_name = session_export_filename(session=silent, fmt="wav")
    assert silent_name in archive.read("no-recording.txt").decode()


def test_deleting_a_session_removes_its_recording(
    golden_session, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    source = tmp_path / "take.wav"
    source.write_bytes(stereo_wav_bytes(b"\x01\x00" * 240, b"\x02\x00" * 240))
    name = session_recording_save(session=golden_session, path=source)
    assert (tmp_path / name).exists()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        Session.objects.get(pk=golden_session.pk).delete()
        assert (tmp_path / name).exists()  # not before the deletion has committed
    assert len(callbacks) == 1
    assert not (tmp_path / name).exists()
