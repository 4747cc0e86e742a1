"""Talk resources (slides, video, paper, poster, code, other): admin, pages, imports."""

import io
import json
import socket

import lxml.html
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError

from program.models import Resource, Talk
from tests.admin.conftest import organiser_client  # noqa: F401
from tests.admin.helpers import admin_url, form_data
from tests.factories import (
    ConferenceFactory,
    ResourceFactory,
    RoomFactory,
    SpeakerFactory,
    TalkFactory,
    TalkTypeFactory,
    local,
)
from tests.importers.test_imports import database_snapshot, run_import, write

pytestmark = pytest.mark.django_db


@pytest.fixture
def talk():
    conference = ConferenceFactory(slug="2026", name="MLSys 2026")
    return TalkFactory(
        conference=conference,
        title="LMCache",
        slug="lmcache",
        type=TalkTypeFactory(slug="invited-talk", name="Invited Talk"),
        room=RoomFactory(conference=conference, name="Grand Ballroom 1"),
        start=local("2026-05-18", 9, 50),
        speakers=[SpeakerFactory(name="Yuhan Liu")],
    )


def page(response):
    return lxml.html.fromstring(response.content.decode())


# Admin ----------------------------------------------------------------------------------------


def resource_data(page_response, rows):
    changes = {"resources-TOTAL_FORMS": str(len(rows))}
    for index, (kind, url, title, position) in enumerate(rows):
        changes |= {
            f"resources-{index}-kind": kind,
            f"resources-{index}-url": url,
            f"resources-{index}-title": title,
            f"resources-{index}-position": str(position),
        }
    return form_data(page_response, "talk_form", changes)


def test_admin_adds_resources_inline_in_their_order(organiser_client, talk):  # noqa: F811
    url = admin_url("talk", "change", talk.pk)
    form = organiser_client.get(url)

    response = organiser_client.post(
        url,
        resource_data(
            form,
            [
                ("video", "https://video.example.org/lmcache", "Recording", 1),
                ("slides", "https://slides.example.org/lmcache.pdf", "", 0),
            ],
        ),
    )

    assert response.status_code == 302
    assert list(talk.resources.values_list("kind", "url", "title")) == [
        ("slides", "https://slides.example.org/lmcache.pdf", ""),
        ("video", "https://video.example.org/lmcache", "Recording"),
    ]
    shown = organiser_client.get(url).context["inline_admin_formsets"][1].formset
    assert [form.instance.url for form in shown.forms] == [
        "https://slides.example.org/lmcache.pdf",
        "https://video.example.org/lmcache",
    ]


def test_admin_reads_an_address_without_scheme_as_https(organiser_client, talk):  # noqa: F811
    url = admin_url("talk", "change", talk.pk)
    form = organiser_client.get(url)

    organiser_client.post(url, resource_data(form, [("paper", "papers.example.org/1", "", 0)]))

    assert list(talk.resources.values_list("url", flat=True)) == ["https://papers.example.org/1"]


@pytest.mark.parametrize(
    ("address", "message"),
    [
        (
            "ftp://files.example.org/slides.pdf",
            "Enter a web address that starts with http:// or https://.",
        ),
        ("javascript:alert(1)", "Enter a valid URL."),
        ("not a link", "Enter a valid URL."),
    ],
)
def test_admin_refuses_a_resource_that_is_not_a_web_link(
    organiser_client,  # noqa: F811
    talk,
    address,
    message,
):
    url = admin_url("talk", "change", talk.pk)
    form = organiser_client.get(url)

    response = organiser_client.post(url, resource_data(form, [("slides", address, "", 0)]))

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][1].formset.errors == [{"url": [message]}]
    assert not Resource.objects.exists()


def test_database_refuses_a_resource_that_is_not_a_web_link(talk):
    with pytest.raises(IntegrityError):
        Resource.objects.create(talk=talk, kind="slides", url="javascript:alert(1)")


# Pages ----------------------------------------------------------------------------------------


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


# Imports --------------------------------------------------------------------------------------

HEADER = "title,type,date,start,end,room,speakers,abstract,resources\n"


@pytest.fixture
def edition():
    TalkTypeFactory(slug="keynote", name="Keynote")
    return ConferenceFactory(slug="2026", name="MLSys 2026")


