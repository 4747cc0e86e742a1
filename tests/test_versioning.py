"""Versioned whole-edition responses (program/versioning.py) keep only what anyone may see."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.cache import patch_cache_control

from program.versioning import versioned
from tests.factories import ConferenceFactory

pytestmark = pytest.mark.django_db


def counting_view(cache_control):
    calls = []

    def view(request, edition):
        calls.append(edition)
        response = HttpResponse(f"built {len(calls)}")
        if cache_control:
            patch_cache_control(response, **cache_control)
        return response

    return versioned(view), calls


def test_a_public_response_is_built_once_per_version():
    ConferenceFactory(slug="2026")
    view, calls = counting_view({})

    first = view(RequestFactory().get("/2026/program/"), edition="2026")
    second = view(RequestFactory().get("/2026/program/"), edition="2026")

    assert (first.content, second.content) == (b"built 1", b"built 1")
    assert calls == ["2026"]
    assert first["ETag"] == second["ETag"]


@pytest.mark.parametrize(
    "cache_control", [{"private": True, "no_store": True}, {"private": True}, {"no_store": True}]
)
def test_a_private_or_no_store_response_is_never_kept_nor_tagged(cache_control):
    ConferenceFactory(slug="2026")
    view, calls = counting_view(cache_control)

    first = view(RequestFactory().get("/2026/program/"), edition="2026")
    second = view(RequestFactory().get("/2026/program/"), edition="2026")

    assert (first.content, second.content) == (b"built 1", b"built 2")
    assert calls == ["2026", "2026"]
    assert not first.has_header("ETag")
