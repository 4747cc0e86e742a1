"""The talk type admin (program/admin/talk_types.py)."""

import pytest

from tests.admin.helpers import admin_url, prepopulated, titles
from tests.factories import TalkTypeFactory

pytestmark = pytest.mark.django_db


def test_talk_type_changelist_add_and_change_pages(organiser_client):
    keynote = TalkTypeFactory(slug="keynote", name="Keynote")

    listing = organiser_client.get(admin_url("talktype"), {"q": "keyn"})
    adding = organiser_client.get(admin_url("talktype", "add"))
    changing = organiser_client.get(admin_url("talktype", "change", keynote.pk))

    assert titles(listing) == ["Keynote"]
    assert '<td class="field-slug">keynote</td>' in listing.content.decode()
    assert prepopulated(adding) == {"slug": ["name"]}
    assert 'name="name" value="Keynote"' in changing.content.decode()
