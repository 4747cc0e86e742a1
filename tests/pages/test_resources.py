"""Talk resources (slides, video, paper, poster, code, other) on the public pages.

The admin's resource inline is tested in tests/admin/test_talks.py, imports of resources in
tests/importers/test_resources.py."""

import json

import lxml.html
import pytest

from program.models import Resource
from tests.factories import (
    ResourceFactory,
    TalkFactory,
    lmcache_talk,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def talk():
    return lmcache_talk()


def page(response):
    return lxml.html.fromstring(response.content.decode())


def test_talk_page_lists_resources_with_words_icons_and_hosts(client, talk):
    ResourceFactory(talk=talk, kind="video", url="https://www.video.example.org/1", position=1)
    ResourceFactory(
        talk=talk, kind="slides", url="https://slides.example.org/1.pdf", title="Deck", position=0
    )
    ResourceFactory(talk=TalkFactory(conference=talk.conference), kind="paper")

    response = client.get("/2026/talks/lmcache/")

    tree = page(response)
    items = tree.xpath("//section[@aria-labelledby='materials-heading']//li")
    assert [" ".join(item.text_content().split()) for item in items] == [
        "Slides: Deck slides.example.org",
        "Video video.example.org",
    ]
    assert [item.xpath("a/@href")[0] for item in items] == [
        "https://slides.example.org/1.pdf",
        "https://www.video.example.org/1",
    ]
    assert [item.xpath("a/svg/use/@href")[0] for item in items] == ["#icon-slides", "#icon-video"]
    assert tree.xpath("//svg[@class='icon']/@aria-hidden") == ["true", "true"]
    assert len(tree.xpath("//symbol[@id='icon-slides']")) == 1


def test_talk_page_without_resources_has_no_materials_section(client, talk):
    response = client.get("/2026/talks/lmcache/")

    assert page(response).xpath("//*[@id='materials-heading']") == []


def test_program_row_marks_talks_with_slides_or_a_video(client, talk):
    conference = talk.conference
    video_only = TalkFactory(conference=conference, slug="video-only")
    paper_only = TalkFactory(conference=conference, slug="paper-only")
    ResourceFactory(talk=talk, kind="slides")
    ResourceFactory(talk=talk, kind="video")
    ResourceFactory(talk=video_only, kind="video")
    ResourceFactory(talk=paper_only, kind="paper")

    response = client.get("/2026/program/")

    marks = {
        row.get("data-talk-slug"): [
            " ".join(mark.text_content().split())
            for mark in row.xpath(".//p[@class='talk-materials']")
        ]
        for row in page(response).xpath("//*[@data-talk-slug]")
    }
    assert marks == {
        "lmcache": ["Materials: Slides Video"],
        "video-only": ["Materials: Video"],
        "paper-only": [],
    }


def test_program_is_rebuilt_when_a_resource_is_added_or_removed(client, talk):
    built = client.get("/2026/program/")
    resource = ResourceFactory(talk=talk, kind="slides")

    added = client.get("/2026/program/", HTTP_IF_NONE_MATCH=built["ETag"])
    Resource.objects.filter(pk=resource.pk).delete()
    removed = client.get("/2026/program/", HTTP_IF_NONE_MATCH=added["ETag"])

    assert (added.status_code, removed.status_code) == (200, 200)
    assert b"talk-materials" in added.content
    assert b"talk-materials" not in removed.content


def test_talk_json_ld_names_its_resources(client, talk):
    for position, kind in enumerate(["slides", "video", "paper", "poster", "code", "other"]):
        ResourceFactory(talk=talk, kind=kind, url=f"https://example.org/{kind}", position=position)
    Resource.objects.filter(kind="paper").update(title="Preprint")

    response = client.get("/2026/talks/lmcache/")

    data = json.loads(page(response).xpath("//script[@type='application/ld+json']")[0].text)
    assert data["recordedIn"] == [
        {"@type": "VideoObject", "name": "Video", "url": "https://example.org/video"}
    ]
    assert data["subjectOf"] == [
        {
            "@type": "PresentationDigitalDocument",
            "name": "Slides",
            "url": "https://example.org/slides",
        },
        {"@type": "ScholarlyArticle", "name": "Preprint", "url": "https://example.org/paper"},
        {"@type": "Poster", "name": "Poster", "url": "https://example.org/poster"},
        {"@type": "SoftwareSourceCode", "name": "Code", "url": "https://example.org/code"},
        {"@type": "CreativeWork", "name": "Other", "url": "https://example.org/other"},
    ]
