"""The admin refuses control characters and lone surrogates in every text field of the
program's models, naming the field (program/admin/text.py)."""

import pytest

from program.admin import admin
from program.admin.text import StorableTextMixin
from program.models import Conference, Room, Speaker, Talk, TalkType, Track
from tests.admin.helpers import admin_url, form_data
from tests.factories import RoomFactory, SpeakerFactory, TalkFactory, local

pytestmark = pytest.mark.django_db

MESSAGE = "holds the control character U+0001, which no text here may hold: remove it."


@pytest.mark.parametrize(
    ("model", "form_id", "changes", "field", "label"),
    [
        ("room", "room_form", {"name": "Hall\x01 A", "slug": "hall-a"}, "name", "Name"),
        ("talktype", "talktype_form", {"name": "Key\x01note", "slug": "key-note"}, "name", "Name"),
        (
            "speaker",
            "speaker_form",
            {"name": "Ann", "slug": "ann", "bio": "Line\x01 one"},
            "bio",
            "Bio",
        ),
        (
            "track",
            "track_form",
            {"name": "Sys\x01tems", "slug": "systems", "colour": "#1d4ed8"},
            "name",
            "Name",
        ),
    ],
)
def test_text_with_a_control_character_is_refused_naming_the_field(
    organiser_client, edition, model, form_id, changes, field, label
):
    adding = organiser_client.get(admin_url(model, "add"))
    data = form_data(adding, form_id, {"conference": str(edition.pk), **changes})
    before = [model.objects.count() for model in (Room, TalkType, Speaker, Track)]

    response = organiser_client.post(admin_url(model, "add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {field: [f"{label} {MESSAGE}"]}
    assert [model.objects.count() for model in (Room, TalkType, Speaker, Track)] == before


def test_talk_title_with_a_lone_surrogate_or_an_escape_is_refused(organiser_client, edition):
    room = RoomFactory(conference=edition, name="Hall")
    talk = TalkFactory(conference=edition, room=room, title="Opening", start=local("2026-05-18", 9))
    talk.speakers.set([SpeakerFactory(name="Ann")])
    changing = organiser_client.get(admin_url("talk", "change", talk.pk))
    data = form_data(changing, "talk_form", {"title": "Open\x1bing", "abstract": "A\x7f."})

    response = organiser_client.post(admin_url("talk", "change", talk.pk), data)

    assert response.context["adminform"].form.errors == {
        "title": [
            "Title holds the control character U+001B, which no text here may hold: remove it."
        ],
        "abstract": [
            "Abstract holds the control character U+007F, which no text here may hold: remove it."
        ],
    }
    assert Talk.objects.get().title == "Opening"


def test_edition_inline_room_name_is_refused(organiser_client, edition):
    changing = organiser_client.get(admin_url("conference", "change", edition.pk))
    data = form_data(
        changing,
        "conference_form",
        {
            "rooms-TOTAL_FORMS": "1",
            "rooms-0-name": "Hall\x01",
            "rooms-0-slug": "hall",
            "rooms-0-position": "0",
        },
    )

    response = organiser_client.post(admin_url("conference", "change", edition.pk), data)

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.errors == [
        {"name": [f"Name {MESSAGE}"]}
    ]
    assert Conference.objects.get().rooms.count() == 0


def test_line_breaks_and_tabs_are_kept(organiser_client, edition):
    adding = organiser_client.get(admin_url("speaker", "add"))
    data = form_data(
        adding, "speaker_form", {"name": "Ann", "slug": "ann", "bio": "One\ttwo\n\nThree"}
    )

    response = organiser_client.post(admin_url("speaker", "add"), data)

    assert response.status_code == 302
    assert Speaker.objects.get().bio == "One\ttwo\n\nThree"


def test_every_program_admin_checks_its_text_fields():
    program_admins = [
        model_admin
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label == "program"
    ]
    inlines = [inline for model_admin in program_admins for inline in model_admin.inlines]

    assert len(program_admins) == 8
    assert len(inlines) == 5
    assert all(isinstance(model_admin, StorableTextMixin) for model_admin in program_admins)
    assert all(issubclass(inline, StorableTextMixin) for inline in inlines)
