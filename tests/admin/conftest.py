"""Fixtures of the admin tests: an organiser logged in, the edition MLSys 2026 and its
ballroom."""

import pytest

from tests.factories import ConferenceFactory, RoomFactory


@pytest.fixture
def organiser_client(client, django_user_model):
    """A client logged in as a staff superuser (no password: hashing one is slow)."""
    organiser = django_user_model.objects.create_superuser("organiser", "org@example.org", None)
    client.force_login(organiser)
    return client


@pytest.fixture
def edition():
    return ConferenceFactory(slug="2026", name="MLSys 2026", is_current=True)


@pytest.fixture
def ballroom(edition):
    return RoomFactory(conference=edition, name="Grand Ballroom 1", slug="grand-ballroom-1")
