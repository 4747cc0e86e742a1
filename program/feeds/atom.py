"""The changes of an edition as an Atom feed (RFC 4287), with Django's syndication framework.

Each entry is one change of the changes page (program/changes.py: added, moved, cancelled,
reinstated, removed, deleted), newest first. Entry ids are uuid5 URNs of the history
record, so a feed reader sees each change once whatever else changes (a talk moved to another
edition is one record and two entries, removed here and added there: the removal's id names
this feed too). In an edition that holds changes, a change comes with the release that made
it public: named in its summary, and as a category ``release-<number>``.

Materials added, changed or removed on public talks (program/material_changes.py) are
entries too ("Slides added: LMCache", category ``materials``), merged with the talks'
changes by time; their ids name the material's history record.
"""

import uuid
from typing import NamedTuple

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from program.changes import change_summary, describe_changes, edition_changes
from program.feeds.ids import NAMESPACE
from program.links import slug_url
from program.material_changes import MaterialChange, material_changes
from program.models import Conference
from program.outputs import xml_text

FEED_ENTRIES = 50


class FeedEntry(NamedTuple):
    change: object  # program.changes.Change or program.material_changes.MaterialChange
    summary: str
    changes_url: str  # the changes page, the link of a change whose talk is not public


class CleanAtom1Feed(Atom1Feed):
    """Atom whose text holds only what XML 1.0 can carry: Django's writer refuses a control
    character (a 500) where the data may hold one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **_xml_texts(kwargs))

    def add_item(self, *args, **kwargs):
        super().add_item(*args, **_xml_texts(kwargs))


def _xml_texts(values):
    return {
        key: xml_text(value) if isinstance(value, str) else value for key, value in values.items()
    }


class ChangesFeed(Feed):
    feed_type = CleanAtom1Feed

    def get_object(self, request, edition):
        return get_object_or_404(Conference.objects.published(), slug=edition)

    def title(self, conference):
        return f"{conference.name}: changes to the program"

    def subtitle(self, conference):
        return (
            f"Talks added, moved, cancelled, reinstated, removed and deleted at "
            f"{conference.name}, and their materials added, changed and removed, newest "
            f"first. Times are local to the venue "
            f"({conference.timezone})."
        )

    def link(self, conference):
        return reverse("program:changes", kwargs={"edition": conference.slug})

    def feed_url(self, conference):
        return reverse("program:changes-atom", kwargs={"edition": conference.slug})

    def feed_guid(self, conference):
        return uuid.uuid5(NAMESPACE, f"{conference.slug}/changes").urn

    def author_name(self, conference):
        return conference.name

    def items(self, conference):
        talk_url = slug_url("program:talk-detail", conference.slug)
        changes = describe_changes(
            edition_changes(conference)[:FEED_ENTRIES], conference, talk_url=talk_url
        )
        changes_url = self.link(conference)
        tz = conference.tzinfo
        entries = [FeedEntry(change, change_summary(change, tz), changes_url) for change in changes]
        entries += [
            FeedEntry(material, material.summary, changes_url)
            for material in material_changes(conference, talk_url=talk_url, limit=FEED_ENTRIES)
        ]
        # Newest first; sorted() is stable, so a talk's changes keep their order.
        entries = sorted(entries, key=lambda entry: entry.change.changed_at, reverse=True)
        return entries[:FEED_ENTRIES]

    def item_title(self, entry):
        return f"{entry.change.label}: {entry.change.title}"

    def item_description(self, entry):
        """The change's summary; a released change names its release (and its note)."""
        release = entry.change.release
        if release is None:
            return entry.summary
        note = f" {release.note}" if release.note else ""
        return f"Release {release.number}, “{release.name}”:{note} {entry.summary}"

    def item_link(self, entry):
        return entry.change.url or f"{entry.changes_url}#change-{entry.change.id}"

    def item_guid(self, entry):
        if isinstance(entry.change, MaterialChange):
            return uuid.uuid5(NAMESPACE, f"material/{entry.change.id}").urn
        # A move to another edition is one record, removed here and added there: two entries.
        key = f"change/{entry.change.id}"
        if entry.change.elsewhere:
            key += f" left {entry.changes_url}"
        return uuid.uuid5(NAMESPACE, key).urn

    item_guid_is_permalink = False

    def item_pubdate(self, entry):
        return entry.change.changed_at

    def item_updateddate(self, entry):
        return entry.change.changed_at

    def item_categories(self, entry):
        if isinstance(entry.change, MaterialChange):
            return ["materials", entry.change.kind]
        release = entry.change.release
        return [entry.change.kind, *([f"release-{release.number}"] if release else [])]