def test_spreadsheet_resources_column_adds_resources_in_order(tmp_path, edition):
    path = write(
        tmp_path,
        "program.csv",
        HEADER + "Opening,keynote,2026-05-18,09:00,09:45,Hall,Ion Stoica,,"
        '"slides: https://slides.example.org/open.pdf; Video: https://video.example.org/?v=1;"\n',
    )

    run_import(path, "--conference", "2026")
    again = run_import(path, "--conference", "2026")

    talk = Talk.objects.get(slug="opening")
    assert list(talk.resources.values_list("kind", "url", "title", "position")) == [
        ("slides", "https://slides.example.org/open.pdf", "", 0),
        ("video", "https://video.example.org/?v=1", "", 1),
    ]
    assert "Talks: 0 created, 0 updated, 1 unchanged." in again


def test_import_adds_resources_and_keeps_those_added_in_the_admin(tmp_path, edition):
    talk = TalkFactory(
        conference=edition,
        title="Opening",
        slug="opening",
        type=edition.talks.model.type.field.related_model.objects.get(slug="keynote"),
        start=local("2026-05-18", 9),
        end=local("2026-05-18", 9, 45),
        room=RoomFactory(conference=edition, name="Hall"),
        speakers=[SpeakerFactory(name="Ion Stoica")],
    )
    ResourceFactory(talk=talk, kind="paper", url="https://papers.example.org/1", position=0)
    ResourceFactory(talk=talk, kind="other", url="https://slides.example.org/open.pdf", position=1)
    path = write(
        tmp_path,
        "program.csv",
        HEADER + "Opening,keynote,2026-05-18,09:00,09:45,Hall,Ion Stoica,We open.,"
        "slides: https://slides.example.org/open.pdf; code: https://code.example.org/x\n",
    )

    output = run_import(path, "--conference", "2026")

    assert list(talk.resources.values_list("kind", "url", "position")) == [
        ("paper", "https://papers.example.org/1", 0),
        ("slides", "https://slides.example.org/open.pdf", 1),
        ("code", "https://code.example.org/x", 2),
    ]
    assert "(changed: abstract, resources)" in output


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        ("slide: https://example.org/s.pdf", "Row 2, resources: “slide” is not a kind of resource "
         "(slides, video, paper, poster, code, other)"),
        ("https://example.org/s.pdf", "Row 2, resources: “https://example.org/s.pdf” has no kind: "
         "write kind: URL, such as slides: https://example.org/slides.pdf"),
        ("video: javascript:alert(1)", "Row 2, resources: “javascript:alert(1)” is not a web "
         "address starting with http:// or https://"),
        ("paper: example.org/paper.pdf", "Row 2, resources: “example.org/paper.pdf” is not a web "
         "address starting with http:// or https://"),
    ],
)  # fmt: skip
def test_spreadsheet_bad_resource_changes_nothing(tmp_path, edition, cell, problem):
    path = write(
        tmp_path,
        "program.csv",
        HEADER + f'Opening,keynote,2026-05-18,09:00,09:45,Hall,Ion Stoica,,"{cell}"\n',
    )
    before = database_snapshot()

    with pytest.raises(CommandError) as raised:
        run_import(path, "--conference", "2026")

    assert database_snapshot() == before
    assert str(raised.value).splitlines() == ["Nothing was imported: 1 problem.", f"  {problem}"]


FRAB_XML = """<?xml version="1.0" encoding="utf-8"?>
<schedule>
  <conference>
    <acronym>linkconf</acronym><title>Link Conf</title>
    <start>2026-02-01</start><end>2026-02-01</end>
    <time_zone_name>Europe/Brussels</time_zone_name>
    <base_url>https://pretalx.example.org/linkconf/</base_url>
  </conference>
  <day index="1" date="2026-02-01"
       start="2026-02-01T06:00:00+01:00" end="2026-02-02T06:00:00+01:00">
    <room name="Main Hall">
      <event id="1" guid="not-a-uuid">
        <date>2026-02-01T10:00:00+01:00</date><start>10:00</start><duration>00:30</duration>
        <room>Main Hall</room><title>Linked talk</title><type>Talk</type><abstract/>
        <persons><person id="7">Ada Lovelace</person></persons>
        <links>
          <link href="https://slides.example.org/linked.pdf" type="slides">Slides</link>
          <link href="https://media.example.org/v/linked">Recording on the media site</link>
          <link href="https://posters.example.org/linked.png" type="related">Poster</link>
        </links>
        <attachments>
          <attachment href="/media/linkconf/submissions/paper.pdf" type="paper">Paper</attachment>
        </attachments>
      </event>
    </room>
  </day>
</schedule>
"""


