"""The live monitor pages in the admin: list, watch page, End session."""

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from botbuilder.models import Session
from botbuilder.monitor import services
from realtime.monitoring import watch_group
from tests.session_factories import create_item, create_session

pytestmark = pytest.mark.django_db


def staff_with(django_user_model, *codenames: str):
    user = django_user_model.objects.create_user("clerk", password="pw", is_staff=True)
    for codename in codenames:
        user.user_permissions.add(
            Permission.objects.get(
                codename=codename, content_type__app_label="botbuilder"
            )
        )
    client = Client()
    client.force_login(user)
    return client


def test_live_sessions_lists_active_sessions_only(staff_client, staff_user, bot):
    live = create_session(bot, started_by=staff_user, turn_count=3)
    create_session(
        bot, bot_name="Old bot", status="completed", end_reason="client_ended"
    )

    response = staff_client.get(reverse("monitor:sessions"))

    assert response.status_code == 200
    rows = [row["session"] for row in response.context["rows"]]
    assert rows == [live]
    body = response.content.decode()
    assert "Support line" in body and "Old bot" not in body
    assert "staff" in body  # who
    assert "$0.012345" in body
    assert reverse("monitor:session", args=[live.pk]) in body
    assert reverse("monitor:session_end", args=[live.pk]) in body


def test_live_sessions_shows_the_caller_of_a_phone_session(staff_client, bot):
    create_session(bot, channel="phone", caller="+15551234567")
    body = staff_client.get(reverse("monitor:sessions")).content.decode()
    assert "+15551234567" in body


def test_live_sessions_sends_anonymous_users_to_the_login(client):
    response = client.get(reverse("monitor:sessions"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_live_sessions_refuses_staff_without_view_permission(django_user_model):
    client = staff_with(django_user_model)
    assert client.get(reverse("monitor:sessions")).status_code == 403


def test_view_only_staff_sees_no_end_button(django_user_model, bot):
    session = create_session(bot)
    client = staff_with(django_user_model, "view_session")
    body = client.get(reverse("monitor:sessions")).content.decode()
    assert reverse("monitor:session", args=[session.pk]) in body
    assert reverse("monitor:session_end", args=[session.pk]) not in body


def test_session_page_shows_stored_transcript_and_live_feed_path(staff_client, bot):
    session = create_session(bot)
    create_item(session, 1, role="user", text="Where is my order?")
    create_item(session, 2, role="assistant", text="It ships tomorrow.")

    response = staff_client.get(reverse("monitor:session", args=[session.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert body.index("Where is my order?") < body.index("It ships tomorrow.")
    assert f'data-ws-path="/ws/monitor/sessions/{session.pk}/"' in body
    assert 'data-active="true"' in body
    assert "monitor/live.js" in body


def test_session_page_of_an_unknown_session_is_404(staff_client):
    url = reverse("monitor:session", args=["00000000-0000-4000-8000-000000000000"])
    assert staff_client.get(url).status_code == 404


def test_end_session_asks_the_worker_through_the_session_group(
    staff_client, bot, monkeypatch
):
    session = create_session(bot)
    sent = []

    async def group_send(group, message):
        sent.append((group, message))

    layer = get_channel_layer()
    monkeypatch.setattr(layer, "group_send", group_send)
    # The worker answers by ending the row: simulate it at the first database check.
    real_is_active = services._is_active

    def worker_ends(s):
        Session.objects.filter(pk=s.pk).update(status="completed", end_reason="admin")
        return real_is_active(s)

    monkeypatch.setattr(services, "_is_active", worker_ends)

    response = staff_client.post(reverse("monitor:session_end", args=[session.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("monitor:sessions")
    assert sent == [(session.group_name, {"type": "session.end", "reason": "admin"})]
    session.refresh_from_db()
    assert session.end_detail == ""  # ended by the worker, not marked stale
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("was ended" in m for m in messages)


def test_end_session_without_a_live_worker_marks_the_row_ended(
    staff_client, bot, monkeypatch
):
    session = create_session(bot)
    monkeypatch.setattr(services, "END_WAIT_S", 0.3)
    layer = get_channel_layer()
    watcher = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(watch_group(session.group_name), watcher)

    response = staff_client.post(reverse("monitor:session_end", args=[session.pk]))

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == "failed"
    assert session.end_reason == "admin"
    assert session.end_detail == "no live worker answered"
    assert session.ended_at is not None
    event = async_to_sync(layer.receive)(watcher)["event"]
    assert event["type"] == "session.ended"
    assert event["reason"] == "admin"
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("No worker was running" in m for m in messages)


def test_end_session_of_an_ended_session_changes_nothing(staff_client, bot):
    session = create_session(bot, status="completed", end_reason="client_ended")
    response = staff_client.post(reverse("monitor:session_end", args=[session.pk]))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.end_reason == "client_ended"


def test_end_session_needs_the_change_permission(django_user_model, bot):
    session = create_session(bot)
    client = staff_with(django_user_model, "view_session")
    response = client.post(reverse("monitor:session_end", args=[session.pk]))
    assert response.status_code == 403
    session.refresh_from_db()
    assert session.status == "active"


def test_end_session_refuses_get(staff_client, bot):
    session = create_session(bot)
    response = staff_client.get(reverse("monitor:session_end", args=[session.pk]))
    assert response.status_code == 405


def test_end_session_needs_a_csrf_token(staff_user, bot):
    session = create_session(bot)
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    response = client.post(reverse("monitor:session_end", args=[session.pk]))
    assert response.status_code == 403
    session.refresh_from_db()
    assert session.status == "active"


def test_session_changelist_links_to_the_live_sessions(staff_client):
    response = staff_client.get(reverse("admin:botbuilder_session_changelist"))
    assert response.status_code == 200
    assert f'href="{reverse("monitor:sessions")}"' in response.content.decode()
