"""The speaker admin (program/admin/speakers.py): search, the talks of a speaker, the
talk inline's autocomplete, and text stored as typed."""

import unicodedata

import pytest

from program.models import Speaker
from tests.admin.helpers import admin_url, form_data, inline_rows, prepopulated, titles
from tests.factories import SpeakerFactory, TalkFactory, local

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("lovelace", ["Ada Lovelace"]),
        ("Cambridge", ["Alan Turing"]),
        ("compilers", ["Grace Hopper"]),
        ("", ["Ada Lovelace", "Alan Turing", "Grace Hopper"]),
    ],
)
def test_speaker_search_covers_name_affiliation_and_bio(organiser_client, term, expected):
    SpeakerFactory(name="Ada Lovelace", affiliation="Analytical Engines", bio="Notes.")
    SpeakerFactory(name="Alan Turing", affiliation="University of Cambridge", bio="Machines.")
    SpeakerFactory(name="Grace Hopper", affiliation="US Navy", bio="She wrote compilers.")

    response = organiser_client.get(admin_url("speaker"), {"q": term})

    assert titles(response) == expected


def test_speaker_add_page_prepopulates_the_slug(organiser_client):
    response = organiser_client.get(admin_url("speaker", "add"))

    content = response.content.decode()
    assert "<h1>Add speaker</h1>" in content
    assert prepopulated(response) == {"slug": ["name"]}


def test_speaker_change_page_lists_talks_with_their_edition(organiser_client, edition, ballroom):
    speaker = SpeakerFactory(name="Yuhan Liu", affiliation="University of Chicago")
    talk = TalkFactory(
        conference=edition,
        room=ballroom,
        title="KV Caches",
        start=local("2026-05-19", 14),
        end=local("2026-05-19", 14, 45),
        speakers=[speaker],
    )

    response = organiser_client.get(admin_url("speaker", "change", speaker.pk))

    content = response.content.decode()
    assert 'name="affiliation" value="University of Chicago"' in content
    assert "Talks of this speaker" in content
    assert f'<a href="/admin/program/talk/{talk.pk}/change/">KV Caches</a>' in content
    assert inline_rows(response, "talk_links-group") == [
        ["KV Caches", "MLSys 2026", "Tuesday, May 19, 2:00–2:45 PM PDT", "Grand Ballroom 1"]
    ]


def test_speaker_autocomplete_for_the_talk_inline_finds_by_name(organiser_client):
    ada = SpeakerFactory(name="Ada Lovelace")
    SpeakerFactory(name="Alan Turing")

    response = organiser_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "program",
            "model_name": "talkspeaker",
            "field_name": "speaker",
            "term": "love",
        },
    )

    assert response.json()["results"] == [{"id": str(ada.pk), "text": "Ada Lovelace"}]


def autocomplete(client, term):
    response = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "program",
            "model_name": "talkspeaker",
            "field_name": "speaker",
            "term": term,
        },
    )
    return [result["text"] for result in response.json()["results"]]


def test_speaker_autocomplete_lists_names_that_start_with_it_then_names_then_the_rest(
    organiser_client,
):
    SpeakerFactory(name="Aaron Bio", affiliation="Lab", bio="Works with Kim Lee on kernels.")
    SpeakerFactory(name="Abigail Affiliation", affiliation="Kimura Institute", bio="")
    SpeakerFactory(name="Joachim Kimball", bio="")
    SpeakerFactory(name="KIM Ahn", bio="")
    SpeakerFactory(name="Kimberly Díaz", bio="")
    SpeakerFactory(name="Zoë Ékim", bio="")  # a name holding it, accents ignored
    SpeakerFactory(name="Leeann Kim", bio="")

    assert autocomplete(organiser_client, "kim") == [
        "KIM Ahn",
        "Kimberly Díaz",
        "Joachim Kimball",
        "Leeann Kim",
        "Zoë Ékim",
        "Aaron Bio",
        "Abigail Affiliation",
    ]
    assert autocomplete(organiser_client, "kim lee") == ["Leeann Kim", "Aaron Bio"]
    assert autocomplete(organiser_client, "leeann k") == ["Leeann Kim"]
    assert autocomplete(organiser_client, "DIAZ") == ["Kimberly Díaz"]


def test_typed_text_is_stored_nfc_and_trimmed(organiser_client):
    page = organiser_client.get(admin_url("speaker", "add"))
    decomposed = unicodedata.normalize("NFD", "Guillermo Pérez")

    response = organiser_client.post(
        admin_url("speaker", "add"),
        form_data(
            page,
            "speaker_form",
            {
                "name": f"  {decomposed} ",
                "slug": "guillermo-perez",
                "affiliation": unicodedata.normalize("NFD", "École polytechnique"),
                "bio": "Première ligne\r\n\r\nSeconde ",
            },
        ),
    )

    assert response.status_code == 302
    speaker = Speaker.objects.get()
    assert (speaker.name, speaker.affiliation, speaker.bio) == (
        "Guillermo P\u00e9rez",
        "\u00c9cole polytechnique",
        "Premi\u00e8re ligne\n\nSeconde",
    )