def test_frab_xml_links_and_attachments_become_resources(tmp_path):
    run_import(write(tmp_path, "schedule.xml", FRAB_XML))

    talk = Talk.objects.get(conference__slug="linkconf")
    assert list(talk.resources.values_list("kind", "url", "title")) == [
        ("slides", "https://slides.example.org/linked.pdf", ""),
        ("other", "https://media.example.org/v/linked", "Recording on the media site"),
        ("poster", "https://posters.example.org/linked.png", ""),
        ("paper", "https://pretalx.example.org/media/linkconf/submissions/paper.pdf", ""),
    ]


def frab_json(links):
    return json.dumps(
        {
            "schedule": {
                "version": "1",
                "base_url": "https://pretalx.example.org/",
                "conference": {
                    "acronym": "jsonconf",
                    "title": "JSON Conf",
                    "start": "2026-02-01",
                    "end": "2026-02-01",
                    "time_zone_name": "Europe/Brussels",
                    "days": [
                        {
                            "index": 1,
                            "date": "2026-02-01",
                            "day_start": "2026-02-01T06:00:00+01:00",
                            "rooms": {
                                "Hall": [
                                    {
                                        "id": 1,
                                        "guid": "x",
                                        "date": "2026-02-01T10:00:00+01:00",
                                        "start": "10:00",
                                        "duration": "00:30",
                                        "room": "Hall",
                                        "title": "JSON talk",
                                        "type": "Talk",
                                        "abstract": "",
                                        "persons": [
                                            {
                                                "public_name": "Grace Hopper",
                                                "avatar": "https://avatars.example.org/grace.jpg",
                                            }
                                        ],
                                        **links,
                                    }
                                ]
                            },
                        }
                    ],
                },
            }
        }
    )


def test_frab_json_links_and_attachments_become_resources(tmp_path):
    links = {
        "links": [
            {"type": "media", "url": "https://media.example.org/v/1", "title": "Video"},
            {"type": "web", "url": "https://code.example.org/repo", "title": "Code"},
            "https://blog.example.org/post",
        ],
        "attachments": [{"url": "/media/slides.pdf", "title": "Slides", "type": "slides"}],
    }

    run_import(write(tmp_path, "schedule.json", frab_json(links)))

    talk = Talk.objects.get(conference__slug="jsonconf")
    assert list(talk.resources.values_list("kind", "url", "title")) == [
        ("video", "https://media.example.org/v/1", ""),
        ("code", "https://code.example.org/repo", ""),
        ("other", "https://blog.example.org/post", ""),
        ("slides", "https://pretalx.example.org/media/slides.pdf", ""),
    ]


def test_frab_link_that_is_not_a_web_address_changes_nothing(tmp_path):
    links = {"links": [{"type": "slides", "url": "file:///etc/passwd", "title": "Slides"}]}
    before = database_snapshot()

    with pytest.raises(CommandError) as raised:
        run_import(write(tmp_path, "schedule.json", frab_json(links)))

    assert database_snapshot() == before
    assert str(raised.value).splitlines()[1:] == [
        "  Event 1 “JSON talk”, links: “file:///etc/passwd” is not a web address starting with "
        "http:// or https://"
    ]


def test_imports_never_fetch_anything_from_the_file_s_urls(tmp_path, monkeypatch):
    """Links, attachments and avatars are only read as text: no connection is ever opened."""
    opened = []

    def refuse(*args, **kwargs):
        opened.append(args)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    links = {"links": [{"type": "slides", "url": "https://slides.example.org/a.pdf"}]}

    call_command(
        "import_schedule", str(write(tmp_path, "schedule.json", frab_json(links))),
        stdout=io.StringIO(),
    )  # fmt: skip

    assert opened == []
    speaker = Talk.objects.get(conference__slug="jsonconf").speakers.get()
    assert (speaker.name, speaker.photo.name) == ("Grace Hopper", "")
