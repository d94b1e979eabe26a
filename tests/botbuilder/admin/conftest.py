"""Admin fixtures: staff members with chosen permissions."""

import pytest
from django.contrib.auth.models import Permission


def staff_with(django_user_model, username: str, *codenames: str):
    user = django_user_model.objects.create_user(
        username, password="pw-x-123", is_staff=True
    )
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="botbuilder", codename__in=codenames
        )
    )
    return user


@pytest.fixture
def plain_staff_client(client, django_user_model):
    """Staff, but no permission on any bot builder model."""
    client.force_login(staff_with(django_user_model, "plain"))
    return client


@pytest.fixture
def viewer_client(client, django_user_model):
    """Staff who may only view bots."""
    client.force_login(staff_with(django_user_model, "viewer", "view_bot"))
    return client
