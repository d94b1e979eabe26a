"""Fixtures for every botbuilder test."""

import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Password hashing is not under test here; the default hasher takes ~0.3 s per user."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
