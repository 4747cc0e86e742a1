"""One build per data version and response, whatever the method and encoding
(machinery/responses.py: cached_or_built claims the plain copy; HEAD is kept as GET).

A HEAD once claimed the build after a write, stored nothing, and every GET waiting for it
then built the page itself (12 to 14 builds on 4 workers of 4 threads), and each encoding
claimed a build of its own.
"""

import threading
import time

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory

from program.machinery import data_version
from program.machinery.responses import cached
from program.models import Speaker

pytestmark = pytest.mark.django_db

ENCODINGS = ["gzip, deflate, br", "gzip", "identity", "br;q=0, gzip", "br"]


def test_a_head_then_64_concurrent_gets_of_every_encoding_build_once(monkeypatch):
    # A write has just moved the version: nothing is kept under it yet.
    monkeypatch.setattr(data_version, "current", lambda: 1_000_001)
    entered, release = threading.Event(), threading.Event()
    builds = []

    def page(request):
        builds.append(request.method)
        entered.set()
        release.wait(10)
        return HttpResponse("<p>The program</p>" * 50)

    view = cached(page)
    answers = {}

    def ask(name, method, accept):
        request = getattr(RequestFactory(), method)("/2026/program/", HTTP_ACCEPT_ENCODING=accept)
        answers[name] = view(request)

    head = threading.Thread(target=ask, args=("head", "head", "gzip, br"))
    head.start()
    assert entered.wait(10)  # the HEAD holds the build
    gets = [
        threading.Thread(target=ask, args=(number, "get", ENCODINGS[number % len(ENCODINGS)]))
        for number in range(64)
    ]
    for thread in gets:
        thread.start()
    time.sleep(0.3)  # the GETs find the build claimed and wait for it
    release.set()
    for thread in [head, *gets]:
        thread.join(15)

    assert builds == ["HEAD"]
    assert len(answers) == 65
    assert {answers[number].get("Content-Encoding") for number in range(0, 64, 5)} == {"br"}
    assert {answers[number].get("Content-Encoding") for number in range(1, 64, 5)} == {"gzip"}
    assert {answers[number].get("Content-Encoding") for number in range(2, 64, 5)} == {None}
    assert len({answer["ETag"] for answer in answers.values()}) == 3  # br, gzip, identity


def test_a_head_request_keeps_the_answer_for_the_gets(client, program, django_assert_num_queries):
    Speaker.objects.filter(slug="yuhan-liu").update(name="Yuhan L. Liu")  # a write

    head = client.head("/2026/program/", HTTP_ACCEPT_ENCODING="br")
    with django_assert_num_queries(1):  # the data version: the HEAD's build was kept
        get = client.get("/2026/program/", HTTP_ACCEPT_ENCODING="br")
    with django_assert_num_queries(1):
        head_again = Client().head("/2026/program/", HTTP_ACCEPT_ENCODING="br")

    assert (head.status_code, head.content, get.status_code) == (200, b"", 200)
    assert head["ETag"] == get["ETag"] == head_again["ETag"]
    assert head["Content-Encoding"] == get["Content-Encoding"] == "br"
    assert head["Content-Length"] == get["Content-Length"] == str(len(get.content))
    assert head_again.content == b""
