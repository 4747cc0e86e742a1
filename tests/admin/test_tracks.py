"""The track admin (program/admin/tracks.py): the list with its colour swatches, colours
as #rrggbb, and a track in use kept."""

import datetime as dt
from urllib.parse import unquote

import lxml.html
import pytest

from program.models import Talk
from tests.admin.helpers import admin_url, form_data, prepopulated, titles
from tests.factories import ConferenceFactory, TalkFactory, TrackFactory

pytestmark = pytest.mark.django_db


def test_track_changelist_add_and_change_pages(organiser_client, edition):
    older = ConferenceFactory(slug="2025", name="MLSys 2025", start_date=dt.date(2025, 5, 12))
    TrackFactory(conference=older, name="Archive", colour="#047857")
    serving = TrackFactory(conference=edition, name="LLM Serving", colour="#b45309")

    listing = organiser_client.get(admin_url("track"))
    filtered = organiser_client.get(admin_url("track"), {"conference__id__exact": older.pk})
    adding = organiser_client.get(admin_url("track", "add"))
    changing = organiser_client.get(admin_url("track", "change", serving.pk))

    assert titles(listing) == ["LLM Serving", "Archive"]  # newest edition first
    assert titles(filtered) == ["Archive"]
    row = lxml.html.fromstring(listing.content.decode()).xpath("//td[@class='field-swatch']")[0]
    assert row.text_content().strip() == "#b45309"
    assert "fill='#b45309'" in unquote(row.xpath("img/@src")[0])
    assert prepopulated(adding) == {"slug": ["name"]}
    assert 'type="color" name="colour" value="#b45309"' in changing.content.decode()


def test_track_form_stores_the_colour_in_lower_case_and_refuses_a_non_colour(
    organiser_client, edition
):
    adding = organiser_client.get(admin_url("track", "add"))
    fields = {"conference": str(edition.pk), "name": "Systems", "slug": "systems"}

    refused = organiser_client.post(
        admin_url("track", "add"), form_data(adding, "track_form", {**fields, "colour": "blue"})
    )
    saved = organiser_client.post(
        admin_url("track", "add"), form_data(adding, "track_form", {**fields, "colour": "#1D4ED8"})
    )

    assert refused.context["adminform"].form.errors == {
        "colour": ["“blue” is not a colour written #rrggbb, such as #1d4ed8."]
    }
    assert saved.status_code == 302
    assert list(edition.tracks.values_list("slug", "colour")) == [("systems", "#1d4ed8")]


def test_a_track_in_use_cannot_be_deleted(organiser_client, edition, ballroom):
    serving = TrackFactory(conference=edition, name="LLM Serving")
    TalkFactory(conference=edition, room=ballroom, title="Batching", track=serving)

    response = organiser_client.post(admin_url("track", "delete", serving.pk), {"post": "yes"})

    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in (
        response.content.decode()
    )
    assert Talk.objects.get().track == serving
