"""Talk resources (slides, video, paper, poster, code, other) read from imported files."""

import io
import json
import socket

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from program.models import Resource, Talk
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


# 31C3's frab export, cut to one event: links written without a scheme, as frab accepted.
NO_SCHEME_XML = """<?xml version="1.0" encoding="utf-8"?>
<schedule>
  <conference>
    <acronym>31c3</acronym><title>31C3</title>
    <start>2014-12-27</start><end>2014-12-30</end>
  </conference>
  <day date="2014-12-29" index="3" start="2014-12-29T11:00:00+01:00"
       end="2014-12-30T04:00:00+01:00">
    <room name="Saal G">
      <event guid="1b94e8d4-7d51-4d22-a0e9-6e4b41cd4b7a" id="6217">
        <date>2014-12-29T17:15:00+01:00</date><start>17:15</start><duration>00:30</duration>
        <room>Saal G</room><title>Mr Beam</title><type>lecture</type>
        <persons><person id="1">Teja Philipp</person></persons>
        <links>
          <link href="www.mr-beam.org">Mr Beam - a DIY laser cutter &amp; engraver kit</link>
          <link href="flickr.com/derpoly">Flickr Gallery</link>
          <link href="see the wiki">Wiki</link>
          <link href="https://github.com/mrbeam">Code</link>
        </links>
      </event>
    </room>
  </day>
</schedule>
"""

NO_SCHEME_NOTES = [
    "Event 6217 “Mr Beam”, links: “www.mr-beam.org” has no scheme: imported as "
    "https://www.mr-beam.org",
    "Event 6217 “Mr Beam”, links: “flickr.com/derpoly” has no scheme: imported as "
    "https://flickr.com/derpoly",
    "Event 6217 “Mr Beam”, links: “see the wiki” is not a web address: left out",
]


def test_frab_links_without_a_scheme_are_completed_or_left_out_and_said(tmp_path):
    path = write(tmp_path, "schedule.xml", NO_SCHEME_XML)

    preview = run_import(path, "--timezone", "Europe/Berlin", "--dry-run")
    result = run_import(path, "--timezone", "Europe/Berlin")

    talk = Talk.objects.get(conference__slug="31c3")
    assert list(talk.resources.values_list("url", "title")) == [
        ("https://www.mr-beam.org", "Mr Beam - a DIY laser cutter & engraver kit"),
        ("https://flickr.com/derpoly", "Flickr Gallery"),
        ("https://github.com/mrbeam", ""),  # a title naming its kind (code) is the kind
    ]
    for output in (preview, result):
        assert all(note in output for note in NO_SCHEME_NOTES)


def test_a_spreadsheet_link_without_a_scheme_is_still_a_problem_to_correct(tmp_path, edition):
    # Organisers write their spreadsheets: the import asks them, rather than guessing.
    path = write(
        tmp_path,
        "program.csv",
        HEADER + 'Opening,keynote,2026-05-18,09:00,09:45,Hall,Ion Stoica,,"paper: example.org/p"\n',
    )

    with pytest.raises(CommandError) as raised:
        run_import(path, "--conference", "2026")

    assert "“example.org/p” is not a web address starting with http://" in str(raised.value)


def test_31c3_imports_whole_with_its_five_links_completed(shared_dir):
    path = shared_dir / "formats" / "frab" / "examples" / "real" / "31c3-frab.schedule.xml"

    output = run_import(path, "--timezone", "Europe/Berlin")

    talks = Talk.objects.filter(conference__slug="31c3")
    assert talks.count() == 138
    completed = [
        line.split(" imported as ")[1] for line in output.splitlines() if "has no scheme" in line
    ]
    assert completed == [
        "https://www.mr-beam.org",
        "https://www.axoloti.be",
        "https://themachinetobeanother.org",
        "https://flickr.com/derpoly",
        "https://twitter.com/ploynog",
    ]
    stored = set(Resource.objects.filter(talk__in=talks).values_list("url", flat=True))
    assert set(completed) <= stored
    assert output.count("has no scheme: imported as https://") == 5
